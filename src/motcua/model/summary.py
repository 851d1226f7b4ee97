"""Readable tables of the model results for analysts (notebook 20) — data frames, no printing.

Grain of :func:`province_summary`: one row per (unit, rate), with labels in
Vietnamese (default) or English and numbers formatted as Babel formats them
(:mod:`motcua.numfmt`: Babel's patterns and symbols, compiled once). Every table
is built column by column: no Series per row.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from motcua.model.claims import trend_claim, trend_direction
from motcua.numfmt import DASH, pct, signed_unrounded
from motcua.rates import RATES

LABELS = {
    "vi": {
        "unit": "Đơn vị",
        "code": "Mã",
        "rate": "Chỉ số",
        "status": "Tình trạng",
        "n_periods": "Số kỳ",
        "latest": "Kỳ gần nhất",
        "slope": "Xu hướng (điểm %/năm, KTC 95%)",
        "slope_recent": "kỳ gần nhất",
        "slope_average": "bình quân cả giai đoạn",
        "target": "Mục tiêu",
        "p_target": "Xác suất đạt mục tiêu tháng cuối năm",
        "p_target_year": "Xác suất đạt mục tiêu cả năm (lũy kế)",
        "shrunk": "Tỷ lệ hiệu chỉnh (KTC 95%)",
        "rank": "Thứ hạng (khoảng 95%)",
        "funnel": "Biểu đồ phễu",
        "band": "Kỳ gần nhất bất thường",
        "yes": "có",
        "no": "không",
        "status_ok": "đã ước lượng",
        "status_short_series": "chuỗi quá ngắn, không ước lượng xu hướng",
        "status_no_data": "không có hồ sơ",
        "status_fit_failed": "không ước lượng được",
        "status_few_events": "quá ít hồ sơ thuộc một loại, coi tỷ lệ không đổi",
        "within": "trong giới hạn",
        "above": "trên giới hạn",
        "below": "dưới giới hạn",
        "no_data": "không có dữ liệu",
    },
    "en": {
        "unit": "Unit",
        "code": "Code",
        "rate": "Rate",
        "status": "Status",
        "n_periods": "Periods",
        "latest": "Latest period",
        "slope": "Trend (pp/year, 95% CI)",
        "slope_recent": "latest period",
        "slope_average": "whole-period average",
        "target": "Target",
        "p_target": "Probability of meeting target in the year's last month",
        "p_target_year": "Probability of meeting target over the year (cumulative)",
        "shrunk": "Shrunken rate (95% CI)",
        "rank": "Rank (95% interval)",
        "funnel": "Funnel plot",
        "band": "Latest period unusual",
        "yes": "yes",
        "no": "no",
        "status_ok": "fitted",
        "status_short_series": "series too short, no trend fitted",
        "status_no_data": "no dossiers",
        "status_fit_failed": "could not be fitted",
        "status_few_events": "too few events for a trend, constant rate",
        "within": "within limits",
        "above": "above limits",
        "below": "below limits",
        "no_data": "no data",
    },
}


def _funnel_text(flag: object, lang: str) -> str:
    L = LABELS[lang]
    if not isinstance(flag, str) or not flag:
        return DASH
    if flag in ("within", "no_data"):
        return L[flag]
    side, _, tag = flag.partition("_")
    level = pct(0.998, lang, 1) if tag == "998" else pct(0.95, lang, 0)
    return f"{L[side]} {level}"


_CLAIM_COLUMNS = (
    "knots",
    "slope_pp_per_year",
    "slope_low",
    "slope_high",
    "slope_recent_pp_per_year",
    "slope_recent_low",
    "slope_recent_high",
)


def _claim_rows(trend_summary: pd.DataFrame) -> list[dict[str, Any]]:
    """Per row, the fields :func:`motcua.model.claims.trend_claim` reads (a column the frame lacks is left
    out, as a missing key of the full row would be) — without building a Series per row."""
    cols = [c for c in _CLAIM_COLUMNS if c in trend_summary.columns]
    return (
        [dict(zip(cols, vals)) for vals in zip(*(trend_summary[c].tolist() for c in cols))]
        if cols
        else [{}] * len(trend_summary)
    )


def _slope_text(row: Mapping[str, Any], lang: str) -> str:
    """The slope a reader may be told (:func:`motcua.model.claims.trend_claim`): when the trend
    bends, the latest period's slope first and the whole-period average after it, both labelled."""
    L = LABELS[lang]
    c = trend_claim(row)
    if c is None:
        return DASH
    txt = f"{signed_unrounded(c.slope, lang)} ({signed_unrounded(c.low, lang)} … {signed_unrounded(c.high, lang)})"
    if not c.recent:
        return txt
    txt = f"{L['slope_recent']}: {txt}"
    if c.average is not None:
        a = c.average
        txt += f"; {L['slope_average']}: {signed_unrounded(a[0], lang)} ({signed_unrounded(a[1], lang)} … {signed_unrounded(a[2], lang)})"
    return txt


