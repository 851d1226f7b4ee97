"""A frozen copy of motcua/model/summary.py before it was vectorised (row by row, Babel called per value): the reference
tests/model/test_summary_tables.py holds the vectorised tables to. Do not edit."""

from __future__ import annotations

import numpy as np
import pandas as pd
from babel.numbers import format_decimal, format_percent

from motcua.model.claims import trend_claim, trend_direction
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


def _pct(x: float, lang: str, digits: int = 1) -> str:
    if x is None or not np.isfinite(x):
        return "–"
    return format_percent(x, format="#,##0." + "0" * digits + "%", locale=lang)


def _num(x: float, lang: str, digits: int = 1) -> str:
    if x is None or not np.isfinite(x):
        return "–"
    return format_decimal(x, format="+#,##0." + "0" * digits + ";-#,##0." + "0" * digits, locale=lang)


def _funnel_text(flag: object, lang: str) -> str:
    L = LABELS[lang]
    if not isinstance(flag, str) or not flag:
        return "–"
    if flag in ("within", "no_data"):
        return L[flag]
    side, _, tag = flag.partition("_")
    level = "99,8%" if tag == "998" else "95%"
    if lang == "en":
        level = level.replace(",", ".")
    return f"{L[side]} {level}"


def _slope_text(r: pd.Series, lang: str) -> str:
    """The slope a reader may be told (:func:`motcua.model.claims.trend_claim`): when the trend
    bends, the latest period's slope first and the whole-period average after it, both labelled."""
    L = LABELS[lang]
    c = trend_claim(r.to_dict())
    if c is None:
        return "–"
    txt = f"{_num(c.slope, lang)} ({_num(c.low, lang)} … {_num(c.high, lang)})"
    if not c.recent:
        return txt
    txt = f"{L['slope_recent']}: {txt}"
    if c.average is not None:
        a = c.average
        txt += f"; {L['slope_average']}: {_num(a[0], lang)} ({_num(a[1], lang)} … {_num(a[2], lang)})"
    return txt


def province_summary(trend_summary: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """One readable row per unit and rate: latest rate, trend, target probability, rank, flags."""
    L = LABELS[lang]
    s = trend_summary.sort_values(["rate", "unit_code"], kind="stable")
    rows = []
    for _, r in s.iterrows():
        rate = RATES.get(r["rate"])
        rank = r.get("rank")
        rank_txt = (
            "–" if pd.isna(rank) else f"{int(rank)} ({int(r['rank_low'])}–{int(r['rank_high'])})/{int(r['n_ranked'])}"
        )
        slope_txt = _slope_text(r, lang)
        shrunk_txt = "–"
        if pd.notna(r.get("shrunk_rate")):
            shrunk_txt = (
                f"{_pct(r['shrunk_rate'], lang)} ({_pct(r['shrunk_low'], lang)}–{_pct(r['shrunk_high'], lang)})"
            )
        band = r.get("latest_outside_band")
        rows.append(
            {
                L["code"]: r["unit_code"],
                L["unit"]: r["unit_name"],
                L["rate"]: (rate.label_vi if lang == "vi" else rate.label_en) if rate else r["rate"],
                L["status"]: L.get(f"status_{r['status']}", r["status"]),
                L["n_periods"]: int(r["n_periods"]) if pd.notna(r["n_periods"]) else 0,
                L["latest"]: _pct(r["latest_rate"], lang),
                L["slope"]: slope_txt,
                L["target"]: _pct(r["target"], lang, 0),
                L["p_target"]: _pct(r["p_meet_target"], lang, 0),
                L["p_target_year"]: _pct(r.get("p_meet_target_year", np.nan), lang, 0),
                L["shrunk"]: shrunk_txt,
                L["rank"]: rank_txt,
                L["funnel"]: _funnel_text(r.get("funnel_flag"), lang),
                L["band"]: "–" if pd.isna(band) else (L["yes"] if bool(band) else L["no"]),
            }
        )
    return pd.DataFrame(rows)


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
    for (schema, level, rate), c in comparison.groupby(["unit_schema", "unit_level", "rate"], sort=True):
        s = trend_summary.loc[
            (trend_summary["unit_schema"] == schema)
            & (trend_summary["unit_level"] == level)
            & (trend_summary["rate"] == rate)
        ]
        r = RATES.get(rate)
        ws, we = pd.Timestamp(c["window_start"].iloc[0]), pd.Timestamp(c["window_end"].iloc[0])
        dirs = [trend_direction(row) for row in s.to_dict("records")]
        rows.append(
            {
                O["rate"]: (r.label_vi if lang == "vi" else r.label_en) if r else rate,
                O["window"]: f"{ws:%d/%m/%Y} – {we:%d/%m/%Y}",
                O["province_rate"]: _pct(float(c["province_rate"].iloc[0]), lang, 2),
                O["units"]: int(c["n_units"].iloc[0]),
                O["up"]: sum(d == "up" for d in dirs),
                O["down"]: sum(d == "down" for d in dirs),
                O["outside"]: int(c["outside_998"].fillna(False).astype(bool).sum()),
                O["likely"]: int((s["p_meet_target"] >= 0.8).sum()),
                O["unlikely"]: int((s["p_meet_target"] <= 0.2).sum()),
                O["method"]: O.get(str(c["funnel_method"].iloc[0]), str(c["funnel_method"].iloc[0])),
            }
        )
    return pd.DataFrame(rows)
