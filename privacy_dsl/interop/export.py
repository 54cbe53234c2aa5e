"""Exports of a resolved policy: JSON (the model itself) and fides (fideslang-compatible YAML).

``to_fides`` maps the policy onto fideslang resources (https://github.com/ethyca/fideslang):

* the controller becomes an ``organization`` with its ``controller`` and ``data_protection_officer``
  contact details;
* the policy becomes one ``system`` (the processing it describes), with one
  ``privacy_declarations`` entry per purpose: ``data_use``, ``data_categories`` (the categories'
  taxonomy keys), ``data_subjects``, ``legal_basis_for_processing``, ``retention_period``, special
  category data and its Art. 9 basis, and the recipients it is shared with (``egress``);
* every recipient becomes a ``system`` of its own (responsibility ``Processor`` or ``Controller``,
  the DPA reference as ``dpa_location``), receiving data from the policy's system (``ingress``);
* transfers set ``does_international_transfers`` and ``legal_basis_for_transfers``;
* cookies set ``uses_cookies``, ``uses_non_cookie_access`` and ``cookie_max_age_seconds`` (the
  longest stated expiry, in seconds: a range's longer end; none when a cookie never expires or has
  no stated duration); fideslang 3 has no place for the cookie list itself (its
  ``cookies`` field is deprecated and ignored), so the cookies and the transfers are kept, with
  everything else fideslang has no field for (the consent mechanisms: how consent is asked,
  where, and how it is withdrawn), in the system's free-form ``meta.privacy_dsl``;
  ``privacy-dsl import fides`` reads them back from there;
* data subjects that are not fideslang defaults are declared as ``data_subject`` resources.

Retention periods are written in the policy language's own retention syntax (``3 years after
last_order``), so they read as text and can be parsed back; the criteria text in the export's
language. The categories a retention is for (``6 months for logs``) are named by id, and
``meta.privacy_dsl`` gives each id's taxonomy key, from which the importer names its categories.

No YAML library is needed: ``dump_yaml`` writes the small subset used here (block mappings and
sequences, null, booleans, integers, and strings, double-quoted unless plainly safe).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, builtin
from ..language import model as m

FIDES_BASIS = {
    m.BasisKind.CONSENT: "Consent",
    m.BasisKind.CONTRACT: "Contract",
    m.BasisKind.LEGAL_OBLIGATION: "Legal obligations",
    m.BasisKind.VITAL_INTERESTS: "Vital interests",
    m.BasisKind.PUBLIC_TASK: "Public interest",
    m.BasisKind.LEGITIMATE_INTERESTS: "Legitimate interests",
}
FIDES_SPECIAL = {
    m.SpecialCondition.EXPLICIT_CONSENT: "Explicit consent",
    m.SpecialCondition.EMPLOYMENT: "Employment, social security and social protection",
    m.SpecialCondition.VITAL_INTERESTS: "Vital interests",
    m.SpecialCondition.NOT_FOR_PROFIT: "Not-for-profit bodies",
    m.SpecialCondition.MADE_PUBLIC: "Made public by the data subject",
    m.SpecialCondition.LEGAL_CLAIMS: "Legal claims or judicial acts",
    m.SpecialCondition.SUBSTANTIAL_PUBLIC_INTEREST: "Reasons of substantial public interest (with a basis in law)",
    m.SpecialCondition.HEALTH_CARE: "Health or social care (with a basis in law)",
    m.SpecialCondition.PUBLIC_HEALTH: "Public health (with a basis in law)",
    m.SpecialCondition.ARCHIVING_RESEARCH: "Archiving, research and statistics (with a basis in law)",
}
#: fideslang's LegalBasisForTransfersEnum values (the field itself is free text in fideslang).
FIDES_TRANSFER = {
    m.Mechanism.ADEQUACY: "Adequacy Decision",
    m.Mechanism.DPF: "Adequacy Decision",
    m.Mechanism.SCCS: "SCCs",
    m.Mechanism.BCR: "BCRs",
}
FIDES_PROFILING = {
    m.AutomatedException.CONTRACT: "Contract",
    m.AutomatedException.LAW: "Authorised by law",
    m.AutomatedException.EXPLICIT_CONSENT: "Explicit consent",
}
FIDES_ROLE = {
    m.Role.PROCESSOR: "Processor",
    m.Role.CONTROLLER: "Controller",
    m.Role.JOINT_CONTROLLER: "Controller",
    m.Role.AUTHORITY: "Controller",
}
META_KEY = "privacy_dsl"
META_VERSION = 1


# ---------------------------------------------------------------- JSON


def to_json(policy: m.Policy) -> str:
    """The resolved model as JSON (its shape: ``privacy-dsl schema``)."""
    from ..language.modeldata import to_json as model_json

    return model_json(policy, indent=2) + "\n"


# ---------------------------------------------------------------- fides

def _problem(code: str, message: str, span: m.Span, hint: str | None = None,
             args: Iterable[tuple[str, str]] = ()) -> Diagnostic:
    """A diagnostic for one of the export codes of the catalogue (EXP001-EXP004)."""
    return builtin(code, message, span, hint=hint, args=args)


_TRANSLITERATE = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "AE", "Ø": "O", "Å": "A", "ß": "ss"})


def fides_key(text: str) -> str:
    """A fides key (letters, digits, ``_ . - < >``) for any name: transliterated, lower case."""
    text = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9_.-]+", "_", text).strip("_.-") or "x"


class _Keys:
    """Unique fides keys per resource type, the same key for the same id every time."""

    def __init__(self) -> None:
        self.taken: set[str] = set()
        self.by_id: dict[tuple[str, str], str] = {}

    def __call__(self, kind: str, ident: str) -> str:
        if (kind, ident) in self.by_id:
            return self.by_id[(kind, ident)]
        base = key = fides_key(ident)
        n = 2
        while key in self.taken:
            key, n = f"{base}_{n}", n + 1
        self.taken.add(key)
        self.by_id[(kind, ident)] = key
        return key


def retention_text(retention: m.Retention, criteria: str | None = None) -> str:
    """A retention in the policy language's own syntax (what follows ``retention``), with the
    categories it is for; ``criteria``: the text to write for ``criteria`` (one language), else
    the statement's own text."""
    from ..outputs.fmt import is_bare_name, quote

    def event(value: str) -> str:
        return value if is_bare_name(value) else quote(value)

    def text(value: m.Text | None) -> str:
        if criteria is not None or value is None or not value.by_lang:
            return quote(criteria if criteria is not None else str(value or ""))
        return "{ " + " ".join(f"{lang} {quote(v)}" for lang, v in value.by_lang.items()) + " }"

    parts: list[str] = []
    if retention.rule in m.RETENTION_WORDS:
        parts.append(m.RETENTION_WORDS[retention.rule])
    elif retention.rule == "until":
        parts.append(f"until {event(retention.until or '')}")
    elif retention.rule == "criteria":
        parts.append(f"criteria {text(retention.criteria)}")
    elif retention.rule == "archive":
        parts.append(f"archive {quote(retention.law)}" if retention.law else "archive")
    else:
        if retention.rule in ("law", "law_permits"):
            parts.append(retention.rule)
        if retention.law:
            parts.append(quote(retention.law))
        if retention.duration is not None:
            if retention.up_to:
                parts.append("up_to")
            parts.append(str(retention.duration))
            if retention.after:
                parts.append(f"after {event(retention.after)}")
    if retention.categories:
        parts.append("for " + ", ".join(r.name for r in retention.categories))
    return " ".join(parts)


