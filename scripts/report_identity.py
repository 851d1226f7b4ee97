"""Build the sample's reports at two git commits and compare them byte for byte, build stamp apart.

    python scripts/report_identity.py main HEAD            # exit 0: every page and table identical
    python scripts/report_identity.py main HEAD --keep /tmp/ri   # keep both builds for a look

Each commit is exported with ``git archive`` into a folder of its own (nothing of the checkout is touched) and
built there as ``make reports`` builds it: ``python -m motcua build data/raw/sample --data data/processed --out
reports``, run by the Python running this script with ``PYTHONPATH`` pointing at that folder's ``src`` and the
Jupyter, IPython and matplotlib folders inside it (as the Makefile sets them), on the inputs that commit ships in
``data/raw/sample`` (``--raw`` gives one folder to both; ``--sample`` first regenerates it with that commit's
``motcua sample``, as ``make sample`` does, and then compares the regenerated files too). Kept kernels are off,
so no kernel outlives a build.

Compared: every rendered page (``reports/**/*.html``) and every file of ``data/processed`` (the tables and
``clean_meta.json``; the build bookkeeping in ``.stamps/`` and ``.cache/`` is not a product). A file on one side
only is a difference. Before comparing, only what names the build rather than the content is masked:

- the page's build-stamp line (the one line carrying ``data-build-stamp``: build time and code version);
- the code version (``0.1.0+`` and eight hex digits of the hash of the package source: it changes with any
  change to ``src/``, so two commits always differ there) wherever it appears, found by asking each tree for its
  own ``motcua.version.code_version()`` and masking that exact string, nothing looser.

Two builds of one commit differ in the stamp's time alone; the footer's source-file sha256 (which a partial
rebuild may leave stale) is a function of the inputs, identical in two clean builds, so it is compared.

One line per file: ``identical PATH`` or ``differs PATH: …`` with the first differing context; exit status 0
when every file is identical, 1 on any difference, 2 when a build fails.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

#: The attribute that marks a page's build-stamp line (motcua.report.page.BUILD_STAMP_ATTR).
STAMP_ATTR = b"data-build-stamp"
STAMP_MASK = b"<!-- build stamp masked -->\n"
VERSION_MASK = b"<code version>"
#: What a code version looks like (motcua.version.code_version): used only to check the string a tree reports.
VERSION_SHAPE = re.compile(r"^\d+\.\d+\.\d+(\.\w+)?\+[0-9a-f]{8}$")
#: Folders of data/processed that are build bookkeeping, not products.
SKIP_PROCESSED = (".stamps", ".cache")
#: Characters of context shown either side of the first difference.
CONTEXT = 60


@dataclass(frozen=True)
class Result:
    """The comparison of one file: ``rel`` its path under the build, ``same`` whether identical after masking,
    ``detail`` where the first difference is (empty when identical)."""

    rel: str
    same: bool
    detail: str = ""

    def line(self) -> str:
        return f"identical {self.rel}" if self.same else f"differs {self.rel}: {self.detail}"


def mask_stamp(data: bytes) -> tuple[bytes, int]:
    """``data`` with every line carrying the build-stamp attribute replaced by one placeholder line, and how many
    lines were replaced."""
    lines = data.splitlines(keepends=True)
    n = 0
    out = []
    for line in lines:
        if STAMP_ATTR in line:
            out.append(STAMP_MASK)
            n += 1
        else:
            out.append(line)
    return b"".join(out), n


def mask_version(data: bytes, version: str) -> bytes:
    """``data`` with each occurrence of the exact code version ``version`` replaced by a placeholder."""
    if not version:
        return data
    return data.replace(version.encode(), VERSION_MASK)


def masked(rel: str, data: bytes, version: str) -> tuple[bytes, int]:
    """The bytes compared for file ``rel``: pages lose their stamp line, every file its code version. Also the
    number of stamp lines masked (a page must have exactly as many on each side)."""
    n = 0
    if rel.endswith(".html"):
        data, n = mask_stamp(data)
    return mask_version(data, version), n


def first_difference(a: bytes, b: bytes) -> str:
    """Where ``a`` and ``b`` first differ: the line number (for text) or byte offset, with context from each."""
    n = min(len(a), len(b))
    i = next((k for k in range(n) if a[k] != b[k]), n)
    if i == n and len(a) == len(b):
        return ""
    line = a[:i].count(b"\n") + 1
    lo = max(0, i - CONTEXT)

    def ctx(x: bytes) -> str:
        return repr(x[lo : i + CONTEXT].decode("utf-8", "replace"))

    size = "" if len(a) == len(b) else f" (sizes {len(a)} vs {len(b)})"
    return f"byte {i}, line {line}{size}: A {ctx(a)} | B {ctx(b)}"


def compare_file(rel: str, a: bytes, b: bytes, version_a: str = "", version_b: str = "") -> Result:
    """Compare one file's two builds after masking."""
    ma, na = masked(rel, a, version_a)
    mb, nb = masked(rel, b, version_b)
    if na != nb:
        return Result(rel, False, f"build-stamp lines: {na} vs {nb}")
    if ma == mb:
        return Result(rel, True)
    return Result(rel, False, first_difference(ma, mb))


