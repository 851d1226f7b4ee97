"""766 score tables (Quyết định 766/QĐ-TTg, 2022): a unit's or the province's monthly score by group.

Layout (config/layouts/groups766.yaml ``score_table``): one header row naming the
unit (or province), the month ("01/2024", "2024-01", "Tháng 1/2024", or a month
number beside a year column), a column per group (công khai minh bạch, tiến độ
giải quyết, dịch vụ công trực tuyến, thanh toán trực tuyến, mức độ hài lòng, số hóa
hồ sơ) and optionally the total. CSV or the first sheet of a workbook.

Grain of the output (:data:`SCORE_COLUMNS`, ``score766.parquet``): one row per unit,
month and group (``group`` = ``total`` for the total), with the group's maximum
and the source row. Checks, one finding per bad row (file and row named):
a unit that matches no official unit, or an unreadable month, rejects the row; a
score that is unreadable, negative or above its group's maximum is not kept (the
row's other scores are); a total that differs from the sum of the groups by more
than ``total_tolerance`` is reported and kept.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from motcua.config import load_config
from motcua.ingest.text import clean_text, fold
from motcua.numfmt import points
from motcua.quality import Quality

SCORE_COLUMNS = [
    "unit_schema",
    "unit_code",
    "unit_name",
    "unit_level",
    "period_start",
    "period_end",
    "group",
    "score",
    "max_score",
    "source",
    "source_row",
]


def layout() -> dict[str, Any]:
    """config/layouts/groups766.yaml ``score_table``."""
    return load_config().layouts.get("groups766", {}).get("score_table", {})


def _key(v: object) -> str:
    return fold(clean_text(v)).replace(" ", "")


def map_header(header: list[object]) -> dict[str, int]:
    """(role → column index) of a score-table header: unit, month, year, total and each group's name."""
    keys = [_key(h) for h in header]
    lay = layout()
    roles: dict[str, int] = {}
    wanted: list[tuple[str, list[str]]] = [(r, list(lay.get(r, []))) for r in ("unit", "month", "year", "total")]
    wanted += [(g, list(spec.get("aliases", []))) for g, spec in (lay.get("groups") or {}).items()]
    for role, aliases in wanted:
        for alias in aliases:
            hits = [i for i, k in enumerate(keys) if k == alias and i not in roles.values()]
            if hits:
                roles[role] = hits[0]
                break
    return roles


def _is_score_header(header: list[object]) -> bool:
    roles = map_header(header)
    groups = set(layout().get("groups") or {})
    return "unit" in roles and "month" in roles and len(groups & set(roles)) >= int(layout().get("min_groups", 2))


def has_score_header(sheets: Any) -> bool:
    """Whether one of ``sheets`` (each a list of rows, as :class:`motcua.ingest.grid.Grid` holds them) has a
    score-table header in its first ten rows."""
    return any(_is_score_header(list(r)) for rows in sheets for r in list(rows)[:10])


def _rows(path: Path, n: int | None = None) -> list[list[object]]:
    """The first ``n`` rows (all: None) of a CSV or of a workbook's first visible sheet."""
    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        from motcua.ingest.tidy import read_head

        _, delim, enc = read_head(path)
        df = pd.read_csv(path, sep=delim, encoding=enc, dtype=str, keep_default_na=False, header=None, nrows=n)
        return df.values.tolist()
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        ws = next(ws for ws in wb.worksheets if ws.sheet_state == "visible")
        return [list(r) for r in ws.iter_rows(max_row=n, values_only=True)]
    finally:
        wb.close()


def is_score_table(path: Path) -> bool:
    """A CSV or .xlsx whose first ten rows hold a score-table header (unit, month, ≥ ``min_groups`` groups)."""
    if path.suffix.lower() not in (".csv", ".xlsx") or not path.is_file() or path.name.startswith("~$"):
        return False
    try:
        return any(_is_score_header(r) for r in _rows(path, 10))
    except Exception:  # noqa: BLE001 - anything unreadable is left to the readers of forms and dossiers
        return False


