"""The HHCRSP runs (routing/lab/hhcrsp_runs.py): variants set and put back, the summary's
figures, and a run on a published instance checked by the instances' own checker."""

from __future__ import annotations

from pathlib import Path

import pytest

import routing.care.exact as exact
from routing.lab.hhcrsp_runs import Run, applied, main, parse_variant, summary
from routing.search import GLS, ILS

HHCRSP = Path(__file__).resolve().parents[3] / "shared" / "benchmarks" / "hhcrsp"


def test_a_variant_reads_literals_and_objects_and_names_what_it_cannot_read() -> None:
    arm = parse_variant(
        "two=routing.care.exact.SEARCH_SHARE=0.5;routing.search.GLS=@routing.search.ILS"
    )
    assert arm.name == "two"
    assert arm.settings == (
        ("routing.care.exact", "SEARCH_SHARE", 0.5),
        ("routing.search", "GLS", ILS),
    )
    pair = parse_variant(
        "p=routing.care.exact.SEARCH_SHARE=@routing.search.GLS,@routing.search.ILS"
    )
    assert pair.settings[0][2] == (GLS, ILS)
    with pytest.raises(ValueError, match=r"scheduler\.planning is not a module the planner loads"):
        parse_variant("x=scheduler.planning.LIMIT=1")
    with pytest.raises(ValueError, match="has no NOPE"):
        parse_variant("x=routing.care.exact.NOPE=1")
    with pytest.raises(ValueError, match=r"'SEARCH_SHARE' is not module\.CONSTANT=VALUE"):
        parse_variant("x=SEARCH_SHARE")
    with pytest.raises(ValueError, match="expected NAME="):
        parse_variant("nothing")


def test_a_variant_holds_only_while_it_is_applied() -> None:
    share = exact.SEARCH_SHARE
    arm = parse_variant("v=routing.care.exact.SEARCH_SHARE=0.25")
    with applied(arm):
        assert exact.SEARCH_SHARE == 0.25
    assert share == exact.SEARCH_SHARE
    with pytest.raises(RuntimeError), applied(arm):
        raise RuntimeError("a solve that fails")
    assert share == exact.SEARCH_SHARE


def _run(instance: str, arm: str, seed: int, ratio: float) -> Run:
    return Run(instance, arm, seed, ratio, 0, 0, 10.0)


def test_the_summary_gives_medians_runs_within_and_seeds_better_than_main() -> None:
    ratios = {"main": [1.01, 1.05, 1.03], "v": [1.00, 1.06, 1.02]}
    runs = [_run("75_1", arm, seed, r) for arm, rs in ratios.items() for seed, r in enumerate(rs)]
    runs.append(_run("100_2", "main", 0, 1.10))
    lines = summary(runs, ["main", "v"])
    assert lines[0] == (
        "75_1: main 1.030 (1.030), within 1.02: 1 of 3; "
        "v 1.020 (1.027), within 1.02: 2 of 3, better than main on 2 of 3"
    )
    assert lines[1] == "100_2: main 1.100 (1.100), within 1.02: 0 of 1"
    assert lines[2] == "mean of medians: main 1.0650, v 1.0200"


def test_a_published_instance_is_solved_by_main_and_a_variant_and_checked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    if not (HHCRSP / "hhcrsp.py").exists():
        pytest.skip("the HHCRSP instances are not beside the repository")
    variant = "late=routing.care.solve.LNS_SHARE=0.5"
    main([str(HHCRSP), "--instances", "10_1", "--seeds", "3", "--limit", "1", "--variant", variant])
    out = capsys.readouterr().out
    assert "1 10_1 main seed 3 ratio 1.0" in out
    assert "2 10_1 late seed 3 ratio 1.0" in out
    assert "problems and violations: 0 in 2 answers" in out
    assert "command: python -m routing.lab.hhcrsp_runs" in out


def test_an_instance_not_in_the_folder_is_named(tmp_path: Path) -> None:
    (tmp_path / "best.md").write_text("")
    (tmp_path / "hhcrsp.py").write_text("def convert(inst): ...\n")
    with pytest.raises(FileNotFoundError, match="no instance 75_1"):
        main([str(tmp_path), "--instances", "75_1", "--seeds", "1"])
