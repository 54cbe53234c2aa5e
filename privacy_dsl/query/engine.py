"""The query engine: the questions a developer asks a policy, answered from the linted model.

``PolicyHandle`` wraps one resolved policy and the diagnostics the linter reported for it. Every
lookup table is built once, in the constructor; each question is then a few dictionary lookups,
so a handle can be asked thousands of times (``privacy_dsl.api.load`` builds one).

Semantics, in short (docs/query.md has them in full):

* A purpose argument is a purpose id, else a fideslang data-use key: ``marketing`` covers every
  purpose whose ``use`` is under ``marketing`` (or, failing that, a purpose whose use is broader).
* A category argument is a category id, else a fideslang data-category key: ``user.contact``
  covers every declared category whose ``taxonomy`` is under it (failing that, the declared
  categories whose taxonomy is the nearest broader key).
* Never yes to what the linter rejects: an error-level finding inside the declaration of the
  purpose, of the consent mechanism, transfers or recipients it names, or of an asked category,
  makes the answer "declared, but ...". Findings are mapped to declarations by span containment
  (a finding inside a ``defaults`` block goes to the blocks that inherit the defaulted value).
  A finding that the notice does not tell people of their rights (``about_rights``) never denies,
  wherever it is reported: without a ``rights`` block the rules report a missing right at the
  purpose that needs it, and the same use must not be allowed or denied by whether a ``rights``
  block exists at all.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from ..diagnostics import Diagnostic, Severity, bound_message, did_you_mean, printable_line, shorten
from ..language import model as m
from ..language import taxonomy
from ..records import dataclass

#: A declaration: (kind, id). Cookies use their name as id; the controller its name.
DeclKey = tuple[str, str]


class UnknownName(LookupError):
    """A name in a question that the policy does not declare (and that is no taxonomy key)."""

    def __init__(self, kind: str, name: str, known: Iterable[str], extra: Iterable[str] = ()) -> None:
        self.kind = kind
        self.name = name
        self.known = tuple(known)
        self.suggestion = did_you_mean(name, [*self.known, *extra])
        if self.suggestion:
            hint = f"did you mean `{shorten(self.suggestion)}`?"
        elif self.known:
            shown = ", ".join(shorten(k) for k in self.known[:10]) + (", ..." if len(self.known) > 10 else "")
            plural = {"category": "categories", "country": "countries", "party": "parties"}.get(kind, f"{kind}s")
            hint = f"{'known' if kind == 'country' else 'declared'} {plural}: {shown}"
        else:
            hint = f"the policy declares no {kind}"
        self.hint = hint
        super().__init__(bound_message(f"no {kind} `{shorten(name)}` in the policy; {hint}"))

    def __str__(self) -> str:
        return str(self.args[0])


# ---------------------------------------------------------------- answers


def _source(span: m.Span | None) -> str | None:
    return str(span) if span is not None else None


def _span_dict(span: m.Span | None) -> dict[str, Any] | None:
    if span is None:
        return None
    return {"path": span.path, "line": span.line, "column": span.column, "end_line": span.end_line,
            "end_column": span.end_column}


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a decision came out as it did, with the policy line it rests on."""

    text: str
    span: m.Span | None = None
    #: The lint code, when the reason is a finding.
    code: str | None = None
    #: What would change the answer, when the answer is no.
    fix: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "source": _source(self.span), "span": _span_dict(self.span),
                "code": self.code, "fix": self.fix}


