"""A ``motcua build`` that has nothing to do, answered from the status of its files alone.

After a build that ends with every stage and every report asked for up to date, the command line records, in
``DATA/.stamps/noop-<request>.json``, what the same command would find when run again at once: the stamp-equal
stages and the reports it would report up to date. ``<request>`` names the command's arguments and what decides
which files it reads (the raw paths, DATA, REPORTS, ``--units``, ``--lang``, ``--scheduler``, the configuration and
notebook folders' variables, the working folder, the package's folder and the interpreter). Beside it, the memo
holds the files whose status (size, modification time, inode; a folder's listing) decides the stages' keys and the
render's plan:

* the raw paths, the configuration folder and the package's source, every file and folder under them;
* the four notebooks, and each place where :func:`motcua.config.project_root` looks for ``config/province.yaml``;
* every file directly in DATA (the products) and the stage stamps in ``DATA/.stamps``;
* REPORTS/manifest.json, the index and every page the manifest lists.

The next build with the same request compares the status of those files with the memo's and, when every one is
unchanged, answers at once without reading the configuration, hashing the source or loading any table: the same
rule as the file hashes of :class:`motcua.files.ShaCache` (a file whose size and time are unchanged is unchanged).
Anything else runs the build as usual. The input files' status is taken before the build and again after it; a
file changed while the build ran leaves no memo.

This module imports nothing of the pipeline: a no-op loads only the command line and this file.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

#: Where the memos go in DATA (:data:`motcua.locations.STAMPS`: a test checks they agree).
STAMPS = ".stamps"
FORMAT = "motcua-noop-1"
#: Folders never walked under the package's source (Python's own compiled files).
_SKIP = {"__pycache__"}


def request_key(
    raw: Sequence[str | Path],
    data: Path,
    reports: Path,
    units: Sequence[str] | None,
    lang: str | None,
    scheduler: str | None,
) -> str:
    """sha256 of a build command's arguments and of what decides which files it reads."""
    import motcua

    parts = {
        "raw": [os.path.abspath(p) for p in raw],
        "data": os.path.abspath(data),
        "reports": os.path.abspath(reports),
        "units": list(units) if units else None,
        "lang": lang,
        "scheduler": scheduler,
        "env": {k: os.environ.get(k) for k in ("MOTCUA_CONFIG", "MOTCUA_NOTEBOOKS")},
        "cwd": os.getcwd(),
        "package": os.path.dirname(os.path.abspath(motcua.__file__)),
        "python": sys.executable,
        "libraries": _libraries(),
    }
    return hashlib.sha256(json.dumps([FORMAT, parts], sort_keys=True).encode()).hexdigest()


def _libraries() -> list[Any]:
    """The installed libraries' folders and their status: installing, upgrading or removing a package adds or removes
    its ``*.dist-info`` folder there, which changes the folder's modification time (the stages' keys name the
    libraries' versions, so a build after an upgrade is not a no-op)."""
    import site

    folders = [*site.getsitepackages(), site.getusersitepackages()] if hasattr(site, "getsitepackages") else sys.path
    return [[f, _stat(f)] for f in folders]


def memo_path(data: Path, request: str) -> Path:
    return Path(data) / STAMPS / f"noop-{request[:24]}.json"


def _stat(path: str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino, st.st_mode]


def _tree(root: str) -> list[Any]:
    """The status of every file under ``root`` and the names of its folders (``root`` a file: its own status),
    sorted by path within each folder."""
    out: list[Any] = [[root, "dir" if os.path.isdir(root) else _stat(root)]]
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for e in entries:
            if e.name in _SKIP:
                continue
            if e.is_dir():  # a folder by its entries (each listed here), not its own time
                out.append([e.path, "dir"])
                stack.append(e.path)
            else:
                out.append([e.path, _stat(e.path)])
    return out


