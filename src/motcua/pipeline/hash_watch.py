"""Hash a stage's largest output for the render stage's planning as soon as the stage has written it, while the
stage goes on (:class:`HashWhenWritten`). Imports nothing heavy until a file has changed: a build that finds
everything up to date stays fast."""

from __future__ import annotations

from pathlib import Path
from threading import Thread

from motcua import products

#: The model stage's largest table: hashed as soon as the stage has written it (:class:`HashWhenWritten`).
MODEL_TABLES = ("trends",)


class HashWhenWritten:
    """Hash ``names`` of DATA into the cache on a thread of this process as soon as each file is replaced (its
    size, modification time or inode change), while the stage that writes them goes on in its kernel: the model
    stage writes trends.parquet (300,000 rows at national scale, ~1.5 s to read and hash) before the continuity
    table and its notebook's last cells, so planning then finds it hashed. What is hashed is kept under the sha256
    of the bytes read, so a file caught before its final write is only a cache entry no one asks for. ``after``: a
    thread that writes the cache too (:func:`hash_in_background`), waited for first. :meth:`stop` when the stage
    has returned: a file not replaced by then is left to planning; the call waits for a hash under way."""

    def __init__(
        self, data: Path, names: tuple[str, ...] = MODEL_TABLES, after: Thread | None = None, every_s: float = 0.05
    ):
        from threading import Event

        self.data, self.names, self.after, self.every_s = data, names, after, every_s
        self.before = {n: self._signature(n) for n in names}
        self._stop = Event()
        self.hashed: list[str] = []
        self.thread = Thread(target=self._work, name="motcua-hash-written", daemon=True)
        self.thread.start()

    def _signature(self, name: str) -> tuple[int, int, int] | None:
        try:
            st = (self.data / products.BY_NAME[name].file).stat()
        except OSError:
            return None
        return (st.st_size, st.st_mtime_ns, st.st_ino)

    def _work(self) -> None:
        todo = list(self.names)
        while todo and not self._stop.is_set():
            changed = [n for n in todo if self._signature(n) not in (None, self.before[n])]
            if not changed:
                self._stop.wait(self.every_s)
                continue
            from motcua.files import sha256_file  # here: hashing needs pandas and pyarrow, a no-op build neither
            from motcua.pipeline.input_hashes import TABLES, file_hashes

            if self.after is not None:
                self.after.join()
            try:
                file_hashes(self.data, {TABLES[n]: sha256_file(self.data / TABLES[n]) for n in changed}, tuple(changed))
                self.hashed += changed
            except Exception:  # noqa: BLE001 - an optimisation only
                return
            todo = [n for n in todo if n not in changed]

    def stop(self) -> None:
        self._stop.set()
        self.thread.join()
