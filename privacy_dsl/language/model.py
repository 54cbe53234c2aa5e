"""The typed policy model: plain frozen, slotted dataclasses built from the parse tree.

Every node carries the ``Span`` of the source it came from, and ``field_spans`` maps each
statement it was given to that statement's span, so that a rule can point at the exact line
(``purpose.span_of("basis")``) rather than at the whole block.

Two layers:

* ``Document`` is one file as written (blocks in source order, ``defaults`` blocks kept).
* ``Policy`` is a whole policy directory after resolution: defaults applied, blocks indexed by
  id across all its files. Rules and queries work on ``Policy``.

Nothing here imports pydantic: the parser builds these objects directly, millions of them on a
large policy. ``modeldata`` is the pydantic edge (JSON, JSON Schema, validation of data coming
back in) over these same classes, for the commands and the API that need it.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import field, fields
from enum import StrEnum
from typing import Any, ClassVar, Literal

from ..records import dataclass
from ..span import Span

__all__ = ["Span"]  # re-exported: model.Span is part of the public model

#: Read by pydantic when ``modeldata`` validates into these classes: unknown keys are errors there
#: too. A plain dict (pydantic's ``ConfigDict`` is a TypedDict), so this module never imports pydantic.
_PYDANTIC_CONFIG: dict[str, Any] = {"extra": "forbid"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Node:
    """A block or statement of the source: where it is, and where each of its statements is."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _PYDANTIC_CONFIG

    span: Span
    field_spans: dict[str, Span] = field(default_factory=dict, repr=False)

    def span_of(self, field: str) -> Span:
        """The span of the statement that set ``field``, else the span of the whole block."""
        return self.field_spans.get(field, self.span)

    def has(self, field: str) -> bool:
        """Whether the source stated ``field`` (as opposed to it taking its default)."""
        return field in self.field_spans

    def inherits(self, field: str) -> bool:
        """Whether ``field`` comes from a ``defaults`` block: it is stated, but not inside this block."""
        span = self.field_spans.get(field)
        return span is not None and not (
            span.path == self.span.path
            and (self.span.line, self.span.column) <= (span.line, span.column)
            and (span.end_line, span.end_column) <= (self.span.end_line, self.span.end_column))


# ---------------------------------------------------------------- enumerations


class BasisKind(StrEnum):
    """GDPR Art. 6(1) legal bases, in the order of the article's points (a)-(f)."""

    CONSENT = "consent"
    CONTRACT = "contract"
    LEGAL_OBLIGATION = "legal_obligation"
    VITAL_INTERESTS = "vital_interests"
    PUBLIC_TASK = "public_task"
    LEGITIMATE_INTERESTS = "legitimate_interests"

    @property
    def article(self) -> str:
        letter = "abcdef"[list(BasisKind).index(self)]
        return f"Art. 6(1)({letter})"


class SpecialKind(StrEnum):
    """Special categories of personal data, GDPR Art. 9(1)."""

    RACIAL_OR_ETHNIC_ORIGIN = "racial_or_ethnic_origin"
    POLITICAL_OPINIONS = "political_opinions"
    RELIGIOUS_OR_PHILOSOPHICAL_BELIEFS = "religious_or_philosophical_beliefs"
    TRADE_UNION_MEMBERSHIP = "trade_union_membership"
    GENETIC = "genetic"
    BIOMETRIC = "biometric"
    HEALTH = "health"
    SEX_LIFE = "sex_life"
    SEXUAL_ORIENTATION = "sexual_orientation"


class ServiceContext(StrEnum):
    """What a service is about when that alone reveals something sensitive of the people who use it
    (``policy { context ... }``): visiting it may reveal a special category of data (GDPR Art. 9(1);
    CJEU C-252/21), or taking part in research."""

    HEALTH = "health"
    RESEARCH = "research"
    RACIAL_OR_ETHNIC_ORIGIN = "racial_or_ethnic_origin"
    POLITICAL_OPINIONS = "political_opinions"
    RELIGIOUS_OR_PHILOSOPHICAL_BELIEFS = "religious_or_philosophical_beliefs"
    TRADE_UNION_MEMBERSHIP = "trade_union_membership"
    SEX_LIFE = "sex_life"
    SEXUAL_ORIENTATION = "sexual_orientation"


class SpecialCondition(StrEnum):
    """Conditions for processing special categories, GDPR Art. 9(2)(a)-(j)."""

    EXPLICIT_CONSENT = "explicit_consent"  # (a)
    EMPLOYMENT = "employment"  # (b)
    VITAL_INTERESTS = "vital_interests"  # (c)
    NOT_FOR_PROFIT = "not_for_profit"  # (d)
    MADE_PUBLIC = "made_public"  # (e)
    LEGAL_CLAIMS = "legal_claims"  # (f)
    SUBSTANTIAL_PUBLIC_INTEREST = "substantial_public_interest"  # (g)
    HEALTH_CARE = "health_care"  # (h)
    PUBLIC_HEALTH = "public_health"  # (i)
    ARCHIVING_RESEARCH = "archiving_research"  # (j)


class Identifiability(StrEnum):
    """What the controller claims about whether the data identifies a person."""

    IDENTIFIED = "identified"
    PSEUDONYMOUS = "pseudonymous"
    ANONYMOUS = "anonymous"


class Role(StrEnum):
    """A recipient's role: Art. 4(7)-(9), 26, 28."""

    PROCESSOR = "processor"
    CONTROLLER = "controller"
    JOINT_CONTROLLER = "joint_controller"
    AUTHORITY = "authority"


