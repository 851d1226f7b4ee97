"""The sample's 766 columns: payment, digitisation, apology letters and surveys of the dossier export, and a
small 766 score table.

:func:`add_groups766_columns` adds to a dossier export (one row per dossier, as
:mod:`motcua.sample.dossiers` writes it) the columns a provincial system exports for the
groups of Quyết định 766/QĐ-TTg, drawn from their own random stream (the export's dates,
channels and so the panel's counts are unchanged):

- "Phí, lệ phí": the procedure's fee ("0" for a free one), as written ("50.000");
- "Thanh toán trực tuyến": "Có"/"Không" for a dossier with a fee (online dossiers pay online
  far more often, and more so as the year goes on), blank without a fee;
- "Số hóa hồ sơ" (on receipt), "Số hóa kết quả" (completed dossiers; blank while open);
- "Sai sót": "Có" for a few dossiers returned for supplement;
- "Thư xin lỗi": "Có" for most — never all — completed dossiers that were late or faulty,
  blank otherwise; so the report has late dossiers without a letter to count;
- "Đánh giá": a survey answer for about a third of completed dossiers.

Deliberate defects (:data:`DEFECTS`): one "Số hóa hồ sơ" cell reads "Đang cập nhật",
a value that is neither yes nor no. :func:`score_table` writes the nine districts'
published-style 766 scores for 07–12/2024, one score above its group's maximum.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from motcua.sample.rng import unit_rng

#: Fee of each procedure of :data:`motcua.sample.dossiers.PROCEDURES`, in đồng (0: free), as written.
FEES = {
    "Chứng thực": "2.000",
    "Hộ tịch": "0",
    "Thành lập và hoạt động của hộ kinh doanh": "100.000",
    "Xây dựng": "75.000",
    "Đất đai": "50.000",
}
#: Row (0-based, among the export's rows) whose "Số hóa hồ sơ" reads "Đang cập nhật".
UNREADABLE_ROW = 100
UNREADABLE_VALUE = "Đang cập nhật"
GROUP_MAX = {
    "Công khai minh bạch": 18,
    "Tiến độ giải quyết": 20,
    "Dịch vụ công trực tuyến": 12,
    "Thanh toán trực tuyến": 10,
    "Mức độ hài lòng": 18,
    "Số hóa hồ sơ": 22,
}
#: (unit index among the nine districts, month) of the score above its group's maximum, and the value written.
OVER_MAX = (1, "09/2024", "Số hóa hồ sơ", "23,5")


def add_groups766_columns(export: pd.DataFrame, unit_code: str, year: int, seed: int) -> pd.DataFrame:
    """The export with the 766 columns (see the module docstring), deterministically from (seed, unit, year)."""
    r = unit_rng(seed, unit_code, f"groups766-{year}")
    n = len(export)
    out = export.copy()
    rec = pd.to_datetime(out["NgayTiepNhan"], format="%d/%m/%Y %H:%M")
    due = pd.to_datetime(out["NgayHenTra"], format="%d/%m/%Y")
    done = pd.to_datetime(out["NgayHoanThanh"].replace("", None), format="%d/%m/%Y %H:%M").dt.normalize()
    completed = done.notna().to_numpy()
    late = (done > due).fillna(False).to_numpy()
    online = out["KenhThucHien"].to_numpy() == 2
    progress = np.clip((rec.dt.month.to_numpy() - 1) / 11.0, 0, 1)  # 0 in January, 1 in December
    fee = out["LinhVuc"].map(FEES).fillna("0").to_numpy()
    has_fee = fee != "0"
    pay_p = np.where(online, 0.45 + 0.35 * progress, 0.03)
    paid = r.random(n) < pay_p
    out["Phí, lệ phí"] = fee
    out["Thanh toán trực tuyến"] = np.where(has_fee, np.where(paid, "Có", "Không"), "")
    digit = r.random(n) < (0.70 + 0.20 * progress)
    out["Số hóa hồ sơ"] = np.where(digit, "Có", "Không")
    result = r.random(n) < 0.60 + 0.25 * progress
    out["Số hóa kết quả"] = np.where(completed, np.where(result, "Có", "Không"), "")
    faulty = completed & ~late & (r.random(n) < 0.004)
    out["Sai sót"] = np.where(faulty, "Có", "")
    letter = (late | faulty) & (r.random(n) < 0.88)
    out["Thư xin lỗi"] = np.where(letter, "Có", "")
    answers = np.array(["Hài lòng", "Rất hài lòng", "Không hài lòng"])
    surveyed = completed & (r.random(n) < 0.33)
    pick = r.choice(len(answers), size=n, p=[0.6, 0.36, 0.04])
    out["Đánh giá"] = np.where(surveyed, answers[pick], "")
    if n > UNREADABLE_ROW:
        out.loc[out.index[UNREADABLE_ROW], "Số hóa hồ sơ"] = UNREADABLE_VALUE
    # personal columns stay last, as the systems export them
    personal = ["HoTenNguoiNop", "SoCCCD", "SoDienThoai", "Email", "DiaChi"]
    return out[[c for c in out.columns if c not in personal] + [c for c in personal if c in out]]


def score_table(units: list[tuple[str, str]], seed: int) -> pd.DataFrame:
    """A published-style 766 score table: one row per district and month (07–12/2024), a score per group and the
    total (the sum of the groups). ``units``: (code, name as written). One score is above its group's maximum."""
    rows = []
    for i, (code, name) in enumerate(units):
        r = unit_rng(seed, code, "score766")
        level = r.uniform(0.78, 0.93)
        for m in range(7, 13):
            month = f"{m:02d}/2024"
            scores = {
                g: round(float(np.clip(mx * (level + 0.01 * (m - 7) + r.normal(0, 0.03)), 0, mx)), 2)
                for g, mx in GROUP_MAX.items()
            }
            row = {
                "STT": len(rows) + 1,
                "Đơn vị": name,
                "Tháng": month,
                **{g: f"{v:.2f}".replace(".", ",") for g, v in scores.items()},
                "Tổng điểm": f"{sum(scores.values()):.2f}".replace(".", ","),
            }
            if (i, month, OVER_MAX[2]) == OVER_MAX[:3]:
                row[OVER_MAX[2]] = OVER_MAX[3]
            rows.append(row)
    return pd.DataFrame(rows)


DEFECTS = [
    {
        "defect": "groups766_unreadable_value",
        "detail": f'dossier export: row {UNREADABLE_ROW + 2}, "Số hóa hồ sơ" = "{UNREADABLE_VALUE}" (neither yes nor no)',
    },
    {
        "defect": "score766_over_max",
        "detail": f'766 score table: district {OVER_MAX[0] + 1}, {OVER_MAX[1]}: "{OVER_MAX[2]}" = {OVER_MAX[3]} above its maximum 22',
    },
]
