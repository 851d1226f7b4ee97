"""The build's progress bar (units done / total, rate, ETA) and its closing summary."""

from __future__ import annotations

import io

from motcua import cli


def test_progress_bar_counts_done_of_total(monkeypatch) -> None:
    err = io.StringIO()
    monkeypatch.setattr(cli.sys, "stderr", err)
    bar = cli._Progress(enabled=True)
    bar("start", "", {"total": 3})
    bar("unit", "555", {"status": "ok"})
    bar("unit", "557", {"status": "failed"})
    text = err.getvalue()
    bar.close()
    assert "2/3" in text and "557: failed" in text
    assert "báo cáo/s" in text or "s/báo cáo" in text  # the rate
    assert "<" in text  # elapsed<remaining: the ETA


def test_progress_is_silent_when_not_a_terminal(monkeypatch) -> None:
    err = io.StringIO()
    monkeypatch.setattr(cli.sys, "stderr", err)
    bar = cli._Progress(enabled=False)
    bar("start", "", {"total": 3})
    bar("unit", "555", {"status": "ok"})
    bar.close()
    assert err.getvalue() == ""


def test_summary_lists_built_skipped_failed_with_reasons(capsys) -> None:
    from motcua.pipeline.stages import BuildResult, StageResult

    result = BuildResult(
        stages=[StageResult("clean", ran=True, seconds=4.42), StageResult("model", ran=False)],
        built=["555", "556"],
        skipped=["557", "province"],
        failed={"560": "KeyError: 'x'"},
        why={"555": ["panel", "trends"], "556": ["comparison"], "558": ["comparison"], "560": ["failed before"]},
    )
    assert cli._summarise(result, 1.25) == 1
    out = capsys.readouterr()
    assert "clean: ran (4.4 s)" in out.out and "model: up to date\n" in out.out
    assert "rebuilt because of: comparison (2); panel + trends (1); failed before (1)\n" in out.out
    assert "reports: 2 built, 2 up to date, 1 failed (1.2 s)" in out.out or "(1.3 s)" in out.out
    assert "motcua: unit 560 failed: KeyError: 'x'" in out.err
