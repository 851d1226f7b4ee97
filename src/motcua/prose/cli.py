"""``motcua extract FILE... [--format json|csv] [--out PATH] [--save TABLE]``: figures stated in prose.

Prints (or writes to ``--out``) one record per fact with the fields of
:data:`motcua.prose.core.FACT_COLUMNS`. JSON: an array of objects, ``flags`` a
list; CSV: one row per fact, ``flags`` joined with " | ". ``--save TABLE``
(.csv or .parquet) also writes the table of published figures with provenance
(:func:`motcua.prose.save_published`: source file hash, label, extractor
version; no clock, so the same documents give the same bytes); the province
overview shows ``DATA/published.csv`` beside the panel. The build writes that
file itself from the documents among the raw inputs (:func:`motcua.rawfiles.is_document`)
and replaces it whenever the clean stage runs. Exit status 0 when every file was
read (even with no facts), 2 for a usage error or an unreadable file.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from motcua import products
from motcua.prose.core import FACT_COLUMNS, extract_text
from motcua.prose.reader import read_document


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="motcua extract", description="Số liệu nêu trong báo cáo, thông cáo (txt, html, docx, pdf) → bảng sự kiện."
    )
    p.add_argument("files", nargs="+", metavar="FILE", help=".txt, .html, .docx or .pdf (with a text layer)")
    p.add_argument("--format", choices=["json", "csv"], default="json")
    p.add_argument("--out", type=Path, default=None, help="write here instead of standard output")
    p.add_argument(
        "--save",
        type=Path,
        default=None,
        metavar="TABLE",
        help="also write the table of published figures with provenance (.csv or .parquet), "
        f"e.g. DATA/{products.PUBLISHED.file} for the province overview",
    )
    return p


def _clean(v: Any) -> Any:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return v


def to_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Facts as plain JSON-ready dicts, fields in contract order."""
    out = []
    for row in df[FACT_COLUMNS].itertuples(index=False):
        rec = {c: _clean(v) for c, v in zip(FACT_COLUMNS, row)}
        rec["flags"] = list(rec["flags"] or [])
        out.append(rec)
    return out


def to_csv_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The facts table with ``flags`` joined by " | " (CSV has no lists)."""
    out = df[FACT_COLUMNS].copy()
    out["flags"] = [" | ".join(f or []) for f in out["flags"]]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; ``argv`` are the arguments after ``extract``."""
    parser = _parser()
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.save is not None and args.save.suffix.lower() not in (".csv", ".parquet"):
        parser.error(f"--save {args.save}: use a .csv or .parquet file")
    frames = []
    failed = 0
    for f in args.files:
        try:
            text = read_document(f)
        except (OSError, ValueError) as exc:
            print(f"motcua extract: {f}: {exc}", file=sys.stderr)
            failed += 1
            continue
        if not text.strip():
            print(f"motcua extract: {f}: no text (a scanned PDF without a text layer?)", file=sys.stderr)
        frames.append(extract_text(text, file=f))
    df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=FACT_COLUMNS)
    if args.format == "json":
        payload = json.dumps(to_records(df), ensure_ascii=False, indent=2) + "\n"
    else:
        payload = to_csv_frame(df).to_csv(index=False, lineterminator="\n")
    if args.save is not None:
        from motcua.prose.published import save_published

        save_published(df, args.save)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(payload, encoding="utf-8")
    else:
        sys.stdout.write(payload)
    return 2 if failed else 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
