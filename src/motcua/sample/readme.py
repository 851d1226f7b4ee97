"""The README written beside the sample's files (Vietnamese and English), from the sample's plan."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from motcua.sample.plan import first_month, unit_info
from motcua.sample.workbook import SYNTHETIC_KEYWORD

if TYPE_CHECKING:
    from motcua.sample.plan import Plan


def sample_readme(plan: Plan, codes: list[str], start: str, months: int, seed: int) -> str:
    """data/raw/sample/README.md (Vietnamese, then English): what the files hold, and the deliberate defects."""
    first = first_month(start)
    last = first + pd.DateOffset(months=months - 1)
    lines = [
        "# Dữ liệu mẫu (synthetic sample)",
        "",
        "Các tệp trong thư mục này là **dữ liệu tổng hợp giả lập** do `motcua sample` sinh ra (seed "
        f"{seed}, {len(codes)} đơn vị cấp huyện, {months} tháng từ {first:%m/%Y} đến {last:%m/%Y}); không phải số liệu "
        f"thật. Mỗi bảng tính mang từ khóa `{SYNTHETIC_KEYWORD}` trong thuộc tính tài liệu.",
        "",
    ]
    vi: list[str] = []
    en: list[str] = []
    for part in (_legacy_entries(plan, first), _reform_entries(plan), _other_entries(plan)):
        vi += part[0]
        en += part[1]
    lines += vi + [
        "",
        "Synthetic exports written by `motcua sample` (deterministic). Regenerate with `make sample`.",
        "",
    ]
    lines += en + [
        "",
        "Tuy Hòa (555) in 2023 matches the published totals: 7.697 handled = 4.302 online + 3.087 in person + 308 "
        "carried over from 2022.",
        "",
        "Lỗi cố ý (bước làm sạch phải báo từng lỗi) / deliberate defects (the clean stage must report each one):",
        "",
    ]
    lines += [f"- {d['defect']}: {d['detail']}" for d in plan.defects] or ["- none (messy=False)"]
    return "\n".join(lines) + "\n"


def _legacy_entries(plan: Plan, first: pd.Timestamp) -> tuple[list[str], list[str]]:
    """(Vietnamese, English) lines on the legacy files: district and commune workbooks, the PAR index tables."""
    vi: list[str] = []
    en: list[str] = []
    if plan.months:
        ms = [first + pd.DateOffset(months=i) for i in range(plan.months)]
        vi.append(
            f"- `bieu06_YYYY-MM.xlsx` từ {ms[0]:%m/%Y} đến {ms[-1]:%m/%Y}: Biểu 06 hằng tháng của các đơn vị "
            "cấp huyện (trước ngày 1/7/2025)."
        )
        en.append(f"- `bieu06_YYYY-MM.xlsx` {ms[0]:%m/%Y}–{ms[-1]:%m/%Y}: monthly form 06 of the legacy districts.")
    if plan.commune_months:
        info = unit_info(plan.commune_districts)
        names = " và ".join(str(n) for n in info["unit_name"])
        vi.append(
            f"- `bieu06_cap-xa_YYYY-MM.xlsx` từ {plan.commune_months[0]:%m/%Y} đến {plan.commune_months[-1]:%m/%Y}: "
            f"các xã, phường, thị trấn (mã cũ) của {names}, mỗi đơn vị một dòng riêng (bộ phận một cửa cấp xã)."
        )
        en.append(
            f"- `bieu06_cap-xa_YYYY-MM.xlsx` {plan.commune_months[0]:%m/%Y}–{plan.commune_months[-1]:%m/%Y}: the "
            f"legacy communes of {', '.join(info['unit_name'])}, each its own row. Đồng Xuân's 2025 successors are "
            "made of its communes taken whole (continuity exact); Đông Hòa straddles (Phường Phú Yên also takes "
            "communes of Tuy Hòa and Tây Hòa; Phường Hòa Hiệp Bắc is divided): continuity partial."
        )
    from motcua.sample.par import covers_province, par_years

    pys = par_years({(first + pd.DateOffset(months=i)).year for i in range(plan.months)})
    if pys and covers_province(plan.units):
        vi.append(
            f"- `chi-so-cchc_cap-huyen_YYYY.xlsx` từ {pys[0]} đến {pys[-1]}: Chỉ số cải cách hành chính "
            "của các đơn vị cấp huyện, mỗi năm một tệp (điểm 8 lĩnh vực, tổng điểm, xếp hạng, xếp loại)."
        )
        en.append(
            f"- `chi-so-cchc_cap-huyen_YYYY.xlsx` {pys[0]}–{pys[-1]}: the PAR index of the districts, one "
            "file a year (8 fields, total, published rank, grade); Thị xã Sông Cầu in 2022 as published (73,34 "
            "points, 3rd of 9), 8,48 points fewer and 6th in 2021."
        )
    return vi, en


def _reform_entries(plan: Plan) -> tuple[list[str], list[str]]:
    """(Vietnamese, English) lines on the 2025-era workbooks: the successor communes and the provincial level."""
    vi: list[str] = []
    en: list[str] = []
    u25 = plan.units_2025
    if plan.months_2025 and u25 is not None and len(u25):
        ag = u25[u25["unit_level"] == "agency"]
        nc = int((u25["unit_level"] == "commune").sum())
        prov = str(u25["province_name"].iloc[0])
        prov_vi = prov[:1].lower() + prov[1:]
        vi.append(
            f"- `bieu06_YYYY-MM.xlsx` từ {plan.months_2025[0]:%m/%Y} đến {plan.months_2025[-1]:%m/%Y}: sau sắp xếp, "
            f"{nc} xã, phường thuộc {prov_vi} (mã {u25['province_code'].iloc[0]}) kế thừa các huyện trên, và cấp tỉnh: "
            f'{", ".join(ag["unit_name"])}; mục "Cấp tỉnh" và "Cấp xã", nhiều xã ghi theo tên trung tâm '
            '("Trung tâm Phục vụ hành chính công xã …", "TT PVHCC phường …", "UBND xã …", '
            '"Bộ phận Một cửa xã …").'
        )
        en.append(
            f"- `bieu06_YYYY-MM.xlsx` {plan.months_2025[0]:%m/%Y}–{plan.months_2025[-1]:%m/%Y}: after the reform, "
            f"the {nc} communes of {prov} ({u25['province_code'].iloc[0]}) that succeed these districts, and the "
            f'provincial level ({len(ag)} units, panel codes "{u25["province_code"].iloc[0]}-<key>" of '
            'config/agencies.yaml), in sections "Cấp tỉnh" and "Cấp xã", many communes under their centre\'s '
            "name. In July 2025 the district work moves: 75 % to the communes that took each district's area, "
            "25 % to the provincial level; each commune also takes over its legacy communes' own work; the online "
            "share of new dossiers jumps by 15–25 points; on-time shares stay at 95–100 %. Some months put the "
            '"Công an tỉnh" row among the commune rows, or write the section rows with their subtotals.'
        )
    return vi, en


def _other_entries(plan: Plan) -> tuple[list[str], list[str]]:
    """(Vietnamese, English) lines on the dossier export and the 766 score table."""
    vi: list[str] = []
    en: list[str] = []
    if plan.dossier is not None:
        vi.append(
            f"- `danh-sach-ho-so_…_{plan.dossier[1]}.csv`: danh sách hồ sơ (mỗi dòng một hồ sơ) của đơn vị "
            f"{plan.dossier[0]} năm {plan.dossier[1]}, có cột phí, lệ phí, thanh toán trực tuyến, số hóa hồ sơ, số hóa "
            "kết quả, sai sót, thư xin lỗi, đánh giá (các nhóm chỉ số theo Quyết định 766/QĐ-TTg)."
        )
        en.append(
            f"- `danh-sach-ho-so_…_{plan.dossier[1]}.csv`: one row per dossier of unit {plan.dossier[0]} in "
            f"{plan.dossier[1]}, with fee, online payment, digitised dossier and result, faulty, apology letter and "
            "survey columns (the groups of Decision 766/QĐ-TTg)."
        )
    if plan.score766:
        vi.append(
            "- `diem-chi-so-766_2024.csv`: điểm chỉ số 766 theo nhóm của các đơn vị cấp huyện, 07–12/2024 (giả lập)."
        )
        en.append("- `diem-chi-so-766_2024.csv`: 766 scores by group of the districts, 07–12/2024 (synthetic).")
    return vi, en
