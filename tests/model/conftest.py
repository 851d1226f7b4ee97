"""Small synthetic panels with awkward features, built from the seeded simulator."""

from __future__ import annotations

import pandas as pd
import pytest

from motcua.model.settings import settings_from_config
from motcua.model.simulate import SimSpec, simulate_panel
from motcua.panel import COUNT_COLUMNS, conform


@pytest.fixture(scope="session")
def settings():
    return settings_from_config()


@pytest.fixture(scope="session")
def small_panel() -> pd.DataFrame:
    """Nine Phú Yên districts, 54 months (Jan 2021 – Jun 2025), validated by the panel contract."""
    panel, _ = simulate_panel(SimSpec(n_units=9, months=54, seed=5))
    return conform(panel)


def make_perfect(panel: pd.DataFrame, code: str) -> pd.DataFrame:
    """The unit never has a late dossier (resolved or pending)."""
    p = panel.copy()
    u = p["unit_code"] == code
    p.loc[u, "resolved_ontime"] += p.loc[u, "resolved_late"]
    p.loc[u, "resolved_late"] = 0
    p.loc[u, "pending_ontime"] += p.loc[u, "pending_overdue"]
    p.loc[u, "pending_overdue"] = 0
    return p


def zero_months(panel: pd.DataFrame, code: str, months: list[int]) -> pd.DataFrame:
    """The unit received and resolved nothing in the given calendar months."""
    p = panel.copy()
    u = (p["unit_code"] == code) & p["period_start"].dt.month.isin(months)
    for c in COUNT_COLUMNS:
        p.loc[u, c] = 0
    return p
