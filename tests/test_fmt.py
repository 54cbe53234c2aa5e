"""``privacy-dsl fmt``: the canonical layout, comments, line endings, the command and its writes."""

from __future__ import annotations

import os
import re
import stat
import textwrap
from pathlib import Path

import pytest
from conftest import POLICIES, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark
from strategies import GRAMMAR, padded_tokens

from privacy_dsl.atomic import ConcurrentModification, atomic_write_text
from privacy_dsl.cli.main import main
from privacy_dsl.language.parser import grammar_path, parse_text
from privacy_dsl.language.sources import display_path
from privacy_dsl.outputs.fmt import ORDER, FormatterBug, comment_texts, format_string, format_text, model_signature

SHIPPED = sorted(POLICIES.rglob("*.privacy"))


def fmt(text: str) -> str:
    return format_string(textwrap.dedent(text))


def same_model(a: str, b: str) -> bool:
    pa, pb = parse_text(a), parse_text(b)
    assert pa.document is not None and pb.document is not None
    return bool(model_signature(pa.document) == model_signature(pb.document))


# ---------------------------------------------------------------- layout


def test_indentation_spacing_and_one_statement_per_line() -> None:
    assert fmt('purpose   p  {  name "P"   basis consent use essential.service }') == (
        'purpose p {\n  name "P"\n  use essential.service\n  basis consent\n}\n')


def test_statements_take_the_canonical_order_and_repeated_ones_keep_theirs() -> None:
    out = fmt("""\
        purpose p {
          retention until consent_withdrawn
          basis legal_obligation "law"
          categories email
          retention 5 years
          basis consent
          name "P"
        }
        """)
    assert out.splitlines() == ["purpose p {", '  name "P"', '  basis legal_obligation "law"', "  basis consent",
                                "  categories email", "  retention until consent_withdrawn", "  retention 5 years",
                                "}"]


def test_every_block_kind_has_an_order_for_all_its_statements() -> None:
    grammar = grammar_path().read_text(encoding="utf-8")
    for block, stmt_rule in (("purpose", "purpose_stmt"), ("cookie", "cookie_stmt"), ("consent", "consent_stmt"),
                             ("controller", "controller_stmt"), ("category", "category_stmt"),
                             ("recipient", "recipient_stmt"), ("transfer", "transfer_stmt"),
                             ("authority", "authority_stmt"), ("policy", "policy_stmt"), ("dpo", "dpo_stmt"),
                             ("rights", "rights_stmt"), ("subject", "subject_stmt"), ("refers_to", "refers_to_stmt"),
                             ("representative_block", "representative_stmt"),
                             ("privacy_contact", "privacy_contact_stmt")):
        lines = grammar[grammar.index(f"\n{stmt_rule}:") + 1:].split("\n")
        rule_lines = [lines[0]]
        for line in lines[1:]:
            if not line.startswith((" ", "\t")):
                break
            rule_lines.append(line)
        body = "\n".join(rule_lines)
        aliases = set(re.findall(r"->\s*(\w+)", body))
        assert aliases <= set(ORDER[block]), (block, aliases - set(ORDER[block]))


def test_docs_formatting_md_states_the_order_in_use() -> None:
    doc = (ROOT / "docs" / "formatting.md").read_text(encoding="utf-8")
    keyword = {"consent_ref": "consent", "purpose_ref": "purpose", "cookie_category": "category",
               "recipient_ref": "recipient"}
    names = {"basis_legitimate_interests": "basis legitimate_interests", "defaults_purpose": "defaults purpose",
             "defaults_cookie": "defaults cookie", "defaults_purpose_here": "defaults purpose here",
             "defaults_cookie_here": "defaults cookie here", "representative_block": "representative"}
    for block, order in ORDER.items():
        row = re.search(rf"^\| `{names.get(block, block)}` \| (.*) \|$", doc, re.M)
        assert row is not None, block
        if row.group(1).startswith("as `"):
            continue
        # `representative "..."` and `representative { ... }` are one statement, in one place
        shown = [keyword.get(k, k) for k in order if k != "representative_block"]
        assert row.group(1).split(", ") == shown, block


def test_top_level_blocks_keep_their_order_and_single_blank_lines() -> None:
    src = "subject b\n\n\n\nsubject a\nsubject c\n"
    assert fmt(src) == "subject b\n\nsubject a\nsubject c\n"


def test_blank_lines_at_block_edges_and_file_edges_go() -> None:
    assert fmt("\n\n\npurpose p {\n\n  name \"P\"\n\n}\n\n\n") == 'purpose p {\n  name "P"\n}\n'


