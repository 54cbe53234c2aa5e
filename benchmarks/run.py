"""The benchmark suite: ``python -m benchmarks`` prints a table of medians and ratios to floors.

Every figure is a median of repeated runs, and each is set beside a floor measured in the same run
on the same machine, so that the table means something on a busy or a slow machine:

- cold start: ``privacy-dsl lint`` of one 100-line policy (no cache) vs
  ``python -c "import lark; from pydantic import BaseModel"``; of the clean example policy
  (``policies/fjordkaffe``) vs ``yamllint -d relaxed`` on a docker-compose-like YAML file of the
  same line count (yamllint from a virtualenv of its own, ``--yamllint``, never a dependency of
  ours: the linter a user compares a hook with); ``--help``/``--version`` vs ``python -c pass``;
- throughput: a full lint of one policy (parse, model, resolution, every rule) in process vs a bare
  Lark LALR parse of the same text (no positions, a plain tree), at 1k, 10k and 100k lines. The
  garbage collector is paused for the bare parse too, as privacy-dsl pauses it while it parses
  (with it running, the bare parse is ~12 % slower, and the ratio looks better than it is);
- rule scaling: each rule's work (function calls) and CPU time at 10k and 100k lines, beside a
  plain pass over the same model;
- large repo: 1,000 policies of 100 lines, ``privacy-dsl lint --no-cache`` wall time, with worker
  processes and with ``--jobs 1``, beside one process's bare Lark parse of the same files;
- unchanged repo: the second run over the same repo, answered from the cache;
- peak memory (max RSS of one process) of the large-repo and 100k-line runs;
- peer (``--peer``): the same facts as a fideslang manifest checked with ``fides --local evaluate``,
  5 and 1,000 systems, from a virtualenv given with ``--fides`` (never a dependency of ours); ours
  both cold (``--no-cache``) and repeated on the unchanged policy.

Run it from a virtualenv with privacy-dsl installed the way users install it (``pip install .``),
so that start-up is what a hook sees: no editable-install path hooks, no shims.

Benchmarks are not tests: nothing here asserts a time. ``--write docs/performance.md`` keeps the
table with the machine it ran on.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .generate import compose_yaml, fides_manifest, policy_text, write_peer_policy, write_policy, write_repo

ROOT = Path(__file__).resolve().parent.parent
EXE = [sys.executable, "-m", "privacy_dsl"]
#: The console script of this interpreter's environment (what a hook runs). Not `shutil.which`:
#: a version manager's shim found first on PATH (pyenv's) adds ~70 ms of its own to every run.
_CLI = Path(sys.executable).with_name("privacy-dsl")


def _cli() -> list[str]:
    """The installed console script, else ``python -m privacy_dsl``."""
    return [str(_CLI)] if _CLI.is_file() else EXE


def _median_wall(cmd: list[str], runs: int, cwd: Path | None = None, env: dict[str, str] | None = None) -> float:
    """Median wall seconds of ``cmd``."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


#: Runs a command and prints the largest resident set of it and its descendants (KiB). Measured
#: from this small process, not from the benchmark's: a child forked from a large parent counts the
#: parent's pages until it execs, so the benchmark's own size would show up as the command's.
_PEAK = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
         "stderr=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def _peak_mib(cmd: list[str]) -> float:
    """Peak memory (max RSS, MiB) of one run of ``cmd``."""
    out = subprocess.run([sys.executable, "-c", _PEAK, *cmd], capture_output=True, text=True, check=True).stdout
    return int(out.strip()) / 1024


