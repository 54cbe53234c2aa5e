"""Text -> ``Document``: the Lark LALR parser, friendly syntax errors, and the tree transformer.

The grammar lives in the top-level ``grammar.lark``; the wheel carries a copy inside the package
(see ``pyproject.toml``), and an editable install falls back to the repository copy.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import re
from collections.abc import Callable, Iterable, Iterator
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

from ..diagnostics import Diagnostic, builtin, did_you_mean, shorten
from ..records import dataclass
from ..span import new_span
from . import model as m
from . import taxonomy
from .jurisdictions import REGIONS, THIRD_REGIONS
from .lexer import Declined, FastParser, Token, drive, fast_parser
from .tables import anonymous_terminals, shipped_fast_table
from .tables import grammar_path as grammar_path  # re-exported: tests and benchmarks use it
from .tables import lark_parser as _load_parser

if TYPE_CHECKING:  # Lark is imported only where a parse needs it: a syntax error, an edited grammar
    from lark import Lark, Tree
    from lark.exceptions import UnexpectedInput

# ---------------------------------------------------------------- the Lark parser


@dataclass(frozen=True, slots=True)
class Comment:
    line: int
    column: int
    text: str


@cache
def lark_parser() -> Lark:
    """The policy parser, shared by every parse (``parse_text``) and the formatter: the shipped
    table (``tables.py``: never Lark's ``cache=True``, which unpickles from $TMPDIR), with no
    transformer and no callbacks, so it holds nothing of any one parse.

    Positions come from the tokens (see ``_Parse``): Lark's ``propagate_positions`` nearly doubled
    the parse time, and keeping the keyword tokens gives every start position.
    """
    return _load_parser("policy")


@cache
def _fast_parser() -> FastParser | None:
    """The fast path (``lexer.py``): from the shipped fast table, which needs no Lark, or else (an
    edited grammar) from ``lark_parser``'s table; None when neither is available (an edited grammar
    on another Lark, or one whose terminals it does not know), and ``Lark.parse`` is used."""
    table = shipped_fast_table()
    if table is not None:
        try:
            return FastParser(table)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):  # not the shape fast_table writes
            pass
    return fast_parser(lark_parser(), drop=_anonymous_terminals())


@cache
def _comment_scanner() -> re.Pattern[str]:
    """Strings and comments, as the grammar's STRING and COMMENT terminals match them. Only those two
    terminals can hold `"` or `#` (a test checks it), so scanning from the start of a text that lexes
    finds exactly the comments the lexer finds."""
    parser = lark_parser()
    string, comment = (parser.get_terminal(name).pattern.to_regexp() for name in ("STRING", "COMMENT"))
    return re.compile(f"(?:{string})|(?P<comment>{comment})")


def scan_comments(text: str, stop: int | None = None) -> Iterator[tuple[int, int, int, str]]:
    """(offset, line, column, text) of every comment that starts before ``stop`` (default: the end),
    in order. For the text a parser has lexed (all of it, or up to a syntax error), these are the
    COMMENT tokens its lexer made."""
    end = len(text) if stop is None else stop
    line, counted = 1, 0
    for match in _comment_scanner().finditer(text, 0, len(text)):
        start = match.start()
        if start >= end:
            break
        if match.lastgroup != "comment":
            continue
        line += text.count("\n", counted, start)
        counted = start
        yield start, line, start - (text.rfind("\n", 0, start) + 1) + 1, match.group()


# ---------------------------------------------------------------- friendly names for tokens

_TERMINAL_WORDS = {
    "NAME": "a name",
    "STRING": 'a quoted string ("...")',
    "INT": "a whole number",
    "UNIT": "a time unit (days, months, years, ...)",
    "TAXON": "a taxonomy key such as `user.contact.email`",
    "KEY": "a name or a taxonomy key such as `email` or `user.contact`",
    "LANG": "a language tag such as `nb` or `en`",
    "DATE": "a date (YYYY-MM-DD, YYYY-MM or YYYY)",
    "YES": "`yes`",
    "NO": "`no`",
    "LBRACE": "`{`",
    "RBRACE": "`}`",
    "COMMA": "`,`",
    "$END": "the end of the file",
}

#: Groups of keywords described in words, keyed by the grammar rule whose alternatives they start
#: (a test checks each against the grammar: the rule exists, and the keywords shown start it). The
#: statements of each block are grouped too, under the keyword that opens the block (``_stmt_blocks``).
_GROUP_WORDS = {
    "_item": "a block such as `controller`, `purpose`, `category` or `cookie`",
    "basis": "a legal basis (`consent`, `contract`, `legal_obligation`, `vital_interests`, "
    "`public_task` or `legitimate_interests`)",
    "retention": "a retention such as `5 years`, `up_to 30 days`, `until <event>`, `law \"...\"`, "
    "`law_permits \"...\"`, `criteria \"...\"`, `archive \"...\"`, `as long as necessary`, `temporarily`, "
    "`no_general_period`, `unspecified`, `indefinite`, `at controller discretion` or `not_stored`",
    "expiry": "an expiry: a duration such as `13 months`, a range such as `30 seconds to 1 year`, `session`, "
    "`persistent` or `never`",
}


@cache
def _first_terminals() -> dict[str, frozenset[str]]:
    """Per grammar rule: the terminals its alternatives start with. A rule none of whose
    alternatives starts with a terminal (``_item``: one block rule per alternative) gets the
    terminals of the rules it starts with."""
    rules = lark_parser().rules
    direct: dict[str, set[str]] = {}
    for rule in rules:
        if rule.expansion and rule.expansion[0].is_term:
            direct.setdefault(rule.origin.name, set()).add(rule.expansion[0].name)
    firsts = {name: frozenset(words) for name, words in direct.items()}
    for rule in rules:
        origin = rule.origin.name
        if origin not in direct and rule.expansion:
            head = rule.expansion[0]
            firsts[origin] = firsts.get(origin, frozenset()) | direct.get(head.name, set())
    return firsts


@cache
def _stmt_blocks() -> dict[str, str]:
    """Per ``*_stmt`` rule of the grammar (the statements of a block), the keyword that opens the
    block it is in, in the grammar's order: ``{"policy_stmt": "policy", "dpo_stmt": "dpo", ...}``."""
    rules = lark_parser().rules
    holders: dict[str, list[Any]] = {}  # rule name -> the rules whose expansion holds it
    for rule in rules:
        for sym in rule.expansion:
            if not sym.is_term:
                holders.setdefault(sym.name, []).append(rule)
    blocks: dict[str, str] = {}
    for rule in rules:
        name = rule.origin.name
        if not name.endswith("_stmt") or name in blocks:
            continue
        todo, seen = list(holders.get(name, [])), set()
        while todo:
            holder = todo.pop(0)
            if holder.origin.name.startswith("__"):  # Lark's helper for `stmt*`: where it is used
                if holder.origin.name not in seen:
                    seen.add(holder.origin.name)
                    todo.extend(holders.get(holder.origin.name, []))
            elif holder.expansion[0].is_term:
                blocks[name] = _keyword_text(holder.expansion[0].name)
                break
    return blocks


@cache
def _keyword_groups() -> list[tuple[str, frozenset[str]]]:
    """(description, first keyword terminals) for every statement group in the grammar."""
    firsts = _first_terminals()
    groups: list[tuple[str, frozenset[str]]] = []
    for rule_name, words in _GROUP_WORDS.items():
        if rule_name in firsts:
            groups.append((words, firsts[rule_name]))
    for rule_name, block in _stmt_blocks().items():
        if rule_name in firsts:
            keys = sorted(_keyword_text(t) for t in firsts[rule_name])
            shown = ", ".join(f"`{k}`" for k in keys)
            groups.append((f"a `{block}` statement ({shown})", firsts[rule_name]))
    return groups


