"""Warm kernels kept between builds, so a small rebuild starts no kernel (like Gradle's daemon).

A build that needs a kernel first looks in the registry (:func:`registry_dir`) for
an idle kernel that an earlier build started with the same key: the same Python,
the same motcua source, the same config files, the same working folder and the
same environment variables that reach the kernel (:func:`kernel_key`). It takes
it with an exclusive ``flock`` on the kernel's lock file — the lease, released
when the build lets go or dies — and resets it as before every notebook. With no
idle kernel of its key, it starts one, detached from the build so it survives it.

A kept kernel leaves by itself after :data:`IDLE_S` seconds without a lease
(:func:`motcua.kernels.kernel_side.exit_when_idle`), and a kernel of another key
(changed code or config) is stopped by the next build that finds it idle.
``MOTCUA_KEEP_KERNELS=0`` turns all of this off: every build then starts and
stops its own kernels. ``motcua kernels --stop`` (``make stop-kernels``) stops
every idle kept kernel now.

Registry files, per kernel id: ``<id>.lock`` (the lease), ``<id>.json`` (the
connection file, mode 0600), ``<id>.meta.json`` (key, pid, start time),
``<id>.log`` (the kernel's own stderr and stdout).
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from motcua.cache.keys import KeyScheme
from motcua.files import atomic_write_text

#: Seconds a kept kernel waits for the next build before it leaves (MOTCUA_KERNEL_IDLE overrides).
IDLE_S = 600.0
#: A lock file younger than this without its meta file is a kernel being registered right now: left alone.
REGISTERING_S = 60.0
#: Environment variables whose values reach the kernel's behaviour: part of the key.
KEY_ENV_PREFIXES = (
    "MOTCUA_",
    "PYTHON",
    "JUPYTER_",
    "IPYTHON",
    "MPLCONFIGDIR",
    "LANG",
    "LC_",
    "TZ",
    "PATH",
    "OMP_",
    "OPENBLAS_",
    "MKL_",
    "HOME",
)
#: Not part of the key: how long to stay, and where the registry is, do not change what a kernel computes.
KEY_ENV_IGNORED = ("MOTCUA_KERNEL_IDLE", "MOTCUA_KERNEL_WATCH", "MOTCUA_KERNEL_DIR", "MOTCUA_KEEP_KERNELS")


#: Options of every kernel motcua starts (warm, kept or papermill's own): no banner and no warning on stderr
#: (ipykernel warns at WARNING level that a kernel on 127.0.0.1 talks TCP without encryption); the kernel's
#: log filtered at start-up (:func:`motcua.kernels.kernel_side.quiet_log`: the "KeyboardInterrupt caught in
#: kernel" line jupyter_client's shutdown provokes); no input history (an SQLite write per cell; the executed
#: notebook is the record of what ran).
KERNEL_ARGS = (
    "--IPKernelApp.log_level=ERROR",
    "--HistoryManager.enabled=False",
    '--IPKernelApp.exec_lines=__import__("motcua.kernels.kernel_side", fromlist=["_"]).quiet_log()',
)


def enabled() -> bool:
    """Kernels are kept unless ``MOTCUA_KEEP_KERNELS`` is 0, no, false or off."""
    return os.environ.get("MOTCUA_KEEP_KERNELS", "1").strip().lower() not in {"0", "no", "false", "off"}


def idle_seconds() -> float:
    try:
        return float(os.environ.get("MOTCUA_KERNEL_IDLE", IDLE_S))
    except ValueError:
        return IDLE_S


def watch_seconds() -> float | None:
    """``MOTCUA_KERNEL_WATCH``: how often a kept kernel's idle watchdog looks (None: its own default, 2 s)."""
    try:
        value = float(os.environ["MOTCUA_KERNEL_WATCH"])
    except (KeyError, ValueError):
        return None
    return value if value > 0 else None


def registry_dir() -> Path:
    """``MOTCUA_KERNEL_DIR``, else ``motcua-kernels/`` in Jupyter's runtime folder (the project's
    ``.cache/jupyter/runtime`` under ``make``)."""
    env = os.environ.get("MOTCUA_KERNEL_DIR")
    if env:
        return Path(env)
    from jupyter_core.paths import jupyter_runtime_dir

    return Path(jupyter_runtime_dir()) / "motcua-kernels"


