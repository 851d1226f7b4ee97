"""motcua: reproducible analysis of Vietnam's one-stop-shop (bộ phận một cửa) statistics."""

from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> object:
    """``__version__``, read from the installed package's metadata on first use only: importing
    :mod:`importlib.metadata` costs about 0.1 s, a fifth of a build that finds everything up to date."""
    if name != "__version__":
        raise AttributeError(f"module 'motcua' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        value = version("motcua")
    except PackageNotFoundError:  # running from a source tree without installation
        value = "0.0.0+unknown"
    globals()["__version__"] = value
    return value
