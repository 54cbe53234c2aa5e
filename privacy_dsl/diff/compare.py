"""What changed between two versions of a policy, in privacy terms.

``compare(base, head)`` takes two resolved policies (``model.Policy``) and the findings of each, and
returns ``Change`` values: one fact each (a kind from ``KINDS``, a severity, the object it is about,
a sentence, machine-readable details, and where it is on each side). It never reads files.

**Renames.** A declaration whose id is gone from the base and a new one of the head with the same
content (spans and id aside; its references to other renamed declarations read through their new
names) is one ``*-renamed`` change, not a removal and an addition. Declarations are matched in
dependency order (subjects, categories, recipients, consents, transfers, purposes, cookies), so a
purpose that names a renamed category is still the same purpose.

**Severity** (``Impact``): ``high`` for what widens the processing in ways a reviewer must not miss
(a new transfer to a third country without an adequacy decision, special-category data, children,
a weaker consent, a dropped reject button, a recipient turned controller), ``medium`` for new
processing of ordinary data, ``low`` for what narrows it or only renames. ``KINDS`` documents each.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import fields, is_dataclass
from enum import IntEnum
from typing import Any

from ..diagnostics import Diagnostic, Severity
from ..language import model as m
from ..language.jurisdictions import has_adequacy, is_eea
from ..records import dataclass
from ..span import Span


class Impact(IntEnum):
    """How much a change matters to a reviewer; ordered so that ``>=`` compares."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of change: its name (what ``--fail-on`` takes), usual severity and when it fires."""

    name: str
    severity: Impact
    doc: str


_H, _M, _L = Impact.HIGH, Impact.MEDIUM, Impact.LOW

#: Every kind of change, in the order reports list them; ``--fail-on`` takes these names.
KINDS: tuple[Kind, ...] = (
    Kind("new-transfer", _H, "a transfer is declared, with its country and mechanism (medium when the country is "
                             "in the EEA or has an adequacy decision, GDPR Art. 45)"),
    Kind("transfer-change", _H, "a transfer's country or mechanism changed (medium when the new one is the EEA or "
                                "an adequacy country with a mechanism)"),
    Kind("new-special-category", _H, "special-category data (GDPR Art. 9(1)) is added to a purpose, or a category "
                                     "becomes special"),
    Kind("new-children-subject", _H, "children become data subjects of a purpose (GDPR Art. 8, Recital 38)"),
    Kind("basis-change", _H, "a purpose's legal basis changed (medium unless consent is dropped or legitimate "
                             "interests added)"),
    Kind("weaker-consent", _H, "a consent mechanism relies on a method that cannot give consent (opt-out, browser "
                               "settings, ...: Art. 4(11), Recital 32, CJEU C-673/17 Planet49), or is no longer "
                               "granular or explicit (medium), or a purpose's mechanism is replaced by a weaker one"),
    Kind("reject-button-removed", _H, "a consent mechanism no longer has a reject button on its first layer"),
    Kind("automated-decisions-added", _H, "a purpose now makes solely automated decisions (GDPR Art. 22)"),
    Kind("cookie-third-party", _H, "a cookie moved from first to third party"),
    Kind("role-change", _M, "a recipient's role changed (high when a processor becomes a controller or joint "
                            "controller: it uses the data for its own purposes)"),
    Kind("new-recipient", _M, "a recipient is declared, with its role and countries (high when a country is outside "
                              "the EEA without an adequacy decision)"),
    Kind("recipient-new-country", _M, "a recipient is in a new country (high outside the EEA without adequacy)"),
    Kind("new-sharing", _M, "a purpose now discloses data to a recipient it did not"),
    Kind("purpose-added", _M, "a purpose is declared (its special categories, children and transfers are reported "
                              "as their own changes too)"),
    Kind("new-category", _M, "a category of data is added to a purpose"),
    Kind("new-subject", _M, "a category of data subjects is added to a purpose"),
    Kind("retention-lengthened", _M, "data is kept longer (high when it becomes indefinite or vague)"),
    Kind("cookie-added", _M, "a cookie or similar technology is declared (high when third party and not strictly "
                             "necessary)"),
    Kind("cookie-expiry-lengthened", _M, "a cookie lives longer"),
    Kind("cookie-not-necessary", _M, "a cookie is no longer strictly necessary: it now needs consent (ePrivacy "
                                     "Directive Art. 5(3))"),
    Kind("profiling-added", _M, "a purpose now profiles (GDPR Art. 4(4))"),
    Kind("right-removed", _M, "a right the notice offered is no longer offered, or is now denied"),
    Kind("claim-withdrawn", _M, "the notice no longer makes a claim (`no_transfers_outside_eea`, ...)"),
    Kind("new-finding", _M, "the head has a lint finding the base has not (the finding's severity: error high, "
                            "warning medium, info low)"),
    Kind("retention-change", _L, "the retention changed in a way that is neither clearly longer nor shorter"),
    Kind("claim-added", _L, "the notice makes a new claim (lint checks it against the declarations)"),
    Kind("purpose-removed", _L, "a purpose is no longer declared"),
    Kind("category-removed", _L, "a category of data is no longer used by a purpose"),
    Kind("subject-removed", _L, "a category of data subjects is no longer in a purpose"),
    Kind("recipient-removed", _L, "a recipient is no longer declared"),
    Kind("transfer-removed", _L, "a transfer is no longer declared"),
    Kind("retention-shortened", _L, "data is kept for less time"),
    Kind("cookie-removed", _L, "a cookie is no longer declared"),
    Kind("renamed", _L, "a declaration has a new id and the same content (a purpose, category, subject, recipient, "
                        "transfer, consent mechanism or cookie)"),
    Kind("fixed-finding", _L, "the base has a lint finding the head has not"),
)
KIND_NAMES: dict[str, Kind] = {k.name: k for k in KINDS}
_ORDER = {k.name: n for n, k in enumerate(KINDS)}


