"""What a count of dossiers counts: its metric from the words before and after it.

Grain: one count at a time, given the words since the previous figure of its clause (``left``) and the
words after it up to punctuation or "và" starting another part (``right``). Words of a specific metric
decide first (config/extract.yaml ``count_keywords``), then the nearest general verb.
"""

from __future__ import annotations

import re

from motcua.prose.vocab import Vocab


def _first_metric(window: str, vocab: Vocab, order: list[str]) -> tuple[str | None, int]:
    """The first metric of ``order`` whose keyword occurs in ``window``; and the keyword's end."""
    for metric in order:
        ms = list(vocab.count[metric].finditer(window))
        if ms:
            return metric, ms[-1].end()
    return None, -1


_SPECIFIC = [
    "returned",
    "pending_total",
    "resolved_late",
    "resolved_ontime",
    "carried_over",
    "received_online",
    "received_offline",
    "handled_total",
    "received_in_period",
]


_GENERIC_VERB = re.compile(
    r"^\s*(?:đã\s+|được\s+|đã\s+được\s+|chưa\s+được\s+)?(tiếp nhận|nhận|giải quyết|xử lý|trả kết quả)(?!\w)"
)


def classify_count(left: str, right: str, vocab: Vocab) -> tuple[str | None, bool]:
    """Metric of a count from the words before and after it; and whether it is "trước hạn" only.

    Specific words decide first, those after the count before those before it (returned/withdrawn, pending, late, on time, carried over, online,
    in person, handled, new in the period); pending with late words is pending overdue, pending with
    "trong hạn" pending on time (both check-only); otherwise the nearest general verb, a verb just
    after the count ("1.200 hồ sơ đã được giải quyết") winning.
    """
    window = left + " | " + right
    metric, _ = _first_metric(right, vocab, _SPECIFIC)  # the words right after "N hồ sơ" describe them
    if metric is None:
        metric, _ = _first_metric(window, vocab, _SPECIFIC)
    if metric == "returned":
        return "returned", False
    if metric == "pending_total":
        if vocab.count["resolved_late"].search(window):
            return "pending_overdue", False
        if vocab.count["pending_ontime_words"].search(window):
            return "pending_ontime", False
    if metric == "handled_total":  # "số hồ sơ phải/yêu cầu giải quyết" = form column 3
        metric = "received_total"
    if metric is None and re.search(r"tiếp nhận\s*(?:và|,)\s*(?:đã\s+)?giải quyết\s*$", left):
        return "received_total", False  # "tiếp nhận và giải quyết 17.710 hồ sơ": the dossiers received
    if metric is None:
        after = _GENERIC_VERB.match(right)
        if after:
            return ("received_total" if after.group(1) in ("tiếp nhận", "nhận") else "resolved_total"), False
        rec = [m.end() for m in vocab.count["received_total"].finditer(left)]
        res = [m.end() for m in vocab.count["resolved_total"].finditer(left)]
        if rec or res:
            metric = "received_total" if (max(rec) if rec else -1) >= (max(res) if res else -1) else "resolved_total"
        else:
            rec_r = vocab.count["received_total"].search(right)
            res_r = vocab.count["resolved_total"].search(right)
            metric = "received_total" if rec_r else ("resolved_total" if res_r else None)
    early = False
    if metric == "resolved_ontime":
        ontime_words = [m.group(0) for m in vocab.count["resolved_ontime"].finditer(window)]
        early = all(vocab.early_only.fullmatch(w) for w in ontime_words)
    return metric, early


def both_ontime(metric: str | None, early: bool, left: str, right: str, vocab: Vocab) -> bool:
    """ "đúng và trước hạn 1.900 hồ sơ": an on-time count that states the sum of both parts."""
    return metric == "resolved_ontime" and not early and bool(vocab.early_only.search(left + " | " + right))
