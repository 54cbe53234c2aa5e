"""Lark's contextual lexer and LALR loop: the same tokens and the same parse at a fraction of the cost.

Lark's ``ContextualLexer`` gives each LALR state its own scanner: one regular expression joining
every terminal the state accepts, compiled on first use. Our grammar has 95 distinct sets of
acceptable terminals, and compiling their expressions costs more than lexing a 100-line policy
(about 60 ms of a hook's cold start); matching then goes through several layers of calls per token.

``FastContextualLexer`` keeps Lark's rules and replaces only the mechanics:

1. One expression, compiled once, finds the *shape* of the text at the current position:
   whitespace, a comment, a quoted string, a word (letters, digits, ``_``, ``-``, dotted parts),
   a number, or a punctuation mark.
2. The token a state makes of that text is worked out exactly as Lark's scanner for the state
   would (the state's terminals in Lark's order, the first to match wins, a keyword matched by a
   name pattern becomes that keyword), trying each terminal's own expression, and remembered per
   (state's terminal set, text): a policy repeats its words, so nearly every token is a dict lookup.

The result is the same token stream with the same positions. Anything unexpected (text that no
acceptable terminal matches, a token over several lines) is handed back to Lark's own lexer at that
position, so errors are Lark's own, with the same messages and expected sets. ``install`` checks
that the grammar's terminals have the shapes listed above and leaves Lark's lexer in place if they
do not; the tests compare both lexers on the corpus and on generated documents.

``drive`` then runs the LALR parse over Lark's own table and callbacks in one loop (see there).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator
from copy import copy
from functools import partial
from itertools import chain
from typing import Any, cast

from lark import Lark, Token
from lark.exceptions import UnexpectedInput
from lark.lexer import BasicLexer, ContextualLexer, LexerState, TerminalDef
from lark.parse_tree_builder import ChildFilterLALR_NoPlaceholders, ExpandSingleChild
from lark.parsers.lalr_analysis import Shift
from lark.utils import TextSlice

#: The shapes of text, with the terminals of each shape. A word is as long as a name or taxonomy
#: key can be; every word-shaped terminal matches within it (and, after it, meets no word character).
_WORD = r"[^\W\d][\w\-]*(?:\.[^\W\d][\w\-]*)*"
_NUMBER = r"[0-9][0-9\-]*"
_WORD_TERMINALS = frozenset({"UNIT", "TAXON", "NAME", "LANG", "KEY"})
_NUMBER_TERMINALS = frozenset({"INT", "DATE"})
_WORD_RE = re.compile(_WORD)
_PUNCTUATION_RE = re.compile(r"[^\w\s\"#]")


def _matches_whole(pattern: re.Pattern[str], text: str) -> bool:
    """Lark's test for a keyword a name pattern would swallow: ``match``, not ``fullmatch``."""
    m = pattern.match(text)
    return m is not None and m.group(0) == text


class _Plan:
    """How one LALR state's scanner (one set of acceptable terminals) turns text into a token."""

    __slots__ = ("memo", "retype", "tried")

    def __init__(self, terminals: Collection[TerminalDef], compiled: dict[str, re.Pattern[str]]) -> None:
        strings = [t for t in terminals if t.pattern.type == "str"]
        #: Per name-like terminal, the keywords it would match whole, which become those keywords
        #: (Lark's "unless" callback); those keywords are then not tried on their own.
        self.retype: dict[str, dict[str, str]] = {}
        embedded: set[str] = set()
        for t in terminals:
            if t.pattern.type != "re":
                continue
            pattern = compiled[t.name]
            words = {s.pattern.value: s.name for s in strings
                     if s.priority == t.priority and _matches_whole(pattern, s.pattern.value)}
            if words:
                self.retype[t.name] = words
                embedded |= set(words.values())
        # ``terminals`` is in Lark's order: priority, then longest possible match, then name.
        self.tried: list[tuple[str, str | None, re.Pattern[str] | None]] = [
            (t.name, t.pattern.value if t.pattern.type == "str" else None,
             None if t.pattern.type == "str" else compiled[t.name])
            for t in terminals if t.name not in embedded]
        self.memo: dict[str, tuple[str, int] | None] = {}

    def resolve(self, text: str, pos: int) -> tuple[str, int] | None:
        """(terminal, length) of the token at ``pos``, as Lark's scanner for the state finds it."""
        for name, literal, pattern in self.tried:
            if literal is not None:
                if text.startswith(literal, pos):
                    return name, len(literal)
            else:
                assert pattern is not None
                m = pattern.match(text, pos)
                if m:
                    length = m.end() - pos
                    retype = self.retype.get(name)
                    if retype is not None:
                        name = retype.get(text[pos:pos + length], name)
                    return name, length
        return None


