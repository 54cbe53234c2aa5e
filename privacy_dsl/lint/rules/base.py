"""What a rule is: a check function with its metadata and documentation in one place.

A rule module defines functions decorated with ``@rule(...)``; the function's docstring is the
rule's documentation, with the sections *What it does*, *Why it matters*, *Example*,
*Use instead*, *Options* and *References*. ``privacy-dsl explain`` and ``docs/rules/`` are
generated from it, and the fenced examples are run as tests.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import field
from typing import Any, ClassVar, Literal

from ...codes import RULE_CATEGORIES, Status
from ...diagnostics import DOCS_URL, Severity
from ...language import model as m
from ...language import taxonomy
from ...records import dataclass

#: The rule categories (the catalogue's, ``privacy_dsl.codes.RULE_CATEGORIES``).
CATEGORIES = RULE_CATEGORIES


class _Default:
    """An option's default and bounds (``Field``)."""

    __slots__ = ("bounds", "default", "default_factory", "description")

    def __init__(self, default: Any = None, *, default_factory: Callable[[], Any] | None = None,
                 gt: float | None = None, ge: float | None = None, lt: float | None = None,
                 le: float | None = None, description: str | None = None) -> None:
        self.default, self.default_factory, self.description = default, default_factory, description
        self.bounds = {k: v for k, v in (("gt", gt), ("ge", ge), ("lt", lt), ("le", le)) if v is not None}

    def value(self) -> Any:
        return self.default_factory() if self.default_factory is not None else self.default

    def pydantic(self) -> Any:
        from pydantic import Field as PydanticField

        bounds: dict[str, Any] = self.bounds
        if self.default_factory is not None:
            return PydanticField(default_factory=self.default_factory, description=self.description, **bounds)
        return PydanticField(self.default, description=self.description, **bounds)


def Field(default: Any = None, *, default_factory: Callable[[], Any] | None = None,
          gt: float | None = None, ge: float | None = None, lt: float | None = None,
          le: float | None = None, description: str | None = None) -> Any:
    """An option's default and bounds, as a rule module writes them (pydantic's ``Field`` spelling:
    ``Field(24, gt=0)``, ``Field(default_factory=list)``, ``description=``). Plain data: pydantic is
    imported only when a configured value is not plainly valid, to word the error (``Options``)."""
    return _Default(default, default_factory=default_factory, gt=gt, ge=ge, lt=lt, le=le, description=description)


class _Validator:
    """A ``@field_validator(...)`` of an ``Options`` class: a classmethod that checks (and may
    change) a validated value, raising ``ValueError`` to reject it."""

    __slots__ = ("fields", "method")

    def __init__(self, fields: tuple[str, ...], method: classmethod[Any, Any, Any]) -> None:
        self.fields, self.method = fields, method


def field_validator(*fields: str) -> Callable[[Any], Any]:
    """pydantic's ``field_validator`` (after validation) for ``Options``, without pydantic."""
    def wrap(method: Any) -> Any:
        return _Validator(fields, method)
    return wrap


#: The default of an option declared without one.
_REQUIRED: Any = object()


class _Fallback(Exception):
    """A value the fast path does not take as plainly valid: pydantic decides (and words the error)."""