def test_localised_text_inline_when_written_inline_and_it_fits() -> None:
    assert fmt('subject s { name {   nb "Kunde"  en "Customer" } }') == (
        'subject s {\n  name { nb "Kunde" en "Customer" }\n}\n')


def test_localised_text_expanded_when_written_expanded_or_too_long() -> None:
    expanded = 'subject s {\n  name {\n    nb "Kunde"\n  }\n}\n'
    assert fmt('subject s { name {\n nb "Kunde" } }') == expanded
    long = "x" * 110
    out = fmt(f'subject s {{ name {{ nb "{long}" en "y" }} }}')
    assert out == f'subject s {{\n  name {{\n    nb "{long}"\n    en "y"\n  }}\n}}\n'
    assert all(len(line) <= 120 for line in out.splitlines() if long not in line)


def test_a_localised_certification_is_laid_out_like_every_localised_text() -> None:
    assert fmt('transfer t { certification {nb "Oppført"   en "Listed"} mechanism dpf }') == (
        'transfer t {\n  mechanism dpf\n  certification { nb "Oppført" en "Listed" }\n}\n')


def test_names_wrap_at_120_columns_with_a_continuation_indent() -> None:
    names = ", ".join(f"category_number_{i:02}" for i in range(12))
    out = fmt(f"purpose p {{ categories {names} }}")
    lines = out.splitlines()[1:-1]
    assert len(lines) > 1 and all(len(line) <= 120 for line in lines)
    assert lines[0].startswith("  categories category_number_00, ")
    assert all(line.startswith("    category_number_") for line in lines[1:])
    assert all(line.endswith(",") for line in lines[:-1])
    assert fmt(out) == out


def test_quoting_flags_and_durations_are_canonical() -> None:
    out = fmt(r'''
        cookie "_ga" {
          pattern yes
          expiry 1 days
          description "tab\there \é \"q\""
        }
        cookie "consent" { expiry 2 month }
        purpose p { retention 3 year after "last_order" retention until "account closed" }
        consent c { reject_button no granular yes minimum_age 013 }
        ''')
    assert "cookie _ga {\n  pattern\n  expiry 1 day\n" in out
    assert r'description "tab\there é \"q\""' in out
    assert 'cookie "consent" {\n  expiry 2 months\n}' in out  # a keyword stays quoted
    assert 'retention 3 years after last_order\n  retention until "account closed"' in out
    assert "reject_button no\n  granular\n  minimum_age 13\n" in out


def test_consent_lists_are_ordered_and_wrapped() -> None:
    long = "https://acme.example/" + "x" * 90
    out = fmt('''
        consent c { withdraw_via email "a@acme.example" ,footer_button,link "LONG", browser_settings
          description "d" given_on "https://a.example","https://b.example" method opt_in,continued_browsing
          shown_in EU,NO refusal_degrades_service yes withdraw "w" reject_button no }
        '''.replace("LONG", long))
    assert out == (
        "consent c {\n"
        "  method opt_in, continued_browsing\n"
        "  reject_button no\n"
        "  refusal_degrades_service\n"
        "  shown_in EU, NO\n"
        '  given_on "https://a.example", "https://b.example"\n'
        '  withdraw "w"\n'
        '  withdraw_via email "a@acme.example", footer_button,\n'
        f'    link "{long}",\n'
        "    browser_settings\n"
        '  description "d"\n'
        "}\n")


def test_retention_forms_and_their_categories() -> None:
    out = fmt('''
        purpose p { retention   up_to  1 years after "last_login"   for a,b
          retention criteria {nb "x"   en "y"}   for a
          retention criteria {
            nb "x"
          }
          retention law_permits "L" up_to 013 months for b retention archive "A" retention temporarily
          retention no_general_period for a }
        ''')
    assert out == ('purpose p {\n  retention up_to 1 year after last_login for a, b\n'
                   '  retention criteria { nb "x" en "y" } for a\n  retention criteria {\n    nb "x"\n  }\n'
                   '  retention law_permits "L" up_to 13 months for b\n  retention archive "A"\n'
                   '  retention temporarily\n  retention no_general_period for a\n}\n')
    assert fmt(out) == out
    # a text written over several lines with `for` after it is kept as written
    kept = 'purpose p {\n  retention criteria {\n    nb "x"\n  } for a\n}\n'
    assert fmt(kept) == kept
    names = ", ".join(f"category_number_{i:02}" for i in range(8))
    wrapped = fmt(f"purpose p {{ retention 6 months for {names} }}").splitlines()
    assert wrapped[1].startswith("  retention 6 months for category_number_00, ") and wrapped[2].startswith("    ")