class FastContextualLexer(ContextualLexer):
    """See the module docstring. Made from Lark's lexer by ``install`` (``__class__`` is swapped)."""

    _plans: dict[int, _Plan]
    _by_state: dict[int, tuple[dict[str, tuple[str, int] | None], _Plan]]
    _compiled: dict[str, re.Pattern[str]]
    _shapes: re.Pattern[str]
    _comment: Callable[[Token], Any] | None

    def _plan(self, state: int) -> tuple[dict[str, tuple[str, int] | None], _Plan]:
        """The plan of ``state``'s scanner: one per set of acceptable terminals, as Lark shares them."""
        lexer = self.lexers[state]
        plan = self._plans.get(id(lexer))
        if plan is None:
            plan = self._plans[id(lexer)] = _Plan(cast(BasicLexer, lexer).terminals, self._compiled)
        return plan.memo, plan

    def lex(self, lexer_state: LexerState, parser_state: Any) -> Iterator[Token]:
        line_ctr = lexer_state.line_ctr
        text_slice = lexer_state.text
        text, end = text_slice.text, text_slice.end
        if not isinstance(text, str):
            yield from super().lex(lexer_state, parser_state)
            return
        pos, line, line_start = line_ctr.char_pos, line_ctr.line, line_ctr.line_start_pos
        # Never None: everything in the expression is optional.
        shapes: Callable[[str, int, int], re.Match[str]] = self._shapes.match  # type: ignore[assignment]
        by_state = self._by_state
        stack = parser_state.stack if type(parser_state) is _Position else None
        comment = self._comment
        new_token = Token
        make_str = str.__new__
        last = lexer_state.last_token
        while pos < end:
            m = shapes(text, pos, end)  # whitespace if any, then the shape of what follows it
            if m.start("ws") >= 0:
                stop = m.end("ws")
                breaks = text.count("\n", pos, stop)
                if breaks:
                    line += breaks
                    line_start = text.rindex("\n", pos, stop) + 1
                pos = stop
            shape = m.lastgroup
            if shape == "ws":  # nothing known follows: the end, or text only a terminal can tell
                continue
            if shape == "comment":
                stop = m.end()
                if text.find("\n", pos, stop) >= 0:  # a comment over several lines: see strings below
                    line_ctr.char_pos, line_ctr.line, line_ctr.line_start_pos = pos, line, line_start
                    line_ctr.column = pos - line_start + 1
                    lexer_state.last_token = last
                    yield from super().lex(lexer_state, parser_state)
                    return
                if comment is not None:
                    column = pos - line_start + 1
                    comment(new_token("COMMENT", m.group(shape), pos, line, column, line, column + stop - pos, stop))
                pos = stop
                continue
            state = stack[-1] if stack is not None else parser_state.position
            known = by_state.get(state)
            if known is None:
                known = by_state[state] = self._plan(state)
            memo, plan = known
            if shape is None or shape == "string":  # not remembered: the text is not a word
                found = plan.resolve(text, pos)
                if found is not None and text.find("\n", pos, pos + found[1]) >= 0:
                    # Only whitespace holds line breaks in today's grammar; should a terminal ever
                    # span lines, Lark's lexer counts them (same tokens, same positions).
                    line_ctr.char_pos, line_ctr.line, line_ctr.line_start_pos = pos, line, line_start
                    line_ctr.column = pos - line_start + 1
                    lexer_state.last_token = last
                    yield from super().lex(lexer_state, parser_state)
                    return
            else:
                key = m.group(shape)
                try:
                    found = memo[key]
                except KeyError:
                    found = memo[key] = plan.resolve(text, pos)
            if found is None:  # no acceptable terminal here: Lark's lexer raises its own error
                line_ctr.char_pos, line_ctr.line, line_ctr.line_start_pos = pos, line, line_start
                line_ctr.column = pos - line_start + 1
                lexer_state.last_token = last
                yield from super().lex(lexer_state, parser_state)
                return
            type_, length = found
            column = pos - line_start + 1
            stop = pos + length
            # Token(...) as Lark makes it, without the two calls of its constructor (~15 % of lexing)
            value = text[pos:stop]
            last = make_str(new_token, value)
            last.type, last.start_pos, last.value, last.line, last.column = type_, pos, value, line, column
            last.end_line, last.end_column, last.end_pos = line, column + length, stop
            pos = stop
            yield last
        lexer_state.last_token = last
        line_ctr.char_pos, line_ctr.line, line_ctr.line_start_pos = pos, line, line_start
        line_ctr.column = pos - line_start + 1