@cache
def _keyword_text(terminal: str) -> str:
    try:
        term = lark_parser().get_terminal(terminal)
    except KeyError:  # $END and other pseudo-terminals, or a keyword of the test_file start symbol
        return terminal.lower() if re.fullmatch(r"[A-Z]+", terminal) and terminal not in _TERMINAL_WORDS \
            else terminal
    if term.pattern.type == "str":
        return str(term.pattern.value)
    return terminal


def describe_expected(expected: Iterable[str]) -> str:
    """Expected terminal names, in words a person knows."""
    remaining = set(expected)
    parts: list[str] = []
    for words, firsts in _keyword_groups():
        if firsts and len(firsts) > 1 and firsts <= remaining:
            parts.append(words)
            remaining -= firsts
    for name in sorted(remaining, key=lambda n: (n == "RBRACE", n)):
        if name in _TERMINAL_WORDS:
            parts.append(_TERMINAL_WORDS[name])
        else:
            text = _keyword_text(name)
            parts.append(f"`{text}`")
    if not parts:
        return "nothing more"
    if len(parts) == 1:
        return parts[0]
    shown = [parts[0]]
    for part in parts[1:MAX_EXPECTED]:  # one stray character can allow a hundred tokens: name a few
        if sum(map(len, shown)) + len(part) > MAX_EXPECTED_CHARS:
            break
        shown.append(part)
    if len(shown) < len(parts):
        rest = len(parts) - len(shown)
        return ", ".join(shown) + f" or one of {rest} other{'s' if rest > 1 else ''}"
    return ", ".join(parts[:-1]) + " or " + parts[-1]


#: The most alternatives an E100 message names (groups count as one).
MAX_EXPECTED = 8
#: ... and in at most about this many characters.
MAX_EXPECTED_CHARS = 200


_UNIT_WORDS = ["seconds", "minutes", "hours", "days", "weeks", "months", "years"]


def _keywords_in(expected: Iterable[str]) -> list[str]:
    out = []
    for name in expected:
        text = _keyword_text(name)
        if text != name:
            out.append(text)
    return out


# ---------------------------------------------------------------- syntax errors


def _span_at(path: str, line: int, column: int, length: int = 1) -> m.Span:
    return m.Span(path=path, line=line, column=column, end_line=line, end_column=column + max(length, 1))


