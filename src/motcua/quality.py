"""Data-quality findings: every dropped, changed or suspicious value, one row each.

Grain of quality.csv: one row per finding, columns file, sheet, row, unit,
period, rule, severity, message, action (what the clean stage did: kept,
dropped, value_removed, derived, checked), unit_schema, unit_code. ``unit`` is
the unit as the file or the reader names it (the official code once matched,
else the name as written); ``unit_schema`` and ``unit_code`` are filled when the
reader matched the row to an official unit (its era, ``legacy`` or ``2025``, and
code) and empty otherwise (a whole file, an unmatched name). Messages are
Vietnamese; rule names are stable machine names described in :data:`RULES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

QUALITY_COLUMNS = [
    "file",
    "sheet",
    "row",
    "unit",
    "period",
    "rule",
    "severity",
    "message",
    "action",
    "unit_schema",
    "unit_code",
]
SEVERITIES = ("error", "warning", "info")

#: rule → (Vietnamese description, English description)
RULES: dict[str, tuple[str, str]] = {
    "unreadable_file": ("Tệp không đọc được", "File could not be read"),
    "unsupported_file": ("Loại tệp không hỗ trợ", "Unsupported file type"),
    "document_unreadable": (
        "Văn bản (thông cáo, báo cáo) không đọc được",
        "Document (press release, report) could not be read",
    ),
    "no_header": ("Không nhận ra tiêu đề bảng", "No recognisable header"),
    "header_numbers_disagree": (
        "Nhãn tiêu đề và dòng số thứ tự cột (1)…(13) không khớp",
        "Header labels contradict the form's column numbers (1)…(13)",
    ),
    "header_from_numbers": (
        "Cột xác định theo dòng số thứ tự cột (1)…(13)",
        "Columns placed by the form's column numbers (1)…(13)",
    ),
    "totals_word_differs": (
        "Tên bỏ dấu giống chữ tổng nhưng viết khác, đọc là đơn vị",
        "Name folds to a totals word but is spelled otherwise; read as a unit row",
    ),
    "no_period": ("Không xác định được kỳ báo cáo", "Reporting period cannot be dated"),
    "period_from_label": (
        "Kỳ báo cáo lấy từ nhãn (không có ngày cụ thể)",
        "Period taken from a label, no explicit dates",
    ),
    "unit_unmatched": ("Tên đơn vị không khớp danh mục", "Unit name matches no official unit"),
    "unit_matched_fuzzy": ("Tên đơn vị khớp gần đúng", "Unit name matched approximately"),
    "unit_name_variant": (
        "Tên đơn vị viết khác tên chính thức",
        "Unit name written differently from the official name",
    ),
    "unit_other_era": (
        "Tên đơn vị thuộc danh mục của thời kỳ khác (trước/sau 1/7/2025)",
        "Unit name of the other era's list (before/after 1 July 2025)",
    ),
    "agency_unknown": (
        "Cơ quan cấp tỉnh không có trong danh sách cơ quan",
        "Provincial agency not in the agencies table",
    ),
    "agency_province_unknown": ("Không rõ cơ quan cấp tỉnh thuộc tỉnh nào", "Provincial agency of an unknown province"),
    "province_heading_other_era": ("Tiêu đề nêu tỉnh của thời kỳ khác", "Heading names the other era's province"),
    "province_heading_mismatch": (
        "Tiêu đề nêu tỉnh khác tỉnh cấu hình",
        "Heading names another province than the configured one",
    ),
    "province_section": ("Dòng tiêu đề tỉnh phân nhóm các đơn vị", "Province heading groups the unit rows"),
    "non_numeric_count": ("Ô số liệu không phải số", "Count cell is not a number"),
    "negative_count": ("Số liệu âm", "Negative count"),
    "non_integer_count": ("Số liệu không phải số nguyên", "Count is not an integer"),
    "blank_count": ("Ô số liệu để trống", "Count cell is blank"),
    "number_format": ("Số viết theo quy ước khác", "Number written in another convention"),
    "row_without_unit": ("Dòng có số liệu nhưng không có tên đơn vị", "Row with counts but no unit name"),
    "identity_received": ("(3) ≠ (4)+(5)+(6)", "(3) ≠ (4)+(5)+(6)"),
    "identity_resolved": ("(7) ≠ (8)+(9)+(10)", "(7) ≠ (8)+(9)+(10)"),
    "identity_pending": ("(11) ≠ (12)+(13)", "(11) ≠ (12)+(13)"),
    "identity_balance": ("(3) ≠ (7)+(11)", "(3) ≠ (7)+(11)"),
    "carry_over_gap": ("(6) kỳ này ≠ (11) kỳ trước", "(6) differs from the previous period's (11)"),
    "period_gap": ("Thiếu kỳ báo cáo", "Missing period"),
    "totals_mismatch": ("Dòng Tổng cộng khác tổng các đơn vị", "Totals row differs from the sum of units"),
    "subtotal_mismatch": ("Dòng cộng nhóm khác tổng các dòng con", "Subtotal differs from the sum of its rows"),
    "rate_column_mismatch": ("Cột tỷ lệ trong tệp khác tỷ lệ tính lại", "Rate column differs from the recomputed rate"),
    "duplicate_period": ("Trùng kỳ báo cáo (tệp mới hơn được dùng)", "Duplicate period (newest file kept)"),
    "overlapping_period": ("Kỳ báo cáo chồng lấn (tệp mới hơn được dùng)", "Overlapping period (newest file kept)"),
    "aggregate_superseded": (
        "Kỳ gộp đã có đủ các kỳ chi tiết (dùng để đối chiếu)",
        "Aggregate period covered by finer periods (used as a check)",
    ),
    "cumulative_differenced": ("Số lũy kế được trừ thành số của kỳ", "Cumulative figures differenced into a period"),
    "cumulative_revision": ("Hiệu số lũy kế âm (số liệu bị điều chỉnh)", "Negative cumulative difference (revision)"),
    "cumulative_unresolved": (
        "Không trừ được số lũy kế (thiếu kỳ trước)",
        "Cumulative figures could not be differenced",
    ),
    "personal_columns_dropped": ("Đã loại bỏ cột dữ liệu cá nhân", "Personal-data columns dropped"),
    "dossier_rejected": ("Hồ sơ bị loại (ngày hoặc kênh không hợp lệ)", "Dossier rejected (invalid date or channel)"),
    "dossier_aggregated": ("Danh sách hồ sơ được tổng hợp theo kỳ", "Dossier list aggregated into periods"),
    "groups766_read": ("Chỉ số nhóm 766 đọc từ danh sách hồ sơ", "766 groups read from a dossier list"),
    "groups766_value_unreadable": ("Giá trị cột nhóm 766 không đọc được", "Unreadable value in a 766 group column"),
    "score766_read": ("Bảng điểm 766 đã đọc", "766 score table read"),
    "score766_over_max": ("Điểm nhóm 766 vượt điểm tối đa", "766 group score above its maximum"),
    "score766_unreadable": ("Dòng bảng điểm 766 không đọc được", "Unreadable row of a 766 score table"),
    "score766_total_mismatch": ("Tổng điểm 766 khác tổng các nhóm", "766 total differs from the sum of its groups"),
    "score766_unit_unmatched": ("Đơn vị của bảng điểm 766 không khớp", "Unit of a 766 score table not matched"),
    "derived_column": ("Cột được tính bằng tổng các cột tách", "Column computed as the sum of split columns"),
    "field_form": ("Biểu theo lĩnh vực của một đơn vị", "Form with one row per field of one unit"),
    "unit_from_filename": ("Đơn vị lấy từ tên tệp", "Unit taken from the file name"),
    "ignored_column": ("Cột không dùng", "Column not used"),
    "ignored_sheet": ("Trang tính không có bảng số liệu", "Sheet without a data table"),
    "tidy_missing_column": ("Tệp dạng bảng thiếu cột số liệu (để trống)", "Tidy file lacks count columns (left empty)"),
    "schema_violation": ("Vi phạm lược đồ bảng dữ liệu", "Panel schema violation"),
    "empty_file": ("Tệp rỗng hoặc mọi trang tính đều trống", "Empty file or only empty sheets"),
    "password_protected": ("Tệp được đặt mật khẩu (mã hóa)", "Password-protected (encrypted) workbook"),
    "lock_file": ("Tệp khóa tạm của Excel (~$…)", "Excel lock file (~$…)"),
    "input_too_large": ("Tệp vượt giới hạn dung lượng", "File larger than the configured limit"),
    "wrong_extension": ("Đuôi tệp không khớp nội dung", "File extension does not match its content"),
    "html_workbook": ("Tệp .xls là trang HTML", "An .xls file that is an HTML page"),
    "csv_encoding": ("Tệp CSV không mã hóa UTF-8", "CSV file not encoded in UTF-8"),
    "hidden_sheet": ("Trang tính ẩn, không đọc", "Hidden sheet, not read"),
    "no_rows": ("Có tiêu đề biểu mẫu nhưng không có dòng số liệu", "Form header without data rows"),
    "formula_no_value": ("Ô công thức chưa có giá trị tính sẵn", "Formula cell without a cached value"),
    "merged_cell": ("Ô số liệu bị gộp (merged) với ô khác", "Count cell hidden under a merged range"),
    "implausible_count": ("Số liệu lớn bất thường", "Implausibly large count"),
    "period_out_of_range": (
        "Kỳ báo cáo ngoài khoảng hợp lệ (trước 2000 hoặc chưa tới)",
        "Period before 2000 or in the future",
    ),
    "repeated_period": (
        "Số liệu cả kỳ trùng hoàn toàn với kỳ trước (bản sao kỳ trước lưu dưới kỳ mới)",
        "Every unit's figures equal the previous period's (a copy saved under a new period)",
    ),
    "period_across_reform": (
        "Kỳ báo cáo bắc qua ngày sắp xếp đơn vị hành chính (1/7/2025)",
        "Period spans the 1 July 2025 reform of administrative units",
    ),
    "duplicate_unit_row": (
        "Một đơn vị có nhiều dòng cùng kỳ trong một trang tính",
        "Unit listed twice for one period in one sheet",
    ),
    "ragged_row": ("Dòng CSV có số ô khác số cột tiêu đề", "CSV row with more or fewer cells than the header"),
    "unknown_schema": ("unit_schema không hợp lệ", "Unknown unit_schema"),
    "schema_period_mismatch": ("Danh mục đơn vị không khớp kỳ báo cáo", "Unit schema does not match the period"),
    "par_no_header": ("Bảng Chỉ số CCHC không nhận ra được", "PAR index table not recognised"),
    "par_bad_score": ("Điểm Chỉ số CCHC không đọc được hoặc để trống", "PAR score unreadable or blank"),
    "par_over_max": ("Điểm vượt điểm tối đa của lĩnh vực", "Score above the field's maximum"),
    "par_total_mismatch": ("Các lĩnh vực cộng lại khác tổng điểm", "Fields do not add up to the total"),
    "par_no_year": ("Không xác định được năm đánh giá Chỉ số CCHC", "PAR index year unknown"),
    "par_duplicate_unit": ("Đơn vị có hai dòng điểm cùng năm", "Unit scored twice for one year"),
    "par_rank_inconsistent": ("Hạng công bố không khớp tổng điểm", "Published rank disagrees with the totals"),
    "par_bad_rank": ("Ô xếp hạng không đọc được", "Rank cell unreadable"),
    "par_level_assumed": (
        "Bộ chỉ số CCHC chọn theo mặc định (tiêu đề không nêu cấp)",
        "PAR set assumed (title names no level)",
    ),
    "par_max_from_file": ("Điểm tối đa lấy theo tệp", "Maxima taken from the file"),
    "par_year_from_filename": ("Năm đánh giá lấy từ tên tệp", "PAR index year taken from the file name"),
}


@dataclass
class Finding:
    file: str
    sheet: str
    row: int | None
    unit: str
    period: str
    rule: str
    severity: str
    message: str
    action: str = "kept"
    unit_schema: str = ""
    unit_code: str = ""


def matched_unit(match: Any) -> tuple[str, str]:
    """(schema, code) of the official unit a reader matched (an object with ``unit_code`` and ``unit_schema``, as
    motcua.ingest.names.UnitMatch); ("", "") for None or no match: a finding names a unit only when matched."""
    code = getattr(match, "unit_code", None) if match is not None else None
    if not code:
        return "", ""
    return str(getattr(match, "unit_schema", "") or ""), str(code)


def period_label(start: date | None, end: date | None) -> str:
    if start is None or end is None:
        return ""
    return f"{start:%d/%m/%Y}–{end:%d/%m/%Y}"


class Quality:
    """Collects findings in the order they are made."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []

    def add(
        self,
        file: str,
        rule: str,
        severity: str,
        message: str,
        *,
        sheet: str = "",
        row: int | None = None,
        unit: str = "",
        period: str = "",
        action: str = "kept",
        match: Any = None,
    ) -> None:
        """Record a finding; ``match``: the reader's match of the row's unit (:func:`matched_unit`), whose era and
        code fill ``unit_schema`` and ``unit_code``."""
        if severity not in SEVERITIES:
            raise ValueError(severity)
        schema, code = matched_unit(match)
        self.findings.append(Finding(file, sheet, row, unit, period, rule, severity, message, action, schema, code))

    def frame(self) -> pd.DataFrame:
        df = pd.DataFrame(
            [tuple(getattr(f, c) for c in QUALITY_COLUMNS) for f in self.findings], columns=QUALITY_COLUMNS
        )
        df["row"] = pd.array(df["row"], dtype="Int64")
        return df