def _column(df: pd.DataFrame, name: str, default: Any = None) -> list[Any]:
    """The values of column ``name`` as a list (``default`` in every row when the frame lacks it)."""
    return df[name].tolist() if name in df.columns else [default] * len(df)


def _rate_label(rate: Any, lang: str) -> Any:
    r = RATES.get(rate)
    return (r.label_vi if lang == "vi" else r.label_en) if r else rate


#: The columns of the model's summary that :func:`province_summary` reads (a row's texts depend on these alone).
_SUMMARY_INPUTS = (
    "unit_code",
    "unit_name",
    "rate",
    "status",
    "n_periods",
    "latest_rate",
    *_CLAIM_COLUMNS,
    "target",
    "p_meet_target",
    "p_meet_target_year",
    "shrunk_rate",
    "shrunk_low",
    "shrunk_high",
    "rank",
    "rank_low",
    "rank_high",
    "n_ranked",
    "funnel_flag",
    "latest_outside_band",
)

#: Rows of :func:`province_summary` made by this process, by (language, the input columns and their dtypes), then
#: by the 128-bit hash of the row's inputs: after a correction to one unit the notebook's table formats that unit's
#: rows only (formatting every number of the 3,321 communes' 9,966 rows took ~0.5 s). A row's texts are a function
#: of its inputs alone, so an entry never goes stale.
_ROW_MEMO: dict[tuple[Any, ...], dict[tuple[int, int], tuple[Any, ...]]] = {}


