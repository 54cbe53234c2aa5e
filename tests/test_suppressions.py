"""Inline suppressions: scope (trailing, own line, block), and the rules that keep them honest."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import example, findings

from privacy_dsl.diagnostics import Diagnostic
from privacy_dsl.language.sources import SourceFile
from privacy_dsl.lint.config import parse_config
from privacy_dsl.lint.engine import lint_sources, lint_text

TODAY = dt.date(2026, 11, 25)

# HYG005 fires at the purpose's first line (no `use`); HYG006 at its `consent` line (line 4 below).
PURPOSE = """\
purpose stats {
  name "Statistics"
  basis legitimate_interests
  consent banner
}
"""


#: Appended to every snippet, after it, so that `consent banner` resolves.
CONSENT = "consent banner {\n  method opt_in\n}\n"


def lint(text: str, select: tuple[str, ...] = ("HYG005", "HYG006", "SUP"),
         today: dt.date = TODAY) -> list[Diagnostic]:
    return lint_text(text + CONSENT, "p.privacy", parse_config({"select": list(select)}), today=today)


def shown(diags: list[Diagnostic]) -> list[tuple[str, int, int]]:
    """(code, line, column) of the findings that are not suppressed."""
    return [(d.code, d.span.line, d.span.column) for d in diags if d.suppressed is None]


def hidden(diags: list[Diagnostic]) -> list[tuple[str, int, str | None]]:
    return [(d.code, d.span.line, d.suppressed) for d in diags if d.suppressed is not None]


def test_without_suppressions_both_findings_show() -> None:
    assert shown(lint(PURPOSE)) == [("HYG005", 1, 1), ("HYG006", 4, 3)]


# ---------------------------------------------------------------- scope


def test_trailing_suppression_covers_its_own_line_only() -> None:
    text = PURPOSE.replace("purpose stats {", "purpose stats { # privacy-dsl: ignore[HYG005] -- mapped later, PRIV-7")
    diags = lint(text)
    assert hidden(diags) == [("HYG005", 1, "mapped later, PRIV-7")]
    assert shown(diags) == [("HYG006", 4, 3)]


def test_trailing_suppression_on_the_block_line_does_not_cover_the_block() -> None:
    text = PURPOSE.replace("purpose stats {", "purpose stats { # privacy-dsl: ignore[HYG006] -- reviewed")
    assert shown(lint(text)) == [("HYG005", 1, 1), ("SUP003", 1, 17), ("HYG006", 4, 3)]


def test_own_line_suppression_before_a_block_covers_the_whole_block() -> None:
    text = "# privacy-dsl: ignore[HYG006] -- consent is the cookie's, see DPIA-3\n" + PURPOSE
    diags = lint(text)
    assert hidden(diags) == [("HYG006", 5, "consent is the cookie's, see DPIA-3")]
    assert shown(diags) == [("HYG005", 2, 1)]


def test_own_line_suppression_skips_blank_and_comment_lines() -> None:
    text = "# privacy-dsl: ignore[HYG005, HYG006] -- legacy\n\n# a plain comment\n" + PURPOSE
    assert shown(lint(text)) == []
    assert [c for c, _, _ in hidden(lint(text))] == ["HYG005", "HYG006"]


def test_own_line_suppression_inside_a_block_covers_the_next_statement_only() -> None:
    text = PURPOSE.replace("  consent banner", "  # privacy-dsl: ignore[HYG006] -- reviewed\n  consent banner")
    diags = lint(text)
    assert hidden(diags) == [("HYG006", 5, "reviewed")]
    assert shown(diags) == [("HYG005", 1, 1)]


def test_suppression_before_one_block_does_not_reach_the_next() -> None:
    text = "# privacy-dsl: ignore[HYG005] -- first only\n" + PURPOSE + PURPOSE.replace("stats", "other")
    diags = lint(text)
    assert hidden(diags) == [("HYG005", 2, "first only")]
    assert ("HYG005", 7, 1) in shown(diags)


def test_suppression_text_inside_a_string_is_not_a_comment() -> None:
    text = PURPOSE.replace('name "Statistics"', 'name "# privacy-dsl: ignore[HYG006] -- no"')
    assert shown(lint(text)) == [("HYG005", 1, 1), ("HYG006", 4, 3)]


def test_suppression_applies_per_file() -> None:
    files = [SourceFile("a.privacy", "# privacy-dsl: ignore[HYG005] -- reviewed\n" + PURPOSE + CONSENT),
             SourceFile("b.privacy", PURPOSE.replace("stats", "other"))]
    result = lint_sources(".", files, parse_config({"select": ["HYG005", "SUP"]}), today=TODAY)
    assert [(d.code, d.span.path, d.suppressed is not None) for d in result.diagnostics] == [
        ("HYG005", "a.privacy", True), ("HYG005", "b.privacy", False)]


def test_crlf_files_are_suppressed_by_line_like_lf_files() -> None:
    text = ("# privacy-dsl: ignore[HYG006] -- reviewed\n" + PURPOSE).replace("\n", "\r\n")
    assert shown(lint(text)) == [("HYG005", 2, 1)]


def test_resolution_errors_can_be_suppressed_and_an_unused_one_is_reported() -> None:
    text = "purpose p {\n  use essential\n  subjects ghost # privacy-dsl: ignore[E200] -- declared elsewhere\n}\n"
    assert shown(lint(text)) == []
    # on the block's line, the trailing suppression does not reach line 3: like a rule's, it is unused
    text = "purpose p { # privacy-dsl: ignore[E200] -- declared in another repo\n  use essential\n  subjects ghost\n}\n"
    assert shown(lint(text)) == [("SUP003", 1, 13), ("E200", 3, 12)]


# ---------------------------------------------------------------- what can be suppressed: one rule
# A code `lint` reports that leaves the input usable can be hidden inline and by `ignore` in the
# configuration; a fatal code, a code of another command or no code at all by neither.

GHOST = "purpose p {{\n  use essential\n  subjects ghost{comment}\n}}\n"


def _config_lint(text: str, ignore: list[str]) -> list[Diagnostic]:
    config = parse_config({"select": ["HYG005", "HYG006", "SUP"], "ignore": ignore})
    return lint_text(text + CONSENT, "p.privacy", config, today=TODAY)


@pytest.mark.parametrize("selector", ["E200", "undefined-reference", "resolution", "E2", "E"])
def test_config_ignore_hides_a_resolution_error(selector: str) -> None:
    text = GHOST.format(comment="")
    assert ("E200", 3, 12) in shown(lint(text))
    assert shown(_config_lint(text, [selector])) == []


def test_config_ignore_hides_the_bidi_warning() -> None:
    text = 'purpose p {\n  use essential\n  name "a\u202eb"\n}\n'
    assert [c for c, _, _ in shown(lint(text))] == ["E020"]
    assert shown(_config_lint(text, ["E020"])) == []


@pytest.mark.parametrize("selector", ["E100", "syntax-error", "E10", "E001"])
def test_config_ignore_of_a_fatal_code_is_a_configuration_error(selector: str) -> None:
    from privacy_dsl.lint.config import ConfigError

    with pytest.raises(ConfigError, match=r"makes the input unusable: it cannot be ignored"):
        parse_config({"ignore": [selector]})


def test_config_ignore_of_a_prefix_skips_the_fatal_codes_it_covers() -> None:
    config = parse_config({"ignore": ["E"]})  # E020 and E200-E206 are ignored; E100 still stops the run
    diags = lint_text("purpose {", "p.privacy", config)
    assert [(d.code, d.fatal) for d in diags] == [("E100", True)]


def test_config_ignore_of_an_unknown_code_is_an_error_with_a_suggestion() -> None:
    from privacy_dsl.lint.config import ConfigError

    with pytest.raises(ConfigError, match=r"`E2000` selects no rule; did you mean `E200`\?"):
        parse_config({"ignore": ["E2000"]})


def test_config_ignore_of_another_commands_code_says_which_command() -> None:
    from privacy_dsl.lint.config import ConfigError

    with pytest.raises(ConfigError, match=r"`VC001` is reported by `privacy-dsl verify-cookies`, not by `lint`"):
        parse_config({"ignore": ["VC001"]})


def test_config_ignore_and_an_inline_suppression_of_the_same_code_is_not_unused() -> None:
    text = GHOST.format(comment=" # privacy-dsl: ignore[E200] -- declared elsewhere")
    assert shown(_config_lint(text, ["E200"])) == []  # nothing to hide, but E200 is not reported in this run


@pytest.mark.parametrize(("code", "says"), [
    ("E100", "`E100` (syntax-error) makes the input unusable, so it cannot be suppressed"),
    ("E004", "`E004` (empty-file) makes the input unusable, so it cannot be suppressed"),
    ("VC001", "`VC001` is reported by `privacy-dsl verify-cookies`, not by `lint`"),
    ("EXP001", "`EXP001` is reported by `privacy-dsl export`, not by `lint`"),
    ("E999", "suppression names no such code: E999"),
])
def test_inline_suppression_of_a_code_it_cannot_hide_is_sup005(code: str, says: str) -> None:
    diags = lint(f"# privacy-dsl: ignore[{code}] -- reviewed\n" + PURPOSE)
    (sup,) = [d for d in diags if d.code == "SUP005"]
    assert says in sup.message and (sup.span.line, sup.span.column) == (1, 1)
    assert [c for c, _, _ in shown(diags)] == ["SUP005", "HYG005", "HYG006"]  # and it hides nothing


def test_inline_unknown_code_gets_a_suggestion() -> None:
    diags = lint("# privacy-dsl: ignore[E2000] -- reviewed\n" + GHOST.format(comment=""))
    assert next(d for d in diags if d.code == "SUP005").hint == "did you mean `E200`?"


# ---------------------------------------------------------------- SUP001-SUP005


def test_sup001_the_reason_is_required_and_without_it_nothing_is_hidden() -> None:
    text = "# privacy-dsl: ignore[HYG005, HYG006]\n" + PURPOSE
    diags = lint(text)
    assert shown(diags) == [("SUP001", 1, 1), ("HYG005", 2, 1), ("HYG006", 5, 3)]
    assert hidden(diags) == []


def test_sup001_an_empty_reason_counts_as_none() -> None:
    assert shown(lint("# privacy-dsl: ignore[HYG005, HYG006] --   \n" + PURPOSE)) == [
        ("SUP001", 1, 1), ("HYG005", 2, 1), ("HYG006", 5, 3)]


def test_sup002_blanket_suppression_works_and_is_reported() -> None:
    text = "# privacy-dsl: ignore -- legacy notice, rewrite planned\n" + PURPOSE
    diags = lint(text)
    assert shown(diags) == [("SUP002", 1, 1)]
    assert [c for c, _, _ in hidden(diags)] == ["HYG005", "HYG006"]


def test_sup002_and_sup003_for_a_blanket_suppression_that_matches_nothing() -> None:
    text = "# privacy-dsl: ignore -- legacy\ncategory c {\n  taxonomy user.name\n}\n" + PURPOSE
    assert shown(lint(text))[:2] == [("SUP002", 1, 1), ("SUP003", 1, 1)]


def test_sup003_precise_unused_code() -> None:
    text = "# privacy-dsl: ignore[HYG005, HYG003] -- reviewed\n" + PURPOSE
    diags = lint(text, ("HYG003", "HYG005", "HYG006", "SUP"))
    (unused,) = [d for d in diags if d.code == "SUP003"]
    assert (unused.span.line, unused.span.column) == (1, 1)
    assert "HYG003" in unused.message and "HYG005" not in unused.message


def test_sup003_is_not_reported_for_rules_that_are_not_selected() -> None:
    text = "# privacy-dsl: ignore[HYG005, TRN011] -- reviewed\n" + PURPOSE
    assert [c for c, _, _ in shown(lint(text))] == ["HYG006"]


def test_sup003_trailing_suppression_position() -> None:
    comment = "# privacy-dsl: ignore[HYG006] -- r"
    text = PURPOSE.replace("  basis legitimate_interests", "  basis legitimate_interests  " + comment)
    assert ("SUP003", 3, 31) in shown(lint(text))


@pytest.mark.parametrize(("today", "expired"), [
    (dt.date(2026, 2, 28), False),
    (dt.date(2026, 3, 1), False),   # the `until` day itself is still covered
    (dt.date(2026, 3, 2), True),
])
def test_sup004_expired_suppressions_stop_working_and_are_reported(today: dt.date, expired: bool) -> None:
    text = "# privacy-dsl: ignore[HYG006] until 2026-03-01 -- banner migration, PRIV-9\n" + PURPOSE
    diags = lint(text, today=today)
    if expired:
        assert shown(diags) == [("SUP004", 1, 1), ("HYG005", 2, 1), ("HYG006", 5, 3)]
        assert hidden(diags) == []
    else:
        assert shown(diags) == [("HYG005", 2, 1)]
        assert hidden(diags) == [("HYG006", 5, "banner migration, PRIV-9")]


def test_sup004_expired_suppression_is_not_also_reported_unused() -> None:
    text = "# privacy-dsl: ignore[HYG004] until 2020-01-01 -- old\n" + PURPOSE
    assert [c for c, _, _ in shown(lint(text))] == ["SUP004", "HYG005", "HYG006"]


@pytest.mark.parametrize("comment", [
    "# privacy-dsl: ignroe[HYG006] -- typo in the directive",
    "# privacy-dsl: ignore[HYG006] until 2026-13-01 -- no such month",
    "# privacy-dsl: ignore[HYG006] until soon -- not a date",
    "# privacy-dsl: ignore[HYG006] because reasons",
    "# privacy-dsl: ignore[] -- empty brackets are not a blanket suppression",
    "# privacy-dsl: ignore[HYG006] -- fix later until 2026-03-01",  # `until` after the reason would never expire
])
def test_sup005_malformed_suppressions_suppress_nothing(comment: str) -> None:
    diags = lint(comment + "\n" + PURPOSE)
    assert shown(diags) == [("SUP005", 1, 1), ("HYG005", 2, 1), ("HYG006", 5, 3)]


def test_sup005_unknown_rule_code() -> None:
    text = "# privacy-dsl: ignore[HYG006, HYG999] -- reviewed\n" + PURPOSE
    diags = lint(text)
    assert shown(diags) == [("SUP005", 1, 1), ("HYG005", 2, 1)]
    assert "HYG999" in next(d for d in diags if d.code == "SUP005").message


def test_sup005_suggests_the_code_for_a_near_miss() -> None:
    diags = lint("# privacy-dsl: ignore[hyg006] -- reviewed\n" + PURPOSE)
    assert next(d for d in diags if d.code == "SUP005").hint == "did you mean `HYG006`?"


def test_suppression_rules_can_be_turned_off() -> None:
    text = "# privacy-dsl: ignore -- legacy\n" + PURPOSE
    assert shown(lint(text, ("HYG005", "HYG006"))) == []


def test_ordinary_comments_mentioning_the_tool_are_not_directives() -> None:
    text = "# see privacy-dsl docs: ignore nothing here\n" + PURPOSE
    assert shown(lint(text)) == [("HYG005", 2, 1), ("HYG006", 5, 3)]


# ---------------------------------------------------------------- whole findings (Regal style)

#: What each SUP rule's documented Example gives: code, start, end (exclusive) and the message's args.
WHOLE = {
    "SUP001": [
        ("SUP001", (1, 18), (1, 46), {}),
    ],
    "SUP002": [
        ("SUP002", (1, 18), (1, 49), {}),
    ],
    "SUP003": [
        ("SUP003", (1, 18), (1, 71), {"codes": "CK002"}),
    ],
    "SUP004": [
        ("SUP004", (1, 18), (1, 76), {"until": "2020-01-01"}),
    ],
    "SUP005": [
        ("SUP005", (1, 18), (1, 62), {"codes": "CK999"}),
    ],
}


@pytest.mark.parametrize("code", sorted(WHOLE))
def test_the_documented_example_gives_the_whole_finding(code: str) -> None:
    assert [f for f in findings(example(code)) if f[0] == code] == WHOLE[code]