@dataclass(frozen=True, slots=True)
class Change:
    """One change: ``kind`` (a ``KINDS`` name), its severity, the object (``purpose `newsletter```),
    a sentence, details as (name, value) pairs, and its place in the base and in the head."""

    kind: str
    severity: Impact
    subject: str
    message: str
    details: tuple[tuple[str, str], ...] = ()
    base: Span | None = None
    head: Span | None = None

    def sort_key(self) -> tuple[int, int, str, str]:
        return (-self.severity, _ORDER[self.kind], self.subject, self.message)


# ---------------------------------------------------------------- fingerprints and renames

#: What kind of declaration a reference names, by (class, field).
_REF_KINDS: dict[tuple[str, str], str] = {
    ("Purpose", "categories"): "category", ("Purpose", "subjects"): "subject",
    ("Purpose", "recipients"): "recipient", ("Purpose", "transfers"): "transfer", ("Purpose", "consent"): "consent",
    ("Retention", "categories"): "category", ("Transfer", "recipient"): "recipient",
    ("Cookie", "purposes"): "purpose", ("Cookie", "consents"): "consent", ("Cookie", "provider_ref"): "recipient",
    ("Category", "received_from"): "recipient", ("Rights", "complaints"): "authority",
    ("RightRestriction", "purposes"): "purpose",
}
_NOT_CONTENT = frozenset({"span", "field_spans", "id"})
Renames = dict[str, dict[str, str]]


def fingerprint(value: Any, renames: Renames | None = None, owner: str = "", name: str = "") -> Any:
    """The content of a model value as a hashable tree: spans and ids left out, references read
    through ``renames`` (kind -> base id -> head id)."""
    if isinstance(value, m.Ref):
        kind = _REF_KINDS.get((owner, name), "")
        return ("ref", kind, (renames or {}).get(kind, {}).get(value.name, value.name))
    if is_dataclass(value) and not isinstance(value, type):
        cls = type(value).__name__
        return (cls, tuple((f.name, fingerprint(getattr(value, f.name), renames, cls, f.name))
                           for f in fields(value) if f.name not in _NOT_CONTENT))
    if isinstance(value, (tuple, list)):
        return tuple(fingerprint(v, renames, owner, name) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), fingerprint(v, renames, owner, name)) for k, v in value.items()))
    return value


def _match(base: Mapping[str, Any], head: Mapping[str, Any], renames: Renames) -> dict[str, str]:
    """Base id -> head id for declarations gone from the base whose content is that of one new in the head."""
    gone = [k for k in base if k not in head]
    new = [k for k in head if k not in base]
    if not gone or not new:
        return {}
    by_print: dict[Any, list[str]] = {}
    for key in new:
        by_print.setdefault(fingerprint(head[key], renames), []).append(key)
    found = {}
    for key in gone:
        candidates = by_print.get(fingerprint(base[key], renames))
        if candidates:
            found[key] = candidates.pop(0)
    return found


