"""Recall and precision of ``motcua.prose.extract_text`` against hand-read truths.

An article of the study corpus is a YAML file in ``tests/prose/corpus/`` (one per article, plus
``classes_*.yaml`` files of short test sentences, one per failure class): ``id``, ``source``,
``published`` (the date given to the extractor), ``level``, ``period``, ``text`` (written in our own
words, carrying the article's figures in the article's patterns; never the article's sentences) and
``truths``. A truth is one figure: ``metric``, ``value``, ``unit`` (the unit as the text names it,
for the reader), ``level`` (province, district, commune, agency or national; absent when the text
does not say; the provincial centre and the sở, ban, ngành are ``agency``, as the panel books them), ``period`` ([start, end], ISO dates), optionally ``approx: true`` (a "hơn/gần/khoảng"
figure, which must carry the extractor's ``approximate`` flag), ``rank_of``, and ``known_gap: <class>``
when the current extractor does not find it. An article may also state ``known_extras: N``, the number
of wrong facts the extractor emits for it today.

Grain of :func:`measure`'s table: one row per article (truths, found, emitted, right facts, recall,
precision). A truth is found when one emitted fact, not already used by another truth, has the same
metric (or an accepted alias, see :data:`ALIASES`), the value within :data:`TOLERANCE` (exact for
counts), the same period and a compatible level. Precision counts an emitted fact as right when it is
used by a truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

CORPUS = Path(__file__).resolve().parent / "corpus"

#: A truth's metric → the emitted metrics that state it (names of the index metrics changed over time).
ALIASES: dict[str, set[str]] = {
    "par_score": {"par_score", "par_index_score"},
    "par_rank": {"par_rank", "par_index_rank"},
    "par_rank_of": {"par_rank_of", "par_index_rank_of", "rank_of"},
    "index766_score": {"index766_score"},
    "index766_rank": {"index766_rank"},
    "index766_rank_of": {"index766_rank_of", "rank_of"},
    "resolved_ontime_part": {"resolved_ontime_part", "resolved_ontime_only"},  # on time, not early
}
#: A truth's level → emitted unit levels that agree with it (None: the extractor named no level).
LEVELS: dict[str, set[Any]] = {
    "province": {"province"},
    "district": {"district"},
    "commune": {"commune"},
    "agency": {"agency"},  # sở, ban, ngành, Công an tỉnh and the provincial centre, as the panel books them
    "national": {"national", None},
}
#: Largest difference between a truth's value and an emitted value for scores and rates.
TOLERANCE = 0.006


@dataclass
class Article:
    """One text with its truths."""

    id: str
    text: str
    published: str | None
    truths: list[dict[str, Any]]
    known_extras: int = 0
    source: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


def _iso(v: Any) -> str | None:
    if v is None:
        return None
    return v.isoformat() if isinstance(v, date) else str(v)


def load_corpus(folder: Path = CORPUS) -> list[Article]:
    """Every article of the corpus folder, in file-name order."""
    out = []
    for p in sorted(folder.glob("*.yaml")):
        try:
            d = yaml.safe_load(p.read_text(encoding="utf-8"))
        except yaml.YAMLError as e:
            raise ValueError(f"{p.name}: {e}") from e
        for t in d.get("truths") or []:
            t["period"] = [_iso(x) for x in t["period"]] if t.get("period") else None
        out.append(
            Article(
                d["id"],
                d["text"],
                _iso(d.get("published")),
                d.get("truths") or [],
                int(d.get("known_extras", 0)),
                d.get("source", ""),
                d,
            )
        )
    return out


def _value_ok(truth: dict, v: float) -> bool:
    return abs(float(truth["value"]) - float(v)) <= (
        0 if float(truth["value"]).is_integer() and float(v).is_integer() else TOLERANCE
    )


def fact_matches(truth: dict, fact: dict) -> bool:
    """Whether one emitted fact states the truth (metric, value, period, level, approximate flag)."""
    metric = truth["metric"]
    if fact["metric"] not in ALIASES.get(metric, {metric}):
        return False
    if not _value_ok(truth, fact["value"]):
        return False
    period = truth.get("period")
    if period and [fact["period_start"], fact["period_end"]] != list(period):
        return False
    level = truth.get("level")
    if level and fact["unit_level"] not in LEVELS.get(level, {level}):
        return False
    return _approx(fact) == bool(truth.get("approx", False))


def _approx(fact: dict) -> bool:
    return any(str(f).startswith(("approximate", "rounded")) for f in fact["flags"] or [])


#: Metrics the extractor of this checkout may not emit at all: a miss of one is a gap of that class.
PART_METRICS = {"resolved_early", "resolved_ontime_part"}


def diagnose(truth: dict, facts: list[dict]) -> str:
    """Why a truth is not found, from the facts emitted: the failure class of a known gap.

    ``period`` (right metric and value, another period), ``scope`` (another level), ``approx_flag``
    (an approximate figure not flagged, or an exact one flagged), ``metric`` (the value under another
    metric), ``parts`` (early and on-time counts not kept as parts), ``index`` (an index score or rank
    not emitted), ``not_read`` (the value is in no fact).
    """
    metric = truth["metric"]
    names = ALIASES.get(metric, {metric})
    same = [f for f in facts if f["metric"] in names and _value_ok(truth, f["value"])]
    if same:
        period = truth.get("period")
        if period and not any([f["period_start"], f["period_end"]] == list(period) for f in same):
            return "period"
        level = truth.get("level")
        if level and not any(f["unit_level"] in LEVELS.get(level, {level}) for f in same):
            return "scope"
        return "approx_flag"
    if any(_value_ok(truth, f["value"]) for f in facts):
        return "metric"
    if metric in PART_METRICS:
        return "parts"
    if metric.startswith(("par_", "index766_")):
        return "index"
    return "not_read"


@dataclass
class Result:
    """The outcome of one article: which truths were found, which facts were right."""

    article: Article
    facts: list[dict]
    found: list[bool]
    right: list[bool]

    @property
    def recall(self) -> float:
        return sum(self.found) / len(self.found) if self.found else 1.0

    @property
    def precision(self) -> float:
        return sum(self.right) / len(self.right) if self.right else 1.0

    def missed(self, gaps: bool | None = None) -> list[dict]:
        """Truths not found (gaps=False: those not marked known_gap; True: only the marked ones)."""
        return [
            t
            for t, ok in zip(self.article.truths, self.found)
            if not ok and (gaps is None or bool(t.get("known_gap")) == gaps)
        ]

    def closed_gaps(self) -> list[dict]:
        """Truths marked known_gap that are now found."""
        return [t for t, ok in zip(self.article.truths, self.found) if ok and t.get("known_gap")]

    def extras(self) -> list[dict]:
        return [f for f, ok in zip(self.facts, self.right) if not ok]


def run_article(article: Article, extract=None) -> Result:
    """Extract the article's text and match the facts to its truths (each fact used once)."""
    if extract is None:
        from motcua.prose import extract_text as extract
    df = extract(article.text, file=article.id, published=article.published)
    facts = df.to_dict("records")
    right = [False] * len(facts)
    found = []
    for t in article.truths:
        hit = next((i for i, f in enumerate(facts) if not right[i] and fact_matches(t, f)), None)
        if hit is not None:
            right[hit] = True
        found.append(hit is not None)
    return Result(article, facts, found, right)