def test_empty_blocks_and_optional_braces() -> None:
    assert fmt("subject s {}\nconsent c {}\ncontroller \"C\" { dpo {} }\n") == (
        'subject s\nconsent c {}\ncontroller "C" {\n  dpo {}\n}\n')
    assert fmt("purpose p { automated_decisions yes { } basis legitimate_interests { } }") == (
        "purpose p {\n  basis legitimate_interests\n  automated_decisions\n}\n")


def test_nested_blocks_are_indented_and_ordered() -> None:
    out = fmt("""\
        purpose p {
          basis legitimate_interests { balancing_test "LIA-1" interest "fraud" }
          automated_decisions { logic "score" exception contract }
        }
        """)
    assert out == textwrap.dedent("""\
        purpose p {
          basis legitimate_interests {
            interest "fraud"
            balancing_test "LIA-1"
          }
          automated_decisions {
            exception contract
            logic "score"
          }
        }
        """)


# ---------------------------------------------------------------- comments


def test_own_line_comments_move_with_their_statement_and_trailing_stay_on_their_line() -> None:
    src = textwrap.dedent("""\
        # about the purpose
        purpose p {  # opening
          # why this retention
          retention 5 years  # counted from the order
          name "P"  # the name
          # before the closing brace
        }  # closing
        # end of file
        """)
    out = format_string(src)
    assert out == textwrap.dedent("""\
        # about the purpose
        purpose p {  # opening
          name "P"  # the name
          # why this retention
          retention 5 years  # counted from the order
          # before the closing brace
        }  # closing
        # end of file
        """)
    assert comment_texts(parse_text(out).comments) == comment_texts(parse_text(src).comments)


def test_trailing_comments_of_consecutive_lines_are_aligned() -> None:
    out = fmt('purpose p {\n  use essential.service # a\n  basis consent # b\n}\n')
    assert out.splitlines()[1:3] == ["  use essential.service  # a", "  basis consent          # b"]


def test_a_comment_continued_on_aligned_lines_stays_one_comment() -> None:
    out = fmt("""\
        category c {
          special health              # Art. 9(1): racial_or_ethnic_origin,
                                      # political_opinions, ...
          taxonomy user.health_and_medical
        }
        """)
    assert out == textwrap.dedent("""\
        category c {
          taxonomy user.health_and_medical
          special health  # Art. 9(1): racial_or_ethnic_origin,
                          # political_opinions, ...
        }
        """)


def test_comments_inside_lists_and_texts_are_kept_in_place() -> None:
    out = fmt("""\
        purpose p {
          categories a, # first
            # then these
            b, c
          name {
            nb "N" # bokmål
            en "E"
          }
        }
        """)
    assert out == textwrap.dedent("""\
        purpose p {
          name {
            nb "N"  # bokmål
            en "E"
          }
          categories a,  # first
            # then these
            b, c
        }
        """)


def test_comment_inside_a_one_line_statement_moves_before_it() -> None:
    out = fmt("purpose p {\n  retention # odd place\n    5 years\n}\n")
    assert out == "purpose p {\n  # odd place\n  retention 5 years\n}\n"


def test_suppression_comments_keep_covering_what_they_covered() -> None:
    src = textwrap.dedent("""\
        # privacy-dsl: ignore[CK002] -- the vendor will not say
        cookie Webtemp {
          expiry persistent  # privacy-dsl: ignore[CK002] -- reason
          party first
        }
        """)
    out = format_string(src)
    assert out.splitlines()[0] == "# privacy-dsl: ignore[CK002] -- the vendor will not say"
    assert "  expiry persistent  # privacy-dsl: ignore[CK002] -- reason" in out.splitlines()


# ---------------------------------------------------------------- line endings, BOM, bad input


def test_crlf_and_bom_are_kept() -> None:
    src = "\ufeffsubject  a\r\nsubject b\r\n"
    result = format_text(src)
    assert result.output == "\ufeffsubject a\r\nsubject b\r\n"
    assert format_text("subject  a\nsubject b").output == "subject a\nsubject b\n"
    assert format_text("subject  a\rsubject b\r").output == "subject a\rsubject b\r"


def test_a_file_that_does_not_parse_has_no_output_and_a_positioned_diagnostic() -> None:
    result = format_text('purpose p {\n  name "x\n}\n', "bad.privacy")
    assert result.output is None and not result.changed
    assert [(d.code, d.span.line, d.span.column) for d in result.diagnostics] == [("E101", 2, 8)]


