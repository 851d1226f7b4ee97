"""Model settings: the statistical policy of config/model.yaml and the targets of config/targets.yaml.

Everything a reader could want to change (levels, minimum series length, breaks,
seed, prior strength) is data in config/, read here into one frozen object.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, fields, replace
from typing import Any

import pandas as pd

from motcua.config import Config, ConfigError, load_config
from motcua.config_schema import display_name, unknown_key

#: Forecast methods (motcua.model.forecast), and those a growth forecast can mix in or fall back on.
FORECAST_METHODS = ("glm", "damped", "kalman", "ensemble", "growth")
#: forecast_season_shrink (motcua.model.forecast_season): none, one factor, or a factor per harmonic pair.
SEASON_SHRINK = ("none", "empirical_bayes", "empirical_bayes_harmonic")
GROWTH_PARTNERS = ("damped", "kalman", "ensemble")
GROWTH_FLOOR = ("none", "rising")  # forecast_growth_floor (motcua.model.forecast_rise)
#: forecast_noise (motcua.model.month_noise): the model of a forecast month's own noise around its mean.
MONTH_NOISE = ("beta_binomial", "logit_normal", "auto", "combined")

#: The rates the model stage fits, in the order reports show them.
MODEL_RATES: tuple[str, ...] = ("online_rate", "ontime_rate_report", "ontime_rate_766")


@dataclass(frozen=True)
class Break:
    """A structural break: a level step is allowed from ``date`` on (no change of slope)."""

    date: pd.Timestamp
    label: str = ""


@dataclass(frozen=True)
class Target:
    """A target for one rate (a proportion 0–1), with its source as config/targets.yaml states it."""

    rate: str
    value: float
    label_vi: str = ""
    label_en: str = ""
    source: str = ""


@dataclass(frozen=True)
class ModelSettings:
    """Statistical policy of the model stage (config/model.yaml), with defaults.

    Each field is a model.yaml key (but ``targets``, from config/targets.yaml): a new model setting is a new
    field here, with its type and default, and nothing else; a model.yaml key that is no field is refused.
    Fields typed float, int or str are read by a plain cast; others (tuples, breaks) in
    :func:`settings_from_config`.

    ``prior_sd_*`` are the standard deviations (logit scale) of the weak priors
    that keep a unit with no late dossier (or no online one) finite: its level
    is pulled towards the province's rate, slope/seasonality/steps towards 0.
    """

    confidence_level: float = 0.95
    funnel_levels: tuple[float, ...] = (0.95, 0.998)
    latest_band_level: float = 0.998
    min_periods_for_trend: int = 12
    min_periods_for_seasonality: int = 24
    min_events_for_trend: int = 10
    min_periods_per_regime: int = 3
    seasonal_harmonics: int = 2
    structural_breaks: tuple[Break, ...] = ()
    comparison_window_months: int = 12
    rank_simulations: int = 4000
    forecast_simulations: int = 1000
    forecast_method: str = "glm"  # glm | damped | kalman | ensemble | growth (motcua.model.forecast)
    forecast_damping: float = 1.0  # share of the logit slope left after one year (damped method)
    forecast_drift_sd: float = 0.0  # logit drift per sqrt(year) (damped method)
    forecast_slope_sd: float = 0.0  # relative sd of the slope still to come (damped method)
    forecast_level_weight: float = 0.0  # weight per month back of recent residuals moving the level (damped method)
    forecast_kalman_level_var: tuple[float, ...] = (0.0, 0.003, 0.01, 0.03)  # grid of q_L (kalman method)
    forecast_kalman_slope_var: tuple[float, ...] = (0.0, 0.01, 0.03, 0.1, 0.3)  # grid of q_S (kalman method)
    forecast_kalman_noise_var: tuple[float, ...] = (0.0, 0.003, 0.01, 0.03, 0.1)  # grid of σ² (kalman method)
    forecast_kalman_damping: float = 0.3  # share of the filtered slope left after one year (kalman method)
    forecast_ensemble_weight: float = 0.5  # share of kalman draws in the ensemble (the rest damped)
    forecast_growth_weight: float = 0.75  # share of the draws from the growth curve when identified (growth method)
    forecast_growth_test_level: float = 0.05  # curvature test of the growth curve against the straight logit line
    forecast_growth_prior_sd: float = 1.5  # sd of the prior on the logit of the ceiling (growth method)
    forecast_growth_drift_sd: float = 0.1  # logit drift per sqrt(year) of the growth curve's forecast
    forecast_growth_max_ceiling: float = 0.995  # a fitted ceiling above this: no level-off seen, curve not used
    forecast_growth_mix: str = "damped"  # method of the rest of the draws when the growth curve is identified
    forecast_growth_else: str = "damped"  # method of all the draws when it is not (growth method)
    forecast_growth_floor: str = "none"  # one of GROWTH_FLOOR: a rising curve where growth is not identified
    forecast_growth_floor_rates: tuple[str, ...] = ("online_rate",)  # the rates it is tried on: adoption curves
    forecast_season_shrink: str = "none"  # one of SEASON_SHRINK: the forecasts' seasonality shrunk
    forecast_noise: str = "beta_binomial"  # one of MONTH_NOISE: a forecast month's own noise, per series
    forecast_noise_below: float = 0.0  # χ² level at which counts less noisy than the binomial scale it down (0: never)
    forecast_break_sd: float = 0.5  # logit sd of a step at a configured break inside the forecast
    forecast_max_width: float = 1.0  # 95 % PI at the target date wider than this: too uncertain to quote a probability
    seed: int = 20251
    forecast_to: str = "end_of_next_year"  # or end_of_current_year
    jobs: int = 0  # worker processes for large panels; 0 = one per CPU
    prior_sd_level: float = 2.0
    prior_sd_slope: float = 2.0
    prior_sd_season: float = 1.0
    prior_sd_step: float = 2.0
    prior_sd_bend: float = 1.0
    trend_knot_months: int = 12
    bend_test_level: float = 0.01
    funnel_overdispersion: str = "additive"  # additive | multiplicative | none
    winsor: float = 0.10
    shared_logit_decimals: int = 2
    comparison_rho_prior_df: float = 10.0  # weight of the peers' ρ against a unit's own (degrees of freedom)
    rates: tuple[str, ...] = MODEL_RATES
    targets: tuple[Target, ...] = ()

    def with_(self, **changes: Any) -> ModelSettings:
        """A copy with some settings changed (e.g. ``breaks`` for an exploratory refit)."""
        return replace(self, **changes)

    def targets_for(self, rate: str) -> list[Target]:
        return [t for t in self.targets if t.rate == rate]


def _breaks(items: Any) -> tuple[Break, ...]:
    out = []
    for it in items or []:
        if isinstance(it, dict):
            out.append(Break(pd.Timestamp(it["date"]), str(it.get("label", ""))))
        else:
            out.append(Break(pd.Timestamp(it)))
    return tuple(sorted(out, key=lambda b: b.date))


#: ModelSettings fields that no model.yaml key sets (targets come from config/targets.yaml).
NOT_IN_MODEL_YAML = frozenset({"targets"})


def _scalar_fields() -> dict[str, type]:
    """model.yaml keys read by a plain cast: the ModelSettings fields typed float, int or str."""
    hints = typing.get_type_hints(ModelSettings)
    return {f.name: hints[f.name] for f in fields(ModelSettings) if hints[f.name] in (float, int, str)}


def _check_keys(model: dict[str, Any], where: str) -> None:
    """Every model.yaml key is a field of ModelSettings: the one place a model setting is declared (name, type,
    default). A key that is not (a typo) is refused with the file and key named."""
    known = {f.name for f in fields(ModelSettings)} - NOT_IN_MODEL_YAML
    problems = [str(unknown_key(where, key, known)) for key in model if key not in known]
    if problems:
        raise ConfigError("\n".join(problems))


def settings_from_config(config: Config | dict[str, Any] | ModelSettings | None = None) -> ModelSettings:
    """Read :class:`ModelSettings` from a loaded :class:`Config`, a plain dict of model.yaml keys, or defaults.

    ``None`` loads config/ (or ``MOTCUA_CONFIG``). A dict may carry a ``targets`` list.
    """
    if isinstance(config, ModelSettings):
        return config
    if config is None:
        config = load_config()
    if isinstance(config, Config):
        model = dict(config.model)
        targets = config.targets
        where = display_name(config.root / "model.yaml", config.root)
    else:
        model = dict(config)
        targets = model.pop("targets", [])
        where = "model settings"
    _check_keys(model, where)
    kw: dict[str, Any] = {}
    for key, cast in _scalar_fields().items():
        if model.get(key) is not None:
            try:
                kw[key] = cast(model[key])
            except (TypeError, ValueError):
                raise ConfigError(f"{where}: {key}: expected {cast.__name__}, got {model[key]!r}") from None
    if model.get("funnel_levels"):
        kw["funnel_levels"] = tuple(float(x) for x in model["funnel_levels"])
    for key in ("forecast_kalman_level_var", "forecast_kalman_slope_var", "forecast_kalman_noise_var"):
        if model.get(key):
            kw[key] = tuple(float(x) for x in model[key])
    if model.get("rates"):
        kw["rates"] = tuple(str(x) for x in model["rates"])
    if model.get("forecast_growth_floor_rates") is not None:
        kw["forecast_growth_floor_rates"] = tuple(str(x) for x in model["forecast_growth_floor_rates"])
    kw["structural_breaks"] = _breaks(model.get("structural_breaks"))
    kw["targets"] = tuple(
        Target(
            rate=str(t["rate"]),
            value=float(t["value"]),
            label_vi=str(t.get("label_vi", "")),
            label_en=str(t.get("label_en", "")),
            source=str(t.get("source", "")),
        )
        for t in targets or []
    )
    if kw.get("forecast_to", "end_of_next_year") not in ("end_of_next_year", "end_of_current_year"):
        raise ConfigError(f"{where}: forecast_to: {kw['forecast_to']!r} (end_of_next_year | end_of_current_year)")
    for key in ("forecast_method", "forecast_growth_mix", "forecast_growth_else"):
        allowed = FORECAST_METHODS if key == "forecast_method" else GROWTH_PARTNERS
        if kw.get(key, "glm" if key == "forecast_method" else "damped") not in allowed:
            raise ConfigError(f"{where}: {key}: {kw[key]!r} ({' | '.join(allowed)})")
    if kw.get("forecast_growth_floor", "none") not in GROWTH_FLOOR:
        raise ConfigError(f"{where}: forecast_growth_floor: {kw['forecast_growth_floor']!r} (none | rising)")
    if unknown := set(kw.get("forecast_growth_floor_rates", ())) - set(MODEL_RATES):
        raise ConfigError(f"{where}: forecast_growth_floor_rates: {sorted(unknown)} ({' | '.join(MODEL_RATES)})")
    if kw.get("forecast_season_shrink", "none") not in SEASON_SHRINK:
        shrink = kw["forecast_season_shrink"]
        raise ConfigError(f"{where}: forecast_season_shrink: {shrink!r} ({' | '.join(SEASON_SHRINK)})")
    if kw.get("forecast_noise", "beta_binomial") not in MONTH_NOISE:
        raise ConfigError(f"{where}: forecast_noise: {kw['forecast_noise']!r} ({' | '.join(MONTH_NOISE)})")
    if not 0.0 <= kw.get("forecast_noise_below", 0.0) < 0.5:
        raise ConfigError(f"{where}: forecast_noise_below: {kw['forecast_noise_below']!r} (a χ² level in [0, 0.5))")
    return ModelSettings(**kw)
