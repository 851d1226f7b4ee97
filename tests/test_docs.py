"""The repository is self-contained: its code cites docs/ (or states the fact), never documents a reader of
the repository cannot open (the project's outside design notes, its seed texts, issue numbers); and the
bad-data table of docs/bad-data.md is the one the code declares."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTSIDE = re.compile(
    r"(?<!docs/)\b(?:DESIGN|DOMAIN)\.md|shared/(?:seeds|articles)"
    r"|(?i:\bissues?\s*#?\d+|\(#\d+\)|\bPR\s*#\d+)"
)
TEXT = {".py", ".yaml", ".j2", ".js", ".css", ".ipynb", ".md", ".json"}


def _cited_outside(paths: list[Path]) -> list[str]:
    out = []
    for path in paths:
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if OUTSIDE.search(line):
                out.append(f"{path.relative_to(ROOT)}:{i}: {line.strip()[:100]}")
    return out


def test_code_notebooks_and_readme_cite_no_outside_document():
    paths = [p for p in (ROOT / "src").rglob("*") if p.suffix in TEXT and p.is_file()]
    paths += sorted((ROOT / "notebooks").glob("*.ipynb")) + [ROOT / "Makefile", ROOT / "README.md"]
    found = _cited_outside(paths)
    assert not found, "cite docs/ or state the fact itself:\n" + "\n".join(found)


def test_the_check_sees_a_citation(tmp_path):
    (tmp_path / "a.py").write_text('"""Rates (DOMAIN.md §3), see issue 6 and (#12)."""\nx = "#1f77b4"\n')
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert len(_cited_outside([tmp_path / "a.py"])) == 1
    finally:
        ROOT = saved


def test_the_documents_the_code_cites_exist():
    cited = set()
    for path in (ROOT / "src").rglob("*.py"):
        cited |= set(re.findall(r"docs/[\w-]+\.md", path.read_text(encoding="utf-8")))
    assert cited, "the code cites docs/"
    assert {c for c in cited if not (ROOT / c).is_file()} == set()
    for name in ("architecture.md", "domain.md", "bad-data.md"):
        assert (ROOT / "docs" / name).is_file()


def test_the_bad_data_table_is_the_codes():
    spec = importlib.util.spec_from_file_location("bad_data_table", ROOT / "scripts" / "bad_data_table.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    text = (ROOT / "docs" / "bad-data.md").read_text(encoding="utf-8")
    block = text.split("<!-- BEGIN generated: scripts/bad_data_table.py -->\n", 1)[1].split("\n<!-- END generated -->")[
        0
    ]
    assert block == mod.table(), "docs/bad-data.md is out of date: regenerate its table with scripts/bad_data_table.py"

    from motcua.quality import RULES

    assert all(f"| `{rule}` |" in block for rule in RULES)


def test_the_readme_lists_every_make_target_and_help_names_only_real_ones():
    """README's table of targets is `make help`: every target with a help line is in it, and a help line that
    names another target ("then `make env-yml`") names one that exists."""
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    helped = re.findall(r"^([a-zA-Z_-]+):.*?## (.*)$", make, re.M)
    targets = set(re.findall(r"^([a-zA-Z_-]+):", make, re.M))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `make ([a-zA-Z_-]+)", readme, re.M))
    assert {t for t, _ in helped if t != "help"} - listed == set()
    assert listed - targets == set()
    for t, text in helped:
        assert set(re.findall(r"`make ([a-zA-Z_-]+)", text)) <= targets, (t, text)