def province_summary(trend_summary: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """One readable row per unit and rate: latest rate, trend, target probability, rank, flags.

    Built column by column (one list per column, no Series per row); an empty input gives an empty frame. Rows
    whose inputs an earlier call of this process formatted are taken from its memo (:data:`_ROW_MEMO`)."""
    s = trend_summary.sort_values(["rate", "unit_code"], kind="stable")
    if s.empty:
        return pd.DataFrame()
    inputs = s[[c for c in _SUMMARY_INPUTS if c in s.columns]]
    context = (lang, tuple((c, str(t)) for c, t in inputs.dtypes.items()))
    memo = _ROW_MEMO.get(context, {})
    lo = pd.util.hash_pandas_object(inputs, index=False).to_numpy()
    hi = pd.util.hash_pandas_object(inputs, index=False, hash_key="motcua-summary-2").to_numpy()
    keys = list(zip(lo.tolist(), hi.tolist()))
    miss = [i for i, k in enumerate(keys) if k not in memo]
    if miss:
        made = _summary_columns(s.iloc[miss] if len(miss) < len(s) else s, lang)
        fresh = dict(zip((keys[i] for i in miss), zip(*made.values())))
        if len(memo) + len(fresh) > 4 * len(keys) + 1000:  # bounded: what this call shows, and little more
            memo = {k: memo[k] for k in keys if k in memo}
        memo = memo | fresh
        _ROW_MEMO.clear()
        _ROW_MEMO[context] = memo
        labels = list(made)
    else:
        labels = _summary_labels(lang)
    rows = [memo[k] for k in keys]
    return pd.DataFrame({label: list(col) for label, col in zip(labels, zip(*rows))})


def _summary_labels(lang: str) -> list[str]:
    """The column labels of :func:`province_summary`, in order."""
    L = LABELS[lang]
    names = ("code", "unit", "rate", "status", "n_periods", "latest", "slope", "target", "p_target", "p_target_year")
    return [L[n] for n in (*names, "shrunk", "rank", "funnel", "band")]


def _summary_columns(s: pd.DataFrame, lang: str) -> dict[str, list[Any]]:
    """:func:`province_summary`'s columns for the rows of ``s`` (sorted), each row's texts from that row alone."""
    L = LABELS[lang]
    col = lambda name, default=None: _column(s, name, default)  # noqa: E731
    rank_txt = [
        DASH if pd.isna(rk) else f"{int(rk)} ({int(lo)}–{int(hi)})/{int(n)}"
        for rk, lo, hi, n in zip(col("rank"), col("rank_low"), col("rank_high"), col("n_ranked"))
    ]
    shrunk_txt = [
        f"{pct(m, lang)} ({pct(lo, lang)}–{pct(hi, lang)})" if pd.notna(m) else DASH
        for m, lo, hi in zip(col("shrunk_rate"), col("shrunk_low"), col("shrunk_high"))
    ]
    band_txt = [DASH if pd.isna(b) else (L["yes"] if bool(b) else L["no"]) for b in col("latest_outside_band")]
    out = {
        L["code"]: s["unit_code"].tolist(),
        L["unit"]: s["unit_name"].tolist(),
        L["rate"]: [_rate_label(r, lang) for r in s["rate"].tolist()],
        L["status"]: [L.get(f"status_{x}", x) for x in s["status"].tolist()],
        L["n_periods"]: [int(x) if pd.notna(x) else 0 for x in s["n_periods"].tolist()],
        L["latest"]: [pct(x, lang) for x in s["latest_rate"].tolist()],
        L["slope"]: [_slope_text(r, lang) for r in _claim_rows(s)],
        L["target"]: [pct(x, lang, 0) for x in s["target"].tolist()],
        L["p_target"]: [pct(x, lang, 0) for x in s["p_meet_target"].tolist()],
        L["p_target_year"]: [pct(x, lang, 0) for x in col("p_meet_target_year", np.nan)],
        L["shrunk"]: shrunk_txt,
        L["rank"]: rank_txt,
        L["funnel"]: [_funnel_text(f, lang) for f in col("funnel_flag")],
        L["band"]: band_txt,
    }
    return out


def status_counts(trend_summary: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Number of (unit, rate) series per rate and fit status (grain: one row per rate)."""
    L = LABELS[lang]
    s = trend_summary.assign(
        status_label=[L.get(f"status_{x}", x) for x in trend_summary["status"]],
        rate_label=[
            (RATES[r].label_vi if lang == "vi" else RATES[r].label_en) if r in RATES else r
            for r in trend_summary["rate"]
        ],
    )
    out = s.groupby(["rate_label", "status_label"]).size().unstack(fill_value=0)
    out.index.name = L["rate"]
    out.columns.name = L["status"]
    return out


def flagged_units(trend_summary: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The rows of :func:`province_summary` whose unit lies outside a funnel limit or whose latest
    period falls outside its own 99.8 % prediction band."""
    fl = trend_summary["funnel_flag"].fillna("")
    sel = (fl.str.startswith(("above", "below"))) | trend_summary["latest_outside_band"].fillna(False).astype(bool)
    return province_summary(trend_summary.loc[sel], lang)


OVERVIEW = {
    "vi": {
        "rate": "Chỉ số",
        "window": "Kỳ so sánh",
        "province_rate": "Tỷ lệ chung",
        "units": "Số đơn vị",
        "up": "Đơn vị tăng rõ (kỳ gần nhất nếu xu hướng đổi nhịp)",
        "down": "Đơn vị giảm rõ (kỳ gần nhất nếu xu hướng đổi nhịp)",
        "outside": "Ngoài giới hạn 99,8%",
        "likely": "Khả năng đạt mục tiêu ≥ 80%",
        "unlikely": "Khả năng đạt mục tiêu ≤ 20%",
        "method": "Điều chỉnh phân tán quá mức",
        "additive": "cộng (hiệu ứng ngẫu nhiên)",
        "multiplicative": "nhân",
        "none": "không cần",
    },
    "en": {
        "rate": "Rate",
        "window": "Comparison window",
        "province_rate": "Pooled rate",
        "units": "Units",
        "up": "Clearly rising (latest period if the trend bends)",
        "down": "Clearly falling (latest period if the trend bends)",
        "outside": "Outside 99.8% limits",
        "likely": "Target likely (≥ 80%)",
        "unlikely": "Target unlikely (≤ 20%)",
        "method": "Overdispersion adjustment",
        "additive": "additive (random effects)",
        "multiplicative": "multiplicative",
        "none": "not needed",
    },
}


def province_overview(trend_summary: pd.DataFrame, comparison: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The province at a glance, one row per rate (and peer group): pooled rate over the comparison
        window, how many units clearly rise or fall (95 % interval of the slope that applies — the latest
    period's when the trend bends — above / below 0), lie outside the
        99.8 % funnel limits, and are likely or unlikely to meet the target."""
    O = OVERVIEW[lang]
    rows = []
    if comparison is None or comparison.empty:
        return pd.DataFrame(columns=list(O.values())[:9])
    ts = trend_summary
    dirs = np.array([trend_direction(r) for r in _claim_rows(ts)], dtype=object)  # once for every row
    up, down = dirs == "up", dirs == "down"
    p_meet = ts["p_meet_target"]
    likely, unlikely = (p_meet >= 0.8).fillna(False).to_numpy(bool), (p_meet <= 0.2).fillna(False).to_numpy(bool)
    keys = [ts[c].to_numpy(object) for c in ("unit_schema", "unit_level", "rate")]
    for (schema, level, rate), c in comparison.groupby(["unit_schema", "unit_level", "rate"], sort=True):
        sel = (keys[0] == schema) & (keys[1] == level) & (keys[2] == rate)
        ws, we = pd.Timestamp(c["window_start"].iloc[0]), pd.Timestamp(c["window_end"].iloc[0])
        rows.append(
            {
                O["rate"]: _rate_label(rate, lang),
                O["window"]: f"{ws:%d/%m/%Y} – {we:%d/%m/%Y}",
                O["province_rate"]: pct(float(c["province_rate"].iloc[0]), lang, 2),
                O["units"]: int(c["n_units"].iloc[0]),
                O["up"]: int((up & sel).sum()),
                O["down"]: int((down & sel).sum()),
                O["outside"]: int(c["outside_998"].fillna(False).astype(bool).sum()),
                O["likely"]: int((likely & sel).sum()),
                O["unlikely"]: int((unlikely & sel).sum()),
                O["method"]: O.get(str(c["funnel_method"].iloc[0]), str(c["funnel_method"].iloc[0])),
            }
        )
    return pd.DataFrame(rows)
