"""The forecast methods as they were before their speed-up: :func:`before` swaps the frozen copies
(forecast_kalman_before.py, forecast_growth_before.py) into motcua.model.forecast for the duration of a block."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from motcua.model import forecast

from . import forecast_growth_before as growth_old
from . import forecast_kalman_before as kalman_old

NAMES = {
    "kalman_eta": kalman_old,
    "kalman_mean": kalman_old,
    "observed_draws": kalman_old,
    "fit_growth": growth_old,
    "growth_draws": growth_old,
    "growth_mean": growth_old,
}


@contextmanager
def before() -> Iterator[None]:
    """Inside the block, motcua.model.forecast calls the frozen copies; restored after it, even on an error."""
    saved = {name: getattr(forecast, name) for name in NAMES}
    try:
        for name, module in NAMES.items():
            setattr(forecast, name, getattr(module, name))
        yield
    finally:
        for name, fn in saved.items():
            setattr(forecast, name, fn)
