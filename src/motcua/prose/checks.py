"""Consistency of the facts of one document.

Grain: facts grouped by (unit scope, period). Checks, each adding a
"code: message" flag to every fact involved (never changing a value):

* a stated rate against the counts it is computed from ("47.563/47.590 … đạt
  99,47%" recomputes to 99,94 %: ``rate_mismatch`` with both numbers);
* parts against their total (``parts_sum_ok`` / ``parts_sum_mismatch``), trying the
  form-06 identities and the common prose variant where "trong kỳ" means in person;
* the components of a PAR-index score against the score (``components_sum_*``);
* the same metric stated twice with different values (``conflict``);
* a rank within its field (``rank_out_of_range``).

Changes ("tăng 8,48 điểm", "tăng 03 bậc so với năm 2021") give derived facts for
the comparison year, flagged ``derived``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import replace
from typing import TYPE_CHECKING

from motcua.numfmt import fmt_vi
from motcua.prose.conflicts import check_conflicts, is_inexact
from motcua.prose.vocab import Vocab

if TYPE_CHECKING:  # pragma: no cover
    from motcua.prose.core import Fact

_LABEL = {
    "received_total": "tổng tiếp nhận",
    "received_online": "trực tuyến",
    "received_offline": "trực tiếp/bưu chính",
    "carried_over": "kỳ trước chuyển sang",
    "received_in_period": "tiếp nhận trong kỳ",
    "resolved_total": "đã giải quyết",
    "resolved_ontime": "đúng và trước hạn",
    "resolved_early": "trước hạn",
    "resolved_ontime_part": "đúng hạn",
    "resolved_late": "quá hạn",
    "pending_total": "đang giải quyết",
}


def _group_key(f: Fact) -> tuple:
    p = f.period
    return (f.unit.key, (p.period_start, p.period_end) if p else None)


def rate_agrees(stated: float, computed: float, decimals: int, tol_pp: float) -> tuple[bool, str]:
    """Whether a stated percentage is the computed one as written (rounded or truncated to
    the decimals shown, or within ``tol_pp`` points); and how."""
    factor = 10**decimals
    if round(computed, decimals) == round(stated, decimals):
        return True, "làm tròn"
    if math.floor(computed * factor + 1e-9) / factor == round(stated, decimals):
        return True, "làm tròn xuống"
    if abs(computed - stated) <= tol_pp:
        return True, f"chênh {fmt_vi(abs(computed - stated), 2)} điểm %"
    return False, ""


def _pct(v: float) -> str:
    """A rate the article states in percent (0–100, not a proportion), as the flags write it: "99,47%"."""
    return fmt_vi(v, 2) + "%"


def _add(f: Fact, flag: str) -> None:
    if flag not in f.flags:
        f.flags.append(flag)


def _check_rate(rate: Fact, groups: dict, tol: float) -> None:
    fig = rate.fig
    decimals = fig.decimals if fig else 2
    link = rate.link
    stated = float(rate.value)
    num = den = None
    how = ""
    fallback = False
    den_fact_inexact = False
    targets = [rate]
    if link is not None and link.fig is not None and link.fig.kind == "fraction" and link.fig.denominator:
        num, den = float(link.value), float(link.fig.denominator)
        how = f"{fmt_vi(int(num))}/{fmt_vi(int(den))}"
        targets.append(link)
    else:
        g = groups.get(_group_key(rate), [])
        by = _by_metric(g)
        count_metric = {
            "ontime_rate": "resolved_ontime",
            "online_rate": "received_online",
            "offline_share": "received_offline",
            "late_share": "resolved_late",
        }.get(rate.metric)
        part = link if link is not None else (by.get(count_metric, [None])[0] if count_metric else None)
        if part is None:
            if rate.metric == "ontime_rate" and by.get("late_share"):
                late = by["late_share"][0]
                comp = 100 - float(late.value)
                ok, way = rate_agrees(stated, comp, decimals, tol)
                lv = fmt_vi(float(late.value)) + "%"
                msg = (
                    f"rate_ok: 100% − {lv} quá hạn = {_pct(comp)} ≈ {fmt_vi(stated)}% ({way})"
                    if ok
                    else f"rate_mismatch: 100% − {lv} quá hạn = {_pct(comp)} ≠ {fmt_vi(stated)}% nêu trong bài"
                )
                _add(rate, msg)
            return
        dens = {
            "ontime_rate": ["resolved_total", "received_total"],
            "late_share": ["resolved_total", "received_total"],
            "online_rate": ["received_total"],
            "offline_share": ["received_total"],
        }.get(rate.metric, ["received_total"])
        for i, dm in enumerate(dens):
            if by.get(dm):
                den = float(by[dm][0].value)
                den_fact_inexact = is_inexact(by[dm][0])
                num = float(part.value)
                how = f"{fmt_vi(int(num))}/{fmt_vi(int(den))} ({_LABEL.get(dm, dm)})"
                targets.append(part)
                fallback = i > 0
                break
        if den is None:
            return
    if not den:
        return
    comp = 100 * num / den
    ok, way = rate_agrees(stated, comp, decimals, tol)
    if ok:
        msg = f"rate_ok: {how} = {_pct(comp)} ≈ {fmt_vi(stated)}% nêu trong bài ({way})"
    elif any(is_inexact(t) for t in targets[1:]) or (fallback is False and den_fact_inexact):
        msg = (
            f"rate_approx: {how} = {_pct(comp)} ≠ {fmt_vi(stated)}% nêu trong bài; "
            f"số đếm là số ước lượng/làm tròn nên không kết luận là lệch"
        )
    elif fallback:
        msg = (
            f"rate_unverified: {how} = {_pct(comp)} ≠ {fmt_vi(stated)}% nêu trong bài; "
            f"bài không nêu mẫu số thường dùng nên chưa kết luận"
        )
    else:
        msg = f"rate_mismatch: {how} = {_pct(comp)} ≠ {fmt_vi(stated)}% nêu trong bài"
    for t in targets:
        if rate.aux and t is not rate:  # a share that is not a metric: say it on the count
            _add(t, msg.replace("rate_", "share_", 1))
        elif not rate.aux:
            _add(t, msg)


def _by_metric(g: list[Fact]) -> dict[str, list[Fact]]:
    by: dict[str, list[Fact]] = defaultdict(list)
    for f in g:
        if f.fig is not None and f.fig.kind == "component":
            continue
        if any(fl.startswith(("derived", "ontime_subset", "online_subset")) for fl in f.flags):
            continue
        by[f.metric].append(f)
    return by


_PARTS = {
    "received_total": [
        (["received_online", "received_offline", "carried_over"], ""),
        (["received_in_period", "carried_over"], ""),
        (["received_online", "received_offline"], ""),
        (
            ["received_online", "received_in_period", "carried_over"],
            "'trong kỳ' ở đây là hồ sơ trực tiếp (không gồm trực tuyến)",
        ),
    ],
    "received_in_period": [(["received_online", "received_offline"], "")],
    "resolved_total": [
        (["resolved_ontime", "resolved_late"], ""),
        (["resolved_early", "resolved_ontime_part", "resolved_late"], ""),
    ],
    "resolved_ontime": [(["resolved_early", "resolved_ontime_part"], "")],
}
_PARTS_STOCK = [(["resolved_total", "pending_total"], "đã giải quyết + đang giải quyết")]


def _check_parts(g: list[Fact]) -> None:
    by = _by_metric(g)
    for total_metric, combos in list(_PARTS.items()) + [("received_total", _PARTS_STOCK)]:
        for total in by.get(total_metric, []):
            tried = []
            for parts, note in combos:
                if not all(by.get(p) for p in parts):
                    continue
                facts = [by[p][0] for p in parts]
                s = sum(float(f.value) for f in facts)
                expr = " + ".join(f"{_LABEL[p]} {fmt_vi(int(f.value))}" for p, f in zip(parts, facts))
                if abs(s - float(total.value)) < 0.5:
                    msg = f"parts_sum_ok: {expr} = {fmt_vi(int(s))} = {_LABEL[total_metric]}" + (
                        f"; {note}" if note else ""
                    )
                    for f in facts + [total]:
                        _add(f, msg)
                    break
                approx = any(is_inexact(f) for f in facts + [total])
                tried.append((expr, s, approx))
            else:
                if tried:
                    expr, s, approx = tried[0]
                    code = "parts_sum_approx" if approx else "parts_sum_mismatch"
                    rel = "≈?" if approx else "≠"
                    msg = f"{code}: {expr} = {fmt_vi(int(s))} {rel} {_LABEL[total_metric]} {fmt_vi(int(total.value))}"
                    if approx:
                        msg += " (có số ước lượng/làm tròn: không kết luận là lệch)"
                    _add(total, msg)


def _check_components(g: list[Fact], tol: float) -> None:
    comps = [f for f in g if f.fig is not None and f.fig.kind == "component"]
    totals = [
        f
        for f in g
        if f.metric.endswith("_score") and f not in comps and not any(fl.startswith("derived") for fl in f.flags)
    ]
    if len(comps) < 2 or not totals:
        return
    s = sum(float(c.value) for c in comps)
    max_sum = sum(float(c.fig.denominator or 0) for c in comps)  # type: ignore[union-attr]
    for t in totals:
        if abs(s - float(t.value)) <= tol:
            msg = f"components_sum_ok: {len(comps)} thành phần cộng lại {fmt_vi(round(s, 2))} = {fmt_vi(float(t.value))} điểm"
        else:
            msg = f"components_sum_mismatch: {len(comps)} thành phần cộng lại {fmt_vi(round(s, 2))} ≠ {fmt_vi(float(t.value))} điểm"
        if max_sum:
            msg += f" (điểm tối đa cộng lại {fmt_vi(round(max_sum, 2))})"
        for f in comps + [t]:
            _add(f, msg)


def _check_conflicts(g: list[Fact]) -> None:
    check_conflicts(_by_metric(g))


def _derive(facts: list[Fact]) -> list[Fact]:
    out = []
    for ch in facts:
        if ch.metric not in ("score_change", "rank_change") or ch.ref_period is None:
            continue
        suffix = "_score" if ch.metric == "score_change" else "_rank"
        base = [
            f
            for f in facts
            if f.metric in ("par" + suffix, "index766" + suffix)
            and f.unit.key == ch.unit.key
            and f.period is not None
            and ch.period is not None
            and (f.period.period_start, f.period.period_end) == (ch.period.period_start, ch.period.period_end)
            and not (f.fig is not None and f.fig.kind == "component")
            and not f.aux
            and not any(fl.startswith("derived") for fl in f.flags)
            and ch.sentence - 1 <= f.sentence <= ch.sentence
        ]
        if not base:
            continue
        b = base[0]
        target_metric = b.metric
        said = ch.fig.token if ch.fig is not None else ""
        if ch.metric == "score_change":
            val = round(float(b.value) - float(ch.value), 4)
            how = f"{fmt_vi(float(b.value))} {'−' if ch.value >= 0 else '+'} {fmt_vi(abs(float(ch.value)))} điểm"
        else:
            val = int(b.value) + int(ch.value)
            how = f"hạng {int(b.value)} {'+' if ch.value >= 0 else '−'} {abs(int(ch.value))}"
        if target_metric.endswith("_rank") and val < 1:
            continue
        d = replace(
            ch,
            metric=target_metric,
            value=val,
            period=ch.ref_period,
            aux=False,
            link=None,
            ref_period=None,
            flags=[fl for fl in ch.flags if not fl.startswith("period_")]
            + [f"derived: không nêu trực tiếp; suy ra {how} từ '{said}' so với {_label(ch.ref_period)}"],
        )
        out.append(d)
    return out


def _label(p) -> str:
    """ "năm 2021" for a calendar year, else the dates ("01/01/2025–31/07/2025")."""
    if (p.period_start.month, p.period_start.day, p.period_end.month, p.period_end.day) == (
        1,
        1,
        12,
        31,
    ) and p.period_start.year == p.period_end.year:
        return f"năm {p.period_start.year}"
    return f"kỳ {p.period_start:%d/%m/%Y}–{p.period_end:%d/%m/%Y}"


def check_facts(facts: list[Fact], vocab: Vocab) -> list[Fact]:
    """All checks above, in place on ``facts`` (flags only), plus derived facts appended."""
    tol = vocab.rate_tolerance_pp
    groups: dict[tuple, list[Fact]] = defaultdict(list)
    for f in facts:
        groups[_group_key(f)].append(f)
    for f in facts:
        if any(fl.startswith("online_subset") for fl in f.flags):
            continue  # a share of fully/partly online dossiers is not the online count's share
        if f.metric in ("ontime_rate", "online_rate", "offline_share", "late_share", "share"):
            _check_rate(f, groups, tol)
    for g in groups.values():
        _check_parts(g)
        _check_components(g, vocab.score_tolerance)
        _check_conflicts([f for f in g if not f.aux])
    for f in facts:
        if f.metric.endswith("_rank_of"):
            ranks = [r for r in groups[_group_key(f)] if r.metric == f.metric[:-3] and r.pos == f.pos]
            for r in ranks:
                if not 1 <= float(r.value) <= float(f.value):
                    _add(r, f"rank_out_of_range: hạng {r.value} ngoài 1…{f.value}")
    derived = _derive(facts)
    return facts + derived
