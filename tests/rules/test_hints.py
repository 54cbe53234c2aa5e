"""Every hint, applied: a hint that suggests a statement is tried on the rule's documented Example.

For every rule whose Example fires with a hint, each statement the hint quotes (in backticks, with
no ``<placeholder>`` outside a string and no ``...``) is written into the block the finding is about:
it replaces the statement with the same keyword, or goes before the block's closing brace (``add X
to `offered```: onto the ``offered`` list; ``... to purpose `p```: into that purpose). The result
must parse, and the first statement the hint suggests must clear the finding it came with (no
finding of that code with the same arguments is left). Hints that are advice rather than a
statement to write are in ``PROSE``, each with why it cannot be applied mechanically.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from conftest import diagnose, example

from privacy_dsl.diagnostics import Diagnostic
from privacy_dsl.lint.rules import REGISTRY

#: Rules whose hint is advice, not a statement that can be written as it stands, and why.
PROSE: dict[str, str] = {
    "LAW002": "split the purpose or drop one basis: which one is the author's choice",
    "LAW006": "asks for a balancing test that weighs the child's interests, or another basis",
    "CON006": "needs a new `consent` block and a reference to it: two edits in two places",
    "SPC002": "asks for an express statement on the site, then `explicit` on the mechanism",
    "SPC005": "asks the author to take children out of the purpose, or to justify and suppress",
    "RET004": "asks to shorten the period (by how much is the author's) or to raise an option",
    "TRF003": "needs a new `transfer` block and a reference to it from the purposes",
    "CK003": "asks for a lifetime no longer than the purpose needs: the period is the author's",
    "CK005": "asks to correct the category or the purpose: which is wrong is the author's call",
    "CK006": "needs a new `cookie` block for storage the author has to name",
    "CK007": "the purpose is the author's (`<id>` is a placeholder)",
    "CK008": "asks the author to look up the cookie's real name on the site",
    "TRN001": "address and registration are the author's (placeholders in strings, joined by and/or)",
    "TRN008": "needs an `authority` block to name (`<authority id>` is a placeholder)",
    "TRN013": "asks to remove a claim or the declarations that contradict it: the author's call",
    "TRN015": "names the law the notice relies on, or offering the right: the author's call",
    "TRN016": "asks to state the basis in each purpose, a change in many blocks",
    "TRN017": "asks for a representative the author has to name",
    "HYG001": "needs a new `category` block and a reference to it",
    "HYG002": "asks to list a recipient in the purposes that disclose to it (which ones is the author's)",
    "HYG003": "asks to merge two blocks or to give each its domains",
    "HYG004": "the categories are the author's (`<id>` is a placeholder)",
    "HYG007": "asks to remove a right or to write how the notice limits it",
    "SUP001": "the reason is the author's (`<why this is acceptable>`)",
    "SUP002": "the codes are the author's (`CODE` is a placeholder)",
    "SUP003": "asks to edit a comment, not a statement",
    "SUP004": "asks to fix findings or extend a date",
    "SUP005": "points to a command, not to a statement",
    "TRN014": "the right number goes inside the cited text, among the author's other words",
    "LAW009": "asks to split a catch-all into specified purposes: which ones is the author's",
    "SPC006": "asks to keep ad trackers off the service or to ask for explicit consent first",
    "TRF010": "needs a new `transfer` block and a reference to it, like TRF003",
    "TRF011": "the country is the author's (`<code>` is a placeholder)",
    "CK103": "asks the author to check who sets the cookie, then name that provider or suppress",
    "TRN020": "the authority's country and contact are the author's (placeholders)",
}


def _case(code: str) -> tuple[str, Diagnostic] | None:
    text = example(code)
    rule = REGISTRY[code]
    select = [code, "SUP"] if rule.category != "suppressions" else ["ALL"]
    found = [d for d in diagnose(text, select) if d.code == code and d.hint]
    return (text, found[0]) if found else None


CASES = [code for code in REGISTRY if _case(code) is not None]


@dataclass(frozen=True)
class Block:
    open_line: int  # 0-based line of the `{`
    open_col: int
    close_line: int  # 0-based line of the `}`
    close_col: int
    head: str  # the text before the `{` on its line


def _blocks(lines: list[str]) -> list[Block]:
    """Every ``{ ... }`` of a policy, outside strings and comments."""
    blocks: list[Block] = []
    stack: list[tuple[int, int]] = []
    for n, line in enumerate(lines):
        in_string = False
        for col, char in enumerate(line):
            if char == '"':
                in_string = not in_string
            elif in_string:
                continue
            elif char == "#":
                break
            elif char == "{":
                stack.append((n, col))
            elif char == "}":
                o_line, o_col = stack.pop()
                blocks.append(Block(o_line, o_col, n, col, lines[o_line][:o_col].strip()))
    return blocks


def _target(lines: list[str], line: int, col: int, hint: str) -> Block | None:
    """The block a finding at (line, col) (0-based) is about: the one it opens, or the innermost
    one around it, or the one the hint names (``inside the `dpo` block``, ``to purpose `p```)."""
    blocks = _blocks(lines)
    named = re.search(r"(?:inside the|to) `?(\w+)`? block|(?:to|in) `?(purpose|consent) `?([^`\s]+)`", hint)
    if named:
        head = named.group(1) or f"{named.group(2)} {named.group(3)}"
        return next((b for b in blocks if b.head.split()[:len(head.split())] == head.split()), None)
    opened = [b for b in blocks if b.open_line == line and b.open_col >= col]
    if opened:
        return min(opened, key=lambda b: b.open_col)
    around = [b for b in blocks if (b.open_line, b.open_col) < (line, col) < (b.close_line, b.close_col)]
    return max(around, key=lambda b: (b.open_line, b.open_col)) if around else None


#: What the test writes for a placeholder in a string (`` email "privacy@..." ``): the author's text.
SAMPLES = {"email": '"privacy@example.com"'}


def _statements(hint: str) -> list[str]:
    """The statements a hint quotes that can be written as they stand, a placeholder in a string
    (``"<statute>"``, ``"..."``) filled with a sample of the author's text."""
    out = []
    target = re.search(r"(?:to|in) `(\w+ [^`\s]+)`", hint)  # the block to write in, not a statement
    for snippet in re.findall(r"`([^`]+)`", hint):
        if target and snippet == target.group(1):
            continue
        bare = re.sub(r'"[^"]*"', '""', snippet)
        if "<" in bare or "..." in bare or " " not in snippet.strip() or snippet.startswith("privacy-dsl "):
            continue
        keyword = snippet.split()[0]
        snippet = re.sub(r'(?<=email )"[^"]*(?:<[^"]*>|\.\.\.)[^"]*"', SAMPLES["email"], snippet)  # nested
        out.append(re.sub(r'"[^"]*(?:<[^"]*>|\.\.\.)[^"]*"', SAMPLES.get(keyword, '"as the notice says"'), snippet))
    return out


