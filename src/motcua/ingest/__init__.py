"""Ingest: read raw exports (form 06, 07a, dossier lists, tidy CSV) and match unit names to official codes."""

from __future__ import annotations

from motcua.ingest.names import Candidate, UnitMatch, match_unit, normalize_name, reference_units

__all__ = ["Candidate", "UnitMatch", "match_unit", "normalize_name", "reference_units"]
