"""What a unit report says about the unit's era: dissolved on 1 July 2025, or too new for a trend.

Pure text from a unit's panel rows (grain: one row per period) and its
(schema, level); strings from the catalog (:mod:`motcua.report.strings`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from motcua.report import fmt
from motcua.report.eras import dissolved, level_label, reform_date
from motcua.report.strings import Strings, cap


def short_day(d: Any, lang: str) -> str:
    """A date as the reform is named: "1/7/2025" (vi), "1 July 2025" (en)."""
    t = pd.Timestamp(d)
    return f"{t.day}/{t.month}/{t.year}" if lang == "vi" else f"{t.day} {t:%B} {t.year}"


@dataclass(frozen=True)
class UnitEra:
    """A unit's era: its level, whether it was dissolved at the reform, its first and last periods."""

    schema: str | None
    level: str
    dissolved: bool
    first_start: pd.Timestamp | None
    last_end: pd.Timestamp | None
    n_periods: int

    def reform(self) -> pd.Timestamp | None:
        return reform_date()


def unit_era(rows: pd.DataFrame, schema: str | None, level: str, as_of: Any = None) -> UnitEra:
    """The era of a unit from its panel rows, in data reaching ``as_of`` (:func:`motcua.report.eras.dissolved`)."""
    first = pd.Timestamp(rows["period_start"].min()) if len(rows) else None
    last = pd.Timestamp(rows["period_end"].max()) if len(rows) else None
    return UnitEra(schema, level, bool(schema) and dissolved(schema, last, as_of), first, last, int(len(rows)))


def level_value(era: UnitEra, S: Strings) -> str:
    """The header's "Cấp" value: "Cấp huyện, đã giải thể từ 1/7/2025" or "Cấp xã"."""
    lv = cap(level_label(era.level, S))
    r = era.reform()
    if era.dissolved and r is not None:
        return S.f("level_value_dissolved", Level=lv, date=short_day(r, S.lang))
    return S.f("level_value", Level=lv)


def title(name: str, era: UnitEra, S: Strings) -> str:
    """The report's title: the unit's name, marked when dissolved."""
    r = era.reform()
    if era.dissolved and r is not None:
        return S.f("era_title_dissolved", name=name, date=short_day(r, S.lang))
    return name


def status_figure(era: UnitEra, S: Strings) -> dict[str, Any] | None:
    """A key figure stating that the unit was dissolved (None for a unit that exists)."""
    r = era.reform()
    if not era.dissolved or r is None:
        return None
    month = fmt.month(era.last_end, S.lang)
    return {
        "key": "status",
        "label": S["kf_status"],
        "value": S.f("kf_status_dissolved", date=short_day(r, S.lang)),
        "detail": S.f("kf_status_dissolved_detail", month=month),
        "formula": "",
        "alert": False,
    }


def sentences(name: str, era: UnitEra, window: tuple[Any, Any] | None, min_periods: int, S: Strings) -> list[str]:
    """The narrative's sentences on the era: dissolved (history, no forecast, no target probability), or a series
    shorter than the model's minimum for a trend (said plainly, no trend)."""
    lang = S.lang
    out: list[str] = []
    r = era.reform()
    if era.dissolved and r is not None:
        month = fmt.month(era.last_end, lang)
        w = fmt.period(*window, lang) if window else fmt.DASH
        out.append(
            S.f(
                "nar_dissolved",
                unit=name,
                date=short_day(r, lang),
                month=month,
                level=level_label(era.level, S),
                window=w,
            )
        )
        out.append(S.f("nar_dissolved_no_forecast", month=month))
    elif era.n_periods < min_periods and era.first_start is not None:
        out.append(
            S.f(
                "nar_short_series",
                unit=name,
                n=fmt.num(era.n_periods, lang),
                min=fmt.num(min_periods, lang),
                window=fmt.period(era.first_start, era.last_end, lang),
            )
        )
    return out
