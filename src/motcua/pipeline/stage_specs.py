"""The stages of a build and the per-report fan-out, declared as data: notebook, parameters, inputs, outputs.

One :class:`StageSpec` per notebook run: the clean stage (notebook 10), the model stage (20), a unit report (30,
once per unit) and the overview (40, once, or once per province in a national analysis; the index is written
beside it). :mod:`motcua.pipeline.stages` takes each stage's notebook, parameters and outputs from here, and
:meth:`StageSpec.params` refuses a parameter the notebook's ``parameters`` cell does not declare, or a value of
another literal type than the cell's (:mod:`motcua.pipeline.nb_params`), before anything runs.

Inputs and outputs are file names in the DATA folder (the clean stage reads the raw inputs instead); an output
missing after the notebook ran fails the stage.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from motcua import locations as loc
from motcua import products


@dataclass(frozen=True)
class StageSpec:
    """One notebook run: ``parameters`` are the names handed to ``notebook`` (in this order), ``inputs`` the DATA
    files it reads, ``outputs`` the DATA files it must write (reports' pages are named per unit by
    :mod:`motcua.locations`, so a render's outputs are empty here)."""

    name: str
    notebook: str
    parameters: tuple[str, ...]
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    #: the executed notebook's file name (``{stem}``: a unit's or a province page's file stem)
    executed: str

    def notebook_path(self) -> Path:
        return loc.notebook(self.notebook)

    def params(self, **values: Any) -> dict[str, Any]:
        """The parameters handed to the notebook, in declared order; a name not declared here, one missing, or one
        the notebook's parameters cell does not declare (or declares with another literal type) raises ValueError
        naming the stage, the notebook and the key."""
        unknown = [k for k in values if k not in self.parameters]
        missing = [k for k in self.parameters if k not in values]
        if unknown or missing:
            raise ValueError(
                f"{self.name} ({self.notebook}): "
                + "; ".join(
                    [*([f"unknown parameter(s) {', '.join(unknown)}"] if unknown else [])]
                    + [*([f"parameter(s) not given: {', '.join(missing)}"] if missing else [])]
                )
                + f" (the stage declares {', '.join(self.parameters)})"
            )
        out = {k: values[k] for k in self.parameters}
        self.check(out)
        return out

    def check(self, params: dict[str, Any]) -> None:
        """Raise ValueError when ``params`` are not what the notebook's parameters cell declares (names and literal
        types)."""
        from motcua.pipeline.nb_params import check_parameters

        check_parameters(self.notebook_path(), params)

    def output_paths(self, data: Path) -> list[Path]:
        return [Path(data) / name for name in self.outputs]


#: The processed data files the render stage reads (unit reports and overview; declared in :mod:`motcua.products`);
#: their sha256 key the stage.
RENDER_INPUTS = tuple(p.file for p in products.render_inputs())

CLEAN = StageSpec(
    name="clean",
    notebook=loc.NOTEBOOK_CLEAN,
    parameters=("raw_paths", "out_dir", "cache_dir"),
    inputs=(),  # the raw files and folders given on the command line
    outputs=(loc.PANEL, loc.QUALITY, loc.CLEAN_META),
    executed="10_clean.ipynb",
)

MODEL = StageSpec(
    name="model",
    notebook=loc.NOTEBOOK_MODEL,
    parameters=("data_dir",),
    inputs=(loc.PANEL,),
    outputs=(loc.TRENDS, loc.TREND_SUMMARY, loc.COMPARISON, loc.CONTINUITY),
    executed="20_model.ipynb",
)

#: One per unit of the data, in both eras (the fan-out: :func:`motcua.pipeline.stages.render_stage`).
UNIT_REPORT = StageSpec(
    name="unit report",
    notebook=loc.NOTEBOOK_DISTRICT,
    parameters=("unit_code", "unit_schema", "data_dir", "lang"),
    inputs=RENDER_INPUTS,
    outputs=(),
    executed="30-{stem}.ipynb",
)

#: The province overview (``province`` ""), or one page per province of a national analysis.
OVERVIEW = StageSpec(
    name="overview",
    notebook=loc.NOTEBOOK_OVERVIEW,
    parameters=("data_dir", "lang", "province"),
    inputs=RENDER_INPUTS,
    outputs=(),
    executed="40_province_overview.ipynb",
)

#: A national analysis: the overview notebook once per province (``province``: its code).
PROVINCE_PAGE = StageSpec(
    name="province page",
    notebook=loc.NOTEBOOK_OVERVIEW,
    parameters=OVERVIEW.parameters,
    inputs=RENDER_INPUTS,
    outputs=(),
    executed="40-{stem}.ipynb",
)

#: Every stage, in build order.
STAGES = (CLEAN, MODEL, UNIT_REPORT, OVERVIEW, PROVINCE_PAGE)
