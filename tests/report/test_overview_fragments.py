"""The overview's fragment cache (units and ranking rows, quality section): a warm cache renders the cold page, a
correction re-renders the rows it changes and only those."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import motcua.report.overview as ov
from motcua.locations import fragment_cache
from motcua.report import province_overview
from motcua.report.fragment_cache import FragmentCache


def html(data: Path, cache: bool = True, lang: str = "vi") -> str:
    return "\n".join(s.html for s in province_overview(data, lang, cache=cache).sections)


@pytest.fixture()
def data(data_dir: Path, tmp_path: Path) -> Path:
    for p in filter(Path.is_file, data_dir.iterdir()):
        shutil.copy(p, tmp_path / p.name)
    return tmp_path


@pytest.fixture()
def caches(monkeypatch) -> list[FragmentCache]:
    """Every FragmentCache the overview opens."""
    seen: list[FragmentCache] = []

    class Recording(FragmentCache):
        def __init__(self, *a, **kw):
            super().__init__(*a, **kw)
            seen.append(self)

    monkeypatch.setattr(ov, "FragmentCache", Recording)
    return seen


def _rows(data: Path) -> int:
    """Rows the overview's fragments cover: one per unit in the units table, one per unit and rate ranked."""
    units = pd.read_parquet(data / "panel.parquet")["unit_code"].nunique()
    comp = pd.read_parquet(data / "comparison.parquet")
    return units + int(comp["rate"].isin(["ontime_rate_report", "online_rate"]).sum())


def test_warm_fragments_give_the_cold_page(data, caches):
    cold = html(data, cache=False)
    assert not fragment_cache(data).exists()
    assert html(data) == cold
    assert caches[-1].hits == 0 and caches[-1].misses == _rows(data) + 1  # + the quality section
    assert html(data) == cold
    assert caches[-1].misses == 0 and caches[-1].hits == _rows(data) + 1


def test_a_correction_re_renders_that_units_row_only(data, caches):
    html(data)
    panel = pd.read_parquet(data / "panel.parquet")
    code = sorted(panel["unit_code"].unique())[-1]
    row = (panel["unit_code"] == code) & (panel["period_start"] == panel["period_start"].max())
    panel.loc[row, ["received_total", "received_online"]] += 5
    panel.to_parquet(data / "panel.parquet", index=False)
    got = html(data)
    assert caches[-1].misses == 1  # its units row (the ranking rows show the model's tables, unchanged here)
    assert got == html(data, cache=False)
    assert code in got


def test_a_changed_trend_re_renders_its_rows(data, caches):
    html(data)
    summary = pd.read_parquet(data / "trend_summary.parquet")
    code = sorted(pd.read_parquet(data / "comparison.parquet")["unit_code"].unique())[0]  # a ranked unit
    at = (summary["unit_code"] == code) & (summary["rate"] == "online_rate")
    for c in ("slope_pp_per_year", "slope_low", "slope_high"):
        summary.loc[at, c] = summary.loc[at, c] + 3.0
    summary.to_parquet(data / "trend_summary.parquet", index=False)
    got = html(data)
    assert caches[-1].misses == 1  # its online-rate ranking row
    assert got == html(data, cache=False)


def test_quality_section_follows_quality_csv_and_is_not_read_while_unchanged(data, caches, monkeypatch):
    html(data)
    from motcua import products

    read = products.Product.read

    def no_quality(self, data, columns=None):
        if self is products.QUALITY:
            pytest.fail("quality.csv read although unchanged")
        return read(self, data, columns)

    monkeypatch.setattr(products.Product, "read", no_quality)
    html(data)
    monkeypatch.undo()
    q = pd.read_csv(data / "quality.csv", dtype=str, keep_default_na=False)
    assert len(q) > 1
    q.iloc[1:].to_csv(data / "quality.csv", index=False)
    got = html(data)
    assert got == html(data, cache=False)
    (data / "quality.csv").unlink()
    assert html(data) == html(data, cache=False)


def test_fragments_are_kept_per_language_and_a_torn_file_is_no_cache(data):
    for lang in ("vi", "en"):
        cold = html(data, cache=False, lang=lang)
        assert html(data, lang=lang) == cold
        assert (fragment_cache(data) / f"overview-{lang}.json").exists()
    path = fragment_cache(data) / "overview-vi.json"
    path.write_text(path.read_text(encoding="utf-8")[:100], encoding="utf-8")
    assert html(data) == html(data, cache=False)


def test_the_cache_keeps_only_what_the_last_build_used(data, caches):
    html(data)
    panel = pd.read_parquet(data / "panel.parquet")
    panel.loc[panel.index[0], "received_total"] += 1
    panel.to_parquet(data / "panel.parquet", index=False)
    html(data)
    assert len(FragmentCache(fragment_cache(data) / "overview-vi.json").entries) == _rows(data) + 1
