"""Whether the configuration in force can hold a sample's units, and what to change when it cannot.

The default sample is Phú Yên's nine districts, which the shipped ``config/province.yaml`` (``province_code:
"54"``) describes. ``motcua sample --units N`` with N above nine adds districts of other provinces; under a
one-province configuration the clean stage rejects every row of those (one finding per row), so the sample
command says so when it writes them, and names the setting that holds them: ``province_code: null`` (a
national or regional configuration, where names are resolved by the province headings the sample writes).
"""

from __future__ import annotations

from collections.abc import Sequence


def config_note(
    codes: Sequence[str], province: dict | None = None, config_file: str = "config/province.yaml"
) -> str | None:
    """A message naming the configuration the legacy districts ``codes`` need, or None when ``province`` (a
    province.yaml's content; the configuration in force when None) holds them all."""
    if province is None:
        from motcua.config import config_dir, load_config

        province = load_config().province
        config_file = str(config_dir() / "province.yaml")
    configured = province.get("province_code")
    if configured is None:
        return None
    configured = str(configured)
    from motcua.ingest.names import reference_units

    ref = reference_units("legacy")
    info = ref[ref["unit_level"] == "district"].set_index("unit_code").loc[list(codes)]
    outside = info[info["province_code"].astype(str) != configured]
    if outside.empty:
        return None
    names = info.drop_duplicates("province_code")["province_name"].astype(str)
    return (
        f"{len(outside)} of the {len(info)} units are outside province {configured} "
        f"({len(names)} provinces: {', '.join(names)}), and {config_file} keeps province_code: "
        f'"{configured}" only, so `motcua clean` would reject every row of those {len(outside)}. Set '
        f"`province_code: null` in {config_file} (a national configuration: names are resolved by the "
        "province headings the sample writes), or point MOTCUA_CONFIG at a copy of config/ with that "
        "setting, before running `motcua clean` on this sample."
    )
