"""Checks of a PAR index sheet (:class:`motcua.ingest.par.ParSheet`): one finding per bad row, the rest kept.

A unit row is dropped (one ``error`` finding naming every problem of the row) when
- its name matches no unit of the year's era (:func:`motcua.ingest.unit_match.match_with_fallback`: the same
  reference, aliases and crosswalk as the forms; a year up to config/par.yaml ``legacy_until_year`` scores the
  legacy units, a later year the 2025 units) — ``unit_unmatched`` and the refusals of the other era;
- a score is not a number or is negative (``par_bad_score``);
- a field or criterion is above its maximum, or the total above the set's (``par_over_max``);
- its criteria do not add up to their field's score, or its fields to the total, beyond config/par.yaml
  ``tolerance`` (``par_total_mismatch``);
- the year is unknown (``par_no_year``), or the unit is listed twice for the year (``par_duplicate_unit``).

A kept row whose published rank disagrees with the totals (``par_rank_inconsistent``: ranks follow the totals,
equal totals share a rank, by any of the ``rank_methods``) or cannot be read (``par_bad_rank``) keeps its scores
and loses its rank (action ``value_removed``). A field given only by its criteria is their sum. Counting holds per
sheet: unit rows in = rows kept + rows dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from motcua.ingest.aggregate_checks import refusal_message
from motcua.ingest.par import ParRow, ParSheet, par_settings, parse_score
from motcua.ingest.unit_match import MatchContext, match_with_fallback, settle_agencies
from motcua.numfmt import vi_points as pts
from motcua.quality import Quality

__all__ = ["ParResult", "era_start", "validate_sheet"]


def era_start(year: int) -> date:
    """The date whose era decides which units a year's index scores (config/par.yaml ``legacy_until_year``)."""
    from motcua.ingest.eras import reform_date

    last_legacy = int(par_settings().get("legacy_until_year", 2024))
    return date(year, 1, 1) if year <= last_legacy else max(date(year, 1, 1), reform_date())


@dataclass
class ParResult:
    """What one sheet gave: kept unit-years (one dict each, with scores by (field, criterion)), counts."""

    kept: list[dict[str, Any]] = field(default_factory=list)
    rows_in: int = 0
    dropped: int = 0


_RANK = re.compile(r"^\D*?(\d{1,4})(?:\s*/\s*(\d{1,4}))?\D*$")


def _rank(cell: object) -> tuple[int | None, int | None, bool]:
    """(rank, of how many, readable) of a rank cell: 3, "3", "03", "3/9", "Thứ 3". Blank: (None, None, True)."""
    if cell is None or str(cell).strip() in ("", "-"):
        return None, None, True
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return (int(cell), None, True) if float(cell) == int(cell) and cell >= 1 else (None, None, False)
    m = _RANK.match(str(cell).strip())
    if not m or int(m.group(1)) < 1:
        return None, None, False
    return int(m.group(1)), int(m.group(2)) if m.group(2) else None, True


def _computed_ranks(totals: dict[int, float], method: str) -> dict[int, int]:
    keys = {i: round(t, 2) for i, t in totals.items()}
    distinct = sorted(set(keys.values()), reverse=True)
    if method == "dense":
        return {i: distinct.index(k) + 1 for i, k in keys.items()}
    return {i: 1 + sum(1 for o in keys.values() if o > k) for i, k in keys.items()}


def _scores(r: ParRow, ps: ParSheet, tol: float) -> tuple[dict[tuple[str, str], float], float | None, list[str]]:
    """(scores by (field, criterion) with each field's own score, total, problems) of one row."""
    problems: list[str] = []
    scores: dict[tuple[str, str], float] = {}
    labels = {(c.key, c.criterion): c.label for c in ps.field_columns()}
    for key, raw in r.cells.items():
        v, err = parse_score(raw)
        if err:
            problems.append(
                f'par_bad_score|"{labels.get(key, key[0])}" = "{raw}" '
                + ("là số âm" if err == "negative" else "không phải số điểm")
            )
        elif v is not None:
            scores[key] = v
    total, err = parse_score(r.total)
    if err:
        problems.append(
            f'par_bad_score|tổng điểm "{r.total}" ' + ("là số âm" if err == "negative" else "không phải số điểm")
        )
    elif total is None:
        problems.append("par_bad_score|tổng điểm để trống")
    for f in ps.layout.fields:
        crits = {k: v for k, v in scores.items() if k[0] == f.key and k[1]}
        own = scores.get((f.key, ""))
        if own is None and crits:
            scores[(f.key, "")] = own = round(sum(crits.values()), 6)
        elif own is not None and crits and abs(sum(crits.values()) - own) > tol:
            problems.append(
                f'par_total_mismatch|tiêu chí của "{f.label}" cộng lại {pts(sum(crits.values()))} '
                f"≠ điểm lĩnh vực {pts(own)}"
            )
        if own is None and not any(p.startswith("par_bad_score") and f.label in p for p in problems):
            problems.append(f'par_bad_score|lĩnh vực "{f.label}" để trống')
    return scores, total, problems