def max_age_seconds(duration: m.Duration) -> int:
    return math.ceil(duration.days * 86400 - 1e-6)


class _Fides:
    def __init__(self, policy: m.Policy, lang: str | None) -> None:
        self.policy = policy
        self.lang = lang
        self.problems: list[Diagnostic] = []
        self.keys = _Keys()

    def text(self, text: m.Text | None, span: m.Span, what: str) -> str | None:
        if text is None:
            return None
        if self.lang is None:
            return text.get()
        if self.lang in text.by_lang or text.plain is not None:
            return text.get(self.lang)
        if not text.by_lang:
            return None
        other = next(iter(text.by_lang))
        self.problems.append(_problem("EXP004", f"{what} has no `{self.lang}` text; the `{other}` text is exported",
                                      span, args=(("what", what), ("lang", self.lang), ("other", other))))
        return text.by_lang[other]

    def name(self, node: m.Node, text: m.Text | None, ident: str, what: str) -> str:
        return self.text(text, node.span_of("name"), f"{what} `{ident}` name") or ident

    def build(self) -> dict[str, Any]:
        policy = self.policy
        out: dict[str, Any] = {}
        controller = policy.controller
        org_key = self.keys("organization", controller.name if controller else "default_organization")
        if controller is not None:
            org: dict[str, Any] = {"fides_key": org_key, "name": controller.name}
            desc = self.text(controller.description, controller.span_of("description"), "the controller's description")
            if desc:
                org["description"] = desc
            org["controller"] = _contact(controller.name, controller.address, controller.email, controller.phone)
            dpo = controller.dpo
            if dpo is not None and (dpo.name or dpo.email or dpo.phone or dpo.address):
                org["data_protection_officer"] = _contact(dpo.name, dpo.address, dpo.email, dpo.phone)
            rep = controller.representative
            if rep is not None and (rep.name or rep.address or rep.email or rep.phone):
                org["representative"] = _contact(rep.name, rep.address, rep.email, rep.phone)
            out["organization"] = [org]
        subjects = self.data_subjects()
        if subjects:
            out["data_subject"] = subjects
        systems = [self.main_system(org_key)]
        systems.extend(self.recipient_system(ident, r, org_key, systems[0]["fides_key"])
                       for ident, r in policy.recipients.items())
        out["system"] = systems
        return out

    def data_subjects(self) -> list[dict[str, Any]]:
        from ..language.taxonomy import data_subjects

        defaults = data_subjects()
        out = []
        for ident, subject in self.policy.subjects.items():
            if (subject.taxonomy or ident) in defaults:
                continue
            entry: dict[str, Any] = {"fides_key": self.keys("data_subject", ident),
                                     "name": self.name(subject, subject.name, ident, "subject")}
            desc = self.text(subject.description, subject.span_of("description"), f"subject `{ident}` description")
            if desc:
                entry["description"] = desc
            out.append(entry)
        return out

    def subject_key(self, ident: str) -> str:
        """The fides key of a subject: its ``taxonomy``, else its id when that is a fideslang key."""
        from ..language.taxonomy import data_subjects

        subject = self.policy.subjects.get(ident)
        key = subject.taxonomy if subject is not None and subject.taxonomy else ident
        return key if key in data_subjects() else self.keys("data_subject", ident)

    def categories_of(self, purpose: m.Purpose) -> list[str]:
        keys: list[str] = []
        for ref in purpose.categories:
            category = self.policy.categories.get(ref.name)
            if category is None:
                continue
            if category.taxonomy is None:
                self.problems.append(_problem(
                    "EXP003", f"category `{category.id}` has no taxonomy key; fides cannot express it, so it is "
                    f"left out of purpose `{purpose.id}`", category.span,
                    hint="add `taxonomy <fideslang data-category key>` (see `privacy-dsl taxonomy`)",
                    args=(("category", category.id), ("purpose", purpose.id))))
                continue
            if category.taxonomy not in keys:
                keys.append(category.taxonomy)
        return keys

    def main_system(self, org_key: str) -> dict[str, Any]:
        policy = self.policy
        info, controller = policy.info, policy.controller
        key = self.keys("system", Path(policy.root).name or "policy")
        system: dict[str, Any] = {"fides_key": key, "organization_fides_key": org_key,
                                  "name": info.title if info else (controller.name if controller else key)}
        if info is not None:
            desc = self.text(info.description, info.span_of("description"), "the policy's description")
            if desc:
                system["description"] = desc
        system["system_type"] = "Service"
        declarations: list[dict[str, Any]] = []
        self.purpose_meta: list[dict[str, Any]] = []
        for ident, purpose in policy.purposes.items():
            declaration = self.declaration(ident, purpose)
            if declaration is not None:
                # fides holds one data use per declaration: a purpose with several is one declaration
                # per use, alike but for `data_use` (the importer joins them again by the meta `id`).
                declarations.extend({**declaration, "data_use": use} for use in purpose.uses)
                extra: dict[str, Any] = {"declaration": declaration["name"], "id": ident}
                if purpose.transfers:
                    extra["transfers"] = [r.name for r in purpose.transfers]
                if purpose.consent is not None:
                    extra["consent"] = purpose.consent.name
                if purpose.profiling:
                    extra["profiling"] = True
                named = self.retention_categories(purpose)
                if named:
                    extra["retention_categories"] = named
                self.purpose_meta.append(extra)
        system["privacy_declarations"] = declarations
        recipients = sorted({r.name for p in policy.purposes.values() for r in p.recipients
                             if r.name in policy.recipients})
        if recipients:
            system["egress"] = [{"fides_key": self.keys("system", f"recipient:{r}"), "type": "system",
                                 "data_categories": self.shared_with(r)} for r in recipients]
        system["processes_personal_data"] = True
        profiling = [p for p in policy.purposes.values() if p.profiling or (
            p.automated_decisions is not None and p.automated_decisions.present)]
        system["uses_profiling"] = bool(profiling)
        profiling_bases = [FIDES_PROFILING[p.automated_decisions.exception] for p in profiling
                           if p.automated_decisions is not None and p.automated_decisions.exception is not None]
        if profiling_bases:
            system["legal_basis_for_profiling"] = sorted(set(profiling_bases))
        system["does_international_transfers"] = bool(policy.transfers)
        if policy.transfers:
            bases = []
            for t in policy.transfers.values():
                basis = FIDES_TRANSFER.get(t.mechanism, "Other") if t.mechanism else "Other"
                if basis not in bases:
                    bases.append(basis)
            system["legal_basis_for_transfers"] = bases
        if info is not None and info.url and re.match(r"https?://", info.url):
            system["privacy_policy"] = info.url
        if controller is not None:
            system["legal_name"] = controller.name
            if controller.address:
                system["legal_address"] = controller.address
            system["responsibility"] = ["Controller"]
            if controller.dpo is not None and (controller.dpo.email or controller.dpo.name):
                system["dpo"] = controller.dpo.email or controller.dpo.name
        if info is not None:
            security = self.text(info.security, info.span_of("security"), "the policy's security text")
            if security:
                system["data_security_practices"] = security
        system.update(self.cookie_fields(policy.cookies))
        meta: dict[str, Any] = {"version": META_VERSION, "purposes": self.purpose_meta}
        if policy.cookies:
            meta["cookies"] = [self.cookie(c) for c in policy.cookies]
        if policy.transfers:
            meta["transfers"] = [self.transfer(ident, t) for ident, t in policy.transfers.items()]
        if policy.consents:
            meta["consents"] = [self.consent(ident, c) for ident, c in policy.consents.items()]
        if policy.info is not None and policy.info.languages:
            meta["languages"] = [r.name for r in policy.info.languages]
        if policy.info is not None and policy.info.claims:
            meta["claims"] = [c.value for c in dict.fromkeys(policy.info.claims)]
        if policy.info is not None and policy.info.bases:  # listed for the whole notice, tied to no purpose
            meta["bases"] = [{"basis": b.basis.value, **({"law": b.citation} if b.citation else {})}
                             for b in policy.info.bases]
        if policy.info is not None:
            meta.update(self.notice_meta(policy.info))
        if controller is not None:
            meta.update(self.controller_meta(controller))
        system["meta"] = {META_KEY: meta}
        return system

    def notice_meta(self, info: m.PolicyInfo) -> dict[str, Any]:
        """What fides has no field for about the notice itself: its version and date (ISO 8601 at the
        precision the notice gives: ``2020-04`` stays a month), history, scope, the notices it refers
        to and the laws it cites."""
        out: dict[str, Any] = {}
        if info.version:
            out["notice_version"] = info.version
        if info.updated:
            out["updated"] = info.updated
        if info.history:
            out["history"] = [{"date": e.date, "text": self.text(e.text, e.span, f"the history entry of {e.date}")
                               or ""} for e in info.history]
        if info.scope:
            out["scope"] = [{"kind": s.what.value, "names": list(s.names)} for s in info.scope]
        if info.refers_to:
            refs = []
            for r in info.refers_to:
                entry: dict[str, Any] = {"target": r.target}
                name = self.text(r.name, r.span_of("name"), f"the name of `{r.target}`")
                if name:
                    entry["name"] = name
                if r.covers:
                    entry["covers"] = [t.value for t in dict.fromkeys(r.covers)]
                refs.append(entry)
            out["refers_to"] = refs
        if info.cites:
            out["cites"] = list(dict.fromkeys(info.cites))
        return out

    def controller_meta(self, controller: m.Controller) -> dict[str, Any]:
        """The privacy contact (who is not a DPO: fides has only `data_protection_officer`) and the
        representative's country (fides contact details have no country)."""
        out: dict[str, Any] = {}
        contact = controller.privacy_contact
        if contact is not None:
            entry = _contact(contact.name, contact.address, contact.email, contact.phone)
            title = self.text(contact.title, contact.span_of("title"), "the privacy contact's title")
            if title:
                entry = {"title": title, **entry}
            out["privacy_contact"] = entry
        if controller.representative is not None and controller.representative.country:
            out["representative_country"] = controller.representative.country
        return out

    def retention_categories(self, purpose: m.Purpose) -> dict[str, str]:
        """The taxonomy key of each category a retention names (``for``), by id: fides knows the
        categories only by their keys, and the importer names them from the keys."""
        out: dict[str, str] = {}
        for ret in purpose.retention:
            for ref in ret.categories:
                category = self.policy.categories.get(ref.name)
                if category is not None and category.taxonomy is not None:
                    out[ref.name] = category.taxonomy
        return out

    def shared_with(self, recipient: str) -> list[str]:
        keys: list[str] = []
        for purpose in self.policy.purposes.values():
            if any(r.name == recipient for r in purpose.recipients):
                for key in self.categories_of(purpose):
                    if key not in keys:
                        keys.append(key)
        return keys

    def declaration(self, ident: str, purpose: m.Purpose) -> dict[str, Any] | None:
        if not purpose.uses:
            self.problems.append(_problem(
                "EXP001", f"purpose `{ident}` has no `use`; a fides privacy declaration needs a data use, so the "
                "purpose is not exported", purpose.span, hint="add `use <fideslang data-use key>`",
                args=(("purpose", ident),)))
            return None
        decl: dict[str, Any] = {"name": self.name(purpose, purpose.name, ident, "purpose"), "data_use": purpose.uses[0],
                                "data_categories": self.categories_of(purpose),
                                "data_subjects": [self.subject_key(r.name) for r in purpose.subjects]}
        if purpose.bases:
            basis = purpose.bases[0]
            if len(purpose.bases) > 1:
                self.problems.append(_problem(
                    "EXP002", f"purpose `{ident}` has {len(purpose.bases)} legal bases; fides holds one, so only "
                    f"`{basis.basis.value}` is exported", purpose.bases[1].span,
                    args=(("purpose", ident), ("count", str(len(purpose.bases))), ("basis", basis.basis.value))))
            decl["legal_basis_for_processing"] = FIDES_BASIS[basis.basis]
            decl["flexible_legal_basis_for_processing"] = False
            if basis.basis is m.BasisKind.LEGITIMATE_INTERESTS and basis.balancing_test:
                decl["impact_assessment_location"] = basis.balancing_test
        if purpose.retention:
            decl["retention_period"] = "; ".join(
                retention_text(r, self.text(r.criteria, r.span, f"purpose `{ident}` retention criteria"))
                for r in purpose.retention)
        special = any(self.policy.categories[r.name].special is not None for r in purpose.categories
                      if r.name in self.policy.categories)
        decl["processes_special_category_data"] = special or purpose.special_condition is not None
        if purpose.special_condition is not None:
            decl["special_category_legal_basis"] = FIDES_SPECIAL[purpose.special_condition.condition]
        recipients = [r.name for r in purpose.recipients if r.name in self.policy.recipients]
        decl["data_shared_with_third_parties"] = bool(recipients)
        if recipients:
            names = [self.name(self.policy.recipients[r], self.policy.recipients[r].name, r, "recipient")
                     for r in recipients]
            decl["third_parties"] = ", ".join(names)
            decl["shared_categories"] = decl["data_categories"]
            decl["egress"] = [self.keys("system", f"recipient:{r}") for r in recipients]
        return decl

    def recipient_system(self, ident: str, recipient: m.Recipient, org_key: str, main_key: str) -> dict[str, Any]:
        system: dict[str, Any] = {"fides_key": self.keys("system", f"recipient:{ident}"),
                                  "organization_fides_key": org_key,
                                  "name": self.name(recipient, recipient.name, ident, "recipient")}
        desc = self.text(recipient.description, recipient.span_of("description"), f"recipient `{ident}` description")
        if desc:
            system["description"] = desc
        system["system_type"] = "Service"
        system["privacy_declarations"] = []
        if any(r.name == ident for p in self.policy.purposes.values() for r in p.recipients):
            system["ingress"] = [{"fides_key": main_key, "type": "system", "data_categories": self.shared_with(ident)}]
        if recipient.role is not None:
            system["responsibility"] = [FIDES_ROLE[recipient.role]]
            if recipient.role is m.Role.JOINT_CONTROLLER and self.policy.controller is not None:
                system["joint_controller_info"] = self.policy.controller.name
        if recipient.contract:
            system["dpa_location"] = recipient.contract
        provided = [c for c in self.policy.cookies if c.provider_ref is not None and c.provider_ref.name == ident]
        system.update(self.cookie_fields(tuple(provided)))
        meta: dict[str, Any] = {"version": META_VERSION, "id": ident}
        if recipient.role is not None:
            meta["role"] = recipient.role.value
        if recipient.countries:
            meta["countries"] = list(recipient.countries)
        if recipient.website:
            meta["website"] = recipient.website
        if recipient.receives is not None:
            meta["receives"] = recipient.receives.value
            how = self.text(recipient.receives_how, recipient.span_of("receives"), f"recipient `{ident}` receives")
            if how:
                meta["receives_how"] = how
        when = self.text(recipient.only_when, recipient.span_of("only_when"), f"recipient `{ident}` only_when")
        if when:
            meta["only_when"] = when
        if recipient.category_only is not None:
            meta["category_only"] = recipient.category_only
        system["meta"] = {META_KEY: meta}
        return system

    def cookie_fields(self, cookies: tuple[m.Cookie, ...]) -> dict[str, Any]:
        fields: dict[str, Any] = {"uses_cookies": any(c.storage is m.StorageKind.COOKIE for c in cookies),
                                  "uses_non_cookie_access": any(c.storage is not m.StorageKind.COOKIE for c in cookies)}
        # A range counts by its longer end. Storage that never expires has no maximum age, and a
        # persistent cookie of unknown duration makes the maximum unknown: either way none is written.
        ages = [max_age_seconds(c.expiry.duration) for c in cookies if c.expiry and c.expiry.duration]
        unknown = any(c.expiry is None or c.expiry.lifetime == "never"
                      or (c.expiry.lifetime == "persistent" and c.expiry.duration is None) for c in cookies)
        if ages and not unknown:
            fields["cookie_max_age_seconds"] = max(ages)
        return fields

    def cookie(self, cookie: m.Cookie) -> dict[str, Any]:
        # An unnamed cookie (``cookie unnamed``) has no `name`, and says so.
        entry: dict[str, Any] = {"name": cookie.name} if cookie.name is not None else {"unnamed": True}
        entry["storage"] = cookie.storage.value
        if cookie.pattern:
            entry["pattern"] = True
        if cookie.provider is not None:
            entry["provider"] = cookie.provider
        if cookie.provider_ref is not None:
            entry["provider_system"] = self.keys("system", f"recipient:{cookie.provider_ref.name}")
        if cookie.party is not None:
            entry["party"] = cookie.party.value
        if cookie.expiry is not None:
            entry["expiry"] = cookie.expiry.lifetime
            if cookie.expiry.duration is not None:  # a range: its longer end, the longest it may live
                entry["duration"] = str(cookie.expiry.duration)
                entry["max_age_seconds"] = max_age_seconds(cookie.expiry.duration)
            if cookie.expiry.minimum is not None:
                entry["minimum"] = str(cookie.expiry.minimum)
        if cookie.domains:
            entry["domains"] = list(cookie.domains)
        if cookie.category is not None:
            entry["category"] = cookie.category.value
        if cookie.purposes:
            entry["purposes"] = [r.name for r in cookie.purposes]
            uses = [u for p in self.policy.purposes_of(cookie) for u in p.uses]
            if uses:
                entry["data_uses"] = list(dict.fromkeys(uses))
        if cookie.consents:
            entry["consents"] = [r.name for r in cookie.consents]
        desc = self.text(cookie.description, cookie.span_of("description"), f"{cookie.label()} description")
        if desc:
            entry["description"] = desc
        return entry

    def consent(self, ident: str, mechanism: m.ConsentMechanism) -> dict[str, Any]:
        """A consent mechanism, which fideslang has no place for: how it is asked, where, and how it is
        withdrawn. A flag the policy leaves out is left out here too (not stated is not "no")."""
        entry: dict[str, Any] = {"id": ident}
        if mechanism.methods:
            entry["methods"] = [x.value for x in mechanism.methods]
        for flag in ("reject_button", "granular", "explicit", "condition_of_service", "refusal_degrades_service",
                     "parental_consent"):
            value = getattr(mechanism, flag)
            if value is not None:
                entry[flag] = value
        if mechanism.shown_in:
            entry["shown_in"] = list(mechanism.shown_in)
        if mechanism.given_on:
            entry["given_on"] = list(mechanism.given_on)
        withdraw = self.text(mechanism.withdraw, mechanism.span_of("withdraw"), f"consent `{ident}` withdraw text")
        if withdraw:
            entry["withdraw"] = withdraw
        if mechanism.withdraw_via:
            entry["withdraw_via"] = [{"route": r.route.value, **({"value": r.value} if r.value else {})}
                                     for r in mechanism.withdraw_via]
        for key in ("record_retention", "valid_for"):
            duration = getattr(mechanism, key)
            if duration is not None:
                entry[key] = str(duration)
        if mechanism.minimum_age is not None:
            entry["minimum_age"] = mechanism.minimum_age
        desc = self.text(mechanism.description, mechanism.span_of("description"), f"consent `{ident}` description")
        if desc:
            entry["description"] = desc
        return entry

    def transfer(self, ident: str, transfer: m.Transfer) -> dict[str, Any]:
        entry: dict[str, Any] = {"id": ident}
        if transfer.recipient is not None:
            entry["recipient"] = transfer.recipient.name
            entry["recipient_system"] = self.keys("system", f"recipient:{transfer.recipient.name}")
        if transfer.country:
            entry["country"] = transfer.country
        if transfer.mechanism is not None:
            entry["mechanism"] = transfer.mechanism.value
        if transfer.mechanism_detail:
            entry["mechanism_detail"] = transfer.mechanism_detail
        certification = self.text(transfer.certification, transfer.span_of("certification"),
                                  f"transfer `{ident}` certification")
        if certification:
            entry["certification"] = certification
        if transfer.tia:
            entry["tia"] = transfer.tia
        desc = self.text(transfer.description, transfer.span_of("description"), f"transfer `{ident}` description")
        if desc:
            entry["description"] = desc
        return entry


