"""Rates, each named by its formula over form-06 columns (docs/domain.md, "Rates").

A rate is never stored in the panel: it is computed here from counts, so that
the numerator and denominator stay visible to models and reports.

Over one period a rate is its ``formula``. Over a window of several periods
(12 months, a year to date) it is its ``window_formula``: flow columns (4, 5,
7–10) are summed over the window's periods, stock columns (6, 11–13: counts
*at a cut-off*, docs/domain.md "Periods") are taken once, at the window's last cut-off —
summing a monthly stock would count a dossier pending for three months three
times. :func:`window_successes_trials` is that rule, :func:`successes_trials_parts`
gives each period's flow and stock parts for callers that sum windows themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Rate:
    name: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    formula: str  # in form-column numbers, e.g. "((8)+(9)) / (7)"
    label_vi: str
    label_en: str
    #: columns of numerator/denominator that are stocks at the period's cut-off (never summed over periods)
    stocks: tuple[str, ...] = ()
    #: the rate over a window of several periods: Σ = summed over its periods, "last" = at its last cut-off
    window_formula: str = ""

    def flows(self, cols: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(c for c in cols if c not in self.stocks)

    def stock_part(self, cols: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(c for c in cols if c in self.stocks)


RATES: dict[str, Rate] = {
    r.name: r
    for r in (
        Rate(
            "online_rate",
            ("received_online",),
            ("received_online", "received_offline"),
            "(4) / ((4)+(5))",
            "Tỷ lệ hồ sơ trực tuyến (trên hồ sơ mới tiếp nhận)",
            "Online share of new dossiers",
            window_formula="Σ(4) / (Σ(4)+Σ(5))",
        ),
        Rate(
            "ontime_rate_report",
            ("resolved_early", "resolved_ontime"),
            ("resolved_total",),
            "((8)+(9)) / (7)",
            "Tỷ lệ giải quyết đúng và trước hạn (cách tính báo cáo)",
            "On-time share of resolved dossiers (report convention)",
            window_formula="(Σ(8)+Σ(9)) / Σ(7)",
        ),
        Rate(
            "ontime_rate_766",
            ("resolved_early", "resolved_ontime", "pending_ontime"),
            ("resolved_total", "pending_total"),
            "((8)+(9)+(12)) / ((7)+(11))",
            "Tỷ lệ đúng hạn theo Quyết định 766/QĐ-TTg",
            "On-time share, Decision 766/QĐ-TTg convention",
            # (11), (12) are pending dossiers at the cut-off: over a window, the dossiers resolved in it
            # plus those still pending at its end — each dossier once
            stocks=("pending_ontime", "pending_total"),
            window_formula="(Σ(8)+Σ(9)+(12)last) / (Σ(7)+(11)last)",
        ),
    )
}


def successes_trials(panel: pd.DataFrame, rate: str) -> tuple[pd.Series, pd.Series]:
    """Numerator and denominator counts of ``rate`` for every panel row (nullable)."""
    r = RATES[rate]
    num = panel[list(r.numerator)].sum(axis=1, min_count=len(r.numerator))
    den = panel[list(r.denominator)].sum(axis=1, min_count=len(r.denominator))
    return num.astype("Float64"), den.astype("Float64")


def compute_rate(panel: pd.DataFrame, rate: str) -> pd.Series:
    """The rate as a proportion 0–1; NaN where the denominator is 0 or missing."""
    num, den = successes_trials(panel, rate)
    out = (num / den.where(den > 0)).astype("float64")
    return out.replace([np.inf, -np.inf], np.nan)


def successes_trials_parts(
    panel: pd.DataFrame, rate: str, totals: tuple[pd.Series, pd.Series] | None = None
) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """Per row: (numerator flows, numerator stocks, denominator flows, denominator stocks), nullable.

    The parts sum to :func:`successes_trials`; all four are NA where any column of the rate is missing.
    Stock parts are 0 for a rate without stock columns. ``totals``: what :func:`successes_trials`
    returned for the same panel and rate, when the caller has it already.
    """
    r = RATES[rate]
    num, den = totals if totals is not None else successes_trials(panel, rate)
    defined = num.notna() & den.notna()

    def part(cols: tuple[str, ...]) -> pd.Series:
        if not cols:
            return pd.Series(0.0, index=panel.index, dtype="Float64").where(defined)
        return panel[list(cols)].sum(axis=1, min_count=len(cols)).astype("Float64").where(defined)

    return (
        part(r.flows(r.numerator)),
        part(r.stock_part(r.numerator)),
        part(r.flows(r.denominator)),
        part(r.stock_part(r.denominator)),
    )


def _row_sums(rows: pd.DataFrame, cols: tuple[str, ...]) -> np.ndarray:
    """Σ ``cols`` per row as float64; NaN where any of them is missing (or absent); 0 for no columns."""
    if not cols:
        return np.zeros(len(rows))
    out = np.zeros(len(rows))
    for c in cols:
        if c not in rows:
            return np.full(len(rows), np.nan)
        out = out + pd.to_numeric(rows[c], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    return out


def window_parts(rows: pd.DataFrame, rate: str) -> tuple[np.ndarray, ...]:
    """Per row of ``rows``, as float64 (NaN where missing): (numerator, denominator, numerator flows,
    numerator stocks, denominator flows, denominator stocks) of ``rate``; what
    :func:`window_successes_trials_of` sums over a window's rows."""
    r = RATES[rate]
    return (
        _row_sums(rows, r.numerator),
        _row_sums(rows, r.denominator),
        _row_sums(rows, r.flows(r.numerator)),
        _row_sums(rows, r.stock_part(r.numerator)),
        _row_sums(rows, r.flows(r.denominator)),
        _row_sums(rows, r.stock_part(r.denominator)),
    )


