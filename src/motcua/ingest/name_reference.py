"""The reference list of official units (motcua/reference/units.csv: one row per schema, level and code) and the
name-matching settings of config/ingest.yaml merged over built-in defaults, with the aliases of config/aliases.yaml."""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from typing import Any

import pandas as pd

from motcua.config import ConfigError, load_config
from motcua.ingest.text import fold

_DEFAULT_SETTINGS: dict[str, Any] = {
    "name_match": {
        "threshold": 90,
        "margin": 4,
        "n_candidates": 5,
        "score_exact": 100,
        "score_no_diacritics": 97,
        "score_type_differs": 92,
        "type_differs_never": ["Tỉnh"],
    },
    "name_prefixes": ["Ủy ban nhân dân", "UBND", "Bộ phận một cửa", "BPMC"],
    "type_abbreviations": {
        "TP": "Thành phố",
        "TX": "Thị xã",
        "H": "Huyện",
        "Q": "Quận",
        "TT": "Thị trấn",
        "P": "Phường",
        "X": "Xã",
    },
    "unit_types": {
        "Tỉnh": ["province"],
        "Thành phố": ["province", "district"],
        "Huyện": ["district"],
        "Quận": ["district"],
        "Thị xã": ["district"],
        "Xã": ["commune"],
        "Phường": ["commune"],
        "Thị trấn": ["commune"],
        "Đặc khu": ["commune"],
    },
}


def settings() -> dict[str, Any]:
    """config/ingest.yaml merged over built-in defaults (a fresh top-level dict each call; merged once
    per loaded config: readers ask for it per row)."""
    try:
        extra = load_config().extra
    except ConfigError:  # a config file with an unknown key: said, never replaced by defaults
        raise
    except Exception:  # noqa: BLE001 - config folder absent (installed package): defaults
        extra = {}
    memo = _SETTINGS_MEMO.get("cfg")
    if memo is None or memo[0] is not extra:
        memo = (extra, _merged_settings(extra))  # holds ``extra``: its id cannot be reused while memoised
        _SETTINGS_MEMO["cfg"] = memo
    return dict(memo[1])


_SETTINGS_MEMO: dict[str, tuple[Any, dict[str, Any]]] = {}


def _merged_settings(extra: dict[str, Any]) -> dict[str, Any]:
    cfg = dict(_DEFAULT_SETTINGS)
    user = extra.get("ingest") or {}
    for k, v in user.items():
        if isinstance(v, dict) and isinstance(cfg.get(k), dict):
            cfg[k] = {**cfg[k], **v}
        else:
            cfg[k] = v
    return cfg


def aliases() -> list[dict[str, Any]]:
    try:
        extra = load_config().extra
    except ConfigError:  # a config file with an unknown key: said, never replaced by defaults
        raise
    except Exception:  # noqa: BLE001
        return []
    return list((extra.get("aliases") or {}).get("aliases") or [])


@lru_cache(maxsize=1)
def _reference_all() -> pd.DataFrame:
    path = files("motcua.reference").joinpath("units.csv")
    with path.open("rb") as fh:
        df = pd.read_csv(fh, dtype=str, keep_default_na=False, encoding="utf-8")
    return df


def reference_units(schema: str | None = "legacy") -> pd.DataFrame:
    """Official units of one schema ("legacy" or "2025"; None for both).

    Grain: one row per (unit_schema, unit_level, unit_code). Columns:
    unit_schema, unit_level, unit_code, unit_name, unit_type, short_name,
    province_code, province_name, parent_code, parent_name (all str; empty
    string where not applicable, e.g. a province's parent).
    """
    df = _reference_all()
    if schema is not None:
        if schema not in ("legacy", "2025"):
            raise ValueError(f"unknown unit schema {schema!r} (legacy or 2025)")
        df = df[df["unit_schema"] == schema]
    return df.reset_index(drop=True).copy()


def reference_meta() -> dict[str, Any]:
    """units_meta.json: source package and version, counts, sha256 of units.csv."""
    import json

    return json.loads(files("motcua.reference").joinpath("units_meta.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=4)
def keyed_units(schema: str) -> pd.DataFrame:
    df = reference_units(schema)
    # reference names are already NFC with new-style tones: a plain lower-case key suffices
    df["k_full"] = df["unit_name"].str.lower().str.replace(r"[\W_]+", "", regex=True)
    df["k_short"] = df["short_name"].str.lower().str.replace(r"[\W_]+", "", regex=True)
    df["f_full"] = df["unit_name"].map(lambda s: fold(s).replace(" ", ""))
    df["f_short"] = df["short_name"].map(lambda s: fold(s).replace(" ", ""))
    df["f_type"] = df["unit_type"].map(lambda s: fold(s).replace(" ", ""))
    return df
