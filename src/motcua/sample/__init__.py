"""The synthetic sample province: deterministic raw exports and the truth they encode.

``write_sample(out_dir)`` writes monthly form-06 workbooks for real units of
the reference list (default: Phú Yên's nine districts, January 2021 – June
2025), the legacy communes of two of them (:mod:`motcua.sample.communes`,
01/2024–06/2025) and, from July 2025 to November 2026, the 2025 communes and
the provincial level that succeed them (:mod:`motcua.sample.reform`). With
``messy=True`` (default) the district files carry the messiness real exports have:
both tone-mark styles, prefixes and abbreviations, the short
name, NFD, mojibake and missing diacritics; text numbers ("1.234");
a leading blank column, section rows, hierarchical STT, 2- and 3-row
headers with and without the "(1)…(13)" row; an extra rate column; a
quarterly file (overlapping its months); a cumulative-to-date file instead of
one month; one missing month; one inconsistent row; a re-issued (corrected)
monthly file; one dossier-level export (one district, one year, with fake
personal columns and the 766 columns of :mod:`motcua.sample.groups766`) replacing
that district's rows in the monthly files; a 766 score table of the districts; the
later files carry the reform's own messiness (see :mod:`motcua.sample.reform`).

``sample_truth(...)`` returns the panel those files encode — the panel the
clean stage must reproduce cell for cell. ``sample_defects(...)`` lists the
deliberate defects.

Every workbook is marked synthetic (keywords "motcua-synthetic", a visible
line in the title block); the same arguments give byte-identical files.
"""

from __future__ import annotations

from motcua.sample.panel import sample_defects, sample_truth
from motcua.sample.plan import DEFAULT_SEED
from motcua.sample.truth import DEFAULT_UNITS
from motcua.sample.workbook import SYNTHETIC_KEYWORD
from motcua.sample.write import write_sample

__all__ = ["write_sample", "sample_truth", "sample_defects", "DEFAULT_SEED", "DEFAULT_UNITS", "SYNTHETIC_KEYWORD"]
