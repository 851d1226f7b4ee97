"""The sample's PAR index tables (Chỉ số cải cách hành chính) of Phú Yên's nine districts, 2021–2024.

One workbook per year, as the province's yearly decision publishes it: a row per district with its score in each
of the eight fields of the district-level set (config/layouts/par_district.yaml), the total, the rank and the grade.
The totals below are the sample's design (deterministic); Thị xã Sông Cầu (557) in 2022 carries the published
figures: 73,34 points, 3rd of 9, its eight field scores; in 2021 it had 8,48 points fewer and ranked 6th (it rose
three places). Other units' fields are spread from their totals (seeded), summing to the total to the cent.

The files vary as real ones do: 2021 writes the rank "6/9", 2023 adds a "Điểm tối đa" row, 2024 writes scores as
text with a decimal comma. With ``messy`` the deliberate defects of :func:`par_defects` are written in.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from motcua.sample.workbook import save_deterministic

__all__ = [
    "PAR_TOTALS",
    "PAR_FIELDS",
    "SONG_CAU_2022",
    "PAR_YEARS",
    "par_scores",
    "par_years",
    "par_defects",
    "write_par_files",
]

PAR_YEARS = (2021, 2022, 2023, 2024)
#: Field key → (label as the sample's decision writes it, maximum): the district-level set.
PAR_FIELDS: dict[str, tuple[str, float]] = {
    "direction": ("Công tác chỉ đạo, điều hành CCHC", 18.5),
    "legal_documents": ("Xây dựng và tổ chức thực hiện văn bản QPPL", 6.0),
    "procedures": ("Cải cách thủ tục hành chính", 22.0),
    "apparatus": ("Cải cách tổ chức bộ máy hành chính", 7.0),
    "civil_service": ("Cải cách chế độ công vụ", 14.0),
    "public_finance": ("Cải cách cơ chế tài chính công", 9.5),
    "e_government": ("Xây dựng chính quyền điện tử", 16.0),
    "impact": ("Tác động của CCHC đến người dân, tổ chức và phát triển KT-XH", 7.0),
}
#: Thị xã Sông Cầu's published field scores for 2022 (sum 73,34).
SONG_CAU_2022: dict[str, float] = {
    "direction": 17.64,
    "legal_documents": 5.9,
    "procedures": 12.0,
    "apparatus": 7.0,
    "civil_service": 11.0,
    "public_finance": 5.5,
    "e_government": 8.42,
    "impact": 5.88,
}
#: Published change of Sông Cầu's total from 2021 to 2022, and its rank in 2021 (3rd in 2022, up three places).
SONG_CAU_CHANGE_2022 = 8.48
#: Year → unit code → total (the sample's design; Sông Cầu's 2021 total is 73,34 − 8,48).
PAR_TOTALS: dict[int, dict[str, float]] = {
    2021: {
        "555": 78.12,
        "564": 72.40,
        "563": 70.85,
        "559": 68.90,
        "562": 66.27,
        "557": round(73.34 - SONG_CAU_CHANGE_2022, 2),
        "558": 62.31,
        "560": 60.75,
        "561": 58.42,
    },
    2022: {
        "555": 79.05,
        "564": 74.18,
        "557": 73.34,
        "563": 71.62,
        "559": 69.47,
        "562": 67.80,
        "558": 64.15,
        "560": 62.09,
        "561": 60.33,
    },
    2023: {
        "555": 80.21,
        "557": 76.52,
        "564": 75.10,
        "563": 72.48,
        "559": 70.36,
        "562": 68.94,
        "558": 66.02,
        "560": 63.71,
        "561": 61.85,
    },
    2024: {
        "555": 81.47,
        "557": 78.03,
        "564": 76.66,
        "563": 74.20,
        "559": 71.58,
        "562": 70.12,
        "558": 67.45,
        "560": 65.30,
        "561": 63.08,
    },
}
#: The deliberate defects: (year, unit, what).
OVER_MAX = (2023, "560", "apparatus", 7.5)  # a field written above its maximum (7), another lowered: the total holds
TOTAL_OFF = (2024, "558", "civil_service", 1.0)  # one field typed 1 point too high: the fields no longer add up
RANK_TIE = (2023, "558", "562")  # the first is published with the second's rank though its total is lower


def _spread(total: float, rng: np.random.Generator) -> dict[str, float]:
    """Eight field scores in cents, each within its maximum, summing to ``total`` exactly."""
    keys = list(PAR_FIELDS)
    mx = np.array([PAR_FIELDS[k][1] for k in keys])
    raw = np.minimum(mx, mx * total / 100 * rng.uniform(0.85, 1.12, len(keys)))
    cents = np.round(raw * 100).astype(int)
    want, cap = int(round(total * 100)), np.round(mx * 100).astype(int)
    i = 0
    while cents.sum() != want:
        step = 1 if cents.sum() < want else -1
        k = i % len(keys)
        if 0 <= cents[k] + step <= cap[k]:
            cents[k] += step
        i += 1
    return {k: int(c) / 100 for k, c in zip(keys, cents)}


def par_scores(seed: int) -> dict[int, dict[str, dict[str, float]]]:
    """Year → unit → field → score, the truth of the sample's tables (before any defect)."""
    rng = np.random.default_rng(seed + 766)
    out: dict[int, dict[str, dict[str, float]]] = {}
    for year in PAR_YEARS:
        out[year] = {}
        for code in sorted(PAR_TOTALS[year]):
            s = _spread(PAR_TOTALS[year][code], rng)
            out[year][code] = dict(SONG_CAU_2022) if (year, code) == (2022, "557") else s
    return out