class Mechanism(StrEnum):
    """Chapter V transfer tools (Art. 45, 46, 47, 49) and honest markers for their absence."""

    ADEQUACY = "adequacy"  # Art. 45
    DPF = "dpf"  # Art. 45, Commission Implementing Decision (EU) 2023/1795
    SCCS = "sccs"  # Art. 46(2)(c), Decision (EU) 2021/914
    BCR = "bcr"  # Art. 47
    CODE_OF_CONDUCT = "code_of_conduct"  # Art. 46(2)(e)
    CERTIFICATION = "certification"  # Art. 46(2)(f)
    DEROGATION = "derogation"  # Art. 49
    NONE = "none"
    UNSPECIFIED = "unspecified"


class ConsentMethod(StrEnum):
    """How consent is obtained. Only ``opt_in`` can give valid consent (Art. 4(11), Recital 32); a
    mechanism that combines several methods gives consent only if every one of them does."""

    OPT_IN = "opt_in"
    PRE_TICKED = "pre_ticked"
    OPT_OUT = "opt_out"
    SILENCE = "silence"
    CONTINUED_BROWSING = "continued_browsing"
    BROWSER_SETTINGS = "browser_settings"
    IMPLIED = "implied"
    NONE = "none"
    #: A banner with one button ("Got it!", "OK") and no choice: acknowledging a notice.
    ACKNOWLEDGE = "acknowledge"
    #: "Use necessary cookies only" (or any refusal) counted as agreement to the other cookies.
    NECESSARY_ONLY_AS_CONSENT = "necessary_only_as_consent"


#: The methods that can give valid consent: an active, specific choice (Art. 4(11), Recital 32).
VALID_CONSENT_METHODS: frozenset[ConsentMethod] = frozenset({ConsentMethod.OPT_IN})


class WithdrawRoute(StrEnum):
    """How consent can be withdrawn (Art. 7(3)): the routes a notice names."""

    LINK = "link"  # a link or page, with its address when the notice gives it
    EMAIL = "email"  # by e-mail, with the address when given
    PHONE = "phone"  # by telephone, with the number when given
    POST = "post"  # by letter, with the address when given
    CONTACT_FORM = "contact_form"  # a contact or request form
    FOOTER_BUTTON = "footer_button"  # a button or link on every page (footer, floating icon) reopening the choice
    COOKIE_SETTINGS = "cookie_settings"  # the consent manager's settings (preferences) panel
    BROWSER_SETTINGS = "browser_settings"  # blocking or deleting cookies in the browser
    UNSUBSCRIBE_LINK = "unsubscribe_link"  # a link in every message
    ACCOUNT_SETTINGS = "account_settings"  # the settings of the person's account


#: The routes that carry an address (``link "https://..."``, ``email "x@example.org"``).
ROUTES_WITH_VALUE: frozenset[WithdrawRoute] = frozenset({WithdrawRoute.LINK, WithdrawRoute.EMAIL,
                                                         WithdrawRoute.PHONE, WithdrawRoute.POST})


class StorageKind(StrEnum):
    """Cookies and similar technologies within ePrivacy Art. 5(3)."""

    COOKIE = "cookie"
    LOCAL_STORAGE = "local_storage"
    SESSION_STORAGE = "session_storage"
    INDEXED_DB = "indexed_db"
    PIXEL = "pixel"
    SDK = "sdk"
    FINGERPRINT = "fingerprint"
    CACHE_STORAGE = "cache_storage"  # the Cache API ("Cache Storage" in browsers and CMP tables)

    @property
    def noun(self) -> str:
        """The English noun a message names this kind with: "pixel `fbq`", "local storage `cart`"."""
        return _STORAGE_NOUNS[self]


#: Kinds whose noun names a storage area, not one item in it.
_STORAGE_AREAS = frozenset({StorageKind.LOCAL_STORAGE, StorageKind.SESSION_STORAGE, StorageKind.INDEXED_DB,
                            StorageKind.CACHE_STORAGE})
_STORAGE_NOUNS = {
    StorageKind.COOKIE: "cookie",
    StorageKind.LOCAL_STORAGE: "local storage",
    StorageKind.SESSION_STORAGE: "session storage",
    StorageKind.INDEXED_DB: "IndexedDB",
    StorageKind.PIXEL: "pixel",
    StorageKind.SDK: "SDK",
    StorageKind.FINGERPRINT: "fingerprint",
    StorageKind.CACHE_STORAGE: "cache storage",
}


class Party(StrEnum):
    FIRST = "first"
    THIRD = "third"


class CookieCategory(StrEnum):
    """Cookie categories as used by consent managers and the Open Cookie Database."""

    STRICTLY_NECESSARY = "strictly_necessary"
    FUNCTIONAL = "functional"
    PREFERENCES = "preferences"
    ANALYTICS = "analytics"
    MARKETING = "marketing"
    PERSONALIZATION = "personalization"
    SECURITY = "security"


class Claim(StrEnum):
    """What a notice says it does *not* do: statements a rule can check against the rest of the
    policy (``policy { claims ... }``)."""

    NO_TRANSFERS_OUTSIDE_EEA = "no_transfers_outside_eea"  # "we do not transfer your data outside the EU/EEA"
    NO_COOKIES = "no_cookies"  # "we do not use cookies"
    NO_PROFILING = "no_profiling"  # "we will never profile you"
    NO_SPECIAL_CATEGORIES = "no_special_categories"  # "we do not collect special categories of data"
    NOT_FOR_CHILDREN = "not_for_children"  # "the site is not intended for children"
    NO_AUTOMATED_DECISIONS = "no_automated_decisions"  # "we make no automated decisions about you"
    ONLY_NAMED_RECIPIENTS = "only_named_recipients"  # "we never share data except with the services named"
    AGGREGATE_ONLY = "aggregate_only"  # "we use this information in aggregate form only"


