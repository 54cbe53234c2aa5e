"""``fmt`` never changes what a suppression hides (issue 13 item 6).

A ``# privacy-dsl: ignore[...]`` comment covers findings by line, and formatting moves lines. fmt
keeps the common shapes covering the same findings and refuses the rest (``E190``, nothing
written); the property test checks, on mutated shipped policies with suppressions at random line
ends, that the lint outcome of the whole policy (codes, messages, suppressed or not) is the same
after fmt, or fmt refused.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import POLICIES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from privacy_dsl.cli.main import main
from privacy_dsl.language.parser import parse_text
from privacy_dsl.language.sources import SourceFile
from privacy_dsl.lint.config import Config
from privacy_dsl.lint.engine import lint_sources
from privacy_dsl.outputs.fmt import format_text

TODAY = dt.date(2026, 11, 25)
CONFIG = Config(jurisdictions=("eu", "no", "fr"))
_POSITION = re.compile(r"\S*:\d+:\d+|\(line \d+\)")
POLICY_DIRS = sorted(d for d in POLICIES.iterdir() if d.is_dir())


def outcome(files: list[tuple[str, str]]) -> Counter[tuple[str, str, str | None]]:
    """Every finding of the policy made of ``files``: code, message without positions, suppression."""
    result = lint_sources(".", [SourceFile(p, t) for p, t in files], CONFIG, TODAY)
    return Counter((d.code, _POSITION.sub("<position>", d.message), d.suppressed) for d in result.diagnostics)


def suppressed(text: str) -> list[tuple[str, str | None]]:
    result = lint_sources(".", [SourceFile("p.privacy", text)], CONFIG, TODAY)
    return sorted((d.code, d.suppressed) for d in result.diagnostics if d.code == "HYG002")


# ---------------------------------------------------------------- the two shapes of the issue

EXAMPLE_1 = "subject\n  customer # privacy-dsl: ignore[HYG002] -- not used yet\n"
EXAMPLE_2 = 'subject customer { name "C" } # privacy-dsl: ignore[HYG002] -- not used yet\n'


def test_a_suppression_on_a_continuation_line_is_not_made_to_hide_the_statement() -> None:
    """Joined onto one line, the suppression would start hiding HYG002: fmt refuses instead."""
    assert suppressed(EXAMPLE_1) == [("HYG002", None)]
    result = format_text(EXAMPLE_1, "p.privacy")
    assert result.output is None and not result.changed
    assert [(d.code, d.span.line, d.span.column) for d in result.diagnostics] == [("E190", 2, 12)]
    assert "start hiding findings" in result.diagnostics[0].message


def test_a_suppression_after_a_one_line_block_keeps_hiding_it() -> None:
    """Expanded, the block's `}` would carry the suppression and HYG002 would be reported: instead it
    goes on a line of its own before the block, which covers the whole block."""
    assert suppressed(EXAMPLE_2) == [("HYG002", "not used yet")]
    result = format_text(EXAMPLE_2, "p.privacy")
    assert result.output == ('# privacy-dsl: ignore[HYG002] -- not used yet\n'
                             'subject customer {\n  name "C"\n}\n')
    assert suppressed(result.output) == [("HYG002", "not used yet")]
    assert format_text(result.output).output == result.output  # stable


def test_a_plain_comment_after_a_one_line_block_stays_after_it() -> None:
    out = format_text('subject customer { name "C" }  # a note\n').output
    assert out == 'subject customer {\n  name "C"\n}  # a note\n'


def test_a_suppression_that_shares_its_line_with_a_closing_brace_is_refused() -> None:
    text = "purpose p {\n  use no.such.use } # privacy-dsl: ignore[E203] -- legacy key\n"
    result = format_text(text, "p.privacy")
    assert result.output is None and [d.code for d in result.diagnostics] == ["E190"]
    assert result.diagnostics[0].span.line == 2


def test_suppressions_at_the_end_of_statement_lines_stay_there() -> None:
    text = ("purpose   p {\n  use marketing.advertising # privacy-dsl: ignore[LAW001] -- reviewed\n"
            "  basis consent   # privacy-dsl: ignore[CON001] -- reviewed\n}\n")
    result = format_text(text)
    assert result.output is not None and result.diagnostics == ()
    lines = result.output.splitlines()
    assert lines[1].startswith("  use marketing.advertising") and "ignore[LAW001]" in lines[1]
    assert lines[2].startswith("  basis consent") and "ignore[CON001]" in lines[2]


@pytest.mark.parametrize("args", [["fmt"], ["fmt", "--check"], ["fmt", "--diff"]])
def test_the_command_writes_nothing_and_reports_e190(tmp_path: Path, args: list[str],
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.privacy"
    path.write_text(EXAMPLE_1)
    assert main([*args, str(path)]) == 2
    err = capsys.readouterr().err
    assert "p.privacy:2:12: E190 error: formatting would move this suppression" in err
    assert "internal error" not in err
    assert path.read_text() == EXAMPLE_1


# ---------------------------------------------------------------- the property


@st.composite
def suppressed_policies(draw: st.DrawFn) -> tuple[list[tuple[str, str]], int, str]:
    """A shipped policy with one file mutated: lines split or joined, suppressions of codes that the
    policy has findings for (and a few others) at random line ends and on lines of their own."""
    folder = draw(st.sampled_from(POLICY_DIRS))
    files = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.privacy"))]
    index = draw(st.integers(0, len(files) - 1))
    rnd = random.Random(draw(st.integers(0, 2**32)))
    codes = sorted({code for code, _, _ in outcome(files)} | {"HYG002", "CON007", "E203"})
    text = files[index][1]
    lines = []
    for line in text.split("\n"):
        if "#" not in line and '"' not in line and rnd.random() < 0.1:
            words = line.split(" ")
            cut = [i for i in range(1, len(words)) if words[i] and words[i - 1]]
            if cut:
                i = rnd.choice(cut)
                line = " ".join(words[:i]) + "\n    " + " ".join(words[i:])
        lines.append(line)
    text = "\n".join(lines)
    if rnd.random() < 0.5:
        text = re.sub(r"\n[ \t]*(?=[a-z}])", lambda mm: " " if rnd.random() < 0.1 else mm.group(0), text)
    lines = text.split("\n")
    rate = draw(st.sampled_from([0.05, 0.2, 0.5]))
    for i, line in enumerate(lines):
        sup = f"# privacy-dsl: ignore[{rnd.choice(codes)}] -- fuzz"
        if line.strip() and "#" not in line and rnd.random() < rate:
            lines[i] = line + " " * rnd.randint(1, 3) + sup
        elif not line.strip() and rnd.random() < rate / 4:
            lines[i] = sup
    return files, index, "\n".join(lines)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(suppressed_policies())
def test_property_fmt_keeps_the_lint_outcome_or_refuses(case: tuple[list[tuple[str, str]], int, str]) -> None:
    files, index, text = case
    name = files[index][0]
    if parse_text(text).document is None:
        return
    result = format_text(text, name)
    if result.output is None:
        assert [d.code for d in result.diagnostics] == ["E190"]
        return
    before = [*files[:index], (name, text), *files[index + 1:]]
    after = [*files[:index], (name, result.output), *files[index + 1:]]
    assert outcome(after) == outcome(before)
    assert format_text(result.output, name).output == result.output  # idempotent
