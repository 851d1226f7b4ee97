"""The study corpus (tests/prose/corpus/*.yaml) and the seeds: recall and precision of the extractor.

Each YAML file is a text written in our own words that carries the figures of one real article (or a
failure class) in the same patterns, with its hand-read truths. The tests ask:

* every truth not marked ``known_gap`` is found (metric, value, period, level, approximate flag);
* a truth marked ``known_gap`` that is found now fails the test until its mark is removed, so the list
  of gaps only shrinks (a strict expected failure);
* the number of wrong facts of an article is not above its ``known_extras`` and, when it falls, the
  test asks for the lower number;
* the per-article table and the overall recall and precision are printed in the terminal summary.
"""

from __future__ import annotations

import pytest
from corpus_measure import Result, load_corpus, markdown, run_article, seed_articles, table

ARTICLES = load_corpus()
_RESULTS: dict[str, Result] = {}


def _result(article) -> Result:
    if article.id not in _RESULTS:
        _RESULTS[article.id] = run_article(article)
    return _RESULTS[article.id]


def _show(t: dict) -> str:
    return f"{t['metric']}={t['value']} {t.get('unit', '')} {t.get('period')} {t.get('known_gap', '')}"


def _show_fact(f: dict) -> str:
    return f"{f['metric']}={f['value']} {f['unit_name']} [{f['unit_level']}] {f['period_start']}..{f['period_end']}"


def test_corpus_is_well_formed():
    assert len(ARTICLES) >= 3
    for a in ARTICLES:
        assert a.truths or a.meta.get("distractors"), a.id  # a text of distractors only has no truth
        for t in a.truths:
            assert {"metric", "value", "period"} <= set(t), (a.id, t)
            if t["period"]:
                assert t["period"][0] <= t["period"][1], (a.id, t)


@pytest.mark.parametrize("article", ARTICLES, ids=[a.id for a in ARTICLES])
def test_truths_found(article):
    r = _result(article)
    missing = r.missed(gaps=False)
    closed = r.closed_gaps()
    assert not missing, (
        "not found:\n" + "\n".join(map(_show, missing)) + "\nemitted:\n" + "\n".join(map(_show_fact, r.facts))
    )
    assert not closed, "known gaps now found (remove their known_gap):\n" + "\n".join(map(_show, closed))


@pytest.mark.parametrize("article", ARTICLES, ids=[a.id for a in ARTICLES])
def test_wrong_facts_do_not_grow(article):
    r = _result(article)
    extras = r.extras()
    assert len(extras) <= article.known_extras, (
        f"{len(extras)} wrong facts > known_extras {article.known_extras}:\n" + "\n".join(map(_show_fact, extras))
    )
    assert len(extras) == article.known_extras, (
        f"fewer wrong facts ({len(extras)}) than known_extras {article.known_extras}: lower it"
    )


def test_seeds_in_the_measure():
    seeds = seed_articles()
    if not seeds:
        pytest.skip("shared seed articles not found")
    for s in seeds:
        r = _result(s)
        assert r.recall == 1.0 and r.precision == 1.0, (s.id, r.missed(), [_show_fact(f) for f in r.extras()])


def corpus_table():
    """The table over the corpus and the seeds (results cached per article for this session)."""
    return table([_result(a) for a in ARTICLES + seed_articles()])


def test_overall_numbers_printed(capsys):
    df = corpus_table()
    total = df.iloc[-1]
    with capsys.disabled():
        print("\n" + markdown(df))
        print(
            f"corpus recall {100 * total.recall:.1f} % (goal ≥ 90 %), precision {100 * total.precision:.1f} % "
            "(goal ≥ 95 %)"
        )
    assert 0 <= total.recall <= 1 and total.truths > 0