@dataclass(frozen=True, slots=True)
class Condition:
    """Something the use is subject to: consent, subjects, retention, recipients, transfers, ..."""

    kind: str
    text: str
    span: m.Span | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "source": _source(self.span), "span": _span_dict(self.span)}


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer to "may purpose P use categories C (for subject S, shared with R)?".

    Truthy when allowed. ``reasons`` say why, each with the policy line it rests on;
    ``conditions`` say what an allowed use is subject to. When the purpose was asked as a data-use
    key, ``candidates`` holds the decision for every purpose with that use.
    """

    allowed: bool
    asked: str
    categories: tuple[str, ...]
    purpose: str | None = None
    name: str | None = None
    uses: tuple[str, ...] = ()
    covered: tuple[str, ...] = ()
    subject: str | None = None
    recipient: str | None = None
    basis: tuple[str, ...] = ()
    conditions: tuple[Condition, ...] = ()
    reasons: tuple[Reason, ...] = ()
    span: m.Span | None = None
    candidates: tuple[Decision, ...] = ()

    def __bool__(self) -> bool:
        return self.allowed

    @property
    def spans(self) -> tuple[m.Span, ...]:
        """The policy lines the decision rests on: the purpose, then every reason and condition."""
        found = [self.span] + [r.span for r in self.reasons] + [c.span for c in self.conditions]
        seen: dict[str, m.Span] = {}
        for span in found:
            if span is not None:
                seen.setdefault(str(span), span)
        return tuple(seen.values())

    @property
    def rejected(self) -> bool:
        """Declared, but the linter rejects it (as opposed to: not declared for this use)."""
        return any(r.code is not None for r in self.reasons)

    def headline(self) -> str:
        data = ", ".join(self.categories) if self.categories else "its data"
        extras = (f" for {self.subject}" if self.subject else "") + (f", shared with {self.recipient}"
                                                                     if self.recipient else "")
        if self.purpose is not None:
            who = f"purpose `{self.purpose}`"
            if self.asked != self.purpose:
                who += f" (data use `{', '.join(self.uses)}`, asked as `{self.asked}`)"
        else:
            who = f"no purpose with data use `{self.asked}`"
        if self.allowed:
            return f"allowed: {who} may use {data}{extras}"
        if self.purpose is None:
            return f"not allowed: {who} may use {data}{extras}"
        return f"not allowed: {who} may not use {data}{extras}"

    def explain(self) -> str:
        """The decision for people: the verdict, the reasons with their policy lines, the conditions."""
        lines = [self.headline()]
        lines.extend(_reason_lines(self.reasons, "  "))
        if self.allowed and self.conditions:
            lines.append("  conditions:")
            for c in self.conditions:
                lines.append(f"    - {c.text}" + (f" [{c.span}]" if c.span else ""))
        return "\n".join(printable_line(line) for line in lines)  # names and texts are data

    def to_dict(self) -> dict[str, Any]:
        return {
            "allowed": self.allowed,
            "asked": {"purpose": self.asked, "categories": list(self.categories), "subject": self.subject,
                      "recipient": self.recipient},
            "purpose": self.purpose,
            "name": self.name,
            "uses": list(self.uses),
            "covered": list(self.covered),
            "basis": list(self.basis),
            "conditions": [c.to_dict() for c in self.conditions],
            "reasons": [r.to_dict() for r in self.reasons],
            "source": _source(self.span),
            "candidates": [c.to_dict() for c in self.candidates],
        }


def _reason_lines(reasons: Iterable[Reason], indent: str) -> list[str]:
    out = []
    for r in reasons:
        out.append(f"{indent}{r.span}: {r.text}" if r.span else f"{indent}{r.text}")
        if r.fix:
            out.append(f"{indent}  to allow it: {r.fix}")
    return out


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    id: str
    name: str | None
    taxonomy: str | None
    special: str | None
    span: m.Span
    #: The purposes of the question that list this category.
    purposes: tuple[str, ...] = ()
    #: Whether one of those purposes may use it (see ``PolicyHandle.permits``).
    allowed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "taxonomy": self.taxonomy, "special": self.special,
                "purposes": list(self.purposes), "allowed": self.allowed, "source": _source(self.span)}


@dataclass(frozen=True, slots=True)
class CookieInfo:
    #: None for a cookie the notice does not name (``cookie unnamed``); ``label`` says what is known.
    name: str | None
    storage: str
    category: str | None
    party: str | None
    provider: str | None
    expiry: str | None
    purposes: tuple[str, ...]
    consents: tuple[str, ...]
    needs_consent: bool
    why: str
    span: m.Span
    findings: tuple[str, ...] = ()
    #: How messages name it: "pixel `fbq`", "an unnamed cookie of provider `google` (line 12)".
    label: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "storage": self.storage, "category": self.category, "party": self.party,
                "provider": self.provider, "expiry": self.expiry, "purposes": list(self.purposes),
                "consents": list(self.consents), "needs_consent": self.needs_consent, "why": self.why,
                "findings": list(self.findings), "source": _source(self.span), "label": self.label}


@dataclass(frozen=True, slots=True)
class RecipientInfo:
    id: str
    name: str | None
    role: str | None
    countries: tuple[str, ...]
    purposes: tuple[str, ...]
    transfers: tuple[str, ...]
    span: m.Span
    findings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "role": self.role, "countries": list(self.countries),
                "purposes": list(self.purposes), "transfers": list(self.transfers),
                "findings": list(self.findings), "source": _source(self.span)}


@dataclass(frozen=True, slots=True)
class TransferInfo:
    id: str
    recipient: str | None
    country: str | None
    mechanism: str | None
    detail: str | None
    purposes: tuple[str, ...]
    span: m.Span
    findings: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        """Stated with a transfer tool, and no error-level finding in its declaration."""
        return not self.findings and self.mechanism not in (None, "none", "unspecified")

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "recipient": self.recipient, "country": self.country, "mechanism": self.mechanism,
                "detail": self.detail, "purposes": list(self.purposes), "allowed": self.allowed,
                "findings": list(self.findings), "source": _source(self.span)}


# ---------------------------------------------------------------- mapping findings to declarations


def _pos(span: m.Span) -> tuple[int, int]:
    return span.line, span.column


def _end(span: m.Span) -> tuple[int, int]:
    return span.end_line, span.end_column


def _inside(span: m.Span, outer: m.Span) -> bool:
    return span.path == outer.path and _pos(outer) <= _pos(span) and _pos(span) <= _end(outer)


def cookie_key(cookie: m.Cookie) -> str:
    """The key of a cookie among the declarations: its name; for an unnamed one (which nothing can
    name), where it is declared."""
    return cookie.name if cookie.name is not None else f"(unnamed, {cookie.span})"


def declarations(policy: m.Policy) -> list[tuple[DeclKey, m.Node]]:
    """Every top-level declaration of a resolved policy with its key."""
    out: list[tuple[DeclKey, m.Node]] = []
    if policy.info is not None:
        out.append((("policy", policy.info.title), policy.info))
    out.extend((("controller", c.name), c) for c in policy.controllers)
    for kind, table in (("authority", policy.authorities), ("subject", policy.subjects),
                        ("category", policy.categories), ("purpose", policy.purposes),
                        ("recipient", policy.recipients), ("transfer", policy.transfers),
                        ("consent", policy.consents), ("processing", policy.processing)):
        out.extend(((kind, ident), node) for ident, node in table.items())
    out.extend((("cookie", cookie_key(c)), c) for c in policy.cookies)
    if policy.rights is not None:
        out.append((("rights", "rights"), policy.rights))
    return out


#: A declaration's key and where the block is (two cookie blocks may share a name, never a place).
_Decl = tuple[DeclKey, m.Span]


#: What a notice tells of people's rights (``model.Topic``): a finding that says the notice does not
#: tell it (``Rule.omits``) describes the notice, not the use, so it never denies one (docs/query.md).
_NOTICE_TOPICS = frozenset({m.Topic.RIGHTS.value, m.Topic.COMPLAINTS.value})


def about_rights(diag: Diagnostic) -> bool:
    """``diag`` says the notice does not tell people of a right: its rule's ``omits`` topic for its
    message is ``rights`` or ``complaints`` (TRN004-TRN008, TRN010, TRN011)."""
    from ..lint.rules import REGISTRY

    rule = REGISTRY.get(diag.code)
    if rule is None:
        return False
    message_id = (diag.message_id or next(iter(rule.messages), "")).removesuffix("-referred")
    return rule.omits.get(message_id) in _NOTICE_TOPICS


class FindingMap:
    """Unsuppressed diagnostics grouped by the declaration they fall in, built once: by its key
    (every block of that kind and name) and by its block (``at``)."""

    def __init__(self, policy: m.Policy, diagnostics: Iterable[Diagnostic]) -> None:
        self.by_decl: dict[DeclKey, list[Diagnostic]] = {}
        self.by_block: dict[m.Span, list[Diagnostic]] = {}
        self.unplaced: list[Diagnostic] = []
        starts: dict[str, list[tuple[tuple[int, int], tuple[int, int], _Decl]]] = {}
        inherited: dict[str, dict[tuple[tuple[int, int], tuple[int, int]], list[_Decl]]] = {}
        for key, node in declarations(policy):
            starts.setdefault(node.span.path, []).append((_pos(node.span), _end(node.span), (key, node.span)))
            if key[0] in ("purpose", "cookie"):
                for span in node.field_spans.values():
                    if not _inside(span, node.span):  # a value inherited from a `defaults` block
                        decls = inherited.setdefault(span.path, {}).setdefault((_pos(span), _end(span)), [])
                        if (key, node.span) not in decls:
                            decls.append((key, node.span))
        index = {path: sorted(rows, key=lambda row: row[:2]) for path, rows in starts.items()}
        firsts = {path: [row[0] for row in rows] for path, rows in index.items()}
        for diag in diagnostics:
            if diag.suppressed is not None:
                continue
            decls = list(dict.fromkeys(decl for span in (diag.span, *(r.span for r in diag.related))
                                       for decl in self._locate(diag, span, index, firsts, inherited)))
            if not decls:
                self.unplaced.append(diag)
            for key in dict.fromkeys(key for key, _ in decls):
                self.by_decl.setdefault(key, []).append(diag)
            for _, block in decls:
                self.by_block.setdefault(block, []).append(diag)

    @staticmethod
    def _locate(diag: Diagnostic, span: m.Span,
                index: dict[str, list[tuple[tuple[int, int], tuple[int, int], _Decl]]],
                firsts: dict[str, list[tuple[int, int]]],
                inherited: dict[str, dict[tuple[tuple[int, int], tuple[int, int]], list[_Decl]]]) -> list[_Decl]:
        """The declarations one place of a finding (its own or a related one) falls in."""
        path, pos = span.path, _pos(span)
        rows = index.get(path)
        if rows:
            i = bisect.bisect_right(firsts[path], pos) - 1
            if i >= 0 and pos <= rows[i][1]:
                return [rows[i][2]]
        for (start, end), decls in inherited.get(path, {}).items():
            if start <= pos <= end:
                named = [d for d in decls if f"`{d[0][1]}`" in diag.message]
                return named or list(decls)
        return []

    def at(self, block: m.Span, level: Severity | None = None) -> list[Diagnostic]:
        """The findings in one block, the one declared at ``block``."""
        found = self.by_block.get(block, [])
        return found if level is None else [d for d in found if d.severity >= level]

    def get(self, key: DeclKey, level: Severity | None = None) -> list[Diagnostic]:
        found = self.by_decl.get(key, [])
        return found if level is None else [d for d in found if d.severity >= level]

    def denying(self, key: DeclKey) -> list[Diagnostic]:
        """The findings in one declaration that deny a use of it: error level, and not about what the
        notice tells of people's rights (``about_rights``)."""
        return [d for d in self.get(key, Severity.ERROR) if not about_rights(d)]


