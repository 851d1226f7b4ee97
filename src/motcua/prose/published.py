"""The table of published figures: extracted facts with provenance, for display
beside the panel ("Số liệu công bố", never mixed into it).

Grain: one row per fact (as :func:`motcua.prose.extract_facts`), plus
``source_sha256`` (hash of the file the fact was read from, when it exists),
``label`` (what a reader sees: published figure, not computed) and
``extractor`` (code version). Written as CSV (flags joined with " | ") or
Parquet (flags as a list), by the file's suffix.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from motcua.prose.core import FACT_COLUMNS

PUBLISHED_COLUMNS: list[str] = FACT_COLUMNS + ["source_sha256", "label", "extractor"]
LABEL_VI = "Số liệu công bố (trích từ văn bản, chưa kiểm chứng)"
LABEL_EN = "Published figure (read from a document, not verified)"

#: What a reader sees for each metric (vi, en).
METRIC_LABELS: dict[str, tuple[str, str]] = {
    "received_total": ("Tổng số hồ sơ tiếp nhận", "Dossiers received (total)"),
    "received_online": ("Hồ sơ tiếp nhận trực tuyến", "Received online"),
    "received_offline": ("Hồ sơ tiếp nhận trực tiếp, bưu chính", "Received in person or by post"),
    "carried_over": ("Hồ sơ kỳ trước chuyển sang", "Carried over"),
    "received_in_period": ("Hồ sơ tiếp nhận trong kỳ", "Received in the period"),
    "resolved_total": ("Hồ sơ đã giải quyết", "Resolved"),
    "resolved_ontime": ("Giải quyết đúng và trước hạn", "Resolved on time or early"),
    "resolved_late": ("Giải quyết quá hạn", "Resolved late"),
    "pending_total": ("Hồ sơ đang giải quyết", "Pending"),
    "resolved_early": ("Giải quyết trước hạn", "Resolved early"),
    "resolved_ontime_part": ("Giải quyết đúng hạn (không gồm trước hạn)", "Resolved on the due date (not early)"),
    "index766_score": ("Điểm Bộ chỉ số 766", "766 index score"),
    "index766_rank": ("Xếp hạng Bộ chỉ số 766", "766 index rank"),
    "index766_rank_of": ("Số đơn vị được xếp hạng (Bộ chỉ số 766)", "Units ranked (766 index)"),
    "ontime_rate": ("Tỷ lệ đúng hạn (%)", "On-time rate (%)"),
    "online_rate": ("Tỷ lệ trực tuyến (%)", "Online rate (%)"),
    "par_score": ("Điểm chỉ số CCHC", "PAR index score"),
    "par_rank": ("Xếp hạng chỉ số CCHC", "PAR index rank"),
    "par_rank_of": ("Số đơn vị được xếp hạng", "Units ranked"),
}


def _sha256(path: str) -> str | None:
    p = Path(path)
    if not p.is_file():
        return None
    h = hashlib.sha256()
    with p.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def published_table(df: pd.DataFrame, hashes: dict[str, str | None] | None = None) -> pd.DataFrame:
    """Facts + provenance columns (see module docstring). ``hashes`` maps a ``file`` value to its
    content hash when ``file`` is a display name rather than a path (the build's raw documents)."""
    from motcua import __version__

    out = df[FACT_COLUMNS].copy()
    known = hashes or {}
    hashes = {f: known[f] if f in known else _sha256(f) for f in out["file"].dropna().unique()}
    out["source_sha256"] = out["file"].map(hashes).astype("object")
    out["label"] = LABEL_VI
    out["extractor"] = f"motcua {__version__}"
    return out[PUBLISHED_COLUMNS]


def published_display(df: pd.DataFrame, *, lang: str = "vi", unit_code: str | None = None) -> pd.DataFrame:
    """Facts as a reader sees them beside the panel: metric label, value in the language's
    number format (Babel: "7.697", "99,47"), period as dates, source file name and quote,
    with a column saying these are published figures. Optionally one unit's rows only.

    Grain: one row per fact; facts without a unit code are kept (aggregates) unless
    ``unit_code`` is given.
    """
    from motcua.numfmt import number

    locale = "vi" if lang == "vi" else "en"
    t = df[FACT_COLUMNS].copy()
    if unit_code is not None:
        t = t[t["unit_code"] == unit_code]
    idx = 0 if lang == "vi" else 1
    out = pd.DataFrame(
        {
            "unit_code": t["unit_code"],
            "unit_name": t["unit_name"],
            "period_start": t["period_start"],
            "period_end": t["period_end"],
            "metric": t["metric"],
            "label": [METRIC_LABELS.get(m, (m, m))[idx] for m in t["metric"]],
            "value": [number(v, locale) for v in t["value"]],
            "source": [Path(str(f)).name for f in t["file"]],
            "quote": t["quote"],
            "kind": LABEL_VI if lang == "vi" else LABEL_EN,
        }
    )
    return out.reset_index(drop=True)


def read_documents(docs: Sequence[tuple[str | Path, str]]) -> tuple[pd.DataFrame, list[tuple[str, str, int]]]:
    """The published-figures table of documents given as (path, display name), in the order given.

    ``file`` is the display name (as in quality.csv: "sample/thong-cao.txt"), ``source_sha256`` the
    hash of the bytes read. Also returns, per document, (display, problem or "", number of facts):
    problem says why nothing was read (unreadable, or no text layer). Deterministic: no clock.
    """
    from motcua.prose.core import extract_text
    from motcua.prose.reader import read_document

    frames, report, hashes = [], [], {}
    for path, display in docs:
        try:
            text = read_document(path)
        except Exception as exc:  # noqa: BLE001 - a bad document is reported, never stops the others
            report.append((display, f"{type(exc).__name__}: {exc}", 0))
            continue
        if not text.strip():
            report.append((display, "no text (a scanned PDF without a text layer?)", 0))
            continue
        facts = extract_text(text, file=display)
        hashes[display] = _sha256(str(path))
        frames.append(facts)
        report.append((display, "", len(facts)))
    facts = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=FACT_COLUMNS)
    return published_table(facts, hashes), report