def test_semantic_errors_do_not_stop_formatting() -> None:
    out = fmt("purpose p {  use no.such.key }")
    assert out == "purpose p {\n  use no.such.key\n}\n"


def test_the_guard_refuses_output_that_would_change_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    import privacy_dsl.outputs.fmt as fmt_module

    monkeypatch.setattr(fmt_module, "quote", lambda value: '"changed"')
    with pytest.raises(FormatterBug):
        format_text('subject s { name "original" }')


# ---------------------------------------------------------------- shipped files and docs examples


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(POLICIES)))
def test_shipped_policies_format_idempotently_without_changing_the_model(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    once = format_string(text)
    assert format_string(once) == once
    assert same_model(text, once)


def test_shipped_policies_are_canonical() -> None:
    assert [p.name for p in SHIPPED if format_string(p.read_text(encoding="utf-8")) != p.read_text(
        encoding="utf-8")] == []


def _doc_examples() -> list[tuple[str, str]]:
    found = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        for i, match in enumerate(re.finditer(r"```privacy\n(.*?)```", text, re.S)):
            found.append((f"{path.relative_to(ROOT)}#{i}", match.group(1)))
    return found


def test_docs_examples_that_parse_format_idempotently_without_changing_the_model() -> None:
    checked = 0
    for where, text in _doc_examples():
        if parse_text(text).document is None:
            continue  # an example of a syntax error
        once = format_string(text)
        assert format_string(once) == once, where
        assert same_model(text, once), where
        checked += 1
    assert checked >= 10


# ---------------------------------------------------------------- properties

def _varied_tokens() -> dict[str, st.SearchStrategy[str]]:
    """Padded tokens, with strings, comments and whitespace varied for the formatter to lay out."""
    return padded_tokens(
        STRING=st.from_regex(r'\A"([a-zA-Z0-9 æøå§.,{}#-]|\\[nt"\\é])*"\Z').map(lambda s: f" {s} "),
        COMMENT=st.from_regex(r"\A#[ a-z{}\"]{0,12}\Z").map(lambda s: f" {s}\n"),
        WS=st.sampled_from([" ", "\n", "\n\n\n", "  \t", "\n  "]),
    )


def _check_properties(source: str) -> None:
    before = parse_text(source)
    assert before.document is not None
    once = format_string(source)
    assert format_string(once) == once  # idempotent
    after = parse_text(once)
    assert after.document is not None
    assert model_signature(after.document) == model_signature(before.document)  # same model
    assert comment_texts(after.comments) == comment_texts(before.comments)  # no comment lost
    assert all(line == line.rstrip() for line in once.splitlines())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(from_lark(GRAMMAR, explicit=_varied_tokens()))
def test_property_grammar_generated_documents(source: str) -> None:
    _check_properties(source)


@st.composite
def _respaced(draw: st.DrawFn) -> tuple[str, str]:
    """A shipped policy with its horizontal whitespace changed (same lines, same comments)."""
    text = draw(st.sampled_from([p.read_text(encoding="utf-8") for p in SHIPPED]))
    out = []
    for piece in re.split(r'("(?:[^"\\\n]|\\.)*"|#[^\n]*|[ \t]+)', text):
        if piece and piece.strip(" \t") == "":
            piece = draw(st.sampled_from([" ", "  ", "\t", "    "]))
        out.append(piece)
    return text, "".join(out)


@settings(max_examples=60, deadline=None)
@given(_respaced())
def test_property_horizontal_whitespace_does_not_matter(pair: tuple[str, str]) -> None:
    original, respaced = pair
    _check_properties(respaced)
    assert format_string(respaced) == format_string(original)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([p.read_text(encoding="utf-8") for p in SHIPPED]), st.randoms(use_true_random=False))
def test_property_statement_order_does_not_matter(text: str, rnd: object) -> None:
    """Shuffling the distinct statements of each block (comment-free lines) formats the same."""
    import random

    assert isinstance(rnd, random.Random)
    lines = text.split("\n")
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        keys = [ln.split()[0] for ln in run]
        if len(set(keys)) == len(keys):  # repeated statements keep their order: leave those alone
            rnd.shuffle(run)
        out.extend(run)
        run.clear()

    for line in lines:
        simple = re.fullmatch(r"  [a-z_]+ [^{}#]*", line) is not None and not line.rstrip().endswith(",")
        if simple:
            run.append(line)
        else:
            flush()
            out.append(line)
    flush()
    shuffled = "\n".join(out)
    if parse_text(shuffled).document is None:
        return
    assert format_string(shuffled) == format_string(text)