class ScopeKind(StrEnum):
    """What a notice is for (``policy { scope ... }``)."""

    SITE = "site"  # a website: its URL or host name
    APP = "app"  # a mobile or desktop app
    SERVICE = "service"  # a service by name (a login service, a register, ...)


class Topic(StrEnum):
    """The information a notice must give (GDPR Art. 13, 14; ePrivacy Art. 5(3)), as a layered notice
    names what another notice gives for it (``refers_to ... { covers ... }``)."""

    CONTROLLER = "controller"  # identity and contact details, Art. 13(1)(a)
    DPO = "dpo"  # Art. 13(1)(b)
    PURPOSES = "purposes"  # Art. 13(1)(c)
    BASES = "bases"  # legal bases and legitimate interests, Art. 13(1)(c)-(d)
    DATA = "data"  # the categories of data, Art. 14(1)(d)
    RECIPIENTS = "recipients"  # Art. 13(1)(e)
    TRANSFERS = "transfers"  # Art. 13(1)(f)
    RETENTION = "retention"  # Art. 13(2)(a)
    RIGHTS = "rights"  # Art. 13(2)(b)-(c)
    COMPLAINTS = "complaints"  # Art. 13(2)(d)
    AUTOMATED_DECISIONS = "automated_decisions"  # Art. 13(2)(f)
    CONSENT = "consent"  # how consent is asked for and withdrawn, Art. 7
    COOKIES = "cookies"  # the cookie details, ePrivacy Art. 5(3)


class Right(StrEnum):
    """Data-subject rights, GDPR Art. 7(3), 13-22, 77."""

    INFORMATION = "information"  # Art. 13, 14: to be informed
    ACCESS = "access"  # Art. 15
    RECTIFICATION = "rectification"  # Art. 16
    ERASURE = "erasure"  # Art. 17
    RESTRICTION = "restriction"  # Art. 18
    PORTABILITY = "portability"  # Art. 20
    OBJECTION = "objection"  # Art. 21(1)
    OBJECT_DIRECT_MARKETING = "object_direct_marketing"  # Art. 21(2)-(3)
    OBJECT_BY_AUTOMATED_MEANS = "object_by_automated_means"  # Art. 21(5)
    WITHDRAW_CONSENT = "withdraw_consent"  # Art. 7(3)
    HUMAN_REVIEW = "human_review"  # Art. 22(3)
    COMPLAINT = "complaint"  # Art. 77: to lodge a complaint with a supervisory authority

    @property
    def article(self) -> str:
        return _RIGHT_ARTICLES[self]


_RIGHT_ARTICLES = {
    Right.INFORMATION: "Art. 13-14",
    Right.ACCESS: "Art. 15",
    Right.RECTIFICATION: "Art. 16",
    Right.ERASURE: "Art. 17",
    Right.RESTRICTION: "Art. 18",
    Right.PORTABILITY: "Art. 20",
    Right.OBJECTION: "Art. 21(1)",
    Right.OBJECT_DIRECT_MARKETING: "Art. 21(2)",
    Right.OBJECT_BY_AUTOMATED_MEANS: "Art. 21(5)",
    Right.WITHDRAW_CONSENT: "Art. 7(3)",
    Right.HUMAN_REVIEW: "Art. 22(3)",
    Right.COMPLAINT: "Art. 77",
}


class AutomatedException(StrEnum):
    """Exceptions allowing solely automated decisions, GDPR Art. 22(2)(a)-(c)."""

    CONTRACT = "contract"
    LAW = "law"
    EXPLICIT_CONSENT = "explicit_consent"


class TimeUnit(StrEnum):
    SECOND = "second"
    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


_UNIT_DAYS = {
    TimeUnit.SECOND: 1 / 86400,
    TimeUnit.MINUTE: 1 / 1440,
    TimeUnit.HOUR: 1 / 24,
    TimeUnit.DAY: 1.0,
    TimeUnit.WEEK: 7.0,
    TimeUnit.MONTH: 365.25 / 12,
    TimeUnit.YEAR: 365.25,
}

#: The longest duration a policy may state: longer is not a period anyone keeps data for, and
#: a number of thousands of digits would overflow every date computation (E204 invalid-value).
MAX_DURATION_YEARS = 1000
#: The highest `minimum_age` (an age in years).
MAX_AGE = 150


def max_amount(unit: TimeUnit) -> int:
    """The largest ``amount`` of ``unit`` within ``MAX_DURATION_YEARS``."""
    return int(MAX_DURATION_YEARS * _UNIT_DAYS[TimeUnit.YEAR] / _UNIT_DAYS[unit] + 1e-6)


# ---------------------------------------------------------------- dates

#: How precisely a notice dates itself: ``2026-09-01`` (day), ``2020-04`` (month), ``2019`` (year).
DatePrecision = Literal["day", "month", "year"]
#: The forms a date may take in a policy: ISO 8601 at the precision the notice gives.
DATE_FORMS = "YYYY-MM-DD, YYYY-MM or YYYY"


def date_precision(value: str) -> DatePrecision:
    """The precision of a date as written (``2020-04`` -> ``month``). The model keeps a date as the
    notice gave it; nothing adds a day or a month it did not state."""
    precisions: tuple[DatePrecision, ...] = ("year", "month", "day")
    return precisions[min(value.count("-"), 2)]