def _contact(name: str | None, address: str | None, email: str | None, phone: str | None) -> dict[str, str]:
    return {k: v for k, v in (("name", name), ("address", address), ("email", email), ("phone", phone)) if v}


def to_fides(policy: m.Policy, lang: str | None = None) -> tuple[dict[str, Any], list[Diagnostic]]:
    """The fides resources for ``policy`` and what could not be expressed in them."""
    builder = _Fides(policy, lang)
    data = builder.build()
    unique = {(d.code, d.span.path, d.span.line, d.span.column, d.message): d for d in builder.problems}
    return data, sorted(unique.values(), key=Diagnostic.sort_key)


# ---------------------------------------------------------------- YAML, the subset fides manifests need

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "true", "false", "on", "off", "null"})
_SHORT_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


def yaml_string(value: str) -> str:
    """A YAML scalar for ``value``: plain when that cannot be misread, else double-quoted."""
    if _PLAIN.fullmatch(value) and value.lower() not in _YAML_WORDS:
        return value
    out = []
    for ch in value:
        code = ord(ch)
        if ch in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[ch])
        elif code < 0x20 or 0x7F <= code <= 0x9F or code in (0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF) \
                or 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return yaml_string(value)
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


def _inline(value: Any) -> str:
    """A value that is written on its key's or dash's line: a scalar, or an empty dict or list."""
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return _scalar(value)


def _emit(value: Any, indent: int, lines: list[str]) -> None:
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            head = f"{pad}{yaml_string(str(key))}:"
            if isinstance(item, (dict, list)) and item:
                lines.append(head)
                _emit(item, indent + 2, lines)
            else:
                lines.append(f"{head} {_inline(item)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, (dict, list)) and item:
                sub: list[str] = []
                _emit(item, indent + 2, sub)
                lines.append(f"{pad}- {sub[0][indent + 2:]}")
                lines.extend(sub[1:])
            else:
                lines.append(f"{pad}- {_inline(item)}")
    else:
        lines.append(pad + _scalar(value))


def dump_yaml(data: dict[str, Any], header: str = "") -> str:
    """Block-style YAML for nested dicts, lists, strings, integers, booleans and None."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    _emit(data, 0, lines)
    return "\n".join(lines) + "\n"
