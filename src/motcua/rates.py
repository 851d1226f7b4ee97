"""Rates, each named by its formula over form-06 columns (DOMAIN.md §3).

A rate is never stored in the panel: it is computed here from counts, so that
the numerator and denominator stay visible to models and reports.
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
        ),
        Rate(
            "ontime_rate_report",
            ("resolved_early", "resolved_ontime"),
            ("resolved_total",),
            "((8)+(9)) / (7)",
            "Tỷ lệ giải quyết đúng và trước hạn (cách tính báo cáo)",
            "On-time share of resolved dossiers (report convention)",
        ),
        Rate(
            "ontime_rate_766",
            ("resolved_early", "resolved_ontime", "pending_ontime"),
            ("resolved_total", "pending_total"),
            "((8)+(9)+(12)) / ((7)+(11))",
            "Tỷ lệ đúng hạn theo Quyết định 766/QĐ-TTg",
            "On-time share, Decision 766/QĐ-TTg convention",
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
