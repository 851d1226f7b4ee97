"""The table of data-quality findings for docs/bad-data.md, generated from the code.

Every rule of :data:`motcua.quality.RULES` (its Vietnamese and English description), with the severity
and action (kept, dropped, value_removed, derived, checked, file_skipped, dossiers_rejected) of each call in
src/motcua that records it, read with ``ast``; "set by the caller" where the call passes them as variables.

Usage: ``python scripts/bad_data_table.py`` prints the Markdown table (paste it into docs/bad-data.md).
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from motcua.quality import RULES, SEVERITIES  # noqa: E402


def handling() -> dict[str, set[tuple[str, str]]]:
    """rule → {(severity, action)} of the calls that record it with literal arguments."""
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for path in sorted((ROOT / "src" / "motcua").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            consts = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            rules = [c for c in consts if c in RULES]
            severity = [c for c in consts if c in SEVERITIES]
            if not rules or not severity:
                continue
            action = [k.value.value for k in node.keywords if k.arg == "action" and isinstance(k.value, ast.Constant)]
            found[rules[0]].add((severity[0], action[0] if action else "kept"))
    return found


def table() -> str:
    found = handling()
    lines = [
        "| rule | Vietnamese (as in quality.csv and the reports) | English | severity → action |",
        "|---|---|---|---|",
    ]
    for rule, (vi, en) in RULES.items():
        how = "; ".join(f"{s} → {a}" for s, a in sorted(found.get(rule, ()))) or "set by the caller"
        lines.append(f"| `{rule}` | {vi} | {en} | {how} |".replace("\n", " "))
    return "\n".join(lines)


if __name__ == "__main__":
    print(table())
