"""The growth curve (:mod:`motcua.model.forecast_growth`) fitted for many series at once, with the same numbers
as one at a time.

Each series makes two small Fisher scorings (:func:`motcua.model.forecast_growth.fit_curve`): the straight logit
line, then the curve with its ceiling. Here the series of a worker's share with the same number of observed
months make each of them together, their iterations in lockstep (a series stops where it would alone): the
logit, the −log-likelihood and the Jacobian of every series in one array each, and only the 2 × 2 or 3 × 3
information, gradient and solve per series, with the same numpy calls as the one-series fit. Every operation
on a series' numbers is the same elementwise operation, row sum, or BLAS / LAPACK call on the same values, so
the results are the same bits (tested).
"""

from __future__ import annotations

import numpy as np
from numpy.linalg import LinAlgError
from scipy import special

from motcua.model import linalg
from motcua.model.forecast_growth import GrowthFit, growth_problem, growth_result
from motcua.model.settings import ModelSettings
from motcua.model.trend import TrendFit


def growths(fits: list[TrendFit], settings: ModelSettings) -> list[GrowthFit | None]:
    """:func:`motcua.model.forecast_growth._fit_growth` of every fit (None where the curve is not identified),
    the fits of all series with the same number of observed months made at once."""
    probs = [growth_problem(f, settings) if f.has_trend else None for f in fits]
    out: list[GrowthFit | None] = [None] * len(fits)
    by_len: dict[int, list[int]] = {}
    for i, p in enumerate(probs):
        if p is not None:
            by_len.setdefault(len(p.y), []).append(i)
    for idx in by_len.values():
        ps = [probs[i] for i in idx]
        line, _, f_line, _ = fit_curve_rows(ps, np.stack([p.line0 for p in ps]), False)
        for a, i in enumerate(idx):
            fits[i]._forecast_line = (line[a].copy(), float(f_line[a]))  # as _fit_growth keeps it
        up = [a for a in range(len(ps)) if line[a, 1] > 0]  # falling or flat: no adoption curve to follow
        if not up:
            continue
        qs = [ps[a] for a in up]
        theta, infos, _, p = fit_curve_rows(qs, np.stack([q.curve0 for q in qs]), True)
        for j, a in enumerate(up):
            out[idx[a]] = growth_result(qs[j], float(f_line[a]), theta[j].copy(), infos[j], p[j].copy(), settings)
    return out


def _objective(th, tc, off, y, n, n_y, w, mu, prec, curved: bool):
    """Per row: (penalised −log-likelihood, p, the logit's parts for the Jacobian) as ``objective`` of
    :func:`motcua.model.forecast_growth.fit_curve` computes them for one series."""
    z = th[:, 0:1] + th[:, 1:2] * tc
    if curved:
        log_m = special.log_expit(th[:, 2:3]) + special.log_expit(z)  # log(c·u)
        m = np.minimum(np.exp(log_m), 1 - 1e-12)
        eta = log_m - np.log1p(-m) + off
    else:
        eta, m = z + off, None
    p = special.expit(eta)
    q = np.minimum(np.maximum(p, 1e-12), 1 - 1e-12)  # neg_loglik's clip
    nll = -(w * (y * np.log(q) + n_y * np.log1p(-q))).sum(axis=1)  # a weight of 1 changes no bit
    if curved:
        d = th[:, 2] - mu
        return nll + 0.5 * ((d * prec) * d), p, (z, m)
    return nll + 0.5 * 0.0, p, None


def _jacobian(th, tc, parts, curved: bool, k: int) -> np.ndarray:
    """Per row, :func:`motcua.model.forecast_growth._jacobian`: (k, m, 3) for the curve, (k, m, 2) for the line."""
    if not curved:
        J = np.empty((k, tc.shape[1], 2))
        J[:, :, 0], J[:, :, 1] = 1.0, tc
        return J
    z, m = parts
    u = special.expit(z)
    c = special.expit(th[:, 2:3])
    g = 1.0 / (1.0 - m)
    one_u = 1 - u
    J = np.empty((k, tc.shape[1], 3))
    J[:, :, 0] = one_u * g
    J[:, :, 1] = (tc * one_u) * g
    J[:, :, 2] = (1 - c) * g
    return J


