"""The fast path: Lark's contextual lexer and LALR loop, the same tokens and the same parse at a
fraction of the cost, without importing Lark -- and the one module that reads Lark's internals.

Everything else in privacy-dsl uses Lark's public surface: ``Lark(...)``, ``Lark.parse`` to a
``Tree``, ``Lark.rules``, ``Lark.terminals``, ``get_terminal``, ``memo_serialize``. This module also
reads what Lark does not document: each LALR state's scanner (``ContextualLexer.lexers``), the
parse table and its ``Shift`` action, and ``Lark._load_from_dict`` (the loader of Lark's
standalone parsers, the only one that reads data rather than a pickle). It does so only with the
Lark minor version it is tested with (``TESTED_LARK``) and only when those internals look as
expected (``internals``); otherwise ``fast_table`` gives None and ``load_table`` None, and the
callers take the public path (Lark's own contextual lexer and ``Lark.parse``, a parser built from
the grammar text), with the same results: the tests compare the two paths on the corpus and on
generated documents, and CI runs them on Lark's newest release.

What the loop reads is plain data, the *fast table* (``fast_table``): the LALR table, each rule's
plan, the terminals and each state's scanner. ``scripts/regen_parse_tables.py`` writes it to
``data/fast_table.json`` with a BLAKE2b digest of the grammar; a parse reads that file (``tables.py``)
and never imports Lark, which was about a quarter of a hook's cold start. The table depends on the
grammar alone, so it serves every Lark; only a syntax error (for Lark's own message) or an edited
grammar (the table is then made from Lark's parser) imports Lark. The tokens are ``Token``s, with
the attributes of Lark's.

Lark's ``ContextualLexer`` gives each LALR state its own scanner: one regular expression joining
every terminal the state accepts, compiled on first use. Our grammar has 95 distinct sets of
acceptable terminals, and compiling their expressions costs more than lexing a 100-line policy
(about 60 ms of a hook's cold start); matching then goes through several layers of calls per token.

``FastLexer`` keeps Lark's rules and replaces only the mechanics:

1. One expression, compiled once, finds the *shape* of the text at the current position:
   whitespace, a comment, a quoted string, a word (letters, digits, ``_``, ``-``, dotted parts),
   a number, or a punctuation mark.
2. The token a state makes of that text is worked out exactly as Lark's scanner for the state
   would (the state's terminals in Lark's order, the first to match wins, a keyword matched by a
   name pattern becomes that keyword), trying each terminal's own expression, and remembered per
   (state's terminal set, text): a policy repeats its words, so nearly every token is a dict lookup.
   A quoted string is remembered per terminal set alone: only STRING can match at a quote.

The result is the same token stream with the same positions. Anything unexpected (text that no
acceptable terminal matches, a token over several lines) makes the fast path decline
(``Declined``): the caller parses with Lark's own parser, so errors are Lark's own, with the same
messages and expected sets. ``fast_parser`` checks that the grammar's terminals have the shapes
listed above and gives None if they do not.

``drive`` lexes that way and runs the LALR parse over Lark's table in the same loop (see there).

Thread safety: a ``FastParser`` is shared by every parse; what it holds is read-only, apart from
memo dicts whose entries are computed from the grammar alone (the same value whichever thread
stores it first). All the state of one parse -- the stacks, the comments, what the caller builds --
lives in that call.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from functools import cache
from operator import itemgetter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lark import Lark

#: The Lark minor version(s) whose internals this module reads (``internals``): to make the fast
#: table from a Lark parser (``fast_table``, for ``scripts/regen_parse_tables.py`` and an edited
#: grammar) and to load the shipped Lark table (``load_table``). Another version takes the public
#: path for those (same results, slower); CI's newest-Lark job says when to move this.
TESTED_LARK = ("1.3",)


@cache
def internals() -> bool:
    """Whether the installed Lark is one whose internals this module reads (see the module
    docstring). Imports Lark: only the paths that need Lark ask."""
    try:
        import lark
        from lark.lark import _LOAD_ALLOWED_OPTIONS  # noqa: F401
        from lark.lexer import BasicLexer, ContextualLexer, TerminalDef  # noqa: F401
        from lark.parsers.lalr_analysis import Shift  # noqa: F401
    except ImportError:  # pragma: no cover - another Lark
        return False
    return ".".join(lark.__version__.split(".")[:2]) in TESTED_LARK and callable(
        getattr(lark.Lark, "_load_from_dict", None))


class Token(str):
    """A token as ``drive`` makes it: a string with the attributes of Lark's ``Token`` (``type``,
    ``value``, ``start_pos``, ``line``, ``column``, ``end_line``, ``end_column``, ``end_pos``), so
    that what builds the model reads the tokens of either path alike, without importing Lark.
    Slotted, as Lark's: a token's attributes are set in the loop, a dict each would cost time and memory."""

    __slots__ = ("column", "end_column", "end_line", "end_pos", "line", "start_pos", "type", "value")

    type: str
    value: str
    start_pos: int
    line: int
    column: int
    end_line: int
    end_column: int
    end_pos: int

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {str.__repr__(self)})"


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


#: One scanner (one LALR state's set of acceptable terminals) as the fast table holds it: the
#: terminals it tries, in Lark's order, and per name-like terminal the keywords it would match whole,
#: which become those keywords (Lark's "unless" callback; those keywords are not tried on their own).
Scanner = tuple[list[str], dict[str, dict[str, str]]]


def _scanner(terminals: Collection[Any]) -> Scanner:
    """The scanner of one Lark ``BasicLexer``'s terminals (``TerminalDef``s, in Lark's order:
    priority, then longest possible match, then name)."""
    strings = [t for t in terminals if t.pattern.type == "str"]
    retype: dict[str, dict[str, str]] = {}
    embedded: set[str] = set()
    for t in terminals:
        if t.pattern.type != "re":
            continue
        pattern = re.compile(t.pattern.to_regexp())
        words = {s.pattern.value: s.name for s in strings
                 if s.priority == t.priority and _matches_whole(pattern, s.pattern.value)}
        if words:
            retype[t.name] = words
            embedded |= set(words.values())
    return [t.name for t in terminals if t.name not in embedded], retype


class _Plan:
    """How one scanner turns text into a token, and what it found for each text (``memo``)."""

    __slots__ = ("memo", "retype", "tried")

    def __init__(self, scanner: Scanner, literal: Mapping[str, str], pattern: Callable[[str], re.Pattern[str]]) -> None:
        names, self.retype = scanner
        self.tried: list[tuple[str, str | None, re.Pattern[str] | None]] = [
            (name, literal[name], None) if name in literal else (name, None, pattern(name)) for name in names]
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


class Declined(Exception):
    """The fast path does not parse this text (a syntax error, or text it leaves to Lark); the
    caller parses it with Lark's own parser, which gives the result or Lark's exact exception."""


class FastLexer:
    """See the module docstring: what ``drive`` lexes with, made from the fast table's terminals
    and scanners. Each state's plan is made on first use, its terminals' expressions compiled then."""

    def __init__(self, shapes: str, terminals: Mapping[str, tuple[str | None, str | None]],
                 scanners: list[Scanner], state_scanner: Mapping[int, int]) -> None:
        self.shapes = re.compile(shapes)
        self._literal = {name: literal for name, (literal, _) in terminals.items() if literal is not None}
        self._regexp = {name: regexp for name, (_, regexp) in terminals.items() if regexp is not None}
        self._compiled: dict[str, re.Pattern[str]] = {}
        self._scanners = scanners
        self._state_scanner = state_scanner
        #: Memo caches, shared by every parse: each entry is computed from the grammar alone.
        self._plans: dict[int, _Plan] = {}
        self.by_state: dict[int, tuple[dict[str, tuple[str, int] | None], _Plan]] = {}

    def _pattern(self, name: str) -> re.Pattern[str]:
        compiled = self._compiled.get(name)
        if compiled is None:
            compiled = self._compiled.setdefault(name, re.compile(self._regexp[name]))
        return compiled

    def plan(self, state: int) -> tuple[dict[str, tuple[str, int] | None], _Plan]:
        """The plan of ``state``'s scanner: one per set of acceptable terminals, as Lark shares them."""
        index = self._state_scanner[state]
        plan = self._plans.get(index)
        if plan is None:
            plan = self._plans.setdefault(index, _Plan(self._scanners[index], self._literal, self._pattern))
        return plan.memo, plan


