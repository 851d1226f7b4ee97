"""scripts/report_identity.py: what it masks (the build-stamp line, the exact code version) and nothing else,
and how it compares two built trees (every page and processed product, a file on one side only a difference)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _tool():
    spec = importlib.util.spec_from_file_location("report_identity", ROOT / "scripts" / "report_identity.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("report_identity", mod)
    spec.loader.exec_module(mod)
    return mod


ri = _tool()

PAGE = (
    "<body>\n<p>Tỷ lệ đúng hạn 99,47%</p>\n"
    "<footer>Báo cáo được tạo tự động bằng motcua, phiên bản {v}.</footer>\n"
    '<p class="build-stamp" data-build-stamp="">Thời điểm dựng báo cáo: {t} · motcua {v}</p>\n'
    "</body>\n"
)


def page(v: str = "0.1.0+0123abcd", t: str = "2026-12-07 16:00 UTC", rate: str = "99,47%") -> bytes:
    return PAGE.format(v=v, t=t).replace("99,47%", rate).encode()


def test_stamp_time_and_code_version_are_masked():
    a = page("0.1.0+0123abcd", "2026-12-07 16:00 UTC")
    b = page("0.1.0+fedc9876", "2026-12-08 09:13 UTC")
    assert ri.compare_file("reports/units/x.html", a, b, "0.1.0+0123abcd", "0.1.0+fedc9876").same


def test_a_changed_number_is_a_difference_with_its_context():
    r = ri.compare_file("reports/index.html", page(), page(rate="99,5%"), "0.1.0+0123abcd", "0.1.0+0123abcd")
    assert not r.same
    assert "line 2" in r.detail and "99,47%" in r.detail and "99,5%" in r.detail
    assert r.line().startswith("differs reports/index.html: byte ")


def test_only_the_exact_version_is_masked():
    # another version-like string in the content (not the tree's own) is compared, not masked
    a = page().replace(b"</body>", b"0.1.0+aaaaaaaa</body>")
    b = page().replace(b"</body>", b"0.1.0+bbbbbbbb</body>")
    assert not ri.compare_file("reports/a.html", a, b, "0.1.0+0123abcd", "0.1.0+0123abcd").same


def test_a_page_losing_or_gaining_a_stamp_line_differs():
    a = page()
    b = b"\n".join(line for line in a.split(b"\n") if b"data-build-stamp" not in line)
    r = ri.compare_file("reports/a.html", a, b, "0.1.0+0123abcd", "0.1.0+0123abcd")
    assert not r.same and "build-stamp lines: 1 vs 0" in r.detail


def test_the_stamp_attribute_is_masked_in_pages_only():
    # a table carrying the words is compared as it is
    a = b"file,message\nx.xlsx,data-build-stamp 1\n"
    b = b"file,message\nx.xlsx,data-build-stamp 2\n"
    assert not ri.compare_file("data/processed/quality.csv", a, b).same


def test_first_difference_reports_sizes_and_prefixes():
    assert ri.first_difference(b"abc", b"abc") == ""
    d = ri.first_difference(b"abc", b"abcd")
    assert d.startswith("byte 3, line 1 (sizes 3 vs 4)")


def _tree(root: Path, files: dict[str, bytes]) -> Path:
    for rel, data in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    return root


def test_compare_trees(tmp_path: Path):
    common = {
        "reports/index.html": page(),
        "reports/units/001-a.html": page(),
        "data/processed/panel.parquet": b"PAR1\x00\x01PAR1",
        "data/processed/.stamps/clean.json": b'{"built": 1}',
        "data/processed/.gitkeep": b"",
        "reports/notebooks/30-001-a.ipynb": b"{}",
    }
    a = _tree(tmp_path / "a", common)
    b = _tree(
        tmp_path / "b",
        {
            **common,
            "reports/index.html": page(t="2030-01-01 00:00 UTC"),  # stamp only
            "data/processed/panel.parquet": b"PAR1\x00\x02PAR1",  # one byte
            "data/processed/.stamps/clean.json": b'{"built": 2}',  # bookkeeping: not compared
            "reports/notebooks/30-001-a.ipynb": b"{1}",  # executed notebooks: not compared
            "reports/units/002-b.html": page(),  # one side only
        },
    )
    lines = [r.line() for r in ri.compare_trees(a, b, "0.1.0+0123abcd", "0.1.0+0123abcd")]
    assert lines == [
        "differs data/processed/panel.parquet: byte 5, line 1: A 'PAR1\\x00\\x01PAR1' | B 'PAR1\\x00\\x02PAR1'",
        "identical reports/index.html",
        "identical reports/units/001-a.html",
        "differs reports/units/002-b.html: only in B",
    ]
    assert ri.report(ri.compare_trees(a, a)) == 0
    assert ri.report(ri.compare_trees(a, b)) == 1


def test_nothing_to_compare_is_a_failure(tmp_path: Path):
    empty = _tree(tmp_path / "e", {"reports/.gitkeep": b""})
    assert ri.report(ri.compare_trees(empty, empty)) == 1


def test_sample_inputs_compared_only_when_asked(tmp_path: Path):
    a = _tree(tmp_path / "a", {"reports/index.html": page(), "data/raw/sample/bieu06_2021-01.xlsx": b"PK\x03\x04a"})
    b = _tree(tmp_path / "b", {"reports/index.html": page(), "data/raw/sample/bieu06_2021-01.xlsx": b"PK\x03\x04b"})
    assert all(r.same for r in ri.compare_trees(a, b))
    bad = [r.rel for r in ri.compare_trees(a, b, inputs=True) if not r.same]
    assert bad == ["data/raw/sample/bieu06_2021-01.xlsx"]
