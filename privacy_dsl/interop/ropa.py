"""The record of processing activities (GDPR Art. 30), generated from the policy:
``privacy-dsl export --format ropa``.

Two records, each a table of one row per activity:

* the controller's record (Art. 30(1)): one row per purpose, with the items (a)-(g) of the article;
* the processor's record (Art. 30(2)): one row per ``processing`` block (what the organisation does on
  behalf of other controllers), with the items (a)-(d).

The columns (``--template article30``, the default) are the items of Art. 30(1) and 30(2) themselves,
in the article's order, one column per item (the item (a) split into controller, joint controllers,
representative and DPO; (c) into data subjects and personal data), after an id and a name:
``TEMPLATE`` names what is followed (``docs/ropa.md``). The Norwegian headings follow the wording of the
Norwegian text of Art. 30 as Datatilsynet's page "Protokoll over behandlingsaktiviteter" gives it
(Datatilsynet's own Excel templates' headings could not be retrieved, 2026-12). ``--template ico``
gives the controller's record the 30 columns of the ICO's documentation template for controllers, the
contact block above them (``ropa_ico``); the findings are the same.

An item the policy does not state is never a blank cell: the cell says "not stated" (in the record's
language) and a finding (EXP010-EXP029, ``privacy_dsl.codes``) points at the purpose, transfer or
block that lacks it, as the notice reports a missing translation. Items Art. 30 requires are errors;
those it asks for "where possible" (erasure periods, security measures) or "where applicable" (the
DPO, the representative) are warnings.

Writers: CSV (UTF-8 with a byte-order mark, so that spreadsheet programs read the Norwegian letters),
XLSX (``openpyxl``, the optional extra ``privacy-dsl[xlsx]``), Markdown and HTML. A cell of CSV or XLSX
that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with ``'`` so that a
spreadsheet never reads policy text as a formula (OWASP, "CSV Injection"); HTML is escaped, Markdown
escaped as the notice's is.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterable
from dataclasses import field
from typing import Any

from ..diagnostics import Diagnostic, builtin
from ..language import model as m
from ..language.jurisdictions import is_eea
from ..outputs.notice.document import Inline
from ..records import dataclass
from . import ropa_ico

#: What the columns follow: the items of GDPR Art. 30(1) and 30(2) in the article's order (see the
#: module's docstring for why not a regulator's spreadsheet).
TEMPLATE = "GDPR Art. 30(1)(a)-(g) and 30(2)(a)-(d), literally (Regulation (EU) 2016/679)"

#: The column sets ``--template`` chooses from: ``article30`` (``TEMPLATE``, the default) and ``ico``
#: (the ICO's documentation template for controllers: ``ropa_ico.TEMPLATE``; the controller's record
#: only, the processor's keeps the Art. 30(2) columns).
TEMPLATES = ("article30", "ico")

#: The languages the headings are written in (``--lang``).
LANGUAGES = ("en", "nb")

#: The controller's record (Art. 30(1)): its columns, in order.
CONTROLLER_COLUMNS = ("id", "activity", "controller", "joint_controllers", "representative", "dpo", "purpose",
                      "data_subjects", "personal_data", "recipients", "transfers", "erasure", "security")
#: The processor's record (Art. 30(2)): its columns, in order.
PROCESSOR_COLUMNS = ("id", "activity", "processor", "processor_representative", "processor_dpo", "controllers",
                     "processing", "transfers", "security")

#: The headings and the record's own words, per language. A small table rather than the notice's
#: gettext catalogues: the record is written in two languages, and the catalogues' test asks every
#: catalogue (da, de, es, fr, sv too) for every key.
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "id": "ID",
        "activity": "Processing activity",
        "controller": "Name and contact details of the controller (Art. 30(1)(a))",
        "joint_controllers": "Joint controllers (Art. 30(1)(a))",
        "representative": "Controller's representative (Art. 30(1)(a))",
        "dpo": "Data protection officer (Art. 30(1)(a))",
        "purpose": "Purposes of the processing (Art. 30(1)(b))",
        "data_subjects": "Categories of data subjects (Art. 30(1)(c))",
        "personal_data": "Categories of personal data (Art. 30(1)(c))",
        "recipients": "Categories of recipients, including in third countries or international organisations "
                      "(Art. 30(1)(d))",
        "transfers": "Transfers to third countries or international organisations, and the safeguards "
                     "(Art. 30(1)(e))",
        "erasure": "Envisaged time limits for erasure (Art. 30(1)(f))",
        "security": "Technical and organisational security measures (Art. 30(1)(g), 32(1))",
        "processor": "Name and contact details of the processor (Art. 30(2)(a))",
        "processor_representative": "Processor's representative (Art. 30(2)(a))",
        "processor_dpo": "Processor's data protection officer (Art. 30(2)(a))",
        "controllers": "Controllers on whose behalf the processor acts, with their representatives and data "
                       "protection officers (Art. 30(2)(a))",
        "processing": "Categories of processing carried out on behalf of each controller (Art. 30(2)(b))",
        "processor.transfers": "Transfers to third countries or international organisations, and the safeguards "
                               "(Art. 30(2)(c))",
        "processor.security": "Technical and organisational security measures (Art. 30(2)(d), 32(1))",
        "title": "Record of processing activities",
        "controller_record": "Record of processing activities as controller (GDPR Art. 30(1))",
        "processor_record": "Record of the categories of processing activities as processor (GDPR Art. 30(2))",
        "controller_sheet": "Controller",
        "processor_sheet": "Processor",
        "none": "none declared",
        "representative_label": "Representative",
        "contact_label": "Contact details",
        "data_label": "Personal data",
        "subjects_label": "Data subjects",
        "mechanism_label": "Safeguards",
        "documentation_label": "Documentation",
        "tia_label": "Transfer impact assessment",
        "generated": "Generated by privacy-dsl {version} from {root}; Art. 30 items the policy does not state "
                     "read \"not stated\".",
    },
    "nb": {
        "id": "ID",
        "activity": "Behandlingsaktivitet",
        "controller": "Navn og kontaktopplysninger til behandlingsansvarlig (art. 30 nr. 1 bokstav a)",
        "joint_controllers": "Felles behandlingsansvarlige (art. 30 nr. 1 bokstav a)",
        "representative": "Behandlingsansvarliges representant (art. 30 nr. 1 bokstav a)",
        "dpo": "Personvernombud (art. 30 nr. 1 bokstav a)",
        "purpose": "Formålene med behandlingen (art. 30 nr. 1 bokstav b)",
        "data_subjects": "Kategorier av registrerte (art. 30 nr. 1 bokstav c)",
        "personal_data": "Kategorier av personopplysninger (art. 30 nr. 1 bokstav c)",
        "recipients": "Kategorier av mottakere, også i tredjestater eller internasjonale organisasjoner "
                      "(art. 30 nr. 1 bokstav d)",
        "transfers": "Overføringer til tredjestater eller internasjonale organisasjoner, og garantier "
                     "(art. 30 nr. 1 bokstav e)",
        "erasure": "Planlagte tidsfrister for sletting (art. 30 nr. 1 bokstav f)",
        "security": "Tekniske og organisatoriske sikkerhetstiltak (art. 30 nr. 1 bokstav g, art. 32 nr. 1)",
        "processor": "Navn og kontaktopplysninger til databehandleren (art. 30 nr. 2 bokstav a)",
        "processor_representative": "Databehandlerens representant (art. 30 nr. 2 bokstav a)",
        "processor_dpo": "Databehandlerens personvernombud (art. 30 nr. 2 bokstav a)",
        "controllers": "Behandlingsansvarlige som databehandleren opptrer på vegne av, med representant og "
                       "personvernombud (art. 30 nr. 2 bokstav a)",
        "processing": "Kategorier av behandling utført på vegne av hver behandlingsansvarlig "
                      "(art. 30 nr. 2 bokstav b)",
        "processor.transfers": "Overføringer til tredjestater eller internasjonale organisasjoner, og garantier "
                               "(art. 30 nr. 2 bokstav c)",
        "processor.security": "Tekniske og organisatoriske sikkerhetstiltak (art. 30 nr. 2 bokstav d, "
                              "art. 32 nr. 1)",
        "title": "Protokoll over behandlingsaktiviteter",
        "controller_record": "Protokoll over behandlingsaktiviteter som behandlingsansvarlig "
                             "(personvernforordningen art. 30 nr. 1)",
        "processor_record": "Protokoll over kategorier av behandlingsaktiviteter som databehandler "
                            "(personvernforordningen art. 30 nr. 2)",
        "controller_sheet": "Behandlingsansvarlig",
        "processor_sheet": "Databehandler",
        "none": "ingen oppgitt",
        "representative_label": "Representant",
        "contact_label": "Kontaktopplysninger",
        "data_label": "Personopplysninger",
        "subjects_label": "Registrerte",
        "mechanism_label": "Garantier",
        "documentation_label": "Dokumentasjon",
        "tia_label": "Vurdering av overføringen (TIA)",
        "generated": "Generert av privacy-dsl {version} fra {root}; punkter i art. 30 som policyen ikke oppgir, "
                     "står som «ikke oppgitt».",
    },
}


def headings(record: str, lang: str) -> tuple[str, ...]:
    """The column headings of ``record`` (``controller`` or ``processor``) in ``lang``."""
    words = WORDS[lang]
    if record == "controller":
        return tuple(words[c] for c in CONTROLLER_COLUMNS)
    return tuple(words.get(f"processor.{c}", words[c]) for c in PROCESSOR_COLUMNS)


#: A cell: its lines (several entries of one item: one recipient, one transfer per line).
Cell = ropa_ico.Cell


@dataclass(frozen=True, slots=True)
class Record:
    """One record: ``controller`` (Art. 30(1)) or ``processor`` (Art. 30(2)), its headings and rows."""

    kind: str
    title: str
    sheet: str
    headings: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    #: Rows above the table (the ICO template's contact block); the headings then stand in row
    #: ``header_row`` of a spreadsheet (1: right at the top).
    contacts: tuple[tuple[str, ...], ...] = ()
    header_row: int = 1


@dataclass(frozen=True, slots=True)
class Ropa:
    """The records of one policy in one language; ``processor`` None: the policy declares no
    ``processing``."""

    lang: str
    title: str
    note: str
    controller: Record
    processor: Record | None = None

    @property
    def records(self) -> tuple[Record, ...]:
        return (self.controller,) if self.processor is None else (self.controller, self.processor)


# ---------------------------------------------------------------- building


@dataclass
class _Builder:
    policy: m.Policy
    lang: str
    template: str = "article30"
    problems: list[Diagnostic] = field(default_factory=list)

    def __post_init__(self) -> None:
        from ..outputs.notice import _Builder as NoticeWords

        #: The notice's wording (retention periods, events, countries, mechanisms, roles) in this
        #: language; its own findings are about a notice and are not reported here.
        self.notice = NoticeWords(self.policy, self.lang)
        self.p = self.notice.p
        self.w = WORDS[self.lang]

    # -- values
    def report(self, code: str, span: m.Span, hint: str, message_id: str | None = None,
               **args: str) -> None:
        self.problems.append(builtin(code, None, span, hint=hint, args=tuple(args.items()), message_id=message_id))

    def text(self, text: m.Text | None, span: m.Span, what: str) -> str | None:
        """Policy text in the record's language; another language's, reported (EXP004), when it has none."""
        if text is None:
            return None
        if self.lang in text.by_lang:
            return text.by_lang[self.lang]
        if text.plain is not None:
            return text.plain
        if not text.by_lang:
            return None
        other, value = next(iter(text.by_lang.items()))
        self.report("EXP004", span, f'add `{self.lang} "..."` to the text', what=what, lang=self.lang, other=other)
        return value

    def name(self, node: m.Node | None, ident: str, kind: str) -> str:
        """A block's name, else its id."""
        if node is None:
            return ident
        got = self.text(getattr(node, "name", None), node.span_of("name"), f"{kind} `{ident}` name")
        return got or ident

    def plain(self, inlines: Iterable[Inline]) -> str:
        """The notice's inline text as plain text (code, links and text in another language as their text)."""
        return "".join(part if isinstance(part, str) else part.text for part in inlines)

    def country(self, code: str) -> str:
        return self.plain((self.notice.country(code),))

    def not_stated(self) -> Cell:
        return (self.p.not_stated,)

    # -- item (a): who
    def contact(self, who: m.Controller | m.Representative | m.Dpo | m.PrivacyContact) -> list[str]:
        p = self.p
        lines = []
        for label, value in (("registration", getattr(who, "registration", None)), ("address", who.address),
                             ("country", getattr(who, "country", None)), ("email", who.email),
                             ("phone", who.phone), ("website", getattr(who, "website", None))):
            if value:
                lines.append(f"{getattr(p, label)}: {self.country(value) if label == 'country' else value}")
        return lines

    def has_contact(self, who: m.Controller | m.Dpo) -> bool:
        return bool(who.address or who.email or who.phone)

    def controller_cell(self, controller: m.Controller | None) -> Cell:
        if controller is None:
            return self.not_stated()
        missing = () if self.has_contact(controller) else (f"{self.w['contact_label']}: {self.p.not_stated}",)
        return (controller.name, *self.contact(controller), *missing)

    def representative_cell(self, controller: m.Controller | None) -> Cell:
        if controller is None:
            return self.not_stated()
        rep = controller.representative
        if rep is None:
            return (self.w["none"],)
        return tuple(line for line in (rep.name, *self.contact(rep)) if line) or self.not_stated()

    def dpo_cell(self, controller: m.Controller | None) -> Cell:
        if controller is None or controller.dpo is None:
            return self.not_stated()
        dpo = controller.dpo
        lines = [line for line in (dpo.name, *self.contact(dpo)) if line]
        if lines:
            return tuple(lines)
        if dpo.required is False:
            return (self.p.dpo_not_required,)
        return self.not_stated()

    def check_controller(self, controller: m.Controller) -> None:
        """The findings about the organisation itself (controller and, for `processing`, processor)."""
        if not self.has_contact(controller):
            self.report("EXP011", controller.span, "add `address`, `email` or `phone` to the controller block",
                        controller=controller.name)
        if controller.dpo is None:
            self.report("EXP012", controller.span, "add `dpo { name ... email ... }`, or `dpo { required no }`",
                        controller=controller.name)
        else:
            self.check_dpo(controller)
        if controller.country and not is_eea(controller.country) and controller.representative is None:
            self.report("EXP014", controller.span_of("country"),
                        'add `representative { name "..." address "..." country .. }` (Art. 27)',
                        controller=controller.name, country=self.country(controller.country))

    def check_dpo(self, controller: m.Controller) -> None:
        dpo = controller.dpo
        if dpo is not None and dpo.required is not False and not (dpo.name or self.has_contact(dpo)):
            self.report("EXP013", controller.span_of("dpo"), "add the DPO's `name` and `email` (or `required no`)",
                        controller=controller.name)

    # -- items (b)-(g)
    def described(self, node: m.Purpose | m.Processing, ident: str, kind: str) -> Cell:
        """The purpose (or category of processing): its description, else its name (the activity's
        column shows the name too), else its id, reported."""
        got = self.text(node.description, node.span_of("description"), f"{kind} `{ident}` description") or \
            self.text(node.name, node.span_of("name"), f"{kind} `{ident}` name")
        if got:
            return (got,)
        self.report("EXP015", node.span, f'add `name {{ {self.lang} "..." }}` or `description` to the {kind}',
                    message_id=kind, id=ident)
        return (ident,)

    def joint_line(self, ident: str, recipient: m.Recipient) -> str:
        """A joint controller: its name, and what the language gives of its whereabouts (a recipient
        states a `website` and `countries`, no postal or e-mail address)."""
        parts = [self.name(recipient, ident, "recipient")]
        if recipient.website:
            parts.append(f"{self.p.website}: {recipient.website}")
        if recipient.countries:
            parts.append(", ".join(self.country(c) for c in recipient.countries))
        return " — ".join(parts)

    def subject_line(self, ref: m.Ref) -> str:
        subject = self.policy.subjects.get(ref.name)
        name = self.name(subject, ref.name, "subject")
        return f"{name} ({self.p.children_data})" if subject is not None and subject.children else name

    def category_line(self, ref: m.Ref) -> str:
        category = self.policy.categories.get(ref.name)
        name = self.name(category, ref.name, "category")
        notes = []
        if category is not None and category.special is not None:
            notes.append(self.p.special_category)
        if category is not None and category.criminal:
            notes.append(self.p.criminal_data)
        if category is not None and category.children:
            notes.append(self.p.children_data)
        return f"{name} ({'; '.join(notes)})" if notes else name

    def recipient_line(self, ref: m.Ref) -> str:
        recipient = self.policy.recipients.get(ref.name)
        name = self.name(recipient, ref.name, "recipient")
        if recipient is None:
            return name
        parts = [name]
        if recipient.role is not None:
            parts.append(self.p.roles[recipient.role.value])
        countries = ", ".join(self.country(c) for c in recipient.countries) if recipient.countries else \
            f"{self.p.countries_label.rstrip(':')}: {self.p.not_stated}"
        parts.append(countries)
        return " — ".join(parts)

    def transfer_line(self, ref: m.Ref) -> str:
        transfer = self.policy.transfers.get(ref.name)
        if transfer is None:
            return ref.name
        p, w = self.p, self.w
        recipient = self.name(self.policy.recipients.get(transfer.recipient.name), transfer.recipient.name,
                              "recipient") if transfer.recipient is not None else None
        country = self.country(transfer.country) if transfer.country else f"{p.country}: {p.not_stated}"
        mechanism = transfer.mechanism
        stated = mechanism is not None and mechanism is not m.Mechanism.UNSPECIFIED
        safeguard = p.mechanisms[mechanism.value] if stated and mechanism is not None else p.not_stated
        if transfer.mechanism_detail:
            safeguard += f", {transfer.mechanism_detail}"
        parts = [country, *([recipient] if recipient else []), f"{w['mechanism_label']}: {safeguard}"]
        certification = self.text(transfer.certification, transfer.span_of("certification"),
                                  f"transfer `{transfer.id}` certification")
        if certification:
            parts.append(f"{p.certification}: {certification}")
        if transfer.tia:
            parts.append(f"{w['tia_label']}: {transfer.tia}")
        description = self.text(transfer.description, transfer.span_of("description"),
                                 f"transfer `{transfer.id}` description")
        if description:
            parts.append(f"{w['documentation_label']}: {description}")
        return " — ".join(parts)

    def check_transfers(self, users: dict[str, list[str]]) -> None:
        """One finding per transfer, naming every activity that uses it."""
        for ident, activities in users.items():
            transfer = self.policy.transfers.get(ident)
            if transfer is None:
                continue
            named = ", ".join(activities)
            if not transfer.country:
                self.report("EXP019", transfer.span, "add `country XX` (ISO 3166-1 alpha-2) to the transfer",
                            transfer=ident, purposes=named)
            if transfer.mechanism is None or transfer.mechanism is m.Mechanism.UNSPECIFIED:
                self.report("EXP020", transfer.span_of("mechanism"),
                            "add `mechanism adequacy | dpf | sccs | bcr | ... | derogation \"Art. 49(1)(..)\"`",
                            transfer=ident, purposes=named)
            elif transfer.mechanism is m.Mechanism.DEROGATION and not (
                    transfer.mechanism_detail or transfer.tia or transfer.description):
                self.report("EXP021", transfer.span_of("mechanism"),
                            'name the derogation (`mechanism derogation "Art. 49(1)(b)"`) and document the safeguards '
                            "(`description`, `tia`)", transfer=ident)

    def erasure_cell(self, ident: str, purpose: m.Purpose) -> Cell:
        categories = purpose.retention_categories
        if not categories:
            if not purpose.retention:
                self.report("EXP022", purpose.span, "add `retention <period>` to the purpose", id=ident,
                            categories="its data")
                return self.not_stated()
            return ("; ".join(self.plain(self.notice.retention(r, ident)) for r in purpose.retention),)
        lines, missing = [], []
        for name in categories:
            label = self.name(self.policy.categories.get(name), name, "category")
            rules = purpose.retention_for(name)
            for r in rules:
                if r.rule == "criteria":  # the criteria's own text, its translation reported here
                    self.text(r.criteria, r.span, f"purpose `{ident}` retention criteria")
            if rules:
                lines.append(f"{label}: " + "; ".join(self.plain(self.notice.retention(r, ident)) for r in rules))
            else:
                lines.append(f"{label}: {self.p.not_stated}")
                missing.append(name)
        if missing:
            self.report("EXP022", purpose.span_of("retention"),
                        "add `retention <period>` to the purpose, or `retention <period> for <category>`",
                        id=ident, categories=", ".join(f"`{c}`" for c in missing))
        return tuple(lines)

    def security_cell(self, node: m.Purpose | m.Processing, ident: str, kind: str,
                      without: list[tuple[str, m.Span]]) -> Cell:
        own = self.text(node.security, node.span_of("security"), f"{kind} `{ident}` security")
        if own:
            return (own,)
        info = self.policy.info
        general = self.text(info.security, info.span_of("security"), "the policy's security") if info else None
        if general:
            return (general,)
        without.append((f"{kind} `{ident}`", node.span))
        return self.not_stated()

    # -- the records
    def build(self) -> Ropa:
        from ..version import __version__

        policy, w = self.policy, self.w
        controller = policy.controller
        activities = len(policy.purposes) + len(policy.processing)
        first = next(iter((*policy.purposes.values(), *policy.processing.values())), None)
        #: Where a finding about the whole record points: the policy block, else the first activity,
        #: else the start of the policy's first file.
        span = policy.info.span if policy.info else first.span if first else m.Span(
            path=policy.files[0] if policy.files else policy.root, line=1, column=1, end_line=1, end_column=1)
        if not activities:
            self.report("EXP026", span, "declare a `purpose` (or a `processing` block) for each activity")
        if controller is None:
            self.report("EXP010", span, 'add `controller "Name" { address ... email ... }`', count=str(activities),
                        plural="y" if activities == 1 else "ies")
        else:
            self.check_controller(controller)

        without_security: list[tuple[str, m.Span]] = []
        transfer_users: dict[str, list[str]] = {}
        who = (self.controller_cell(controller), self.representative_cell(controller), self.dpo_cell(controller))
        rows = []
        recipient_users: dict[str, list[str]] = {}
        for ident, purpose in policy.purposes.items():
            joint = tuple(self.joint_line(r.name, rec) for r in purpose.recipients
                          if (rec := policy.recipients.get(r.name)) is not None and rec.role is m.Role.JOINT_CONTROLLER)
            if not purpose.subjects:
                self.report("EXP016", purpose.span, "add `subjects <id>, ...` to the purpose", kind="purpose", id=ident)
            if not purpose.categories:
                self.report("EXP017", purpose.span, "add `categories <id>, ...` to the purpose", kind="purpose",
                            id=ident)
            for r in purpose.recipients:
                recipient_users.setdefault(r.name, []).append(f"`{ident}`")
            for r in purpose.transfers:
                transfer_users.setdefault(r.name, []).append(f"`{ident}`")
            transfers = tuple(self.transfer_line(r) for r in purpose.transfers)
            row: tuple[Cell, ...] = (
                (ident,),
                (self.name(purpose, ident, "purpose"),),
                who[0], joint or (w["none"],), who[1], who[2],
                self.described(purpose, ident, "purpose"),
                tuple(self.subject_line(r) for r in purpose.subjects) or self.not_stated(),
                tuple(self.category_line(r) for r in purpose.categories) or self.not_stated(),
                tuple(self.recipient_line(r) for r in purpose.recipients) or (w["none"],),
                transfers or (w["none"],),
                self.erasure_cell(ident, purpose),
                self.security_cell(purpose, ident, "purpose", without_security),
            )
            if self.template == "ico":  # the same cells (and findings), in the ICO's columns
                row = ropa_ico.row(self, ident, purpose, dict(zip(CONTROLLER_COLUMNS, row, strict=True)))
            rows.append(row)
        for ident, users in recipient_users.items():
            recipient = policy.recipients.get(ident)
            if recipient is not None and not recipient.countries and not recipient.category_only:
                self.report("EXP018", recipient.span, "add `countries XX, ...` (or `countries EEA`) to the recipient",
                            recipient=ident, purposes=", ".join(users))
        if self.template == "ico":
            record = Record("controller", w["controller_record"], w["controller_sheet"], ropa_ico.HEADINGS[self.lang],
                            tuple(rows), ropa_ico.contact_block(self), ropa_ico.HEADER_ROW)
        else:
            record = Record("controller", w["controller_record"], w["controller_sheet"],
                            headings("controller", self.lang), tuple(rows))
        processor = self.processor_record(who, transfer_users, without_security) if policy.processing else None
        self.check_transfers(transfer_users)
        if without_security:
            self.report("EXP023", without_security[0][1],
                        "add `security <text>` to the policy block (for every activity) or to the activity",
                        activities=", ".join(what for what, _ in without_security))
        note = w["generated"].format(version=__version__, root=policy.root)
        return Ropa(self.lang, w["title"] + (f" — {controller.name}" if controller else ""), note, record, processor)

    def processor_record(self, who: tuple[Cell, Cell, Cell], transfer_users: dict[str, list[str]],
                         without_security: list[tuple[str, m.Span]]) -> Record:
        policy, w = self.policy, self.w
        rows = []
        for ident, processing in policy.processing.items():
            if not processing.on_behalf_of:
                self.report("EXP024", processing.span, 'add `on_behalf_of "Controller" { email ... }`', id=ident)
            clients: list[str] = []
            for client in processing.on_behalf_of:
                if not self.has_contact(client):
                    self.report("EXP025", client.span, "add `address`, `email` or `phone` inside `on_behalf_of { }`",
                                controller=client.name, id=ident)
                self.check_dpo(client)
                details = self.contact(client) or [f"{w['contact_label']}: {self.p.not_stated}"]
                if client.representative is not None:
                    rep = client.representative
                    details.append(f"{w['representative_label']}: " + ", ".join(
                        line for line in (rep.name, *self.contact(rep)) if line))
                if client.dpo is not None:
                    details.append(f"{self.p.h_dpo}: " + ", ".join(self.dpo_cell(client)))
                clients.append(" — ".join((client.name, "; ".join(details))) if details else client.name)
            described = list(self.described(processing, ident, "processing"))
            if processing.categories:
                described.append(f"{w['data_label']}: " + ", ".join(
                    self.category_line(r) for r in processing.categories))
            if processing.subjects:
                described.append(f"{w['subjects_label']}: " + ", ".join(
                    self.subject_line(r) for r in processing.subjects))
            for r in processing.transfers:
                transfer_users.setdefault(r.name, []).append(f"processing `{ident}`")
            transfers = tuple(self.transfer_line(r) for r in processing.transfers)
            rows.append((
                (ident,),
                (self.name(processing, ident, "processing"),),
                who[0], who[1], who[2],
                tuple(clients) or self.not_stated(),
                tuple(described),
                transfers or (w["none"],),
                self.security_cell(processing, ident, "processing", without_security),
            ))
        return Record("processor", w["processor_record"], w["processor_sheet"], headings("processor", self.lang),
                      tuple(rows))