def cookie_key(cookie: m.Cookie, index: int) -> tuple[str, str]:
    """How a cookie is matched across the two sides: its kind and name (an unnamed one: its provider
    and its place among the unnamed ones)."""
    if cookie.name is not None:
        return (cookie.storage.value, cookie.name)
    provider = cookie.provider or (cookie.provider_ref.name if cookie.provider_ref else "")
    return (cookie.storage.value, f"<unnamed {provider} #{index}>")


def cookies_by_key(policy: m.Policy) -> dict[tuple[str, str], m.Cookie]:
    out: dict[tuple[str, str], m.Cookie] = {}
    unnamed = 0
    for cookie in policy.cookies:
        if cookie.name is None:
            unnamed += 1
        out.setdefault(cookie_key(cookie, unnamed), cookie)
    return out


# ---------------------------------------------------------------- comparing


def _names(refs: Iterable[m.Ref]) -> list[str]:
    return list(dict.fromkeys(r.name for r in refs))


def _list(names: Iterable[str]) -> str:
    return ", ".join(f"`{n}`" for n in names)


def _countries(countries: Iterable[str]) -> str:
    return ", ".join(countries) or "no country stated"


def _risky_country(country: str | None) -> bool:
    """Outside the EEA without an adequacy decision that covers it without conditions (the US
    decision covers only certified organisations): the transfers a reviewer must look at."""
    return country is not None and not is_eea(country) and not has_adequacy(country)


def _retention_days(statements: tuple[m.Retention, ...]) -> float | None:
    """The longest time the statements let data be kept, in days (inf: no limit or a vague one);
    None when one of them cannot be measured (until an event, criteria, ...)."""
    if not statements:
        return None
    longest = 0.0
    for r in statements:
        if r.rule == "not_stored":
            days = 0.0
        elif r.rule in ("indefinite", "unspecified", "as_long_as_necessary", "at_discretion", "no_general_period"):
            days = math.inf
        elif r.rule in ("duration", "law") and r.duration is not None:
            days = r.duration.days
        else:
            return None
        longest = max(longest, days)
    return longest


def _retention_text(statements: tuple[m.Retention, ...]) -> str:
    return "; ".join(r.text() for r in statements) or "not stated"


def _expiry_days(expiry: m.Expiry | None) -> float | None:
    if expiry is None:
        return None
    if expiry.lifetime == "session":
        return 0.0
    if expiry.lifetime == "never":
        return math.inf
    return expiry.duration.days if expiry.duration is not None else None


