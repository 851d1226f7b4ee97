"""Every page stays within config/report.yaml's byte budget (``page_max_bytes``), the largest page class included:
a province page of a national analysis, for the province with the most 2025 communes in the reference list.

Such a page holds a row per commune in its tables and a bounded number of chart panels (small multiples: at most
:data:`~motcua.report.overview_charts.MAX_PANELS`, ranking: at most ``MAX_RANKED_SHOWN``), so its charts must
stay light per panel whatever the number of communes: the fast tests hold the small multiples, every panel's series
its own, to a number of bytes per panel; the slow one renders the whole page of the largest province.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from motcua.config import load_config
from motcua.report.overview_charts import MAX_PANELS, small_multiples
from motcua.report.page_budget import DEFAULT_PAGE_MAX_BYTES, page_max_bytes
from motcua.report.strings import strings

#: Base64 bytes a small-multiples panel may take at most: the two small multiples of a province page at their
#: cap (48 panels) then take under 0.2 of the budget. Charts encoded as RGB took ~6,800 for a panel of online share.
PANEL_BYTES = 3_000


def _monthly(n_units: int, months: int = 17, seed: int = 1) -> pd.DataFrame:
    """One row per unit × month: a noisy online share and late dossiers of each unit's own (no two panels alike)."""
    rng = np.random.default_rng(seed)
    starts = pd.date_range("2025-07-01", periods=months, freq="MS")
    rows = []
    for k in range(n_units):
        level = rng.uniform(0.2, 0.9)
        shares = np.clip(level + rng.normal(0, 0.06, months), 0, 1)
        late = rng.poisson(rng.uniform(0.5, 12), months)
        for ps, share, n in zip(starts, shares, late):
            rows.append(
                {
                    "unit_code": f"{10000 + k:05d}",
                    "period_start": ps,
                    "period_end": ps + pd.offsets.MonthEnd(0),
                    "online_rate": float(share),
                    "resolved_late": float(n),
                }
            )
    return pd.DataFrame(rows)


@pytest.mark.parametrize(("column", "kind"), [("online_rate", "rate"), ("resolved_late", "count")])
def test_small_multiples_take_few_bytes_per_panel_and_stop_growing_at_their_cap(column: str, kind: str) -> None:
    S = strings("vi")
    mall = _monthly(MAX_PANELS + 12)
    names = {c: f"Phường Số {c[-3:]}" for c in mall["unit_code"].unique()}
    kw = {"kind": kind, "target": 0.5 if kind == "rate" else None, "alt": "alt", "caption": "caption"}
    full = small_multiples(mall, names, column, S, **kw)
    assert full.nbytes / MAX_PANELS <= PANEL_BYTES, f"{full.nbytes / MAX_PANELS:.0f} bytes a panel"
    capped = small_multiples(mall[mall["unit_code"].isin(sorted(names)[:MAX_PANELS])], names, column, S, **kw)
    assert full.height == capped.height and abs(full.nbytes - capped.nbytes) < 0.05 * capped.nbytes


def test_the_budget_is_read_from_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert page_max_bytes() == int(load_config().extra["report"]["page_max_bytes"]) == 1_500_000
    cfg = tmp_path / "config"
    import shutil

    shutil.copytree(load_config().root, cfg)
    (cfg / "report.yaml").write_text("page_max_bytes: 1234\n", encoding="utf-8")
    monkeypatch.setenv("MOTCUA_CONFIG", str(cfg))
    assert page_max_bytes() == 1234
    (cfg / "report.yaml").unlink()
    other = tmp_path / "config2"
    shutil.copytree(cfg, other)
    monkeypatch.setenv("MOTCUA_CONFIG", str(other))
    assert page_max_bytes() == DEFAULT_PAGE_MAX_BYTES  # an older configuration folder: the default


@pytest.mark.slow
def test_the_largest_province_page_is_within_the_budget(tmp_path: Path) -> None:
    import nbrun
    import synth
    import two_eras

    from motcua.config import project_root
    from motcua.report.export import notebook_to_html
    from motcua.report.national import page_name

    ref = pd.read_csv(project_root() / "src" / "motcua" / "reference" / "units.csv", dtype=str)
    communes = ref[(ref["unit_schema"] == "2025") & (ref["unit_level"] == "commune")]
    sizes = communes.groupby("province_code").size()
    code = str(sizes.idxmax())  # Thành phố Hồ Chí Minh: 168 communes
    mine = communes[communes["province_code"] == code]
    units = list(zip(mine["unit_code"], mine["unit_name"]))
    other = communes[communes["province_code"] != code].head(2)  # a second province: a national analysis
    name = str(mine["province_name"].iloc[0])
    panel = pd.concat(
        [
            two_eras._era(
                synth.fabricate_panel(units, months=17, start="2025-07-01", seed=5), "2025", "commune", (code, name)
            ),
            two_eras._era(
                synth.fabricate_panel(list(zip(other["unit_code"], other["unit_name"])), 17, 6, "2025-07-01"),
                "2025",
                "commune",
                (str(other["province_code"].iloc[0]), str(other["province_name"].iloc[0])),
            ),
        ],
        ignore_index=True,
    )
    data = synth.write_data_dir(tmp_path / "data", panel)
    nb = nbrun.run(
        project_root() / "notebooks" / "40_province_overview.ipynb",
        {"data_dir": str(data), "lang": "vi", "province": code},
    )
    html = notebook_to_html(nb, lang="vi", title=page_name(code, name), build_stamp="2026-12-07 12:00")
    size = len(html.encode("utf-8"))
    assert len(units) == sizes.max() and html.count("data:image/png;base64,") >= 7  # small multiples, ranking, funnels
    print(f"{name}: {size:,} bytes for {len(units)} communes")
    assert size <= page_max_bytes(), f"{name}: {size:,} bytes for {len(units)} communes"