def date_range(value: str) -> tuple[_dt.date, _dt.date]:
    """The first and the last day a date of any precision can mean: ``2020-04`` is 2020-04-01 to
    2020-04-30, ``2019`` is 2019-01-01 to 2019-12-31. A rule that compares a date with a day is
    sure of the answer only when both ends agree. ``ValueError`` for text that is not such a date."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        day = _dt.date(parts[0], parts[1], parts[2])
        return day, day
    if len(parts) == 2:
        first = _dt.date(parts[0], parts[1], 1)
        following = _dt.date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1)
        return first, following - _dt.timedelta(days=1)
    if len(parts) == 1:
        return _dt.date(parts[0], 1, 1), _dt.date(parts[0], 12, 31)
    raise ValueError(value)


# ---------------------------------------------------------------- values


@dataclass(frozen=True, slots=True, kw_only=True)
class Text:
    """Free text, untagged (``plain``) or in several languages (``by_lang``, e.g. nb and en)."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _PYDANTIC_CONFIG

    plain: str | None = None
    by_lang: dict[str, str] = field(default_factory=dict)

    def get(self, lang: str | None = None) -> str | None:
        if lang is not None and lang in self.by_lang:
            return self.by_lang[lang]
        if self.plain is not None:
            return self.plain
        return next(iter(self.by_lang.values()), None)

    def __str__(self) -> str:
        return self.get() or ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Duration:

    __pydantic_config__: ClassVar[dict[str, Any]] = _PYDANTIC_CONFIG

    amount: int
    unit: TimeUnit

    @property
    def days(self) -> float:
        return self.amount * _UNIT_DAYS[self.unit]

    @property
    def months(self) -> float:
        return self.days / (365.25 / 12)

    def __str__(self) -> str:
        return f"{self.amount} {self.unit.value}{'' if self.amount == 1 else 's'}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Ref(Node):
    """A reference by id to another block, resolved across all files of the policy."""

    name: str


_new = object.__new__
_set = object.__setattr__


def new_ref(name: str, span: Span) -> Ref:
    """``Ref(name=name, span=span)`` at under half the cost, for the parser (one per name it reads):
    the same frozen ``Ref``, its fields set as the dataclass's ``__init__`` sets them (a test checks
    the two agree)."""
    ref = _new(Ref)
    _set(ref, "span", span)
    _set(ref, "field_spans", {})
    _set(ref, "name", name)
    return ref


# ---------------------------------------------------------------- blocks


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryEntry(Node):
    """One change of the notice (``history 2025-03 "..."``): when, and what changed."""

    #: ISO 8601 at the precision written: ``2025-03-01``, ``2025-03`` or ``2025`` (``date_precision``).
    date: str
    text: Text


@dataclass(frozen=True, slots=True, kw_only=True)
class Scope(Node):
    """What the notice is for: a site, an app or a service, with the URLs or names it gives."""

    what: ScopeKind
    names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Referral(Node):
    """Another notice this one refers to for the rest of the information (a layered notice)."""

    #: Where it is: a URL, or a title when the notice gives no link.
    target: str
    name: Text | None = None
    #: What it covers; empty: the notice does not say, so it may cover anything this one leaves out.
    covers: tuple[Topic, ...] = ()

    def covers_topic(self, topic: Topic) -> bool:
        return not self.covers or topic in self.covers


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyInfo(Node):
    kind: Literal["policy"] = "policy"
    title: str
    languages: tuple[Ref, ...] = ()
    #: The notice's own version label, as written ("1.3", "v2").
    version: str | None = None
    #: When the notice was last updated: ISO 8601 at the precision the notice gives (``2026-09-01``,
    #: ``2020-04``, ``2019``; see ``date_precision`` and ``date_range``).
    updated: str | None = None
    #: Its earlier changes, in the order written.
    history: tuple[HistoryEntry, ...] = ()
    url: str | None = None
    #: What the notice is for (sites, apps, services).
    scope: tuple[Scope, ...] = ()
    #: The notices this one refers to for the rest: a layered notice.
    refers_to: tuple[Referral, ...] = ()
    #: The laws the notice cites as its legal frame, as written; TRN014 checks the GDPR's number.
    cites: tuple[str, ...] = ()
    security: Text | None = None
    description: Text | None = None
    #: What the notice says it does not do; TRN013 checks each against the declarations.
    claims: tuple[Claim, ...] = ()
    #: What the service is about, where that is sensitive (a health service, a research project);
    #: SPC006 holds ad tracking against it. Empty: the notice does not say.
    contexts: tuple[ServiceContext, ...] = ()
    #: Legal bases the notice lists for the whole notice without saying which purpose rests on which
    #: ("we process on (b), (c), (f) and (a)"); TRN016 reports it. Empty: the notice lists none so.
    bases: tuple[LegalBasis, ...] = ()

    def referrals_for(self, topic: Topic) -> tuple[Referral, ...]:
        """The notices this one refers to for ``topic``: those whose `covers` names it, else those
        whose `covers` the notice does not state (they may hold anything); empty if none."""
        named = tuple(r for r in self.refers_to if topic in r.covers)
        return named or tuple(r for r in self.refers_to if not r.covers)


