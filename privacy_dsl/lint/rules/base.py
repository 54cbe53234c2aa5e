"""What a rule is: a check function with its metadata and documentation in one place.

A rule module defines functions decorated with ``@rule(...)``; the function's docstring is the
rule's documentation, with the sections *What it does*, *Why it matters*, *Example*,
*Use instead*, *Options* and *References*. ``privacy-dsl explain`` and ``docs/rules/`` are
generated from it, and the fenced examples are run as tests.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from ...codes import RULE_CATEGORIES, Status
from ...diagnostics import DOCS_URL, Severity
from ...language import model as m
from ...language import taxonomy

#: The rule categories (the catalogue's, ``privacy_dsl.codes.RULE_CATEGORIES``).
CATEGORIES = RULE_CATEGORIES


class Options(BaseModel):
    """Base of per-rule options. Keys are written in kebab-case in the configuration."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, defer_build=True,
                              alias_generator=lambda s: s.replace("_", "-"))

    @field_validator("*", mode="before")
    @classmethod
    def _booleans_are_not_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        """``max-months = true`` is not 1, and ``allow-stricter = 1`` is not ``true`` (Python says both are)."""
        field = cls.model_fields.get(info.field_name or "")
        if field is None:
            return value
        takes_bool = _mentions_bool(field.annotation)
        if field.annotation is bool and not isinstance(value, bool):
            raise ValueError("expected true or false")
        if not takes_bool and _holds_bool(value):
            raise ValueError("expected a number or a text, not true or false")
        return value


def _mentions_bool(annotation: Any) -> bool:
    """Whether ``bool`` appears anywhere in a type (``bool``, ``bool | None``, ``dict[str, bool]``)."""
    return annotation is bool or any(_mentions_bool(arg) for arg in get_args(annotation))