def product_files(root: Path, inputs: bool = False) -> list[str]:
    """Paths (relative to a built tree ``root``, POSIX) of every rendered page and every processed product; with
    ``inputs``, also every file of ``data/raw/sample``."""
    out = [p.relative_to(root).as_posix() for p in (root / "reports").rglob("*.html") if p.is_file()]
    if inputs:
        out += [p.relative_to(root).as_posix() for p in (root / "data/raw/sample").rglob("*") if p.is_file()]
    processed = root / "data" / "processed"
    for p in processed.rglob("*"):
        rel = p.relative_to(processed)
        if p.is_file() and rel.parts[0] not in SKIP_PROCESSED and p.name != ".gitkeep":
            out.append(p.relative_to(root).as_posix())
    return sorted(out)


def compare_trees(a: Path, b: Path, version_a: str = "", version_b: str = "", inputs: bool = False) -> list[Result]:
    """Every product file of the two built trees (and their sample inputs with ``inputs``), compared; a file on one
    side only is a difference."""
    fa, fb = set(product_files(a, inputs)), set(product_files(b, inputs))
    results = []
    for rel in sorted(fa | fb):
        if rel not in fb:
            results.append(Result(rel, False, "only in A"))
        elif rel not in fa:
            results.append(Result(rel, False, "only in B"))
        else:
            results.append(compare_file(rel, (a / rel).read_bytes(), (b / rel).read_bytes(), version_a, version_b))
    return results


