"""Parsing is reentrant: threads that load, format and read test files at the same time each get
exactly what they get alone (``privacy_dsl.load`` is public API; editor integrations call it from
threads). With the old module-level sinks and the shared transformer, comments went to the other
thread's file and blocks to the other thread's model."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import privacy_dsl
from privacy_dsl.api import PolicyError
from privacy_dsl.language.parser import parse_text
from privacy_dsl.outputs import fmt
from privacy_dsl.query import policytest

THREADS = 4
ROUNDS = 6


def _policy(i: int) -> str:
    """A policy whose every id, comment and number is its own, with a reviewed suppression."""
    return f"""\
# the policy of shop {i}
controller "Shop {i}" {{  # trailing comment {i}
  email "dpo{i}@example.com"
}}
subject customer{i}
category email{i} {{ taxonomy user.contact.email }}   # the e-mail of shop {i}
# privacy-dsl: ignore[LAW003] -- reviewed for shop {i}
purpose ads{i} {{
  use marketing.advertising.third_party.targeted
  basis legitimate_interests
  categories email{i}
  subjects customer{i}
  retention {i + 1} years   # {i + 1} years at shop {i}
}}
purpose orders{i} {{ use essential.service basis contract categories email{i} retention {i + 2} months }}
"""


def _broken(i: int) -> str:
    """Syntax errors at different places, with comments before them."""
    return f"# broken {i}\n" * (i + 1) + f"purpose p{i} {{\n  # inside {i}\n  basis consen{'t' * (i % 2)}x\n}}\n"


def _invalid(i: int) -> str:
    """Parses, with a value error (E204) of its own."""
    return f"# invalid {i}\ncategory c{i} {{ taxonomy user.nonsense{i} }}\nrecipient r{i} {{ role boss{i} }}\n"


def _test_file(i: int) -> str:
    return f'# tests {i}\ntest "shop {i}" {{\n  allow orders{i} email{i}  # {i}\n  deny ads{i} email{i}\n}}\n'


def _inputs(root: Path) -> list[tuple[str, Callable[[], object]]]:
    """(name, job) per input: each job gives a value to compare (a repr, or what was raised)."""
    jobs: list[tuple[str, Callable[[], object]]] = []
    for i in range(5):
        for kind, text in (("ok", _policy(i)), ("broken", _broken(i)), ("invalid", _invalid(i))):
            folder = root / f"{kind}{i}"
            folder.mkdir()
            (folder / "policy.privacy").write_text(text, encoding="utf-8")
            jobs.append((f"load {kind}{i}", lambda folder=folder: _load(folder)))
            jobs.append((f"fmt {kind}{i}", lambda text=text, i=i: repr(fmt.format_text(text, f"p{i}.privacy"))))
            jobs.append((f"parse {kind}{i}", lambda text=text, i=i: repr(parse_text(text, f"p{i}.privacy"))))
        jobs.append((f"test file {i}", lambda i=i: repr(policytest.parse_test_text(_test_file(i), f"t{i}"))))
    return jobs


def _load(folder: Path) -> object:
    try:
        handle = privacy_dsl.load(folder)
    except PolicyError as exc:
        return ("PolicyError", str(exc), repr(exc.diagnostics))
    return repr(handle.model), repr(handle.diagnostics)


@pytest.fixture
def switching_often() -> Iterator[None]:
    """Threads switch every microsecond, so parses really interleave."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def test_threads_parsing_at_once_get_what_they_get_alone(tmp_path: Path, switching_often: None) -> None:
    jobs = _inputs(tmp_path)
    alone = {name: job() for name, job in jobs}
    barrier = threading.Barrier(THREADS)
    wrong: list[str] = []
    crashed: list[BaseException] = []

    def worker(offset: int) -> None:
        try:
            barrier.wait()
            for round_ in range(ROUNDS):
                # each thread walks the inputs in its own order, so different files are parsed at once
                start = (offset * 7 + round_ * 3) % len(jobs)
                for name, job in jobs[start:] + jobs[:start]:
                    if job() != alone[name]:
                        wrong.append(name)
        except BaseException as exc:
            crashed.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not crashed, crashed[:3]
    assert not wrong, f"{len(wrong)} of {THREADS * ROUNDS * len(jobs)} results differ: {sorted(set(wrong))[:10]}"


def test_a_parse_inside_a_parse_is_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reentrant: a parse started while another is building (here from the builder of a block)
    neither sees nor disturbs the outer one's state."""
    from privacy_dsl.language import taxonomy

    inner: list[object] = []
    data_uses = taxonomy.data_uses

    def uses_and_a_parse() -> object:  # called while a purpose's `use` is built
        if not inner:
            inner.append(parse_text(_broken(3), "inner.privacy"))
        return data_uses()

    outer_alone = parse_text(_policy(1), "outer.privacy")
    inner_alone = parse_text(_broken(3), "inner.privacy")
    monkeypatch.setattr(taxonomy, "data_uses", uses_and_a_parse)
    outer = parse_text(_policy(1), "outer.privacy")
    assert repr(outer) == repr(outer_alone)
    assert inner and repr(inner[0]) == repr(inner_alone)
