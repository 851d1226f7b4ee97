"""The PAR index product: every PAR workbook among the inputs → ``par_index.parquet`` (with provenance).

Grain of the table (tall): one row per (year, unit_schema, unit_code, field, criterion) — ``kind`` says what the
row is: ``total`` (field "total", the unit's index), ``field`` (a field's score, criterion ""), ``criterion`` (a
criterion's score under its field, criterion = its label as written). Every row of a unit-year repeats the unit,
its published rank (``rank`` of ``rank_of``; null when the file gives none or the rank disagrees with the totals)
and grade, the set (``par_set``: config/layouts/par_*.yaml) and the provenance: file, sheet, row (1-based) and the
file's sha256. ``max_score`` is the maximum in force: the file's own when it states one, else the set's.

The rank is the published one (the province's decision), never a modelled rank. Quirks: a field given only by its
criteria holds their sum; a unit-year listed twice (in two sheets or files) keeps the first and reports the others.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from motcua import products
from motcua.clean.par_validate import validate_sheet
from motcua.ingest.par import ParSheet, looks_like_par, read_par_sheet
from motcua.ingest.unit_match import MatchContext
from motcua.numfmt import vi_points as pts
from motcua.quality import Quality

__all__ = ["PAR_INDEX", "PAR_COLUMNS", "PAR_SCHEMA", "build_par_index", "empty_par_index"]

PAR_INDEX = products.PAR.file
PAR_COLUMNS = [
    "year",
    "unit_schema",
    "unit_code",
    "unit_name",
    "unit_level",
    "province_code",
    "province_name",
    "par_set",
    "kind",
    "field",
    "field_label",
    "criterion",
    "score",
    "max_score",
    "rank",
    "rank_of",
    "grade",
    "source",
    "sheet",
    "row",
    "sha256",
]
KINDS = ("total", "field", "criterion")

PAR_SCHEMA = pa.DataFrameSchema(
    {
        "year": pa.Column("int64", pa.Check.in_range(2000, 2100), coerce=True),
        "unit_schema": pa.Column(str, pa.Check.isin(["legacy", "2025"])),
        "unit_code": pa.Column(str, pa.Check.str_length(min_value=1)),
        "unit_name": pa.Column(str, pa.Check.str_length(min_value=1)),
        "unit_level": pa.Column(str),
        "province_code": pa.Column(str, nullable=True),
        "province_name": pa.Column(str, nullable=True),
        "par_set": pa.Column(str),
        "kind": pa.Column(str, pa.Check.isin(KINDS)),
        "field": pa.Column(str, pa.Check.str_length(min_value=1)),
        "field_label": pa.Column(str),
        "criterion": pa.Column(str),
        "score": pa.Column("float64", pa.Check.ge(0), coerce=True),
        "max_score": pa.Column("float64", pa.Check.gt(0), nullable=True, coerce=True),
        "rank": pa.Column("Int64", pa.Check.ge(1), nullable=True, coerce=True),
        "rank_of": pa.Column("Int64", pa.Check.ge(1), nullable=True, coerce=True),
        "grade": pa.Column(str),
        "source": pa.Column(str),
        "sheet": pa.Column(str),
        "row": pa.Column("Int64", pa.Check.ge(1), coerce=True),
        "sha256": pa.Column(str, pa.Check.str_matches(r"^[0-9a-f]{64}$|^$")),
    },
    checks=[
        pa.Check(
            lambda df: df["max_score"].isna() | (df["score"] <= df["max_score"] + 1e-9), error="score above its maximum"
        ),
        pa.Check(
            lambda df: df["rank"].isna() | df["rank_of"].isna() | (df["rank"] <= df["rank_of"]),
            error="rank above rank_of",
        ),
    ],
    strict=True,
    ordered=True,
)


def empty_par_index() -> pd.DataFrame:
    """The table without rows (its columns and types)."""
    return _frame([])


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=PAR_COLUMNS)
    df["year"] = df["year"].astype("int64")
    for c in ("score", "max_score"):
        df[c] = pd.to_numeric(df[c]).astype("float64")
    for c in ("rank", "rank_of", "row"):
        df[c] = pd.array(df[c].tolist(), dtype="Int64")
    for c in PAR_COLUMNS:
        if c not in ("year", "score", "max_score", "rank", "rank_of", "row"):
            df[c] = df[c].astype(object).where(df[c].notna(), "").astype(str)
    return PAR_SCHEMA.validate(df)


def _rows(kept: dict[str, Any], ps: ParSheet) -> list[dict[str, Any]]:
    m = kept["unit"]
    base = {
        "year": kept["year"],
        "unit_schema": str(m.unit_schema),
        "unit_code": str(m.unit_code),
        "unit_name": str(m.unit_name),
        "unit_level": str(m.unit_level or ""),
        "province_code": str(m.province_code or ""),
        "province_name": str(m.province_name or ""),
        "par_set": ps.layout.name,
        "rank": kept["rank"],
        "rank_of": kept["rank_of"],
        "grade": kept["grade"],
        "source": kept["file"],
        "sheet": kept["sheet"],
        "row": kept["row"],
        "sha256": kept["sha256"],
    }
    out = [
        base
        | {
            "kind": "total",
            "field": "total",
            "field_label": "Tổng điểm",
            "criterion": "",
            "score": kept["total"],
            "max_score": ps.maxima.get(("total", ""), ps.layout.total_max),
        }
    ]
    for f in ps.layout.fields:
        out.append(
            base
            | {
                "kind": "field",
                "field": f.key,
                "field_label": f.label,
                "criterion": "",
                "score": kept["scores"][(f.key, "")],
                "max_score": ps.maxima.get((f.key, ""), f.max),
            }
        )
        for (fk, crit), v in kept["scores"].items():
            if fk == f.key and crit:
                out.append(
                    base
                    | {
                        "kind": "criterion",
                        "field": f.key,
                        "field_label": f.label,
                        "criterion": crit,
                        "score": v,
                        "max_score": ps.maxima.get((fk, crit)),
                    }
                )
    return out


def _sheet_notes(ps: ParSheet, display: str, q: Quality, year_from_name: int | None) -> None:
    """Sheet-level notes (info): the set assumed, maxima the file states otherwise, the year from the file name."""
    if ps.level_assumed:
        q.add(
            display,
            "par_level_assumed",
            "info",
            f'Tiêu đề không nêu cấp đánh giá; đọc theo bộ chỉ số "{ps.layout.description}" (config/layouts/{ps.layout.name}.yaml).',
            sheet=ps.sheet,
            row=ps.header_row,
            action="checked",
        )
    differ = [
        f'"{ps.layout.field(k).label}" {pts(v)} (cấu hình {pts(ps.layout.field(k).max)})'
        for (k, crit), v in ps.maxima.items()
        if not crit and k != "total" and abs(v - ps.layout.field(k).max) > 1e-9
    ]
    if differ:
        q.add(
            display,
            "par_max_from_file",
            "info",
            "Điểm tối đa theo tệp, khác cấu hình: " + "; ".join(differ) + ".",
            sheet=ps.sheet,
            row=ps.max_row or ps.header_row,
            action="checked",
        )
    if ps.year is None and year_from_name is not None and ps.other("year") is None:
        q.add(
            display,
            "par_year_from_filename",
            "info",
            f"Tiêu đề không nêu năm; lấy năm {year_from_name} từ tên tệp.",
            sheet=ps.sheet,
            row=ps.header_row,
            action="derived",
        )


def build_par_index(
    files: Sequence[tuple[Path, str, str]], q: Quality, ctx: MatchContext
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """(par_index table, counts) of the PAR workbooks ``files`` ((path, display name, sha256), in input order).

    Findings go into ``q``: a sheet whose title names the index but whose header no set fits is one
    ``par_no_header`` error; other sheets of a PAR workbook are one ``ignored_sheet`` note each."""
    from motcua.ingest.grid import UnreadableFile, read_book

    rows: list[dict[str, Any]] = []
    counts = {"files": len(files), "sheets": 0, "in": 0, "kept": 0, "dropped": 0}
    seen: set[tuple[int, str, str]] = set()
    for path, display, sha in files:
        try:
            book = read_book(path)
        except UnreadableFile as exc:  # read once already; changed since
            q.add(display, exc.rule, "error", f"{exc}. Bỏ qua tệp.", action="file_skipped")
            continue
        m = re.search(r"(?<!\d)(20\d{2})(?!\d)", Path(display).name)
        from_name = int(m.group(1)) if m else None
        for g in book.grids:
            ps = read_par_sheet(g)
            if ps is None:
                if looks_like_par(g):
                    q.add(
                        display,
                        "par_no_header",
                        "error",
                        "Trang tính có tiêu đề Chỉ số cải cách hành chính nhưng không nhận ra bảng điểm (cần cột đơn vị, "
                        "đủ các lĩnh vực của một bộ chỉ số trong config/layouts/par_*.yaml và cột tổng điểm). Bỏ qua trang tính.",
                        sheet=g.sheet,
                        action="file_skipped",
                    )
                elif any(any(v is not None and str(v).strip() for v in r) for r in g.rows):
                    q.add(
                        display,
                        "ignored_sheet",
                        "info",
                        "Trang tính không có bảng số liệu nhận dạng được; bỏ qua.",
                        sheet=g.sheet,
                        action="checked",
                    )
                continue
            counts["sheets"] += 1
            _sheet_notes(ps, display, q, from_name)
            res = validate_sheet(ps, display, sha, ctx, q, from_name, seen)
            counts["in"] += res.rows_in
            counts["dropped"] += res.dropped
            counts["kept"] += len(res.kept)
            for k in res.kept:
                rows += _rows(k, ps)
    table = _frame(rows)
    if len(table):
        # by year and unit; within a unit-year the total, then the fields in the set's order, each with its criteria
        table = table.sort_values(["year", "unit_schema", "unit_code"], kind="stable").reset_index(drop=True)
    return table, counts