def table(results: list[Result]) -> pd.DataFrame:
    """One row per article, subtotals for the articles, the class sentences and the seeds, and a last row "TOTAL"
    (recall and precision over all facts, not averaged)."""
    rows = []
    for r in results:
        rows.append(
            {
                "article": r.article.id,
                "truths": len(r.found),
                "found": sum(r.found),
                "known_gaps": sum(bool(t.get("known_gap")) for t in r.article.truths),
                "emitted": len(r.right),
                "right": sum(r.right),
            }
        )
    df = pd.DataFrame(rows)
    nums = ["truths", "found", "known_gaps", "emitted", "right"]
    group = df["article"].map(
        lambda a: "seeds" if a.startswith("seed_") else "class sentences" if a.startswith("classes_") else "articles"
    )
    subtotals = [
        {"article": f"subtotal: {g}", **df.loc[group == g, nums].sum().to_dict()}
        for g in ("articles", "class sentences", "seeds")
        if (group == g).any()
    ]
    tot = df[nums].sum()
    df = pd.concat([df, pd.DataFrame(subtotals + [{"article": "TOTAL", **tot.to_dict()}])], ignore_index=True)
    df["recall"] = (df["found"] / df["truths"].where(df["truths"] > 0)).round(3)
    df["precision"] = (df["right"] / df["emitted"].where(df["emitted"] > 0)).round(3)
    return df


def markdown(df: pd.DataFrame) -> str:
    """The table as Markdown (percentages with one decimal)."""
    cols = ["article", "truths", "found", "known_gaps", "emitted", "right", "recall", "precision"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in df.itertuples(index=False):
        cells = []
        for c in cols:
            v = getattr(r, c)
            if c in ("recall", "precision"):
                cells.append("–" if pd.isna(v) else f"{100 * v:.1f} %")
            else:
                cells.append(str(int(v)) if not isinstance(v, str) else v)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def seed_articles() -> list[Article]:
    """The three real seed articles, with the truths of test_seeds (empty when the shared folder is absent)."""
    from shared_texts import seed_paths
    from test_seeds import EXPECTED

    paths = seed_paths()
    if paths is None:
        return []
    level_of = {"district": "district", "commune": "commune", "province": "province"}
    out = []
    for name, path in paths.items():
        truths = [
            {
                "metric": {
                    "par_index_score": "par_score",
                    "par_index_rank": "par_rank",
                    "par_index_rank_of": "par_rank_of",
                }.get(m, m),
                "value": v,
                "unit": unit,
                "level": level_of.get(lvl),
                "period": list(per),
            }
            for (s, unit, _c, _p, lvl, per, m, v) in EXPECTED
            if s == name
        ]
        out.append(Article(f"seed_{name}", path.read_text(encoding="utf-8"), None, truths, 0, str(path)))
    return out