def newton_steps(J, JW, R, P, d) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row i: the Fisher-scoring step solve(J'·JW + P, J'·R − P·d) and its Newton decrement (gradient ·
    step), as the one-series fits compute them (``J.T @ …``, :func:`motcua.model.linalg.solve`, ``grad @
    step``), made by the same BLAS and LAPACK calls on each row's stacked matrices; and whether the
    information could be solved (a singular one: no step, the row stops). (steps, decrements, solved)."""
    JT = J.transpose(0, 2, 1)
    info = np.matmul(JT, JW) + P
    grad = np.matmul(JT, R[:, :, None])[:, :, 0] - np.matmul(P, d[:, :, None])[:, :, 0]
    try:
        steps = linalg.solve_rows(info, grad)
        ok = np.ones(len(info), bool)
    except LinAlgError:  # one at a time: which rows are singular
        steps, ok = np.zeros_like(grad), np.ones(len(info), bool)
        for i in range(len(info)):
            try:
                steps[i] = linalg.solve(info[i], grad[i])
            except LinAlgError:
                ok[i] = False
    dec = np.matmul(grad[:, None, :], steps[:, :, None])[:, 0, 0]
    return steps, dec, ok


def fit_curve_rows(probs: list, theta: np.ndarray, curved: bool, iters: int = 30):
    """:func:`motcua.model.forecast_growth.fit_curve` of every problem (all of one length) from its start in
    ``theta`` (k, 2 or 3): (θ (k, ·), information per row, penalised −log-likelihood (k,), p (k, m))."""
    Y, N = np.stack([p.y for p in probs]), np.stack([p.n for p in probs])
    TC, OFF, W = np.stack([p.tc for p in probs]), np.stack([p.off for p in probs]), np.stack([p.w for p in probs])
    N_Y, WN = N - Y, W * N
    k, dim = theta.shape
    Ps, mu0s = [], []
    for p in probs:
        P, mu0 = np.zeros((dim, dim)), np.zeros(dim)
        if curved:
            P[2, 2], mu0[2] = 1.0 / p.prior[1] ** 2, p.prior[0]
        Ps.append(P)
        mu0s.append(mu0)
    PS, MU0 = np.stack(Ps), np.stack(mu0s)
    MU = np.array([m[-1] for m in mu0s])
    PREC = np.array([P[-1, -1] for P in Ps])
    theta = theta.copy()

    def objective(th, r):
        return _objective(th, TC[r], OFF[r], Y[r], N[r], N_Y[r], W[r], MU[r], PREC[r], curved)

    allrows = np.arange(k)
    f, p, parts = objective(theta, allrows)
    J = _jacobian(theta, TC, parts, curved, k)
    active = np.ones(k, bool)
    for _ in range(iters):
        rows = np.flatnonzero(active)
        if not len(rows):
            break
        pr = p[rows]
        JW = J[rows] * (WN[rows] * pr * (1 - pr))[:, :, None]
        R = W[rows] * (Y[rows] - N[rows] * pr)
        steps, dec, ok = newton_steps(J[rows], JW, R, PS[rows], theta[rows] - MU0[rows])
        active[rows[~ok]] = False
        rows, steps, dec = rows[ok], steps[ok], dec[ok]
        pend, accepted = np.arange(len(rows)), np.zeros(len(rows), bool)
        for _half in range(12):
            if not len(pend):
                break
            r = rows[pend]
            th = theta[r] + steps[pend]
            f_new, p_new, parts_new = objective(th, r)
            good = np.isfinite(f_new) & (f_new <= f[r] + 1e-10)
            g = r[good]
            theta[g], f[g], p[g] = th[good], f_new[good], p_new[good]
            if len(g):
                pg = None if parts_new is None else (parts_new[0][good], parts_new[1][good])
                J[g] = J[g] if not curved else _jacobian(theta[g], TC[g], pg, True, len(g))
            accepted[pend[good]] = True
            steps[pend[~good]] = steps[pend[~good]] / 2
            pend = pend[~good]
        active[rows[~accepted]] = False  # no step accepted in 12 halvings: stopped where it was
        active[rows[accepted & (dec < 1e-3)]] = False
    JW = J * (WN * p * (1 - p))[:, :, None]
    infos = list(np.matmul(J.transpose(0, 2, 1), JW) + PS)  # J.T @ JW + P of each row, as one at a time
    return theta, infos, f, p
