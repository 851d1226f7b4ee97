"""Design matrices of the trend model, from explicit period dates.

Every column is the *average over the period* of a function of time, so a
quarterly row among monthly ones enters with its real dates:

* ``trend``: years since the series' centre, at the period's mid-date (the
  average of a linear function is its value at the midpoint);
* ``sin1, cos1, …``: month-of-year seasonality as harmonics, averaged over the
  period in closed form (a quarter's seasonal swing is damped, a year's is 0);
* ``step_YYYY-MM-DD``: the share of the period after a structural break, so a
  level step at the break is not read as a trend;
* ``bend_YYYY-MM-DD``: a change of slope at a knot, (t − κ)₊ averaged over the
  period — with a prior shrinking it to 0, the trend is linear unless the data
  clearly bend (an online share levelling off), and a forecast continues the
  recent slope rather than the average one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from motcua.model.series import years

TWO_PI = 2.0 * np.pi


def harmonic_means(t0: np.ndarray, t1: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Average of sin(2πk·t) and cos(2πk·t) over [t0, t1) (t in years since 1 January 2000)."""
    w = TWO_PI * k
    length = np.maximum(t1 - t0, 1e-9)
    s = (np.cos(w * t0) - np.cos(w * t1)) / (w * length)
    c = (np.sin(w * t1) - np.sin(w * t0)) / (w * length)
    return s, c


def step_share(t0: np.ndarray, t1: np.ndarray, tb: float) -> np.ndarray:
    """Share of [t0, t1) lying after the break time tb (0 before, 1 after, a fraction if straddling)."""
    length = np.maximum(t1 - t0, 1e-9)
    return np.clip((t1 - tb) / length, 0.0, 1.0)


def hinge_mean(t0: np.ndarray, t1: np.ndarray, knot: float) -> np.ndarray:
    """Average of (t − knot)₊ over [t0, t1)."""
    length = np.maximum(t1 - t0, 1e-9)
    a = np.clip(t0 - knot, 0.0, None)
    b = np.clip(t1 - knot, 0.0, None)
    return (b**2 - a**2) / (2.0 * length)


def design(
    t0: np.ndarray,
    t1: np.ndarray,
    *,
    center: float,
    harmonics: int,
    breaks: list[pd.Timestamp] | tuple[pd.Timestamp, ...] = (),
    knots: list[pd.Timestamp] | tuple[pd.Timestamp, ...] = (),
) -> tuple[np.ndarray, list[str]]:
    """The design matrix (rows = periods) and its column names.

    Series of the same months share one design: it is computed once per distinct (months, centre, terms) and
    kept (:data:`_DESIGNS`); the matrix returned is read-only (callers take copies to change it).
    """
    t0 = np.asarray(t0, dtype=float)
    t1 = np.asarray(t1, dtype=float)
    key = (t0.tobytes(), t1.tobytes(), np.float64(center).tobytes(), harmonics, tuple(breaks), tuple(knots))
    got = _DESIGNS.get(key)
    if got is None:
        if len(_DESIGNS) >= _MAX_DESIGNS:
            _DESIGNS.clear()
        X, names = _design(t0, t1, center, harmonics, breaks, knots)
        X.setflags(write=False)
        got = _DESIGNS[key] = (X, names)
    return got[0], list(got[1])


#: :func:`design`'s results by (t0 bytes, t1 bytes, centre, harmonics, breaks, knots): a national run's ~10,000
#: series have a few dozen distinct month sets, each asked for ~9 times a series (fit, forecast, slopes, bands).
_DESIGNS: dict[tuple, tuple[np.ndarray, list[str]]] = {}
_MAX_DESIGNS = 4096


def _design(
    t0: np.ndarray,
    t1: np.ndarray,
    center: float,
    harmonics: int,
    breaks: list[pd.Timestamp] | tuple[pd.Timestamp, ...],
    knots: list[pd.Timestamp] | tuple[pd.Timestamp, ...],
) -> tuple[np.ndarray, list[str]]:
    """:func:`design` computed."""
    cols = [np.ones_like(t0), (t0 + t1) / 2.0 - center]
    names = ["intercept", "trend"]
    for k in range(1, harmonics + 1):
        s, c = harmonic_means(t0, t1, k)
        cols += [s, c]
        names += [f"sin{k}", f"cos{k}"]
    for b in breaks:
        cols.append(step_share(t0, t1, float(years(pd.Timestamp(b)))))
        names.append(f"step_{pd.Timestamp(b):%Y-%m-%d}")
    for kn in knots:
        cols.append(hinge_mean(t0, t1, float(years(pd.Timestamp(kn)))))
        names.append(f"bend_{pd.Timestamp(kn):%Y-%m-%d}")
    return np.column_stack(cols), names


def trend_only(X: np.ndarray, names: list[str]) -> np.ndarray:
    """The design with seasonal columns zeroed: the deseasonalised trend (steps and bends kept)."""
    Z = X.copy()
    for j, n in enumerate(names):
        if n.startswith(("sin", "cos")):
            Z[:, j] = 0.0
    return Z
