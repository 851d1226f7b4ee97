"""Run the report stage on an existing Dask distributed cluster.

Each Dask worker keeps one warm kernel (started on its first task) and returns
the executed notebook and HTML to the client, which writes them atomically
into the reports folder: workers need the same environment and read access to
the processed-data folder at the same path (shared storage), nothing more.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def run_on_cluster(
    tasks: list[Any],
    address: str,
    done: Callable[[Any, dict[str, Any]], None],
    render: Callable[[Any], dict[str, Any]],
) -> None:
    """Submit ``render(task)`` for every task to the scheduler at ``address`` and call ``done`` as each finishes.
    ``render`` must be a module-level function (Dask sends it to the workers by its import name)."""
    from distributed import Client, as_completed

    with Client(address, set_as_default=False) as client:
        futures = {client.submit(render, t, pure=False, key=f"motcua-{t.kind}-{t.unit_code}"): t for t in tasks}
        for fut in as_completed(list(futures), loop=client.loop):
            t = futures[fut]
            try:
                r = fut.result()
            except Exception as exc:  # a worker died or the task was lost
                r = {"status": "failed", "reason": f"{type(exc).__name__}: {exc}"[:300], "html": None, "notebook": None}
            done(t, r)