def _median(fn: Callable[[], object], runs: int) -> float:
    import gc

    times = []
    for _ in range(runs):
        enabled = gc.isenabled()
        gc.disable()  # for the floor as for ours (which pauses it while parsing)
        try:
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        finally:
            if enabled:
                gc.enable()
    return statistics.median(times)


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str, str]] = []

    def add(self, what: str, value: str, floor: str, ratio: str, target: str) -> None:
        self.rows.append((what, value, floor, ratio, target))
        print(f"{what:<44} {value:>12} {floor:>12} {ratio:>8}  {target}", flush=True)

    def markdown(self) -> str:
        out = ["| measure | value | floor | ratio | target |", "| --- | ---: | ---: | ---: | --- |"]
        out += [f"| {' | '.join(row)} |" for row in self.rows]
        return "\n".join(out)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _interleaved(commands: dict[str, list[str]], runs: int) -> dict[str, float]:
    """Median wall seconds of each command, run in turn (a, b, c, a, b, c, ...), so that a value
    and its floor see the same load on a shared machine."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            start = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def cold_start(table: Table, work: Path, runs: int, yamllint: Path) -> None:
    policy = write_policy(work / "one", 100)
    example = work / "example"  # the clean example policy, copied out of reach of this repository's config
    shutil.copytree(ROOT / "policies" / "fjordkaffe", example)
    lines = sum(f.read_text(encoding="utf-8").count("\n") for f in example.glob("*.privacy"))
    compose = work / "compose.yml"
    compose.write_text(compose_yaml(lines), encoding="utf-8")
    commands = {
        "floor": [sys.executable, "-c", "import lark; from pydantic import BaseModel"],
        "lint": [*_cli(), "lint", str(policy), "--no-cache"],
        "example": [*_cli(), "lint", str(example), "--no-cache"],
        "bare": [sys.executable, "-c", "pass"],
        "--help": [*_cli(), "--help"],
        "--version": [*_cli(), "--version"],
    }
    if yamllint.is_file():
        commands["yamllint"] = [str(yamllint), "-d", "relaxed", str(compose)]
    t = _interleaved(commands, runs)
    table.add("cold start: lint one 100-line policy", _ms(t["lint"]), _ms(t["floor"]),
              f"{t['lint'] / t['floor']:.2f}x", "<= 1.2x import floor")
    what = f"cold start: example ({lines} lines) vs yamllint"
    if "yamllint" in t:
        table.add(what, _ms(t["example"]), _ms(t["yamllint"]), f"{t['example'] / t['yamllint']:.2f}x",
                  "<= 1.0x yamllint -d relaxed")
    else:
        table.add(what, _ms(t["example"]), "", "", f"not compared: no {yamllint} (--yamllint)")
    for flag in ("--help", "--version"):
        table.add(f"cold start: privacy-dsl {flag}", _ms(t[flag]), _ms(t["bare"]), f"{t[flag] / t['bare']:.2f}x",
                  "<= 2x python -c pass")


def throughput(table: Table, runs: int, sizes: tuple[int, ...]) -> None:
    from lark import Lark

    from privacy_dsl.language.parser import grammar_path
    from privacy_dsl.language.sources import SourceFile
    from privacy_dsl.lint.config import Config
    from privacy_dsl.lint.engine import active_rules, lint_sources

    from .generate import lines_to_systems

    raw = Lark(grammar_path().read_text(encoding="utf-8"), parser="lalr")
    config = Config()
    rules = active_rules(config)
    for lines in sizes:
        text = policy_text(lines_to_systems(lines), violations=True)
        n = text.count("\n")
        reps = runs if lines <= 10_000 else max(1, runs // 3)
        floor = _median(lambda t=text: raw.parse(t), reps)
        ours = _median(lambda t=text: lint_sources(".", [SourceFile("p.privacy", t)], config, None, rules), reps)
        table.add(f"throughput: full lint, {n:,} lines", f"{n / ours:,.0f} l/s", f"{n / floor:,.0f} l/s",
                  f"{floor / ours:.2f}x", ">= 0.8x bare LALR parse" if lines == 10_000 else "linear")


def _cpu_per_run(fn: Callable[[], object], samples: int = 5, at_least: float = 0.005) -> float:
    """The least CPU seconds of one call of ``fn``: each sample repeats it until it has taken
    ``at_least`` seconds (a rule that takes microseconds is timed over many calls). CPU time, not
    wall time: on a shared machine the wall clock also counts the other processes' turns, which
    made a 20-microsecond rule look 100x slower at ten times the size."""
    import gc

    best = float("inf")
    for _ in range(samples):
        enabled = gc.isenabled()
        gc.disable()
        try:
            calls, start = 0, time.process_time()
            while True:
                fn()
                calls += 1
                spent = time.process_time() - start
                if spent >= at_least:
                    break
        finally:
            if enabled:
                gc.enable()
        best = min(best, spent / calls)
    return best


def _walk(policy: Any) -> int:
    """The floor of rule scaling: one pass over every reference of every purpose and cookie, the
    memory a linear rule reads. Its time grows by more than the size ratio too, once the model no
    longer fits in the processor's caches: a rule is linear when it grows no more than this."""
    seen = 0
    for purpose in policy.purposes.values():
        for refs in (purpose.categories, purpose.subjects, purpose.recipients):
            seen += sum(1 for r in refs if r.name)
    for cookie in policy.cookies:
        seen += sum(1 for r in cookie.purposes if r.name)
    return seen