def _shape_of(t: Any) -> str | None:
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


# ---------------------------------------------------------------- the LALR loop

#: Per grammar rule: (length of its expansion, the rule it reduces to, the name its node is built
#: under, how its children are kept and what with -- 0: all of them as they are (None); 1: one (its
#: index); 2: several (an ``itemgetter`` of their indexes); 3: with inlined rules spliced ((index,
#: splice?) per kept child); 4: the first one a spliced list, which the other (its index) is
#: appended to, as in the left-recursive ``__x_star: __x_star x`` -- and whether a single child
#: stands for the node, as in a ``?rule``).
RulePlan = tuple[int, str, str, int, Any, bool]


class Spliced(list[Any]):
    """The value of an inlined rule (``_item``, ``__stmt_star``, ...): its children, which Lark
    splices into the parent's. A list, so that a left-recursive list of statements grows in place."""

    __slots__ = ()


class FastParser:
    """What ``drive`` reads, made once from a fast table (``fast_table``); read-only after that.

    Lark's table maps (state, terminal or rule) to an ``(action, argument)`` pair, and a reduction's
    argument is a ``Rule``, whose hash is a Python method. ``actions`` holds the same table in the
    shape the loop reads fastest: per state, a terminal's action is one number, the next state (a
    shift) or, negative, ``~n`` for the ``n``-th of ``plans`` (reduce by that rule); ``goto`` is the
    state after a reduction. ``nodes`` are the names the nodes are built under.
    """

    def __init__(self, table: Mapping[str, Any]) -> None:
        self.start: int = table["start"]
        self.end: int = table["end"]
        self.actions: dict[int, dict[str, int]] = {
            state: dict(zip(row[0::2], row[1::2], strict=True)) for state, row in enumerate(table["actions"])}
        self.goto: dict[int, dict[str, int]] = {
            state: dict(zip(row[0::2], row[1::2], strict=True)) for state, row in enumerate(table["goto"])}
        self.plans: list[RulePlan] = [_decode_plan(plan) for plan in table["plans"]]
        self.nodes: frozenset[str] = frozenset(plan[2] for plan in self.plans)
        terminals = {name: (literal, regexp) for name, literal, regexp in table["terminals"]}
        self.lexer = FastLexer(table["shapes"], terminals, [(list(names), dict(retype))
                                                            for names, retype in table["scanners"]],
                               dict(enumerate(table["state_scanner"])))