def _open_block_at_eof(text: str) -> tuple[int, int, str] | None:
    """The innermost block still open at the end of ``text``: (line, column, keyword)."""
    stack: list[tuple[int, int, str]] = []
    for match in re.finditer(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*|[{}]', text):
        tok = match.group()
        if tok == "{":
            line = text.count("\n", 0, match.start()) + 1
            line_start = text.rfind("\n", 0, match.start()) + 1
            head = text[line_start:match.start()].split()
            stack.append((line, match.start() - line_start + 1, head[0] if head else "{"))
        elif tok == "}" and stack:
            stack.pop()
    return stack[-1] if stack else None


def _end_position(text: str) -> tuple[int, int]:
    stripped = text.rstrip()
    line = stripped.count("\n") + 1
    column = len(stripped) - (stripped.rfind("\n") + 1) + 1
    return line, column


def syntax_diagnostic(exc: UnexpectedInput, text: str, path: str) -> Diagnostic:
    from lark import Token as LarkToken
    from lark.exceptions import UnexpectedCharacters, UnexpectedToken

    if isinstance(exc, UnexpectedToken) and exc.token.type == "$END":
        line, column = _end_position(text)
        opened = _open_block_at_eof(text)
        expected = describe_expected(exc.expected)
        if opened is not None:
            o_line, o_col, keyword = opened
            return builtin(
                "E102",
                f"the file ends inside the `{keyword}` block opened at line {o_line}, column {o_col}",
                _span_at(path, line, column),
                hint=f"expected {expected}; add `}}` to close the `{keyword}` block",
                args=(("block", keyword), ("line", str(o_line)), ("column", str(o_col))),
            )
        return builtin("E100", f"unexpected end of file; expected {expected}",
                       _span_at(path, line, column), hint="the last statement is incomplete",
                       args=(("expected", expected),))
    if isinstance(exc, UnexpectedToken):
        tok = exc.token
        value = str(tok)
        if tok.start_pos is not None and re.match(r"[^\W\d]", value):
            whole = re.match(r"[^\W\d][\w\-.]*", text[tok.start_pos:])
            value = whole.group() if whole else value
            tok = LarkToken(tok.type, value, tok.start_pos, tok.line, tok.column)
        shown = shorten(value, 40)
        expected = describe_expected(exc.expected)
        wordish = re.match(r"[^\W\d][\w\-.]*$", value) is not None
        options = _keywords_in(exc.expected) + (_UNIT_WORDS if "UNIT" in exc.expected else [])
        guess = did_you_mean(value, options) if wordish else None
        hint = f"did you mean `{guess}`?" if guess else _hint_for_token(tok, exc.expected)
        return builtin("E100", f"unexpected `{shown}`; expected {expected}",
                       _span_at(path, tok.line or 1, tok.column or 1, len(value.split("\n")[0])),
                       hint=hint, args=(("found", value), ("expected", expected)))
    assert isinstance(exc, UnexpectedCharacters)
    line, column = exc.line, exc.column
    pos = exc.pos_in_stream or 0
    char = text[pos] if pos < len(text) else ""
    if char == '"':
        return builtin("E101", "this string is not closed before the end of the line",
                       _span_at(path, line, column),
                       hint='close it with `"` on the same line (write `\\"` for a quote inside)')
    word_match = re.match(r"[^\W\d][\w\-.]*", text[pos:])
    allowed = exc.allowed or set()
    expected = describe_expected(allowed)
    if word_match:
        word = word_match.group()
        guess = did_you_mean(word, _keywords_in(allowed))
        return builtin("E100", f"unexpected `{shorten(word, 40)}`; expected {expected}",
                       _span_at(path, line, column, len(word)),
                       hint=f"did you mean `{guess}`?" if guess else None,
                       args=(("found", word), ("expected", expected)))
    shown = repr(char)[1:-1] if char else "end of file"
    return builtin("E100", f"unexpected character `{shown}`; expected {expected}",
                   _span_at(path, line, column), args=(("found", shown), ("expected", expected)))


def _hint_for_token(tok: Token, expected: Iterable[str]) -> str | None:
    exp = set(expected)
    if tok.type in ("NAME", "TAXON", "LANG") and "STRING" in exp and "NAME" not in exp:
        return f'put the text in double quotes: "{tok}"'
    if tok.type == "STRING" and "NAME" in exp and "STRING" not in exp:
        return "write a name without quotes here"
    if tok.type == "INT" and "UNIT" in exp:
        return "write the unit after the number, e.g. `13 months`"
    return None


# ---------------------------------------------------------------- the transformer


class Stmt(NamedTuple):
    key: str
    children: list[Any]
    span: m.Span


#: ``Stmt(key, children, span)`` without the Python-level ``__new__`` of a NamedTuple.
_new_tuple = tuple.__new__


class _Invalid(Exception):
    """A value was reported as invalid; the statement is dropped."""


@dataclass(frozen=True, slots=True, kw_only=True)
class _OutOfRange(m.Duration):
    """A duration of zero, or over the longest (then ``amount`` is the longest), on its way from
    the ``duration`` rule to the statement that reports it (``_Builder._checked``); never in a model."""

    problem: str  # "zero" or "long"
    given: str
    at: m.Span


#: The keyword of each statement whose grammar alias is not its keyword, for messages.
_KEYWORDS = {"consent_ref": "consent", "purpose_ref": "purpose", "recipient_ref": "recipient",
             "cookie_category": "category", "representative_block": "representative"}

#: Per statement that takes a duration: a period to give as an example, and what to write instead.
_DURATION_HINTS = {
    "retention": ("3 years", "`retention not_stored` for data that is not kept, `retention indefinite` for data "
                             "kept without limit"),
    "expiry": ("13 months", "`expiry session` for a cookie deleted when the browser closes, `expiry persistent` "
                            "when the notice does not say how long"),
    "record_retention": ("3 years", ""),
    "valid_for": ("12 months", ""),
}


_ESCAPE = re.compile(r"\\(.)")
_ESCAPES = {"n": "\n", "t": "\t"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
#: A date at day, month or year precision (the calendar is checked by ``model.date_range``).
_DATE_FORM = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")


def unquote(token: str) -> str:
    inner = token[1:-1]
    if "\\" not in inner:  # nearly every string: nothing to replace
        return inner
    return _ESCAPE.sub(lambda mm: _ESCAPES.get(mm.group(1), mm.group(1)), inner)


def _is_token(value: object, kind: str) -> bool:
    """Whether ``value`` is a token of terminal ``kind``: the fast path's ``Token`` or Lark's (the
    public path), both strings with a ``type``; a builder's values have none."""
    return isinstance(value, str) and getattr(value, "type", None) == kind


@cache
def _anonymous_terminals() -> frozenset[str]:
    """Keywords and punctuation: kept by the parser for their positions, dropped before building."""
    return anonymous_terminals(lark_parser())


class _Builder:
    """Builds model blocks while the parser reduces (see ``_Parse``); value problems are
    collected in ``diagnostics``.

    Each rule (or alias) of the grammar maps to the method of the same name, called with the
    node's first and last token (``Pos``) and its built children; any other rule becomes a ``Stmt``.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.diagnostics: list[Diagnostic] = []

    # -- helpers
    def _span(self, node: Pos) -> m.Span:
        """From the first token of ``node`` to the end of its last token."""
        start, end = node
        if start is None or end is None:
            return new_span(self.path, 1, 1, 1, 1)
        return new_span(self.path, start.line or 1, start.column or 1, end.end_line or 1, end.end_column or 1)

    def _tok_span(self, tok: Token) -> m.Span:
        return new_span(self.path, tok.line or 1, tok.column or 1, tok.end_line or tok.line or 1,
                        tok.end_column or (tok.column or 1) + len(tok))

    def _invalid(self, what: str, ref: m.Ref, options: Iterable[str], extra_hint: str | None = None) -> None:
        opts = list(options)
        guess = did_you_mean(ref.name, opts)
        listing = ", ".join(f"`{o}`" for o in opts) if len(opts) <= 16 else None
        hint = f"did you mean `{guess}`?" if guess else extra_hint
        if hint is None and listing:
            hint = f"one of {listing}"
        self.diagnostics.append(builtin("E204", f"`{shorten(ref.name)}` is not a valid {what}", ref.span, hint=hint,
                                        args=(("value", ref.name), ("what", what))))
        raise _Invalid

    def _enum(self, cls: Any, ref: m.Ref, what: str) -> Any:
        try:
            return cls(ref.name)
        except ValueError:
            self._invalid(what, ref, [e.value for e in cls])

    def _places(self, refs: Iterable[m.Ref], third: bool = False) -> tuple[str, ...]:
        """A list of countries or regions (``EU``, ``EEA``; with ``third``, also ``OUTSIDE_EEA`` and
        ``ADEQUATE``): each invalid one is reported, the valid ones are kept (one typo must not erase
        where a recipient is)."""
        out: list[str] = []
        for ref in refs:
            if ref.name in REGIONS or (third and ref.name in THIRD_REGIONS):
                out.append(ref.name)
                continue
            with contextlib.suppress(_Invalid):
                out.append(self._country(ref, regions=(*REGIONS, *(THIRD_REGIONS if third else ()))))
        return tuple(out)

    def _country(self, ref: m.Ref, regions: tuple[str, ...] = ()) -> str:
        countries = taxonomy.countries()
        code = ref.name
        if code in countries:
            return code
        if code.upper() in regions:
            self._invalid(f"region ({', '.join(regions)}, upper case)", ref, [code.upper()])
        if code.upper() in countries and len(code) == 2:
            self._invalid("country code (ISO 3166-1 alpha-2, upper case)", ref, [code.upper()])
        # EU documents write UK and EL where ISO 3166-1 has GB and GR.
        by_name = {"UK": "GB", "EL": "GR"}.get(code.upper()) or taxonomy.country_code_for(code.replace("_", " "))
        what = "country code (ISO 3166-1 alpha-2, e.g. NO, SE, US)" + (f" or region ({', '.join(regions)})"
                                                                        if regions else "")
        self._invalid(what, ref, [] if by_name else list(countries),
                      extra_hint=f"write `{by_name}`" if by_name else None)
        raise AssertionError  # unreachable

    def _taxon(self, tok: Token, table: dict[str, Any], what: str) -> str:
        key = str(tok)
        if key in table:
            return key
        ref = m.Ref(name=key, span=self._tok_span(tok))
        guess = did_you_mean(key, table)
        if guess is None or key.startswith(guess + "."):
            # Suggest the deepest known ancestor, then its children.
            parts = key.split(".")
            while parts and ".".join(parts) not in table:
                parts.pop()
            parent = ".".join(parts)
            kids = [k for k in table if k.startswith(parent + ".") and k.count(".") == parent.count(".") + 1]
            hint = (f"known keys under `{parent}`: " + ", ".join(f"`{k}`" for k in kids[:8])) if parent else \
                "run `privacy-dsl taxonomy` to list the keys"
        else:
            hint = f"did you mean `{guess}`?"
        self.diagnostics.append(builtin("E203", f"`{shorten(key)}` is not a fideslang {what} key", ref.span, hint=hint,
                                        args=(("value", key),)))
        raise _Invalid

    def _email(self, tok: Token) -> str:
        value = unquote(tok)
        if not _EMAIL.match(value):
            self.diagnostics.append(builtin("E204", f"`{value}` is not an e-mail address", self._tok_span(tok),
                                            hint="write it as name@example.org",
                                            args=(("value", value), ("what", "e-mail address"))))
            raise _Invalid
        return value

    def _fields(self, stmts: Iterable[Any], spec: dict[str, tuple[str, Callable[[Stmt], Any], bool]]
                ) -> tuple[dict[str, Any], dict[str, m.Span]]:
        values: dict[str, Any] = {}
        spans: dict[str, m.Span] = {}
        for stmt in stmts:
            if not isinstance(stmt, Stmt):
                continue
            field, convert, many = spec[stmt.key]
            if field in spans and not many:
                first = spans[field]
                shown = _KEYWORDS.get(stmt.key, stmt.key)
                self.diagnostics.append(builtin(
                    "E205", f"`{shown}` is given twice in this block; the first, at line {first.line}, is used",
                    stmt.span, hint="remove one of them", args=(("statement", shown), ("line", str(first.line)))))
                continue
            try:
                value = convert(stmt)
            except _Invalid:
                continue
            if many:
                values[field] = values.get(field, ()) + (value if isinstance(value, tuple) else (value,))
            else:
                values[field] = value
            spans.setdefault(field, stmt.span)
        return values, spans

    # -- values
    def text_plain(self, meta: Pos, children: list[Token]) -> m.Text:
        return m.Text(plain=unquote(children[0]))

    def text_localised(self, meta: Pos, children: list[tuple[Token, Token]]) -> m.Text:
        by_lang: dict[str, str] = {}
        for lang, value in children:
            if str(lang) in by_lang:
                self.diagnostics.append(builtin("E205", f"language `{lang}` is given twice", self._tok_span(lang),
                                                hint="remove one of them", args=(("language", str(lang)),)))
                continue
            by_lang[str(lang)] = unquote(value)
        return m.Text(by_lang=by_lang)

    def lang_text(self, meta: Pos, children: list[Token]) -> tuple[Token, Token]:
        return children[0], children[1]

    def ident(self, meta: Pos, children: list[Token]) -> m.Ref:
        return m.new_ref(str(children[0]), self._tok_span(children[0]))

    def names(self, meta: Pos, children: list[m.Ref]) -> tuple[m.Ref, ...]:
        return tuple(children)

    def taxons(self, meta: Pos, children: list[Token]) -> tuple[Token, ...]:
        return tuple(children)

    def strings(self, meta: Pos, children: list[Token]) -> tuple[str, ...]:
        return tuple(unquote(c) for c in children)

    def citations(self, meta: Pos, children: list[Token]) -> tuple[tuple[str, m.Span], ...]:
        return tuple((unquote(c), self._tok_span(c)) for c in children)

    def duration(self, meta: Pos, children: list[Token]) -> m.Duration:
        """A duration; one out of range is an ``_OutOfRange`` for the statement that holds it to
        report (``_checked``), since only that statement knows what the period is for."""
        unit = m.TimeUnit(str(children[1]).rstrip("s"))
        most = m.max_amount(unit)
        amount = self._number(children[0], most)
        if amount is None:
            return _OutOfRange(amount=most, unit=unit, problem="long", given=str(children[0]),
                               at=self._tok_span(children[0]))
        if amount == 0:
            return _OutOfRange(amount=0, unit=unit, problem="zero", given="0", at=self._tok_span(children[0]))
        return m.Duration(amount=amount, unit=unit)

    def _checked(self, duration: m.Duration, keyword: str) -> m.Duration:
        """``duration`` of a ``keyword`` statement, reported if it is out of range: a zero is no
        period and the statement is dropped (``_Invalid``), a too-long one is kept at the maximum."""
        if not isinstance(duration, _OutOfRange):
            return duration
        example, other = _DURATION_HINTS[keyword]
        if duration.problem == "zero":
            self.diagnostics.append(builtin(
                "E204", "a duration of zero is not a period", duration.at,
                hint=f"give the real period, e.g. `{keyword} {example}`" + (f"; {other}" if other else ""),
                args=(("value", f"0 {duration.unit.value}s"), ("what", "duration"))))
            raise _Invalid
        self.diagnostics.append(builtin(
            "E204", f"the duration is too long: at most {m.MAX_DURATION_YEARS} years"
            + ("" if duration.unit is m.TimeUnit.YEAR else f" ({duration.amount:,} {duration.unit.value}s)"),
            duration.at, hint=f"give the real period, e.g. `{keyword} {example}`" + (f"; {other}" if other else ""),
            args=(("value", shorten(duration.given)), ("what", "duration"))))
        return m.Duration(amount=duration.amount, unit=duration.unit)

    @staticmethod
    def _number(tok: Token, most: int) -> int | None:
        """The value of an INT token, None when it is over ``most`` (checked before ``int()``, which
        refuses more than 4,300 digits)."""
        digits = str(tok).lstrip("0") or "0"
        if len(digits) > len(str(most)):
            return None
        value = int(digits)
        return value if value <= most else None

    def _age(self, s: Stmt) -> int:
        tok = s.children[0]
        value = self._number(tok, m.MAX_AGE)
        if value is None:
            self.diagnostics.append(builtin("E204", f"the age is too high: at most {m.MAX_AGE}", self._tok_span(tok),
                                            hint="an age in years, e.g. `minimum_age 13`",
                                            args=(("value", shorten(str(tok))), ("what", "age"))))
            raise _Invalid
        return value

    def _date(self, s: Stmt) -> str:
        return self._date_token(s.children[0])

    def _date_token(self, tok: Token) -> str:
        """A date as the notice gives it: a day (``2026-09-01``), a month (``2020-04``) or a year
        (``2019``), kept at that precision; anything else, or a day not in the calendar, is E204."""
        value = str(tok)
        valid = _DATE_FORM.fullmatch(value) is not None
        if valid:
            try:
                m.date_range(value)
            except ValueError:
                valid = False
        if not valid:
            shown = shorten(value)
            self.diagnostics.append(builtin(
                "E204", f"`{shown}` is not a date ({m.DATE_FORMS})", self._tok_span(tok),
                hint="a day as YYYY-MM-DD (`2026-02-28`), a month as YYYY-MM (`2020-04`) or a year (`2019`), "
                     "as precise as the notice is",
                args=(("value", shown), ("what", "date"))))
            raise _Invalid from None
        return value

    def flag(self, meta: Pos, children: list[Token]) -> bool:
        return children[0].type == "YES"

    def event(self, meta: Pos, children: list[Token]) -> str:
        tok = children[0]
        return unquote(tok) if tok.type == "STRING" else str(tok)

    # -- legal bases
    def _basis(self, meta: Pos, kind: m.BasisKind, citation: str | None = None, **kw: Any) -> m.LegalBasis:
        return m.LegalBasis(basis=kind, citation=citation, span=self._span(meta), **kw)

    def basis_consent(self, meta: Pos, children: list[Any]) -> m.LegalBasis:
        return self._basis(meta, m.BasisKind.CONSENT)

    def basis_contract(self, meta: Pos, children: list[Any]) -> m.LegalBasis:
        return self._basis(meta, m.BasisKind.CONTRACT)

    def basis_vital_interests(self, meta: Pos, children: list[Any]) -> m.LegalBasis:
        return self._basis(meta, m.BasisKind.VITAL_INTERESTS)

    def basis_legal_obligation(self, meta: Pos, children: list[Token]) -> m.LegalBasis:
        return self._basis(meta, m.BasisKind.LEGAL_OBLIGATION, unquote(children[0]) if children else None)

    def basis_public_task(self, meta: Pos, children: list[Token]) -> m.LegalBasis:
        return self._basis(meta, m.BasisKind.PUBLIC_TASK, unquote(children[0]) if children else None)

    def basis_legitimate_interests(self, meta: Pos, children: list[Stmt]) -> m.LegalBasis:
        values, spans = self._fields(children, {
            "interest": ("interest", lambda s: s.children[0], False),
            "balancing_test": ("balancing_test", lambda s: unquote(s.children[0]), False),
        })
        return m.LegalBasis(basis=m.BasisKind.LEGITIMATE_INTERESTS, span=self._span(meta),
                            field_spans=spans, **values)

    # -- retention
    def _retention(self, meta: Pos, rule: m.RetentionRule, **kw: Any) -> m.Retention:
        return m.Retention(rule=rule, span=self._span(meta), **kw)

    @staticmethod
    def _period(children: list[Any]) -> dict[str, Any]:
        """The values of a period (``up_to? duration (after event)?``) from a handler's children."""
        up_to = bool(children) and _is_token(children[0], "UP_TO")
        rest = children[1:] if up_to else children
        if not rest:
            return {}
        return {"duration": rest[0], "up_to": up_to, "after": rest[1] if len(rest) > 1 else None}

    def retention_duration(self, meta: Pos, children: list[Any]) -> m.Retention:
        return self._retention(meta, "duration", **self._period(children))

    def retention_until(self, meta: Pos, children: list[str]) -> m.Retention:
        return self._retention(meta, "until", until=children[0])

    def retention_law(self, meta: Pos, children: list[Any]) -> m.Retention:
        law = self._statute(children)
        return self._retention(meta, "law", law=law, **self._period(children))

    def retention_law_permits(self, meta: Pos, children: list[Any]) -> m.Retention:
        law = self._statute(children)
        return self._retention(meta, "law_permits", law=law, **self._period(children))

    @staticmethod
    def _statute(children: list[Any]) -> str | None:
        """The statute a `law` or `law_permits` names, taken off the front of ``children``."""
        if children and _is_token(children[0], "STRING"):
            return unquote(children.pop(0))
        return None

    def retention_criteria(self, meta: Pos, children: list[m.Text]) -> m.Retention:
        return self._retention(meta, "criteria", criteria=children[0])

    def retention_archive(self, meta: Pos, children: list[Token]) -> m.Retention:
        return self._retention(meta, "archive", law=unquote(children[0]) if children else None)

    def retention_as_long_as_necessary(self, meta: Pos, children: list[Any]) -> m.Retention:
        return self._retention(meta, "as_long_as_necessary")

    def retention_temporarily(self, meta: Pos, children: list[Any]) -> m.Retention:
        return self._retention(meta, "temporarily")

    def retention_no_general_period(self, meta: Pos, children: list[Any]) -> m.Retention:
        return self._retention(meta, "no_general_period")

    def retention_unspecified(self, meta: Pos, children: list[Any]) -> m.Retention:
        return self._retention(meta, "unspecified")

    def retention_indefinite(self, meta: Pos, children: list[Any]) -> m.Retention:
        return self._retention(meta, "indefinite")

    def retention_at_discretion(self, meta: Pos, children: list[Any]) -> m.Retention:
        return self._retention(meta, "at_discretion")

    def retention_not_stored(self, meta: Pos, children: list[Any]) -> m.Retention:
        return self._retention(meta, "not_stored")

    def _retention_stmt(self, s: Stmt) -> m.Retention:
        """A purpose's ``retention ... (for a, b)?``: the statement, with the categories it is about;
        its span runs to the last category."""
        ret: m.Retention = s.children[0]
        if ret.duration is not None:
            ret = dataclasses.replace(ret, duration=self._checked(ret.duration, "retention"))
        if len(s.children) < 2 or not s.children[1]:
            return ret
        refs: tuple[m.Ref, ...] = tuple(s.children[1])
        last = refs[-1].span
        span = m.Span(path=ret.span.path, line=ret.span.line, column=ret.span.column,
                      end_line=last.end_line, end_column=last.end_column)
        return dataclasses.replace(ret, categories=refs, span=span)

    # -- cookie expiry
    def expiry_duration(self, meta: Pos, children: list[m.Duration]) -> m.Expiry:
        return m.Expiry(lifetime="persistent", duration=children[0], span=self._span(meta))

    def expiry_session(self, meta: Pos, children: list[Any]) -> m.Expiry:
        return m.Expiry(lifetime="session", span=self._span(meta))

    def expiry_persistent(self, meta: Pos, children: list[Any]) -> m.Expiry:
        return m.Expiry(lifetime="persistent", span=self._span(meta))

    def expiry_never(self, meta: Pos, children: list[Any]) -> m.Expiry:
        return m.Expiry(lifetime="never", span=self._span(meta))

    def expiry_range(self, meta: Pos, children: list[m.Duration]) -> m.Expiry:
        """``30 seconds to 1 year``: both ends kept. Ends in the wrong order are reported and kept in
        order (the range is the same); equal ends are reported and kept as that one duration."""
        low, high = children
        span = self._span(meta)
        if low.days > high.days + 1e-9:
            self.diagnostics.append(builtin(
                "E204", f"the range `{low} to {high}` ends before it starts", span,
                hint=f"write the shorter end first: `expiry {high} to {low}`",
                args=(("value", f"{low} to {high}"), ("what", "expiry range"))))
            low, high = high, low
        elif abs(low.days - high.days) <= 1e-9:
            self.diagnostics.append(builtin(
                "E204", f"the range `{low} to {high}` has the same length at both ends", span,
                hint=f"write the one duration: `expiry {high}`",
                args=(("value", f"{low} to {high}"), ("what", "expiry range"))))
            return m.Expiry(lifetime="persistent", duration=high, span=span)
        return m.Expiry(lifetime="persistent", duration=high, minimum=low, span=span)

    def _expiry(self, s: Stmt) -> m.Expiry:
        expiry: m.Expiry = s.children[0]
        if expiry.duration is None:
            return expiry
        low = None if expiry.minimum is None else self._checked(expiry.minimum, "expiry")
        return dataclasses.replace(expiry, duration=self._checked(expiry.duration, "expiry"), minimum=low)

    # -- converters shared by the block specs
    def _str(self, s: Stmt) -> str:
        return unquote(s.children[0])

    def _first(self, s: Stmt) -> Any:
        return s.children[0]

    def _flag(self, s: Stmt) -> bool:
        return bool(s.children[0]) if s.children and isinstance(s.children[0], bool) else True

    def _refs(self, s: Stmt) -> tuple[m.Ref, ...]:
        return tuple(s.children[0])

    # -- blocks
    def policy(self, meta: Pos, children: list[Any]) -> m.PolicyInfo:
        claim_spans: dict[str, m.Span] = {}
        cited: list[str] = []

        def cites(s: Stmt) -> tuple[str, ...]:
            for text, span in s.children[0]:  # each citation's own position ("cites.0"), for the finding
                claim_spans[f"cites.{len(cited)}"] = span
                cited.append(text)
            return tuple(text for text, _ in s.children[0])

        def claims(s: Stmt) -> tuple[m.Claim, ...]:
            found = self._enums(m.Claim, s.children[0], "claim")
            valid = [r for r in s.children[0] if r.name in {c.value for c in found}]
            for ref in valid:  # each claim's own position ("claims.no_cookies"), for the finding
                claim_spans.setdefault(f"claims.{ref.name}", ref.span)
            return found

        values, spans = self._fields(children[1:], {
            "languages": ("languages", self._refs, True),
            "version": ("version", self._str, False),
            "updated": ("updated", self._date, False),
            "history": ("history", self._history, True),
            "url": ("url", self._str, False),
            "scope": ("scope", self._scope, True),
            "refers_to": ("refers_to", self._referral, True),
            "cites": ("cites", cites, True),
            "security": ("security", self._first, False),
            "description": ("description", self._first, False),
            "claims": ("claims", claims, True),
            "context": ("contexts", lambda s: self._enums(m.ServiceContext, s.children[0], "service context"), True),
            "bases": ("bases", lambda s: tuple(b for b in s.children if isinstance(b, m.LegalBasis)), True),
        })
        return m.PolicyInfo(title=unquote(children[0]), span=self._span(meta), field_spans=spans | claim_spans,
                            **values)

    def _history(self, s: Stmt) -> m.HistoryEntry:
        date = self._date_token(s.children[0])
        return m.HistoryEntry(date=date, text=s.children[1], span=s.span)

    def _scope(self, s: Stmt) -> m.Scope:
        what = self._enum(m.ScopeKind, s.children[0], "scope (site, app or service)")
        names = s.children[1] if len(s.children) > 1 else ()
        return m.Scope(what=what, names=names, span=s.span)

    def _referral(self, s: Stmt) -> m.Referral:
        values, spans = self._fields(s.children[1:], {
            "name": ("name", self._first, False),
            "covers": ("covers", lambda st: self._enums(m.Topic, st.children[0], "topic"), True),
        })
        return m.Referral(target=unquote(s.children[0]), span=s.span, field_spans=spans, **values)

    def controller(self, meta: Pos, children: list[Any]) -> m.Controller:
        values, spans = self._fields(children[1:], self._controller_spec)
        return m.Controller(name=unquote(children[0]), span=self._span(meta), field_spans=spans, **values)

    @cached_property
    def _controller_spec(self) -> dict[str, tuple[str, Callable[[Stmt], Any], bool]]:
        """What ``controller`` and ``processing { on_behalf_of "..." { ... } }`` read."""
        return {
            "email": ("email", lambda s: self._email(s.children[0]), False),
            "phone": ("phone", self._str, False),
            "address": ("address", self._str, False),
            "registration": ("registration", self._str, False),
            "country": ("country", lambda s: self._country(s.children[0]), False),
            "website": ("website", self._str, False),
            "representative": ("representative", lambda s: m.Representative(
                name=unquote(s.children[0]), span=s.span, field_spans={"name": s.span}), False),
            "representative_block": ("representative", self._representative, False),
            "public_authority": ("public_authority", self._flag, False),
            "offers_to": ("offers_to", lambda s: self._places(s.children[0]), False),
            "description": ("description", self._first, False),
            "privacy_contact": ("privacy_contact", self._privacy_contact, False),
            "dpo": ("dpo", self._dpo, False),
        }

    def _dpo(self, s: Stmt) -> m.Dpo:
        values, spans = self._fields(s.children, {
            "required": ("required", self._flag, False),
            "name": ("name", self._str, False),
            "email": ("email", lambda st: self._email(st.children[0]), False),
            "phone": ("phone", self._str, False),
            "address": ("address", self._str, False),
        })
        return m.Dpo(span=s.span, field_spans=spans, **values)

    def _representative(self, s: Stmt) -> m.Representative:
        values, spans = self._fields(s.children, {
            "name": ("name", self._str, False),
            "address": ("address", self._str, False),
            "country": ("country", lambda st: self._country(st.children[0]), False),
            "email": ("email", lambda st: self._email(st.children[0]), False),
            "phone": ("phone", self._str, False),
        })
        return m.Representative(span=s.span, field_spans=spans, **values)

    def _privacy_contact(self, s: Stmt) -> m.PrivacyContact:
        values, spans = self._fields(s.children, {
            "title": ("title", self._first, False),
            "name": ("name", self._str, False),
            "email": ("email", lambda st: self._email(st.children[0]), False),
            "phone": ("phone", self._str, False),
            "address": ("address", self._str, False),
        })
        return m.PrivacyContact(span=s.span, field_spans=spans, **values)

    def authority(self, meta: Pos, children: list[Any]) -> m.Authority:
        values, spans = self._fields(children[1:], {
            "name": ("name", self._first, False),
            "country": ("country", lambda s: self._country(s.children[0]), False),
            "email": ("email", lambda s: self._email(s.children[0]), False),
            "phone": ("phone", self._str, False),
            "address": ("address", self._str, False),
            "website": ("website", self._str, False),
        })
        return m.Authority(id=children[0].name, span=self._span(meta), field_spans=spans, **values)

    @cached_property
    def _subject_spec(self) -> dict[str, tuple[str, Callable[[Stmt], Any], bool]]:
        """What ``subject`` reads (made once per parse, not per block)."""
        return {
            "taxonomy": ("taxonomy",
                         lambda s: self._taxon(s.children[0], taxonomy.data_subjects(), "data-subject"), False),
            "name": ("name", self._first, False),
            "description": ("description", self._first, False),
            "children": ("children", self._flag, False),
        }

    def subject(self, meta: Pos, children: list[Any]) -> m.Subject:
        values, spans = self._fields(children[1:], self._subject_spec)
        return m.Subject(id=children[0].name, span=self._span(meta), field_spans=spans, **values)

    @cached_property
    def _category_spec(self) -> dict[str, tuple[str, Callable[[Stmt], Any], bool]]:
        """What ``category`` reads (made once per parse, not per block)."""
        return {
            "taxonomy": ("taxonomy",
                         lambda s: self._taxon(s.children[0], taxonomy.data_categories(), "data-category"), False),
            "name": ("name", self._first, False),
            "description": ("description", self._first, False),
            "special": ("special", lambda s: self._enum(m.SpecialKind, s.children[0],
                                                        "special category (Art. 9(1))"), False),
            "criminal": ("criminal", self._flag, False),
            "children": ("children", self._flag, False),
            "identifiability": ("identifiability", lambda s: self._enum(
                m.Identifiability, s.children[0], "identifiability claim"), False),
            "source": ("source", self._first, False),
            "received_from": ("received_from", self._refs, True),
        }

    def category(self, meta: Pos, children: list[Any]) -> m.Category:
        values, spans = self._fields(children[1:], self._category_spec)
        return m.Category(id=children[0].name, span=self._span(meta), field_spans=spans, **values)

    @cached_property
    def _purpose_spec(self) -> dict[str, tuple[str, Callable[[Stmt], Any], bool]]:
        return {
            "name": ("name", self._first, False),
            "description": ("description", self._first, False),
            "use": ("uses", self._uses, True),
            "basis": ("bases", self._first, True),
            "special_condition": ("special_condition", self._special_condition, False),
            "categories": ("categories", self._refs, True),
            "subjects": ("subjects", self._refs, True),
            "recipients": ("recipients", self._refs, True),
            "transfers": ("transfers", self._refs, True),
            "retention": ("retention", self._retention_stmt, True),
            "consent_ref": ("consent", self._first, False),
            "profiling": ("profiling", self._flag, False),
            "automated_decisions": ("automated_decisions", self._automated, False),
            "source": ("source", self._first, False),
            "security": ("security", self._first, False),
        }

    def _uses(self, s: Stmt) -> tuple[str, ...]:
        """A purpose's data uses (``use a, b``): each unknown key is reported, the known ones kept."""
        out: list[str] = []
        for tok in s.children[0]:
            with contextlib.suppress(_Invalid):
                out.append(self._taxon(tok, taxonomy.data_uses(), "data-use"))
        return tuple(out)

    def _special_condition(self, s: Stmt) -> m.SpecialConditionClause:
        cond = self._enum(m.SpecialCondition, s.children[0], "Art. 9(2) condition")
        citation = unquote(s.children[1]) if len(s.children) > 1 else None
        return m.SpecialConditionClause(condition=cond, citation=citation, span=s.span)

    def _automated(self, s: Stmt) -> m.AutomatedDecisions:
        present = s.children[0] if s.children and isinstance(s.children[0], bool) else True
        values, spans = self._fields(s.children, {
            "exception": ("exception", lambda st: self._enum(m.AutomatedException, st.children[0],
                                                             "Art. 22(2) exception"), False),
            "safeguards": ("safeguards", self._first, False),
            "logic": ("logic", self._first, False),
        })
        return m.AutomatedDecisions(present=present, span=s.span, field_spans=spans, **values)

    def purpose(self, meta: Pos, children: list[Any]) -> m.Purpose:
        values, spans = self._fields(children[1:], self._purpose_spec)
        return m.Purpose(id=children[0].name, span=self._span(meta), field_spans=spans, **values)

    @cached_property
    def _recipient_spec(self) -> dict[str, tuple[str, Callable[[Stmt], Any], bool]]:
        """What ``recipient`` reads (made once per parse, not per block)."""
        return {
            "name": ("name", self._first, False),
            "description": ("description", self._first, False),
            "role": ("role", lambda s: self._enum(m.Role, s.children[0], "recipient role"), False),
            "countries": ("countries", lambda s: self._places(s.children[0], third=True), True),
            "contract": ("contract", self._str, False),
            "website": ("website", self._str, False),
            "receives": ("receives", lambda s: self._enum(m.Identifiability, s.children[0],
                                                          "identifiability claim"), False),
            "only_when": ("only_when", self._first, False),
            "category_only": ("category_only", self._flag, False),
        }

    def recipient(self, meta: Pos, children: list[Any]) -> m.Recipient:
        values, spans = self._fields(children[1:], self._recipient_spec)
        how = next((st.children[1] for st in children[1:] if isinstance(st, Stmt) and st.key == "receives"
                    and len(st.children) > 1), None)
        if how is not None and "receives" in values:
            values["receives_how"] = how
        return m.Recipient(id=children[0].name, span=self._span(meta), field_spans=spans, **values)

    @cached_property
    def _transfer_spec(self) -> dict[str, tuple[str, Callable[[Stmt], Any], bool]]:
        """What ``transfer`` reads (made once per parse, not per block)."""
        return {
            "recipient_ref": ("recipient", self._first, False),
            "country": ("country", lambda s: self._country(s.children[0]), False),
            "mechanism": ("mechanism", lambda s: self._enum(m.Mechanism, s.children[0], "transfer mechanism"),
                          False),
            "certification": ("certification", self._first, False),
            "tia": ("tia", self._str, False),
            "description": ("description", self._first, False),
        }

    def transfer(self, meta: Pos, children: list[Any]) -> m.Transfer:
        values, spans = self._fields(children[1:], self._transfer_spec)
        for stmt in children[1:]:
            if isinstance(stmt, Stmt) and stmt.key == "mechanism" and len(stmt.children) > 1:
                values.setdefault("mechanism_detail", unquote(stmt.children[1]))
                break
        return m.Transfer(id=children[0].name, span=self._span(meta), field_spans=spans, **values)

    def processing(self, meta: Pos, children: list[Any]) -> m.Processing:
        values, spans = self._fields(children[1:], {
            "name": ("name", self._first, False),
            "description": ("description", self._first, False),
            "on_behalf_of": ("on_behalf_of", self._on_behalf_of, True),
            "categories": ("categories", self._refs, True),
            "subjects": ("subjects", self._refs, True),
            "transfers": ("transfers", self._refs, True),
            "security": ("security", self._first, False),
        })
        return m.Processing(id=children[0].name, span=self._span(meta), field_spans=spans, **values)

    def _on_behalf_of(self, s: Stmt) -> m.Controller:
        """A controller the organisation processes for (``on_behalf_of "Client AS" { email ... }``)."""
        values, spans = self._fields(s.children[1:], self._controller_spec)
        return m.Controller(name=unquote(s.children[0]), span=s.span, field_spans=spans, **values)

    def consent(self, meta: Pos, children: list[Any]) -> m.ConsentMechanism:
        method_spans: dict[str, m.Span] = {}

        def methods(s: Stmt) -> tuple[m.ConsentMethod, ...]:
            found = self._enums(m.ConsentMethod, s.children[0], "consent method")
            for method in found:  # the statement that names each method, for the findings about it
                method_spans.setdefault(f"methods.{method.value}", s.span)
            return found

        values, spans = self._fields(children[1:], {
            "method": ("methods", methods, True),
            "reject_button": ("reject_button", self._flag, False),
            "granular": ("granular", self._flag, False),
            "explicit": ("explicit", self._flag, False),
            "condition_of_service": ("condition_of_service", self._flag, False),
            "refusal_degrades_service": ("refusal_degrades_service", self._flag, False),
            "shown_in": ("shown_in", lambda s: self._places(s.children[0]), True),
            "given_on": ("given_on", self._sites, True),
            "withdraw": ("withdraw", self._first, False),
            "withdraw_via": ("withdraw_via", self._first, True),
            "record_retention": ("record_retention", lambda s: self._checked(s.children[0], "record_retention"),
                                 False),
            "valid_for": ("valid_for", lambda s: self._checked(s.children[0], "valid_for"), False),
            "minimum_age": ("minimum_age", self._age, False),
            "parental_consent": ("parental_consent", self._flag, False),
            "description": ("description", self._first, False),
        })
        if "methods" in values:  # each method once, in the order first written
            values["methods"] = tuple(dict.fromkeys(values["methods"]))
        return m.ConsentMechanism(id=children[0].name, span=self._span(meta), field_spans=spans | method_spans,
                                  **values)

    def _sites(self, s: Stmt) -> tuple[str, ...]:
        """The sites consent is given on: a blank one is reported (once, at the statement), the others
        are kept."""
        sites: tuple[str, ...] = s.children[0]
        out = tuple(site for site in sites if site.strip())
        if len(out) < len(sites):
            self.diagnostics.append(builtin("E204", "a site in `given_on` is empty", s.span,
                                            hint='write the site, e.g. `given_on "https://acme.example"`',
                                            args=(("value", ""), ("what", "site"))))
        return out

    def routes(self, meta: Pos, children: list[Any]) -> tuple[m.Route, ...]:
        """Withdrawal routes: each invalid one is reported, the valid ones are kept."""
        return tuple(c for c in children if isinstance(c, m.Route))

    def route(self, meta: Pos, children: list[Any]) -> m.Route | None:
        ref: m.Ref = children[0]
        try:
            kind = self._enum(m.WithdrawRoute, ref, "withdrawal route")
        except _Invalid:
            return None
        if len(children) < 2:
            return m.Route(route=kind, span=self._span(meta))
        tok: Token = children[1]
        if kind not in m.ROUTES_WITH_VALUE:
            takes = ", ".join(f"`{r.value}`" for r in m.WithdrawRoute if r in m.ROUTES_WITH_VALUE)
            self.diagnostics.append(builtin(
                "E204", f"a `{kind.value}` withdrawal route takes no address", self._tok_span(tok),
                hint=f"write `{kind.value}` alone; only {takes} take an address",
                args=(("value", shorten(unquote(tok))), ("what", f"address of a `{kind.value}` route"))))
            return m.Route(route=kind, span=self._span(meta))
        if not unquote(tok).strip():
            self.diagnostics.append(builtin(
                "E204", f"the address of a `{kind.value}` withdrawal route is empty", self._tok_span(tok),
                hint=f"write the address, or `{kind.value}` alone", args=(("value", ""), ("what", "address"))))
            return m.Route(route=kind, span=self._span(meta))
        if kind is m.WithdrawRoute.EMAIL:
            try:
                value = self._email(tok)
            except _Invalid:
                return m.Route(route=kind, span=self._span(meta))  # the route stands; its address is reported
        else:
            value = unquote(tok)
        return m.Route(route=kind, value=value, span=self._span(meta))

    @cached_property
    def _cookie_spec(self) -> dict[str, tuple[str, Callable[[Stmt], Any], bool]]:
        return {
            "kind": ("storage", lambda s: self._enum(m.StorageKind, s.children[0], "storage kind"), False),
            "provider": ("provider", self._provider, False),
            "party": ("party", lambda s: self._enum(m.Party, s.children[0], "party (first or third)"), False),
            "expiry": ("expiry", self._expiry, False),
            "domains": ("domains", self._first, True),
            "purpose_ref": ("purposes", self._refs, True),
            "cookie_category": ("category", lambda s: self._enum(m.CookieCategory, s.children[0],
                                                                 "cookie category"), False),
            "consent_ref": ("consents", self._refs, True),
            "pattern": ("pattern", self._flag, False),
            "description": ("description", self._first, False),
        }

    def _provider(self, s: Stmt) -> str | m.Ref:
        value = s.children[0]
        return value if isinstance(value, m.Ref) else unquote(value)

    def cookie(self, meta: Pos, children: list[Any]) -> m.Cookie:
        values, spans = self._fields(children[1:], self._cookie_spec)
        provider = values.pop("provider", None)
        if isinstance(provider, m.Ref):
            values["provider_ref"] = provider
            spans["provider_ref"] = spans["provider"]
        elif provider is not None:
            values["provider"] = provider
        name_tok: Token = children[0]
        name = None if name_tok.type == "UNNAMED" else unquote(name_tok) if name_tok.type == "STRING" else str(name_tok)
        return m.Cookie(name=name, span=self._span(meta), field_spans=spans, **values)

    def _enums(self, cls: Any, refs: Iterable[m.Ref], what: str) -> tuple[Any, ...]:
        """A list of enumerated values: each invalid one is reported, the valid ones are kept."""
        out = []
        for ref in refs:
            with contextlib.suppress(_Invalid):
                out.append(self._enum(cls, ref, what))
        return tuple(out)

    def _restriction(self, s: Stmt) -> tuple[m.RightRestriction, ...]:
        """``limited``/``denied`` <rights> [for <purposes>] [law "..."] [reason]: the rights are kept
        when some are valid (each invalid one is reported); none valid drops the statement."""
        rights = self._enums(m.Right, s.children[0], "data-subject right")
        if not rights:
            return ()
        values: dict[str, Any] = {}
        spans: dict[str, m.Span] = {}
        for part in s.children[1:]:
            if isinstance(part, Stmt) and part.key == "restriction_for":
                values["purposes"], spans["purposes"] = tuple(part.children[0]), part.span
            elif isinstance(part, Stmt) and part.key == "restriction_law":
                values["law"], spans["law"] = unquote(part.children[0]), part.span
            elif isinstance(part, m.Text):
                values["reason"] = part
        return (m.RightRestriction(rights=rights, span=s.span, field_spans=spans, **values),)

    def rights(self, meta: Pos, children: list[Any]) -> m.Rights:
        values, spans = self._fields(children, {
            "offered": ("offered", lambda s: self._enums(m.Right, s.children[0], "data-subject right"), True),
            "limited": ("limited", self._restriction, True),
            "denied": ("denied", self._restriction, True),
            "how": ("how", self._first, False),
            "complaints": ("complaints", self._first, False),
        })
        return m.Rights(span=self._span(meta), field_spans=spans, **values)

    def defaults_purpose(self, meta: Pos, children: list[Any], scope: m.DefaultsScope = "policy") -> m.Defaults:
        values, spans = self._fields(children, self._purpose_spec)
        return m.Defaults(target="purpose", scope=scope, values=m.PurposeDefaults(**values), span=self._span(meta),
                          field_spans=spans)

    def defaults_cookie(self, meta: Pos, children: list[Any], scope: m.DefaultsScope = "policy") -> m.Defaults:
        values, spans = self._fields(children, self._cookie_spec)
        provider = values.pop("provider", None)
        if isinstance(provider, m.Ref):
            values["provider_ref"], spans["provider_ref"] = provider, spans["provider"]
        elif provider is not None:
            values["provider"] = provider
        return m.Defaults(target="cookie", scope=scope, values=m.CookieDefaults(**values), span=self._span(meta),
                          field_spans=spans)

    def defaults_purpose_here(self, meta: Pos, children: list[Any]) -> m.Defaults:
        return self.defaults_purpose(meta, children, "file")

    def defaults_cookie_here(self, meta: Pos, children: list[Any]) -> m.Defaults:
        return self.defaults_cookie(meta, children, "file")

    def start(self, meta: Pos, children: list[m.Block]) -> list[m.Block]:
        return children


#: What a handler's first argument is: the first and last token of its node (None, None for a node
#: that matched nothing), for its span.
Pos = tuple[Token | None, Token | None]


class _Built:
    """A node of a tree from ``Lark.parse`` as ``_Parse.tree`` builds it: its value and its first and
    last token, which ``drive`` keeps on its stacks instead."""

    __slots__ = ("first", "last", "value")

    def __init__(self, value: Any, first: Token | None, last: Token | None) -> None:
        self.value = value
        self.first = first
        self.last = last


class _Parse:
    """The state of one parse: its ``_Builder`` (the model's values and their diagnostics). Made by
    ``parse_text`` for each call and never shared, so parses in several threads (or one started
    from inside another) cannot see each other's state.

    ``build`` makes the node of one grammar rule from its children (keyword and punctuation tokens
    left out) and its first and last token: ``lexer.drive`` (the fast path) calls it as it reduces,
    ``tree`` over a tree from ``Lark.parse``. It hands them to the builder's method for that rule
    (rules without one become a ``Stmt``).
    """

    __slots__ = ("builder", "handlers")

    def __init__(self, path: str) -> None:
        self.builder = _Builder(path)
        #: The builder's methods for the rules that have one, bound (for ``drive``: one call each).
        self.handlers = {name: method.__get__(self.builder) for name, method in _handlers().items()}

    def build(self, name: str, children: list[Any], first: Token | None, last: Token | None) -> Any:
        handler = self.handlers.get(name)
        if handler is not None:
            return handler((first, last), children)
        return self.statement(name, children, first, last)

    def statement(self, name: str, children: list[Any], first: Token | None, last: Token | None) -> Stmt:
        """The node of a rule without a builder method: a ``Stmt`` for its block to read."""
        if first is None or last is None:
            return _new_tuple(Stmt, (name, children, new_span(self.builder.path, 1, 1, 1, 1)))
        span = new_span(self.builder.path, first.line or 1, first.column or 1, last.end_line or 1, last.end_column or 1)
        return _new_tuple(Stmt, (name, children, span))

    def tree(self, tree: Tree[Any]) -> Any:
        """``build`` over a tree from ``Lark.parse``, children first (the order of the reductions
        that made it, so the same values and diagnostics as ``drive``)."""
        anonymous = _anonymous_terminals()
        # Depth first without recursion: (node, its children so far, the children left).
        from lark import Tree

        stack: list[tuple[Tree[Any], list[Any], Iterator[Any]]] = [(tree, [], iter(tree.children))]
        while True:
            node, children, rest = stack[-1]
            for child in rest:
                if isinstance(child, Tree):
                    stack.append((child, [], iter(child.children)))
                    break
                children.append(child)
            else:
                stack.pop()
                if children:
                    head, tail = children[0], children[-1]
                    first = head.first if type(head) is _Built else head
                    last = tail.last if type(tail) is _Built else tail
                else:
                    first = last = None
                values = [c.value if type(c) is _Built else c for c in children
                          if type(c) is _Built or c.type not in anonymous]
                built = _Built(self.build(str(node.data), values, first, last), first, last)
                if not stack:
                    return built.value
                stack[-1][1].append(built)


@cache
def _handlers() -> dict[str, Callable[[_Builder, Pos, list[Any]], Any]]:
    """Grammar node name -> the (unbound) ``_Builder`` method of the same name that builds it: each
    public method of ``_Builder`` is a rule or alias of the grammar (a test checks it), and every
    other node becomes a statement (``Stmt``)."""
    fast = _fast_parser()
    names = fast.nodes if fast is not None else {str(rule.alias or rule.origin.name) for rule in lark_parser().rules}
    return {name: method for name, method in vars(_Builder).items()
            if not name.startswith("_") and callable(method) and name in names}


# ---------------------------------------------------------------- entry point


@dataclass(frozen=True, slots=True)
class ParseResult:
    document: m.Document | None
    diagnostics: tuple[Diagnostic, ...]
    comments: tuple[Comment, ...]


def normalise_newlines(text: str) -> str:
    """CRLF and CR become LF (columns are unchanged: the CR was at the end of its line)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a policy is parsed and checked.

    Each collection walks every live object, and a large policy's model is hundreds of thousands
    of them, so collections triggered by allocation make large runs non-linear: with it running,
    a 100k-line lint took 3.7-4.2 s instead of 3.0 s. Nothing built here is cyclic garbage;
    whatever is left over is collected when the collector resumes.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_text(text: str, path: str = "<string>") -> ParseResult:
    """Parse one file's text. Never raises for bad input: problems come back as diagnostics.

    Everything one call builds or finds lives in the call (``_Parse``, its list of comments): the
    parsers are shared and hold nothing of a parse, so threads may parse at the same time.
    """
    text = normalise_newlines(text.removeprefix("\ufeff"))
    fast = _fast_parser()
    with gc_paused():
        if fast is not None:
            parse = _Parse(path)
            comments: list[Comment] = []
            add = comments.append
            try:
                built: Any = drive(fast, text, parse.statement,
                                   lambda tok: add(Comment(tok.line or 0, tok.column or 0, str(tok))), parse.handlers)
            except Declined:  # a syntax error (or text left to Lark): Lark's own parser says what it is
                pass
            else:
                return _result(path, built, parse, comments)
        return _parse_with_lark(text, path)


def _parse_with_lark(text: str, path: str) -> ParseResult:
    """``parse_text`` through Lark's public surface: ``Lark.parse`` to a tree, then the tree built;
    the comments from the text. The same result as the fast path (the tests compare the two)."""
    from lark.exceptions import UnexpectedInput

    parse = _Parse(path)
    try:
        tree = lark_parser().parse(text)
    except UnexpectedInput as exc:
        lexed = _lexed_before(exc, text)
        comments = [Comment(line, column, body) for _, line, column, body in scan_comments(text, lexed)]
        return ParseResult(None, (syntax_diagnostic(exc, text, path),), tuple(comments))
    comments = [Comment(line, column, body) for _, line, column, body in scan_comments(text)]
    return _result(path, parse.tree(tree), parse, comments)


def _lexed_before(exc: UnexpectedInput, text: str) -> int:
    """Where the lexer stopped at a syntax error: the comments before it are the ones it read."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedToken

    if isinstance(exc, UnexpectedToken) and exc.token.type != "$END" and exc.token.start_pos is not None:
        return int(exc.token.start_pos)
    if isinstance(exc, UnexpectedCharacters) and exc.pos_in_stream is not None:
        return int(exc.pos_in_stream)
    return len(text)


def _result(path: str, blocks: list[m.Block], parse: _Parse, comments: list[Comment]) -> ParseResult:
    return ParseResult(m.Document(path=path, blocks=tuple(blocks)), tuple(parse.builder.diagnostics),
                       tuple(comments))
