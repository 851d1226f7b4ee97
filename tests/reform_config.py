"""The shipped configuration turned to the 2025 province (Đắk Lắk, 66, communes): the same raw folder must give
the same panel under it as under the shipped legacy (Phú Yên, 54) one."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: config/province.yaml's legacy lines and their 2025 replacements
TO_2025 = (
    ('province_code: "54"', 'province_code: "66"'),
    ('province_name: "Tỉnh Phú Yên"', 'province_name: "Tỉnh Đắk Lắk"'),
    ("unit_schema: legacy", 'unit_schema: "2025"'),
    ("unit_level: district", "unit_level: commune"),
)


def config_66(folder: Path) -> Path:
    """A copy of config/ in ``folder`` whose province.yaml names the 2025 province; returns the copy's path."""
    shutil.copytree(ROOT / "config", folder)
    text = (folder / "province.yaml").read_text(encoding="utf-8")
    for a, b in TO_2025:
        assert a in text, a
        text = text.replace(a, b)
    (folder / "province.yaml").write_text(text, encoding="utf-8")
    return folder
