"""Score the model stage's products on held-out months: the forecasts a reader sees, end to end.

:mod:`motcua.model.backtest` scores forecast draws series by series; this module scores what the stage
wrote instead — the ``forecast`` rows of the trends table (their 95 % prediction interval ``lower`` –
``upper``, the band the report draws) and the summary's ``p_meet_target`` / ``p_meet_target_year`` — against
the counts of the months that follow the fitted panel.

Grain of :func:`score_products`' first table: one row per (unit, rate, held-out month) with ``horizon``
(1 = the first month after the fitted panel's last month), the interval, the observed share, ``covered``,
``width``, ``interval_score`` (Gneiting & Raftery 2007, α = 0.05) and ``has_forecast`` (False: the
products hold no forecast row of exactly that period; such a row counts as not covered, with no width or
score). Grain of the second: one row per (unit, rate) whose target period (the period holding 31 December
of the fitted data's year) is held out: ``p`` = ``p_meet_target``, ``met`` from the observed share of that
period, ``too_uncertain`` as the summary says, and the same for the whole year (``p_year``, ``met_year``:
Σ successes / Σ trials of the calendar year, fitted and held-out months together).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from motcua import products
from motcua.model.backtest import ALPHA
from motcua.model.series import build_series

KEY = ["unit_schema", "unit_code", "rate"]


def project(folder: Path, config: Path, method: str | None = None, window_start: str | None = "") -> Path:
    """A project folder: ``folder``/config copied from ``config``, its reporting window's start set (``""``: open,
    the data's first month; None: as configured) and its forecast method set (None: as configured);
    ``folder``/data made. Returns the config folder."""
    cfg = Path(folder) / "config"
    shutil.copytree(config, cfg)
    edits = [("model.yaml", r"(?m)^forecast_method: *\S+", f"forecast_method: {method}", method)]
    edits.append(("province.yaml", r"(?m)^(  start:).*$", rf"\g<1> {window_start}", window_start))
    for name, pattern, repl, value in edits:
        if value is not None:
            text, n = re.subn(pattern, repl, (cfg / name).read_text("utf-8"))
            if n != 1:
                raise ValueError(f"{name}: no single line matches {pattern!r}")
            (cfg / name).write_text(text, "utf-8")
    (Path(folder) / "data").mkdir(exist_ok=True)
    return cfg


def run_stage(panel: pd.DataFrame, folder: Path, cfg: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``panel`` written as ``folder``/data's processed panel and the model stage run on it with ``cfg`` as the
    project's config (:func:`motcua.model.run.run_model_dir`, what ``motcua model`` runs); (trends, trend_summary)
    as the stage wrote them."""
    from motcua.model.run import run_model_dir
    from motcua.panel import conform

    data = Path(folder) / "data"
    products.PANEL.write(conform(panel), data)
    old = os.environ.get("MOTCUA_CONFIG")
    os.environ["MOTCUA_CONFIG"] = str(cfg)
    try:
        run_model_dir(data)
    finally:
        if old is None:
            os.environ.pop("MOTCUA_CONFIG", None)
        else:
            os.environ["MOTCUA_CONFIG"] = old
    return products.TRENDS.read(data), products.SUMMARY.read(data)


def months_after(period_start: pd.Series, fit_end: pd.Timestamp) -> np.ndarray:
    """Months from ``fit_end``'s month to each period's first month (1 = the month after)."""
    ps = pd.to_datetime(period_start)
    return ((ps.dt.year - fit_end.year) * 12 + ps.dt.month - fit_end.month).to_numpy(int)


def score_products(
    trends: pd.DataFrame,
    summary: pd.DataFrame,
    panel: pd.DataFrame,
    fit_end: pd.Timestamp,
    rates: tuple[str, ...] = ("online_rate", "ontime_rate_report"),
    horizon: int = 12,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows per unit × rate × held-out month, target rows per unit × rate); see the module docstring.
    ``panel``: the whole simulated panel (fitted and held-out months); ``fit_end``: the fitted panel's last day."""
    fit_end = pd.Timestamp(fit_end)
    series, _ = build_series(panel, list(rates))
    series = series[series["trials"] > 0]
    held = series[series["period_start"] > fit_end].copy()
    held["horizon"] = months_after(held["period_start"], fit_end)
    held = held[held["horizon"] <= horizon]
    fc = trends[(trends["kind"] == "forecast") & trends["rate"].isin(rates)]
    fc = fc[KEY + ["period_start", "period_end", "lower", "upper"]].astype({"unit_code": str, "unit_schema": str})
    fc = fc.assign(
        period_start=pd.to_datetime(fc["period_start"]).astype("datetime64[ns]"),
        period_end=pd.to_datetime(fc["period_end"]).astype("datetime64[ns]"),
    )
    m = held.merge(fc, on=KEY + ["period_start", "period_end"], how="left")
    obs = (m["successes"] / m["trials"]).to_numpy(float)
    lo, hi = m["lower"].to_numpy(float), m["upper"].to_numpy(float)
    has = np.isfinite(lo) & np.isfinite(hi)
    miss = np.clip(lo - obs, 0, None) + np.clip(obs - hi, 0, None)
    rows = m[KEY + ["period_start", "horizon"]].assign(
        lower=lo,
        upper=hi,
        observed=obs,
        has_forecast=has,
        covered=has & (obs >= lo) & (obs <= hi),
        width=hi - lo,
        interval_score=(hi - lo) + (2 / ALPHA) * miss,
    )
    return rows.reset_index(drop=True), _target_rows(summary, series, rates, fit_end)


def _target_rows(
    summary: pd.DataFrame, series: pd.DataFrame, rates: tuple[str, ...], fit_end: pd.Timestamp
) -> pd.DataFrame:
    """One row per (unit, rate) whose target period lies after ``fit_end``: probabilities and outcomes."""
    s = summary[summary["rate"].isin(rates) & summary["p_meet_target"].notna()].copy()
    s["target_period_end"] = pd.to_datetime(s["target_period_end"])
    s = s[s["target_period_end"] > fit_end].astype({"unit_code": str, "unit_schema": str})
    out = s[KEY + ["target", "target_period_end", "p_meet_target", "p_meet_target_year"]].merge(
        series[KEY + ["period_end", "successes", "trials"]].rename(columns={"period_end": "target_period_end"}),
        on=KEY + ["target_period_end"],
        how="inner",
    )
    year = (
        series.assign(y=pd.to_datetime(series["period_end"]).dt.year)
        .groupby(KEY + ["y"])[["successes", "trials"]]
        .sum()
    )
    yk = list(zip(out["unit_schema"], out["unit_code"], out["rate"], out["target_period_end"].dt.year))
    ys = year.reindex(pd.MultiIndex.from_tuples(yk, names=KEY + ["y"]))
    too = s.set_index(KEY)["target_too_uncertain"] if "target_too_uncertain" in s else None
    return pd.DataFrame(
        {
            **{k: out[k].to_numpy() for k in KEY},
            "target": out["target"].to_numpy(float),
            "p": out["p_meet_target"].to_numpy(float),
            "met": (out["successes"] / out["trials"]).to_numpy(float) >= out["target"].to_numpy(float),
            "p_year": out["p_meet_target_year"].to_numpy(float),
            "met_year": (ys["successes"] / ys["trials"]).to_numpy(float) >= out["target"].to_numpy(float),
            "too_uncertain": (
                too.reindex(pd.MultiIndex.from_frame(out[KEY])).fillna(False).astype(bool).to_numpy()
                if too is not None
                else np.zeros(len(out), bool)
            ),
        }
    )
