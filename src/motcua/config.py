"""Configuration: data in ``config/*.yaml``, read into plain objects.

Nothing here is machine-specific; paths come from the command line, the
Makefile or the environment (``MOTCUA_CONFIG`` points at another folder).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml


def project_root() -> Path:
    """The repository root when running from a checkout (folder holding config/)."""
    here = Path(__file__).resolve()
    for parent in [Path.cwd(), *here.parents]:
        if (parent / "config" / "province.yaml").exists():
            return parent
    return Path.cwd()


def config_dir() -> Path:
    env = os.environ.get("MOTCUA_CONFIG")
    return Path(env) if env else project_root() / "config"


@dataclass(frozen=True)
class Config:
    """All of config/: province, targets, model policy and export layouts."""

    root: Path
    province: dict[str, Any]
    targets: list[dict[str, Any]]
    model: dict[str, Any]
    layouts: dict[str, dict[str, Any]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def province_code(self) -> str:
        return str(self.province["province_code"])

    @property
    def language(self) -> str:
        return str(self.province.get("language", "vi"))


def _read(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


@lru_cache(maxsize=8)
def _load(root: Path) -> Config:
    layouts = {}
    layout_dir = root / "layouts"
    if layout_dir.is_dir():
        for p in sorted(layout_dir.glob("*.yaml")):
            layouts[p.stem] = _read(p)
    known = {"province.yaml", "targets.yaml", "model.yaml"}
    extra = {p.stem: _read(p) for p in sorted(root.glob("*.yaml")) if p.name not in known}
    return Config(
        root=root,
        province=_read(root / "province.yaml"),
        targets=list(_read(root / "targets.yaml").get("targets", [])),
        model=_read(root / "model.yaml"),
        layouts=layouts,
        extra=extra,
    )


def load_config(root: Path | str | None = None) -> Config:
    """Load config/ (or ``root``) once per process."""
    return _load(Path(root).resolve() if root else config_dir().resolve())
