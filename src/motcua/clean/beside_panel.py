"""The tables read beside the panel: the 766 group counts and score tables, the figures stated in prose
documents, the PAR index tables. Each is its own product, written only when the inputs hold its files;
a file among them that cannot be read is reported and never stops the build.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from motcua.ingest.aggregate import MatchContext
from motcua.quality import Quality


def groups766_tables(
    dossier_files: list[tuple[Path, str]], score_files: list[tuple[Path, str]], q: Quality, ctx: MatchContext
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The 766 group counts of the dossier exports (read again, their 766 columns only) and the 766 score tables."""
    from motcua.ingest.groups766 import combine, read_groups_file
    from motcua.ingest.score766 import combine_scores, read_score_table

    frames = []
    for p, d in dossier_files:
        try:
            frames.append(read_groups_file(p, d, q, ctx))
        except (OSError, UnicodeDecodeError, ValueError, KeyError) as exc:  # the panel's rows of the file stand
            q.add(
                d,
                "groups766_read",
                "warning",
                f"Không đọc được các cột nhóm 766: {type(exc).__name__}: {exc}.",
                action="checked",
            )
    groups = combine(frames)
    scores = combine_scores([read_score_table(p, d, q, ctx) for p, d in score_files])
    return groups, scores


def published_table(
    documents: list[tuple[Path, str]], sources: list[dict[str, Any]], q: Quality
) -> pd.DataFrame | None:
    """Figures stated in the prose documents (:func:`motcua.prose.read_documents`); a document that gives no
    text is reported (warning), never stops the build. Fills each document's ``facts`` in ``sources``."""
    if not documents:
        return None
    from motcua.prose.published import read_documents

    table, report = read_documents(documents)
    by_file = {s["file"]: s for s in sources if s.get("kind") == "document"}
    for display, problem, n in report:
        by_file[display]["facts"] = n
        if problem:
            q.add(
                display,
                "document_unreadable",
                "warning",
                f"Văn bản không đọc được ({problem}); không lấy được số liệu công bố nào từ tệp này.",
                action="file_skipped",
            )
    return table


def par_index_table(
    files: list[tuple[Path, str, str]], sources: list[dict[str, Any]], q: Quality, ctx: MatchContext
) -> tuple[pd.DataFrame, dict[str, Any]] | None:
    """The PAR index tables among the inputs (:func:`motcua.clean.par.build_par_index`), with their counts (unit rows
    in = kept + dropped, apart from the panel's); None without any. Fills each PAR file's ``rows`` in ``sources``."""
    if not files:
        return None
    from motcua.clean.par import build_par_index

    table, counts = build_par_index(files, q, ctx)
    by_file = {s["file"]: s for s in sources if s.get("kind") == "par"}
    for _, display, _ in files:
        by_file[display]["rows"] = int(
            sum(1 for f in q.findings if f.file == display and f.action == "dropped")
            + table.loc[(table["source"] == display) & (table["kind"] == "total")].shape[0]
        )
    return table, counts
