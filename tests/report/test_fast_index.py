"""The index page and the report formatters after their speed-up (motcua.numfmt, memoised dates, cell objects, a column
subset of trend_summary) give the very HTML and strings of the code they replaced, rebuilt here with Babel per value."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest
from babel.dates import format_date
from babel.numbers import format_decimal as babel_decimal
from babel.numbers import format_percent as babel_percent

import motcua.report.index as ix
from motcua import numfmt
from motcua.config import load_config
from motcua.report import fmt

LANGS = ("vi", "en")


# ---- the code before the speed-up, as it was


def _old_missing(x):
    if x is None:
        return True
    try:
        if pd.isna(x):
            return True
    except (TypeError, ValueError):
        return False
    return isinstance(x, float) and not math.isfinite(x)


def _old_summary_rows(summary):
    out = {}
    if summary is None or summary.empty or not {"unit_code", "rate"} <= set(summary.columns):
        return out
    schema = load_config().province.get("unit_schema")
    s = summary
    if schema and "unit_schema" in s and (s["unit_schema"] == schema).any():
        s = s[s["unit_schema"] == schema]
    for r in s.to_dict("records"):
        out[(str(r["unit_code"]), str(r["rate"]))] = r
    return out


def _old_cell(text, key=None, num=False, **kw):
    if key == text and not kw.get("sub"):  # since: a name or code cell carries no sort key (sort.js reads its text)
        key = None
    return {"text": text, "key": None if key is None or _old_missing(key) else key, "num": num, **kw}


def _old_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """Put the row-by-row, Babel-per-value code back in place."""
    monkeypatch.setattr(fmt, "missing", _old_missing)
    monkeypatch.setattr(numfmt, "missing", _old_missing)  # the formats themselves live in motcua.numfmt
    monkeypatch.setattr(numfmt, "format_decimal", lambda n, f, loc: babel_decimal(n, format=f, locale=loc))
    monkeypatch.setattr(numfmt, "format_percent", lambda n, f, loc: babel_percent(n, format=f, locale=loc))
    monkeypatch.setattr(fmt, "_month", lambda y, m, lang: format_date(date(y, m, 1), fmt._MONTH[lang], locale=lang))
    monkeypatch.setattr(fmt, "_day", lambda d, lang: format_date(d, fmt._DAY[lang], locale=lang))
    monkeypatch.setattr(ix, "_summary_rows", _old_summary_rows)
    monkeypatch.setattr(ix, "index_cell", _old_cell)


def _manifest(summary: pd.DataFrame) -> dict:
    units = sorted(set(summary["unit_code"].astype(str))) + ["999"]  # one unit without a summary row
    reports = []
    for i, code in enumerate(units):
        ok = i % 4 != 1
        reports.append(
            {
                "unit_code": code,
                "unit_name": f"Đơn vị <{code}> & co",
                "path": f"units/{code}.html",
                "status": "ok" if ok else "failed",
                "reason": "" if ok else "KeyError: 'x' <b>",
                "input_hash": "h",
                "code_version": "v",
                "built_at": "t",
            }
        )
    return {
        "version": 1,
        "code_version": "0.1.0+abc",
        "built_at": "2026-11-23T14:00:00+00:00",
        "lang": "vi",
        "synthetic": True,
        "reports": reports,
        "overview": {"unit_code": "province", "unit_name": "Tỉnh", "path": "province.html", "status": "ok"},
    }


def _variants(summary: pd.DataFrame) -> dict[str, pd.DataFrame | None]:
    rng = np.random.default_rng(3)
    odd = summary.copy()
    n = len(odd)
    odd["latest_rate"] = np.where(rng.random(n) < 0.2, np.nan, np.round(rng.uniform(0, 1, n), 3) + 0.0005)
    odd.loc[odd.index[::5], "latest_rate"] = 0.99995
    odd["rank"] = pd.array(np.where(rng.random(n) < 0.2, None, rng.integers(1, 9, n)), dtype="Int64")
    odd["knots"] = rng.choice(np.array(["", "2024-01-01", None], dtype=object), n)
    for c in ("slope_recent_pp_per_year", "slope_pp_per_year"):
        odd[c] = np.round(rng.normal(0, 0.2, n), 3) + rng.choice([0.0, 0.0005, -0.0005], n)
    odd.loc[odd.index[::7], "latest_period_end"] = pd.NaT
    return {
        "fitted": summary,
        "odd": odd,
        "few_columns": summary[["unit_schema", "unit_code", "rate", "latest_rate"]],
        "none": None,
    }


@pytest.mark.parametrize("lang", LANGS)
def test_index_html_equals_the_code_it_replaced(
    data_dir, hostile_dir, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = []
    for d in (data_dir, hostile_dir):
        summary = pd.read_parquet(d / "trend_summary.parquet")
        for name, s in _variants(summary).items():
            cases.append((name, _manifest(summary), s))
    new = [ix.render_index(m, lang=lang, summary=s) for _, m, s in cases]
    _old_way(monkeypatch)
    old = [ix.render_index(m, lang=lang, summary=s) for _, m, s in cases]
    for (name, _, _), a, b in zip(cases, new, old):
        assert a == b, name


def _values() -> list[object]:
    rng = np.random.default_rng(11)
    vals: list[object] = [
        None,
        math.nan,
        math.inf,
        -math.inf,
        pd.NA,
        pd.NaT,
        0,
        0.0,
        -0.0,
        1,
        -1,
        0.125,
        2.675,
        -0.125,
        0.0005,
        0.995,
        0.9995,
        1e-9,
        -1e-9,
        7697,
        1234567.5,
        np.float64(0.559),
        np.int64(42),
        "12.5",
    ]
    vals += rng.uniform(-1, 1, 400).tolist() + (rng.normal(0, 1, 200) * 10.0 ** rng.integers(-4, 7, 200)).tolist()
    vals += [round(x, 3) + 0.0005 for x in rng.uniform(0, 1, 200)]
    return vals


def test_formatters_equal_babel_per_value(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = [(f, d) for f in (fmt.num, fmt.signed, fmt.signed_small, fmt.pct, fmt.pp) for d in range(4)]
    values = _values()

    def run() -> list[str]:
        out = []
        for lang in LANGS:
            for f, d in calls:
                for v in values:
                    try:
                        out.append(f(v, lang, d))
                    except (TypeError, ValueError) as e:
                        out.append(type(e).__name__)
            for v in (None, "2025-06-30", pd.Timestamp("2024-02-29"), date(2023, 1, 31), pd.NaT):
                out += [fmt.month(v, lang), fmt.day(v, lang), fmt.period(v, "2025-06-30", lang)]
        return out

    new = run()
    _old_way(monkeypatch)
    assert new == run()
    assert [fmt.missing(v) for v in values] == [_old_missing(v) for v in values]