@dataclass(frozen=True, slots=True, kw_only=True)
class Dpo(Node):
    required: bool | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PrivacyContact(Node):
    """A person or office that answers privacy questions and is *not* a data protection officer
    (Art. 37-39): a "personvernansvarlig", a "data privacy manager", a register's contact person."""

    #: What the notice calls them ("Personvernansvarlig", "Data privacy manager").
    title: Text | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Representative(Node):
    """The controller's representative in the Union (GDPR Art. 27). Written as a string
    (``representative "Rep Ltd, Dublin"``) it is ``name`` alone, as written."""

    name: str | None = None
    address: str | None = None
    #: Where it is established (Art. 27(3): in a member state where the data subjects are).
    country: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Controller(Node):
    kind: Literal["controller"] = "controller"
    name: str
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    registration: str | None = None
    country: str | None = None
    website: str | None = None
    representative: Representative | None = None
    public_authority: bool | None = None  # None: not stated
    #: The countries and regions (``EU``, ``EEA``) whose people it offers goods or services to, or
    #: whose behaviour it monitors (GDPR Art. 3(2)); empty: not stated.
    offers_to: tuple[str, ...] = ()
    description: Text | None = None
    #: A privacy contact who is not a DPO; TRN003 never counts it as one.
    privacy_contact: PrivacyContact | None = None
    dpo: Dpo | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Authority(Node):
    kind: Literal["authority"] = "authority"
    id: str
    name: Text | None = None
    country: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    website: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Subject(Node):
    kind: Literal["subject"] = "subject"
    id: str
    #: The fideslang data-subject key (``visitor``, ``customer``, ...): what the subject *is*, for
    #: the rules; the id is the author's own name and means nothing to them.
    taxonomy: str | None = None
    name: Text | None = None
    description: Text | None = None
    children: bool | None = None  # None: not stated


@dataclass(frozen=True, slots=True, kw_only=True)
class Category(Node):
    kind: Literal["category"] = "category"
    id: str
    taxonomy: str | None = None
    name: Text | None = None
    description: Text | None = None
    special: SpecialKind | None = None
    criminal: bool | None = None  # None: not stated
    children: bool | None = None  # None: not stated
    identifiability: Identifiability | None = None
    #: The third parties the data comes from (recipients' ids; GDPR Art. 14(2)(f)).
    received_from: tuple[Ref, ...] = ()
    source: Text | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LegalBasis(Node):
    """One Art. 6(1) basis; ``citation`` is the law for legal obligation / public task."""

    basis: BasisKind
    citation: str | None = None
    interest: Text | None = None
    balancing_test: str | None = None


#: What a retention statement says (``retention ...`` in a purpose):
#:
#: * ``duration``: a period (``5 years``, ``up_to 30 years``, ``3 years after contract_end``);
#: * ``until``: until an event;
#: * ``law``: as long as a law *requires* (``law "bokføringsloven § 13" 5 years``);
#: * ``law_permits``: as long as a law *permits*: a maximum, not how long the data is kept;
#: * ``criteria``: the criteria used to determine the period (Art. 13(2)(a)), as free text;
#: * ``archive``: kept longer for archiving in the public interest, scientific or historical
#:   research or statistics (Art. 5(1)(e), 89(1)), under the law or basis named (if any);
#: * ``no_general_period``: "it is not possible to give a general time frame";
#: * ``as_long_as_necessary``, ``temporarily`` ("for a short time"), ``unspecified``,
#:   ``indefinite``, ``at_discretion``: honest markers of vagueness;
#: * ``not_stored``: the data is used and not kept at all ("we do not save this information").
RetentionRule = Literal["duration", "until", "law", "law_permits", "criteria", "archive", "no_general_period",
                        "as_long_as_necessary", "temporarily", "unspecified", "indefinite", "at_discretion",
                        "not_stored"]