class Options:
    """Base of per-rule options. Keys are written in kebab-case in the configuration.

    A subclass declares its options as annotated class attributes, with a default or a ``Field``.
    Not a pydantic model: every lint imports every rule, and building pydantic models was most of a
    hook's cold start. ``model_validate`` takes a plainly valid table (the right types, within the
    bounds) itself; anything else goes to a pydantic model built from the same declarations
    (``pydantic_model``), which converts what it accepts and words what it rejects, so the values and
    the error messages are pydantic's either way."""

    _fields: ClassVar[dict[str, tuple[str, Any]]] = {}
    _validators: ClassVar[dict[str, list[_Validator]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields = dict(cls._fields)
        validators = {k: list(v) for k, v in cls._validators.items()}
        for name, annotation in inspect.get_annotations(cls).items():
            if not name.startswith("_") and not str(annotation).startswith("ClassVar"):
                fields[name] = (str(annotation), cls.__dict__.get(name, _REQUIRED))
        for attr, value in list(cls.__dict__.items()):
            if isinstance(value, _Validator):
                for name in value.fields:
                    validators.setdefault(name, []).append(value)
                delattr(cls, attr)
        for name in fields:
            if name in cls.__dict__:
                delattr(cls, name)
        cls._fields, cls._validators = fields, validators

    def __init__(self, **values: Any) -> None:
        for name, (_, default) in self._fields.items():
            if name in values:
                value = values.pop(name)
            elif default is _REQUIRED:
                raise TypeError(f"{type(self).__name__}: option {name} is required")
            else:
                value = default.value() if isinstance(default, _Default) else default
            object.__setattr__(self, name, value)
        if values:
            raise TypeError(f"{type(self).__name__}: unknown options {', '.join(values)}")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen")

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(self) == vars(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in vars(self).items())})"

    @classmethod
    def model_construct(cls) -> Options:
        """The defaults, unvalidated (as pydantic does not validate defaults either)."""
        return cls()

    @classmethod
    def model_validate(cls, table: Mapping[str, Any]) -> Options:
        """The options a configuration table sets (kebab-case keys, or the attribute names);
        ``pydantic.ValidationError`` for a table that is not valid."""
        try:
            return cls(**cls._plainly_valid(table))
        except _Fallback:
            validated = cls.pydantic_model().model_validate(dict(table))
            return cls(**{name: getattr(validated, name) for name in cls._fields})

    @classmethod
    def known_keys(cls) -> list[str]:
        """The options' keys as the configuration writes them."""
        return [name.replace("_", "-") for name in cls._fields]

    @classmethod
    def _plainly_valid(cls, table: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if any(d is _REQUIRED and n not in table and n.replace("_", "-") not in table
               for n, (_, d) in cls._fields.items()):
            raise _Fallback
        for key, value in table.items():
            name = key.replace("-", "_") if isinstance(key, str) else ""
            if name not in cls._fields or name in out or ("_" in key and "-" in key):
                raise _Fallback
            annotation, default = cls._fields[name]
            value = _plain(annotation, value)
            for bound, limit in (default.bounds.items() if isinstance(default, _Default) else ()):
                if not _OK[bound](value, limit):
                    raise _Fallback
            for validator in cls._validators.get(name, ()):
                try:
                    value = validator.method.__func__(cls, value)
                except ValueError:
                    raise _Fallback from None
            out[name] = value
        return out

    @classmethod
    def pydantic_model(cls) -> Any:
        """The pydantic model of these options (for errors and for the docs), built on first use."""
        model = cls.__dict__.get("_pydantic")
        if model is None:
            from pydantic import field_validator as pydantic_validator

            namespace: dict[str, Any] = {"__module__": cls.__module__, "__qualname__": cls.__qualname__,
                                         "__doc__": cls.__doc__, "__annotations__": {}}
            for name, (annotation, default) in cls._fields.items():
                namespace["__annotations__"][name] = annotation
                if default is not _REQUIRED:
                    namespace[name] = default.pydantic() if isinstance(default, _Default) else default
            seen: dict[int, _Validator] = {id(v): v for vs in cls._validators.values() for v in vs}
            for i, validator in enumerate(seen.values()):
                namespace[f"_validator_{i}"] = pydantic_validator(*validator.fields)(validator.method)
            model = type(cls.__name__, (_pydantic_base(),), namespace)
            type.__setattr__(cls, "_pydantic", model)
        return model


_OK: dict[str, Callable[[Any, float], bool]] = {
    "gt": lambda v, limit: v > limit, "ge": lambda v, limit: v >= limit,
    "lt": lambda v, limit: v < limit, "le": lambda v, limit: v <= limit}


def _plain(annotation: str, value: Any) -> Any:
    """``value`` as pydantic would validate it for ``annotation``, when that is plain (the right
    type, or an int for a float); else ``_Fallback``."""
    if annotation.endswith(" | None"):
        return None if value is None else _plain(annotation.removesuffix(" | None"), value)
    if isinstance(value, bool):
        if annotation == "bool":
            return value
        raise _Fallback
    if annotation in ("int", "str") and type(value) is (int if annotation == "int" else str):
        return value
    if annotation == "float" and type(value) in (int, float):
        return float(value)
    if annotation.startswith("list[") and annotation.endswith("]") and type(value) is list:
        return [_plain(annotation[5:-1], v) for v in value]
    if annotation.startswith("dict[str, ") and annotation.endswith("]") and type(value) is dict:
        if not all(type(k) is str for k in value):
            raise _Fallback
        return {k: _plain(annotation[10:-1], v) for k, v in value.items()}
    if annotation.startswith("Literal[") and type(value) is str and _literal(annotation, value):
        return value
    raise _Fallback


def _literal(annotation: str, value: str) -> bool:
    """Whether ``value`` is one of the strings of a ``Literal["a", "b"]`` annotation."""
    import ast

    allowed = ast.literal_eval(f"({annotation[8:-1]},)")
    return value in allowed and all(type(a) is str for a in allowed)


def _pydantic_base() -> Any:
    """The pydantic base of ``Options.pydantic_model``: kebab-case keys, no unknown keys, and
    booleans kept apart from numbers."""
    global _PYDANTIC_BASE
    if _PYDANTIC_BASE is None:
        from pydantic import BaseModel, ConfigDict, ValidationInfo
        from pydantic import field_validator as pydantic_validator

        class PydanticOptions(BaseModel):
            model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, defer_build=True,
                                      alias_generator=lambda s: s.replace("_", "-"))

            @pydantic_validator("*", mode="before")
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

        _PYDANTIC_BASE = PydanticOptions
    return _PYDANTIC_BASE


_PYDANTIC_BASE: Any = None


def _mentions_bool(annotation: Any) -> bool:
    """Whether ``bool`` appears anywhere in a type (``bool``, ``bool | None``, ``dict[str, bool]``)."""
    from typing import get_args

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