def _max_problems(scores: dict[tuple[str, str], float], total: float | None, ps: ParSheet) -> list[str]:
    out = []
    for (fk, crit), v in scores.items():
        f = ps.layout.field(fk)
        mx = ps.maxima.get((fk, crit), f.max if not crit else None)
        if mx is not None and v > mx + 1e-9:
            what = f'tiêu chí "{crit}" của "{f.label}"' if crit else f'"{f.label}"'
            out.append(f"par_over_max|{what} đạt {pts(v)} điểm, vượt điểm tối đa {pts(mx)}")
    tmax = ps.maxima.get(("total", ""), ps.layout.total_max)
    if total is not None and total > tmax + 1e-9:
        out.append(f"par_over_max|tổng điểm {pts(total)} vượt điểm tối đa {pts(tmax)}")
    return out


def _message(problems: list[str]) -> tuple[str, str]:
    rule = problems[0].split("|", 1)[0]
    text = "; ".join(p.split("|", 1)[1] for p in problems)
    return rule, text[:1].upper() + text[1:] + ". Loại dòng; các dòng khác vẫn được dùng."


def validate_sheet(
    ps: ParSheet,
    display: str,
    sha256: str,
    ctx: MatchContext,
    q: Quality,
    year_fallback: int | None = None,
    seen: set[tuple[int, str, str]] | None = None,
) -> ParResult:
    """Check every unit row of ``ps``; findings into ``q``; the kept rows with their matched unit.

    ``year_fallback``: the year when neither the title nor a "Năm" column gives one (the file name's);
    ``seen``: the (year, schema, code) kept so far by earlier sheets and files (a unit listed again is dropped)."""
    s = par_settings()
    tol = float(s.get("tolerance", 0.05))
    methods = list(s.get("rank_methods") or ["min"])
    out = ParResult()
    for row in ps.nameless:
        out.rows_in += 1
        out.dropped += 1
        q.add(
            display,
            "row_without_unit",
            "error",
            "Dòng có điểm nhưng không có tên đơn vị; loại dòng.",
            sheet=ps.sheet,
            row=row,
            action="dropped",
        )
    parsed = []
    for r in ps.rows:
        scores, total, problems = _scores(r, ps, tol)
        parsed.append((r, scores, total, problems))
    # ranks are checked over every row with a readable total, within its group (the published ranking's population)
    groups: dict[int, dict[int, float]] = {}
    for i, (r, _, total, _) in enumerate(parsed):
        if total is not None:
            groups.setdefault(r.group, {})[i] = total
    published = {i: _rank(p[0].rank) for i, p in enumerate(parsed)}
    rank_issue: dict[int, str] = {}
    rank_of: dict[int, int] = {}
    for totals in groups.values():
        best: tuple[int, dict[int, int]] | None = None
        for m in methods:
            comp = _computed_ranks(totals, m)
            bad = sum(1 for i in totals if published[i][0] is not None and published[i][0] != comp[i])
            if best is None or bad < best[0]:
                best = (bad, comp)
        assert best is not None
        denominators = {published[i][1] for i in totals if published[i][1]}
        for i in totals:
            rank_of[i] = max(denominators) if denominators else len(totals)
            rk = published[i][0]
            if rk is not None and rk != best[1][i]:
                rank_issue[i] = (
                    f"par_rank_inconsistent|Hạng công bố {rk} không khớp tổng điểm {pts(totals[i])}: theo tổng "
                    f"điểm đơn vị xếp thứ {best[1][i]}/{rank_of[i]} (đơn vị bằng điểm cùng hạng)"
                )
    seen = set() if seen is None else seen
    years = [_year(r.year) or ps.year or year_fallback for r, _, _, _ in parsed]
    found = [None if y is None else match_with_fallback(r.name, ctx, era_start(y)) for (r, *_), y in zip(parsed, years)]
    found = settle_agencies(  # an agency of no named province: the province of the sheet's units, when one
        found, lambda i, code: match_with_fallback(parsed[i][0].name, ctx, era_start(years[i]), province_hint=code)
    )
    for i, (r, scores, total, problems) in enumerate(parsed):
        out.rows_in += 1
        year = years[i]
        problems = problems + _max_problems(scores, total, ps)
        fields_sum = sum(v for (fk, crit), v in scores.items() if not crit)
        if (
            total is not None
            and not any(p.startswith("par_bad_score") for p in problems)
            and abs(fields_sum - total) > tol
        ):
            problems.append(
                f"par_total_mismatch|các lĩnh vực cộng lại {pts(fields_sum)} ≠ tổng điểm {pts(total)} "
                f"(chênh {pts(abs(fields_sum - total))}, cho phép {pts(tol)})"
            )
        m = None
        if year is None:
            problems.insert(0, 'par_no_year|không xác định được năm đánh giá (tiêu đề, cột "Năm" hay tên tệp)')
        else:
            m = found[i]
            assert m is not None
            if not m.matched:
                rule, msg = refusal_message(m, r.name, str(year), era_start(year))
                if not rule:
                    why = "có nhiều đơn vị trùng tên" if m.method == "ambiguous" else "độ khớp thấp"
                    rule, msg = (
                        "unit_unmatched",
                        (
                            f'không khớp "{r.name}" với đơn vị chính thức ({why}); gần nhất: '
                            f"{m.candidates_text(3)}; thêm bí danh vào config/aliases.yaml nếu đúng"
                        ),
                    )
                problems.insert(0, f"{rule}|{msg.rstrip('.')}")
            elif (year, str(m.unit_schema), str(m.unit_code)) in seen:
                problems.insert(
                    0,
                    f"par_duplicate_unit|{m.unit_name} đã có dòng điểm năm {year} ở trên (trang tính này hoặc tệp trước)",
                )
        if problems:
            rule, msg = _message(problems)
            q.add(
                display,
                rule,
                "error",
                msg,
                sheet=ps.sheet,
                row=r.row,
                unit=(m.unit_code if m is not None and m.matched else r.name) or "",
                match=m,
                period=str(year or ""),
                action="dropped",
            )
            out.dropped += 1
            continue
        assert m is not None and year is not None
        seen.add((year, str(m.unit_schema), str(m.unit_code)))
        rk, _, readable = published[i]
        if not readable:
            q.add(
                display,
                "par_bad_rank",
                "warning",
                f'Ô xếp hạng "{r.rank}" không đọc được; bỏ hạng, giữ điểm.',
                sheet=ps.sheet,
                row=r.row,
                unit=str(m.unit_code),
                match=m,
                period=str(year),
                action="value_removed",
            )
        elif i in rank_issue:
            q.add(
                display,
                "par_rank_inconsistent",
                "warning",
                rank_issue[i].split("|", 1)[1] + ". Bỏ hạng công bố; giữ điểm.",
                sheet=ps.sheet,
                row=r.row,
                unit=str(m.unit_code),
                match=m,
                period=str(year),
                action="value_removed",
            )
            rk = None
        out.kept.append(
            {
                "year": year,
                "unit": m,
                "name": r.name,
                "scores": scores,
                "total": total,
                "rank": rk,
                "rank_of": rank_of.get(i) if rk is not None else None,
                "grade": str(r.grade).strip() if r.grade is not None and str(r.grade).strip() else "",
                "row": r.row,
                "sheet": ps.sheet,
                "file": display,
                "sha256": sha256,
            }
        )
    return out


def _year(cell: Any) -> int | None:
    if cell is None:
        return None
    m = re.search(r"\b(20\d{2})\b", str(cell).split(".")[0] if isinstance(cell, float) else str(cell))
    return int(m.group(1)) if m else None