def _apply(text: str, diag: Diagnostic, statement: str) -> str:
    lines = text.split("\n")
    keyword = statement.split()[0]
    block = _target(lines, diag.span.line - 1, diag.span.column - 1, diag.hint or "")
    assert block is not None, f"{diag.code}: no block for the finding at {diag.span}"
    at = diag.span.line - 1  # the statement the finding is at first, then the block's others
    words = lines[at].split()
    if words and words[0] == keyword and "{" in lines[at]:  # a statement with a block: all of it
        opened = next(b for b in _blocks(lines) if b.open_line == at)
        indent = lines[at][:len(lines[at]) - len(lines[at].lstrip())]
        return "\n".join([*lines[:at], indent + statement, *lines[opened.close_line + 1:]])
    for n in (at, *range(block.open_line + 1, block.close_line)):
        if not block.open_line < n < block.close_line:
            continue
        words = lines[n].split()
        if words and words[0] == keyword:
            indent = lines[n][:len(lines[n]) - len(lines[n].lstrip())]
            lines[n] = indent + statement
            return "\n".join(lines)
    if block.open_line == block.close_line:
        line = lines[block.open_line]
        inner = line[block.open_col:block.close_col]
        if re.search(rf"(?<=[{{\s]){keyword}\s", inner):  # one word of value: `method browser_settings`
            inner = re.sub(rf"(?<=[{{\s]){keyword}\s+[^\s}}]+", statement, inner, count=1)
            lines[block.open_line] = line[:block.open_col] + inner + line[block.close_col:]
        else:
            lines[block.open_line] = line[:block.close_col].rstrip() + f"  {statement} " + line[block.close_col:]
    else:
        opening = lines[block.open_line]
        lines.insert(block.close_line, opening[:len(opening) - len(opening.lstrip())] + "  " + statement)
    return "\n".join(lines)