def par_years(legacy_years: set[int]) -> list[int]:
    """The index years written: those of :data:`PAR_YEARS` the sample's legacy months reach."""
    return [y for y in PAR_YEARS if y in legacy_years]


def par_defects(units: list[str], messy: bool, legacy_years: set[int]) -> list[dict[str, str]]:
    """The deliberate defects of the PAR tables (none unless the nine districts are sampled and ``messy``)."""
    if not messy or not covers_province(units):
        return []
    y, u, f, v = OVER_MAX
    y2, u2, f2, d2 = TOTAL_OFF
    y3, a, b = RANK_TIE
    years = set(par_years(legacy_years))
    out = [
        {
            "defect": "par_over_max",
            "detail": f"chi-so-cchc {y}, unit {u}: field {f} written {v} above its maximum "
            f"{PAR_FIELDS[f][1]} (the total still adds up)",
        },
        {
            "defect": "par_total_mismatch",
            "detail": f"chi-so-cchc {y2}, unit {u2}: field {f2} typed {d2} point too high, "
            "the fields no longer add up to the total",
        },
        {
            "defect": "par_rank_tie",
            "detail": f"chi-so-cchc {y3}: unit {a} published with the rank of unit {b} though its total is lower",
        },
    ]
    return [d for d, year in zip(out, (y, y2, y3)) if year in years]


def covers_province(units: list[str]) -> bool:
    """Whether ``units`` hold every unit PAR_TOTALS lists for the first PAR year."""
    return all(c in units for c in PAR_TOTALS[PAR_YEARS[0]])


def _grade(total: float) -> str:
    return "Tốt" if total >= 80 else "Khá" if total >= 65 else "Trung bình" if total >= 50 else "Yếu"


def _table(year: int, scores: dict[str, dict[str, float]], messy: bool) -> list[dict[str, Any]]:
    """The rows of one year's table, ordered by rank, with the defects written in."""
    totals = PAR_TOTALS[year]
    order = sorted(totals, key=lambda c: (-totals[c], c))
    rows = []
    for code in order:
        s = dict(scores[code])
        rank = 1 + sum(1 for o in totals.values() if o > totals[code])
        if messy and (year, code) == OVER_MAX[:2]:
            f, v = OVER_MAX[2], OVER_MAX[3]
            s["procedures"] = round(s["procedures"] - (v - s[f]), 2)
            s[f] = v
        if messy and (year, code) == TOTAL_OFF[:2]:
            s[TOTAL_OFF[2]] = round(s[TOTAL_OFF[2]] + TOTAL_OFF[3], 2)
        if messy and year == RANK_TIE[0] and code == RANK_TIE[1]:
            rank = 1 + sum(1 for o in totals.values() if o > totals[RANK_TIE[2]])
        rows.append({"code": code, "fields": s, "total": totals[code], "rank": rank, "grade": _grade(totals[code])})
    return rows