def _holds_bool(value: Any) -> bool:
    """Whether a configuration value is, or holds (in a table or a list), ``true`` or ``false``."""
    if isinstance(value, bool):
        return True
    if isinstance(value, dict):
        return any(_holds_bool(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_holds_bool(v) for v in value)
    return False


#: A finding's message arguments: a mapping, or (name, value) pairs, every value a string.
Args = Mapping[str, str] | Iterable[tuple[str, str]]


@dataclass(frozen=True, slots=True, init=False)
class Finding:
    """One fact a rule found: where, and the arguments of one of its message templates (pyflakes
    style), so the text is formatted at the edge and machines read the arguments, not the text.
    ``hint`` is free text: it is advice for people, not data."""

    span: m.Span
    args: tuple[tuple[str, str], ...]
    #: The id of the rule's template (``Rule.messages``); None: its only or first one.
    message_id: str | None
    hint: str | None

    def __init__(self, span: m.Span, args: Args = (), message_id: str | None = None,
                 hint: str | None = None) -> None:
        object.__setattr__(self, "span", span)
        object.__setattr__(self, "args", tuple(args.items() if isinstance(args, Mapping) else args))
        object.__setattr__(self, "message_id", message_id)
        object.__setattr__(self, "hint", hint)


@dataclass(slots=True)
class Context:
    """What a check sees: the resolved policy, its own options and the active jurisdictions."""

    policy: m.Policy
    options: Any
    jurisdictions: tuple[str, ...] = ("eu",)
    _cache: dict[str, Any] = field(default_factory=dict)

    def categories_of(self, purpose: m.Purpose) -> list[m.Category]:
        cats = self.policy.categories
        return [cats[r.name] for r in purpose.categories if r.name in cats]

    def subjects_of(self, purpose: m.Purpose) -> list[m.Subject]:
        subs = self.policy.subjects
        return [subs[r.name] for r in purpose.subjects if r.name in subs]

    def recipients_of(self, purpose: m.Purpose) -> list[m.Recipient]:
        recs = self.policy.recipients
        return [recs[r.name] for r in purpose.recipients if r.name in recs]

    def involves_children(self, purpose: m.Purpose) -> bool:
        # The ids of children's categories and subjects, found in one pass: looking each purpose's
        # categories up in the whole table would touch every category object again per purpose,
        # which leaves the processor's caches on a large policy (time grows faster than the size).
        ids = self._cache.get("children.ids")
        if ids is None:
            policy = self.policy
            ids = self._cache["children.ids"] = (
                frozenset(cid for cid, c in policy.categories.items()
                          if c.children or (c.taxonomy and taxonomy.is_under(c.taxonomy, "user.childrens"))),
                frozenset(sid for sid, s in policy.subjects.items() if s.children))
        categories, subjects = ids
        return bool((categories and any(r.name in categories for r in purpose.categories))
                    or (subjects and any(r.name in subjects for r in purpose.subjects)))


Check = Callable[[Context], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    category: str
    severity: Severity
    references: tuple[str, ...]
    check: Check
    doc: str
    options: type[Options] | None = None
    #: The rule is only on when one of these jurisdictions is active (empty: always).
    jurisdictions: tuple[str, ...] = ()
    #: Option values a jurisdiction profile sets, e.g. {"fr": {"max-months": 13}}; the
    #: configuration overrides them, and later jurisdictions in the list override earlier ones.
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: The catalogue's status of the code: stable, preview or deprecated (``privacy_dsl.codes``).
    status: Status = "stable"
    #: Codes whose finding this rule's finding implies on the same subject (``Code.implies``).
    implies: tuple[str, ...] = ()
    #: Message arguments about the object, not the fact (``Code.object_args``).
    object_args: tuple[str, ...] = ()
    #: Message id -> template with ``{arg}`` fields, which the findings' ``args`` fill.
    messages: Mapping[str, str] = field(default_factory=dict)
    #: Message id -> the information (``model.Topic``) a finding with that message says the notice
    #: does not give: when the notice refers to another notice for it (``refers_to``), the finding
    #: is reported as the configuration's ``referred-findings`` says, with the message ``<id>-referred``.
    omits: Mapping[str, str] = field(default_factory=dict)

    def template(self, message_id: str | None = None) -> str:
        """The template of one message (the first one when no id is given)."""
        return next(iter(self.messages.values())) if message_id is None else self.messages[message_id]

    def message(self, finding: Finding) -> str:
        """The finding's text: its template filled with its arguments."""
        return self.template(finding.message_id).format_map(dict(finding.args))

    @property
    def summary(self) -> str:
        return self.doc.split("\n", 1)[0].strip()

    @property
    def url(self) -> str:
        return f"{DOCS_URL}/{self.category}.md#{self.code.lower()}-{self.name}"

    def run(self, ctx: Context) -> Iterator[Finding]:
        yield from self.check(ctx)


def rule(
    code: str,
    name: str,
    *,
    category: str,
    severity: str,
    references: Iterable[str],
    options: type[Options] | None = None,
    jurisdictions: Iterable[str] = (),
    profiles: dict[str, dict[str, Any]] | None = None,
    status: Status = "stable",
    implies: Iterable[str] = (),
    object_args: Iterable[str] = (),
    messages: Mapping[str, str] | None = None,
    omits: Mapping[str, str] | None = None,
) -> Callable[[Check], Rule]:
    """Declare a rule; the decorated function's docstring is its documentation, ``messages`` the
    templates of its findings (id -> text with ``{arg}`` fields), ``omits`` the topic of the
    information each message says the notice does not give (message id -> ``model.Topic`` value):
    each of those gets a second template, ``<id>-referred``, for a notice that refers to another for it."""
    assert category in CATEGORIES, category
    templates = dict(messages or {})
    for message_id, topic in (omits or {}).items():
        assert message_id in templates, (code, message_id)
        assert topic in {t.value for t in m.Topic}, (code, topic)
        templates[f"{message_id}-referred"] = templates[message_id] + REFERRED.format(topic=topic)

    def wrap(check: Check) -> Rule:
        return Rule(
            code=code,
            name=name,
            category=category,
            severity=Severity.parse(severity),
            references=tuple(references),
            check=check,
            doc=inspect.cleandoc(check.__doc__ or name),
            options=options,
            jurisdictions=tuple(jurisdictions),
            profiles=profiles or {},
            status=status,
            implies=tuple(implies),
            object_args=tuple(object_args),
            messages=templates,
            omits=dict(omits or {}),
        )

    return wrap


#: What a ``<id>-referred`` message adds to the rule's own: the notices referred to for the topic
#: (their ``refers_to`` targets, comma-separated: ``PolicyInfo.referrals_for``) and the topic.
REFERRED = "; the notice refers to {{referred_to}} for `{topic}`"

#: How a finding about information the notice leaves to another notice is reported (the
#: configuration's ``referred-findings``): ``info`` at info level; ``first-layer`` as ``info``, except
#: that the controller's identity, the purposes and the rights keep the rule's severity (a first
#: layer should give them itself: WP260 rev.01); ``keep`` at the rule's severity; ``off`` not at all.
#: All but ``off`` name the notice referred to.
ReferredMode = Literal["info", "first-layer", "keep", "off"]
#: What the first layer of a layered notice should state itself (WP260 rev.01, layered notices).
FIRST_LAYER = frozenset({m.Topic.CONTROLLER, m.Topic.PURPOSES, m.Topic.RIGHTS})


def referred(rule: Rule, finding: Finding, info: m.PolicyInfo | None, severity: Severity,
             mode: ReferredMode) -> tuple[Finding, Severity] | None:
    """``finding`` and its severity as reported: unchanged, unless it says the notice does not give
    information that the notice refers to another notice for (``rule.omits``); then its
    ``-referred`` message naming that notice, at the severity ``mode`` gives, or None (``off``)."""
    if info is None or not info.refers_to:
        return finding, severity
    message_id = finding.message_id or next(iter(rule.messages))
    topic = rule.omits.get(message_id)
    if topic is None:
        return finding, severity
    referrals = info.referrals_for(m.Topic(topic))
    if not referrals:
        return finding, severity
    if mode == "off":
        return None
    targets = ", ".join(dict.fromkeys(r.target for r in referrals))
    moved = Finding(finding.span, (*finding.args, ("referred_to", targets)), f"{message_id}-referred", finding.hint)
    if mode == "keep" or (mode == "first-layer" and m.Topic(topic) in FIRST_LAYER):
        return moved, severity
    return moved, min(severity, Severity.INFO)


def uses_under(purpose: m.Purpose, *prefixes: str) -> bool:
    """Whether any of the purpose's data uses is under one of ``prefixes`` (what it *may* do)."""
    return any(taxonomy.is_under(use, p) for use in purpose.uses for p in prefixes)


def all_uses_under(purpose: m.Purpose, *prefixes: str) -> bool:
    """Whether the purpose states uses and every one is under ``prefixes`` (what an exemption needs:
    a purpose is only as exempt as its least necessary use)."""
    return bool(purpose.uses) and all(any(taxonomy.is_under(use, p) for p in prefixes) for use in purpose.uses)


def first_use_under(purpose: m.Purpose, *prefixes: str) -> str | None:
    """The first of the purpose's data uses under ``prefixes``, for a message."""
    return next((use for use in purpose.uses if any(taxonomy.is_under(use, p) for p in prefixes)), None)


def uses_text(purpose: m.Purpose) -> str:
    """The purpose's data uses as a message shows them (``analytics.reporting, marketing``)."""
    return ", ".join(purpose.uses) or "none"
