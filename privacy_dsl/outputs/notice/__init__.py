"""The human-readable privacy notice, generated from the policy: ``privacy-dsl notice``.

The notice follows the information GDPR Art. 13 and 14 require: who the controller is and how to
reach them (Art. 13(1)(a)), the data protection officer (13(1)(b)), each purpose with its legal
basis (13(1)(c)) and legitimate interest (13(1)(d)), the recipients (13(1)(e)), transfers outside
the EU/EEA and their safeguards (13(1)(f)), retention (13(2)(a)), the data subject's rights
(13(2)(b)), withdrawing consent (13(2)(c)), complaints to a supervisory authority (13(2)(d)),
automated decisions (13(2)(f)), and for data not obtained from the person, the categories of data
and their source (14(1)(d), 14(2)(f)). The cookie table lists what ePrivacy Art. 5(3) consent is
about: name, provider, party, purpose, expiry and whether consent is asked.

The notice says what the policy says, no more: a purpose without a stated retention reads "not
stated". Whether that is lawful is the linter's job, not the notice's.

``build`` makes a small document tree (sections, paragraphs, facts, tables) from the policy and
the fixed phrases of one language (its message catalogue, ``catalogue.py``); ``markdown.render`` and
``html.render`` write it out. Text from the policy is taken in the notice's language; where the
policy has it only in another language, that is reported (``NTC001``) and the other language's
text is used, marked with its language, so it is never silently filled. An event that the phrase
tables do not know (``retention until <event>``) is reported as ``NTC003`` and shown as written.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import TypeVar

from ...codes import DOCS_ROOT
from ...diagnostics import Diagnostic, builtin
from ...language import model as m
from .catalogue import NoCatalogue, available, phrases_for
from .document import (
    Block,
    Bullets,
    Code,
    Facts,
    Foreign,
    Inline,
    Inlines,
    Link,
    Notice,
    Para,
    Section,
    Table,
)
from .phrases import Phrases

__all__ = [
    "Block",
    "Bullets",
    "Code",
    "Facts",
    "Foreign",
    "Inline",
    "Inlines",
    "Link",
    "NoCatalogue",
    "Notice",
    "Para",
    "Section",
    "Table",
    "available",
    "build",
    "expiry_text",
    "phrases_for",
    "render",
]

T = TypeVar("T", bound=m.Node)

# ---------------------------------------------------------------- problems

def _problem(code: str, message: str, span: m.Span, hint: str | None = None,
             args: Iterable[tuple[str, str]] = ()) -> Diagnostic:
    """A diagnostic for one of the notice codes of the catalogue (NTC001-NTC004)."""
    return builtin(code, message, span, hint=hint, args=args)


# ---------------------------------------------------------------- building


class _Builder:
    def __init__(self, policy: m.Policy, lang: str) -> None:
        self.policy = policy
        self.lang = lang
        self.p = phrases_for(lang)
        self.problems: list[Diagnostic] = []
        self._seen_events: set[str] = set()
        self.declared = list(dict.fromkeys(r.name for r in policy.info.languages)) if policy.info else []
        #: Untagged prose shown as written whose language the policy leaves open (NTC004).
        self._untagged: list[tuple[str, m.Span]] = []

    # -- policy text
    def text(self, text: m.Text | None, span: m.Span, what: str, *, prose: bool = True) -> Inlines | None:
        """Policy text in the notice language; reported and marked when only another language has it.
        An untagged name (``prose`` False) is a proper name, valid in every language."""
        if text is None:
            return None
        if self.lang in text.by_lang:
            return (text.by_lang[self.lang],)
        if text.plain is not None:
            return self.untagged(text.plain, span, what) if prose else (text.plain,)
        if not text.by_lang:
            return None
        other, value = next(iter(text.by_lang.items()))
        self.problems.append(_problem(
            "NTC001", f"{what} has no `{self.lang}` text (only {', '.join(sorted(text.by_lang))})", span,
            hint=f'add `{self.lang} "..."` to the text', args=(("what", what), ("lang", self.lang))))
        return (Foreign(value, other),)

    def untagged(self, value: str, span: m.Span, what: str) -> Inlines:
        """Untagged prose is in the policy's language when it declares one (TRN012 reads it so too):
        a notice in another language reports it like a missing translation. With several languages
        declared, or none, its language is not known: shown as written, and said so (NTC004)."""
        if len(self.declared) == 1:
            (language,) = self.declared
            if language == self.lang or language.split("-", 1)[0] == self.lang:
                return (value,)
            self.problems.append(_problem(
                "NTC001", f"{what} has no `{self.lang}` text (only untagged text, in {language}, the policy's "
                f"declared language)", span, hint=f'write it as `{{ {language} "..." {self.lang} "..." }}`',
                args=(("what", what), ("lang", self.lang))))
            return (Foreign(value, language),)
        self._untagged.append((what, span))
        return (value,)

    def report_untagged(self) -> None:
        """NTC004: one finding per untagged text when the policy declares several languages (each needs
        its translations); one for the notice when it declares none (one fact: its language)."""
        if not self._untagged:
            return
        if self.declared:
            languages = ", ".join(self.declared)
            for what, span in self._untagged:
                self.problems.append(builtin(
                    "NTC004", None, span, message_id="several",
                    hint="write it as `{ " + " ".join(f'{lang} "..."' for lang in self.declared) + " }`",
                    args=(("what", what), ("languages", languages), ("lang", self.lang))))
            return
        texts = {(span.path, span.line, span.column): (what, span) for what, span in reversed(self._untagged)}
        what, span = texts[min(texts)]
        self.problems.append(builtin(
            "NTC004", None, span, message_id="undeclared",
            hint=f"declare the language the policy is written in (`languages {self.lang}` in the policy block) if "
                 f"it is {self.lang}; otherwise give each text as `{{ {self.lang} \"...\" }}`",
            args=(("count", str(len(texts))), ("first", what), ("lang", self.lang))))

    def name(self, node: m.Node, text: m.Text | None, ident: str, kind: str) -> Inlines:
        """The name of a block; its id in code style, reported, when it has none."""
        got = self.text(text, node.span_of("name"), f"{kind} `{ident}` name", prose=False)
        if got is not None:
            return got
        self.problems.append(_problem("NTC002", f"{kind} `{ident}` has no name; the notice shows its id",
                                      node.span, hint=f'add `name {{ {self.lang} "..." }}` to the {kind}',
                                      args=(("kind", kind), ("id", ident))))
        return (Code(ident),)

    def ref_name(self, table: dict[str, m.Node], ref: m.Ref, kind: str) -> Inlines:
        node = table.get(ref.name)
        if node is None:
            return (Code(ref.name),)
        return self.name(node, getattr(node, "name", None), ref.name, kind)

    # -- phrases
    def duration(self, d: m.Duration) -> str:
        return self.p.unit(d.unit.value, d.amount)

    def event(self, event: str, table: dict[str, str], span: m.Span) -> str:
        if event in table:
            return table[event]
        if event not in self._seen_events:
            self._seen_events.add(event)
            self.problems.append(_problem(
                "NTC003", f"no `{self.lang}` wording for the event `{event}`; the notice shows it as written",
                span, hint="use a known event (see the list in "
                f"{DOCS_ROOT}/notice.md) or describe the period in the purpose",
                args=(("lang", self.lang), ("event", event))))
        return event.replace("_", " ")

    def retention(self, r: m.Retention, ident: str) -> Inlines:
        """One retention statement as a phrase (without the categories it is for)."""
        p = self.p
        if r.rule in p.retention_vague:
            return (p.retention_vague[r.rule],)
        if r.rule == "until" and r.until is not None:
            return (p.retention_until(self.event(r.until, p.events_until, r.span)),)
        if r.rule == "criteria":
            text = self.text(r.criteria, r.span, f"purpose `{ident}` retention criteria")
            return (p.retention_criteria, " ", *text) if text else (p.not_stated,)
        if r.rule == "archive":
            return (p.retention_archive(r.law),)
        parts: list[str] = []
        if r.duration is not None:
            duration = self.duration(r.duration)
            if r.up_to:
                duration = p.retention_up_to(duration)
            if r.after:
                parts.append(p.retention_after(duration, self.event(r.after, p.events_after, r.span)))
            else:
                parts.append(duration)
        if r.rule == "law":
            parts.append(p.retention_law(r.law) if r.law else p.retention_law_unnamed)
        elif r.rule == "law_permits":
            parts.append(p.retention_law_permits(r.law) if r.law else p.retention_law_permits_unnamed)
        return (", ".join(parts) if parts else p.not_stated,)

    def retention_facts(self, ident: str, purpose: m.Purpose) -> list[tuple[str, Inlines]]:
        """The purpose's retention: one line, or with periods per category of data (``for``), the
        general statements (for the other data) first and then one line per set of categories."""
        p = self.p
        if not purpose.retention:
            return [(p.retention, (p.not_stated,))]
        groups: dict[tuple[str, ...], list[m.Retention]] = {(): []}
        for r in purpose.retention:
            groups.setdefault(tuple(c.name for c in r.categories), []).append(r)
        per_category = len(groups) > 1
        facts: list[tuple[str, Inlines]] = []
        for names, rets in groups.items():
            if not rets:
                continue
            value = _joined((self.retention(r, ident) for r in rets), "; ")
            if names:
                refs = rets[0].categories
                label = _joined(self.ref_name(self.policy.categories, c, "category") for c in refs)  # type: ignore[arg-type]
                value = (*label, ": ", *value)
            elif per_category:
                value = (p.retention_other, ": ", *value)
            elif value and isinstance(value[0], str):
                value = (_upper_first(value[0]), *value[1:])
            facts.append((p.retention, value))
        return facts

    def country(self, code: str) -> Inline:
        if code in self.p.countries:
            return self.p.countries[code]
        from ...language.taxonomy import countries

        english = countries().get(code, code)
        return english if self.lang == "en" else Foreign(english, "en")

    # -- the notice
    def build(self) -> Notice:
        p, policy = self.p, self.policy
        controller = policy.controller
        title = p.title(controller.name if controller else (policy.info.title if policy.info else ""))
        sections = [self.controller_section()]
        more = self.more_section()
        if more is not None:
            sections.append(more)
        contact = self.privacy_contact_section()
        if contact is not None:
            sections.append(contact)
        dpo = self.dpo_section()
        if dpo is not None:
            sections.append(dpo)
        sections.append(self.purposes_section())
        sections.append(self.data_section())
        sections.append(self.recipients_section())
        transfers = self.transfers_section()
        if transfers is not None:
            sections.append(transfers)
        if policy.cookies:
            sections.append(self.cookies_section())
        if policy.info is not None and policy.info.security is not None:
            security = self.text(policy.info.security, policy.info.span_of("security"), "the policy's security text")
            if security:
                sections.append(Section("security", (p.h_security,), [Para(security)]))
        sections.append(self.rights_section())
        sections.append(self.complaints_section())
        history = self.history_section()
        if history is not None:
            sections.append(history)
        self.report_untagged()
        info = policy.info
        return Notice(self.lang, title, info.updated if info else None, sections, p.generated, p.contents,
                      version=info.version if info else None)

    def more_section(self) -> Section | None:
        """Where the rest of the information is, for a layered notice (``refers_to``)."""
        info = self.policy.info
        if info is None or not info.refers_to:
            return None
        p = self.p
        items: list[Inlines] = []
        for referral in info.refers_to:
            label = self.text(referral.name, referral.span_of("name"), f"the name of `{referral.target}`", prose=False)
            where: Inline = _link(referral.target)
            if label is None and not isinstance(where, Link):  # a title, which is prose in some language
                (where,) = self.untagged(referral.target, referral.span, f'the title "{referral.target}"')
            shown: Inlines = (where,) if label is None else (*label, " (", where, ")") if isinstance(where, Link) \
                else label
            what = ", ".join(p.topics[t.value] for t in dict.fromkeys(referral.covers)) or p.more_all
            items.append((*shown, f": {what}"))
        return Section("more", (p.h_more,), [Para((p.more_intro,)), Bullets(tuple(items))])

    def privacy_contact_section(self) -> Section | None:
        p, c = self.p, self.policy.controller
        if c is None or c.privacy_contact is None:
            return None
        contact = c.privacy_contact
        heading = self.text(contact.title, contact.span_of("title"), "the privacy contact's title") or (
            p.h_privacy_contact,)
        facts: list[tuple[str, Inlines]] = []
        if contact.name:
            facts.append((p.name, (contact.name,)))
        if contact.address:
            facts.append((p.address, (contact.address,)))
        facts.extend(_contact(p, contact.email, contact.phone, None))
        section = Section("privacy-contact", heading, [Para((p.privacy_contact_intro,))])
        if facts:
            section.blocks.append(Facts(tuple(facts)))
        return section

    def history_section(self) -> Section | None:
        info = self.policy.info
        if info is None or not info.history:
            return None
        p = self.p
        items: list[Inlines] = []
        for entry in info.history:
            text = self.text(entry.text, entry.span, f"the history entry of {entry.date}")
            items.append((f"{p.date(entry.date)}: ", *(text or (p.not_stated,))))
        return Section("history", (p.h_history,), [Bullets(tuple(items))])

    def controller_section(self) -> Section:
        p, c = self.p, self.policy.controller
        section = Section("controller", (p.h_controller,))
        info = self.policy.info
        if info is not None and info.description is not None:
            intro = self.text(info.description, info.span_of("description"), "the policy's description")
            if intro:
                section.blocks.append(Para(intro))
        if info is not None and info.scope:
            places: list[Inlines] = []
            for scope in info.scope:
                names = _joined((_link(n),) for n in scope.names)
                places.append((p.scope_kinds[scope.what.value], *((" ", *names) if names else ())))
            section.blocks.append(Para((f"{p.scope_intro} ", *_joined(places, "; "))))
        if c is None:
            section.blocks.append(Para((p.not_stated,)))
            if info is not None and info.cites:
                section.blocks.append(Para((f"{p.cites}: {'; '.join(dict.fromkeys(info.cites))}.",)))
            return section
        section.blocks.append(Para((p.controller_intro(c.name),)))
        if c.description is not None:
            text = self.text(c.description, c.span_of("description"), "the controller's description")
            if text:
                section.blocks.append(Para(text))
        claims = self.policy.info.claims if self.policy.info is not None else ()
        if claims:
            section.blocks.append(Bullets(tuple((p.claims[c.value],) for c in dict.fromkeys(claims))))
        facts: list[tuple[str, Inlines]] = []
        if c.registration:
            facts.append((p.registration, (c.registration,)))
        if c.address:
            facts.append((p.address, (c.address,)))
        if c.country:
            facts.append((p.country, (self.country(c.country),)))
        facts.extend(_contact(p, c.email, c.phone, c.website))
        rep = c.representative
        if rep is not None:
            value: list[Inline] = [rep.name or p.not_stated]
            for part in (rep.address, self.country(rep.country) if rep.country else None):
                if part:
                    value.extend(["; ", part])
            for _label, link in _contact(p, rep.email, rep.phone, None):
                value.extend(["; ", *link])
            facts.append((p.representative, tuple(value)))
        if facts:
            section.blocks.append(Facts(tuple(facts)))
        if info is not None and info.cites:
            section.blocks.append(Para((f"{p.cites}: {'; '.join(dict.fromkeys(info.cites))}.",)))
        return section

    def dpo_section(self) -> Section | None:
        p, c = self.p, self.policy.controller
        if c is None or c.dpo is None:
            return None
        dpo = c.dpo
        section = Section("dpo", (p.h_dpo,))
        facts: list[tuple[str, Inlines]] = []
        if dpo.name:
            facts.append((p.h_dpo, (dpo.name,)))
        if dpo.address:
            facts.append((p.address, (dpo.address,)))
        facts.extend(_contact(p, dpo.email, dpo.phone, None))
        if facts:
            section.blocks.extend([Para((p.dpo_contact,)), Facts(tuple(facts))])
        elif dpo.required is False:
            section.blocks.append(Para((p.dpo_not_required,)))
        else:
            return None
        return section

    def purposes_section(self) -> Section:
        p, policy = self.p, self.policy
        section = Section("purposes", (p.h_purposes,))
        if not policy.purposes:
            section.blocks.append(Para((p.no_purposes,)))
            return section
        section.blocks.append(Para((p.purposes_intro,)))
        listed = policy.info.bases if policy.info is not None else ()
        if listed:  # "we process on (b), (c) and (a)": said for the whole notice, so shown so
            section.blocks.extend([Para((p.bases_intro,)), Bullets(tuple(self.notice_basis(b) for b in listed))])
        for ident, purpose in _in_source_order(policy, policy.purposes):
            section.children.append(self.purpose(ident, purpose))
        return section

    def purpose(self, ident: str, purpose: m.Purpose) -> Section:
        p = self.p
        sub = Section(f"purpose-{_slug(ident)}", self.name(purpose, purpose.name, ident, "purpose"))
        if purpose.description is not None:
            text = self.text(purpose.description, purpose.span_of("description"), f"purpose `{ident}` description")
            if text:
                sub.blocks.append(Para(text))
        facts: list[tuple[str, Inlines]] = []
        for basis in purpose.bases or ():
            facts.append((p.legal_basis, self.basis(basis, ident)))
            if basis.basis is m.BasisKind.LEGITIMATE_INTERESTS and basis.interest is not None:
                interest = self.text(basis.interest, basis.span_of("interest"), f"purpose `{ident}` interest")
                if interest:
                    facts.append((p.legitimate_interest, interest))
        if not purpose.bases:
            facts.append((p.legal_basis, (p.not_stated,)))
        if purpose.special_condition is not None:
            cond = purpose.special_condition
            letter = "abcdefghij"[list(m.SpecialCondition).index(cond.condition)]
            value: list[Inline] = [f"{_upper_first(p.special_conditions[cond.condition.value])} "
                                   f"({p.special_citation(letter)})"]
            if cond.citation:
                value.append(f"; {cond.citation}")
            facts.append((p.special_condition, tuple(value)))
        categories = [self.ref_name(self.policy.categories, r, "category") for r in purpose.categories]  # type: ignore[arg-type]
        if categories:
            facts.append((p.data, _joined(categories)))
        subjects = [self.ref_name(self.policy.subjects, r, "subject") for r in purpose.subjects]  # type: ignore[arg-type]
        if subjects:
            facts.append((p.subjects, _joined(subjects)))
        recipients = [self.ref_name(self.policy.recipients, r, "recipient") for r in purpose.recipients]  # type: ignore[arg-type]
        if recipients:
            facts.append((p.recipients, _joined(recipients)))
        transfers = [self.transfer_summary(r) for r in purpose.transfers]
        if transfers:
            facts.append((p.transfers, _joined(transfers, "; ")))
        facts.extend(self.retention_facts(ident, purpose))
        if purpose.consent is not None:
            mech = self.policy.consents.get(purpose.consent.name)
            if mech is not None:
                facts.extend(self.consent_facts(mech))
        if purpose.profiling:
            facts.append((p.profiling, (p.profiling_yes,)))
        auto = purpose.automated_decisions
        if auto is not None and auto.present:
            facts.append((p.automated, (p.automated_yes,)))
            if auto.exception is not None:
                facts.append((p.automated, (p.automated_exceptions[auto.exception.value],)))
            if auto.logic is not None:
                logic = self.text(auto.logic, auto.span_of("logic"), f"purpose `{ident}` automated-decision logic")
                if logic:
                    facts.append((p.automated_logic, logic))
            if auto.safeguards is not None:
                guards = self.text(auto.safeguards, auto.span_of("safeguards"),
                                   f"purpose `{ident}` automated-decision safeguards")
                if guards:
                    facts.append((p.automated_safeguards, guards))
        if purpose.source is not None:
            source = self.text(purpose.source, purpose.span_of("source"), f"purpose `{ident}` source")
            if source:
                facts.append((p.source, source))
        sub.blocks.append(Facts(tuple(facts)))
        return sub

    def consent_facts(self, mech: m.ConsentMechanism) -> list[tuple[str, Inlines]]:
        """What the policy says of how consent is asked, where, what refusing does and how it is
        withdrawn; nothing for what it does not say."""
        p = self.p
        facts: list[tuple[str, Inlines]] = []
        if mech.gives_consent:
            facts.append((p.consent_how, (_upper_first("; ".join(p.consent_methods[x.value] for x in mech.methods)),)))
        elif mech.methods:
            facts.append((p.consent_label, (self.not_consent(mech),)))
        if mech.shown_in:
            facts.append((p.consent_shown_in, _joined([(self.country(c),) for c in mech.shown_in])))
        if mech.given_on:
            facts.append((p.consent_given_on, _joined([(_link(site),) for site in mech.given_on])))
        if mech.condition_of_service:
            facts.append((p.consent_refusal, (p.consent_condition_yes,)))
        elif mech.refusal_degrades_service:
            facts.append((p.consent_refusal, (p.consent_degrades,)))
        elif mech.condition_of_service is False or mech.refusal_degrades_service is False:
            facts.append((p.consent_refusal, (p.consent_no_effect,)))
        if mech.withdraw is not None:
            how = self.text(mech.withdraw, mech.span_of("withdraw"), f"consent `{mech.id}` withdraw text")
            if how:
                facts.append((p.consent_withdraw, how))
        if mech.withdraw_via:
            routes = [self.route(r, first=i == 0) for i, r in enumerate(mech.withdraw_via)]
            facts.append((p.consent_withdraw_via, _joined(routes, "; ")))
        return facts

    def not_consent(self, mech: m.ConsentMechanism) -> str:
        """What a mechanism the linter calls no consent really does ("No consent is asked: cookies are
        set unless you block them in your browser's settings"), never "yes"."""
        told = "; ".join(self.p.consent_methods[x.value] for x in mech.invalid_methods if x is not m.ConsentMethod.NONE)
        return f"{self.p.consent_not_asked}: {told}" if told else self.p.consent_not_asked

    def cookie_consent(self, mechanisms: list[m.ConsentMechanism]) -> str:
        """The cookie table's consent cell: yes only when a mechanism the cookie relies on gives
        consent; otherwise what the mechanism really is."""
        p = self.p
        if not mechanisms:
            return p.no
        if any(mech.gives_consent for mech in mechanisms):
            return p.yes
        if any(not mech.methods for mech in mechanisms):
            return p.consent_unstated
        return self.not_consent(mechanisms[0])

    def route(self, route: m.Route, first: bool = False) -> Inlines:
        words = self.p.withdraw_routes[route.route.value]
        words = _upper_first(words) if first else words
        if route.value is None:
            return (words,)
        if route.route is m.WithdrawRoute.EMAIL:
            return (f"{words}: ", Link(route.value, f"mailto:{route.value}"))
        if route.route is m.WithdrawRoute.PHONE:
            return (f"{words}: ", Link(route.value, "tel:" + re.sub(r"[^\d+]", "", route.value)))
        if route.route is m.WithdrawRoute.LINK:  # the address says what it is
            return (_link(route.value),)
        return (f"{words}: {route.value}",)


    def notice_basis(self, basis: m.LegalBasis) -> Inlines:
        """A basis of the notice's own list, with its law and its interest when it gives them."""
        out = list(self.basis(basis, ""))
        if basis.interest is not None:
            interest = self.text(basis.interest, basis.span_of("interest"), "the notice's legitimate interest")
            if interest:
                out.extend([f"; {self.p.legitimate_interest}: ", *interest])
        return tuple(out)

    def basis(self, basis: m.LegalBasis, ident: str) -> Inlines:
        p = self.p
        letter = "abcdef"[list(m.BasisKind).index(basis.basis)]
        out: list[Inline] = [f"{p.basis[basis.basis.value]} ({p.basis_citation(letter)})"]
        if basis.citation:
            out.append(f"; {p.legal_obligation_law}: {basis.citation}")
        return tuple(out)

    def transfer_summary(self, ref: m.Ref) -> Inlines:
        transfer = self.policy.transfers.get(ref.name)
        if transfer is None:
            return (Code(ref.name),)
        out: list[Inline] = []
        if transfer.country:
            out.append(self.country(transfer.country))
        mechanism = transfer.mechanism.value if transfer.mechanism else "unspecified"
        out.append(f" ({self.p.mechanisms[mechanism]})")
        return tuple(out)

    def data_section(self) -> Section:
        p, policy = self.p, self.policy
        section = Section("data", (p.h_data,))
        items: list[Inlines] = []
        for ident, category in _in_source_order(policy, policy.categories):
            item: list[Inline] = list(self.name(category, category.name, ident, "category"))
            notes: list[str] = []
            if category.special is not None:
                notes.append(p.special_category)
            if category.criminal:
                notes.append(p.criminal_data)
            if category.children:
                notes.append(p.children_data)
            if notes:
                item.append(f" ({'; '.join(notes)})")
            if category.description is not None:
                text = self.text(category.description, category.span_of("description"),
                                 f"category `{ident}` description")
                if text:
                    item.extend([": ", *text])
            if category.source is not None:
                source = self.text(category.source, category.span_of("source"), f"category `{ident}` source")
                if source:
                    item.extend([f". {p.source}: ", *source])
            if category.received_from:
                item.extend([f". {p.received_from}: ", *_joined(
                    self.ref_name(policy.recipients, r, "recipient") for r in category.received_from)])  # type: ignore[arg-type]
            items.append(tuple(item))
        if items:
            section.blocks.extend([Para((p.data_intro,)), Bullets(tuple(items))])
        else:
            section.blocks.append(Para((p.not_stated,)))
        return section

    def recipients_section(self) -> Section:
        p, policy = self.p, self.policy
        section = Section("recipients", (p.h_recipients,))
        if not policy.recipients:
            section.blocks.append(Para((p.no_recipients,)))
            return section
        categories = any(r.category_only for r in policy.recipients.values())
        section.blocks.append(Para((p.recipients_categories_intro if categories else p.recipients_intro,)))
        for ident, recipient in _in_source_order(policy, policy.recipients):
            sub = Section(f"recipient-{_slug(ident)}", self.name(recipient, recipient.name, ident, "recipient"))
            if recipient.category_only:  # the notice names a category of recipients, not a recipient
                sub.blocks.append(Para((p.recipient_category,)))
            if recipient.description is not None:
                text = self.text(recipient.description, recipient.span_of("description"),
                                 f"recipient `{ident}` description")
                if text:
                    sub.blocks.append(Para(text))
            facts: list[tuple[str, Inlines]] = [(p.role, (p.roles[recipient.role.value] if recipient.role
                                                       else p.not_stated,))]
            if recipient.countries:
                facts.append((p.countries_label, _joined([(self.country(c),) for c in recipient.countries])))
            if recipient.website:
                facts.append((p.website, (_link(recipient.website),)))
            if recipient.receives is not None:
                how = self.text(recipient.receives_how, recipient.span_of("receives"),
                                f"recipient `{ident}` receives") if recipient.receives_how is not None else ()
                said: Inlines = (p.identifiability[recipient.receives.value], *((": ", *how) if how else ()))
                facts.append((p.receives, said))
            if recipient.only_when is not None:
                when = self.text(recipient.only_when, recipient.span_of("only_when"), f"recipient `{ident}` only_when")
                if when:
                    facts.append((p.only_when, when))
            if facts:
                sub.blocks.append(Facts(tuple(facts)))
            section.children.append(sub)
        return section

    def transfers_section(self) -> Section | None:
        p, policy = self.p, self.policy
        if not policy.transfers:
            return None
        section = Section("transfers", (p.h_transfers,), [Para((p.transfers_intro,))])
        for ident, transfer in _in_source_order(policy, policy.transfers):
            if transfer.description is not None:
                text = self.text(transfer.description, transfer.span_of("description"),
                                 f"transfer `{ident}` description")
                if text:
                    section.blocks.append(Para(text))
            facts: list[tuple[str, Inlines]] = []
            if transfer.recipient is not None:
                facts.append((p.transfer_recipient, self.ref_name(policy.recipients, transfer.recipient,  # type: ignore[arg-type]
                                                                  "recipient")))
            if transfer.country:
                facts.append((p.transfer_country, (self.country(transfer.country),)))
            mechanism = transfer.mechanism.value if transfer.mechanism else "unspecified"
            value: list[Inline] = [_upper_first(p.mechanisms[mechanism])]
            if transfer.mechanism_detail:
                value.append(f"; {transfer.mechanism_detail}")
            facts.append((p.transfer_mechanism, tuple(value)))
            certification = self.text(transfer.certification, transfer.span_of("certification"),
                                      f"transfer `{ident}` certification")
            if certification:
                facts.append((p.certification, certification))
            section.blocks.append(Facts(tuple(facts)))
        return section

    def cookies_section(self) -> Section:
        p, policy = self.p, self.policy
        rows: list[tuple[Inlines, ...]] = []
        for cookie in policy.cookies:
            name: list[Inline] = [Code(cookie.name) if cookie.name is not None else p.unnamed]
            if cookie.storage is not m.StorageKind.COOKIE:
                name.append(f" ({p.storage[cookie.storage.value]})")
            if cookie.provider is not None:
                provider: Inlines = (cookie.provider,)
            elif cookie.provider_ref is not None:
                provider = self.ref_name(policy.recipients, cookie.provider_ref, "recipient")  # type: ignore[arg-type]
            else:
                provider = (p.not_stated,)
            party = (p.parties[cookie.party.value] if cookie.party else p.not_stated,)
            # The category in its own column: in the purpose's, it would read as a purpose the notice states.
            category = (_upper_first(p.cookie_categories[cookie.category.value]) if cookie.category else p.not_stated,)
            purpose: list[Inline] = []
            if cookie.purposes:
                purpose.extend(_joined(self.ref_name(policy.purposes, r, "purpose")  # type: ignore[arg-type]
                                       for r in cookie.purposes))
            if cookie.description is not None:
                text = self.text(cookie.description, cookie.span_of("description"),
                                 f"{cookie.label()} description")
                if text:
                    purpose.extend([". " if purpose else "", *text])
            if not purpose:
                purpose.append(p.not_stated)
            expiry = expiry_text(p, cookie.expiry)
            consent = self.cookie_consent([policy.consents[ref.name] for ref in policy.consents_of(cookie)
                                           if ref.name in policy.consents])
            rows.append((tuple(name), provider, party, category, tuple(purpose), (expiry,), (consent,)))
        table = Table(p.cookie_caption, p.cookie_columns, tuple(rows))
        section = Section("cookies", (p.h_cookies,), [Para((p.cookies_intro,)), table])
        used = {ref.name: policy.consents[ref.name] for cookie in policy.cookies for ref in policy.consents_of(cookie)
                if ref.name in policy.consents}
        told = [(mech, facts) for mech in used.values() if (facts := self.consent_facts(mech))]
        if told:
            honest = all(mech.gives_consent for mech, _ in told)
            section.blocks.append(Para((p.cookie_consent_intro if honest else p.cookie_no_consent_intro,)))
        for mech, facts in told:
            if len(told) > 1:
                described = self.text(mech.description, mech.span_of("description"), f"consent `{mech.id}` description")
                section.blocks.append(Para(described or (Code(mech.id),)))
            section.blocks.append(Facts(tuple(facts)))
        return section

    def restriction(self, r: m.RightRestriction) -> Inlines:
        """What a limit or denial says: for which purposes, the law, the reason (each when given)."""
        p = self.p
        parts: list[Inlines] = []
        if r.purposes:
            names = _joined(self.ref_name(self.policy.purposes, ref, "purpose") for ref in r.purposes)  # type: ignore[arg-type]
            parts.append((f"{p.rights_for} ", *names))
        if r.law:
            parts.append((f"{p.legal_obligation_law}: {r.law}",))
        reason = self.text(r.reason, r.span, "the reason given for a limit or denial of a right")
        if reason:
            parts.append(reason)
        return _joined(parts, "; ")

    def rights_section(self) -> Section:
        p, rights = self.p, self.policy.rights
        section = Section("rights", (p.h_rights,))
        told: list[Inlines] = []
        if rights is not None:
            limits: dict[m.Right, list[m.RightRestriction]] = {}
            for restriction in rights.limited:
                for right in restriction.rights:
                    limits.setdefault(right, []).append(restriction)
            for right in dict.fromkeys((*rights.offered, *limits)):
                item: list[Inline] = [p.rights[right.value]]
                for restriction in limits.get(right, ()):
                    detail = self.restriction(restriction)
                    item.extend([f"; {p.rights_limited}", *((": ", *detail) if detail else ())])
                told.append(tuple(item))
        if told:
            section.blocks.extend([Para((p.rights_intro,)), Bullets(tuple(told))])
        else:
            section.blocks.append(Para((p.no_rights,)))
        if rights is not None and rights.denied:
            denied: list[Inlines] = []
            for restriction in rights.denied:
                detail = self.restriction(restriction)
                for right in restriction.rights:
                    denied.append((p.rights[right.value], *((": ", *detail) if detail else ())))
            section.blocks.extend([Para((p.rights_denied_intro,)), Bullets(tuple(denied))])
        if rights is not None and rights.how is not None:
            how = self.text(rights.how, rights.span_of("how"), "the rights block's `how`")
            if how:
                section.blocks.append(Facts(((p.rights_how, how),)))
        return section

    def complaints_section(self) -> Section:
        p, policy = self.p, self.policy
        section = Section("complaints", (p.h_complaints,), [Para((p.complaints_intro,))])
        rights = policy.rights
        authority = policy.authorities.get(rights.complaints.name) if rights and rights.complaints else None
        if authority is None:
            return section
        section.blocks.extend([Para((p.complaints_authority,)),
                               Para(self.name(authority, authority.name, authority.id, "authority"))])
        facts: list[tuple[str, Inlines]] = []
        if authority.address:
            facts.append((p.address, (authority.address,)))
        if authority.country:
            facts.append((p.country, (self.country(authority.country),)))
        facts.extend(_contact(p, authority.email, authority.phone, authority.website))
        if facts:
            section.blocks.append(Facts(tuple(facts)))
        return section


def _in_source_order(policy: m.Policy, table: dict[str, T]) -> list[tuple[str, T]]:
    """The blocks of ``table`` in the order they are written (file by file), not by id."""
    files = {path: i for i, path in enumerate(policy.files)}
    return sorted(table.items(), key=lambda kv: (files.get(kv[1].span.path, len(files)), kv[1].span.path,
                                                 kv[1].span.line, kv[1].span.column))


def _contact(p: Phrases, email: str | None, phone: str | None, website: str | None) -> list[tuple[str, Inlines]]:
    out: list[tuple[str, Inlines]] = []
    if email:
        out.append((p.email, (Link(email, f"mailto:{email}"),)))
    if phone:
        out.append((p.phone, (Link(phone, "tel:" + re.sub(r"[^\d+]", "", phone)),)))
    if website:
        out.append((p.website, (_link(website),)))
    return out


def _link(url: str) -> Inline:
    return Link(url, url) if re.match(r"https?://", url) else url


def _joined(parts: Iterable[Inlines], sep: str = ", ") -> Inlines:
    out: list[Inline] = []
    for i, part in enumerate(parts):
        if i:
            out.append(sep)
        out.extend(part)
    return tuple(out)


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def expiry_text(p: Phrases, expiry: m.Expiry | None) -> str:
    """How long a cookie lasts, in ``p``'s language: a duration, a range, the session, never, or
    "not stated" (the cookie table's expiry cell; the consent banner's too)."""
    if expiry is None:
        return p.not_stated
    if expiry.duration is not None and expiry.minimum is not None:
        return p.expiry_range(p.unit(expiry.minimum.unit.value, expiry.minimum.amount),
                              p.unit(expiry.duration.unit.value, expiry.duration.amount))
    if expiry.duration is not None:
        return p.unit(expiry.duration.unit.value, expiry.duration.amount)
    if expiry.lifetime == "session":
        return p.session
    if expiry.lifetime == "never":
        return p.never_expires
    return p.persistent_unknown


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def build(policy: m.Policy, lang: str) -> tuple[Notice, list[Diagnostic]]:
    """The notice for ``policy`` in ``lang`` and the problems found (missing translations, ...)."""
    builder = _Builder(policy, lang)
    notice = builder.build()
    # One finding per text: a text that many blocks inherit (`defaults purpose { description ... }`)
    # is reported once, at the line that states it, counting the others.
    at: dict[tuple[str, str, int, int], list[Diagnostic]] = {}
    for d in builder.problems:
        at.setdefault((d.code, d.span.path, d.span.line, d.span.column), []).append(d)
    unique = []
    for found in at.values():
        others = len(dict.fromkeys(d.message for d in found)) - 1
        first = found[0]
        unique.append(dataclasses.replace(first, message=f"{first.message} (and {others} more "
                                          f"{'block' if others == 1 else 'blocks'} with this text)") if others
                      else first)
    return notice, sorted(unique, key=Diagnostic.sort_key)


def render(notice: Notice, fmt: str) -> str:
    if fmt == "md":
        from . import markdown

        return markdown.render(notice)
    if fmt == "html":
        from . import html

        return html.render(notice)
    raise ValueError(f"unknown notice format {fmt!r}")
