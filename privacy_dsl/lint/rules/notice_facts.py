"""Notice-level facts: the laws a notice cites and the representative it names (or does not).

Both rules read only what the notice says and say only what that text shows: TRN014 reads the
citations of EU acts ("Regulation (EU) 2016/679", "Directive 95/46/EC") and the names of the GDPR
in the languages of the EEA, and is silent on every other citation; TRN017 reads the country a
representative block states, and is silent when it states none; TRN018 reads whom the controller
says it offers its services to, where it asks for consent and where it sends complaints.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from ...language import jurisdictions as jur
from ...language import model as m
from ...language import taxonomy
from ...records import dataclass
from .base import Context, Finding, Options, field_validator, rule

# ---------------------------------------------------------------- TRN014

#: The GDPR's name in the languages of the EEA (and its usual short forms). A citation that holds one
#: of these next to an act number claims that number is the GDPR's.
_GDPR_NAMES = re.compile(
    r"\bGDPR\b|General\s+Data\s+Protection\s+Regulation|Datenschutz-?\s?Grundverordnung|\bDS-?GVO\b"
    r"|\bRGPD\b|R[èe]glement\s+g[ée]n[ée]ral\s+sur\s+la\s+protection\s+des\s+donn[ée]es"
    r"|Reglamento\s+General\s+de\s+Protecci[óo]n\s+de\s+Datos|Regolamento\s+generale\s+sulla\s+protezione\s+dei\s+dati"
    r"|Regulamento\s+Geral\s+(?:sobre\s+a|de)\s+Prote[çc][ãa]o\s+de\s+Dados|\bAVG\b"
    r"|Algemene\s+verordening\s+gegevensbescherming|personvernforordning(?:en)?|databeskyttelsesforordning(?:en)?"
    r"|dataskyddsf[öo]rordning(?:en)?|tietosuoja-asetu[ks]|\bRODO\b|ogólne\s+rozporządzenie\s+o\s+ochronie\s+danych",
    re.I)
_REGULATION = (r"Regulation|Verordnung|R[èe]glement|Reglamento|Regolamento|Regulamento|Verordening|forordning(?:en)?"
               r"|f[öo]rordning(?:en)?|asetu[ks]|rozporządzeni[ea]|nařízení")
_DIRECTIVE = (r"Directive|Richtlinie|Directiva|Direttiva|Diretiva|Richtlijn|direktiv(?:et)?|direktiivi|dyrektywa"
              r"|směrnice")
_ZONE = r"EU|EC|EG|UE|CE|EF|EY|EÚ|WE|ES"
#: A citation of an EU act by its number: "Regulation (EU) 2016/679", "Verordnung (EU) Nr. 2016/679",
#: "Regolamento UE 2016/679", "Directive 95/46/EC", "(EU) 2016/679", "2016/679/EU". A bare "2016/679" is
#: not enough: a word for the kind of act, the "(EU)" or the "/EC" must say it is one.
_ACT = re.compile(
    rf"(?:(?P<kind>{_REGULATION}|{_DIRECTIVE})\s*)?(?:\(?(?P<zone>{_ZONE})\)?\s*)?(?:(?:No|Nr|nr|n[°º]|n\.)\.?\s*)?"
    rf"(?<![\d/])(?P<a>\d{{2,4}})\s*/\s*(?P<b>\d{{1,4}})(?![\d])(?:\s*/\s*(?P<suffix>{_ZONE})\b)?", re.I)
_SEPARATORS = re.compile(r"[\s()\[\],;:–—-]*")
_GDPR = (2016, 679)
_DPD = (1995, 46)
#: The GDPR applies from 25 May 2018, when Directive 95/46/EC is repealed (Art. 94(1), 99(2)).
GDPR_APPLIES = "2018-05-25"


@dataclass(frozen=True, slots=True)
class _Citation:
    text: str
    span: m.Span


@dataclass(frozen=True, slots=True)
class _Act:
    kind: str | None  # "regulation", "directive" or None (not said)
    year: int
    number: int
    start: int
    end: int
    written: str


def _acts(text: str) -> Iterator[_Act]:
    for match in _ACT.finditer(text):
        kind_word, zone, suffix = match.group("kind"), match.group("zone"), match.group("suffix")
        if not (kind_word or zone or suffix):
            continue
        a, b = match.group("a"), match.group("b")
        if len(a) == 4:  # the numbering since 2015 and for most acts before: year/number
            year, number = int(a), int(b)
        elif len(b) == 4:  # the old order of regulations, number/year: "(EC) No 45/2001"
            year, number = int(b), int(a)
        elif len(a) == 2:  # a two-digit year: "95/46/EC"
            year, number = 1900 + int(a) if int(a) > 50 else 2000 + int(a), int(b)
        else:
            continue
        kind = None
        if kind_word:
            kind = "directive" if re.fullmatch(_DIRECTIVE, kind_word, re.I) else "regulation"
        yield _Act(kind, year, number, match.start(), match.end(), match.group().strip())


def _named_gdpr(text: str, act: _Act) -> bool:
    """Whether a name of the GDPR stands right before or right after the act number (only spaces
    and punctuation between, or overlapping: "General Data Protection Regulation (EU) 2016/678")."""
    for name in _GDPR_NAMES.finditer(text):
        before = text[name.end():act.start] if name.end() <= act.start else ""
        after = text[act.end:name.start()] if name.start() >= act.end else ""
        if name.end() > act.start and name.start() < act.end:
            return True
        if name.end() <= act.start and _SEPARATORS.fullmatch(before):
            return True
        if name.start() >= act.end and _SEPARATORS.fullmatch(after):
            return True
    return False


def _slip(number: tuple[int, int]) -> str | None:
    """How a number differs from the GDPR's 2016/679 by one slip of the pen: "one digit" (one digit
    changed) or "two swapped digits" (two neighbours swapped); None if it differs otherwise."""
    wanted, got = "2016679", f"{number[0]:04d}{number[1]:03d}" if number[1] < 1000 else ""
    if len(got) != len(wanted) or got == wanted:
        return None
    diff = [i for i, (x, y) in enumerate(zip(wanted, got, strict=True)) if x != y]
    if len(diff) == 1:
        return "one digit"
    if len(diff) == 2 and diff[1] == diff[0] + 1 and (wanted[diff[0]], wanted[diff[1]]) == (got[diff[1]], got[diff[0]]):
        return "two swapped digits"
    return None


def _citations(policy: m.Policy) -> Iterator[_Citation]:
    """Every citation of a law in the policy, once per place it is written (a `defaults` value that
    many purposes inherit is one place)."""
    seen: set[tuple[str, int, int, str]] = set()

    def once(text: str | None, span: m.Span) -> Iterator[_Citation]:
        key = (span.path, span.line, span.column, text or "")
        if text and key not in seen:
            seen.add(key)
            yield _Citation(text, span)

    info = policy.info
    if info is not None:
        for i, text in enumerate(info.cites):
            yield from once(text, info.field_spans.get(f"cites.{i}") or info.span_of("cites"))
    for purpose in policy.purposes.values():
        for basis in purpose.bases:
            yield from once(basis.citation, basis.span)
        if purpose.special_condition is not None:
            yield from once(purpose.special_condition.citation, purpose.special_condition.span)
        for retention in purpose.retention:
            yield from once(retention.law, retention.span)
    for transfer in policy.transfers.values():
        yield from once(transfer.mechanism_detail, transfer.span_of("mechanism"))


def _is_date(value: str) -> str:
    dt.date.fromisoformat(value)
    return value


class CitationOptions(Options):
    repealed_from: str = GDPR_APPLIES
    """The day from which Directive 95/46/EC is no longer the law (YYYY-MM-DD)."""
    near_misses: bool = True
    """Flag "Regulation (EU)" numbers one slip of the pen from 2016/679 that name no act."""

    @field_validator("repealed_from")
    @classmethod
    def _a_day(cls, value: str) -> str:
        try:
            return _is_date(value)
        except ValueError:
            raise ValueError("expected a day as YYYY-MM-DD, e.g. \"2018-05-25\"") from None


@rule(
    "TRN014",
    "gdpr-miscited",
    messages={
        "wrong-number": "`{citation}` names the GDPR with the number {number}; the GDPR is Regulation (EU) 2016/679",
        "near-miss": "`{citation}` cites Regulation (EU) {number}, {slip} away from the GDPR's number, "
                     "Regulation (EU) 2016/679",
        "not-a-directive": "`{citation}` calls the GDPR a directive; it is Regulation (EU) 2016/679",
        "repealed": "`{citation}` cites Directive 95/46/EC as the law; the GDPR repealed it (Art. 94(1)), and it "
                    "is not the law from {repealed_from}",
    },
    category="transparency",
    severity="warning",
    references=(
        "GDPR (Regulation (EU) 2016/679) Art. 94(1), Art. 99(2)",
        "GDPR Art. 12(1), Art. 13(1)(c)",
        "Norway: personopplysningsloven (LOV-2018-06-15-38) § 1, which makes the GDPR Norwegian law, in force "
        "20 July 2018 (citation not verified)",
    ),
    options=CitationOptions,
    profiles={"no": {"repealed-from": "2018-07-20"}},
)
def gdpr_miscited(ctx: Context) -> Iterator[Finding]:
    """A citation that claims to be the GDPR but gives the wrong number, or cites the repealed Directive.

    ## What it does
    Reads every law the policy cites (`policy { cites ... }`, the laws of `basis legal_obligation`
    and `public_task`, `special_condition`, `retention law` and a transfer `mechanism`) for
    citations of EU acts by number, and flags:

    - a name of the GDPR ("GDPR", "General Data Protection Regulation", "DSGVO", "RGPD", "AVG",
      "personvernforordningen", ...) right next to another number than 2016/679
      ("GDPR (Regulation (EU) 2016/678)");
    - "Regulation (EU)" with a number one slip of the pen from 2016/679 (one digit changed, or two
      neighbouring digits swapped: 2016/678, 2016/697, 2015/679), which names no act;
    - the GDPR's number called a directive ("Directive (EU) 2016/679");
    - Directive 95/46/EC cited as the law, unless the notice is dated (`updated`) before the
      GDPR applied.

    It is silent on every other citation: a law it does not know ("ekomloven § 3-15", "LSSICE
    art. 22"), another EU act named as such ("Directive 2002/58/EC", "Regulation (EU) 2018/1725"),
    a number with no word saying it is an act ("2016/678"), or the old order "679/2016". A notice
    dated by month or year (`updated 2018-05`, `updated 2018`) that may be from before or after the
    GDPR applied is not flagged for citing the Directive: the rule cannot know which.

    ## Why it matters
    The GDPR is Regulation (EU) 2016/679; it repealed Directive 95/46/EC with effect from 25 May
    2018 (Art. 94(1)), the day it applies from (Art. 99(2)). A notice must tell people the legal
    basis of each purpose (Art. 13(1)(c)) in clear and accurate terms (Art. 12(1)): a citation of
    an act that does not exist, or of a repealed one as the law in force, sends a reader who checks
    it to the wrong text, and shows that the notice was not reviewed when the law changed. In
    Norway the GDPR became law through personopplysningsloven on 20 July 2018 (the `no` profile
    moves the date; citation not verified).

    ## Example
    ```privacy
    policy "Acme privacy notice" {
      cites "GDPR (Regulation (EU) 2016/678)"
    }
    ```

    ## Use instead
    ```privacy
    policy "Acme privacy notice" {
      cites "GDPR (Regulation (EU) 2016/679)"
    }
    ```

    ## Options
    - `repealed-from` (default `"2018-05-25"`; `"2018-07-20"` in the `no` profile): the day from
      which citing Directive 95/46/EC as the law is flagged, for a notice dated on or after it or
      not dated at all.
    - `near-misses` (default `true`): flag "Regulation (EU)" numbers one slip of the pen from
      2016/679 that come with no name. Such a number may in principle be another act; set to false
      to flag only numbers a name of the GDPR claims.

    ## References
    GDPR Art. 12(1), 13(1)(c), 94(1), 99(2); personopplysningsloven 2018 (citation not verified).
    """
    opts: CitationOptions = ctx.options
    info = ctx.policy.info
    dated_before, dated_unsure = False, False
    if info is not None and info.updated is not None:
        first, last = m.date_range(info.updated)
        cut = dt.date.fromisoformat(opts.repealed_from)
        dated_before, dated_unsure = last < cut, first < cut <= last
    for citation in _citations(ctx.policy):
        for act in _acts(citation.text):
            number = (act.year, act.number)
            shown = f"{act.year}/{act.number}"
            args = {"citation": citation.text}
            if number == _GDPR:
                if act.kind == "directive":
                    yield Finding(citation.span, args, "not-a-directive",
                                  hint="write `Regulation (EU) 2016/679`")
            elif number == _DPD:
                if not dated_before and not dated_unsure:
                    yield Finding(citation.span, {**args, "repealed_from": opts.repealed_from}, "repealed",
                                  hint="cite the GDPR, Regulation (EU) 2016/679, and the national law that "
                                       "supplements it")
            elif _named_gdpr(citation.text, act):
                yield Finding(citation.span, {**args, "number": shown}, "wrong-number",
                              hint="write `Regulation (EU) 2016/679`")
            elif opts.near_misses and act.kind == "regulation" and (slip := _slip(number)) is not None:
                yield Finding(citation.span, {**args, "number": shown, "slip": slip}, "near-miss",
                              hint="if it is the GDPR, write `Regulation (EU) 2016/679`")


# ---------------------------------------------------------------- TRN017


@rule(
    "TRN017",
    "representative-outside-eea",
    messages={
        "outside": "the representative of controller `{controller}` is in {country_name} ({country}), outside "
                   "the EU/EEA",
    },
    category="transparency",
    severity="error",
    references=(
        "GDPR Art. 27(1), Art. 27(3), Art. 3(2), Art. 13(1)(a)",
        "EDPB Guidelines 3/2018 on the territorial scope of the GDPR (Article 3), section 4",
        "EEA Agreement, Annex XI, as amended by EEA Joint Committee Decision No 154/2018",
    ),
)
def representative_outside_eea(ctx: Context) -> Iterator[Finding]:
    """The controller's EU representative is established outside the EU/EEA.

    ## What it does
    Flags a `representative { ... }` block of the controller whose `country` is not in the EU or
    the EEA. A representative written as a string, or a block without `country`, does not say
    where it is, and the rule is silent; so it is for a controller whose own `country` is in the
    EU/EEA, which Art. 27 does not concern.

    ## Why it matters
    A controller not established in the Union whose processing falls under Art. 3(2) must
    designate in writing a representative in the Union (Art. 27(1)). "The representative shall be
    established in one of the Member States where the data subjects, whose personal data are
    processed in relation to the offering of goods or services to them, or whose behaviour is
    monitored, are" (Art. 27(3)). Through the EEA Agreement the same holds for Iceland,
    Liechtenstein and Norway. A representative in a third country cannot be the point of contact
    in the Union that data subjects and authorities address (Art. 27(4); EDPB Guidelines 3/2018,
    section 4). Whether the member state is one where the data subjects are is not something the
    policy says, so only the EU/EEA is checked.

    ## Example
    ```privacy
    controller "Acme Inc." {
      country US
      representative {
        name "Acme Representative Ltd"
        country GB
      }
    }
    ```

    ## Use instead
    ```privacy
    controller "Acme Inc." {
      country US
      representative {
        name "Acme Representative Ltd"
        address "1 Main Street, Dublin"
        country IE
      }
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 3(2), 13(1)(a), 27(1), 27(3), 27(4); EDPB Guidelines 3/2018 section 4; EEA Agreement
    Annex XI.
    """
    for controller in ctx.policy.controllers:
        rep = controller.representative
        if rep is None or rep.country is None or rep.country in jur.EEA or controller.country in jur.EEA:
            continue  # no country stated, in the EEA, or a controller established there (Art. 27(1), 3(2))
        yield Finding(rep.span_of("country"), {
            "controller": controller.name, "country": rep.country,
            "country_name": taxonomy.countries().get(rep.country, rep.country)},
            hint="name a representative established in an EU/EEA member state where your data subjects are")


# ---------------------------------------------------------------- TRN018


def _targets_eea(policy: m.Policy, controller: m.Controller) -> tuple[str, m.Span] | None:
    """What in the notice shows that a controller offers its services to people in the EEA
    (Art. 3(2)), and where: it says so (`offers_to`), it asks them for consent (`shown_in`), or it
    sends them to an EEA authority with their complaints; None: nothing does."""
    places = [p for p in controller.offers_to if jur.is_eea(p)]
    if places:
        return f"offers its services to people in {', '.join(places)}", controller.span_of("offers_to")
    for consent in policy.consents.values():
        shown = [p for p in consent.shown_in if jur.is_eea(p)]
        if shown:
            return (f"asks people in {', '.join(shown)} for consent (consent `{consent.id}`)",
                    controller.span_of("country"))
    rights = policy.rights
    authority = None if rights is None or rights.complaints is None else policy.authorities.get(rights.complaints.name)
    if authority is not None and jur.is_eea(authority.country):
        return (f"sends complaints to a supervisory authority in {authority.country} (`{authority.id}`)",
                controller.span_of("country"))
    return None


@rule(
    "TRN018",
    "no-eu-representative",
    messages={
        "no-representative": (
            "controller `{controller}` is established in {country_name} ({country}), outside the EU/EEA, and "
            "{evidence}, but the notice does not name its representative in the Union (GDPR Art. 27)"
        ),
    },
    category="transparency",
    severity="warning",
    references=(
        "GDPR Art. 3(2) (the GDPR applies to a controller not established in the Union that offers goods or "
        "services to, or monitors the behaviour of, data subjects in the Union)",
        "GDPR Art. 27(1) (such a controller designates in writing a representative in the Union), 27(2) (the "
        "exceptions: occasional processing without large-scale special categories and unlikely to result in a "
        "risk; public authorities and bodies)",
        "GDPR Art. 13(1)(a) (the identity and contact details of the controller and, where applicable, of the "
        "controller's representative)",
        "EDPB Guidelines 3/2018 on the territorial scope of the GDPR (Article 3), version 2.1 (12 November "
        "2019), sections 2 (targeting criterion) and 4 (the representative)",
        "EEA Agreement, Annex XI, as amended by EEA Joint Committee Decision No 154/2018",
    ),
)
def no_eu_representative(ctx: Context) -> Iterator[Finding]:
    """A controller outside the EU/EEA that offers its services to people there names no representative.

    ## What it does
    Flags the controller when its `country` is outside the EU/EEA, the notice names no
    `representative`, and the notice shows that the controller targets people in the EEA:
    - `offers_to` names an EEA country or region (`offers_to EU`: the notice says it offers goods
      or services to people there, or monitors their behaviour);
    - a consent mechanism is `shown_in` an EEA country or region (it asks people there); or
    - the rights block sends complaints to an `authority` whose `country` is in the EEA.

    Silent when the controller's country is not stated or is in the EEA, when a representative is
    named (as a string or a block; TRN017 checks where it is), and for a declared
    `public_authority` (Art. 27(2)(b)). A notice in an EEA language is not read as targeting:
    the language alone does not say whether it is the controller's own.

    ## Why it matters
    A controller not established in the Union is bound by the GDPR when it offers goods or
    services to data subjects in the Union or monitors their behaviour there (Art. 3(2); EDPB
    Guidelines 3/2018, section 2). It must then designate in writing a representative in the
    Union (Art. 27(1)), the point of contact for data subjects and supervisory authorities
    (Art. 27(4)), and the notice must give the representative's identity and contact details
    (Art. 13(1)(a)). Through the EEA Agreement the same holds for Iceland, Liechtenstein and
    Norway. Art. 27(2)(a) exempts processing that is occasional, does not include special
    categories or criminal data on a large scale and is unlikely to result in a risk: whether that
    applies is not in the policy, which is why this is a warning. Suppress it with that reason
    when it does.

    ## Example
    ```privacy
    controller "Acme Inc." {
      country US
      offers_to EU
    }
    ```

    ## Use instead
    ```privacy
    controller "Acme Inc." {
      country US
      offers_to EU
      representative {
        name "EU-Rep GmbH"
        address "Hauptstraße 1, 10115 Berlin"
        country DE
        email "acme@eu-rep.example"
      }
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 3(2), 13(1)(a), 27(1), 27(2), 27(4); EDPB Guidelines 3/2018 sections 2 and 4; EEA
    Agreement Annex XI.
    """
    for controller in ctx.policy.controllers:
        if (controller.country is None or jur.is_eea(controller.country) or controller.representative is not None
                or controller.public_authority):
            continue
        found = _targets_eea(ctx.policy, controller)
        if found is None:
            continue
        evidence, span = found
        yield Finding(span, {
            "controller": controller.name, "country": controller.country,
            "country_name": taxonomy.countries().get(controller.country, controller.country),
            "evidence": evidence},
            hint='name the representative: `representative { name "..." address "..." country IE email "..." }`')


RULES = (gdpr_miscited, representative_outside_eea, no_eu_representative)