def _listing(folder: str, skip_prefix: str = "") -> list[Any]:
    """The status of every file directly in ``folder`` (names starting with ``skip_prefix`` left out)."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return [folder, None]
    return [
        [e.name, _stat(e.path)] for e in entries if e.is_file() and not (skip_prefix and e.name.startswith(skip_prefix))
    ]


def status(spec: dict[str, Any]) -> str:
    """sha256 of the status of the files ``spec`` names: ``trees`` (walked), ``listings`` (a folder's files,
    ``[folder, prefix left out]``), ``files`` (each file's own status; a missing one counts as missing)."""
    got = [
        [_tree(t) for t in spec.get("trees", [])],
        [_listing(f, skip) for f, skip in spec.get("listings", [])],
        [_stat(f) for f in spec.get("files", [])],
    ]
    return hashlib.sha256(json.dumps(got).encode()).hexdigest()


def answer(data: Path, request: str) -> dict[str, Any] | None:
    """What a build of ``request`` would report when nothing it reads changed since the memo; None otherwise
    (no memo, another request's, or a file changed)."""
    try:
        memo = json.loads(memo_path(data, request).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(memo, dict) or memo.get("format") != FORMAT or memo.get("request") != request:
        return None
    spec = memo.get("spec")
    if not isinstance(spec, dict) or status(spec) != memo.get("status"):
        return None
    return memo.get("result")


def input_spec(
    raw: Iterable[str | Path], config_root: Path, source: Path, notebooks: Iterable[Path], probes: Iterable[Path]
) -> dict[str, Any]:
    """The files a build's stage keys are made from: raw inputs, configuration and source (walked), the notebooks and
    the places the project folder is looked for (``probes``)."""
    return {
        "trees": [os.path.abspath(p) for p in (*raw, config_root, source)],
        "files": [os.path.abspath(p) for p in (*notebooks, *probes)],
    }


def output_spec(data: Path, reports: Path, pages: Iterable[str]) -> dict[str, Any]:
    """The files a build's plan reads or checks: DATA's files, the stage stamps, the manifest and the ``pages``
    (paths relative to REPORTS)."""
    data, reports = Path(data).resolve(), Path(reports).resolve()
    return {
        "listings": [[str(data), ""], [str(data / STAMPS), "noop-"]],
        "files": [str(reports / "manifest.json"), *(str(reports / p) for p in pages)],
    }


def record(
    data: Path, request: str, inputs: dict[str, Any], before: str, outputs: dict[str, Any], result: dict[str, Any]
) -> bool:
    """Write the memo of ``request``: ``inputs`` (:func:`input_spec`) had status ``before`` when the build began;
    no memo (and an old one removed) when they changed since. ``result``: what the command prints for a no-op."""
    path = memo_path(data, request)
    if status(inputs) != before:
        path.unlink(missing_ok=True)
        return False
    spec = {k: [*inputs.get(k, []), *outputs.get(k, [])] for k in ("trees", "listings", "files")}
    body = {"format": FORMAT, "request": request, "spec": spec, "status": status(spec), "result": result}
    from motcua.files import atomic_write_text

    atomic_write_text(path, json.dumps(body, ensure_ascii=False))
    return True


def forget(data: Path, request: str) -> None:
    """Remove ``request``'s memo (a build that did not end up to date)."""
    memo_path(data, request).unlink(missing_ok=True)


def build_inputs(raw: Sequence[str | Path]) -> dict[str, Any]:
    """:func:`input_spec` of a build of ``raw`` with this process's configuration, notebooks and source."""
    from motcua import locations as loc
    from motcua.config import load_config
    from motcua.pipeline.stage_specs import CLEAN, MODEL, OVERVIEW, UNIT_REPORT
    from motcua.version import source_hash

    source = Path(sys.modules[source_hash.__module__].__file__ or "").resolve().parent
    here = Path(loc.__file__).resolve()
    probes = [p / "config" / "province.yaml" for p in (Path.cwd(), *here.parents)]
    notebooks = sorted({s.notebook_path() for s in (CLEAN, MODEL, UNIT_REPORT, OVERVIEW)})
    return input_spec(raw, load_config().root, source, notebooks, probes)


def after_build(
    data: Path,
    reports: Path,
    request: str,
    inputs: dict[str, Any],
    before: str,
    units: Sequence[str] | None,
    lang: str | None,
) -> bool:
    """Record ``request``'s memo after a build that succeeded: what a build run again at once would report (the
    render's plan-free answer, :func:`motcua.pipeline.freshness.served`), when it would find everything up to date;
    otherwise remove the memo."""
    from motcua.config import load_config
    from motcua.pipeline import stamps
    from motcua.pipeline.freshness import served
    from motcua.pipeline.manifest import Manifest
    from motcua.report.index_national import index_name

    data, reports = Path(data).resolve(), Path(reports).resolve()
    manifest = Manifest.load(reports / "manifest.json")
    done = served(reports, manifest, stamps.render_key(data, lang or load_config().language), units)
    if done is None:
        forget(data, request)
        return False
    entries = [*manifest.reports.values(), *manifest.provinces.values(), *filter(None, [manifest.overview])]
    indexes = [index_name(e.path) for e in manifest.provinces.values()]  # a national analysis' province index pages
    pages = ["index.html", *sorted([*(e.path for e in entries), *indexes])]
    result = {"stages": ["clean", "model"], "skipped": len(done)}
    return record(data, request, inputs, before, output_spec(data, reports, pages), result)