def _shape_of(t: TerminalDef) -> str | None:
    """Which shape of text a terminal belongs to; None if this lexer does not know it."""
    if t.pattern.type == "str":
        value = t.pattern.value
        if _WORD_RE.fullmatch(value):
            return "word"
        return "punct" if len(value) == 1 and _PUNCTUATION_RE.fullmatch(value) else None
    if t.name in _WORD_TERMINALS:
        return "word"
    if t.name in _NUMBER_TERMINALS:
        return "number"
    return {"STRING": "string", "COMMENT": "comment", "WS": "ws"}.get(t.name)


def install(parser: Lark) -> bool:
    """Swap ``parser``'s contextual lexer for ``FastContextualLexer``; False (and nothing changed)
    if its terminals are not the shapes this lexer knows, or other terminals than WS and COMMENT
    are ignored."""
    lexer = getattr(parser.parser, "lexer", None)
    if type(lexer) is not ContextualLexer:
        return False
    terminals = parser.terminals
    if any(_shape_of(t) is None or t.pattern.flags for t in terminals):
        return False
    by_name = {t.name: t for t in terminals}
    if set(parser.lexer_conf.ignore) != {"WS", "COMMENT"}:
        return False
    shapes = [f"(?P<comment>{by_name['COMMENT'].pattern.to_regexp()})", f"(?P<word>{_WORD})",
              f"(?P<number>{_NUMBER})", r"(?P<punct>[^\w\s\"#])"]
    if "STRING" in by_name:
        shapes.insert(1, f"(?P<string>{by_name['STRING'].pattern.to_regexp()})")
    fast: Any = lexer
    fast.__class__ = FastContextualLexer
    fast._shapes = re.compile(f"(?P<ws>{by_name['WS'].pattern.to_regexp()})?(?:{'|'.join(shapes)})?")
    fast._compiled = {t.name: re.compile(t.pattern.to_regexp()) for t in terminals if t.pattern.type == "re"}
    fast._plans = {}
    fast._by_state = {}
    fast._comment = parser.options.lexer_callbacks.get("COMMENT")
    return True


# ---------------------------------------------------------------- the LALR loop


class _Position:
    """What the lexer asks the parser: the state on top of its stack."""

    __slots__ = ("stack",)

    def __init__(self, stack: list[int]) -> None:
        self.stack = stack

    @property
    def position(self) -> int:
        return self.stack[-1]


class SyntaxErrorFound(Exception):
    """The text does not parse; the caller re-parses with Lark's own parser for its exact error."""


NodeBuilders = Callable[[str], Callable[[list[Any]], Any]]