def _decode_plan(plan: list[Any]) -> RulePlan:
    """A rule's plan from the fast table's JSON: ``pick`` as ``drive`` reads it (see ``RulePlan``)."""
    size, origin, name, mode, pick, expand1 = plan
    if mode == 2:
        pick = itemgetter(*pick)
    elif mode == 3:
        pick = tuple((index, bool(splice)) for index, splice in pick)
    return (size, origin, name, mode, pick, bool(expand1))


def _rule_plan(rule: Any, keep_all_tokens: bool, drop: frozenset[str] = frozenset()) -> list[Any]:
    """How Lark's ``ParseTreeBuilder`` turns the children of a reduction by ``rule`` into a node
    (LALR, no placeholders): the same child filter and single-child expansion, from the rule's
    public attributes (its expansion and options); the terminals in ``drop`` are left out as well
    (a caller that has no use for keyword tokens, but reads their positions from ``drive``).
    As JSON: ``_decode_plan`` makes the ``RulePlan``."""
    options = rule.options
    keep = keep_all_tokens or options.keep_all_tokens
    include = [[i, not sym.is_term and sym.name.startswith("_")] for i, sym in enumerate(rule.expansion)
               if (keep or not (sym.is_term and sym.filter_out)) and not (sym.is_term and sym.name in drop)]
    name = str(rule.alias or options.template_source or rule.origin.name)
    mode: int
    pick: Any
    if name.startswith("_") and len(include) == 2 and include[0] == [0, True] and not include[1][1]:
        mode, pick = 4, include[1][0]
    elif not include or any(splice for _, splice in include):
        mode, pick = 3, include
    elif len(include) == len(rule.expansion):
        mode, pick = 0, None
    elif len(include) == 1:
        mode, pick = 1, include[0][0]
    else:
        mode, pick = 2, [i for i, _ in include]
    return [len(rule.expansion), rule.origin.name, name, mode, pick, bool(options.expand1 and not rule.alias)]


