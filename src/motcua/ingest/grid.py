"""Spreadsheets as plain grids: .xlsx (openpyxl) and .xls (xlrd), merged cells kept.

Grain: one :class:`Grid` per sheet — a list of rows of cell values (None for
empty), 0-based, plus merged ranges as (row0, row1, col0, col1) inclusive.
Formula cells give their cached values; formula cells WITHOUT a cached value
(written by a program, never opened in Excel) are listed in ``Grid.formulas``
so the reader can report them instead of reading them as blanks. Hidden
sheets are listed in ``Book.hidden`` and not read. Workbook properties
(created date, keywords) are returned for provenance and the "newest file
wins" rule.

What a file *is* comes from its first bytes, not its extension
(:func:`sniff`): zip (.xlsx), OLE2 (.xls, or a password-protected .xlsx),
HTML saved as .xls, text (CSV), or binary garbage. :func:`read_text` decodes
CSV text (UTF-8, UTF-16/32 with or without BOM, Windows-1258).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any


@dataclass
class Grid:
    sheet: str
    rows: list[list[Any]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    #: (row0, col0) → formula text of formula cells that carry no cached value
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    #: 0-based rows the sheet hides (an .xlsx row with hidden="1"); their cells are read like any other
    hidden_rows: frozenset[int] = frozenset()

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def cell(self, r: int, c: int) -> Any:
        if 0 <= r < len(self.rows) and 0 <= c < len(self.rows[r]):
            return self.rows[r][c]
        return None


@dataclass
class Book:
    path: Path
    grids: list[Grid]
    created: datetime | None = None
    keywords: str = ""
    title: str = ""
    hidden: list[str] = field(default_factory=list)  # hidden sheets, not read


class UnreadableFile(Exception):
    """The file could not be opened as a spreadsheet (message in Vietnamese).

    ``rule`` is the quality rule to report (unreadable_file, password_protected, empty_file).
    """

    def __init__(self, message: str, rule: str = "unreadable_file") -> None:
        super().__init__(message)
        self.rule = rule


OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)?<(?:!doctype\s+html|html|table|head|body|meta)\b", re.I | re.S
)


def sniff(path: Path) -> str:
    """What the file holds, from its first bytes: empty | zip | ole | ole_encrypted | html | text | binary.

    Exceptions: OSError when the file cannot be opened; any content gives a kind.
    """
    with path.open("rb") as fh:
        head = fh.read(65536)
    if not head:
        return "empty"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(OLE_MAGIC):
        with path.open("rb") as fh:
            blob = fh.read(8 << 20)  # the directory of a small OLE file sits in its first sectors
        return "ole_encrypted" if _ENCRYPTED_STREAM in blob else "ole"
    body = head.lstrip(b"\xef\xbb\xbf")
    if _HTML_START.match(body[:4096]):
        return "html"
    if decode(head, partial=True) is not None:
        return "text"
    return "binary"


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def _looks_textual(text: str) -> bool:
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\r\n\f") or 0x7F <= ord(ch) < 0xA0 or ch == "\ufffd")
    return bad <= max(2, len(text) // 200)


def decode(data: bytes, partial: bool = False) -> tuple[str, str] | None:
    """(text, encoding) for CSV bytes, or None when they are not text in a supported encoding.

    ``partial``: ``data`` is a prefix (a multi-byte character may be cut at the end).
    """
    cands: list[str] = [enc for bom, enc in _BOMS if data.startswith(bom)][:1]
    if not cands:
        even, odd = data[0:2000:2], data[1:2000:2]
        if even and odd.count(0) > len(odd) * 0.3 and even.count(0) < len(even) * 0.05:
            cands = ["utf-16-le"]
        elif even and even.count(0) > len(even) * 0.3 and odd.count(0) < len(odd) * 0.05:
            cands = ["utf-16-be"]
        else:
            cands = ["utf-8", "cp1258"]
    for enc in cands:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as exc:
            if not (partial and exc.start >= len(data) - 4):
                continue
            text = data[: exc.start].decode(enc, errors="strict")
        if _looks_textual(text[:20000]):
            return text, enc
    return None


#: encodings as a reader names them in a message
ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16 LE",
    "utf-16-be": "UTF-16 BE",
    "utf-32": "UTF-32",
    "cp1258": "Windows-1258",
}


def read_text(path: Path) -> tuple[str, str]:
    """(text, encoding) of a CSV file; raises :class:`UnreadableFile` for binary or undecodable content."""
    data = path.read_bytes()
    got = decode(data)
    if got is None:
        raise UnreadableFile(
            "tệp không phải văn bản CSV (nội dung nhị phân hoặc bảng mã không phải UTF-8, UTF-16 hay Windows-1258)"
        )
    text, enc = got
    return text.lstrip("\ufeff"), enc


def read_book(path: Path, kind: str | None = None) -> Book:
    """Read every visible sheet of an .xlsx/.xlsm, .xls or HTML-as-.xls file.

    ``kind`` is what :func:`sniff` found (default: sniffed here). Raises
    :class:`UnreadableFile` (with ``rule``) for anything else.
    """
    kind = kind or sniff(path)
    if kind == "empty":
        raise UnreadableFile("tệp rỗng (0 byte)", "empty_file")
    if kind == "ole_encrypted":
        raise UnreadableFile(
            "tệp được đặt mật khẩu (mã hóa), không đọc được; gỡ mật khẩu trong Excel (Tệp › Thông tin › "
            "Bảo vệ sổ làm việc) rồi lưu lại",
            "password_protected",
        )
    if kind == "zip":
        return _read_xlsx(path)
    if kind == "ole":
        return _read_xls(path)
    if kind == "html":
        return read_html_book(path)
    if kind == "text":
        raise UnreadableFile("tệp là văn bản (CSV), không phải Excel")
    raise UnreadableFile("nội dung không phải tệp Excel (không có chữ ký .xlsx/.xls); tệp hỏng hoặc sai định dạng")


_MERGE_RE = re.compile(rb'<mergeCell[^>]*\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


_HIDDEN_ROW_RE = re.compile(
    rb'<row\b[^>]*?\br="(\d+)"[^>]*?\bhidden="(?:1|true)"|<row\b[^>]*?\bhidden="(?:1|true)"[^>]*?\br="(\d+)"'
)
_FORMULA_RE = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*>\s*<f[^>]*>([^<]*)</f>\s*(?:<v>([^<]*)</v>|<v\s*/>)?\s*</c>')


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


def _read_xlsx(path: Path) -> Book:
    """Read-only openpyxl for values (fast); merged ranges parsed from each sheet's XML."""
    import openpyxl

    try:
        # a file object, so that a workbook with the wrong extension (".csv") still opens
        src = path if path.suffix.lower() in (".xlsx", ".xlsm") else io.BytesIO(path.read_bytes())
        wb = openpyxl.load_workbook(src, data_only=True, read_only=True)
    except Exception as exc:  # noqa: BLE001 - zip, xml or openpyxl errors: all mean unreadable
        import zipfile

        if isinstance(exc, KeyError):
            raise UnreadableFile(f"tệp nén zip nhưng không phải sổ làm việc Excel (.xlsx) (thiếu {exc})") from exc
        if isinstance(exc, zipfile.BadZipFile):
            raise UnreadableFile(
                f"tệp Excel (.xlsx) bị hỏng hoặc bị cắt cụt (có thể tải về hay gửi thư chưa hết): "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        raise UnreadableFile(f"không mở được tệp Excel (.xlsx): {type(exc).__name__}: {exc}") from exc
    grids = []
    hidden = []
    try:
        for ws in wb.worksheets:
            if getattr(ws, "sheet_state", "visible") != "visible":
                hidden.append(ws.title)
                continue
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            merged: list[tuple[int, int, int, int]] = []
            formulas: dict[tuple[int, int], str] = {}
            hidden_rows: frozenset[int] = frozenset()
            wpath = getattr(ws, "_worksheet_path", None)
            if wpath:
                with wb._archive.open(wpath) as fh:  # noqa: SLF001 - openpyxl keeps the zip open in read-only mode
                    xml = fh.read()
                for m in _MERGE_RE.finditer(xml):
                    c0, r0, c1, r1 = m.groups()
                    merged.append((int(r0) - 1, int(r1) - 1, _col_index(c0), _col_index(c1)))
                hidden_rows = frozenset(int(m.group(1) or m.group(2)) - 1 for m in _HIDDEN_ROW_RE.finditer(xml))
                if b"<f" in xml:
                    for m in _FORMULA_RE.finditer(xml):
                        col, row, f, v = m.groups()
                        if not (v or b"").strip():
                            formulas[(int(row) - 1, _col_index(col))] = "=" + f.decode("utf-8", "replace")
            grids.append(Grid(ws.title, rows, merged, formulas, hidden_rows if wpath else frozenset()))
        p = wb.properties
        return Book(path, grids, p.created, p.keywords or "", p.title or "", hidden)
    except Exception as exc:  # noqa: BLE001 - truncated or corrupt sheet XML
        raise UnreadableFile(f"tệp Excel (.xlsx) bị hỏng hoặc không đầy đủ: {type(exc).__name__}: {exc}") from exc
    finally:
        wb.close()


def _read_xls(path: Path) -> Book:
    import xlrd

    try:
        wb = xlrd.open_workbook(str(path), formatting_info=True)
    except Exception:  # noqa: BLE001 - retry without formatting (some writers omit it)
        try:
            wb = xlrd.open_workbook(str(path))
        except Exception as exc:  # noqa: BLE001
            if "encrypted" in str(exc).lower():
                raise UnreadableFile(
                    "tệp Excel (.xls) được đặt mật khẩu (mã hóa), không đọc được; gỡ mật khẩu trong Excel rồi lưu lại",
                    "password_protected",
                ) from exc
            raise UnreadableFile(f"không mở được tệp Excel (.xls): {type(exc).__name__}: {exc}") from exc
    grids = []
    hidden = []
    for sh in wb.sheets():
        if getattr(sh, "visibility", 0):
            hidden.append(sh.name)
            continue
        rows: list[list[Any]] = []
        for r in range(sh.nrows):
            row: list[Any] = []
            for c in range(sh.ncols):
                cell = sh.cell(r, c)
                if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    row.append(None)
                elif cell.ctype == xlrd.XL_CELL_NUMBER:
                    v = cell.value
                    row.append(int(v) if float(v).is_integer() else v)
                elif cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        row.append(xlrd.xldate.xldate_as_datetime(cell.value, wb.datemode))
                    except Exception:  # noqa: BLE001
                        row.append(cell.value)
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    row.append(bool(cell.value))
                elif cell.ctype == xlrd.XL_CELL_ERROR:
                    row.append(None)
                else:
                    row.append(cell.value)
            rows.append(row)
        merged = [(r0, r1 - 1, c0, c1 - 1) for (r0, r1, c0, c1) in getattr(sh, "merged_cells", [])]
        grids.append(Grid(sh.name, rows, merged))
    return Book(path, grids, None, "", "", hidden)


def read_html_book(path: Path) -> Book:
    """An HTML page saved as .xls (what many one-stop-shop systems export): every <table> a sheet.

    colspan/rowspan become merged ranges, so multi-row headers read as in a workbook.
    """
    import lxml.html

    try:
        doc = lxml.html.fromstring(path.read_bytes())
    except Exception as exc:  # noqa: BLE001 - lxml parser errors
        raise UnreadableFile(f"tệp HTML (lưu dưới đuôi Excel) không đọc được: {type(exc).__name__}: {exc}") from exc
    grids = []
    for ti, table in enumerate(doc.iter("table")):
        rows: list[list[Any]] = []
        merged: list[tuple[int, int, int, int]] = []
        taken: set[tuple[int, int]] = set()
        for r, tr in enumerate(tr for tr in table.iter("tr") if tr.getparent() is not None):
            row: list[Any] = []
            c = 0
            for cell in tr:
                if cell.tag not in ("td", "th"):
                    continue
                while (r, c) in taken:
                    c += 1
                text = " ".join(cell.text_content().split())
                try:
                    cs = max(1, min(int(cell.get("colspan", 1)), 500))
                    rs = max(1, min(int(cell.get("rowspan", 1)), 5000))
                except ValueError:
                    cs = rs = 1
                while len(row) <= c:
                    row.append(None)
                row[c] = text or None
                if cs > 1 or rs > 1:
                    merged.append((r, r + rs - 1, c, c + cs - 1))
                for dr in range(rs):
                    for dc in range(cs):
                        taken.add((r + dr, c + dc))
                c += cs
            rows.append(row)
        if rows:
            grids.append(Grid(f"Bảng {ti + 1}", rows, merged))
    if not grids:
        raise UnreadableFile("tệp HTML (lưu dưới đuôi Excel) không có bảng nào", "empty_file")
    return Book(path, grids, None, "", "")


def read_csv_grid(path: Path) -> Book:
    """A CSV file as a one-sheet book (a form exported to CSV: no merges, text cells)."""
    import csv

    text, _ = read_text(path)
    delim = guess_delimiter(text.splitlines()[:30])
    rows = [[c if c.strip() != "" else None for c in r] for r in csv.reader(text.splitlines(), delimiter=delim)]
    return Book(path, [Grid(path.stem, rows, [])])


def guess_delimiter(lines: list[str]) -> str:
    """The delimiter with the largest median count per non-empty line (";", ",", tab or "|"); "," on ties."""
    import statistics

    lines = [ln for ln in lines if ln.strip()]
    if not lines:
        return ","
    best, score = ",", -1.0
    for d in (",", ";", "\t", "|"):
        med = statistics.median(ln.count(d) for ln in lines)
        if med > score:
            best, score = d, med
    return best