def _write(table: pd.DataFrame, p: Path, suffix: str) -> None:
    if suffix.lower() == ".parquet":
        t = table.copy()
        t["flags"] = [list(f or []) for f in t["flags"]]
        t["value"] = t["value"].astype("float64")
        t.to_parquet(p, index=False)
    elif suffix.lower() == ".csv":
        t = table.copy()
        t["flags"] = [" | ".join(f or []) for f in t["flags"]]
        t.to_csv(p, index=False, lineterminator="\n")
    else:
        raise ValueError(f"{p.name}: use .csv or .parquet")


def write_published(table: pd.DataFrame, path: str | Path) -> Path:
    """Write a table already in :data:`PUBLISHED_COLUMNS` (e.g. from :func:`read_documents`) atomically."""
    from motcua.cache.atomic import atomic_write_frame

    p = Path(path)
    if p.suffix.lower() not in (".csv", ".parquet"):
        raise ValueError(f"{p.name}: use .csv or .parquet")
    atomic_write_frame(p, lambda tmp: _write(table[PUBLISHED_COLUMNS], tmp, p.suffix))
    return p


def save_published(df: pd.DataFrame, path: str | Path) -> Path:
    """Write the published-figures table of facts ``df`` to ``path`` (.csv or .parquet); returns the path."""
    return write_published(published_table(df), path)


def load_published(path: str | Path) -> pd.DataFrame:
    """Read a table written by :func:`save_published`; ``flags`` back as lists,
    dates as ISO strings, codes as strings."""
    p = Path(path)
    if p.suffix.lower() == ".parquet":
        t = pd.read_parquet(p)
        t["flags"] = [list(f) if f is not None else [] for f in t["flags"]]
        for c in (
            "unit_code",
            "province_code",
            "unit_level",
            "period_start",
            "period_end",
            "source_sha256",
            "unit_name",
        ):
            t[c] = t[c].astype("object").where(t[c].notna(), None)
    else:
        t = pd.read_csv(
            p,
            dtype={"unit_code": "string", "province_code": "string"},
            keep_default_na=False,
            na_values={"value": [""]},
        )
        t["flags"] = [[x for x in str(f).split(" | ") if x] for f in t["flags"]]
        for c in (
            "unit_code",
            "province_code",
            "unit_level",
            "period_start",
            "period_end",
            "source_sha256",
            "unit_name",
        ):
            t[c] = t[c].astype("object").where(t[c] != "", None)
    return t