def build(policy: m.Policy, lang: str, template: str = "article30") -> tuple[Ropa, list[Diagnostic]]:
    """The records of ``policy`` in ``lang`` (``LANGUAGES``), the controller's in the columns of
    ``template`` (``TEMPLATES``), and the Art. 30 items it does not state (the same whichever template)."""
    builder = _Builder(policy, lang, template)
    ropa = builder.build()
    unique = {(d.code, d.span.path, d.span.line, d.span.column, d.message): d for d in builder.problems}
    return ropa, sorted(unique.values(), key=Diagnostic.sort_key)


# ---------------------------------------------------------------- writers

#: The characters a spreadsheet reads a cell starting with as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """``value`` as a spreadsheet cell that is never a formula: prefixed with ``'`` when it starts with
    a character that makes it one."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _cell_text(cell: Cell) -> str:
    return "\n".join(cell)


def _above(record: Record) -> list[tuple[str, ...]]:
    """The rows a spreadsheet has above the header: the contact block, then empty rows down to
    ``header_row``."""
    return [*record.contacts, *[()] * (record.header_row - 1 - len(record.contacts))]


def to_csv(ropa: Ropa, record: str = "controller") -> str:
    """One record as CSV: a header row, then one row per activity; lines of a cell separated by
    newlines inside the quoted field; a byte-order mark first."""
    chosen = ropa.controller if record == "controller" or ropa.processor is None else ropa.processor
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for line in _above(chosen):  # the ICO template's contact block: the header in row 9, as in its sheet
        writer.writerow([spreadsheet_safe(v) for v in line])
    writer.writerow([spreadsheet_safe(h) for h in chosen.headings])
    for row in chosen.rows:
        writer.writerow([spreadsheet_safe(_cell_text(cell)) for cell in row])
    return "\ufeff" + out.getvalue()