#: The retention rules written as words alone (``retention temporarily``), with those words.
RETENTION_WORDS: dict[str, str] = {
    "as_long_as_necessary": "as long as necessary",
    "temporarily": "temporarily",
    "no_general_period": "no_general_period",
    "unspecified": "unspecified",
    "indefinite": "indefinite",
    "at_discretion": "at controller discretion",
    "not_stored": "not_stored",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Retention(Node):
    """How long data is kept: a period, an event, a law, criteria, or an honest marker of vagueness.

    Several statements in a purpose are alternatives ("whichever applies"). A statement with
    ``categories`` (``retention 6 months for logs``) is about those categories of the purpose's
    data only, and for them it takes the place of the statements without categories (the
    specific period overrides the general one); ``categories`` empty: the purpose's data.
    """

    rule: RetentionRule
    duration: Duration | None = None
    #: The duration is a maximum (``up_to 30 years``: "up to", "at most"), not a fixed period.
    up_to: bool = False
    after: str | None = None
    until: str | None = None
    #: The statute (``law``, ``law_permits``), or the law or basis of the archiving (``archive``).
    law: str | None = None
    #: The criteria used to determine the period (``criteria "..."``).
    criteria: Text | None = None
    #: The categories of data the statement is about (``for a, b``); empty: all of the purpose's.
    categories: tuple[Ref, ...] = ()

    @property
    def is_vague(self) -> bool:
        return self.rule in ("as_long_as_necessary", "temporarily", "no_general_period", "unspecified",
                             "indefinite", "at_discretion")

    @property
    def is_period(self) -> bool:
        """A period a reader can apply: a duration (exact or a maximum), an event, or not kept."""
        return self.rule in ("duration", "until", "not_stored")

    def is_for(self, category: str) -> bool:
        """Whether the statement names ``category`` (``for ...``); a statement without
        categories names none (it is the purpose's general retention)."""
        return any(r.name == category for r in self.categories)

    def __str__(self) -> str:
        return self.text() + (" for " + ", ".join(r.name for r in self.categories) if self.categories else "")

    def text(self) -> str:
        """The statement without its ``for`` categories, as a short phrase."""
        if self.rule in RETENTION_WORDS:
            return RETENTION_WORDS[self.rule]
        if self.rule == "until":
            return f"until {self.until}"
        if self.rule == "criteria":
            return f'criteria "{self.criteria}"'
        if self.rule == "archive":
            return f'archive "{self.law}"' if self.law else "archive"
        parts = []
        if self.rule == "law":
            parts.append(f'law "{self.law}"' if self.law else "required by law")
        elif self.rule == "law_permits":
            parts.append(f'law_permits "{self.law}"' if self.law else "permitted by law")
        if self.duration is not None:
            parts.append(("up to " if self.up_to else "") + str(self.duration))
        if self.after:
            parts.append(f"after {self.after}")
        return " ".join(parts)


@dataclass(frozen=True, slots=True, kw_only=True)
class AutomatedDecisions(Node):
    """Solely automated decisions with legal or similarly significant effects (Art. 22)."""

    present: bool = True
    exception: AutomatedException | None = None
    safeguards: Text | None = None
    logic: Text | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SpecialConditionClause(Node):
    condition: SpecialCondition
    citation: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Purpose(Node):
    kind: Literal["purpose"] = "purpose"
    id: str
    name: Text | None = None
    description: Text | None = None
    #: The fideslang data uses (``use a, b``): a purpose that serves several names them all, and
    #: rules reason over every one.
    uses: tuple[str, ...] = ()
    bases: tuple[LegalBasis, ...] = ()
    special_condition: SpecialConditionClause | None = None
    categories: tuple[Ref, ...] = ()
    subjects: tuple[Ref, ...] = ()
    recipients: tuple[Ref, ...] = ()
    transfers: tuple[Ref, ...] = ()
    retention: tuple[Retention, ...] = ()
    consent: Ref | None = None
    profiling: bool | None = None  # None: not stated
    automated_decisions: AutomatedDecisions | None = None
    source: Text | None = None
    #: The technical and organisational security measures of this activity (Art. 30(1)(g), 32(1));
    #: None: the policy's ``security`` applies, if it states one.
    security: Text | None = None

    @property
    def basis(self) -> LegalBasis | None:
        """The legal basis when exactly one is declared."""
        return self.bases[0] if len(self.bases) == 1 else None

    @property
    def general_retention(self) -> tuple[Retention, ...]:
        """The retention statements about all of the purpose's data (no ``for``)."""
        return tuple(r for r in self.retention if not r.categories)

    def retention_for(self, category: str) -> tuple[Retention, ...]:
        """The retention statements that apply to one category of the purpose's data: those that
        name it (``for``), else the general ones; empty: the purpose does not say."""
        named = tuple(r for r in self.retention if r.is_for(category))
        return named or self.general_retention

    @property
    def retention_categories(self) -> tuple[str, ...]:
        """The purpose's categories, then those only its retention names (``for``), each once."""
        names = [r.name for r in self.categories]
        names += [c.name for r in self.retention for c in r.categories]
        return tuple(dict.fromkeys(names))


@dataclass(frozen=True, slots=True, kw_only=True)
class Recipient(Node):
    kind: Literal["recipient"] = "recipient"
    id: str
    name: Text | None = None
    description: Text | None = None
    role: Role | None = None
    countries: tuple[str, ...] = ()
    contract: str | None = None
    website: str | None = None
    #: What the recipient receives, as the notice claims it (``receives pseudonymous "IP
    #: addresses truncated by our proxy"``): data minimised before it leaves the controller.
    receives: Identifiability | None = None
    receives_how: Text | None = None
    #: When data reaches it at all (``only_when "you submit the contact form"``).
    only_when: Text | None = None
    #: The notice names only a category of recipients ("our customers", "similar third-party
    #: services"), not a recipient: ``name`` is then the category's name. None: not stated.
    category_only: bool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Transfer(Node):
    kind: Literal["transfer"] = "transfer"
    id: str
    recipient: Ref | None = None
    country: str | None = None
    mechanism: Mechanism | None = None
    mechanism_detail: str | None = None  # a citation (a decision, a module): not translated
    certification: Text | None = None
    tia: str | None = None
    description: Text | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Processing(Node):
    """A category of processing the organisation carries out as a processor, on behalf of other
    controllers (GDPR Art. 28, 30(2)): what its processor's record of processing lists. Not a purpose
    of its own: the notice and the lint rules about purposes never see it."""

    kind: Literal["processing"] = "processing"
    id: str
    name: Text | None = None
    description: Text | None = None
    #: Each controller it acts for, with its contact details, representative and DPO (Art. 30(2)(a)).
    on_behalf_of: tuple[Controller, ...] = ()
    categories: tuple[Ref, ...] = ()
    subjects: tuple[Ref, ...] = ()
    transfers: tuple[Ref, ...] = ()
    #: Art. 30(2)(d), 32(1); None: the policy's ``security`` applies, if it states one.
    security: Text | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Route(Node):
    """One way to withdraw consent (``withdraw_via``), with its address when the notice gives one."""

    route: WithdrawRoute
    value: str | None = None

    def __str__(self) -> str:
        return f"{self.route.value} {self.value}" if self.value else self.route.value


@dataclass(frozen=True, slots=True, kw_only=True)
class ConsentMechanism(Node):
    kind: Literal["consent"] = "consent"
    id: str
    #: Every method the mechanism relies on ("by continuing you accept" *and* "browsers accept cookies
    #: by default"); empty when the notice does not say. ``field_spans["methods.<value>"]`` is the
    #: statement that names each.
    methods: tuple[ConsentMethod, ...] = ()
    reject_button: bool | None = None
    granular: bool | None = None
    explicit: bool | None = None
    condition_of_service: bool | None = None
    #: "The site may not work without cookies": refusing degrades the service, which is not a wall.
    refusal_degrades_service: bool | None = None
    #: Where the request is shown (countries, EU, EEA); empty when the notice does not say.
    shown_in: tuple[str, ...] = ()
    #: Sites where the consent is given when it is not (only) this one: another site of the same
    #: organisation, a cross-domain consent.
    given_on: tuple[str, ...] = ()
    withdraw: Text | None = None
    #: How consent can be withdrawn, as data; empty when the notice names no route.
    withdraw_via: tuple[Route, ...] = ()
    record_retention: Duration | None = None
    valid_for: Duration | None = None
    minimum_age: int | None = None
    parental_consent: bool | None = None
    description: Text | None = None

    @property
    def invalid_methods(self) -> tuple[ConsentMethod, ...]:
        """The methods it relies on that cannot give consent (browser settings among them), each
        once, in the order written: what the linter reports and what the notice must not call consent."""
        return tuple(dict.fromkeys(method for method in self.methods if method not in VALID_CONSENT_METHODS))

    @property
    def gives_consent(self) -> bool:
        """Whether the mechanism can give valid consent: it states how, and every method it relies
        on is an active choice (a mechanism is only as valid as its weakest method)."""
        return bool(self.methods) and not self.invalid_methods

    def span_of_method(self, method: ConsentMethod) -> Span:
        """The statement that names ``method``, else the first ``method`` statement, else the block."""
        return self.field_spans.get(f"methods.{method.value}", self.span_of("methods"))


#: ``session``: ends with the browser session; ``persistent``: outlives it (with a ``duration``, or
#: "persistent, duration not stated" without one); ``never``: does not expire at all (local storage
#: that stays until it is deleted: what Cookiebot tables call "Persistent").
ExpiryLifetime = Literal["session", "persistent", "never"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Expiry(Node):
    """How long a cookie or storage item lasts: ``expiry 13 months``, ``expiry 30 seconds to 1 year``,
    ``expiry session``, ``expiry persistent`` (duration not stated) or ``expiry never``."""

    lifetime: ExpiryLifetime
    #: The lifetime; for a range (``30 seconds to 1 year``) its longer end, the longest the item may
    #: live, which is what rules that compare a lifetime read.
    duration: Duration | None = None
    #: The shorter end of a range (``30 seconds`` in ``30 seconds to 1 year``); None for one duration.
    minimum: Duration | None = None

    def __str__(self) -> str:
        if self.duration is None:
            return self.lifetime
        if self.minimum is not None:
            return f"{self.minimum} to {self.duration}"
        return str(self.duration)


@dataclass(frozen=True, slots=True, kw_only=True)
class Cookie(Node):
    kind: Literal["cookie"] = "cookie"
    #: The name as the browser shows it; None for a cookie the notice describes without naming it
    #: (``cookie unnamed { ... }``: "a session cookie that remembers your choices").
    name: str | None
    storage: StorageKind = StorageKind.COOKIE
    provider: str | None = None
    provider_ref: Ref | None = None
    party: Party | None = None
    expiry: Expiry | None = None
    domains: tuple[str, ...] = ()
    #: Every purpose the cookie serves (a CMP table's category *and* its row purpose; one service
    #: used for statistics and for ads): rules reason over all of them.
    purposes: tuple[Ref, ...] = ()
    category: CookieCategory | None = None
    #: The consent mechanisms that ask for it (a banner and a second layer, say); when none is
    #: given, its purposes' mechanisms ask for it.
    consents: tuple[Ref, ...] = ()
    pattern: bool = False
    description: Text | None = None

    def label(self) -> str:
        """How a message names the cookie: its kind and name ("pixel `fbq`", "local storage `cart`"),
        or, for an unnamed one, what is known of it: "an unnamed cookie of provider `google` (line 12)"."""
        noun = self.storage.noun
        if self.name is not None:
            return f"{noun} `{self.name}`"
        if self.storage in _STORAGE_AREAS:  # "an unnamed local storage item", not "... local storage"
            noun += " item"
        provider = self.provider if self.provider is not None else (
            self.provider_ref.name if self.provider_ref is not None else None)
        if provider is not None:
            return f"an unnamed {noun} of provider `{provider}` (line {self.span.line})"
        if self.category is not None:
            return f"an unnamed {self.category.value.replace('_', ' ')} {noun} (line {self.span.line})"
        return f"an unnamed {noun} (line {self.span.line})"


@dataclass(frozen=True, slots=True, kw_only=True)
class RightRestriction(Node):
    """Rights the notice offers only with a limit (``limited``) or says do not apply (``denied``):
    ``denied erasure for member_register law "..." "reason"``."""

    rights: tuple[Right, ...]
    #: The purposes it is said of; empty: the whole notice.
    purposes: tuple[Ref, ...] = ()
    #: The law the notice names for it; None: it names none.
    law: str | None = None
    #: The reason the notice gives, in its words; None: it gives none.
    reason: Text | None = None

    def covers(self, purpose: str) -> bool:
        """Whether it is said of ``purpose`` (a restriction with no ``for`` covers every purpose)."""
        return not self.purposes or any(r.name == purpose for r in self.purposes)


@dataclass(frozen=True, slots=True, kw_only=True)
class Rights(Node):
    kind: Literal["rights"] = "rights"
    offered: tuple[Right, ...] = ()
    #: Rights offered with a limit the notice states (a limited right is still offered).
    limited: tuple[RightRestriction, ...] = ()
    #: Rights the notice says do not apply (TRN015 judges each denial).
    denied: tuple[RightRestriction, ...] = ()
    how: Text | None = None
    complaints: Ref | None = None

    def tells(self, right: Right) -> bool:
        """Whether the notice tells of ``right``: offered, or offered with a limit."""
        return right in self.offered or any(right in r.rights for r in self.limited)

    def denial(self, right: Right, purpose: str | None = None) -> RightRestriction | None:
        """The first denial of ``right`` that covers ``purpose`` (None: a denial for the whole notice)."""
        for restriction in self.denied:
            if right in restriction.rights and (
                    not restriction.purposes if purpose is None else restriction.covers(purpose)):
                return restriction
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class PurposeDefaults:
    """What a ``defaults purpose {}`` block states, with the types of ``Purpose``; None = not stated."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _PYDANTIC_CONFIG

    kind: Literal["purpose"] = "purpose"
    name: Text | None = None
    description: Text | None = None
    uses: tuple[str, ...] | None = None
    bases: tuple[LegalBasis, ...] | None = None
    special_condition: SpecialConditionClause | None = None
    categories: tuple[Ref, ...] | None = None
    subjects: tuple[Ref, ...] | None = None
    recipients: tuple[Ref, ...] | None = None
    transfers: tuple[Ref, ...] | None = None
    retention: tuple[Retention, ...] | None = None
    consent: Ref | None = None
    profiling: bool | None = None
    automated_decisions: AutomatedDecisions | None = None
    source: Text | None = None
    security: Text | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CookieDefaults:
    """What a ``defaults cookie {}`` block states, with the types of ``Cookie``; None = not stated."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _PYDANTIC_CONFIG

    kind: Literal["cookie"] = "cookie"
    storage: StorageKind | None = None
    provider: str | None = None
    provider_ref: Ref | None = None
    party: Party | None = None
    expiry: Expiry | None = None
    domains: tuple[str, ...] | None = None
    purposes: tuple[Ref, ...] | None = None
    category: CookieCategory | None = None
    consents: tuple[Ref, ...] | None = None
    pattern: bool | None = None
    description: Text | None = None


def stated(values: PurposeDefaults | CookieDefaults) -> dict[str, Any]:
    """The fields a defaults block states (not None), by name: what resolution applies."""
    return {f.name: value for f in fields(values)
            if f.name != "kind" and (value := getattr(values, f.name)) is not None}


#: Where a ``defaults`` block applies: the whole policy, or its own file (``defaults cookie here``).
DefaultsScope = Literal["policy", "file"]

#: List fields of ``defaults`` that add to a block's own list (the defaults' first, then the block's,
#: each reference once): the data a purpose uses, whom it goes to, the purposes a cookie serves.
#: Every other field is taken only by a block that does not state it: lists that answer one
#: question (``subjects``: whom the purpose is about; ``bases``; ``retention``, alternatives; a
#: cookie's ``domains``) as well as single values.
MERGED_FIELDS = frozenset({"categories", "recipients", "transfers", "purposes"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Defaults(Node):
    """A ``defaults purpose {}`` or ``defaults cookie {}`` block: values for blocks that omit them.

    ``scope`` ``policy``: for every block of the policy; ``file`` (``defaults cookie here {}``): only
    for the blocks of its own file, ahead of the policy-wide defaults."""

    kind: Literal["defaults"] = "defaults"
    target: Literal["purpose", "cookie"]
    scope: DefaultsScope = "policy"
    values: PurposeDefaults | CookieDefaults


Block = (
    PolicyInfo |
    Controller |
    Authority |
    Subject |
    Category |
    Purpose |
    Recipient |
    Transfer |
    ConsentMechanism |
    Cookie |
    Rights |
    Defaults |
    Processing
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    """One ``.privacy`` file as written."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _PYDANTIC_CONFIG

    path: str
    blocks: tuple[Block, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Policy:
    """A resolved policy: all files of one policy directory, defaults applied, indexed by id."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _PYDANTIC_CONFIG

    root: str
    files: tuple[str, ...] = ()
    info: PolicyInfo | None = None
    controllers: tuple[Controller, ...] = ()
    authorities: dict[str, Authority] = field(default_factory=dict)
    subjects: dict[str, Subject] = field(default_factory=dict)
    categories: dict[str, Category] = field(default_factory=dict)
    purposes: dict[str, Purpose] = field(default_factory=dict)
    recipients: dict[str, Recipient] = field(default_factory=dict)
    transfers: dict[str, Transfer] = field(default_factory=dict)
    consents: dict[str, ConsentMechanism] = field(default_factory=dict)
    cookies: tuple[Cookie, ...] = ()
    rights: Rights | None = None
    #: What the organisation processes on behalf of other controllers (``processing`` blocks), by id.
    processing: dict[str, Processing] = field(default_factory=dict)

    @property
    def controller(self) -> Controller | None:
        return self.controllers[0] if self.controllers else None

    def purposes_of(self, cookie: Cookie) -> tuple[Purpose, ...]:
        """The declared purposes a cookie serves, in the order it names them."""
        return tuple(p for r in cookie.purposes if (p := self.purposes.get(r.name)) is not None)

    def consents_of(self, cookie: Cookie) -> tuple[Ref, ...]:
        """The consent mechanisms a cookie is asked through: its own ``consent``, else those of its
        purposes (each once, in order)."""
        if cookie.consents:
            return cookie.consents
        refs = {p.consent.name: p.consent for p in self.purposes_of(cookie) if p.consent is not None}
        return tuple(refs.values())