def parse_month(v: object, year: object = None) -> tuple[date, date] | None:
    """(first, last day) of the month a cell names; None if unreadable."""
    from motcua.ingest.periods import month_end

    if hasattr(v, "year") and hasattr(v, "month"):
        y, m = int(v.year), int(v.month)  # type: ignore[union-attr]
    else:
        s = clean_text(v).lower()
        hit = re.search(r"(\d{1,2})\s*[/.\-]\s*(\d{4})", s)
        if hit:
            m, y = int(hit.group(1)), int(hit.group(2))
        elif hit := re.search(r"(\d{4})\s*[/.\-]\s*(\d{1,2})\b", s):
            y, m = int(hit.group(1)), int(hit.group(2))
        elif (
            hit := re.fullmatch(r"(?:tháng\s*)?(\d{1,2})(?:\.0)?", fold(s).replace("thang", "tháng"))
        ) and year is not None:
            m = int(hit.group(1))
            ys = fold(clean_text(year)).removesuffix(".0")
            if not ys.isdigit():
                return None
            y = int(ys)
        else:
            return None
    if not (1 <= m <= 12 and 2000 <= y <= 2100):
        return None
    return date(y, m, 1), month_end(y, m)


def parse_score(v: object) -> float | None:
    """A score: 12.5, "12,5", "12.50" → 12.5; None if blank or unreadable."""
    if v is None:
        return None
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return None if v != v else float(v)
    s = clean_text(v).replace(" ", "").replace(",", ".")
    try:
        return float(s) if s else None
    except ValueError:
        return None


def _match(name: str, start: date, ctx: Any) -> tuple[str, str, str, str] | None:
    """(schema, code, name, level) of the unit or the configured province a name gives; None if unmatched."""
    from motcua.ingest.unit_match import match_with_fallback

    cfg = load_config()
    prov = getattr(cfg, "province", {}) or {}
    pname = str(prov.get("province_name") or prov.get("name") or "")
    schema = "2025" if start >= date(2025, 7, 1) else "legacy"
    f = fold(name)
    bare = re.sub(r"^tinh ", "", fold(pname))
    if pname and f in {bare, "tinh " + bare, "ubnd tinh " + bare} and schema == "legacy":
        return schema, str(prov.get("province_code") or prov.get("code") or ""), pname, "province"
    m = match_with_fallback(name, ctx, start)
    if not m.matched:
        return None
    return m.unit_schema, str(m.unit_code), m.unit_name or name, m.unit_level or ""


def read_score_table(path: Path, display: str, q: Quality, ctx: Any) -> pd.DataFrame:
    """:data:`SCORE_COLUMNS` rows of one score table; every bad row reported (see the module docstring)."""
    try:
        rows = _rows(path)
    except Exception as exc:  # noqa: BLE001
        q.add(
            display,
            "unreadable_file",
            "error",
            f"Không đọc được bảng điểm 766: {type(exc).__name__}: {exc}. Bỏ qua tệp.",
            action="file_skipped",
        )
        return pd.DataFrame(columns=SCORE_COLUMNS)
    hr = next(i for i, r in enumerate(rows[:10]) if _is_score_header(r))
    roles = map_header(rows[hr])
    lay = layout()
    groups = {g: float(spec["max"]) for g, spec in (lay.get("groups") or {}).items() if g in roles}
    tol = float(lay.get("total_tolerance", 0.02))
    header = ["" if h is None else str(h) for h in rows[hr]]
    out: list[dict[str, Any]] = []
    n_rejected = 0
    for j, r in enumerate(rows[hr + 1 :]):
        if not any(v is not None and str(v).strip() for v in r):
            continue
        scores = _row_scores(r, hr + 2 + j, roles, groups, header, lay, tol, display, q, ctx)
        if scores is None:
            n_rejected += 1
        else:
            out += scores
    q.add(
        display,
        "score766_read",
        "info",
        f"Bảng điểm 766: {len({(o['unit_code'], o['period_start']) for o in out})} dòng đơn vị × tháng giữ lại, "
        f"{n_rejected} dòng bị loại.",
        action="derived",
    )
    return pd.DataFrame(out, columns=SCORE_COLUMNS)