def kernel_env() -> dict[str, str]:
    """The environment a kept kernel starts with: the build's, minus MPLBACKEND (the kernel draws
    inline)."""
    return {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}


def kernel_key(cwd: Path) -> str:
    """What a kernel must share with a build to serve it: Python, motcua's source, the config files,
    the working folder and the environment variables that can change what it computes."""
    from motcua.config import config_dir
    from motcua.files import sha256_files
    from motcua.version import source_hash

    root = config_dir().resolve()
    config = sha256_files(sorted(p for p in root.rglob("*") if p.is_file()), root=root) if root.is_dir() else "none"
    env = sorted((k, v) for k, v in kernel_env().items() if k.startswith(KEY_ENV_PREFIXES) and k not in KEY_ENV_IGNORED)
    parts = [sys.executable, sys.version, source_hash(), str(root), config, str(Path(cwd).resolve()), json.dumps(env)]
    return KeyScheme("motcua-kept-kernel-1").key(*parts, code="")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (our own child that exited) is not alive
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


@dataclass
class Lease:
    """An exclusive hold on one kept kernel's slot in the registry (an flock on ``<id>.lock``)."""

    registry: Path
    kernel_id: str
    fd: int
    fresh: bool = False  # True: no kernel runs in this slot yet (launch() starts one)
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def lock_file(self) -> Path:
        return self.registry / f"{self.kernel_id}.lock"

    @property
    def connection_file(self) -> Path:
        return self.registry / f"{self.kernel_id}.json"

    @property
    def meta_file(self) -> Path:
        return self.registry / f"{self.kernel_id}.meta.json"

    @property
    def log_file(self) -> Path:
        return self.registry / f"{self.kernel_id}.log"

    def files(self) -> list[Path]:
        return [self.connection_file, self.meta_file, self.log_file, self.lock_file]

    def meta(self) -> dict[str, Any]:
        try:
            return json.loads(self.meta_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def pid(self) -> int | None:
        pid = self.meta().get("pid")
        return int(pid) if pid else None

    def running(self) -> bool:
        if self.process is not None:
            return self.process.poll() is None
        pid = self.pid()
        return bool(pid) and _pid_alive(pid)  # type: ignore[arg-type]

    def launch(self, cwd: Path, key: str) -> None:
        """Start a detached kernel in this slot (new session, no inherited pipes)."""
        from jupyter_client.connect import write_connection_file

        self.connection_file.unlink(missing_ok=True)
        write_connection_file(
            str(self.connection_file),
            ip="127.0.0.1",
            key=secrets.token_hex(16).encode("ascii"),
            transport="tcp",
            signature_scheme="hmac-sha256",
            kernel_name="python3",
        )
        cmd = [sys.executable, "-m", "ipykernel_launcher", "-f", str(self.connection_file), *KERNEL_ARGS]
        with open(self.log_file, "ab") as log:
            self.process = subprocess.Popen(
                cmd,
                cwd=str(cwd),
                env=kernel_env(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
                close_fds=True,
            )
        body = {"key": key, "pid": self.process.pid, "started": time.time(), "cwd": str(cwd)}
        atomic_write_text(self.meta_file, json.dumps(body) + "\n")
        self.fresh = True

    def stop_kernel(self) -> None:
        """End the kernel of this slot, if any (its whole process group), and wait a little for it."""
        pid = self.process.pid if self.process is not None else self.pid()
        if pid and self.running():
            for sig, wait in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 3.0)):
                try:
                    os.killpg(pid, sig)
                except (ProcessLookupError, PermissionError):
                    try:
                        os.kill(pid, sig)
                    except (ProcessLookupError, PermissionError):
                        break
                deadline = time.monotonic() + wait
                while self.running() and time.monotonic() < deadline:
                    time.sleep(0.05)
                if not self.running():
                    break
        self.process = None

    def discard(self) -> None:
        """Stop the kernel and remove the slot's files, then let go of the lock."""
        self.stop_kernel()
        for p in self.files():
            p.unlink(missing_ok=True)
        self._unlock(touch=False)

    def mark(self, role: str) -> None:
        """Record that this kernel now serves ``role`` (:func:`acquire` prefers it for that role next time)."""
        body = {**self.meta(), "role": role, "role_at": time.time()}
        try:
            atomic_write_text(self.meta_file, json.dumps(body) + "\n")
        except OSError:
            pass

    def release(self, touch: bool = True) -> None:
        """Let go of the kernel, which stays for the next build; its idle time starts now (``touch``)."""
        self._unlock(touch)

    def touch(self) -> None:
        try:
            os.utime(self.lock_file)
        except OSError:
            pass

    def _unlock(self, touch: bool) -> None:
        if self.fd < 0:
            return
        if touch:
            self.touch()
        try:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        finally:
            os.close(self.fd)
            self.fd = -1


