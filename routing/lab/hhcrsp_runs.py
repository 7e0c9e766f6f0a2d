"""The published home-care instances (HHCRSP) solved as the product solves them, with variants
of the planner beside main in the same run.

`python -m routing.lab.hhcrsp_runs DIR --instances 75_1,100_2 --seeds 161-180 [--limit 10]
[--variant NAME=module.CONSTANT=VALUE;...]`, DIR the folder of the instances with their
converter and checker (hhcrsp.py) and best.md. Each seed is solved by main and then by each
variant in turn, so the machine's load falls on every arm alike. A variant sets module
constants for its solves only: VALUE is a Python literal, or `@module.name[,@module.name...]`
for objects; a constant another module imports by name is set where it is read. Every answer
is checked by the instances' own checker and by validate.py. It prints one line per solve,
then per instance the median (mean) ratio to the best published objective, how many runs are
within 1.02 and, for a variant, on how many seeds it beat main; then the mean of the medians
and the command line (docs/benchmarks.md, HHCRSP).
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import json
import os
import platform
import shlex
import statistics
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from routing.exchange import problem_from_dict, solution_to_dict
from routing.params import SolveParams
from routing.solver import solve
from routing.travel import with_matrices
from routing.validate import hard_violations

WITHIN = 1.02  # issue 17's target: each instance within 2% of the best published objective
MAIN = "main"


@dataclass(frozen=True)
class Run:
    instance: str
    arm: str
    seed: int
    ratio: float
    problems: int  # the instances' checker's findings and validate.py's hard violations
    unassigned: int
    seconds: float


@dataclass(frozen=True)
class Arm:
    name: str
    settings: tuple[tuple[str, str, Any], ...]  # (module, constant, value)


def parse_variant(text: str) -> Arm:
    """`NAME=module.CONSTANT=VALUE;...` as an arm; the error names the part it cannot read."""
    name, sep, body = text.partition("=")
    if not sep or not name or not body:
        raise ValueError(f"--variant {text!r}: expected NAME=module.CONSTANT=VALUE;...")
    settings = []
    for part in filter(None, body.split(";")):
        target, sep, value = part.partition("=")
        module, _, constant = target.rpartition(".")
        if not sep or not module:
            raise ValueError(f"--variant {name}: {part!r} is not module.CONSTANT=VALUE")
        if not hasattr(_loaded(module, name), constant):
            raise ValueError(f"--variant {name}: {module} has no {constant}")
        settings.append((module, constant, _value(value, name)))
    return Arm(name, tuple(settings))


def _variant(text: str) -> Arm:
    try:
        return parse_variant(text)
    except (ValueError, SyntaxError, AttributeError) as e:
        raise argparse.ArgumentTypeError(str(e)) from e


def _loaded(module: str, variant: str) -> ModuleType:
    """A module of the planner, loaded with it: a variant imports nothing itself (an import by
    name would be invisible to the import contracts, tests/test_contracts.py)."""
    found = sys.modules.get(module)
    if found is None or not module.startswith("routing."):
        raise ValueError(f"--variant {variant}: {module} is not a module the planner loads")
    return found


def _value(text: str, variant: str) -> Any:
    if not text.startswith("@"):
        return ast.literal_eval(text)
    found = []
    for ref in text.split(","):
        module, _, name = ref.removeprefix("@").rpartition(".")
        found.append(getattr(_loaded(module, variant), name))
    return found[0] if len(found) == 1 else tuple(found)


@contextmanager
def applied(arm: Arm) -> Iterator[None]:
    """The arm's constants set for the duration, and put back after."""
    before = []
    try:
        for module, constant, value in arm.settings:
            owner = sys.modules[module]
            before.append((owner, constant, getattr(owner, constant)))
            setattr(owner, constant, value)
        yield
    finally:
        for owner, constant, value in reversed(before):
            setattr(owner, constant, value)


def checker(folder: Path) -> ModuleType:
    """The instances' converter and checker, hhcrsp.py beside them."""
    spec = importlib.util.spec_from_file_location("hhcrsp", folder / "hhcrsp.py")
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"{folder / 'hhcrsp.py'}: the instances' checker is missing")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def best_published(folder: Path) -> dict[str, float]:
    """Instance file -> best published total cost, from best.md's table."""
    best = {}
    for line in (folder / "best.md").read_text().splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 6 and cells[1].endswith(".json"):
            best[cells[1]] = float(cells[5])
    return best


