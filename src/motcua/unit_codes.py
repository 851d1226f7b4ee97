"""A unit code handed in as a parameter (papermill ``-p unit_code …``, a notebook's parameters cell).

Official unit codes are strings of digits of a fixed width per level: a province 2 (``"54"``), a district 3
(``"555"``, ``"001"``), a commune 5 (``"22015"``, ``"00004"``). papermill's ``-p`` reads ``001`` as the
integer 1, so a number is read back as the code it names: zero-padded to each level's width, and kept when
exactly one unit of the panel (of the era asked for) has that code at that level. A number that names no
unit, or units of two levels, is refused with a message that says how to pass the code as text.
"""

from __future__ import annotations

import numbers
from typing import Any

import pandas as pd

#: Digits of an official code, per level.
CODE_WIDTH = {"province": 2, "district": 3, "commune": 5}


def unit_code_param(value: Any, panel: pd.DataFrame | None = None, unit_schema: str | None = None) -> str:
    """The unit code ``value`` names, as the panel writes it.

    A string is the code itself. An integer (or a float with an integral value) is zero-padded to the width of
    each level (:data:`CODE_WIDTH`) and matched against the units of ``panel`` (of ``unit_schema`` when given
    and the panel has eras); without a panel it is refused. Raises ValueError with the remedy."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(
            f"unit code {value!r} ({type(value).__name__}) is not a code: pass the code as text, "
            "e.g. papermill -r unit_code 001"
        )
    if isinstance(value, numbers.Integral) or float(value).is_integer():
        number = int(value)
    else:
        raise ValueError(
            f"unit code {value!r} is not a whole number: pass the code as text, e.g. papermill -r unit_code 001"
        )
    hint = f"pass it as text with its leading zeros, e.g. papermill -r unit_code {str(number).zfill(3)}"
    if number < 0:
        raise ValueError(f"unit code {value!r} is negative: {hint}")
    if panel is None or "unit_code" not in panel:
        raise ValueError(f"unit code {value!r} was given as a number and there is no panel to read it against: {hint}")
    units = panel
    if unit_schema and "unit_schema" in units:
        units = units[units["unit_schema"] == unit_schema]
    codes = units["unit_code"].astype(str)
    levels = units["unit_level"].astype(str) if "unit_level" in units else None
    found = []
    for level, width in CODE_WIDTH.items():
        code = str(number).zfill(width)
        if len(str(number)) > width:
            continue
        here = codes == code
        if levels is not None:
            here &= levels == level
        if here.any():
            found.append((code, level))
    if len(found) == 1:
        return found[0][0]
    era = f" of era {unit_schema!r}" if unit_schema else ""
    if not found:
        tried = ", ".join(
            f"{str(number).zfill(w)!r} ({level})" for level, w in CODE_WIDTH.items() if len(str(number)) <= w
        )
        raise ValueError(
            f"unit code {value!r} was given as a number; no unit{era} has the code it names "
            f"({tried or 'none: too many digits'}): {hint}"
        )
    names = ", ".join(f"{code!r} ({level})" for code, level in found)
    raise ValueError(
        f"unit code {value!r} was given as a number and names units of two levels ({names}): "
        "pass the code as text with its leading zeros"
    )
