"""What decides whether a stage runs: the hashes of its inputs (files, names, notebooks, configuration, code) and
the stamp each stage leaves in ``DATA/.stamps/<stage>.json`` with the key it was built from.

A stage whose key equals its stamp's, with every output present, is skipped. File hashes come through DATA's
:class:`~motcua.cache.shas.ShaCache`, so an unchanged file is not read again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from motcua import locations as loc
from motcua.cache.keys import KeyScheme
from motcua.config import load_config
from motcua.files import ShaCache, atomic_write_text, sha256_bytes, sha256_files
from motcua.pipeline.stage_specs import OVERVIEW, RENDER_INPUTS, UNIT_REPORT
from motcua.rawfiles import discover, sample_manifests
from motcua.version import code_version, source_hash


def raw_names(raw: Sequence[str | Path]) -> str:
    """What of the inputs' names and folders the outputs show: display names (quality.csv, report
    footers) and the sample manifests that mark files synthetic (hidden, so not among raw_files)."""
    names = json.dumps([display for _, display in discover(raw)], ensure_ascii=False)
    manifests = sample_manifests(raw)
    return names + (sha256_files(manifests) if manifests else "")


def notebook_hash(path: Path) -> str:
    """Hash of a notebook's sources and cell tags only (outputs and other metadata ignored).

    Reads the v4 JSON directly (no nbformat import: a no-op build stays fast).
    """
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    cells = [
        [
            c.get("cell_type"),
            "".join(c["source"]) if isinstance(c.get("source"), list) else c.get("source", ""),
            sorted(c.get("metadata", {}).get("tags", [])),
        ]
        for c in nb.get("cells", [])
    ]
    return sha256_bytes(json.dumps(cells, ensure_ascii=False).encode("utf-8"))


def config_hash() -> str:
    cfg = load_config()
    files = [p for p in cfg.root.rglob("*") if p.is_file()]
    return sha256_files(files, root=cfg.root)


def read_stamp(data: Path, stage: str) -> str | None:
    try:
        return json.loads((data / loc.STAMPS / f"{stage}.json").read_text(encoding="utf-8"))["key"]
    except (OSError, ValueError, KeyError):
        return None


def write_stamp(data: Path, stage: str, key: str, extra: dict[str, Any] | None = None) -> None:
    body = {"key": key, "code_version": code_version(), **(extra or {})}
    atomic_write_text(data / loc.STAMPS / f"{stage}.json", json.dumps(body, indent=1, ensure_ascii=False) + "\n")


#: The key scheme of a stage's stamp (:mod:`motcua.cache.keys`); the code version is one of the parts.
STAMP_KEYS = KeyScheme("motcua-stage-stamp-1")


def stage_key(*parts: str) -> str:
    """The key of a stage's inputs: ``parts`` are their hashes and names (text)."""
    return STAMP_KEYS.key(*parts, code="")


def sha_cache(data: Path) -> ShaCache:
    """The sha256 of input and data files known from an earlier build, by their status (DATA's interim cache)."""
    return ShaCache(loc.interim_dir(data) / "file_shas.json")


def input_shas(data: Path) -> dict[str, str]:
    """sha256 of each of :data:`RENDER_INPUTS` in DATA ("missing" for an absent file)."""
    shas = sha_cache(data)
    out = {name: shas.sha(data / name) if (data / name).exists() else "missing" for name in RENDER_INPUTS}
    shas.save()
    return out


def render_key(data: Path, lang: str, shas: dict[str, str] | None = None) -> str:
    """Hash of every input of the render stage: the processed data files (published.csv too, when present),
    both notebooks, code, config, language. ``shas``: the files' :func:`input_shas`, when already known."""
    shas = shas or input_shas(data)
    return stage_key(
        *(shas[name] for name in RENDER_INPUTS),
        notebook_hash(UNIT_REPORT.notebook_path()),
        notebook_hash(OVERVIEW.notebook_path()),
        source_hash(),
        config_hash(),
        lang,
        str(data),  # the reports' executed notebooks record where their data came from
    )
