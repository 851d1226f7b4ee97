"""numpy.linalg's least squares, solve and eigh for one small float64 problem, without the wrapper's checks.

A series' fit and forecast call these a few dozen times on matrices of a few rows and columns, where
numpy.linalg's own wrappers (array conversion, type promotion, shape checks) cost more than LAPACK does.
Each function calls the same LAPACK routine through the same numpy gufunc with the same error state as
numpy.linalg, so the results are the same bits and the same errors (``LinAlgError``) are raised; the inputs must
already be float64 arrays of the shapes stated (no conversion is made).
"""

from __future__ import annotations

import warnings

import numpy as np
from numpy.linalg import LinAlgError
from numpy.linalg import _umath_linalg as _gu


def _raise_singular(err: object, flag: object) -> None:
    raise LinAlgError("Singular matrix")


def _raise_lstsq(err: object, flag: object) -> None:
    raise LinAlgError("SVD did not converge in Linear Least Squares")


def _raise_eigh(err: object, flag: object) -> None:
    raise LinAlgError("Eigenvalues did not converge")


def lstsq(a: np.ndarray, b: np.ndarray, rcond: float = -1.0) -> np.ndarray:
    """``np.linalg.lstsq(a, b, rcond)[0]`` for a (m, n) float64 matrix and a (m,) float64 vector."""
    with np.errstate(call=_raise_lstsq, invalid="call", over="ignore", divide="ignore", under="ignore"):
        x = _gu.lstsq(a, b[:, None], rcond, signature="ddd->ddid")[0]
    return x[:, 0].copy()


def solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``np.linalg.solve(a, b)`` for a (n, n) float64 matrix and a (n,) float64 vector."""
    with np.errstate(call=_raise_singular, invalid="call", over="ignore", divide="ignore", under="ignore"):
        return _gu.solve1(a, b, signature="dd->d")


def solve_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """:func:`solve` of every row: a (k, n, n), b (k, n); the gufunc solves each row as it solves one alone."""
    with np.errstate(call=_raise_singular, invalid="call", over="ignore", divide="ignore", under="ignore"):
        return _gu.solve1(a, b, signature="dd->d")


def eigh(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.linalg.eigh(a)`` (lower triangle) for a (n, n) float64 symmetric matrix: (eigenvalues, vectors)."""
    with np.errstate(call=_raise_eigh, invalid="call", over="ignore", divide="ignore", under="ignore"):
        return _gu.eigh_lo(a, signature="d->dd")


def polyfit1(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``np.polyfit(x, y, 1)`` (slope, intercept) for float64 vectors x and y: the same scaled Vandermonde
    matrix, the same least-squares solve and rcond, so the same bits (and the same ``RankWarning``)."""
    lhs = np.empty((len(x), 2))
    lhs[:, 0], lhs[:, 1] = x, 1.0
    scale = np.sqrt((lhs * lhs).sum(axis=0))
    lhs /= scale
    rcond = len(x) * np.finfo(float).eps
    with np.errstate(call=_raise_lstsq, invalid="call", over="ignore", divide="ignore", under="ignore"):
        c, _, rank, _ = _gu.lstsq(lhs, y[:, None], rcond, signature="ddd->ddid")
    if rank != 2:
        warnings.warn("Polyfit may be poorly conditioned", np.exceptions.RankWarning, stacklevel=2)
    return c[:, 0] / scale