# ---------------------------------------------------------------- the command


def test_fmt_check_diff_and_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ugly = tmp_path / "a.privacy"
    ugly.write_text("subject   x\n", encoding="utf-8")
    ugly.chmod(0o640)
    clean = tmp_path / "b.privacy"
    clean.write_text("subject y\n", encoding="utf-8")
    assert main(["fmt", "--check", str(tmp_path)]) == 1
    assert f"Would reformat: {display_path(ugly)}" in capsys.readouterr().out
    assert main(["fmt", "--diff", str(ugly)]) == 1
    out = capsys.readouterr().out
    assert "-subject   x\n+subject x\n" in out and out.startswith("--- a/")
    assert ugly.read_text(encoding="utf-8") == "subject   x\n"  # --check and --diff write nothing
    before = clean.stat().st_mtime_ns
    assert main(["fmt", str(tmp_path)]) == 0
    assert ugly.read_text(encoding="utf-8") == "subject x\n"
    assert stat.S_IMODE(ugly.stat().st_mode) == 0o640  # mode kept
    assert clean.stat().st_mtime_ns == before  # an unchanged file is not rewritten
    assert main(["fmt", "--check", str(tmp_path)]) == 0
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_fmt_never_writes_a_file_that_does_not_parse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.privacy"
    bad.write_text("purpose   p {\n  name \"x\n}\n", encoding="utf-8")
    good = tmp_path / "good.privacy"
    good.write_text("subject   x\n", encoding="utf-8")
    assert main(["fmt", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "bad.privacy:2:8: E101" in err
    assert bad.read_text(encoding="utf-8") == "purpose   p {\n  name \"x\n}\n"
    assert good.read_text(encoding="utf-8") == "subject x\n"  # the others are still formatted


def test_fmt_paths_that_are_not_policy_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    assert main(["fmt", str(tmp_path / "notes.txt")]) == 2
    assert main(["fmt", str(tmp_path / "missing.privacy")]) == 2
    assert main(["fmt", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "notes.txt:1:1: E006 error: `" in err and "missing.privacy:1:1: E001" in err
    assert "E006 error: no `.privacy` files under" in err


def test_fmt_stdin(monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    import io
    import sys

    class Stdin:
        buffer = io.BytesIO(b"subject   x\r\n")

    monkeypatch.setattr(sys, "stdin", Stdin)
    assert main(["fmt", "-"]) == 0
    assert capsysbinary.readouterr().out == b"subject x\r\n"


# ---------------------------------------------------------------- atomic writes


def test_atomic_write_keeps_mode_follows_symlinks_and_refuses_concurrent_edits(tmp_path: Path) -> None:
    target = tmp_path / "p.privacy"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o600)
    link = tmp_path / "link.privacy"
    link.symlink_to(target)
    atomic_write_text(link, "new\n")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with pytest.raises(ConcurrentModification):
        atomic_write_text(target, "newer\n", if_unchanged=b"old\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.privacy", "p.privacy"]


def test_atomic_write_failure_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "p.privacy"
    target.write_text("old\n", encoding="utf-8")

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        atomic_write_text(target, "new\n")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["p.privacy"]


def test_rights_limits_denials_and_scoped_defaults_are_laid_out() -> None:
    src = ('rights { denied erasure,portability   for a,b law  "Act § 1" { en "x"  nb "y" } offered access\n'
           ' limited access "z" }\ndefaults cookie here {party first kind cookie}\n'
           'policy "P" { bases contract,consent  languages en }\n')
    assert fmt(src) == (
        "rights {\n"
        "  offered access\n"
        '  limited access "z"\n'
        '  denied erasure, portability for a, b law "Act § 1" { en "x" nb "y" }\n'
        "}\n"
        "defaults cookie here {\n  kind cookie\n  party first\n}\n"
        'policy "P" {\n  languages en\n  bases contract, consent\n}\n')


def test_the_two_forms_of_representative_keep_their_order() -> None:
    """Hypothesis found it: `representative { }` then `representative "..."` is one statement given
    twice (E205, the first is used); reordering the two forms would change which one is used."""
    src = 'controller "" {\n  representative {}\n  representative ""\n}\n'
    assert fmt(src) == src
    swapped = 'controller "" {\n  representative ""\n  representative {}\n}\n'
    assert fmt(swapped) == swapped