class _Differ:
    def __init__(self, base: m.Policy, head: m.Policy) -> None:
        self.base, self.head = base, head
        self.changes: list[Change] = []
        self.renames: Renames = {}

    def add(self, kind: str, subject: str, message: str, /, severity: Impact | None = None,
            base: Span | None = None, head: Span | None = None, **details: str) -> None:
        self.changes.append(Change(kind, severity or KIND_NAMES[kind].severity, subject, message,
                                   tuple(details.items()), base, head))

    def renamed(self, kind: str) -> dict[str, str]:
        return self.renames.setdefault(kind, {})

    def pairs(self, kind: str, base: Mapping[str, Any], head: Mapping[str, Any]) -> list[tuple[Any, Any]]:
        """Matched (base, head) declarations of one kind, after finding its renames."""
        renames = _match(base, head, self.renames)
        self.renamed(kind).update(renames)
        for old, new in renames.items():
            self.add("renamed", f"{kind} `{new}`", f"{kind} `{old}` is renamed `{new}` (same content)",
                     base=base[old].span, head=head[new].span, old=old, new=new, declaration=kind)
        pairs = [(base[k], head[k]) for k in base if k in head]
        return pairs + [(base[old], head[new]) for old, new in renames.items()]

    def mapped(self, kind: str, names: Iterable[str]) -> list[str]:
        """Base names as the head calls them."""
        table = self.renames.get(kind, {})
        return [table.get(n, n) for n in names]

    # ------------------------------------------------------------ declarations

    def run(self) -> list[Change]:
        b, h = self.base, self.head
        subjects = self.pairs("subject", b.subjects, h.subjects)
        categories = self.pairs("category", b.categories, h.categories)
        recipients = self.pairs("recipient", b.recipients, h.recipients)
        consents = self.pairs("consent", b.consents, h.consents)
        transfers = self.pairs("transfer", b.transfers, h.transfers)
        purposes = self.pairs("purpose", b.purposes, h.purposes)
        self.categories_redefined(categories)
        self.subjects_redefined(subjects)
        self.recipients(recipients)
        self.transfers(transfers)
        self.consents(consents)
        self.purposes(purposes)
        self.cookies()
        self.rights()
        self.claims()
        return self.changes

    def categories_redefined(self, pairs: list[tuple[m.Category, m.Category]]) -> None:
        for old, new in pairs:
            if new.special is not None and old.special != new.special:
                users = [p.id for p in self.head.purposes.values() if any(r.name == new.id for r in p.categories)]
                self.add("new-special-category", f"category `{new.id}`",
                         f"category `{new.id}` is now special-category data ({new.special.value}, GDPR Art. 9(1))"
                         + (f", used by {_list(users)}" if users else ""),
                         base=old.span, head=new.span_of("special"), category=new.id, special=new.special.value)

    def subjects_redefined(self, pairs: list[tuple[m.Subject, m.Subject]]) -> None:
        for old, new in pairs:
            if new.children and not old.children:
                self.add("new-children-subject", f"subject `{new.id}`", f"subject `{new.id}` now includes children",
                         base=old.span, head=new.span_of("children"), subject=new.id)

    def recipients(self, pairs: list[tuple[m.Recipient, m.Recipient]]) -> None:
        matched_base = {old.id for old, _ in pairs}
        matched_head = {new.id for _, new in pairs}
        for key, new in self.head.recipients.items():
            if key in matched_head:
                continue
            risky = [c for c in new.countries if _risky_country(c)]
            role = new.role.value if new.role else "role not stated"
            self.add("new-recipient", f"recipient `{key}`",
                     f"new recipient `{key}`{f' ({new.name})' if new.name else ''}: {role}, in "
                     f"{_countries(new.countries)}", _H if risky else None, head=new.span,
                     recipient=key, role=new.role.value if new.role else "", countries=",".join(new.countries))
        for key, old in self.base.recipients.items():
            if key not in matched_base:
                self.add("recipient-removed", f"recipient `{key}`", f"recipient `{key}` is no longer declared",
                         base=old.span, recipient=key)
        for old, new in pairs:
            if old.role != new.role and new.role is not None:
                severe = old.role == m.Role.PROCESSOR and new.role in (m.Role.CONTROLLER, m.Role.JOINT_CONTROLLER)
                was = old.role.value if old.role else "not stated"
                self.add("role-change", f"recipient `{new.id}`",
                         f"recipient `{new.id}` is now a {new.role.value} (was {was})", _H if severe else None,
                         base=old.span_of("role"), head=new.span_of("role"), recipient=new.id, old=was,
                         new=new.role.value)
            added = [c for c in new.countries if c not in old.countries]
            if added:
                self.add("recipient-new-country", f"recipient `{new.id}`",
                         f"recipient `{new.id}` is now also in {_countries(added)}",
                         _H if any(_risky_country(c) for c in added) else None,
                         base=old.span_of("countries"), head=new.span_of("countries"), recipient=new.id,
                         countries=",".join(added))

    def _transfer_text(self, t: m.Transfer) -> str:
        recipient = t.recipient.name if t.recipient else "an unnamed recipient"
        mechanism = t.mechanism.value if t.mechanism else "no mechanism stated"
        return f"to `{recipient}` in {t.country or 'no country stated'} under {mechanism}"

    def _transfer_risk(self, t: m.Transfer) -> Impact:
        weak = t.mechanism in (None, m.Mechanism.NONE, m.Mechanism.UNSPECIFIED, m.Mechanism.DEROGATION)
        safe_place = t.country is not None and (is_eea(t.country) or (has_adequacy(t.country) and not weak))
        return _M if safe_place else _H

    def transfers(self, pairs: list[tuple[m.Transfer, m.Transfer]]) -> None:
        matched_base = {old.id for old, _ in pairs}
        matched_head = {new.id for _, new in pairs}
        for key, new in self.head.transfers.items():
            if key not in matched_head:
                self.add("new-transfer", f"transfer `{key}`", f"new transfer `{key}` {self._transfer_text(new)}",
                         self._transfer_risk(new), head=new.span, transfer=key, country=new.country or "",
                         mechanism=new.mechanism.value if new.mechanism else "",
                         recipient=new.recipient.name if new.recipient else "")
        for key, old in self.base.transfers.items():
            if key not in matched_base:
                self.add("transfer-removed", f"transfer `{key}`",
                         f"transfer `{key}` ({self._transfer_text(old)}) is no longer declared", base=old.span,
                         transfer=key)
        for old, new in pairs:
            if (old.country, old.mechanism) != (new.country, new.mechanism):
                self.add("transfer-change", f"transfer `{new.id}`",
                         f"transfer `{new.id}` is now {self._transfer_text(new)} (was {self._transfer_text(old)})",
                         self._transfer_risk(new), base=old.span, head=new.span, transfer=new.id,
                         country=new.country or "", mechanism=new.mechanism.value if new.mechanism else "")

    def _consent_weaker(self, old: m.ConsentMechanism, new: m.ConsentMechanism) -> tuple[Impact, str] | None:
        gained = [x.value for x in new.invalid_methods if x not in old.invalid_methods]
        if gained:
            was = ", ".join(x.value for x in old.methods) or "not stated"
            return _H, f"now relies on {', '.join(gained)}, which cannot give consent (was {was})"
        lost = [what for what in ("granular", "explicit") if getattr(old, what) and getattr(new, what) is False]
        if new.condition_of_service and not old.condition_of_service:
            lost.append("free (it is now a condition of the service)")
        if lost:
            return _M, f"is no longer {' or '.join(lost)}"
        return None

    def consents(self, pairs: list[tuple[m.ConsentMechanism, m.ConsentMechanism]]) -> None:
        for old, new in pairs:
            weaker = self._consent_weaker(old, new)
            if weaker is not None:
                severity, text = weaker
                self.add("weaker-consent", f"consent `{new.id}`", f"consent `{new.id}` {text}", severity,
                         base=old.span_of("methods"), head=new.span_of("methods"), consent=new.id,
                         methods=",".join(x.value for x in new.methods))
            if old.reject_button and not new.reject_button:
                self.add("reject-button-removed", f"consent `{new.id}`",
                         f"consent `{new.id}` no longer has a reject button", base=old.span_of("reject_button"),
                         head=new.span, consent=new.id)

    # ------------------------------------------------------------ purposes

    def _special(self, policy: m.Policy, category: str) -> m.SpecialKind | None:
        found = policy.categories.get(category)
        return found.special if found is not None else None

    def _children(self, policy: m.Policy, subject: str) -> bool:
        found = policy.subjects.get(subject)
        return bool(found is not None and found.children)

    def _purpose_data(self, p: m.Purpose, subject: str, categories: list[str], subjects: list[str],
                      base: Span | None) -> None:
        """Special categories and children among what a purpose gained."""
        for c in categories:
            special = self._special(self.head, c)
            if special is not None:
                self.add("new-special-category", subject,
                         f"{subject} now processes `{c}`, special-category data ({special.value}, GDPR Art. 9(1))",
                         base=base, head=p.span_of("categories"), purpose=p.id, category=c, special=special.value)
        for s in subjects:
            if self._children(self.head, s):
                self.add("new-children-subject", subject, f"{subject} now concerns `{s}`, which includes children",
                         base=base, head=p.span_of("subjects"), purpose=p.id, subject=s)

    def purposes(self, pairs: list[tuple[m.Purpose, m.Purpose]]) -> None:
        matched_base = {old.id for old, _ in pairs}
        matched_head = {new.id for _, new in pairs}
        for key, new in self.head.purposes.items():
            if key in matched_head:
                continue
            subject = f"purpose `{key}`"
            bases = ", ".join(b.basis.value for b in new.bases) or "no basis stated"
            categories = _names(new.categories)
            self.add("purpose-added", subject,
                     f"new purpose `{key}` on {bases}, using {_list(categories) or 'no data'}",
                     head=new.span, purpose=key, bases=",".join(b.basis.value for b in new.bases),
                     categories=",".join(categories))
            self._purpose_data(new, subject, categories, _names(new.subjects), None)
            if new.profiling:
                self.add("profiling-added", subject, f"{subject} profiles", head=new.span_of("profiling"), purpose=key)
            if new.automated_decisions is not None and new.automated_decisions.present:
                self.add("automated-decisions-added", subject, f"{subject} makes solely automated decisions",
                         head=new.span_of("automated_decisions"), purpose=key)
        for key, old in self.base.purposes.items():
            if key not in matched_base:
                self.add("purpose-removed", f"purpose `{key}`", f"purpose `{key}` is no longer declared",
                         base=old.span, purpose=key)
        for old, new in pairs:
            self.purpose(old, new)

    def purpose(self, old: m.Purpose, new: m.Purpose) -> None:
        subject = f"purpose `{new.id}`"
        was_bases = [b.basis for b in old.bases]
        now_bases = [b.basis for b in new.bases]
        if set(was_bases) != set(now_bases):
            severe = (m.BasisKind.CONSENT in was_bases and m.BasisKind.CONSENT not in now_bases) or (
                m.BasisKind.LEGITIMATE_INTERESTS in now_bases and m.BasisKind.LEGITIMATE_INTERESTS not in was_bases)
            was = ", ".join(b.value for b in was_bases) or "none"
            now = ", ".join(b.value for b in now_bases) or "none"
            self.add("basis-change", subject, f"{subject}: legal basis {was} -> {now}", _H if severe else _M,
                     base=old.span_of("bases"), head=new.span_of("bases"), purpose=new.id, old=was, new=now)
        was_categories = self.mapped("category", _names(old.categories))
        now_categories = _names(new.categories)
        added = [c for c in now_categories if c not in was_categories]
        ordinary = [c for c in added if self._special(self.head, c) is None]
        if ordinary:
            self.add("new-category", subject, f"{subject} now uses {_list(ordinary)}", base=old.span_of("categories"),
                     head=new.span_of("categories"), purpose=new.id, categories=",".join(ordinary))
        removed = [c for c in was_categories if c not in now_categories]
        if removed:
            self.add("category-removed", subject, f"{subject} no longer uses {_list(removed)}",
                     base=old.span_of("categories"), head=new.span_of("categories"), purpose=new.id,
                     categories=",".join(removed))
        was_subjects = self.mapped("subject", _names(old.subjects))
        now_subjects = _names(new.subjects)
        gained = [s for s in now_subjects if s not in was_subjects]
        ordinary = [s for s in gained if not self._children(self.head, s)]
        if ordinary:
            self.add("new-subject", subject, f"{subject} now concerns {_list(ordinary)}", base=old.span_of("subjects"),
                     head=new.span_of("subjects"), purpose=new.id, subjects=",".join(ordinary))
        lost = [s for s in was_subjects if s not in now_subjects]
        if lost:
            self.add("subject-removed", subject, f"{subject} no longer concerns {_list(lost)}",
                     base=old.span_of("subjects"), head=new.span_of("subjects"), purpose=new.id,
                     subjects=",".join(lost))
        self._purpose_data(new, subject, added, gained, old.span)
        was_recipients = self.mapped("recipient", _names(old.recipients))
        known = set(self.mapped("recipient", self.base.recipients))
        shared = [r for r in _names(new.recipients) if r not in was_recipients and r in known]
        if shared:
            self.add("new-sharing", subject, f"{subject} now discloses data to {_list(shared)}",
                     base=old.span_of("recipients"), head=new.span_of("recipients"), purpose=new.id,
                     recipients=",".join(shared))
        self.retention(old, new, subject)
        if new.profiling and not old.profiling:
            self.add("profiling-added", subject, f"{subject} now profiles", base=old.span,
                     head=new.span_of("profiling"), purpose=new.id)
        if (new.automated_decisions is not None and new.automated_decisions.present
                and not (old.automated_decisions is not None and old.automated_decisions.present)):
            self.add("automated-decisions-added", subject, f"{subject} now makes solely automated decisions",
                     base=old.span, head=new.span_of("automated_decisions"), purpose=new.id)
        old_consent = self.mapped("consent", [old.consent.name])[0] if old.consent else None
        new_consent = new.consent.name if new.consent else None
        if old_consent != new_consent and old_consent is not None:
            before = self.base.consents.get(old.consent.name) if old.consent else None
            after = self.head.consents.get(new_consent) if new_consent else None
            if before is not None and before.gives_consent and not (after is not None and after.gives_consent):
                self.add("weaker-consent", subject,
                         f"{subject} now asks for consent through "
                         f"{f'`{new_consent}`' if new_consent else 'no mechanism'}, which cannot give consent "
                         f"(was `{old_consent}`)", base=old.span_of("consent"), head=new.span_of("consent"),
                         purpose=new.id, consent=new_consent or "")

    def retention(self, old: m.Purpose, new: m.Purpose, subject: str) -> None:
        named = [*self.mapped("category", [c.name for r in old.retention for c in r.categories]),
                 *(c.name for r in new.retention for c in r.categories)]
        keys = ["", *dict.fromkeys(named)]
        base_names = {v: k for k, v in self.renames.get("category", {}).items()}
        for key in keys:
            was = old.general_retention if not key else old.retention_for(base_names.get(key, key))
            now = new.general_retention if not key else new.retention_for(key)
            if fingerprint(was, self.renames) == fingerprint(now, self.renames) or (not was and not now):
                continue
            what = f"{subject}{f' (`{key}`)' if key else ''}"
            before, after = _retention_days(was), _retention_days(now)
            text = f"{_retention_text(now)} (was {_retention_text(was)})"
            spans = (old.span_of("retention"), new.span_of("retention"))
            if before is not None and after is not None and before != after:
                if after > before:
                    vague = math.isinf(after)
                    self.add("retention-lengthened", what, f"{what} keeps data longer: {text}", _H if vague else None,
                             base=spans[0], head=spans[1], purpose=new.id, category=key, old=_retention_text(was),
                             new=_retention_text(now))
                else:
                    self.add("retention-shortened", what, f"{what} keeps data for less time: {text}",
                             base=spans[0], head=spans[1],
                             purpose=new.id, category=key, old=_retention_text(was), new=_retention_text(now))
            elif _retention_text(was) != _retention_text(now):
                self.add("retention-change", what, f"{what} retention: {text}", base=spans[0],
                         head=spans[1], purpose=new.id,
                         category=key, old=_retention_text(was), new=_retention_text(now))

    # ------------------------------------------------------------ cookies, rights, claims

    def cookies(self) -> None:
        base, head = cookies_by_key(self.base), cookies_by_key(self.head)
        renames: dict[tuple[str, str], tuple[str, str]] = {}
        gone = [k for k in base if k not in head]
        new_keys = [k for k in head if k not in base]
        prints: dict[Any, list[tuple[str, str]]] = {}
        for key in new_keys:
            prints.setdefault(self._cookie_print(head[key]), []).append(key)
        for key in gone:
            candidates = prints.get(self._cookie_print(base[key]))
            if candidates:
                renames[key] = candidates.pop(0)
        for old_key, new_key in renames.items():
            new = head[new_key]
            self.add("renamed", f"{new.label()}", f"{base[old_key].label()} is renamed `{new.name}` (same content)",
                     base=base[old_key].span, head=new.span, old=old_key[1], new=new_key[1], declaration="cookie")
        renamed_to = set(renames.values())
        for key, cookie in head.items():
            if key in base or key in renamed_to:
                continue
            third = cookie.party == m.Party.THIRD
            necessary = cookie.category == m.CookieCategory.STRICTLY_NECESSARY
            party = cookie.party.value if cookie.party else "party not stated"
            category = cookie.category.value if cookie.category else "category not stated"
            self.add("cookie-added", cookie.label(),
                     f"new {cookie.label()}: {party} party, {category}, expiry {cookie.expiry or 'not stated'}",
                     _H if third and not necessary else None, head=cookie.span, cookie=key[1], storage=key[0],
                     party=cookie.party.value if cookie.party else "",
                     category=cookie.category.value if cookie.category else "")
        for key, cookie in base.items():
            if key not in head and key not in renames:
                self.add("cookie-removed", cookie.label(), f"{cookie.label()} is no longer declared",
                         base=cookie.span, cookie=key[1], storage=key[0])
        pairs = [(base[k], head[k]) for k in base if k in head] + [(base[o], head[n]) for o, n in renames.items()]
        for old, new in pairs:
            self.cookie(old, new)

    def _cookie_print(self, cookie: m.Cookie) -> Any:
        content = fingerprint(cookie, self.renames)
        return tuple(item for item in content[1] if item[0] != "name")

    def cookie(self, old: m.Cookie, new: m.Cookie) -> None:
        label = new.label()
        before, after = _expiry_days(old.expiry), _expiry_days(new.expiry)
        if after is not None and (before is None or after > before) and old.expiry != new.expiry and (
                before is not None or old.expiry is None):
            self.add("cookie-expiry-lengthened", label,
                     f"{label} now lives {new.expiry} (was {old.expiry or 'not stated'})",
                     base=old.span_of("expiry"), head=new.span_of("expiry"), cookie=new.name or "",
                     old=str(old.expiry or ""), new=str(new.expiry))
        if new.party == m.Party.THIRD and old.party == m.Party.FIRST:
            self.add("cookie-third-party", label, f"{label} is now a third-party cookie (was first party)",
                     base=old.span_of("party"), head=new.span_of("party"), cookie=new.name or "")
        if old.category == m.CookieCategory.STRICTLY_NECESSARY and new.category != old.category:
            now = new.category.value if new.category else "no category"
            self.add("cookie-not-necessary", label, f"{label} is now {now} (was strictly necessary): it needs consent",
                     base=old.span_of("category"), head=new.span_of("category"), cookie=new.name or "",
                     category=now)

    def rights(self) -> None:
        old, new = self.base.rights, self.head.rights
        if old is None:
            return
        for right in m.Right:
            told_before = old.tells(right) and old.denial(right) is None
            denied = new.denial(right) if new is not None else None
            if told_before and (new is None or not new.tells(right) or denied is not None):
                how = "is now denied" if denied is not None else "is no longer offered"
                self.add("right-removed", f"right `{right.value}`",
                         f"the right `{right.value}` ({right.article}) {how}", base=old.span_of("offered"),
                         head=(new.span_of("offered") if denied is None else denied.span) if new else None,
                         right=right.value)

    def claims(self) -> None:
        old = self.base.info.claims if self.base.info else ()
        new = self.head.info.claims if self.head.info else ()
        base_span = self.base.info.span_of("claims") if self.base.info else None
        head_span = self.head.info.span_of("claims") if self.head.info else None
        for claim in new:
            if claim not in old:
                self.add("claim-added", f"claim `{claim.value}`", f"the notice now claims `{claim.value}`",
                         base=base_span, head=head_span, claim=claim.value)
        for claim in old:
            if claim not in new:
                self.add("claim-withdrawn", f"claim `{claim.value}`", f"the notice no longer claims `{claim.value}`",
                         base=base_span, head=head_span, claim=claim.value)


