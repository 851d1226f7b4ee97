"""The curve rising from a floor (:mod:`motcua.model.forecast_rise`) fitted for many series at once, with the
same numbers as one at a time.

A series tries the curve on a grid of :data:`~motcua.model.forecast_rise.GRID` ceilings, each a small Fisher
scoring that starts where the cell above it ended, so its cells run one after the other; but the series of a
worker's share are independent of each other. Here the cells of every series of the same length are fitted
together: cell by cell, every series' iterations in lockstep (a series stops where it would alone), the
curve, its Jacobian and the −log-likelihood of all series computed in one array each, and only the 3 × 3
information, gradient and solve made per series, with the same numpy calls as the one-series fit. Every
operation on a series' numbers is the same elementwise operation (or the same row sum, or the same BLAS /
LAPACK call on the same values) as in :func:`motcua.model.forecast_rise._fit_rise`, so the results are the
same bits (tested). The arithmetic per series is unchanged; what goes is numpy's per-call overhead, ~90 % of
the one-series fit's time on 17 months.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from motcua.model.forecast_growth_batch import newton_steps
from motcua.model.forecast_rise import _eta, rise_problem, rise_result
from motcua.model.settings import ModelSettings
from motcua.model.trend import TrendFit


def rises(fits: list[TrendFit], settings: ModelSettings) -> list:
    """:func:`motcua.model.forecast_rise._rise` of every fit (a RiseFit or None each), the grid's fits made
    for all series of the same number of observed months at once."""
    probs = [rise_problem(f, settings) if f.has_trend else None for f in fits]
    out: list = [None] * len(fits)
    by_len: dict[int, list[int]] = {}
    for i, p in enumerate(probs):
        if p is not None:
            by_len.setdefault(len(p.y), []).append(i)
    for idx in by_len.values():
        ps = [probs[i] for i in idx]
        cells = _cells_rows(ps)
        for i, p, c in zip(idx, ps, cells):
            out[i] = rise_result(p, *c, settings)
    return out


def _cells_rows(probs: list) -> list[tuple[list, list, list, list]]:
    """For each problem (all of one length), the grid's fits as :func:`motcua.model.forecast_rise._cells`
    gives them: (θ, information, −log-likelihood, p) per cell, highest ceiling first."""
    Y = np.stack([p.y for p in probs])
    N = np.stack([p.n for p in probs])
    TC = np.stack([p.tc for p in probs])
    OFF = np.stack([p.off for p in probs])
    grid = np.stack([p.grid for p in probs])
    mu_f = np.array([p.mu_f for p in probs])
    prec = np.array([p.prec for p in probs])
    theta = np.stack([p.theta0 for p in probs])
    out: list[tuple[list, list, list, list]] = [([], [], [], []) for _ in probs]
    for g in range(grid.shape[1] - 1, -1, -1):  # from the highest ceiling down, each fit starting from the last
        theta, infos, nll, ps = _fit_rows(Y, N, TC, OFF, grid[:, g].copy(), theta, mu_f, prec)
        for i, o in enumerate(out):
            o[0].append(theta[i].copy())
            o[1].append(infos[i])
            o[2].append(nll[i])
            o[3].append(ps[i].copy())
    return out


def _objective(theta, lc, tc, off, y, n, mu_f, prec):
    """Per row: the penalised −log-likelihood, p and the Jacobian of the logit, as ``objective`` of
    :func:`motcua.model.forecast_rise._fit_rise` computes them for one series."""
    eta, J = _eta(theta, lc, tc, off)
    p = special.expit(eta)
    nll = _neg_loglik_rows(y, n, p)
    d2 = theta[:, 2] - mu_f
    # d'Pd with P = diag(0, 0, prec): (d₂·prec)·d₂ exactly as the matrix products give it, NaN for any d not finite
    pen = np.where(np.isfinite(theta[:, :2]).all(axis=1) & np.isfinite(d2), (d2 * prec) * d2, np.nan)
    return nll + 0.5 * pen, p, J


def _neg_loglik_rows(y, n, p):
    """Per row: :func:`motcua.model.forecast_growth.neg_loglik` without weights (the same clip, terms and sum)."""
    q = np.minimum(np.maximum(p, 1e-12), 1 - 1e-12)
    return -(y * np.log(q) + (n - y) * np.log1p(-q)).sum(axis=1)


def _fit_rows(Y, N, TC, OFF, LC, theta, MU_F, PREC, iters: int = 40):
    """:func:`motcua.model.forecast_rise._fit_rise` of every row at once (its ceiling LC[i], start theta[i],
    prior centre MU_F[i] and precision PREC[i] on logit f): (θ (k, 3), information per row, −log-likelihood
    without the prior (k,), p (k, m))."""
    k = len(theta)
    theta = theta.copy()
    f, p, J = _objective(theta, LC, TC, OFF, Y, N, MU_F, PREC)
    Ps = [np.diag([0.0, 0.0, PREC[i]]) for i in range(k)]
    m0s = [np.array([0.0, 0.0, MU_F[i]]) for i in range(k)]
    PS, M0 = np.stack(Ps), np.stack(m0s)
    active = np.ones(k, bool)
    for _ in range(iters):
        rows = np.flatnonzero(active)
        if not len(rows):
            break
        W = N[rows] * p[rows] * (1 - p[rows])
        R = Y[rows] - N[rows] * p[rows]
        JW = J[rows] * W[:, :, None]
        steps, dec, ok = newton_steps(J[rows], JW, R, PS[rows], theta[rows] - M0[rows])
        active[rows[~ok]] = False
        rows, steps, dec = rows[ok], steps[ok], dec[ok]
        pend = np.arange(len(rows))
        accepted = np.zeros(len(rows), bool)
        for _half in range(15):
            if not len(pend):
                break
            r = rows[pend]
            th = theta[r] + steps[pend]
            f_new, p_new, J_new = _objective(th, LC[r], TC[r], OFF[r], Y[r], N[r], MU_F[r], PREC[r])
            good = np.isfinite(f_new) & (f_new <= f[r] + 1e-10)
            g = r[good]
            theta[g], f[g], p[g], J[g] = th[good], f_new[good], p_new[good], J_new[good]
            accepted[pend[good]] = True
            steps[pend[~good]] = steps[pend[~good]] / 2
            pend = pend[~good]
        active[rows[~accepted]] = False  # no step accepted in 15 halvings: stopped where it was
        active[rows[accepted & (dec < 1e-4)]] = False
    JW = J * (N * p * (1 - p))[:, :, None]
    infos = list(np.matmul(J.transpose(0, 2, 1), JW) + PS)  # J.T @ JW + P of each row, as one at a time
    return theta, infos, _neg_loglik_rows(Y, N, p), p
