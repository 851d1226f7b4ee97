"""Configuration: data in ``config/*.yaml``, read into plain objects, each file checked against its schema
(:mod:`motcua.config_schema`; model.yaml against :class:`motcua.model.settings.ModelSettings`) when loaded.

Nothing here is machine-specific; paths come from the command line, the
Makefile or the environment (``MOTCUA_CONFIG`` points at another folder).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from motcua.config_schema import ConfigError

__all__ = ["Config", "ConfigError", "config_dir", "load_config", "project_root", "read_yaml"]


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


def __getattr__(name: str) -> Any:
    """``ConfigError`` and ``SAFE_LOADER``, imported on first use: yaml and the schemas cost a tenth of a second
    at every start, and a build that finds everything up to date needs neither (only :func:`config_dir`)."""
    if name == "ConfigError":
        from motcua.config_schema import ConfigError

        return ConfigError
    if name == "SAFE_LOADER":
        return _safe_loader()
    raise AttributeError(f"module 'motcua.config' has no attribute {name!r}")


@lru_cache(maxsize=1)
def _safe_loader() -> Any:
    """PyYAML's safe loader, on libyaml when PyYAML was built with it (the same documents, about ten times faster)."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """The YAML document at ``path`` as ``yaml.safe_load`` reads it (plain data: no Python objects)."""
    import yaml

    with Path(path).open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_safe_loader())  # noqa: S506 - a safe loader


def _read(path: Path, root: Path | None = None) -> Any:
    """A config file's content ({} when empty), checked against its schema (motcua.config_schema) when
    ``root``, its config folder, is given: an unknown key raises ConfigError naming the file and key."""
    data = read_yaml(path) or {}
    if root is not None:
        from motcua.config_schema import validate_file

        validate_file(path, root, data)
    return data


@lru_cache(maxsize=8)
def _load(root: Path) -> Config:
    layouts = {}
    layout_dir = root / "layouts"
    if layout_dir.is_dir():
        for p in sorted(layout_dir.glob("*.yaml")):
            layouts[p.stem] = _read(p, root)
    known = {"province.yaml", "targets.yaml", "model.yaml"}
    extra = {p.stem: _read(p, root) for p in sorted(root.glob("*.yaml")) if p.name not in known}
    return Config(
        root=root,
        province=_read(root / "province.yaml", root),
        targets=list(_read(root / "targets.yaml", root).get("targets", [])),
        model=_read(root / "model.yaml"),  # checked against ModelSettings' fields (motcua.model.settings)
        layouts=layouts,
        extra=extra,
    )


def load_config(root: Path | str | None = None) -> Config:
    """Load config/ (or ``root``) once per process."""
    if root:
        return _load(Path(root).resolve())
    return _load(_default_root(os.environ.get("MOTCUA_CONFIG"), os.getcwd()))


@lru_cache(maxsize=16)
def _default_root(env: str | None, cwd: str) -> Path:
    """:func:`config_dir`, resolved, for this ``MOTCUA_CONFIG`` and working folder: worked out once, as
    readers call :func:`load_config` per row (finding the project folder costs a dozen file system calls)."""
    return config_dir().resolve()