def fast_table(parser: Lark, drop: Collection[str] = ()) -> dict[str, Any] | None:
    """The fast table of ``parser`` (a contextual-lexer LALR parser), as plain data (what
    ``data/fast_table.json`` holds): its LALR table, its rules' plans, its terminals and each
    state's scanner, whose nodes leave out the tokens of the terminals in ``drop`` (``drive``
    gives their positions). None if Lark is not the version this is tested with, its internals
    differ, the terminals are not the shapes this lexer knows, other terminals than WS and COMMENT
    are ignored, or lexer callbacks are set."""
    if not internals():
        return None
    from lark.lexer import ContextualLexer
    from lark.parsers.lalr_analysis import Shift

    lexer = getattr(getattr(parser, "parser", None), "lexer", None)
    if type(lexer) is not ContextualLexer or not isinstance(getattr(lexer, "lexers", None), dict):
        return None
    if parser.options.parser != "lalr" or parser.options.lexer_callbacks or parser.options.transformer:
        return None
    terminals = parser.terminals
    if any(_shape_of(t) is None or t.pattern.flags for t in terminals):
        return None
    by_name = {t.name: t for t in terminals}
    if set(parser.lexer_conf.ignore) != {"WS", "COMMENT"}:
        return None
    shapes = [f"(?P<comment>{by_name['COMMENT'].pattern.to_regexp()})", f"(?P<word>{_WORD})",
              f"(?P<number>{_NUMBER})", r"(?P<punct>[^\w\s\"#])"]
    if "STRING" in by_name:
        shapes.insert(1, f"(?P<string>{by_name['STRING'].pattern.to_regexp()})")
    try:
        lalr: Any = parser.parser.parser.parser
        table = lalr.parse_table
        keep_all = bool(parser.options.keep_all_tokens)
        dropped = frozenset(drop)
        number = {rule: index for index, rule in enumerate(parser.rules)}
        rules = {rule.origin.name for rule in parser.rules}
        states = sorted(table.states)
        if states != list(range(len(states))):  # pragma: no cover - Lark numbers its states 0..n-1
            return None
        scanners: list[Scanner] = []
        scanner_of: dict[int, int] = {}  # Lark shares one scanner among the states of one terminal set
        state_scanner = []
        for state in states:
            scanner: Any = lexer.lexers[state]
            if id(scanner) not in scanner_of:
                scanner_of[id(scanner)] = len(scanners)
                scanners.append(_scanner(scanner.terminals))
            state_scanner.append(scanner_of[id(scanner)])
        return {
            "start": table.start_states["start"],
            "end": table.end_states["start"],
            "actions": [[part for kind, (action, arg) in table.states[state].items() if kind not in rules
                         for part in (kind, arg if action is Shift else ~number[arg])] for state in states],
            "goto": [[part for kind, (_, arg) in table.states[state].items() if kind in rules for part in (kind, arg)]
                     for state in states],
            "plans": [_rule_plan(rule, keep_all, dropped) for rule in parser.rules],
            "shapes": f"(?P<ws>{by_name['WS'].pattern.to_regexp()})?(?:{'|'.join(shapes)})?",
            "terminals": [[t.name, t.pattern.value if t.pattern.type == "str" else None,
                           None if t.pattern.type == "str" else t.pattern.to_regexp()] for t in terminals],
            "scanners": scanners,
            "state_scanner": state_scanner,
        }
    except (AttributeError, KeyError, TypeError):  # pragma: no cover - Lark's internals differ
        return None


