"""One finding per fact: what the engine does to the rules' findings before anyone reads them.

Two steps, both over one policy's findings after the suppressions:

- ``without_implied``: a finding that another finding implies on the same subject goes (the
  catalogue's ``implies``: LAW003 "marketing needs consent" says all that LAW001 "no legal basis"
  says about that purpose). An entry ``CODE:message-id`` implies only that message of the code
  (RET003 "as long as necessary" implies RET005's bare "required by law", not its archiving one).
- ``grouped``: findings that say the same thing (code, message and every argument but those the
  catalogue's ``object_args`` say describe the object) about different objects are one finding
  naming them all, at the first one's place, with the others as related
  locations (SARIF ``relatedLocations``, JSON ``related``): a value from a ``defaults`` block that
  fourteen purposes inherit is one finding at the line that states it, and twelve cookie rows that
  all lack an expiry in one file are one finding, not twelve. Only findings in one file are grouped
  unless they point at the very same place (an inherited value); suppressed findings never are, so a
  suppression still matches what it names. ``group-findings = false`` in the configuration turns it
  off (one finding per object, for an editor that underlines each).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from ..diagnostics import Diagnostic, Related, bound_message, shorten
from ..language import model as m
from ..span import Span
from .catalogue import full

#: The arguments that name what a finding is about, most specific first (its "subject").
SUBJECT_ARGS = ("purpose", "cookie", "recipient", "category", "consent", "transfer", "subject")
#: How many of a group's other objects the message names; the rest are counted.
NAMED_IN_MESSAGE = 6


def subject(d: Diagnostic) -> tuple[str, str] | None:
    """The (argument, value) that names what ``d`` is about, or None for a finding about the notice."""
    args = dict(d.args)
    key = next((k for k in SUBJECT_ARGS if k in args), None)
    return None if key is None else (key, args[key])


def without_implied(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """``diagnostics`` without the findings another one implies on the same subject (``Code.implies``).
    Only an unsuppressed finding hides another, and only an unsuppressed one is hidden."""
    table = full().table
    implied: set[tuple[str, tuple[str, ...]]] = set()
    for d in diagnostics:
        entry = table.get(d.code)
        about = subject(d)
        if entry is None or not entry.implies or about is None or d.suppressed is not None:
            continue
        implied.update((code, (d.span.path, *about)) for code in entry.implies)
        implied.update((code, ()) for code in entry.implies)  # a finding about the notice as a whole
    if not implied:
        return diagnostics

    def hidden(d: Diagnostic) -> bool:
        if d.suppressed is not None:
            return False
        s = subject(d)
        # A finding about the notice as a whole goes when the implying code fires on anything in
        # the policy: TRN016 "bases only for the whole notice, purposes a, b state none" is what
        # LAW001 says on a and b.
        where: tuple[str, ...] = () if s is None else (d.span.path, *s)
        return (d.code, where) in implied or (f"{d.code}:{d.message_id}", where) in implied

    return [d for d in diagnostics if not hidden(d)]


def label(key: str, value: str) -> str:
    """How a related location names its object: ``purpose `x```; a cookie argument already is a
    phrase with its noun (``pixel `1.gif```)."""
    return bound_message(value) if "`" in value else f"{key} `{shorten(value)}`"


def _group_key(d: Diagnostic, about: tuple[str, str]) -> tuple[object, ...]:
    key, value = about
    entry = full().table.get(d.code)
    per_object = {key, *(entry.object_args if entry is not None else ())}
    others = tuple((k, v) for k, v in d.args if k not in per_object)
    # The name as the hint quotes it: a bare replace would blank every letter `a` of a purpose `a`.
    # A code whose arguments describe the object gives hints about the object too: the group
    # shows its first member's.
    hint = None if d.hint is None or len(per_object) > 1 else d.hint.replace(f"`{value}`", "`\0`")
    return (d.code, d.message_id, d.severity, key, others, hint)


#: Where an object is declared, by the subject argument that names it: (argument, value) -> span.
Places = Callable[[str, str], "Span | None"]


def places_in(policy: m.Policy) -> Places:
    """Where the objects of ``policy`` are declared, as a related location of a group points at
    them: for findings that all point at one inherited value, each member's own place is that
    value's, so the group's related locations are the objects that inherit it."""
    tables: dict[str, Mapping[str, m.Node]] = {
        "purpose": policy.purposes, "recipient": policy.recipients, "category": policy.categories,
        "consent": policy.consents, "transfer": policy.transfers, "subject": policy.subjects}
    cookies: dict[str, Span] = {}
    for cookie in policy.cookies:
        cookies.setdefault(cookie.label(), cookie.span)

    def where(key: str, value: str) -> Span | None:
        if key == "cookie":
            return cookies.get(value)
        node = tables.get(key, {}).get(value)
        return None if node is None else node.span

    return where


def grouped(diagnostics: list[Diagnostic], places: Places | None = None) -> list[Diagnostic]:
    """Findings that differ only in the object they are about, as one finding per fact (see the
    module's docstring); the order of ``diagnostics`` is kept, a group at its first member.
    ``places`` says where each object is declared (``places_in``)."""
    at_place = Counter((d.code, d.span) for d in diagnostics)
    groups: dict[tuple[object, ...], list[Diagnostic]] = {}
    order: list[Diagnostic | tuple[object, ...]] = []
    for d in diagnostics:
        about = subject(d)
        if about is None or d.suppressed is not None or d.fatal:
            order.append(d)
            continue
        base = _group_key(d, about)
        # At one place (an inherited value): one group whatever the files; else one per file.
        key = (*base, "at", d.span) if at_place[(d.code, d.span)] > 1 else (*base, "in", d.span.path)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(d)
    return [item if isinstance(item, Diagnostic) else merge(groups[item], places) for item in order]


def merge(members: list[Diagnostic], places: Places | None = None) -> Diagnostic:
    """One finding for several that say the same about different objects: the first one's place and
    arguments (its template's fields, so ``args`` stay what the template takes), the message adding
    ``; the same for N more ...``, and every other object as a related location."""
    first = members[0]
    if len(members) == 1:
        return first
    about = subject(first)
    assert about is not None
    key = about[0]
    names = list(dict.fromkeys(dict(d.args)[key] for d in members))
    others_text = _others(key, names[1:])
    related = []
    # At an inherited value, the first object's own place is a related location too.
    own = places(key, names[0]) if places is not None and members[1].span == first.span else None
    if own is not None and own != first.span:
        related.append(Related(own, label(key, names[0])))
    for d in members[1:]:
        name = dict(d.args)[key]
        span = d.span
        if span == first.span and places is not None:  # an inherited value: point at who inherits it
            span = places(key, name) or span
        related.append(Related(span, label(key, name)))
    message = first.message if not others_text else bound_message(f"{first.message}; the same for {others_text}")
    return replace(first, message=message, related=first.related + tuple(related))


#: The plural of the nouns a group's message names its objects with.
PLURALS = {"purpose": "purposes", "recipient": "recipients", "cookie": "cookies", "category": "categories",
           "pixel": "pixels", "transfer": "transfers", "subject": "subjects", "consent": "consents",
           "consent mechanism": "consent mechanisms", "fingerprint": "fingerprints"}


def _others(key: str, names: list[str]) -> str:
    """The others of a group as its message names them: ``3 more purposes: `a`, `b`, `c```, the
    first ``NAMED_IN_MESSAGE`` by name; "" when there are none (one object at two places)."""
    if not names:
        return ""
    labels = [label(key, n) for n in names]
    nouns = {lab.split("`", 1)[0].strip() for lab in labels}
    noun = next(iter(nouns)) if len(nouns) == 1 else ""
    if noun in PLURALS:
        labels = [lab[len(noun):].strip() for lab in labels]
    shown = labels[:NAMED_IN_MESSAGE]
    rest = len(labels) - len(shown)
    listed = ", ".join(shown) + (f" and {rest} other{'s' if rest > 1 else ''}" if rest else "")
    if noun in PLURALS:
        return f"{len(names)} more {PLURALS[noun] if len(names) > 1 else noun}: {listed}"
    return f"{len(names)} more: {listed}"


def affected(d: Diagnostic) -> int:
    """How many objects one finding is about: its subject and those of its related locations."""
    about = subject(d)
    own = set() if about is None else {label(*about)}
    return len(own | {r.label for r in d.related}) or 1


def all_spans(d: Diagnostic) -> Iterable[Span]:
    """Every place a finding points at: its own and its related locations'."""
    yield d.span
    for r in d.related:
        yield r.span
