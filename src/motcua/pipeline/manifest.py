"""``REPORTS/manifest.json``: what each report is, whether it built, and from what.

One entry per unit (keyed by ``"<schema>:<code>"``, :func:`motcua.report.eras.unit_key`: a code may name a
unit in each era) and one for the province overview; in a national analysis (units in more than one province) the
overview is the national page of provinces and ``provinces`` holds one entry per province's overview, keyed by
its code.
``input_hash`` is the hash of exactly what the report shows and was built
from; an entry whose rebuild failed has status "failed", a one-line reason
and no hash, so the next build retries it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from motcua.files import atomic_write_text
from motcua.version import code_version

if TYPE_CHECKING:
    from motcua.pipeline.render_tasks import RenderTask
    from motcua.report.eras import ReportUnit

MANIFEST_VERSION = 2  # 2: entries carry unit_schema and unit_level, keyed by both


@dataclass
class ReportEntry:
    unit_code: str
    unit_name: str
    path: str  # relative to the reports folder
    status: str  # "ok" | "failed"
    reason: str
    input_hash: str
    code_version: str
    built_at: str
    notebook: str = ""
    #: a unit report's input-hash parts, each shortened (motcua.pipeline.unit_hash.fingerprint): tells the next
    #: build which of them changed when it rebuilds the report
    parts: dict[str, str] = field(default_factory=dict)
    unit_schema: str = ""  # the unit's era: "legacy", "2025" ("" for a panel without schemas)
    unit_level: str = ""  # district, commune, …

    @property
    def key(self) -> str:
        """``"<schema>:<code>"``, or the code alone without a schema (:func:`motcua.report.eras.unit_key`, which
        imports pandas: a no-op build reads the manifest without it)."""
        s = str(self.unit_schema or "")
        return f"{s}:{self.unit_code}" if s else str(self.unit_code)


@dataclass
class Manifest:
    reports: dict[str, ReportEntry] = field(default_factory=dict)
    overview: ReportEntry | None = None
    #: a national analysis: each province's overview (keyed by province code); empty for one province
    provinces: dict[str, ReportEntry] = field(default_factory=dict)
    code_version: str = ""
    built_at: str = ""
    lang: str = "vi"
    synthetic: bool = False
    #: hash of every input of the whole render stage, set only after a complete build with no failure:
    #: when it matches, a rebuild has nothing to do and need not read the data at all
    render_key: str = ""
    #: ``motcua build --units``: the render stage's input hash when these requests last left their reports
    #: up to date ({"key": …, "requests": {"555": ["legacy:555"], …}}): the same request with the same inputs has
    #: nothing to do and need not read the data either
    partial: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """The manifest at ``path``, or an empty one if missing or unreadable (then everything rebuilds)."""
        try:
            raw = json.loads(Path(path).read_text(encoding="utf-8"))
            if raw.get("version") != MANIFEST_VERSION:
                return cls()
            entries = [ReportEntry(**e) for e in raw.get("reports", [])]
            reports = {e.key: e for e in entries}
            ov = raw.get("overview")
            return cls(
                reports=reports,
                overview=ReportEntry(**ov) if ov else None,
                provinces={str(e["unit_code"]): ReportEntry(**e) for e in raw.get("provinces", []) or []},
                code_version=raw.get("code_version", ""),
                built_at=raw.get("built_at", ""),
                lang=raw.get("lang", "vi"),
                synthetic=bool(raw.get("synthetic", False)),
                render_key=str(raw.get("render_key", "")),
                partial=raw.get("partial") if isinstance(raw.get("partial"), dict) else {},
            )
        except (OSError, ValueError, TypeError, KeyError):
            return cls()

    def to_dict(self) -> dict[str, Any]:
        out = {
            "version": MANIFEST_VERSION,
            "code_version": self.code_version,
            "built_at": self.built_at,
            "lang": self.lang,
            "synthetic": self.synthetic,
            "render_key": self.render_key,
            "reports": [asdict(self.reports[k]) for k in sorted(self.reports)],
            "overview": asdict(self.overview) if self.overview else None,
        }
        if self.provinces:  # a one-province manifest stays as it was
            out["provinces"] = [asdict(self.provinces[k]) for k in sorted(self.provinces)]
        if self.partial:
            out["partial"] = self.partial
        return out

    def save(self, path: Path) -> None:
        atomic_write_text(path, json.dumps(self.to_dict(), indent=1, ensure_ascii=False) + "\n")


def record_results(
    manifest: Manifest,
    results: dict[RenderTask, dict[str, Any]],
    reports: Path,
    built_at: datetime,
    all_units: list[ReportUnit],
    wanted: set[str] | None,
) -> tuple[list[str], dict[str, str]]:
    """Enter each rendered task's outcome in ``manifest`` (an overview, a province page or a unit report); units no
    longer in the data leave it (their files are removed). Returns (the keys built, key → reason of those that
    failed — in this build, or before it for a unit outside ``wanted``)."""
    failed: dict[str, str] = {}
    built: list[str] = []
    for t, r in results.items():
        entry = ReportEntry(
            unit_code=t.unit.code
            if t.unit is not None
            else t.unit_code.removeprefix("province:")
            if t.kind == "province"
            else t.unit_code,
            unit_name=t.unit_name,
            path=str(t.html.relative_to(reports)),
            status=r["status"],
            reason=r["reason"],
            input_hash=t.input_hash if r["status"] == "ok" else "",
            code_version=code_version(),
            built_at=built_at.isoformat(),
            notebook=str(t.executed.relative_to(reports)),
            parts=t.parts if r["status"] == "ok" else {},
            unit_schema=str(t.unit.schema or "") if t.unit is not None else "",
            unit_level=t.unit.level if t.unit is not None else "",
        )
        if t.kind == "overview":
            manifest.overview = entry
        elif t.kind == "province":
            manifest.provinces[t.unit_code.partition(":")[2]] = entry
        else:
            manifest.reports[t.unit_code] = entry
        if r["status"] == "ok":
            built.append(t.unit_code)
        else:
            failed[t.unit_code] = r["reason"]
    # Units no longer in the data leave the manifest (their files are removed).
    current = {u.key for u in all_units}
    for code in list(manifest.reports):
        if code not in current:
            old = manifest.reports.pop(code)
            (reports / old.path).unlink(missing_ok=True)
    for code, entry in manifest.reports.items():
        if entry.status == "failed" and code not in failed and code not in built and wanted and code not in wanted:
            failed.setdefault(code, entry.reason)
    return built, failed