def _try_lock(registry: Path, kernel_id: str) -> Lease | None:
    path = registry / f"{kernel_id}.lock"
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    if not path.exists():  # removed between open and lock (its kernel left)
        os.close(fd)
        return None
    return Lease(registry, kernel_id, fd)


def _idle_slots(registry: Path) -> list[Lease]:
    """Every registered slot that no build holds (each locked now: the caller releases or discards)."""
    leases = []
    for lock in sorted(registry.glob("*.lock")):
        lease = _try_lock(registry, lock.stem)
        if lease is None:
            continue
        if not lease.meta_file.exists():
            try:
                young = time.time() - lock.stat().st_mtime < REGISTERING_S
            except OSError:
                young = False
            if young:
                lease.release(touch=False)
                continue
        leases.append(lease)
    return leases


def acquire(cwd: Path, role: str = "") -> tuple[Lease, str]:
    """A lease on an idle kernel of this build's key, or on a new empty slot (``fresh``).

    ``role``: among the idle kernels of the key, the one that last served this role (:meth:`Lease.mark`), if
    any: the build's stages go to the kernel that ran them last, which holds their last runs in memory
    (the model stage's last run, the clean stage's state) and reads neither file again.
    Idle kernels of another key, and slots whose kernel has died, are cleared on the way.
    Returns the lease and the key.
    """
    registry = registry_dir()
    registry.mkdir(parents=True, exist_ok=True)
    key = kernel_key(cwd)
    ours: list[Lease] = []
    for lease in _idle_slots(registry):
        if lease.meta().get("key") == key and lease.running():
            ours.append(lease)
        else:
            lease.discard()
    chosen: Lease | None = None
    if ours:
        marked = [x for x in ours if role and x.meta().get("role") == role]
        chosen = max(marked, key=lambda x: x.meta().get("role_at", 0)) if marked else ours[0]
        for lease in ours:
            if lease is not chosen:
                lease.release(touch=False)  # another idle kernel of ours: left for a parallel worker
    if chosen is not None:
        chosen.touch()  # leased now: its idle time restarts when the build lets go
        return chosen, key
    kernel_id = f"k{os.getpid()}-{secrets.token_hex(4)}"
    path = registry / f"{kernel_id}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return Lease(registry, kernel_id, fd, fresh=True), key


def stop_idle() -> int:
    """Stop every kept kernel no build holds now; the number stopped."""
    registry = registry_dir()
    if not registry.is_dir():
        return 0
    n = 0
    for lease in _idle_slots(registry):
        n += int(lease.running())
        lease.discard()
    return n


def listing() -> list[dict[str, Any]]:
    """The registered kernels: id, pid, running, leased (held by a build now), idle seconds."""
    registry = registry_dir()
    out = []
    if not registry.is_dir():
        return out
    for lock in sorted(registry.glob("*.lock")):
        lease = _try_lock(registry, lock.stem)
        leased = lease is None
        probe = lease or Lease(registry, lock.stem, -1)
        try:
            idle = time.time() - lock.stat().st_mtime
        except OSError:
            idle = float("nan")
        out.append(
            {
                "id": lock.stem,
                "pid": probe.pid(),
                "running": probe.running(),
                "leased": leased,
                "idle_s": None if leased else round(idle, 1),
            }
        )
        if lease is not None:
            lease.release(touch=False)
    return out