def export(repo: Path, rev: str, dest: Path) -> str:
    """Write the tree of ``rev`` into ``dest`` (git archive); its full commit sha."""
    sha = subprocess.run(
        ["git", "rev-parse", "--verify", f"{rev}^{{commit}}"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()
    tar = subprocess.run(["git", "archive", "--format=tar", sha], cwd=repo, capture_output=True, check=True).stdout
    dest.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(tar)) as t:
        t.extractall(dest, filter="data")
    return sha


def tree_env(tree: Path) -> dict[str, str]:
    """The environment of a build in ``tree``: its src first, the Makefile's Jupyter folders, no kept kernels."""
    env = dict(os.environ)
    cache = tree / ".cache"
    env.update(
        PYTHONPATH=str(tree / "src"),
        JUPYTER_PLATFORM_DIRS="1",
        JUPYTER_CONFIG_DIR=str(cache / "jupyter/config"),
        JUPYTER_DATA_DIR=str(cache / "jupyter/data"),
        JUPYTER_RUNTIME_DIR=str(cache / "jupyter/runtime"),
        IPYTHONDIR=str(cache / "ipython"),
        MPLCONFIGDIR=str(cache / "matplotlib"),
        MOTCUA_KEEP_KERNELS="0",
        MOTCUA_KERNEL_DIR=str(cache / "kernels"),
    )
    for k in ("MOTCUA_CONFIG", "MOTCUA_NOTEBOOKS"):  # the tree's own config and notebooks
        env.pop(k, None)
    return env


def tree_version(tree: Path) -> str:
    """The code version the tree's package stamps (motcua.version.code_version)."""
    out = subprocess.run(
        [sys.executable, "-c", "from motcua.version import code_version; print(code_version())"],
        cwd=tree,
        env=tree_env(tree),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not VERSION_SHAPE.match(out):
        raise SystemExit(f"unexpected code version {out!r} from {tree}")
    return out


def regenerate_sample(tree: Path, log: Path) -> None:
    """``make sample`` in ``tree``: the tree's own generator writes its ``data/raw/sample``. Exits 2 on failure."""
    cmd = [sys.executable, "-m", "motcua", "sample", "--out", "data/raw/sample"]
    with log.open("wb") as f:
        proc = subprocess.run(cmd, cwd=tree, env=tree_env(tree), stdout=f, stderr=subprocess.STDOUT)
    if proc.returncode != 0:
        print(f"motcua sample failed in {tree} (exit {proc.returncode}); log: {log}", file=sys.stderr)
        raise SystemExit(2)


def build(tree: Path, raw: Path | None, jobs: int, log: Path) -> float:
    """Build the tree's reports as ``make reports`` does; the seconds it took. Exits 2 when the build fails."""
    raw_dir = raw.resolve() if raw else tree / "data" / "raw" / "sample"
    for d in ("data/processed", "data/interim", "reports"):
        (tree / d).mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "motcua", "build", str(raw_dir), "--data", "data/processed", "--out", "reports"]
    cmd += ["--jobs", str(jobs)]
    t0 = time.perf_counter()
    with log.open("wb") as f:
        proc = subprocess.run(cmd, cwd=tree, env=tree_env(tree), stdout=f, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        print(f"build failed in {tree} (exit {proc.returncode}); log: {log}", file=sys.stderr)
        print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
        raise SystemExit(2)
    return seconds


def report(results: Iterable[Result]) -> int:
    """Print one line per file and a summary; the exit status (0 all identical, 1 any difference)."""
    results = list(results)
    for r in results:
        print(r.line())
    bad = sum(not r.same for r in results)
    print(f"{len(results) - bad} identical, {bad} differ, {len(results)} files")
    return 1 if bad or not results else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("a", help="first commit (e.g. main)")
    ap.add_argument("b", help="second commit (e.g. HEAD)")
    ap.add_argument("--repo", type=Path, default=Path.cwd(), help="the git repository (default: here)")
    ap.add_argument("--raw", type=Path, help="inputs for both builds (default: each commit's data/raw/sample)")
    ap.add_argument(
        "--sample",
        action="store_true",
        help="regenerate each commit's sample with its own generator first, and compare it",
    )
    ap.add_argument("--jobs", type=int, default=2, help="--jobs of each build (default 2)")
    ap.add_argument("--keep", type=Path, help="build in this (new) folder and keep it (default: a temporary one)")
    args = ap.parse_args(argv)

    work = args.keep or Path(tempfile.mkdtemp(prefix="report_identity-"))
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=False)
    try:
        trees, versions = [], []
        for side, rev in (("A", args.a), ("B", args.b)):
            tree = work / side
            sha = export(args.repo, rev, tree)
            versions.append(tree_version(tree))
            if args.sample:
                regenerate_sample(tree, work / f"sample-{side}.log")
            seconds = build(tree, args.raw, args.jobs, work / f"build-{side}.log")
            print(f"# {side}: {rev} = {sha[:12]}, code version {versions[-1]}, built in {seconds:.0f} s", flush=True)
            trees.append(tree)
        return report(compare_trees(trees[0], trees[1], versions[0], versions[1], inputs=args.sample))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
