"""Semantic resolution: the documents of one policy -> a ``Policy``, before any rule runs.

Checks duplicates and references across all files of the policy (in any order), applies
``defaults`` blocks to the purposes and cookies that do not state a value themselves, and reports
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
        for kind, blocks in defaults.items():
            if len(blocks) > 1:
                self._duplicate("defaults", kind, blocks[1].span, blocks[0].span)
        if defaults["purpose"]:
            for ident, purpose in purposes.items():
                purposes[ident] = _apply_defaults(purpose, defaults["purpose"][0])
        if defaults["cookie"]:
            cookies = [_apply_defaults(c, defaults["cookie"][0]) for c in cookies]

        self._check_references(purposes, cookies, rights)
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
        )

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
                          rights: m.Rights | None) -> None:
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
            self._ref(purpose.consent, "consent", where)
        for cookie in cookies:
            where = cookie.label()
            for ref in cookie.purposes:
                self._ref(ref, "purpose", where)
            self._ref(cookie.consent, "consent", where)
            self._ref(cookie.provider_ref, "recipient", where)
        for transfer in self.tables["transfer"].values():
            self._ref(transfer.recipient, "recipient", f"transfer `{transfer.id}`")
        if rights is not None:
            self._ref(rights.complaints, "authority", "the rights block")


def _apply_defaults(block: Any, defaults: m.Defaults) -> Any:
    update: dict[str, Any] = {}
    spans = dict(block.field_spans)
    for field, value in m.stated(defaults.values).items():
        if field not in block.field_spans:
            update[field] = value
            spans[field] = defaults.field_spans.get(field, defaults.span)
    if not update:
        return block
    update["field_spans"] = spans
    return dataclasses.replace(block, **update)


def resolve(root: str, documents: Iterable[m.Document]) -> tuple[m.Policy, list[Diagnostic]]:
    resolver = _Resolver(root, documents)
    policy = resolver.run()
    return policy, resolver.diagnostics
