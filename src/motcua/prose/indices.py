"""Which index a score or a rank belongs to: the PAR index (Chỉ số CCHC) or the 766 index.

Grain: one sentence at a time. The sentence's own words decide (config/extract.yaml ``par_words``,
``index766_words``), else the index the article names first. A figure of the 766 index is renamed
from ``par_*`` to ``index766_*``; every index figure gets a flag "index:" naming its index.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from motcua.prose.vocab import Vocab

if TYPE_CHECKING:  # pragma: no cover
    from motcua.prose.figures import Figure


def first_index(nbody: str, v: Vocab) -> str:
    """The index an article is about: the one it names first (its title, usually)."""
    par, i766 = v.par.search(nbody), v.index766.search(nbody)
    return "index766" if i766 and (not par or i766.start() < par.start()) else "par"


def index_of(nsent: str, doc_index: str, v: Vocab) -> str:
    """The index a sentence's scores and ranks belong to: the one it names, else the article's."""
    par, i766 = v.par.search(nsent), v.index766.search(nsent)
    if par and i766:  # both named: the one named last before the figures ("… theo Bộ chỉ số 766, CCHC …" is rare)
        return "index766" if i766.start() > par.start() else "par"
    return "index766" if i766 else ("par" if par else doc_index)


def name_index(fig: Figure, index: str, v: Vocab) -> None:
    """par_score/par_rank → index766_* for the 766 index; the index's name in the flags."""
    if not (fig.metric or "").startswith("par_"):
        return
    if index != "par":
        fig.metric = index + fig.metric[len("par") :]
    fig.flags.append(f"index: {v.raw['index_names'][index]}")
