"""Unit names → official codes (docs/domain.md, "Names and matching rules").

The reference is ``src/motcua/reference/units.csv``, frozen from the
``vietnamadminunits`` package by ``scripts/build_reference.py``. Grain of the
reference: one row per (unit_schema, unit_level, unit_code).

Matching, in order, within the units allowed by ``schema``, ``level`` and
``province_code``:

1. local aliases (config/aliases.yaml);
2. exact name, diacritics kept (full name when the input names a unit type,
   otherwise the short name without type);
3. exact name without diacritics ("huyen dong xuan");
4. the short name when the input's type word differs ("Huyện Đông Hòa" for
   "Thị xã Đông Hòa");
5. fuzzy (rapidfuzz ratio on the diacritic-free key).

A unique hit at steps 1–4 is a match. At step 5 the best candidate must reach
``name_match.threshold`` and beat the runner-up by ``name_match.margin``
(config/ingest.yaml). Otherwise the result has ``unit_code=None`` and the
closest candidates: a name is never guessed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd
from rapidfuzz import fuzz, process

from motcua.ingest.name_normal import normalize_name, split_type
from motcua.ingest.name_reference import aliases, keyed_units, reference_meta, reference_units, settings
from motcua.ingest.text import accent_key, clean_text, fold

__all__ = [
    "Candidate",
    "UnitMatch",
    "normalize_name",
    "split_type",
    "match_unit",
    "reference_units",
    "reference_meta",
]


@dataclass(frozen=True)
class Candidate:
    """One official unit proposed for a name, with its similarity score (0–100)."""

    unit_code: str
    unit_name: str
    unit_level: str
    province_code: str
    province_name: str
    score: float

    def __str__(self) -> str:
        return f"{self.unit_name} ({self.unit_code}, {self.province_name}) {self.score:.0f}"


@dataclass(frozen=True)
class UnitMatch:
    """Result of :func:`match_unit`.

    ``unit_code`` is None when no unit matched with enough confidence; then
    ``candidates`` lists the closest official units, best first. ``method``
    says how the match was made (alias, exact, no_diacritics, type_differs,
    fuzzy, ambiguous, none).
    """

    query: str
    unit_code: str | None
    unit_name: str | None
    unit_level: str | None
    province_code: str | None
    province_name: str | None
    score: float
    candidates: list[Candidate] = field(default_factory=list)
    method: str = "none"
    unit_schema: str = "legacy"

    @property
    def matched(self) -> bool:
        return self.unit_code is not None

    def candidates_text(self, n: int = 3) -> str:
        """The first ``n`` candidates as one readable string."""
        return "; ".join(str(c) for c in self.candidates[:n]) or "không có"


def _type_levels(typ: str) -> list[str]:
    return list(settings()["unit_types"].get(typ, []))


def _same_level_types(typ: str) -> set[str]:
    """Folded type words sharing a level with ``typ`` ("Huyện" → huyen, quan, thixa, thanhpho)."""
    mine = set(_type_levels(typ))
    return {fold(t).replace(" ", "") for t, levels in settings()["unit_types"].items() if mine & set(levels)}


def _candidates(pool: pd.DataFrame, idx: Iterable[int], scores: Iterable[float]) -> list[Candidate]:
    out = []
    for i, sc in zip(idx, scores):
        r = pool.loc[i]
        out.append(
            Candidate(
                r["unit_code"], r["unit_name"], r["unit_level"], r["province_code"], r["province_name"], float(sc)
            )
        )
    return out


def _result(
    query: str, schema: str, row: pd.Series | None, score: float, cands: list[Candidate], method: str
) -> UnitMatch:
    if row is None:
        return UnitMatch(query, None, None, None, None, None, float(score), cands, method, schema)
    return UnitMatch(
        query,
        row["unit_code"],
        row["unit_name"],
        row["unit_level"],
        row["province_code"],
        row["province_name"],
        float(score),
        cands,
        method,
        schema,
    )


def _province_key(province_code: str | Iterable[str] | None) -> str | None:
    """One province code ("54"), or several joined by "," ("54,66"), zero-padded and sorted; None for all."""
    if province_code is None:
        return None
    codes = [province_code] if isinstance(province_code, str) else list(province_code)
    return ",".join(sorted({str(c).zfill(2) for c in codes}))


def match_unit(
    name: object,
    *,
    schema: str = "legacy",
    level: str | None = None,
    province_code: str | Iterable[str] | None = None,
) -> UnitMatch:
    """Match a unit name as written to one official unit of ``schema``.

    ``level`` ("province", "district", "commune") and ``province_code`` ("54",
    or several codes: the provinces of one era that make up today's province) narrow the search; without ``level`` the type word of the name (Huyện,
    Phường, …) narrows it. Returns a :class:`UnitMatch`; ``unit_code`` is None
    when the name is ambiguous or below the confidence threshold, with the
    closest ``candidates`` for the report. Results are cached per process.

    Exceptions: ValueError when ``schema`` is neither "legacy" nor "2025" (a
    programming or configuration error); any ``name`` (None, empty, garbage)
    gives a UnitMatch, never an exception.
    """
    key = ("" if name is None else str(name), schema, level, _province_key(province_code))
    hit = _MATCHES.get(key)
    if hit is None:
        hit = _match_uncached(*key)
        if len(_MATCHES) < MAX_MATCHES:
            _MATCHES[key] = hit
    return hit


MatchKey = tuple[str, str, "str | None", "str | None"]


#: Matches made in this process: (name as written, schema, level, province code) → UnitMatch. Fuzzy
#: matching costs ~7 ms a name (10 s for a national file of 1,400 names); the clean stage also keeps
#: them on disk between processes (:func:`known_matches`, :func:`remember_matches`).
_MATCHES: dict[MatchKey, UnitMatch] = {}


MAX_MATCHES = 50_000


def known_matches() -> dict[MatchKey, UnitMatch]:
    """A copy of the matches made (or remembered) in this process."""
    return dict(_MATCHES)


def remember_matches(matches: dict[MatchKey, UnitMatch]) -> None:
    """Take matches made earlier with the same code, config and reference (the caller's key ensures it)."""
    room = MAX_MATCHES - len(_MATCHES)
    for k, v in list(matches.items())[: max(0, room)]:
        _MATCHES.setdefault(k, v)


def _match_uncached(name: str, schema: str, level: str | None, province_code: str | None) -> UnitMatch:
    """The uncached body of :func:`match_unit`."""
    query = "" if name is None else str(name)
    norm = normalize_name(query)
    typ, rest = split_type(norm)
    res = _match_reading(query, norm, typ, rest, schema, level, province_code)
    if typ and not res.matched and _without_diacritics(query):
        # written without diacritics, the first word was only read as a type word ("quan hoa": Quận?);
        # the whole name as the unit's own name ("Quan Hóa") is the other reading
        plain = _match_reading(query, fold(norm), "", fold(norm), schema, level, province_code)
        if plain.matched:
            return plain
    return res


def _without_diacritics(text: str) -> bool:
    """True when ``text`` carries no diacritic at all ("quan hoa"; not "Xã Ninh Giang")."""
    t = unicodedata.normalize("NFD", clean_text(text))
    return "đ" not in t.lower() and not any(unicodedata.combining(ch) for ch in t)


def _match_reading(
    query: str, norm: str, typ: str, rest: str, schema: str, level: str | None, province_code: str | None
) -> UnitMatch:
    """:func:`match_unit` for one reading of the name: its type word ``typ`` ("" for none) and the ``rest``.

    In order: an alias of config/ (exact), the name's keys with and without diacritics (a unique hit
    wins, several are ambiguous), then a fuzzy match on the name without its type word."""
    cfg = settings()["name_match"]
    pool = _reading_pool(schema, level, province_code, typ)
    if not norm or pool.empty:
        return _result(query, schema, None, 0.0, [], "none")
    k_full, k_short = accent_key(norm), accent_key(rest)
    f_full, f_short = fold(norm).replace(" ", ""), fold(rest).replace(" ", "")
    got = _alias_match(query, schema, pool, f_full, cfg)
    if got is not None:
        return got
    # the name's own words written without any diacritic ("dong xuan"): only then may folded keys decide; a name
    # written with diacritics that matches only once they are dropped ("Vụ Bản" for "Vũ Bản") is another name
    plain = _without_diacritics(rest)
    for mask, score, method in _key_steps(pool, typ, (k_full, k_short, f_full, f_short), plain, cfg):
        hit = pool[mask]
        if len(hit) == 1:
            return _result(query, schema, hit.iloc[0], score, [], method)
        if len(hit) > 1:
            cands = _candidates(pool, hit.index, [score] * len(hit))
            return _result(query, schema, None, score, cands, "ambiguous")
    return _fuzzy_match(query, schema, pool, typ, k_short, f_short, plain, cfg)


def _reading_pool(schema: str, level: str | None, province_code: str | None, typ: str) -> pd.DataFrame:
    """The reference units a reading may match: of ``level`` and the provinces given, and of the levels its
    type word allows when no level is given."""
    pool = keyed_units(schema)
    if level is not None:
        pool = pool[pool["unit_level"] == level]
    if province_code is not None:
        pool = pool[pool["province_code"].isin(province_code.split(","))]
    if level is None and typ:
        levels = _type_levels(typ)
        if levels:
            pool = pool[pool["unit_level"].isin(levels)]
    return pool


def _alias_match(query: str, schema: str, pool: pd.DataFrame, f_full: str, cfg: dict) -> UnitMatch | None:
    """The unit an alias of config/ names for this spelling, when it is one unit of the pool."""
    for a in aliases():
        if str(a.get("unit_schema", "legacy")) != schema:
            continue
        if fold(normalize_name(a["name"])).replace(" ", "") == f_full:
            hit = pool[pool["unit_code"] == str(a["unit_code"])]
            if a.get("unit_level"):
                hit = hit[hit["unit_level"] == a["unit_level"]]
            if len(hit) == 1:
                return _result(query, schema, hit.iloc[0], cfg["score_exact"], [], "alias")
    return None


def _key_steps(
    pool: pd.DataFrame, typ: str, keys: tuple[str, str, str, str], plain: bool, cfg: dict
) -> list[tuple[pd.Series, float, str]]:
    """The key comparisons tried in order, each (mask over the pool, score, method); ``keys``: the name's
    accent keys with and without its type word, then its folded keys (used only for a ``plain`` name)."""
    k_full, k_short, f_full, f_short = keys
    steps: list[tuple[pd.Series, float, str]] = []
    if typ:
        type_mask = pool["f_type"] == fold(typ).replace(" ", "")
        # another type word for the same name (a district made a town), never to or from a province's, and
        # never across levels: "Huyện Đồng Xuân" is not "Xã Đồng Xuân", "Thành phố Tuy Hòa" not "Phường Tuy Hòa"
        never = {fold(t).replace(" ", "") for t in cfg.get("type_differs_never", [])}
        changed = (
            ~type_mask
            & ~pool["f_type"].isin(never)
            & (fold(typ).replace(" ", "") not in never)
            & pool["f_type"].isin(_same_level_types(typ))
        )
        steps += [(pool["k_full"] == k_full, cfg["score_exact"], "exact")]
        if plain:
            steps += [(pool["f_full"] == f_full, cfg["score_no_diacritics"], "no_diacritics")]
        steps += [((pool["k_short"] == k_short) & changed, cfg["score_type_differs"], "type_differs")]
        if plain:
            steps += [((pool["f_short"] == f_short) & changed, cfg["score_type_differs"] - 3, "type_differs")]
    else:
        steps += [
            (pool["k_short"] == k_short, cfg["score_exact"], "exact"),
            (pool["k_full"] == k_full, cfg["score_exact"], "exact"),
        ]
        if plain:
            steps += [
                (pool["f_short"] == f_short, cfg["score_no_diacritics"], "no_diacritics"),
                (pool["f_full"] == f_full, cfg["score_no_diacritics"], "no_diacritics"),
            ]
    return steps


def _fuzzy_match(
    query: str, schema: str, pool: pd.DataFrame, typ: str, k_short: str, f_short: str, plain: bool, cfg: dict
) -> UnitMatch:
    """Fuzzy on the diacritic-free name without its type word, among units of that type when given (never
    of another level than the type word says); the best wins only above the threshold and by the margin."""
    fpool = pool
    if typ:
        same_type = pool[pool["f_type"] == fold(typ).replace(" ", "")]
        ftyp = fold(typ).replace(" ", "")
        never = {fold(t).replace(" ", "") for t in cfg.get("type_differs_never", [])}
        allowed = set() if ftyp in never else _same_level_types(typ) - never
        fpool = same_type if not same_type.empty else pool[pool["f_type"].isin(allowed)]
        if fpool.empty:
            return _result(query, schema, None, 0.0, [], "none")
    n = int(cfg["n_candidates"])
    found = process.extract(f_short, fpool["f_short"].to_dict(), scorer=fuzz.ratio, limit=max(n, 2))
    if not found:
        return _result(query, schema, None, 0.0, [], "none")
    cands = _candidates(pool, [i for _, _, i in found][:n], [s for _, s, _ in found][:n])
    best, second = found[0][1], (found[1][1] if len(found) > 1 else 0.0)
    top = pool.loc[found[0][2]]
    if not plain and top["f_short"] == f_short and top["k_short"] != k_short:
        return _result(query, schema, None, best, cands, "none")  # equal only without diacritics: not guessed
    if best >= cfg["threshold"] and best - second >= cfg["margin"]:
        return _result(query, schema, pool.loc[found[0][2]], best, cands, "fuzzy")
    return _result(query, schema, None, best, cands, "none")
