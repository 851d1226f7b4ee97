"""One raw file → its records: what the file holds, sniffed from its bytes, and the reader that fits.

:func:`read_raw_file` is the clean stage's reader of one input file. It returns (records, kind, synthetic,
rows rejected without a record): ``kind`` names what the file was read as ("form", "tidy", "dossier",
"par", "score766", "form+…") or why it was skipped ("missing", "lock", "too_large", "unsupported", "empty",
"unreadable", "unrecognised"); ``synthetic`` is true for a file the sample generator wrote (listed in
the folder's ``.motcua-sample.json`` or a workbook whose keywords say so).

Quirks, each reported as one finding in the quality table and never a stopped build:

- the extension is not trusted: a CSV named .xlsx, a workbook named .csv, an HTML page named .xls are read
  for what they are (:func:`motcua.ingest.grid.sniff`), with a warning (the HTML ".xls" that many one-stop
  systems export gets an info line instead);
- Excel lock files ("~$…"), empty, password-protected and oversized files (config/ingest.yaml
  ``max_input_mb``; dossier CSV exports, streamed by DuckDB, are exempt) are skipped before any parsing;
- hidden sheets are reported and not read; a workbook whose visible sheets are all blank is skipped;
- PAR index tables and 766 score tables hold no panel rows: they are recognised here and read by their
  own products' readers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Protocol

from motcua.ingest.aggregate import MatchContext, read_aggregate_book
from motcua.ingest.grid import Book
from motcua.ingest.records import Record
from motcua.quality import Quality

#: Extensions read as workbooks.
SPREADSHEET = {".xlsx", ".xlsm", ".xls"}
#: Extensions read as delimited text.
TEXT_TABLE = (".csv", ".txt", ".tsv")

#: What a sniffed content kind is called in a wrong-extension finding.
_KIND_NAMES = {"zip": "Excel (.xlsx)", "ole": "Excel 97–2003 (.xls)", "html": "trang HTML", "text": "văn bản CSV"}

#: One file's read: (records, kind, synthetic, rows rejected without a record).
FileRead = tuple[list[Record], str, bool, int]


class TidyReader(Protocol):
    """Reads a tidy CSV in place of :func:`motcua.ingest.tidy.read_tidy_csv` (the clean cache's hook, which
    reads only the rows that changed since the file's last version)."""

    def read(
        self, path: Path, display: str, q: Quality, ctx: MatchContext, order: tuple[datetime, str]
    ) -> list[Record]: ...


def sample_manifest(path: Path) -> set[str]:
    """The file names the sample generator lists as its own in ``path``'s folder (empty without a manifest)."""
    man = path.parent / ".motcua-sample.json"
    try:
        return set(json.loads(man.read_text(encoding="utf-8")).get("files", []))
    except (OSError, ValueError):
        return set()


def max_input_bytes() -> int:
    """The largest input file read (config/ingest.yaml ``max_input_mb``, default 200 MB)."""
    from motcua.ingest.names import settings

    return int(float(settings().get("max_input_mb", 200)) * 1024 * 1024)


def _mb(n: int) -> str:
    """A file size in MB for a quality message ("212,4 MB"): the number by motcua.numfmt, the unit added."""
    from motcua.numfmt import number

    return number(round(n / 1024 / 1024, 1), "vi") + " MB"


def _streamed_dossier_csv(path: Path, suffix: str) -> bool:
    """A dossier-level CSV export: aggregated by DuckDB straight from the file, in bounded memory,
    so the size limit for files parsed in memory does not apply (config/ingest.yaml dossier_engine)."""
    if suffix not in TEXT_TABLE:
        return False
    from motcua.ingest.dossiers import looks_like_dossier_csv

    try:
        return bool(looks_like_dossier_csv(path))
    except (OSError, UnicodeDecodeError, ValueError):
        return False


def count_no_period(q: Quality, display: str) -> int:
    """Rows of ``display`` rejected because no period could be read (they leave no record behind)."""
    return sum(1 for f in q.findings if f.file == display and f.rule == "no_period" and f.row is not None)


def _capitalised(exc: Exception) -> str:
    return f"{str(exc)[:1].upper()}{str(exc)[1:]}"


def _kinds(records: list[Record]) -> str:
    """The file's kind from its records' readers ("form", "form+tidy", …; "form" when none was kept)."""
    return "+".join(sorted({r.source_kind for r in records}) or ["form"])


def read_raw_file(
    path: Path,
    display: str,
    q: Quality,
    ctx: MatchContext,
    tidy: TidyReader | None = None,
    max_bytes: Callable[[], int] = max_input_bytes,
) -> FileRead:
    """(records, kind, synthetic, rows rejected without a record) for one file.

    ``tidy``: reads a tidy CSV for the cache (:class:`motcua.clean.tidypatch.TidyRead`: only its changed
    rows when it knows the last version; then the records returned are none, the patch is in ``tidy``).

    What the file holds is sniffed from its bytes (:func:`motcua.ingest.grid.sniff`); an extension that
    disagrees is reported and the content is read for what it is. Excel lock files ("~$…"), empty and
    oversized files are reported and skipped before any parsing. ``max_bytes``: the size limit, asked
    once the file is known to exist and not to be a lock file.
    """
    from motcua.ingest.grid import sniff

    suffix = path.suffix.lower()
    synthetic = path.name in sample_manifest(path)
    refused = _refused_before_sniffing(path, display, suffix, q, max_bytes)
    if refused is not None:
        return [], refused, synthetic, 0
    kind = sniff(path)
    if kind == "empty":
        q.add(display, "empty_file", "error", "Tệp rỗng (0 byte); bỏ qua tệp.", action="file_skipped")
        return [], "empty", synthetic, 0
    _report_content_kind(display, suffix, kind, q)
    if kind in ("zip", "ole", "ole_encrypted", "html") or (kind == "binary" and suffix in SPREADSHEET):
        return _read_workbook(path, display, kind, q, ctx, synthetic)
    order = (datetime(1900, 1, 1), display)
    got = _read_tidy_or_dossier_csv(path, display, q, ctx, order, synthetic, tidy)
    if got is not None:
        return got
    return _read_csv_form(path, display, q, ctx, order, synthetic)


def _refused_before_sniffing(
    path: Path, display: str, suffix: str, q: Quality, max_bytes: Callable[[], int]
) -> str | None:
    """The kind of a file skipped before its bytes are looked at (missing, lock file, too large, unsupported
    extension), with its finding in ``q``; None for a file to read."""
    if not path.exists():
        q.add(display, "unreadable_file", "error", "Không tìm thấy tệp.", action="file_skipped")
        return "missing"
    if path.name.startswith("~$"):
        q.add(
            display,
            "lock_file",
            "info",
            'Tệp khóa tạm của Excel ("~$…", có khi tệp gốc đang mở), không phải số liệu; bỏ qua.',
            action="file_skipped",
        )
        return "lock"
    size, limit = path.stat().st_size, max_bytes()
    if size > limit and not _streamed_dossier_csv(path, suffix):
        q.add(
            display,
            "input_too_large",
            "error",
            f"Tệp nặng {_mb(size)}, vượt giới hạn {_mb(limit)} (max_input_mb trong config/ingest.yaml); bỏ qua tệp, "
            f"không đọc. Tách tệp theo kỳ hoặc tăng giới hạn nếu đúng.",
            action="file_skipped",
        )
        return "too_large"
    if suffix not in SPREADSHEET and suffix not in TEXT_TABLE:
        q.add(
            display,
            "unsupported_file",
            "warning",
            f'Loại tệp "{suffix or path.name}" không hỗ trợ; bỏ qua.',
            action="file_skipped",
        )
        return "unsupported"
    return None


def _report_content_kind(display: str, suffix: str, kind: str, q: Quality) -> None:
    """A content that disagrees with the extension (warning), and the HTML ".xls" export (info)."""
    expected = "text" if suffix not in SPREADSHEET else ("ole" if suffix == ".xls" else "zip")
    if kind in _KIND_NAMES and kind != expected and not (kind == "html" and suffix == ".xls"):
        q.add(
            display,
            "wrong_extension",
            "warning",
            f'Đuôi tệp "{suffix}" nhưng nội dung là {_KIND_NAMES[kind]}; đọc theo nội dung. Đổi tên tệp cho đúng.',
            action="checked",
        )
    if kind == "html" and suffix == ".xls":
        q.add(
            display,
            "html_workbook",
            "info",
            "Tệp .xls thực chất là trang HTML (kiểu xuất của nhiều hệ thống một cửa); đọc các bảng HTML như trang tính.",
            action="checked",
        )


def _read_workbook(path: Path, display: str, kind: str, q: Quality, ctx: MatchContext, synthetic: bool) -> FileRead:
    """A workbook (or HTML tables): an aggregate form, else a PAR index table, a dossier list or a 766 score
    table, tried in that order; hidden sheets are reported and not read."""
    from motcua.ingest.grid import UnreadableFile, read_book

    try:
        book = read_book(path, kind)
    except UnreadableFile as exc:
        q.add(
            display,
            exc.rule,
            "error",
            f"{_capitalised(exc)}. Bỏ qua tệp; các tệp khác vẫn được xử lý.",
            action="file_skipped",
        )
        return [], "unreadable", synthetic, 0
    for sheet in book.hidden:
        q.add(
            display,
            "hidden_sheet",
            "warning",
            "Trang tính bị ẩn; không đọc (thường là bản nháp hay bản cũ). Bỏ ẩn trong Excel nếu cần dùng.",
            sheet=sheet,
            action="checked",
        )
    if not any(any(v is not None and str(v).strip() for v in r) for g in book.grids for r in g.rows):
        q.add(
            display,
            "empty_file",
            "error",
            f"Tệp không có dữ liệu: mọi trang tính hiện đều trống ({len(book.grids)} trang tính). Bỏ qua tệp.",
            action="file_skipped",
        )
        return [], "empty", synthetic, 0
    synthetic = synthetic or "motcua-synthetic" in (book.keywords or "")
    order = (book.created or datetime(1900, 1, 1), display)
    records, ok = read_aggregate_book(book, display, q, ctx, order)
    if ok:
        return records, _kinds(records), synthetic, count_no_period(q, display)
    return _read_other_workbook(book, path, display, q, ctx, order, synthetic)


def _read_other_workbook(
    book: Book, path: Path, display: str, q: Quality, ctx: MatchContext, order: tuple[datetime, str], synthetic: bool
) -> FileRead:
    """A workbook that holds no aggregate form: a PAR index table (read into par_index.parquet by
    :mod:`motcua.clean.par`), a dossier list, a 766 score table (read by :mod:`motcua.ingest.score766`),
    else no table recognised (reported, skipped)."""
    from motcua.ingest.dossiers import read_dossier_grid
    from motcua.ingest.par import is_par_book
    from motcua.ingest.score766 import has_score_header

    if is_par_book(book):
        return [], "par", synthetic, 0
    for g in book.grids:
        got = read_dossier_grid(g, path, display, q, ctx, order)
        if got is not None:
            return got, "dossier", synthetic, 0
    if has_score_header(g.rows for g in book.grids):
        return [], "score766", synthetic, 0
    q.add(
        display,
        "no_header",
        "error",
        "Không nhận ra tiêu đề bảng ở trang tính nào (không phải Biểu 06, 07a hay danh sách hồ sơ). Bỏ qua tệp.",
        action="file_skipped",
    )
    return [], "unrecognised", synthetic, 0


def _read_tidy_or_dossier_csv(
    path: Path,
    display: str,
    q: Quality,
    ctx: MatchContext,
    order: tuple[datetime, str],
    synthetic: bool,
    tidy: TidyReader | None,
) -> FileRead | None:
    """A delimited text file as a tidy panel or a dossier list (its encoding reported when not UTF-8); a file
    that cannot be read is reported and skipped; None when it is neither (it may be a form saved as CSV)."""
    from motcua.ingest.dossiers import looks_like_dossier_csv, read_dossier_csv
    from motcua.ingest.grid import ENCODING_NAMES, UnreadableFile
    from motcua.ingest.tidy import looks_like_tidy_csv, read_head, read_tidy_csv

    try:
        _, _, enc = read_head(path)
        if ENCODING_NAMES.get(enc, enc) != "UTF-8":
            q.add(
                display,
                "csv_encoding",
                "info",
                f"Tệp CSV mã hóa {ENCODING_NAMES.get(enc, enc)} (không phải UTF-8); đã đọc theo bảng mã này.",
                action="checked",
            )
        if looks_like_tidy_csv(path):
            recs = tidy.read(path, display, q, ctx, order) if tidy else read_tidy_csv(path, display, q, ctx, order)
            return recs, "tidy", synthetic, 0
        if looks_like_dossier_csv(path):
            return read_dossier_csv(path, display, q, ctx, order), "dossier", synthetic, 0
    except UnreadableFile as exc:
        q.add(display, exc.rule, "error", f"{_capitalised(exc)}. Bỏ qua tệp.", action="file_skipped")
        return [], "unreadable", synthetic, 0
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        q.add(
            display,
            "unreadable_file",
            "error",
            f"Không đọc được tệp CSV: {type(exc).__name__}: {exc}. Bỏ qua tệp.",
            action="file_skipped",
        )
        return [], "unreadable", synthetic, 0
    return None


def _read_csv_form(
    path: Path, display: str, q: Quality, ctx: MatchContext, order: tuple[datetime, str], synthetic: bool
) -> FileRead:
    """A delimited text file read as a grid: an aggregate form saved as CSV, else a 766 score table, else
    no table recognised (reported, skipped)."""
    from motcua.ingest.grid import UnreadableFile, read_csv_grid
    from motcua.ingest.score766 import has_score_header

    try:
        csv_book = read_csv_grid(path)
        records, ok = read_aggregate_book(csv_book, display, q, ctx, order)
    except UnreadableFile as exc:
        q.add(display, exc.rule, "error", f"{_capitalised(exc)}. Bỏ qua tệp.", action="file_skipped")
        return [], "unreadable", synthetic, 0
    if ok:
        return records, _kinds(records), synthetic, count_no_period(q, display)
    if has_score_header(g.rows for g in csv_book.grids):
        return [], "score766", synthetic, 0
    q.add(
        display,
        "no_header",
        "error",
        "Tệp CSV không có cột của bảng dữ liệu (unit_code, period_start, …), của danh sách hồ sơ (NgayTiepNhan, …) "
        "hay tiêu đề Biểu 06/07a. Bỏ qua tệp.",
        action="file_skipped",
    )
    return [], "unrecognised", synthetic, 0
