"""Every ```privacy example in the README and docs/ parses, with valid values."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from conftest import ROOT

from privacy_dsl.language.parser import parse_text

FENCE = re.compile(r"```privacy\n(.*?)```", re.S)


def _examples() -> list[tuple[str, int, str]]:
    found = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            line = text.count("\n", 0, match.start()) + 2
            found.append((str(path.relative_to(ROOT)), line, match.group(1)))
    return found


EXAMPLES = _examples()


def test_the_docs_have_examples() -> None:
    assert len([e for e in EXAMPLES if e[0] == "docs/language.md"]) >= 15


@pytest.mark.parametrize(("path", "line", "source"), EXAMPLES, ids=[f"{p}:{n}" for p, n, _ in EXAMPLES])
def test_example_parses_with_valid_values(path: str, line: int, source: str) -> None:
    result = parse_text(source, path)
    problems = [f"{d.span.line + line - 1}:{d.span.column}: {d.code} {d.message}" for d in result.diagnostics]
    assert result.document is not None and problems == [], f"{path}:{line}: {problems}"


def test_language_reference_covers_every_statement_keyword() -> None:
    grammar = (ROOT / "grammar.lark").read_text(encoding="utf-8")
    keywords = set(re.findall(r'"([a-z_]+)"', grammar)) - {"yes", "no"}
    doc = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    missing = sorted(k for k in keywords if not re.search(rf"\b{k}\b", doc))
    assert missing == [], f"docs/language.md does not mention: {missing}"


@pytest.mark.network  # pip builds the wheel in an isolated environment: hatchling comes from the registry
def test_wheel_ships_the_grammar(tmp_path: Path) -> None:
    """A non-editable install must find grammar.lark inside the package."""
    import subprocess
    import sys
    import zipfile

    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(tmp_path), str(ROOT)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("privacy_dsl-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "privacy_dsl/grammar.lark" in names
    assert "privacy_dsl/data/taxonomy.json" in names and "privacy_dsl/data/countries.json" in names
    assert "privacy_dsl/data/parse_tables.json" in names  # the parsers load it; without it they build the table
    # The notice reads its wording from the compiled catalogues: every language's .mo ships.
    from privacy_dsl.locale import LOCALE_DIR

    for mo in LOCALE_DIR.glob("*/LC_MESSAGES/notice.mo"):
        assert f"privacy_dsl/locale/{mo.parent.parent.name}/LC_MESSAGES/notice.mo" in names
    assert not any("axe" in name for name in names)  # the accessibility checker is a test tool only


def test_readme_python_examples_run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})  # our own documentation
    assert "only for customer" in capsys.readouterr().out


def _tagged_repository(root: Path) -> None:
    """``root`` as a git repository on ``main`` with two tagged commits, v1.0 and v2.0."""
    import os
    import subprocess

    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "v1"], ["tag", "v1.0"],
                 ["commit", "-q", "--allow-empty", "-m", "v2"], ["tag", "v2.0"]):
        subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=root, env=env, check=True,
                       capture_output=True)


def test_readme_shell_examples_run_in_a_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Every `privacy-dsl ...` line of the README's ```sh blocks, run in a copy of this checkout's
    policies/, does its job: exit 0 or 1 (findings), never 2 (a usage or input error)."""
    import shlex
    import shutil

    from privacy_dsl.cli.main import main

    shutil.copytree(ROOT / "policies", tmp_path / "policies")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PRIVACY_DSL_CACHE_DIR", str(tmp_path / "cache"))
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [line.split("  #")[0].strip() for block in re.findall(r"```sh\n(.*?)```", text, re.S)
             for line in block.splitlines() if line.startswith("privacy-dsl ")]
    assert len(lines) >= 10
    if shutil.which("git") is None:  # .ci/run installs it
        lines = [line for line in lines if not line.startswith("privacy-dsl diff")]
    else:
        _tagged_repository(tmp_path)  # `diff v1.0 v2.0` and the merge base with main
    failed = []
    for line in lines:
        argv = shlex.split(line)[1:]
        argv = argv[:argv.index(">")] if ">" in argv else argv  # the output, not a file: captured here
        if argv[:2] == ["import", "fides"]:  # the reverse of the export: give it one
            pytest.importorskip("yaml")
            assert main(["export", "policies/fjordkaffe", "--format", "fides", "--output", argv[2]]) == 0
        code = main(argv)
        if code not in (0, 1):
            failed.append(f"{line} -> exit {code}: {capsys.readouterr().err[-300:]}")
        capsys.readouterr()
    assert failed == []


#: A block for every statement the generated reference says takes a list, written on two lines.
TWICE = [
    'policy "P" {\n  languages nb\n  languages en\n  claims no_cookies\n  claims no_profiling\n}\n',
    "purpose p {\n  use essential.service\n  use analytics.reporting\n  categories a\n  categories b\n"
    "  subjects s\n  subjects t\n  recipients r\n  recipients q\n  transfers x\n  transfers y\n}\n",
    "recipient r {\n  countries NO\n  countries US\n}\n",
    'cookie c {\n  domains "a.example"\n  domains "b.example"\n  purpose p\n  purpose q\n  consent a\n  consent b\n}\n',
    "category c {\n  received_from r\n  received_from q\n}\n",
    "rights {\n  offered access\n  offered erasure\n}\n",
    'consent c {\n  method opt_in\n  method opt_out\n  shown_in NO\n  shown_in SE\n  given_on "a.example"\n'
    '  given_on "b.example"\n  withdraw_via footer_button\n  withdraw_via cookie_settings\n}\n',
]


@pytest.mark.parametrize("source", TWICE)
def test_a_list_statement_given_twice_adds_up(source: str) -> None:
    """What the generated reference promises: a list may be written on several lines (no E205)."""
    result = parse_text(source, "p.privacy")
    assert result.document is not None and [d.code for d in result.diagnostics] == []
    (block,) = result.document.blocks
    lists = [v for f in dataclasses.fields(block) if isinstance(v := getattr(block, f.name), tuple) and v]
    assert lists and all(len(v) == 2 for v in lists), lists