_FINDING_IMPACT = {Severity.ERROR: _H, Severity.WARNING: _M, Severity.INFO: _L}


def _finding_key(d: Diagnostic, rename: Callable[[str], str]) -> tuple[Any, ...]:
    if d.args:
        return (d.code, d.message_id, tuple((k, rename(v)) for k, v in d.args))
    return (d.code, rename(d.message))


def _renamer(renames: Renames) -> Callable[[str], str]:
    """Rewrites the base's ids in a finding's text as the head names them (whole names only)."""
    import re

    table = {old: new for kind in renames.values() for old, new in kind.items()}
    if not table:
        return lambda value: value
    pattern = re.compile(r"(?<![\w.-])(" + "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
                         + r")(?![\w-])")
    return lambda value: pattern.sub(lambda match: table[match.group(1)], value)


def finding_changes(base: Iterable[Diagnostic], head: Iterable[Diagnostic], renames: Renames) -> list[Change]:
    """The findings each side has that the other has not: ``new-finding`` and ``fixed-finding``.
    Findings are matched by code and message arguments (places aside), the base's names read
    through the renames, as many times as each occurs."""
    rename = _renamer(renames)

    def same(value: str) -> str:
        return value

    old = [d for d in base if d.suppressed is None]
    new = [d for d in head if d.suppressed is None]
    was = Counter(_finding_key(d, rename) for d in old)
    now = Counter(_finding_key(d, same) for d in new)
    changes = []
    remaining = was - now
    for d in new:
        key = _finding_key(d, same)
        if was[key] > 0:
            was[key] -= 1
            continue
        changes.append(Change("new-finding", _FINDING_IMPACT[d.severity], d.code,
                              f"introduces {d.code} {d.name}: {d.message}",
                              (("code", d.code), ("name", d.name), ("severity", d.severity.label)), head=d.span))
    for d in old:
        key = _finding_key(d, rename)
        if remaining[key] > 0:
            remaining[key] -= 1
            changes.append(Change("fixed-finding", _L, d.code, f"fixes {d.code} {d.name}: {d.message}",
                                  (("code", d.code), ("name", d.name), ("severity", d.severity.label)), base=d.span))
    return changes


def compare(base: m.Policy, head: m.Policy, base_findings: Iterable[Diagnostic] = (),
            head_findings: Iterable[Diagnostic] = ()) -> list[Change]:
    """Every change from ``base`` to ``head``, most severe first."""
    differ = _Differ(base, head)
    changes = differ.run() + finding_changes(base_findings, head_findings, differ.renames)
    return sorted(changes, key=Change.sort_key)
