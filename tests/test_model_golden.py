"""The model's outputs, pinned: ``schema``, ``dump``, ``export`` (JSON and fides) and the JSON of
every ``Document`` (and resolved policy) of the shipped policies, the tests' policies and the
documented examples (``documents.jsonl``).

The goldens in ``tests/golden/model/`` were first captured with the pydantic model, before it
became plain dataclasses, and held byte for byte through that change. A change to the language
changes them on purpose: regenerate with ``UPDATE_GOLDEN=1 pytest tests/test_model_golden.py`` and
review the diff. The real notices of ``tests/corpus/`` are left out: their findings have their own
snapshot.
"""

from __future__ import annotations

import json
import os
import re

import pytest
from conftest import POLICIES, ROOT

from privacy_dsl.cli.main import main
from privacy_dsl.language import modeldata as md
from privacy_dsl.language.parser import parse_text
from privacy_dsl.language.resolve import resolve

GOLDEN = ROOT / "tests" / "golden" / "model"


UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def _check(name: str, got: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8"), f"{name} changed: review, then UPDATE_GOLDEN=1"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    capsys.readouterr()
    main(list(argv))
    return capsys.readouterr().out


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # paths in the output are as given on the command line


def test_schema(capsys: pytest.CaptureFixture[str]) -> None:
    _check("schema.json", _run(capsys, "schema"))


@pytest.mark.parametrize("name", ["fjordkaffe", "cifero"])
def test_dump_and_json_export(capsys: pytest.CaptureFixture[str], name: str) -> None:
    _check(f"dump-{name}.json", _run(capsys, "dump", os.path.join("policies", name)))
    _check(f"dump-{name}.json", _run(capsys, "export", os.path.join("policies", name), "--format", "json"))


@pytest.mark.parametrize("name", ["fjordkaffe", "cifero"])
def test_fides_export(capsys: pytest.CaptureFixture[str], name: str) -> None:
    out = _run(capsys, "export", os.path.join("policies", name), "--format", "fides", "--allow-missing")
    _check(f"fides-{name}.yml", out)


def _documents() -> dict[str, object]:
    out: dict[str, object] = {}
    corpus = ROOT / "tests" / "corpus"
    rel = sorted(p.relative_to(ROOT) for p in [*POLICIES.rglob("*.privacy"), *(ROOT / "tests").rglob("*.privacy")]
                 if not p.is_relative_to(corpus))
    for path in rel:
        result = parse_text((ROOT / path).read_text(encoding="utf-8", errors="replace"), str(path))
        if result.document is not None:
            out[str(path)] = json.loads(md.to_json(result.document))
    fence = re.compile(r"```privacy\n(.*?)```", re.S)
    chunks = [chunk for path in sorted([*(ROOT / "docs").rglob("*.md"), ROOT / "README.md"])
              for chunk in fence.findall(path.read_text(encoding="utf-8"))]
    for i, chunk in enumerate(chunks):
        result = parse_text(chunk, f"example{i}.privacy")
        if result.document is not None:
            out[f"example{i}"] = json.loads(md.to_json(result.document))
            out[f"example{i}:policy"] = json.loads(md.to_json(resolve(".", [result.document])[0]))
    return out


def test_every_document() -> None:
    got = _documents()
    if UPDATE:
        lines = (json.dumps({k: v}, sort_keys=True, separators=(",", ":")) for k, v in sorted(got.items()))
        (GOLDEN / "documents.jsonl").write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    want: dict[str, object] = {}
    for line in (GOLDEN / "documents.jsonl").read_text(encoding="utf-8").splitlines():
        want.update(json.loads(line))
    assert sorted(got) == sorted(want)
    for key, value in want.items():
        assert got[key] == value, key
