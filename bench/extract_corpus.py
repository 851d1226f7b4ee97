"""Recall and precision of ``motcua extract`` over the study corpus and the seeds (not a test: a table).

Runs the same measure as tests/prose/test_corpus.py and writes bench/extract_corpus.md (one row per
article, then TOTAL), plus the list of misses by failure class. Usage:

    PYTHONPATH=src python bench/extract_corpus.py [--out bench/extract_corpus.md]

Another checkout's extractor can be measured on this corpus with PYTHONPATH=<other>/src.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "prose"), str(ROOT / "tests")]

from corpus_measure import CORPUS, Article, diagnose, load_corpus, markdown, run_article, seed_articles, table  # noqa: E402


def mark(article: Article) -> str:
    """Rewrite the article's YAML: each missed truth gets ``known_gap: <class>``, found ones lose it,
    and ``known_extras`` is set to today's number of wrong facts."""
    import re

    r = run_article(article)
    path = CORPUS / f"{article.id}.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    truth_lines = [i for i, ln in enumerate(lines) if ln.startswith("  - {metric:")]
    assert len(truth_lines) == len(article.truths), path
    for i, t, ok in zip(truth_lines, article.truths, r.found):
        ln = re.sub(r", known_gap: [\w_]+", "", lines[i])
        if not ok:
            ln = ln[:-1] + f", known_gap: {diagnose(t, r.facts)}}}"
        lines[i] = ln
    lines = [ln for ln in lines if not ln.startswith("known_extras:")]
    lines.insert(next(i for i, ln in enumerate(lines) if ln.startswith("truths:")), f"known_extras: {len(r.extras())}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f"{sum(not x for x in r.found)} gaps, {len(r.extras())} extras"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "bench" / "extract_corpus.md"))
    ap.add_argument(
        "--mark",
        nargs="*",
        metavar="ID",
        help="write known_gap (the diagnosed class) on the missed truths and known_extras of these "
        "corpus articles (all when no id is given); truths must be one flow mapping per line",
    )
    args = ap.parse_args(argv)
    if args.mark is not None:
        for a in load_corpus():
            if not args.mark or a.id in args.mark:
                print(a.id, mark(a))
        return 0
    import motcua.prose

    results = [run_article(a) for a in load_corpus() + seed_articles()]
    df = table(results)
    gaps = collections.Counter(str(t.get("known_gap", "unmarked")).split(":")[0] for r in results for t in r.missed())
    closed = [(r.article.id, t) for r in results for t in r.closed_gaps()]
    src = Path(motcua.prose.__file__).resolve().parent
    shown = src.relative_to(ROOT) if src.is_relative_to(ROOT) else src
    lines = [
        "# Extraction measured on the study corpus and the seeds",
        "",
        f"Extractor: {shown}",
        "",
        markdown(df),
        "",
        "Misses by failure class:",
        "",
    ]
    lines += [f"- {k}: {v}" for k, v in gaps.most_common()]
    if closed:
        lines += ["", f"Known gaps now found: {len(closed)}"] + [
            f"- {a}: {t['metric']}={t['value']}" for a, t in closed
        ]
    text = "\n".join(lines) + "\n"
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