def _add_to_list(text: str, diag: Diagnostic) -> str | None:
    """``add `x`, `y` to `offered```: the values appended to that statement's list."""
    match = re.match(r"add (.+?) to `(\w+)`", diag.hint or "")
    if not match:
        return None
    values = [v.strip(" `") for v in match.group(1).split(",")]
    if not all(re.fullmatch(r"\w+", v) for v in values):
        return None
    lines = text.split("\n")
    for n, line in enumerate(lines):
        if line.split()[:1] == [match.group(2)]:
            lines[n] = line.rstrip() + ", " + ", ".join(values)
            return "\n".join(lines)
    return None


def _errors(text: str, code: str) -> list[Diagnostic]:
    rule = REGISTRY[code]
    return diagnose(text, [code, "SUP", "E"] if rule.category != "suppressions" else ["ALL"])


def _cleared(text: str, diag: Diagnostic, before: str) -> list[str]:
    """What is wrong with ``text`` as the fixed Example ``before``: a syntax or input error it did
    not have (an Example may refer to a block it leaves out), or the finding."""
    known = {d.message for d in _errors(before, diag.code)}
    after = _errors(text, diag.code)
    problems = [f"{d.code} {d.span.line}:{d.span.column} {d.message}" for d in after
                if (d.fatal or d.code.startswith("E")) and d.message not in known]
    problems += [f"still {d.code}: {d.message}" for d in after if d.code == diag.code and d.args == diag.args]
    return problems


@pytest.mark.parametrize("code", CASES)
def test_the_hint_applied_to_the_example_parses_and_clears_the_finding(code: str) -> None:
    case = _case(code)
    assert case is not None
    text, diag = case
    if code in PROSE:
        pytest.skip(f"prose hint: {PROSE[code]}")
    listed = _add_to_list(text, diag)
    statements = _statements(diag.hint or "")
    assert listed is not None or statements, (
        f"{code}: the hint {diag.hint!r} suggests no statement to write; make it one or list it in PROSE")
    if listed is not None:
        problems = _cleared(listed, diag, text)
        assert not problems, f"{code}: hint {diag.hint!r} applied:\n{listed}\n{problems}"
        return
    for n, statement in enumerate(statements):
        fixed = _apply(text, diag, statement)
        problems = _cleared(fixed, diag, text)
        if n > 0:  # an alternative must still be valid where the hint puts it
            problems = [p for p in problems if not p.startswith("still")]
        assert not problems, f"{code}: hint {diag.hint!r}, `{statement}` applied:\n{fixed}\n{problems}"


def test_every_prose_hint_is_still_prose() -> None:
    """A rule listed in ``PROSE`` whose hint became applicable is tested instead."""
    stale = [code for code in PROSE if code not in CASES]
    assert not stale, f"no longer fire with a hint in their Example: {stale}"


def test_a_hint_at_a_defaults_line_says_to_change_the_purpose_and_that_clears_it() -> None:
    """LAW003 at a `defaults` basis: the defaults line is every purpose's; the fix is the purpose's."""
    text = ("defaults purpose {\n  basis legitimate_interests\n}\n"
            "purpose newsletter {\n  use marketing.communications.email\n}\n"
            "purpose support {\n  use essential.service\n}\n")
    (diag,) = [d for d in diagnose(text, ["LAW003"]) if d.code == "LAW003"]
    assert (diag.span.line, diag.span.column) == (2, 3)
    assert "in the purpose itself" in (diag.hint or "")
    fixed = text.replace("  use marketing.communications.email\n",
                         f"  use marketing.communications.email\n  {_statements(diag.hint or '')[0]}\n")
    assert not _cleared(fixed, diag, text)
    purposes = {d.span.line for d in diagnose(fixed, ["LAW003"])}
    assert purposes == set()


def test_a_hint_quotes_a_statement_whole_and_shortens_only_long_names() -> None:
    """A hint's statement is not cut in the middle like a quoted name; a hostile name in it is."""
    from privacy_dsl.diagnostics import bound_hint

    statement = 'basis legitimate_interests { interest "<what you pursue>" balancing_test "<where it is>" }'
    assert bound_hint(f"write `{statement}`") == f"write `{statement}`"
    long = bound_hint(f"add `recipients {'r' * 500}` to purpose `p`") or ""
    assert len(long) < 120 and long.startswith("add `recipients r") and long.endswith("` to purpose `p`")
