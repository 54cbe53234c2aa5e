"""Hypothesis: grammar-generated documents model; any text or mutation yields diagnostics only.

The example counts are small for every run; `python scripts/fuzz.py` runs the same properties long,
and saves any input that breaks one in tests/fuzz_regressions/, which every run replays.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest
from conftest import POLICIES, ROOT, TODAY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark
from strategies import GRAMMAR, padded_tokens

from privacy_dsl.diagnostics import Diagnostic
from privacy_dsl.language.parser import parse_text
from privacy_dsl.lint.config import Config
from privacy_dsl.lint.engine import lint_text

SHIPPED = sorted(p.read_text(encoding="utf-8") for p in POLICIES.rglob("*.privacy"))
CONFIG = Config()
EXAMPLES = int(os.environ.get("PRIVACY_DSL_FUZZ_EXAMPLES", "200"))
CORPUS = ROOT / "tests" / "fuzz_regressions"


def _inside(diag: Diagnostic, text: str) -> bool:
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    span = diag.span
    if not 1 <= span.line <= len(lines) or not span.line <= span.end_line <= len(lines):
        return False
    return 1 <= span.column <= len(lines[span.line - 1]) + 1


def _check(source: str, generated: bool = False) -> None:
    """The invariants; an input that breaks one is kept in the corpus when fuzzing long."""
    try:
        if generated:
            result = parse_text(source, "gen.privacy")
            assert result.document is not None, result.diagnostics
            assert all(not d.fatal for d in result.diagnostics)
        first = lint_text(source, "fuzz.privacy", CONFIG, today=TODAY)
        assert first == lint_text(source, "fuzz.privacy", CONFIG, today=TODAY), "not deterministic"
        for diag in first:
            assert _inside(diag, source), diag
    except BaseException:
        if os.environ.get("PRIVACY_DSL_FUZZ_SAVE"):
            CORPUS.mkdir(exist_ok=True)
            name = hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()[:16]
            (CORPUS / f"crash-{name}.privacy").write_text(source, encoding="utf-8", newline="")
        raise


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(from_lark(GRAMMAR, explicit=padded_tokens()))
def test_grammar_generated_documents_become_models(source: str) -> None:
    _check(source, generated=True)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(st.sampled_from([*'{}"#\n\r\t ,.-_aeioxyz0129§\x00ø', "purpose ", "cookie ", "basis ",
                                  "consent ", "retention ", "expiry "]), max_size=80).map("".join))
def test_arbitrary_text_gives_diagnostics_never_exceptions(source: str) -> None:
    _check(source)


#: Tokens as the lexer sees them (strings, comments, words, whitespace, punctuation), for mutations.
TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*|[\w.\-]+|\s+|.')


@st.composite
def _mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SHIPPED))
    if draw(st.booleans()):  # token level: delete, duplicate, swap or insert whole tokens
        tokens = TOKEN.findall(text)
        for _ in range(draw(st.integers(1, 4))):
            i = draw(st.integers(0, len(tokens) - 1))
            j = draw(st.integers(0, len(tokens) - 1))
            op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert"]))
            if op == "delete":
                del tokens[i]
            elif op == "duplicate":
                tokens.insert(i, tokens[j])
            elif op == "swap":
                tokens[i], tokens[j] = tokens[j], tokens[i]
            else:
                tokens.insert(i, draw(st.sampled_from([" purpose ", " { ", " } ", " basis ", " retention ", ' "x" ',
                                                       " 13 months ", " , ", " cookie ", " # note\n"])))
            if not tokens:
                break
        return "".join(tokens)
    for _ in range(draw(st.integers(1, 4))):  # character level
        if not text:
            break
        i = draw(st.integers(0, len(text) - 1))
        j = draw(st.integers(i, min(len(text), i + 30)))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert"]))
        if op == "delete":
            text = text[:i] + text[j:]
        elif op == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        elif op == "swap" and j < len(text):
            text = text[:i] + text[j] + text[i + 1:j] + text[i] + text[j + 1:]
        else:
            text = text[:i] + draw(st.sampled_from(['"', "{", "}", "#", "\n", "basis", " x ", "\r"])) + text[i:]
    return text


@settings(max_examples=EXAMPLES, deadline=None)
@given(_mutated())
def test_mutated_policies_give_diagnostics_inside_the_file_deterministically(source: str) -> None:
    _check(source)


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.privacy")) if CORPUS.is_dir() else [],
                         ids=lambda p: p.name)
def test_regression_corpus(path: Path) -> None:
    """Inputs that once broke an invariant (kept by scripts/fuzz.py), replayed on every run."""
    _check(path.read_bytes().decode("utf-8", "surrogateescape"))


@settings(max_examples=max(10, EXAMPLES // 10), deadline=None)
@given(st.sampled_from(sorted(p.name for p in POLICIES.iterdir() if p.is_dir())), st.randoms())
def test_results_do_not_depend_on_file_order(policy: str, rnd: object) -> None:
    from privacy_dsl.language.sources import SourceFile
    from privacy_dsl.lint.engine import lint_sources

    files = [(p.name, p.read_text(encoding="utf-8")) for p in sorted((POLICIES / policy).glob("*.privacy"))]
    shuffled = list(files)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]

    def findings(given: list[tuple[str, str]]) -> list[tuple[str, str, int, int, str]]:
        result = lint_sources(".", [SourceFile(name, text) for name, text in given], CONFIG, TODAY)
        return [(d.code, d.span.path, d.span.line, d.span.column, d.message) for d in result.diagnostics]

    assert findings(files) == findings(shuffled)


def test_shipped_policies_are_in_the_corpus() -> None:
    assert len(SHIPPED) >= 8


# ---------------------------------------------------------------- `diff`: a revision's tree listing

_TREE_NAMES = st.lists(st.sampled_from(["policy", "a", "..", ".", "", ".git", ".hidden", "x.privacy", "y.privacy",
                                        "\\", "b\\c.privacy", "ø.privacy", "\udcff", " "]), min_size=1, max_size=5)
_TREE_ENTRY = st.tuples(st.sampled_from(["100644", "100755", "120000", "160000", "040000", "1006", ""]),
                        st.sampled_from(["blob", "tree", "commit", ""]), st.text("0123456789abcdef", max_size=40),
                        _TREE_NAMES.map("/".join))


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.one_of(st.binary(max_size=300), st.lists(_TREE_ENTRY, max_size=12).map(
    lambda entries: b"\x00".join(f"{mode} {kind} {obj}\t{path}".encode("utf-8", "surrogateescape")
                                 for mode, kind, obj, path in entries))),
       st.sampled_from(["", "policy", "policy/", "a"]))
def test_a_tree_listing_never_yields_an_unsafe_path(listing: bytes, prefix: str) -> None:
    """Whatever a (hostile) repository's tree holds, `diff` reads only regular `.privacy` blobs at plain
    relative paths under the policy's folder: no `..`, no absolute path, no hidden folder, no link."""
    from privacy_dsl.diff.git import parse_tree, policy_entries, safe_path

    entries = parse_tree(listing)
    by_folder, skipped = policy_entries(entries, prefix)
    for folder, chosen in by_folder.items():
        for mode, _obj, path in chosen:
            assert safe_path(path) and path.endswith(".privacy") and mode in ("100644", "100755", "100664")
            assert path.rpartition("/")[0] == folder
            assert not prefix.strip("/") or path.startswith(prefix.strip("/") + "/")
            assert ".." not in path.split("/") and not path.startswith("/")
    assert all(isinstance(why, str) for _, why in skipped)