def fast_parser(parser: Lark, drop: Collection[str] = ()) -> FastParser | None:
    """The fast path for ``parser`` made from its own table (``fast_table``); None where there is none."""
    table = fast_table(parser, drop)
    return None if table is None else FastParser(table)


#: What builds a node: ``build(name, children, first, last)`` with the rule's (filtered) children and
#: the first and last token of the text it covers (None for a rule that matched nothing).
NodeBuilder = Callable[[str, list[Any], Any, Any], Any]


def drive(fast: FastParser, text: str, build: NodeBuilder, comment: Callable[[Token], object] | None = None,
          handlers: Mapping[str, Callable[[tuple[Any, Any], list[Any]], Any]] | None = None) -> Any:
    """Lex and parse ``text`` with the LALR table of ``fast``'s parser, in one loop.

    The tokens ``FastLexer`` makes (see the module docstring), each in the state the parser is in
    when it is needed, and the same shifts and reductions as Lark's ``_Parser.parse_from_state``:
    the same nodes as Lark's tree builder makes (the same child filter, inlined ``_rules`` spliced,
    ``?rules`` of one child expanded; less the tokens ``fast`` drops), but each node is made by
    ``build(name, children, first, last)``, and each comment goes to ``comment``: both belong to the
    caller's parse, so parses never share state. A node's first token is kept on a stack beside the
    values, and its last is the last token shifted, so a position costs no object of its own.
    ``handlers`` may give, per node name, what builds it instead: ``handler((first, last), children)``
    (a call fewer than through ``build``).

    One loop, not a lexer generator feeding a parser: the per-token calls between them were about
    a tenth of the loop's work. Without Lark's bookkeeping for interactive parsing and error recovery: at
    the first syntax error (or text the lexer leaves to Lark) this raises ``Declined``, and the
    caller parses again with Lark's own parser, which raises Lark's exception with everything it
    carries.
    """
    actions, goto, plans, end_state = fast.actions, fast.goto, fast.plans, fast.end
    handler_of = (handlers or {}).get
    lexer = fast.lexer
    # Never None: everything in the expression is optional.
    shapes: Callable[[str, int, int], re.Match[str]] = lexer.shapes.match  # type: ignore[assignment]
    by_state = lexer.by_state
    new_token = Token
    make_str = str.__new__
    state = fast.start
    state_stack = [state]
    value_stack: list[Any] = []
    first_stack: list[Any] = []
    push_state, push_value, push_first = state_stack.append, value_stack.append, first_stack.append
    last: Any = None  # the last token shifted: the last token of every node reduced before the next
    pos, line, line_start, end = 0, 1, 0, len(text)
    try:
        while True:
            # -- the next token (None at the end of the text)
            token: Token | None = None
            while pos < end:
                m = shapes(text, pos, end)  # whitespace if any, then the shape of what follows it
                stop = m.end(1)  # group 1: whitespace (-1 when there is none)
                if stop > pos:
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
                        raise Declined
                    if comment is not None:
                        column = pos - line_start + 1
                        value = m.group(shape)
                        token = make_str(new_token, value)
                        token.type, token.start_pos, token.value, token.line, token.column = "COMMENT", pos, value, \
                            line, column
                        token.end_line, token.end_column, token.end_pos = line, column + stop - pos, stop
                        comment(token)
                        token = None
                    pos = stop
                    continue
                known = by_state.get(state)
                if known is None:
                    known = by_state[state] = lexer.plan(state)
                memo, plan = known
                if shape == "string":  # only STRING matches at a quote (a test checks it): remember the state's answer
                    try:
                        string = memo['"']
                    except KeyError:
                        string = memo['"'] = plan.resolve(text, pos)
                    stop = m.end()
                    found = None if string is None else (string[0], stop - pos)
                    if text.find("\n", pos, stop) >= 0:
                        # Only whitespace holds line breaks in today's grammar; should a terminal ever
                        # span lines, Lark's lexer counts them (same tokens, same positions).
                        raise Declined
                elif shape is None:  # not remembered: text only a terminal can tell
                    found = plan.resolve(text, pos)
                    if found is not None and text.find("\n", pos, pos + found[1]) >= 0:
                        raise Declined
                else:
                    key = m.group(shape)
                    try:
                        found = memo[key]
                    except KeyError:
                        found = memo[key] = plan.resolve(text, pos)
                if found is None:  # no acceptable terminal here: Lark's lexer raises its own error
                    raise Declined
                kind, length = found
                column = pos - line_start + 1
                stop = pos + length
                # Token(...) as Lark makes it, without the two calls of its constructor
                value = text[pos:stop]
                token = make_str(new_token, value)
                token.type, token.start_pos, token.value, token.line, token.column = kind, pos, value, line, column
                token.end_line, token.end_column, token.end_pos = line, column + length, stop
                pos = stop
                break
            else:
                kind = "$END"
            # -- the reductions it completes, then its shift
            action = actions[state][kind]
            while action < 0:  # a reduction
                size, origin, name, mode, pick, expand1 = plans[~action]
                if size == 1:
                    children = [value_stack.pop()]
                    first = first_stack.pop()
                    state_stack.pop()
                elif size:
                    children = value_stack[-size:]
                    first = first_stack[-size]
                    if first is None:  # its first child matched nothing: look past it
                        first = next((t for t in first_stack[-size:] if t is not None), None)
                    del state_stack[-size:]
                    del value_stack[-size:]
                    del first_stack[-size:]
                else:
                    children = []
                    first = None
                if mode:  # Lark's ChildFilterLALR_NoPlaceholders, with our dropped tokens
                    if mode == 1:
                        children = [children[pick]]
                    elif mode == 2:
                        children = list(pick(children))
                    elif mode == 4:  # ``__x_star: __x_star x``: the list grows in place
                        kept: list[Any] = children[0]
                        kept.append(children[pick])
                        children = kept
                    else:
                        kept = []
                        for i, splice in pick:
                            if not splice:
                                kept.append(children[i])
                            elif kept:
                                kept += children[i]
                            else:  # left recursion: the list grows in place
                                kept = children[i]
                        children = kept
                if expand1 and len(children) == 1:
                    push_value(children[0])
                elif name[0] == "_":
                    push_value(children if type(children) is Spliced else Spliced(children))
                else:
                    handler = handler_of(name)
                    if handler is not None:
                        push_value(handler((first, last if first is not None else None), children))
                    else:
                        push_value(build(name, children, first, last if first is not None else None))
                push_first(first)
                state = goto[state_stack[-1]][origin]
                push_state(state)
                if token is None and state == end_state:  # the start symbol is complete
                    return value_stack[-1]
                action = actions[state][kind]
            if token is None:
                raise Declined
            state = action
            push_state(state)
            push_value(token)
            push_first(token)
            last = token
    except KeyError:
        raise Declined from None


# ---------------------------------------------------------------- loading a serialized parser

def load_options() -> frozenset[str]:
    """Options Lark accepts when loading a serialized parser: left out of the stored table and given
    again at load time, as ``Lark.save`` and ``cache=True`` do. Empty on another Lark."""
    if not internals():
        return frozenset()
    from lark.lark import _LOAD_ALLOWED_OPTIONS

    return frozenset(_LOAD_ALLOWED_OPTIONS)


def load_table(data: dict[str, Any], memo: dict[int, Any], **options: Any) -> Lark | None:
    """The parser serialized as ``data`` and ``memo`` (``Lark.memo_serialize``), by
    ``Lark._load_from_dict``: the loading path of Lark's standalone parsers and of ``cache=True``
    after unpickling (``Lark.load`` is the same code behind a pickle). None on a Lark this is not
    tested with (the caller builds the parser from the grammar text)."""
    if not internals():
        return None
    from lark import Lark

    loaded: Lark = Lark._load_from_dict(data, memo, **options)  # type: ignore[no-untyped-call]
    return loaded