def rule_scaling(table: Table, sizes: tuple[int, int]) -> None:
    """Each rule's work (Python function calls, which do not depend on the machine) and CPU time on
    the same policy at two sizes: linear rules grow by the ratio of the sizes in work, and in time
    by no more than a plain pass over the model (``_walk``) does."""
    import cProfile
    import pstats

    from privacy_dsl.language.parser import parse_text
    from privacy_dsl.language.resolve import resolve
    from privacy_dsl.lint.config import Config
    from privacy_dsl.lint.engine import active_rules
    from privacy_dsl.lint.rules.base import Context

    from .generate import lines_to_systems

    rules = active_rules(Config())
    calls: dict[int, dict[str, int]] = {}
    times: dict[int, dict[str, float]] = {}
    walk: dict[int, float] = {}
    for lines in sizes:
        document = parse_text(policy_text(lines_to_systems(lines), violations=True), "p.privacy").document
        assert document is not None
        policy, _ = resolve(".", [document])
        calls[lines], times[lines] = {}, {}
        walk[lines] = _cpu_per_run(lambda p=policy: _walk(p))
        for active in rules:
            def run(a: Any = active, p: Any = policy) -> None:
                list(a.rule.run(Context(policy=p, options=a.options)))
            profile = cProfile.Profile()
            profile.runcall(run)
            calls[lines][active.rule.code] = pstats.Stats(profile).total_calls  # type: ignore[attr-defined]
            times[lines][active.rule.code] = _cpu_per_run(run)
    small, large = sizes
    growth = large / small
    worst_calls = max(calls[small], key=lambda c: calls[large][c] / max(calls[small][c], 1))
    worst_time = max(times[small], key=lambda c: times[large][c] / max(times[small][c], 1e-9))
    total = {n: sum(times[n].values()) for n in sizes}
    table.add(f"rules: most growth in work, {small:,} -> {large:,} lines",
              f"{calls[large][worst_calls] / max(calls[small][worst_calls], 1):.1f}x {worst_calls}",
              f"{growth:.0f}x", "", "linear (<= size ratio)")
    table.add(f"rules: all {len(rules)}, CPU time, {small:,} -> {large:,} lines",
              f"{total[large] * 1000:.0f} ms", f"{total[small] * 1000:.1f} ms",
              f"{total[large] / total[small]:.1f}x", "linear")
    table.add(f"rules: most growth in time, {small:,} -> {large:,} lines",
              f"{times[large][worst_time] / max(times[small][worst_time], 1e-9):.1f}x {worst_time}",
              f"{walk[large] / walk[small]:.1f}x walk", "", "<= a pass over the model (the floor)")


