"""config/ as data: read with libyaml when available, the same documents as PyYAML's pure-Python safe loader."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from motcua.config import load_config, read_yaml

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted([*ROOT.glob("config/**/*.yaml"), *ROOT.glob("src/motcua/**/*.yaml")])


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_yaml_reads_as_safe_load_reads_it(path: Path) -> None:
    with path.open(encoding="utf-8") as fh:
        assert read_yaml(path) == yaml.safe_load(fh)


def test_there_are_shipped_yaml_files() -> None:
    assert len(SHIPPED) >= 5


def test_load_config_follows_motcua_config_and_the_working_folder(tmp_path, monkeypatch) -> None:
    other = tmp_path / "other"
    other.mkdir()
    for name in ("province.yaml", "targets.yaml", "model.yaml"):
        (other / name).write_text((ROOT / "config" / name).read_text(encoding="utf-8"), encoding="utf-8")
    (other / "province.yaml").write_text(
        (ROOT / "config" / "province.yaml").read_text(encoding="utf-8") + "\n# other copy\n", encoding="utf-8"
    )
    monkeypatch.delenv("MOTCUA_CONFIG", raising=False)
    monkeypatch.chdir(ROOT)
    assert load_config().root == (ROOT / "config").resolve()
    monkeypatch.setenv("MOTCUA_CONFIG", str(other))
    assert load_config().root == other.resolve()
    monkeypatch.setenv("MOTCUA_CONFIG", "other")  # relative: to the working folder, as before
    monkeypatch.chdir(tmp_path)
    assert load_config().root == other.resolve()
