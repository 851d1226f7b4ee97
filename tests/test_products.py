"""The products of the processed folder are declared once (motcua.products): each is written by the stage that
owns it, read back by its reader and hashed by the render stage if declared so; no other module spells a
product's file name."""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest

from motcua import products
from motcua.pipeline import input_hashes, stages, stamps, unit_hash

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "sample"


@pytest.fixture(scope="module")
def sample_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The clean and model stages run on the shipped sample (the code the stage notebooks call)."""
    from motcua.clean.run import run_clean
    from motcua.model.run import run_model_dir

    out = tmp_path_factory.mktemp("processed")
    run_clean([SAMPLE], out, cache_dir=out / ".cache")
    run_model_dir(out)
    return out


def test_the_registry_is_consistent():
    names = [p.name for p in products.PRODUCTS]
    files = [p.file for p in products.PRODUCTS]
    assert len(set(names)) == len(names) and len(set(files)) == len(files)
    for p in products.PRODUCTS:
        assert p.stage in ("clean", "model"), p
        assert p.fmt in ("parquet", "csv", "json", "published"), p
        assert p.hashed in ("", "unit", "whole"), p
        assert p.slice_by in ("key", "code"), p
        assert p.grain, p
        if p.schema:
            assert p.pandera_schema() is not None, p


def test_every_product_is_written_by_its_stage_and_read_back(sample_data: Path):
    from motcua.clean.run import run_clean  # noqa: F401 - the owning stages ran in the fixture

    present = {p.name for p in products.PRODUCTS if p.exists(sample_data)}
    # the sample holds no prose document: published.csv is the one optional product it lacks
    assert present == {p.name for p in products.PRODUCTS} - {"published"}
    for p in products.PRODUCTS:
        got = p.read(sample_data)
        if p.name == "published":
            assert got is None
            continue
        if p.fmt == "json":
            assert isinstance(got, dict) and got, p
            continue
        assert isinstance(got, pd.DataFrame) and len(got.columns), p
        for c in p.key:
            assert c in got.columns, (p.name, c)
        for c in p.columns:
            assert c in got.columns, (p.name, c)
        if p.schema and p.name == "panel":
            p.pandera_schema().validate(got)


def test_the_stages_write_what_they_own(sample_data: Path, tmp_path: Path):
    """A second run of each stage into an empty folder writes exactly the products declared as its own."""
    from motcua.clean.run import run_clean
    from motcua.model.run import run_model_dir

    run_clean([SAMPLE], tmp_path, cache_dir=sample_data / ".cache")
    after_clean = {p.name for p in products.PRODUCTS if p.exists(tmp_path)}
    assert after_clean == {p.name for p in products.of_stage("clean")} - {"published"}
    run_model_dir(tmp_path)
    after_model = {p.name for p in products.PRODUCTS if p.exists(tmp_path)} - after_clean
    assert after_model == {p.name for p in products.of_stage("model")}


def test_the_render_stage_hashes_what_is_declared(sample_data: Path):
    assert {p.name: p.file for p in products.hashed()} == input_hashes.TABLES
    assert tuple(p.file for p in products.render_inputs()) == stages.RENDER_INPUTS
    per_unit = [p.name for p in products.hashed_per_unit()]
    assert list(unit_hash.UNIT_PARTS[: len(per_unit)]) == per_unit
    shas = stamps.input_shas(sample_data)
    tables = input_hashes.file_hashes(sample_data, shas)
    for p in products.hashed():
        assert tables[p.name].whole != input_hashes.EMPTY, p.name
        if p.hashed == "unit":
            assert tables[p.name].slices, p.name  # every hashed table of the sample has rows about units


@pytest.mark.parametrize("product", products.PRODUCTS, ids=lambda p: p.name)
def test_write_then_read_round_trips(product: products.Product, tmp_path: Path):
    if product.fmt == "json":
        obj = {"as_of": "2025-06-30", "synthetic": True}
        product.write(obj, tmp_path)
        assert product.read(tmp_path) == obj
        return
    if product.fmt == "published":
        from motcua.prose.published import PUBLISHED_COLUMNS

        obj = pd.DataFrame({c: pd.Series([], dtype=object) for c in PUBLISHED_COLUMNS})
        obj["flags"] = pd.Series([], dtype=object)
        product.write(obj, tmp_path)
        assert list(product.read(tmp_path).columns) == PUBLISHED_COLUMNS
        return
    obj = pd.DataFrame({"unit_code": ["555", "556"], "value": ["a", "b"]})
    product.write(obj, tmp_path)
    assert not [f for f in tmp_path.iterdir() if f.name != product.file]  # no temporary file left
    pd.testing.assert_frame_equal(product.read(tmp_path), obj)
    product.remove(tmp_path)
    assert not product.exists(tmp_path) and len(product.read(tmp_path)) == 0


#: Where a product's file name may be spelled: its declaration.
_REGISTRY = ROOT / "src" / "motcua" / "products.py"


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def _spelled(source: str) -> list[tuple[int, str]]:
    """(line, text) of each string literal of SOURCE (f-strings' literal parts included, docstrings left out)
    that holds a product's file name."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    names = [p.file for p in products.PRODUCTS]
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docs
        and any(n in node.value for n in names)
    ]


def _literals() -> list[str]:
    found = []
    for path in sorted((ROOT / "src").rglob("*.py")):
        if path == _REGISTRY:
            continue
        for line, text in _spelled(path.read_text(encoding="utf-8")):
            found.append(f"{path.relative_to(ROOT)}:{line}: {text!r}")
    return found


def test_no_product_file_name_is_spelled_outside_the_registry():
    """A file name of the processed folder in a string literal anywhere in src/ but motcua.products (help texts
    and messages included: they take the name from the declaration; docstrings may name a product in prose)."""
    found = _literals()
    assert not found, "spell these through motcua.products:\n" + "\n".join(found)


def test_the_literal_check_can_fail():
    src = 'def f(d):\n    """Reads quality.csv."""\n    return d / "quality.csv", f"{d}/panel.parquet"\n'
    assert [t for _, t in _spelled(src)] == ["quality.csv", "/panel.parquet"]
    assert not _spelled("x = products.PANEL.file\n")