# ---------------------------------------------------------------- the handle


_BASIS_WHAT = {
    "lawfulness": "its legal basis is invalid",
    "consent": "its consent is invalid",
    "special-data": "its use of special-category data is not lawful",
    "retention": "its retention is not acceptable",
    "transfers": "its transfers are not lawful",
    "transparency": "it is not described as the law requires",
    "identifiability": "its claims about identifiability are wrong",
    "resolution": "it refers to something that is not declared",
}


def _text(value: m.Text | None) -> str | None:
    return value.get("en") if value is not None else None


@dataclass(slots=True)
class _PurposeFacts:
    """What every question about one purpose needs, computed once."""

    purpose: m.Purpose
    categories: frozenset[str]
    subjects: tuple[str, ...]
    recipients: frozenset[str]
    basis: tuple[str, ...]
    conditions: tuple[Condition, ...]
    subject_condition: Condition | None
    blocking: tuple[Reason, ...]
    granted: Reason
    name: str | None = None


class PolicyHandle:
    """A loaded, linted policy that answers questions. Build with ``privacy_dsl.load(path)``."""

    def __init__(self, policy: m.Policy, diagnostics: Sequence[Diagnostic] = (),
                 sources: dict[str, str] | None = None) -> None:
        self.model = policy
        self.root = policy.root
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        self.sources = dict(sources or {})
        self.findings = FindingMap(policy, self.diagnostics)
        self._cat_under: dict[str, list[str]] = {}
        self._cat_exact: dict[str, list[str]] = {}
        for ident, cat in policy.categories.items():
            if cat.taxonomy:
                self._cat_exact.setdefault(cat.taxonomy, []).append(ident)
                for prefix in _prefixes(cat.taxonomy):
                    self._cat_under.setdefault(prefix, []).append(ident)
        self._use_under: dict[str, list[str]] = {}
        self._use_exact: dict[str, list[str]] = {}
        for ident, purpose in policy.purposes.items():
            for use in purpose.uses:  # each purpose once per key, however many of its uses fall under it
                if ident not in (exact := self._use_exact.setdefault(use, [])):
                    exact.append(ident)
                for prefix in _prefixes(use):
                    if ident not in (under := self._use_under.setdefault(prefix, [])):
                        under.append(ident)
        self._facts = {ident: self._purpose_facts(p) for ident, p in policy.purposes.items()}
        self._cookies_by_name: dict[str, m.Cookie] = {}
        for c in policy.cookies:
            if c.name is not None:  # an unnamed cookie cannot be asked for by name
                self._cookies_by_name.setdefault(c.name, c)
        self._declared: dict[DeclKey, m.Node] = {}
        self._singletons: dict[str, DeclKey] = {}
        for key, node in declarations(policy):
            self._declared.setdefault(key, node)
            self._singletons.setdefault(key[0], key)
        self._category_memo: dict[str, tuple[str, ...]] = {}
        self._purpose_memo: dict[str, tuple[tuple[str, ...], bool]] = {}
        self._category_errors: dict[str, tuple[Reason, ...]] = {
            ident: tuple(self._rejection(f"category `{ident}`", d)
                         for d in self.findings.denying(("category", ident)))
            for ident in policy.categories}

    # -- names

    def to_dict(self) -> dict[str, Any]:
        """The resolved model (``self.model``, plain dataclasses) as JSON-compatible data, in the shape
        ``privacy-dsl schema`` describes. It imports pydantic (``modeldata``) on first use."""
        from ..language.modeldata import to_jsonable

        return to_jsonable(self.model)

    def to_json(self, indent: int | None = 2) -> str:
        """The resolved model as JSON: what ``privacy-dsl dump`` prints for this policy."""
        from ..language.modeldata import to_json

        return to_json(self.model, indent=indent)

    def resolve_category(self, name: str) -> tuple[str, ...]:
        """The declared category ids a category argument covers (empty: a known key the policy lacks)."""
        memo = self._category_memo.get(name)
        if memo is not None:
            return memo
        cats = self.model.categories
        if name in cats:
            found: tuple[str, ...] = (name,)
        elif name in self._cat_under:
            found = tuple(self._cat_under[name])
        else:
            found = ()
            for prefix in reversed(_prefixes(name)[:-1]):
                if prefix in self._cat_exact:
                    found = tuple(self._cat_exact[prefix])
                    break
            if not found and name not in taxonomy.data_categories():
                raise UnknownName("category", name, list(cats), taxonomy.data_categories())
        self._category_memo[name] = found
        return found

    def resolve_purpose(self, name: str) -> tuple[tuple[str, ...], bool]:
        """(purpose ids, asked by data use) for a purpose argument."""
        memo = self._purpose_memo.get(name)
        if memo is not None:
            return memo
        purposes = self.model.purposes
        if name in purposes:
            found: tuple[tuple[str, ...], bool] = ((name,), False)
        elif name in self._use_under:
            found = (tuple(self._use_under[name]), True)
        else:
            ids: tuple[str, ...] = ()
            for prefix in reversed(_prefixes(name)[:-1]):
                if prefix in self._use_exact:
                    ids = tuple(self._use_exact[prefix])
                    break
            if not ids and name not in taxonomy.data_uses():
                raise UnknownName("purpose", name, list(purposes), taxonomy.data_uses())
            found = (ids, True)
        self._purpose_memo[name] = found
        return found

    def _check_name(self, kind: str, name: str | None, table: dict[str, Any]) -> None:
        if name is not None and name not in table:
            raise UnknownName(kind, name, list(table))

    # -- per-purpose facts

    def _rejection(self, what: str, diag: Diagnostic) -> Reason:
        """A reason from an error-level finding: "<what> is declared, but ...: CODE message"."""
        because = _BASIS_WHAT.get(diag.category, "the linter rejects it")
        text = f"{what} is declared, but {because}" if not what.endswith(", which") else \
            f"{what} the linter rejects"
        return Reason(f"{text}: {diag.code} {diag.message}", diag.span,
                      code=diag.code,
                      fix=diag.hint or f"fix the finding (see `privacy-dsl explain {diag.code}`)")

    def _purpose_facts(self, p: m.Purpose) -> _PurposeFacts:
        label = f"purpose `{p.id}`"
        blocking: list[Reason] = []
        own = self.findings.denying(("purpose", p.id))
        if not p.bases and not any(d.category == "lawfulness" for d in own):
            blocking.append(Reason(f"{label} states no legal basis (GDPR Art. 6(1))", p.span,
                                   fix=f"add `basis <consent | contract | legal_obligation | vital_interests | "
                                       f"public_task | legitimate_interests>` to {label}"))
        blocking.extend(self._rejection(label, d) for d in own)
        deps: list[DeclKey] = []
        if p.consent is not None:
            deps.append(("consent", p.consent.name))
        deps.extend(("transfer", r.name) for r in p.transfers)
        deps.extend(("recipient", r.name) for r in p.recipients)
        for kind, ident in deps:
            word = "consent mechanism" if kind == "consent" else kind
            blocking.extend(self._rejection(f"{label} relies on {word} `{ident}`, which", d)
                            for d in self.findings.denying((kind, ident)))

        conditions: list[Condition] = []
        bases = tuple(b.basis.value for b in p.bases)
        for b in p.bases:
            conditions.append(self._basis_condition(p, b))
        if p.special_condition is not None:
            sc = p.special_condition
            conditions.append(Condition("special_condition", f"special-category data only under GDPR Art. 9(2): "
                                        f"{sc.condition.value}" + (f" ({sc.citation})" if sc.citation else ""),
                                        sc.span))
        if p.retention:
            conditions.append(Condition("retention", "keep: " + "; ".join(str(r) for r in p.retention),
                                        p.span_of("retention")))
        recs = self.model.recipients
        if p.recipients:
            shown = []
            for ref in p.recipients:
                rec = recs.get(ref.name)
                detail = [x for x in ((rec.role.value if rec and rec.role else None),
                                      ", ".join(rec.countries) if rec and rec.countries else None) if x]
                shown.append(ref.name + (f" ({', '.join(detail)})" if detail else ""))
            conditions.append(Condition("recipients", "may be disclosed to " + ", ".join(shown),
                                        p.span_of("recipients")))
        transfers = self.model.transfers
        for ref in p.transfers:
            t = transfers.get(ref.name)
            if t is None:
                continue
            where = t.country or "an unstated country"
            who = f" ({t.recipient.name})" if t.recipient else ""
            how = t.mechanism.value if t.mechanism else "no stated transfer tool"
            conditions.append(Condition("transfers", f"transferred to {where}{who} under {how} "
                                        f"(`transfer {t.id}`)", ref.span))
        subject_condition = None
        if p.subjects:
            subject_condition = Condition("subjects", "only for " + ", ".join(r.name for r in p.subjects),
                                          p.span_of("subjects"))
        listed = [r.name for r in p.categories]
        granted = Reason(f"{label} lists {', '.join(listed) or 'no categories'}" +
                         (f" and rests on {', '.join(bases)}" if bases else ""),
                         p.span_of("categories"))
        return _PurposeFacts(
            purpose=p, categories=frozenset(listed), subjects=tuple(r.name for r in p.subjects),
            recipients=frozenset(r.name for r in p.recipients), basis=bases, conditions=tuple(conditions),
            subject_condition=subject_condition, blocking=tuple(blocking), granted=granted, name=_text(p.name))

    def _basis_condition(self, p: m.Purpose, b: m.LegalBasis) -> Condition:
        kind = b.basis
        span = b.span
        if kind is m.BasisKind.CONSENT:
            mech = self.model.consents.get(p.consent.name) if p.consent else None
            if p.consent is None:
                text = "only with the subject's consent (the policy names no consent mechanism)"
            else:
                method = f" ({', '.join(x.value for x in mech.methods)})" if mech is not None and mech.methods else ""
                text = f"only with the subject's consent, given through `{p.consent.name}`{method}"
                if mech is not None and mech.shown_in:  # not asked elsewhere: no consent there
                    text += f", which is asked only in {', '.join(mech.shown_in)}"
                span = p.span_of("consent")
            return Condition("consent", text, span)
        if kind is m.BasisKind.CONTRACT:
            return Condition("contract", "only as far as necessary for a contract with the subject "
                             "(GDPR Art. 6(1)(b))", span)
        if kind is m.BasisKind.LEGAL_OBLIGATION:
            law = f": {b.citation}" if b.citation else ""
            return Condition("legal_obligation", f"only as far as the law requires{law} (GDPR Art. 6(1)(c))", span)
        if kind is m.BasisKind.LEGITIMATE_INTERESTS:
            return Condition("objection", "the subject may object; stop unless the interest overrides theirs "
                             "(GDPR Art. 21(1); for direct marketing always stop, Art. 21(3))", span)
        if kind is m.BasisKind.PUBLIC_TASK:
            law = f": {b.citation}" if b.citation else ""
            return Condition("public_task", f"only for the task in the public interest{law} (GDPR Art. 6(1)(e))",
                             span)
        return Condition("vital_interests", "only to protect someone's life (GDPR Art. 6(1)(d))", span)

    # -- questions

    def permits(self, purpose: str, categories: str | Iterable[str] = (), subject: str | None = None,
                recipient: str | None = None) -> Decision:
        """May ``purpose`` use ``categories`` (for ``subject``, disclosing to ``recipient``)?

        Raises ``UnknownName`` for a name the policy does not declare and that is no taxonomy key.
        """
        asked = (categories,) if isinstance(categories, str) else tuple(categories)
        ids, by_use = self.resolve_purpose(purpose)
        resolved = [(a, self.resolve_category(a)) for a in asked]
        self._check_name("subject", subject, self.model.subjects)
        self._check_name("recipient", recipient, self.model.recipients)
        if not by_use:
            return self._decide(ids[0], purpose, asked, resolved, subject, recipient)
        candidates = tuple(self._decide(i, purpose, asked, resolved, subject, recipient) for i in ids)
        for c in candidates:
            if c.allowed:
                return _replace_candidates(c, candidates)
        if candidates:
            reasons = tuple(r for c in candidates for r in c.reasons)
        else:
            reasons = (Reason(f"the policy declares no purpose with data use `{purpose}`",
                              fix=f"declare a purpose with `use {purpose}` (or a key under it)"),)
        return Decision(allowed=False, asked=purpose, categories=asked, subject=subject, recipient=recipient,
                        reasons=reasons, candidates=candidates)

    def _decide(self, pid: str, asked_purpose: str, asked: tuple[str, ...],
                resolved: Sequence[tuple[str, tuple[str, ...]]], subject: str | None,
                recipient: str | None) -> Decision:
        facts = self._facts[pid]
        p = facts.purpose
        label = f"purpose `{pid}`"
        reasons: list[Reason] = list(facts.blocking)
        covered: list[str] = []
        missing: list[str] = []
        for name, ids in resolved:
            if not ids:
                reasons.append(Reason(f"the policy declares no category of kind `{name}`", p.span_of("categories"),
                                      fix=f"declare a category with `taxonomy {name}` and list it in "
                                          f"`categories` of {label}"))
                continue
            for ident in ids:
                if ident not in covered:
                    covered.append(ident)
                if ident not in facts.categories and ident not in missing:
                    missing.append(ident)
                reasons.extend(self._category_errors.get(ident, ()))
        if missing:
            listed = ", ".join(sorted(facts.categories)) or "none"
            reasons.append(Reason(
                f"{label} does not list {', '.join(missing)} in its categories (it lists {listed})",
                p.span_of("categories"),
                fix=f"add {', '.join(missing)} to `categories` of {label}, if the purpose needs it: data must be "
                    f"limited to what the purpose needs (GDPR Art. 5(1)(c)) and the notice must say so "
                    f"(Art. 13(1)(c))"))
        conditions = facts.conditions
        if subject is not None and facts.subjects and subject not in facts.subjects:
            reasons.append(Reason(f"{label} is only for {', '.join(facts.subjects)}, not `{subject}`",
                                  p.span_of("subjects"),
                                  fix=f"add `{subject}` to `subjects` of {label}, if the purpose applies to them"))
        elif subject is None and facts.subject_condition is not None:
            conditions = (facts.subject_condition, *conditions)
        if recipient is not None and recipient not in facts.recipients:
            listed = ", ".join(r.name for r in p.recipients) or "none"
            reasons.append(Reason(f"{label} does not disclose data to `{recipient}` (it lists {listed})",
                                  p.span_of("recipients"),
                                  fix=f"add `{recipient}` to `recipients` of {label} (and a transfer if it is "
                                      f"outside the EEA)"))
        allowed = not reasons
        if allowed:
            reasons = [facts.granted]
        return Decision(allowed=allowed, asked=asked_purpose, categories=asked, purpose=pid, name=facts.name,
                        uses=p.uses, covered=tuple(covered), subject=subject, recipient=recipient, basis=facts.basis,
                        conditions=conditions, reasons=tuple(reasons), span=p.span)

    def purposes_for(self, category: str, subject: str | None = None) -> tuple[Decision, ...]:
        """Every purpose that lists a category ``category`` covers, with its decision."""
        ids = self.resolve_category(category)
        self._check_name("subject", subject, self.model.subjects)
        wanted = set(ids)
        out = []
        for pid, facts in self._facts.items():
            matching = tuple(c for c in facts.purpose.categories if c.name in wanted)
            if not matching:
                continue
            if subject is not None and facts.subjects and subject not in facts.subjects:
                continue
            names = tuple(dict.fromkeys(c.name for c in matching))
            out.append(self._decide(pid, pid, names, [(n, (n,)) for n in names], subject, None))
        return tuple(out)

    def categories_for(self, purpose: str) -> tuple[CategoryInfo, ...]:
        """The categories a purpose (or every purpose under a data-use key) lists."""
        ids, _ = self.resolve_purpose(purpose)
        by_cat: dict[str, list[str]] = {}
        for pid in ids:
            for ref in self._facts[pid].purpose.categories:
                by_cat.setdefault(ref.name, [])
                if pid not in by_cat[ref.name]:
                    by_cat[ref.name].append(pid)
        out = []
        for ident, pids in by_cat.items():
            cat = self.model.categories.get(ident)
            if cat is None:  # an undeclared reference (E200): reported by the linter
                continue
            allowed = any(self._decide(pid, pid, (ident,), [(ident, (ident,))], None, None).allowed for pid in pids)
            out.append(CategoryInfo(ident, _text(cat.name), cat.taxonomy, cat.special.value if cat.special else None,
                                    cat.span, tuple(pids), allowed))
        return tuple(out)

    def cookies(self, needs_consent: bool | None = None, party: str | None = None) -> tuple[CookieInfo, ...]:
        """The declared cookies, optionally only those that need consent / of one party.

        ``party`` is ``first``, ``third`` or ``unstated``.
        """
        if party not in (None, "first", "third", "unstated"):
            raise UnknownName("party", party, ["first", "third", "unstated"])
        out = []
        for c in self.model.cookies:
            info = self._cookie_info(c)
            if needs_consent is not None and info.needs_consent is not needs_consent:
                continue
            if party is not None and (info.party or "unstated") != party:
                continue
            out.append(info)
        return tuple(out)

    def cookie(self, name: str) -> CookieInfo:
        """One cookie by its declared name (a pattern's name, e.g. ``_pk_id.*``, as written)."""
        found = self._cookies_by_name.get(name)
        if found is None:
            raise UnknownName("cookie", name, list(self._cookies_by_name))
        return self._cookie_info(found)

    def declared(self, kind: str, name: str = "") -> tuple[str, str]:
        """The key of a declaration, e.g. ``("purpose", "newsletter")``; ``name`` is ignored for
        ``controller``, ``policy`` and ``rights``. Raises ``UnknownName`` when there is none."""
        if kind in ("controller", "policy", "rights"):
            key = self._singletons.get(kind)
            if key is None:
                raise UnknownName(kind, kind, [])
            return key
        if (kind, name) in self._declared:
            return (kind, name)
        raise UnknownName(kind, name, [k[1] for k in self._declared if k[0] == kind])

    def _cookie_info(self, c: m.Cookie) -> CookieInfo:
        category = c.category.value if c.category else None
        if c.category is m.CookieCategory.STRICTLY_NECESSARY:
            needs, why = False, ("strictly necessary for a service the user asked for: exempt from consent "
                                 "(ePrivacy Art. 5(3), second sentence)")
        elif c.category is None:
            needs, why = True, "no category stated: treated as needing consent (ePrivacy Art. 5(3))"
        else:
            needs, why = True, f"{category} storage is not strictly necessary: it needs consent (ePrivacy Art. 5(3))"
        provider = c.provider or (c.provider_ref.name if c.provider_ref else None)
        codes = tuple(d.code for d in self.findings.at(c.span, Severity.ERROR))
        return CookieInfo(c.name, c.storage.value, category, c.party.value if c.party else None, provider,
                          str(c.expiry) if c.expiry else None, tuple(r.name for r in c.purposes),
                          tuple(r.name for r in c.consents), needs, why, c.span, codes, c.label())

    def recipients(self, country: str | None = None) -> tuple[RecipientInfo, ...]:
        """The declared recipients, optionally only those in (or transferred to) ``country``."""
        wanted = country.upper() if country else None
        if wanted is not None and wanted not in taxonomy.countries():
            raise UnknownName("country", country or "", list(taxonomy.countries()))
        purposes_of: dict[str, list[str]] = {}
        for pid, facts in self._facts.items():
            for ref in facts.purpose.recipients:
                purposes_of.setdefault(ref.name, []).append(pid)
        transfers_of: dict[str, list[m.Transfer]] = {}
        for t in self.model.transfers.values():
            if t.recipient is not None:
                transfers_of.setdefault(t.recipient.name, []).append(t)
        out = []
        for rid, r in self.model.recipients.items():
            ts = transfers_of.get(rid, [])
            if wanted is not None and wanted not in r.countries and all(t.country != wanted for t in ts):
                continue
            codes = tuple(d.code for d in self.findings.get(("recipient", rid), Severity.ERROR))
            out.append(RecipientInfo(rid, _text(r.name), r.role.value if r.role else None, r.countries,
                                     tuple(purposes_of.get(rid, ())), tuple(t.id for t in ts), r.span, codes))
        return tuple(out)

    def transfers(self) -> tuple[TransferInfo, ...]:
        """The declared transfers outside the EEA, with the purposes that name them."""
        purposes_of: dict[str, list[str]] = {}
        for pid, facts in self._facts.items():
            for ref in facts.purpose.transfers:
                purposes_of.setdefault(ref.name, []).append(pid)
        out = []
        for tid, t in self.model.transfers.items():
            codes = tuple(d.code for d in self.findings.get(("transfer", tid), Severity.ERROR))
            out.append(TransferInfo(tid, t.recipient.name if t.recipient else None, t.country,
                                    t.mechanism.value if t.mechanism else None, t.mechanism_detail,
                                    tuple(purposes_of.get(tid, ())), t.span, codes))
        return tuple(out)

    def findings_in(self, kind: str, name: str, level: Severity | None = None) -> tuple[Diagnostic, ...]:
        """Unsuppressed findings inside one declaration, e.g. ``findings_in("purpose", "marketing")``."""
        return tuple(self.findings.get((kind, name), level))

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        """Unsuppressed error-level findings anywhere in the policy."""
        return tuple(d for d in self.diagnostics if d.suppressed is None and d.severity >= Severity.ERROR)

    # -- assertions (the pytest plugin's fixture is a handle)

    def assert_permits(self, purpose: str, categories: str | Iterable[str] = (), subject: str | None = None,
                       recipient: str | None = None) -> Decision:
        """Raise ``AssertionError`` with the reasons and what would make it allowed, unless allowed."""
        __tracebackhide__ = True
        decision = self._asserted(purpose, categories, subject, recipient)
        if not decision.allowed:
            raise AssertionError(f"the privacy policy {self.root} does not allow this use\n{decision.explain()}")
        return decision

    def assert_denies(self, purpose: str, categories: str | Iterable[str] = (), subject: str | None = None,
                      recipient: str | None = None) -> Decision:
        """Raise ``AssertionError`` naming the policy lines that allow it, unless denied."""
        __tracebackhide__ = True
        decision = self._asserted(purpose, categories, subject, recipient)
        if decision.allowed:
            raise AssertionError(f"the privacy policy {self.root} allows this use\n{decision.explain()}")
        return decision

    def _asserted(self, purpose: str, categories: str | Iterable[str], subject: str | None,
                  recipient: str | None) -> Decision:
        __tracebackhide__ = True
        try:
            return self.permits(purpose, categories, subject, recipient)
        except UnknownName as exc:  # point the traceback at the caller's line, not at the lookup
            raise exc.with_traceback(None) from None

    def __repr__(self) -> str:
        return (f"<PolicyHandle {self.root}: {len(self.model.purposes)} purposes, "
                f"{len(self.model.categories)} categories, {len(self.model.cookies)} cookies>")


def _prefixes(key: str) -> list[str]:
    """``a.b.c`` -> [``a``, ``a.b``, ``a.b.c``]."""
    parts = key.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def _replace_candidates(decision: Decision, candidates: tuple[Decision, ...]) -> Decision:
    return replace(decision, candidates=candidates)