def drive(parser: Lark, text: str, node_builder: NodeBuilders) -> Any:
    """Parse ``text`` with ``parser``'s LALR table and callbacks, in one loop.

    The same shifts and reductions as Lark's ``_Parser.parse_from_state`` (the same callbacks, so
    the same result), without its per-token method calls and bookkeeping for interactive parsing
    and error recovery: at the first syntax error this raises ``SyntaxErrorFound``, and the caller
    parses again with Lark's own parser, which raises Lark's exception with everything it carries.
    ``node_builder(rule name)`` gives the function that builds a node from its (filtered) children,
    called directly instead of through the transformer's ``__default__`` wrappers.
    """
    frontend: Any = parser.parser
    lalr = frontend.parser.parser
    table = lalr.parse_table
    states = table.states
    rules, token_callbacks = _rule_table(lalr, node_builder)
    start, end = table.start_states["start"], table.end_states["start"]
    state_stack = [start]
    value_stack: list[Any] = []
    push_state, push_value = state_stack.append, value_stack.append
    tokens = frontend.lexer.lex(LexerState(TextSlice.cast_from(text)), _Position(state_stack))
    try:
        for token in chain(tokens, (None,)):  # None: the end of the text
            kind = token.type if token is not None else "$END"
            while True:
                action, arg = states[state_stack[-1]][kind]
                if action is Shift:
                    if token is None:
                        raise SyntaxErrorFound
                    push_state(arg)
                    push_value(token_callbacks[kind](token) if kind in token_callbacks else token)
                    break
                size, origin, callback = rules[arg]
                if size:
                    children = value_stack[-size:]
                    del state_stack[-size:]
                    del value_stack[-size:]
                else:
                    children = []
                push_value(callback(children))
                push_state(states[state_stack[-1]][origin][1])
                if token is None and state_stack[-1] == end:  # the start symbol is complete
                    return value_stack[-1]
        raise SyntaxErrorFound  # not reached: the end token either completes the parse or fails
    except (KeyError, UnexpectedInput):
        raise SyntaxErrorFound from None


RuleTable = dict[Any, tuple[int, str, Callable[[list[Any]], Any]]]
TokenCallbacks = dict[str, Callable[[Token], Any]]
_RULE_TABLES: dict[int, tuple[RuleTable, TokenCallbacks]] = {}


def _rule_table(lalr: Any, node_builder: NodeBuilders) -> tuple[RuleTable, TokenCallbacks]:
    """Per grammar rule: (length of its expansion, the rule it reduces to, its callback); and the
    callbacks for terminals, if any. Made once per parser (a policy of many small files parses
    each with the same tables)."""
    found = _RULE_TABLES.get(id(lalr))
    if found is None:
        rules = {rule: (len(rule.expansion), rule.origin.name, _direct(callback, node_builder))
                 for rule, callback in lalr.callbacks.items() if not isinstance(rule, str)}
        terminals = {name: callback for name, callback in lalr.callbacks.items() if isinstance(name, str)}
        found = _RULE_TABLES[id(lalr)] = (rules, terminals)
    return found


def _direct(callback: Any, node_builder: NodeBuilders) -> Callable[[list[Any]], Any]:
    """``callback`` with its innermost step, Lark's ``partial(default_callback, name)`` (two calls
    deep into the transformer's ``__default__``), replaced by ``node_builder(name)``; the child
    filters around it are kept (copied). Anything else is left as it is."""
    chain = []
    inner = callback
    while type(inner) in (ExpandSingleChild, ChildFilterLALR_NoPlaceholders):
        chain.append(inner)
        inner = inner.node_builder
    if not (isinstance(inner, partial) and len(inner.args) == 1 and isinstance(inner.args[0], str)
            and inner.func.__name__ == "default_callback"):
        return cast(Callable[[list[Any]], Any], callback)
    built: Any = node_builder(inner.args[0])
    for wrapper in reversed(chain):
        outer = copy(wrapper)
        outer.node_builder = built
        built = outer
    return cast(Callable[[list[Any]], Any], built)
