"""Semantic resolution: the documents of one policy -> a ``Policy``, before any rule runs.

Checks duplicates and references across all files of the policy (in any order), applies
``defaults`` blocks to the purposes and cookies that do not state a value themselves (a file's own
``defaults ... here`` first, then the policy-wide one; the lists of data and recipients add up, see
``model.MERGED_FIELDS``), and reports
problems as diagnostics (E200-E206) with suggestions.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from ..diagnostics import Diagnostic, builtin, did_you_mean, shorten
from . import model as m

#: Block kind -> the Policy attribute holding blocks of that kind by id.
_TABLES = {
    "authority": "authorities",
    "subject": "subjects",
    "category": "categories",
    "purpose": "purposes",
    "recipient": "recipients",
    "transfer": "transfers",
    "consent": "consents",
    "processing": "processing",
}


class _Resolver:
    def __init__(self, root: str, documents: Iterable[m.Document]) -> None:
        self.root = root
        # By path, so that the result (block order, and so every message that lists blocks) is the
        # same whatever order the files were found or given in.
        self.documents = sorted(documents, key=lambda d: d.path)
        self.diagnostics: list[Diagnostic] = []
        self.tables: dict[str, dict[str, Any]] = {kind: {} for kind in _TABLES}

    def run(self) -> m.Policy:
        info: m.PolicyInfo | None = None
        controllers: list[m.Controller] = []
        cookies: list[m.Cookie] = []
        rights: m.Rights | None = None
        defaults: dict[str, list[m.Defaults]] = {"purpose": [], "cookie": []}
        for doc in self.documents:
            for block in doc.blocks:
                if isinstance(block, m.Controller):
                    if controllers:
                        first = controllers[0].span
                        self.diagnostics.append(builtin(
                            "E206", f"a second controller block; the first is at {first}", block.span,
                            hint="declare joint controllers as recipients with `role joint_controller`",
                            args=(("first", str(first)),)))
                    controllers.append(block)
                elif isinstance(block, m.Cookie):
                    cookies.append(block)
                elif isinstance(block, m.Defaults):
                    defaults[block.target].append(block)
                elif isinstance(block, m.Rights):
                    if rights is not None:
                        self._duplicate("rights", "rights", block.span, rights.span)
                    else:
                        rights = block
                elif isinstance(block, m.PolicyInfo):
                    if info is not None:
                        self._duplicate("policy", block.title, block.span, info.span)
                    else:
                        info = block
                else:
                    table = self.tables[block.kind]
                    ident = block.id
                    if ident in table:
                        self._duplicate(block.kind, ident, block.span, table[ident].span)
                    else:
                        table[ident] = block

        purposes: dict[str, m.Purpose] = self.tables["purpose"]
        chains = {kind: self._chains(kind, blocks) for kind, blocks in defaults.items()}
        # Whose retention is their own: the categories a `defaults purpose` retention names are
        # checked once, at the defaults block, not at every purpose it is given to.
        own_retention = {ident for ident, purpose in purposes.items() if purpose.has("retention")}
        for block in defaults["purpose"]:
            values = block.values
            assert isinstance(values, m.PurposeDefaults)
            for ret in values.retention or ():
                for ref in ret.categories:
                    self._ref(ref, "category", "the `defaults purpose` block")
        if any(chains["purpose"].values()):
            for ident, purpose in purposes.items():
                purposes[ident] = _apply_defaults(purpose, chains["purpose"].get(purpose.span.path, ()))
        if any(chains["cookie"].values()):
            cookies = [_apply_defaults(c, chains["cookie"].get(c.span.path, ())) for c in cookies]

        self._check_references(purposes, cookies, rights, own_retention)
        return m.Policy(
            root=self.root,
            files=tuple(d.path for d in self.documents),
            info=info,
            controllers=tuple(controllers),
            authorities=self.tables["authority"],
            subjects=self.tables["subject"],
            categories=self.tables["category"],
            purposes=purposes,
            recipients=self.tables["recipient"],
            transfers=self.tables["transfer"],
            consents=self.tables["consent"],
            cookies=tuple(cookies),
            rights=rights,
            processing=self.tables["processing"],
        )

    def _chains(self, kind: str, blocks: list[m.Defaults]) -> dict[str, tuple[m.Defaults, ...]]:
        """Per file: the defaults that apply to its blocks of ``kind``, nearest first (its own
        `defaults ... here`, then the policy-wide one). One of each per scope: a second is E201."""
        policy_wide: m.Defaults | None = None
        here: dict[str, m.Defaults] = {}
        for block in blocks:
            if block.scope == "file":
                first = here.setdefault(block.span.path, block)
                if first is not block:
                    self._duplicate("defaults", f"{kind} here", block.span, first.span)
            elif policy_wide is None:
                policy_wide = block
            else:
                self._duplicate("defaults", kind, block.span, policy_wide.span)
        wide = (policy_wide,) if policy_wide is not None else ()
        chains = {doc.path: ((here[doc.path],) if doc.path in here else ()) + wide for doc in self.documents}
        return {path: chain for path, chain in chains.items() if chain}

    def _duplicate(self, kind: str, ident: str, span: m.Span, first: m.Span) -> None:
        self.diagnostics.append(builtin(
            "E201", f"`{kind} {shorten(ident)}` is declared twice; the first is at {first}", span,
            hint="rename one of them or merge the two blocks", args=(("kind", kind), ("id", ident))))

    def _ref(self, ref: m.Ref | None, kind: str, used_by: str) -> None:
        if ref is None:
            return
        table = self.tables[kind]
        if ref.name in table:
            return
        others = [k for k, t in self.tables.items() if ref.name in t and k != kind]
        if others:
            self.diagnostics.append(builtin(
                "E202", f"`{shorten(ref.name)}` is a {others[0]}, but {used_by} needs a {kind}", ref.span,
                hint=f"declare `{kind} {shorten(ref.name)} {{ ... }}` or name a {kind}",
                args=(("name", ref.name), ("expected", kind), ("found", others[0]))))
            return
        guess = did_you_mean(ref.name, table)
        hint = f"did you mean `{guess}`?" if guess else (
            f"declare `{kind} {shorten(ref.name)}` in any file of this policy" + (
                f" (declared {kind}s: {', '.join(sorted(table)[:8])})" if table else ""))
        self.diagnostics.append(builtin(
            "E200", f"{used_by} refers to {kind} `{shorten(ref.name)}`, which is not declared", ref.span, hint=hint,
            args=(("name", ref.name), ("kind", kind))))

    def _check_references(self, purposes: dict[str, m.Purpose], cookies: list[m.Cookie],
                          rights: m.Rights | None, own_retention: set[str]) -> None:
        for purpose in purposes.values():
            where = f"purpose `{purpose.id}`"
            for ref in purpose.categories:
                self._ref(ref, "category", where)
            for ref in purpose.subjects:
                self._ref(ref, "subject", where)
            for ref in purpose.recipients:
                self._ref(ref, "recipient", where)
            for ref in purpose.transfers:
                self._ref(ref, "transfer", where)
            for ret in purpose.retention if purpose.id in own_retention else ():  # `... for logs`
                for ref in ret.categories:
                    self._ref(ref, "category", where)
            self._ref(purpose.consent, "consent", where)
        for cid, category in self.tables["category"].items():
            for ref in category.received_from:
                self._ref(ref, "recipient", f"category `{cid}`")
        for cookie in cookies:
            where = cookie.label()
            for ref in cookie.purposes:
                self._ref(ref, "purpose", where)
            for ref in cookie.consents:
                self._ref(ref, "consent", where)
            self._ref(cookie.provider_ref, "recipient", where)
        for transfer in self.tables["transfer"].values():
            self._ref(transfer.recipient, "recipient", f"transfer `{transfer.id}`")
        if rights is not None:
            self._ref(rights.complaints, "authority", "the rights block")
        for pid, processing in self.tables["processing"].items():
            where = f"processing `{pid}`"
            for kind, refs in (("category", processing.categories), ("subject", processing.subjects),
                               ("transfer", processing.transfers)):
                for ref in refs:
                    self._ref(ref, kind, where)


def _apply_defaults(block: Any, chain: tuple[m.Defaults, ...]) -> Any:
    """``block`` with what ``chain`` (nearest defaults first) gives it: a field it does not state
    takes the nearest default's value; a merged list (``m.MERGED_FIELDS``) is every default's list,
    the farthest first, then the block's own, each reference once. The span of a field stays the
    block's statement when it has one, else it is the nearest default's statement."""
    update: dict[str, Any] = {}
    spans = dict(block.field_spans)
    for defaults in chain:
        for field, value in m.stated(defaults.values).items():
            own = field in block.field_spans
            if field in m.MERGED_FIELDS:
                update[field] = value + update.get(field, getattr(block, field) if own else ())
            elif own or field in update:
                continue
            else:
                update[field] = value
            if not own:
                spans.setdefault(field, defaults.field_spans.get(field, defaults.span))
    if isinstance(block, m.Purpose) and "retention" in update:
        categories = {r.name for r in update.get("categories", block.categories)}
        update["retention"] = _retention_about(update["retention"], categories)
        if not update["retention"]:  # only periods for data this purpose does not have: not stated
            del update["retention"]
            spans.pop("retention", None)
    if not update:
        return block
    for field in m.MERGED_FIELDS & update.keys():
        once: dict[str, m.Ref] = {}
        for ref in update[field]:
            once.setdefault(ref.name, ref)
        update[field] = tuple(once.values())
    update["field_spans"] = spans
    return dataclasses.replace(block, **update)


def _retention_about(retention: tuple[m.Retention, ...], categories: set[str]) -> tuple[m.Retention, ...]:
    """The retention statements of a `defaults purpose` block that are about a purpose with these
    categories: a statement for some categories (``6 months for logs``) is kept for the ones the
    purpose lists, and left out when it lists none of them. A purpose that lists no categories
    gets them all (nothing says which of its data they are about)."""
    if not categories:
        return retention
    out: list[m.Retention] = []
    for ret in retention:
        named = tuple(r for r in ret.categories if r.name in categories)
        if not ret.categories or len(named) == len(ret.categories):
            out.append(ret)
        elif named:
            out.append(dataclasses.replace(ret, categories=named))
    return tuple(out)


def resolve(root: str, documents: Iterable[m.Document]) -> tuple[m.Policy, list[Diagnostic]]:
    resolver = _Resolver(root, documents)
    policy = resolver.run()
    return policy, resolver.diagnostics
