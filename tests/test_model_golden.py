"""The model's outputs are byte for byte what they were when it was made of pydantic models.

The goldens in ``tests/golden/model/`` were captured with the pydantic model, before it became
plain dataclasses (issue 14 item 6): ``schema``, ``dump``, ``export`` (JSON and fides) must not
change. ``documents.jsonl`` holds the JSON of every ``Document`` (and resolved policy) of the
shipped policies, the tests' policies and the documented examples; only its ``defaults`` blocks
changed shape then, when ``Defaults.values`` became typed (``PurposeDefaults``/``CookieDefaults``).
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


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    capsys.readouterr()
    main(list(argv))
    return capsys.readouterr().out


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # paths in the output are as given on the command line


def test_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "schema") == (GOLDEN / "schema.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["fjordkaffe", "cifero"])
def test_dump_and_json_export(capsys: pytest.CaptureFixture[str], name: str) -> None:
    want = (GOLDEN / f"dump-{name}.json").read_text(encoding="utf-8")
    assert _run(capsys, "dump", os.path.join("policies", name)) == want
    assert _run(capsys, "export", os.path.join("policies", name), "--format", "json") == want


@pytest.mark.parametrize("name", ["fjordkaffe", "cifero"])
def test_fides_export(capsys: pytest.CaptureFixture[str], name: str) -> None:
    out = _run(capsys, "export", os.path.join("policies", name), "--format", "fides", "--allow-missing")
    assert out == (GOLDEN / f"fides-{name}.yml").read_text(encoding="utf-8")


def _documents() -> dict[str, object]:
    out: dict[str, object] = {}
    rel = sorted(p.relative_to(ROOT) for p in [*POLICIES.rglob("*.privacy"), *(ROOT / "tests").rglob("*.privacy")])
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
    want: dict[str, object] = {}
    for line in (GOLDEN / "documents.jsonl").read_text(encoding="utf-8").splitlines():
        want.update(json.loads(line))
    got = _documents()
    assert sorted(got) == sorted(want)
    for key, value in want.items():
        assert got[key] == value, key
