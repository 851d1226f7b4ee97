"""Config files are checked against typed settings when loaded: a key no schema declares (a typo) is refused
with the file and the key named, never ignored in silence; a value of the wrong type too."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from motcua.config import ConfigError, load_config
from motcua.config_schema import LAYOUT_KINDS, SCHEMAS, unchecked

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config"


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "config"
    shutil.copytree(CONFIG, root)
    return root


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_every_shipped_config_file_has_a_schema_and_passes_it():
    assert unchecked(CONFIG) == [], (
        "config files that no schema checks: declare them in src/motcua/config_schema.py "
        "(SCHEMAS for config/<name>.yaml, LAYOUT_KINDS for a layout's kind)"
    )
    load_config(CONFIG)  # every file checked; raises on a problem


# (file, how to misspell one key, the key as the message names it, the suggestion)
TYPOS = [
    ("province.yaml", lambda d: d.update(provice_name=d.pop("province_name")), "provice_name", "province_name"),
    ("province.yaml", lambda d: d["window"].update(strat=d["window"].pop("start")), "window.strat", "start"),
    ("targets.yaml", lambda d: d["targets"][0].update(vlaue=d["targets"][0].pop("value")), "targets.0.vlaue", "value"),
    ("ingest.yaml", lambda d: d["name_match"].update(treshold=90), "name_match.treshold", "threshold"),
    ("ingest.yaml", lambda d: d.update(max_input_mbs=1), "max_input_mbs", "max_input_mb"),
    ("aliases.yaml", lambda d: d["aliases"][0].update(unit_cod="1"), "aliases.0.unit_cod", "unit_code"),
    ("agencies.yaml", lambda d: d["agencies"][1].update(alias=["x"]), "agencies.1.alias", "aliases"),
    ("extract.yaml", lambda d: d.update(target_word=["x"]), "target_word", "target_words"),
    (
        "layouts/form06.yaml",
        lambda d: d["columns"]["carried_over"].update(nnoe=["x"]),
        "columns.carried_over.nnoe",
        "none",
    ),
    ("layouts/form07a.yaml", lambda d: d.update(totals_rows=["x"]), "totals_rows", "totals_row"),
    ("layouts/form06_online_parts.yaml", lambda d: d.update(sum={}), "sum", "sums"),
    ("layouts/dossier.yaml", lambda d: d.update(cutof_day=14), "cutof_day", "cutoff_day"),
    ("layouts/tidy.yaml", lambda d: d.update(unit_key=["unit_code"]), "unit_key", "unit_keys"),
]


@pytest.mark.parametrize("name, change, key, suggestion", TYPOS, ids=[f"{t[0]}:{t[2]}" for t in TYPOS])
def test_a_typo_in_each_file_is_refused_naming_file_and_key(tmp_path, name, change, key, suggestion):
    root = _copy(tmp_path)
    _edit(root / name, change)
    with pytest.raises(ConfigError) as err:
        load_config(root)
    assert f"config/{name}: unknown key '{key}' (did you mean '{suggestion}'?)" in str(err.value)


def test_a_typo_in_model_yaml_is_refused_naming_file_and_key(tmp_path):
    from motcua.model.settings import settings_from_config

    root = _copy(tmp_path)
    _edit(root / "model.yaml", lambda d: d.update(confidnce_level=d.pop("confidence_level")))
    with pytest.raises(
        ConfigError,
        match=r"config/model\.yaml: unknown key 'confidnce_level' "
        r"\(did you mean 'confidence_level'\?\)",
    ):
        settings_from_config(load_config(root))


def test_every_model_yaml_key_is_a_model_setting_and_read():
    """model.yaml's keys are ModelSettings' fields (declared once there) and each is read into the settings."""
    from dataclasses import fields

    from motcua.model.settings import ModelSettings, settings_from_config

    model = yaml.safe_load((CONFIG / "model.yaml").read_text(encoding="utf-8"))
    assert set(model) <= {f.name for f in fields(ModelSettings)}
    defaults, read = ModelSettings(), settings_from_config(load_config(CONFIG))
    changed = {f.name for f in fields(ModelSettings) if getattr(read, f.name) != getattr(defaults, f.name)}
    assert {"structural_breaks", "targets"} <= changed  # the shipped values that differ from the defaults


@pytest.mark.parametrize(
    "name, change, message",
    [
        ("province.yaml", lambda d: d.update(language="fr"), "config/province.yaml: language: 'fr' is not one of"),
        (
            "ingest.yaml",
            lambda d: d.update(max_count="many"),
            "config/ingest.yaml: max_count: expected int, got 'many'",
        ),
        ("targets.yaml", lambda d: d["targets"][0].pop("value"), "config/targets.yaml: missing key 'targets.0.value'"),
        ("layouts/form06.yaml", lambda d: d["columns"].update(x="y"), "config/layouts/form06.yaml: columns.x:"),
    ],
)
def test_a_value_of_the_wrong_type_or_a_missing_key_is_refused(tmp_path, name, change, message):
    root = _copy(tmp_path)
    _edit(root / name, change)
    with pytest.raises(ConfigError, match=message.replace(".", r"\.").replace("(", r"\(")):
        load_config(root)


def test_a_model_value_of_the_wrong_type_is_refused(tmp_path):
    from motcua.model.settings import settings_from_config

    root = _copy(tmp_path)
    _edit(root / "model.yaml", lambda d: d.update(seed="abc"))
    with pytest.raises(ConfigError, match="config/model.yaml: seed: expected int, got 'abc'"):
        settings_from_config(load_config(root))


def test_a_file_or_layout_kind_without_a_schema_is_named(tmp_path):
    root = _copy(tmp_path)
    (root / "new_thing.yaml").write_text("a: 1\n", encoding="utf-8")
    (root / "layouts" / "par.yaml").write_text("name: par\nkind: par_index\n", encoding="utf-8")
    assert unchecked(root) == ["layouts/par.yaml", "new_thing.yaml"]
    assert "new_thing.yaml" not in SCHEMAS and "par_index" not in LAYOUT_KINDS


def test_the_ingest_readers_do_not_hide_a_config_error(tmp_path, monkeypatch):
    """names.settings() and the agencies fall back to defaults without a config folder, never on a bad file."""
    from motcua.ingest import agencies, names

    root = _copy(tmp_path)
    _edit(root / "ingest.yaml", lambda d: d.update(threshhold=1))
    monkeypatch.setenv("MOTCUA_CONFIG", str(root))
    with pytest.raises(ConfigError, match="threshhold"):
        names.settings()
    with pytest.raises(ConfigError, match="threshhold"):
        agencies.agencies()