class MissingOpenpyxl(RuntimeError):
    """``openpyxl`` (the extra ``privacy-dsl[xlsx]``) is not installed."""


def to_xlsx(ropa: Ropa) -> bytes:
    """The records as an Excel workbook: one sheet per record, the headings in row 1 (bold, frozen),
    one row per activity. Every cell is a string cell (never a formula), prefixed as in CSV."""
    import importlib

    try:  # the optional extra; imported by name: it ships no type information (and mypy needs none here)
        openpyxl: Any = importlib.import_module("openpyxl")
        styles: Any = importlib.import_module("openpyxl.styles")
    except ImportError as exc:
        raise MissingOpenpyxl(str(exc)) from exc
    Alignment, Font = styles.Alignment, styles.Font

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = ropa.title
    workbook.properties.creator = "privacy-dsl"
    workbook.properties.description = ropa.note
    wrap = Alignment(wrap_text=True, vertical="top")
    for record in ropa.records:
        sheet = workbook.create_sheet(record.sheet)
        top = record.header_row
        for r, line in enumerate(_above(record), start=1):
            for col, text in enumerate(line, start=1):
                if text:
                    cell = sheet.cell(row=r, column=col)
                    cell.value = spreadsheet_safe(text)
                    cell.data_type = "s"
                    cell.font = Font(bold=col == 1 or r == 1)
                    cell.alignment = wrap
        for col, heading in enumerate(record.headings, start=1):
            cell = sheet.cell(row=top, column=col)
            cell.value = spreadsheet_safe(heading)
            cell.data_type = "s"
            cell.font = Font(bold=True)
            cell.alignment = wrap
            sheet.column_dimensions[cell.column_letter].width = 18 if col <= 2 else 40
        for r, row in enumerate(record.rows, start=top + 1):
            for col, value in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=col)
                cell.value = spreadsheet_safe(_cell_text(value))
                cell.data_type = "s"  # a string, whatever it looks like
                cell.alignment = wrap
        sheet.freeze_panes = f"{'C' if top == 1 else 'B'}{top + 1}"
        last = sheet.cell(row=top + len(record.rows), column=len(record.headings)).coordinate
        sheet.auto_filter.ref = f"A{top}:{last}"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def to_markdown(ropa: Ropa) -> str:
    """The records as Markdown: a title, then per record a heading and a table (lines of a cell
    separated by ``<br>``; text escaped as the notice's Markdown is)."""
    from ..outputs.notice.markdown import escape

    def cell(value: Cell) -> str:
        return "<br>".join(escape(line) for line in value)  # `|` is escaped there too

    lines = [f"# {escape(ropa.title)}", "", f"_{escape(ropa.note)}_", ""]
    for record in ropa.records:
        lines += [f"## {escape(record.title)}", ""]
        if record.contacts:  # the contact block above the table
            head, *rest = record.contacts
            lines.append("| " + " | ".join(escape(h) for h in head) + " |")
            lines.append("|" + "---|" * len(head))
            lines += ["| " + " | ".join(escape(v) for v in line) + " |" for line in rest]
            lines.append("")
        lines.append("| " + " | ".join(escape(h) for h in record.headings) + " |")
        lines.append("|" + "---|" * len(record.headings))
        lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in record.rows]
        lines.append("")
    return "\n".join(lines)