def _written_name(name: str, i: int) -> str:
    """District names as decisions write them: "UBND thị xã Sông Cầu", "UBND huyện Tuy An", "UBND TP Tuy Hòa"."""
    if name.startswith("Thành phố ") and i % 2:
        return "UBND TP " + name[len("Thành phố ") :]
    return "UBND " + name[:1].lower() + name[1:]


def _workbook(year: int, rows: list[dict[str, Any]], names: dict[str, str], province: str) -> Any:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = f"CCHC {year}"
    n = len(PAR_FIELDS)
    ws.append([f"UBND {province.upper()}"])
    ws.append([f"KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year} CỦA UBND CÁC HUYỆN, THỊ XÃ, THÀNH PHỐ"])
    ws.append(
        [
            f"(Kèm theo Quyết định số {100 + year % 100}/QĐ-UBND của UBND {province[:1].lower() + province[1:]}; "
            "dữ liệu mẫu tổng hợp giả lập bởi motcua (motcua-synthetic), không phải số liệu thật)"
        ]
    )
    ws.append([])
    ws.append(["STT", "Đơn vị", "Điểm đạt theo lĩnh vực", *[None] * (n - 1), "Tổng điểm", "Xếp hạng", "Xếp loại"])
    ws.append([None, None, *[f"{lab} ({_num(mx)} điểm)" for lab, mx in PAR_FIELDS.values()], None, None, None])
    top = 5
    for c in (1, 2, n + 3, n + 4, n + 5):
        ws.merge_cells(start_row=top, start_column=c, end_row=top + 1, end_column=c)
    ws.merge_cells(start_row=top, start_column=3, end_row=top, end_column=n + 2)
    if year == 2023:  # the maxima written as a row under the header
        ws.append([None, "Điểm tối đa", *[mx for _, mx in PAR_FIELDS.values()], 100, None, None])
    for i, r in enumerate(rows, start=1):
        vals: list[Any] = [r["fields"][k] for k in PAR_FIELDS]
        total: Any = r["total"]
        if year == 2024:
            vals = [_num(v) for v in vals]
            total = _num(total)
        rank: Any = f"{r['rank']}/{len(rows)}" if year == 2021 else r["rank"]
        ws.append([i, _written_name(names[r["code"]], i), *vals, total, rank, r["grade"]])
    ws.append([])
    ws.append([None, "Ghi chú: dữ liệu mẫu tổng hợp giả lập (motcua-synthetic)."])
    for row in ws.iter_rows(min_row=top, max_row=top + 1):
        for cell in row:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    return wb


def _num(v: float) -> str:
    """A score as Vietnamese files write it: "18,5", "12", "17,64"."""
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return s.replace(".", ",")


def write_par_files(
    out: Path, units: list[str], seed: int, messy: bool, names: dict[str, str], province: str, legacy_years: set[int]
) -> list[Path]:
    """One workbook per year the legacy months reach (chi-so-cchc_cap-huyen_YYYY.xlsx) when the nine districts are
    sampled; else none."""
    if not covers_province(units):
        return []
    scores = par_scores(seed)
    written = []
    for year in par_years(legacy_years):
        wb = _workbook(year, _table(year, scores[year], messy), names, province)
        written.append(
            save_deterministic(
                wb,
                out / f"chi-so-cchc_cap-huyen_{year}.xlsx",
                created=datetime(year + 1, 3, 15, 8),
                title=f"Chỉ số cải cách hành chính năm {year}",
            )
        )
    return written