def instance_file(folder: Path, short: str) -> Path:
    """`75_1` -> InstanzCPLEX_HCSRP_75_1.json (or InstanzVNS_...)."""
    found = sorted(folder.glob(f"Instanz*_HCSRP_{short}.json"))
    if not found:
        raise FileNotFoundError(f"--instances: no instance {short} in {folder}")
    return found[0]


def solve_one(hh: ModuleType, path: Path, best: float, arm: Arm, seed: int, limit: float) -> Run:
    inst = json.loads(path.read_text())
    problem = problem_from_dict(hh.convert(inst))
    with applied(arm):
        began = time.perf_counter()
        answer = solve(problem, SolveParams(limit, seed))
        seconds = time.perf_counter() - began
    objective, problems = hh.evaluate(inst, json.loads(json.dumps(solution_to_dict(answer))))
    broken = hard_violations(with_matrices(problem), answer)
    short = path.stem.split("_", 2)[2]
    faults = len(problems) + len(broken)
    return Run(short, arm.name, seed, objective / best, faults, len(answer.unassigned), seconds)


def summary(runs: Sequence[Run], arms: Sequence[str]) -> list[str]:
    """Per instance, each arm's median (mean) ratio, runs within 1.02 and, for a variant, the
    seeds on which it beat main; then the mean of the medians."""
    lines: list[str] = []
    medians: dict[str, list[float]] = {a: [] for a in arms}
    for instance in dict.fromkeys(r.instance for r in runs):
        by_arm = {
            a: {r.seed: r.ratio for r in runs if (r.instance, r.arm) == (instance, a)} for a in arms
        }
        cells = []
        for a, ratios in by_arm.items():
            if not ratios:
                continue
            median = statistics.median(ratios.values())
            medians[a].append(median)
            within = sum(x <= WITHIN for x in ratios.values())
            cell = f"{a} {median:.3f} ({statistics.mean(ratios.values()):.3f}), "
            cell += f"within {WITHIN}: {within} of {len(ratios)}"
            common = set(ratios) & set(by_arm[arms[0]])
            if a != arms[0] and common:
                better = sum(ratios[s] < by_arm[arms[0]][s] for s in common)
                cell += f", better than {arms[0]} on {better} of {len(common)}"
            cells.append(cell)
        lines.append(f"{instance}: " + "; ".join(cells))
    means = [f"{a} {statistics.mean(m):.4f}" for a, m in medians.items() if m]
    lines.append("mean of medians: " + ", ".join(means))
    lines.append(f"problems and violations: {sum(r.problems for r in runs)} in {len(runs)} answers")
    return lines


def seeds_of(text: str) -> list[int]:
    """`161-180` (both ends) or `1,5,9`."""
    if "-" in text:
        first, _, last = text.partition("-")
        return list(range(int(first), int(last) + 1))
    return [int(s) for s in text.split(",")]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--instances", default="75_1,75_2,100_1,100_2")
    parser.add_argument("--seeds", default="1-6")
    parser.add_argument("--limit", type=float, default=10.0)
    parser.add_argument("--variant", action="append", default=[], type=_variant)
    args = parser.parse_args(argv)
    hh, best = checker(args.folder), best_published(args.folder)
    arms = [Arm(MAIN, ()), *args.variant]
    paths = [instance_file(args.folder, s) for s in args.instances.split(",")]
    runs = []
    for seed in seeds_of(args.seeds):
        for path in paths:
            for arm in arms:
                run = solve_one(hh, path, best[path.name], arm, seed, args.limit)
                runs.append(run)
                print(
                    f"{len(runs)} {run.instance} {run.arm} seed {seed} ratio {run.ratio:.4f} "
                    f"problems {run.problems} unassigned {run.unassigned} {run.seconds:.1f}s",
                    flush=True,
                )
    print("\n".join(summary(runs, [a.name for a in arms])))
    print(f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    given = sys.argv[1:] if argv is None else list(argv)
    print("command: python -m routing.lab.hhcrsp_runs " + shlex.join(given))


if __name__ == "__main__":
    main()
