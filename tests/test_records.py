"""``records.dataclass``: real dataclasses, whose generated methods come precompiled from
``_dataclass_code.py`` (a hook's cold start), and compiled as usual wherever that does not apply."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys

import pytest
from conftest import ROOT

from privacy_dsl import records
from privacy_dsl.language import model as m
from privacy_dsl.records import generated as _dataclass_code

ON_ITS_PYTHON = records.fingerprint() == _dataclass_code.CREATE_FN


@pytest.mark.skipif(not ON_ITS_PYTHON, reason="the module is generated for another Python minor version")
def test_the_precompiled_methods_are_up_to_date() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "regen_dataclass_code.py"), "--check"],
                          capture_output=True, text=True, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.skipif(not ON_ITS_PYTHON, reason="the module is generated for another Python minor version")
def test_a_lint_compiles_none_of_the_methods_dataclasses_generates() -> None:
    """Every class on the path of ``privacy-dsl lint`` takes its methods from the generated module."""
    code = ("from privacy_dsl import records\n"
            "import privacy_dsl.lint.engine, privacy_dsl.lint.runner, privacy_dsl.cli.commands.lint\n"
            "import privacy_dsl.outputs.reporters.full, privacy_dsl.outputs.reporters.sarif\n"
            "assert records._CREATE_FN[0] is not None and not records.COMPILED, records.COMPILED\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_the_classes_are_dataclasses_as_dataclasses_makes_them() -> None:
    span = m.Span(path="p", line=1, column=2, end_line=3, end_column=4)
    assert dataclasses.is_dataclass(span) and [f.name for f in dataclasses.fields(span)][:2] == ["path", "line"]
    assert repr(span) == "Span(path='p', line=1, column=2, end_line=3, end_column=4)"
    assert span == m.Span(path="p", line=1, column=2, end_line=3, end_column=4) and hash(span) == hash(
        m.Span(path="p", line=1, column=2, end_line=3, end_column=4))
    with pytest.raises(dataclasses.FrozenInstanceError):
        span.line = 5  # type: ignore[misc]
    with pytest.raises(TypeError):
        m.Span(path="p", line=1)  # type: ignore[call-arg]
    assert dataclasses.replace(span, line=9).line == 9
    assert type(span).__init__.__module__ == "privacy_dsl.span" and type(span).__init__.__qualname__ == "Span.__init__"


def test_a_class_whose_methods_are_not_in_the_module_is_compiled_as_usual() -> None:
    before = len(records.COMPILED)

    @records.dataclass(frozen=True, slots=True)
    class Unheard:
        a_field_of_no_other_class: int
        another: str = "x"

    value = Unheard(1)
    assert repr(value).endswith(".Unheard(a_field_of_no_other_class=1, another='x')") and value == Unheard(1, "x")
    if ON_ITS_PYTHON:
        assert records.COMPILED[before:] == ["__init__", "__repr__", "__eq__", "__setattr__", "__delattr__",
                                             "__hash__"]


def test_another_create_fn_takes_no_precompiled_method(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Python whose ``_create_fn`` is not the one the texts were built for compiles everything."""
    monkeypatch.setattr(_dataclass_code, "CREATE_FN", "3.99:00000000")
    assert records._precompiled() is None


def test_a_python_without_create_fn_makes_its_dataclasses_as_usual(monkeypatch: pytest.MonkeyPatch) -> None:
    """Python 3.13 builds the methods without ``_create_fn``: nothing is precompiled, nothing breaks."""
    monkeypatch.delattr(dataclasses, "_create_fn")
    assert records.fingerprint() is None
    assert records._precompiled() is None