def big_policy(table: Table, work: Path) -> None:
    """Wall time and peak memory of the command line on one 100,000-line policy."""
    policy = write_policy(work / "big", 100_000, violations=True)
    config = work / "big.toml"  # one file of ~3 MB: over the default limit for one policy file (1 MiB)
    config.write_text("max-file-bytes = 16_777_216\n", encoding="utf-8")
    done = subprocess.run([*_cli(), "lint", str(policy), "--no-cache", "--config", str(config), "--format", "concise"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    if done.returncode == 2:
        raise SystemExit(f"the 100k-line policy could not be linted:\n{done.stderr}")
    cmd = [*_cli(), "lint", str(policy), "--no-cache", "--config", str(config), "--format", "concise"]
    wall = _median_wall(cmd, 1)
    table.add("one 100k-line policy: wall, peak memory", _ms(wall), "", "", f"{_peak_mib(cmd):.0f} MiB max RSS")


#: The floor of the large repo: one process that starts, builds a bare Lark LALR parser (no
#: positions, a plain tree) and parses every file of the repository, the garbage collector paused.
_BARE_REPO = ("import gc, sys; from pathlib import Path; from lark import Lark; "
              "from privacy_dsl.language.parser import grammar_path; gc.disable(); "
              "raw = Lark(grammar_path().read_text(encoding='utf-8'), parser='lalr'); "
              "[raw.parse(p.read_text(encoding='utf-8')) for p in sorted(Path(sys.argv[1]).rglob('*.privacy'))]")


def large_repo(table: Table, work: Path, runs: int) -> None:
    repo = write_repo(work / "repo", 1000, 100, violations=True)
    floor = _median_wall([sys.executable, "-c", "import lark; from pydantic import BaseModel"], runs)
    t = _interleaved({
        "workers": [*_cli(), "lint", str(repo), "--no-cache", "--format", "concise"],
        "one": [*_cli(), "lint", str(repo), "--no-cache", "--jobs", "1", "--format", "concise"],
        "bare": [sys.executable, "-c", _BARE_REPO, str(repo)],
    }, runs)
    par, seq = t["workers"], t["one"]
    peak = _peak_mib([*_cli(), "lint", str(repo), "--no-cache", "--format", "concise"])
    table.add("large repo: 1,000 x 100 lines, workers", _ms(par), _ms(seq), f"{par / seq:.2f}x", "<= 600 ms")
    table.add("large repo: workers vs one-process bare parse", _ms(par), _ms(t["bare"]), f"{par / t['bare']:.2f}x",
              f"<= 0.45x on {os.cpu_count()} cores")
    table.add("large repo: files per second", f"{1000 / par:,.0f} files/s", f"{1000 / seq:,.0f} files/s",
              f"{seq / par:.2f}x", "")
    table.add("large repo: peak memory (max RSS of one process)", f"{peak:.0f} MiB", "", "", "")
    shutil.rmtree(repo / ".privacy-dsl-cache", ignore_errors=True)
    # The first run fills the cache; creating .privacy-dsl-cache/ changes the folder being linted,
    # which is trusted again 2 s later (cache.RACY_NS); the second run records what it printed.
    subprocess.run([*_cli(), "lint", ".", "--format", "concise"], cwd=repo, stdout=subprocess.DEVNULL, check=False)
    time.sleep(2.1)
    subprocess.run([*_cli(), "lint", ".", "--format", "concise"], cwd=repo, stdout=subprocess.DEVNULL, check=False)
    cached = _median_wall([*_cli(), "lint", ".", "--format", "concise"], runs, cwd=repo)
    table.add("unchanged repo: second run (cache)", _ms(cached), _ms(floor), f"{cached / floor:.2f}x",
              "<= 50 ms, no parser import")
    probe = subprocess.run(
        [sys.executable, "-c", "import sys; from privacy_dsl.cli.main import main; rc = main(['lint', '.', '--format', "
         "'concise']); print('IMPORTED', [m for m in ('lark', 'pydantic') if m in sys.modules], file=sys.stderr)"],
        cwd=repo, capture_output=True, text=True, check=False)
    imported = probe.stderr.strip().splitlines()[-1] if probe.stderr.strip() else "?"
    table.add("unchanged repo: heavy modules imported", imported.replace("IMPORTED ", ""), "", "", "[]")


def peer(table: Table, work: Path, fides: Path, runs: int) -> None:
    for systems in (5, 1000):
        manifest = work / f"fides{systems}"
        manifest.mkdir(exist_ok=True)
        (manifest / "systems.yml").write_text(fides_manifest(systems), encoding="utf-8")
        ours_dir = write_peer_policy(work / f"ours{systems}", systems)  # first: it settles while fides runs
        theirs = _median_wall([str(fides), "--local", "evaluate", str(manifest)], max(1, runs // 3), cwd=manifest)
        ours = _median_wall([*_cli(), "lint", str(ours_dir), "--no-cache"], max(1, runs // 3))
        table.add(f"peer: {systems} systems, fides --local evaluate vs us", _ms(ours), _ms(theirs),
                  f"{theirs / ours:.1f}x faster", ">= 20x faster at 1,000" if systems == 1000 else "")
        for _ in range(2):  # the first run fills the cache, the second records its output for replay
            subprocess.run([*_cli(), "lint", str(ours_dir)], cwd=work, stdout=subprocess.DEVNULL, check=False)
        again = _median_wall([*_cli(), "lint", str(ours_dir)], runs, cwd=work)
        table.add(f"peer: {systems} systems, unchanged, second run", _ms(again), _ms(theirs),
                  f"{theirs / again:.0f}x faster", "")


def rest(table: Table, work: Path, runs: int, args: argparse.Namespace) -> None:
    """Every section after the cold start."""
    if not args.quick:
        big_policy(table, work)
    throughput(table, runs, (1_000, 10_000) if args.quick else (1_000, 10_000, 100_000))
    rule_scaling(table, (1_000, 10_000) if args.quick else (10_000, 100_000))
    large_repo(table, work, runs)
    if args.peer:
        peer(table, work, args.fides, runs)


START, END = "<!-- benchmark table: start -->", "<!-- benchmark table: end -->"


def write_table(path: Path, measured: str) -> None:
    """Replace what lies between the markers in ``path`` (the prose around them is kept), or write
    a new file holding only the table."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = f"{head}{START}\n{measured}{END}{rest.split(END, 1)[1]}"
    else:
        text = f"# Performance\n\n{START}\n{measured}{END}\n"
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=11, help="repetitions per measure (median; default 11)")
    ap.add_argument("--quick", action="store_true", help="fewer runs, no 100k-line case")
    ap.add_argument("--peer", action="store_true", help="also run the fides comparison")
    ap.add_argument("--fides", type=Path, default=Path(".venv-fides/bin/fides"),
                    help="the fides executable for --peer (install it in a separate virtualenv)")
    ap.add_argument("--yamllint", type=Path, default=Path(".venv-yamllint/bin/yamllint"),
                    help="the yamllint executable the cold start is compared with (install it in a separate "
                    "virtualenv)")
    ap.add_argument("--only-cold-start", action="store_true", help="measure the cold start only")
    ap.add_argument("--write", type=Path, metavar="FILE",
                    help="put the table in this Markdown file, between its benchmark-table markers")
    args = ap.parse_args(argv)
    runs = 3 if args.quick else args.runs
    table = Table()
    print(f"{'measure':<44} {'value':>12} {'floor':>12} {'ratio':>8}  target")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cold_start(table, work, runs, args.yamllint)
        if not args.only_cold_start:
            rest(table, work, runs, args)
    if args.write:
        machine = (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
                   f"{platform.platform()}; load average {os.getloadavg()[0]:.2f} at the end")
        measured = (f"Measured with `python -m benchmarks{' --peer' if args.peer else ''}` on "
                    f"{time.strftime('%Y-%m-%d')} ({machine}). Each value is a median of {runs} runs; the "
                    f"floor is measured in the same run (see `benchmarks/run.py`).\n\n{table.markdown()}\n")
        write_table(args.write, measured)
        print(f"wrote {args.write}")
    return 0