def window_successes_trials_of(
    parts: tuple[np.ndarray, ...], ends: np.ndarray, rows: np.ndarray | None = None
) -> tuple[float | None, float | None, pd.Timestamp | None]:
    """:func:`window_successes_trials` over the rows ``rows`` (positions, in order; all when None) of
    precomputed :func:`window_parts` and period ends, so one pass over a table serves many windows."""
    nn, dd, nf, ns, df, ds = parts if rows is None else tuple(a[rows] for a in parts)
    if rows is not None:
        ends = ends[rows]
    ok = ~np.isnan(nn) & ~np.isnan(dd)
    if not ok.any():
        return None, None, None
    idx = np.flatnonzero(ok)
    last = idx[np.argmax(ends[idx])]  # first of the latest if two end together
    num = float(nf[idx].sum()) + float(ns[last])
    den = float(df[idx].sum()) + float(ds[last])
    return num, den, pd.Timestamp(ends[last])


def window_successes_trials(rows: pd.DataFrame, rate: str) -> tuple[float | None, float | None, pd.Timestamp | None]:
    """Numerator and denominator of ``rate`` over the periods of ``rows`` (one unit, one window), by
    the rate's ``window_formula``, and the cut-off its stocks were taken at.

    Only periods where the rate is defined count; flows are summed over them, stocks are those of
    the one with the latest ``period_end``. ``(None, None, None)`` when no period qualifies.
    Same numbers as summing :func:`successes_trials_parts`, in numpy (it runs for every unit and
    window of the province overview).
    """
    return window_successes_trials_of(window_parts(rows, rate), pd.to_datetime(rows["period_end"]).to_numpy())


#: Rates of the 766 groups that dossier-level exports hold, over the counts of ``groups766.parquet``
#: (:mod:`motcua.ingest.groups766`); formulas in export-column terms, each dossier counted in one month (received
#: or completed, as the formula says). Not panel rates: the model stage's panel loop never sees them.
GROUP_RATES: dict[str, Rate] = {
    r.name: r
    for r in (
        Rate(
            "paid_online_rate",
            ("paid_online",),
            ("fee_payable",),
            "Σ[Thanh toán trực tuyến = có] / Σ[Phí, lệ phí > 0] (hồ sơ tiếp nhận trong kỳ)",
            "Tỷ lệ hồ sơ có phí, lệ phí được thanh toán trực tuyến",
            "Share of fee-paying dossiers paid online",
            window_formula="Σ thanh toán trực tuyến / Σ hồ sơ có phí",
        ),
        Rate(
            "digitised_dossier_rate",
            ("digitised_dossier",),
            ("dossier_checked",),
            "Σ[Số hóa hồ sơ = có] / Σ hồ sơ tiếp nhận trong kỳ",
            "Tỷ lệ hồ sơ được số hóa khi tiếp nhận",
            "Share of dossiers digitised on receipt",
            window_formula="Σ hồ sơ số hóa / Σ hồ sơ tiếp nhận",
        ),
        Rate(
            "digitised_result_rate",
            ("digitised_result",),
            ("result_checked",),
            "Σ[Số hóa kết quả = có] / Σ hồ sơ hoàn thành trong kỳ",
            "Tỷ lệ kết quả giải quyết được số hóa",
            "Share of results digitised",
            window_formula="Σ kết quả số hóa / Σ hồ sơ hoàn thành",
        ),
        Rate(
            "apology_rate",
            ("apology_issued",),
            ("late_or_faulty",),
            "Σ[trễ hạn hoặc sai sót, có Thư xin lỗi] / Σ[NgayHoanThanh > NgayHenTra hoặc Sai sót hoặc Trả lại, bổ sung] "
            "(hồ sơ hoàn thành trong kỳ)",
            "Tỷ lệ hồ sơ trễ hạn hoặc sai sót có thư xin lỗi",
            "Share of late or faulty dossiers with an apology letter",
            window_formula="Σ có thư xin lỗi / Σ trễ hạn hoặc sai sót",
        ),
        Rate(
            "satisfaction_rate",
            ("satisfied",),
            ("surveyed",),
            "Σ[Đánh giá = hài lòng, rất hài lòng] / Σ[Đánh giá không trống] (hồ sơ hoàn thành trong kỳ)",
            "Tỷ lệ hài lòng trên số hồ sơ được đánh giá",
            "Satisfied share of surveyed dossiers",
            window_formula="Σ hài lòng / Σ được đánh giá",
        ),
    )
}


def group_successes_trials(groups: pd.DataFrame, rate: str) -> tuple[pd.Series, pd.Series]:
    """Numerator and denominator of a 766 group rate (:data:`GROUP_RATES`) per row of groups766.parquet (nullable:
    NA where the export lacked the column)."""
    r = GROUP_RATES[rate]
    if not all(c in groups for c in (*r.numerator, *r.denominator)):
        na = pd.Series(pd.NA, index=groups.index, dtype="Float64")
        return na, na.copy()
    num = groups[list(r.numerator)].sum(axis=1, min_count=len(r.numerator))
    den = groups[list(r.denominator)].sum(axis=1, min_count=len(r.denominator))
    return num.astype("Float64"), den.astype("Float64")