def to_html(ropa: Ropa) -> str:
    """The records as one HTML page: per record a table with a header row; every text escaped."""
    esc = html.escape

    def cell(value: Cell) -> str:
        return "<br>".join(esc(line) for line in value)

    parts = ["<!DOCTYPE html>", f'<html lang="{esc(ropa.lang)}">', "<head>", '<meta charset="utf-8">',
             f"<title>{esc(ropa.title)}</title>",
             "<style>table{border-collapse:collapse}th,td{border:1px solid #999;padding:.3em;"
             "vertical-align:top;text-align:left}</style>", "</head>", "<body>", f"<h1>{esc(ropa.title)}</h1>",
             f"<p><em>{esc(ropa.note)}</em></p>"]
    for record in ropa.records:
        parts.append(f"<h2>{esc(record.title)}</h2>")
        if record.contacts:  # the contact block above the table
            head, *rest = record.contacts
            parts += ['<table class="contacts">', "<thead>", "<tr>", "<td></td>"]
            parts += [f'<th scope="col">{esc(h)}</th>' for h in head[1:]]
            parts += ["</tr>", "</thead>", "<tbody>"]
            parts += ["<tr>" + f'<th scope="row">{esc(line[0])}</th>' + "".join(f"<td>{esc(v)}</td>" for v in line[1:])
                      + "</tr>" for line in rest]
            parts += ["</tbody>", "</table>"]
        parts += ["<table>", "<thead>", "<tr>"]
        parts += [f'<th scope="col">{esc(h)}</th>' for h in record.headings]
        parts += ["</tr>", "</thead>", "<tbody>"]
        for row in record.rows:
            parts.append("<tr>" + "".join(
                (f'<th scope="row">{cell(c)}</th>' if i == 0 else f"<td>{cell(c)}</td>") for i, c in enumerate(row))
                + "</tr>")
        parts += ["</tbody>", "</table>"]
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)