def _row_scores(
    r: list[object],
    line: int,
    roles: dict[str, int],
    groups: dict[str, float],
    header: list[str],
    lay: dict[str, Any],
    tol: float,
    display: str,
    q: Quality,
    ctx: Any,
) -> list[dict[str, Any]] | None:
    """The scores of one row (sheet line ``line``): one per readable group within its maximum, and the total;
    None when the row is dropped (month unreadable, unit unmatched). Scores over the maximum or unreadable are one
    error (the other groups kept); a total that differs from the groups' sum is one warning."""

    def cell(role: str) -> object:
        i = roles.get(role)
        return r[i] if i is not None and i < len(r) else None

    name = clean_text(cell("unit"))
    when = parse_month(cell("month"), cell("year"))
    if when is None:
        q.add(
            display,
            "score766_unreadable",
            "error",
            f'Tháng "{clean_text(cell("month"))}" không đọc được; bỏ dòng.',
            row=line,
            unit=name,
            action="dropped",
        )
        return None
    unit = _match(name, when[0], ctx) if name else None
    if unit is None:
        q.add(
            display,
            "score766_unit_unmatched",
            "error",
            f'Đơn vị "{name or "(trống)"}" của bảng điểm 766 không khớp đơn vị chính thức; bỏ dòng.',
            row=line,
            unit=name,
            action="dropped",
        )
        return None
    base = dict(zip(SCORE_COLUMNS[:6], (*unit, pd.Timestamp(when[0]), pd.Timestamp(when[1]))))
    kept, bad, unreadable = _group_scores(cell, groups, header, roles)
    if bad:
        q.add(
            display,
            "score766_unreadable" if unreadable else "score766_over_max",
            "error",
            f"Điểm không hợp lệ hoặc vượt điểm tối đa của nhóm: {'; '.join(bad)}; không dùng điểm này, giữ các nhóm khác.",
            row=line,
            unit=unit[1],
            period=f"{when[0]:%m/%Y}",
            action="value_ignored",
        )
    total = parse_score(cell("total"))
    if total is not None and not bad and len(kept) == len(groups) and abs(total - sum(kept.values())) > tol:
        q.add(
            display,
            "score766_total_mismatch",
            "warning",
            f"Tổng điểm {points(total)} khác tổng các nhóm {points(sum(kept.values()))}; giữ nguyên số liệu.",
            row=line,
            unit=unit[1],
            period=f"{when[0]:%m/%Y}",
            action="kept",
        )
    items = list(kept.items()) + (
        [("total", total)] if total is not None and 0 <= total <= float(lay.get("total_max", 100)) else []
    )
    return [
        {
            **base,
            "group": g,
            "score": v,
            "max_score": groups.get(g, float(lay.get("total_max", 100))),
            "source": display,
            "source_row": line,
        }
        for g, v in items
    ]


def _group_scores(
    cell: Any, groups: dict[str, float], header: list[str], roles: dict[str, int]
) -> tuple[dict[str, float], list[str], bool]:
    """A row's group scores (``cell``: role → the row's cell): those kept, the bad ones as the finding names them
    (header = value (maximum)), and whether any bad one is unreadable or negative rather than over its maximum."""
    bad: list[str] = []
    unreadable = False
    kept: dict[str, float] = {}
    for g, mx in groups.items():
        raw = cell(g)
        v = parse_score(raw)
        if v is None and clean_text(raw) == "":
            continue
        if v is None or v < 0 or v > mx + 1e-9:
            bad.append(f"{header[roles[g]]} = {clean_text(raw)} (tối đa {points(mx)})")
            unreadable = unreadable or v is None or v < 0
            continue
        kept[g] = v
    return kept, bad, unreadable


def combine_scores(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """All score tables in one frame (:data:`SCORE_COLUMNS`), the last table read winning for a unit, month and group."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=SCORE_COLUMNS)
    df = pd.concat(frames, ignore_index=True)
    df = df.drop_duplicates(["unit_schema", "unit_code", "period_start", "group"], keep="last")
    for c in ("unit_schema", "unit_code", "unit_name", "unit_level", "group", "source"):
        df[c] = df[c].astype("string")
    df["score"] = df["score"].astype(float)
    df["max_score"] = df["max_score"].astype(float)
    df["source_row"] = df["source_row"].astype("Int64")
    for c in ("period_start", "period_end"):
        df[c] = pd.to_datetime(df[c]).astype("datetime64[ns]")
    return df.sort_values(["unit_schema", "unit_code", "period_start", "group"], kind="stable").reset_index(drop=True)
