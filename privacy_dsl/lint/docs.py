"""Documentation generated from the catalogue (``privacy_dsl.lint.catalogue``): ``docs/rules/`` and the code
sections of the command pages (verify-cookies, export, notice, diff). ``python -m privacy_dsl.lint.docs``
writes them; a test checks that they are up to date.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from ..codes import RULE_CATEGORIES, Code, Source
from .catalogue import codes, from_rule
from .rules import REGISTRY
from .rules.base import Rule

CATEGORIES = RULE_CATEGORIES
_GENERATED = ("Generated from the catalogue (`privacy_dsl.lint.catalogue`) by `python -m privacy_dsl.lint.docs`; "
              "do not edit by hand.")


def explain_rule(rule: Rule) -> str:
    """The full documentation of one rule, as Markdown (its catalogue entry's ``explain``)."""
    return from_rule(rule).explain()


def _retired_note(code: Code) -> str:
    return f"Retired; {'use ' + code.redirect if code.redirect else 'no longer reported'}."


def category_page(category: str) -> str:
    entries = [c for c in codes("rule", retired=True) if c.category == category]
    live = [c for c in entries if c.status != "retired"]
    parts = [f"# {category.replace('-', ' ').capitalize()} rules", "",
             "Generated from the rule docstrings by `python -m privacy_dsl.lint.docs`; do not edit by hand.", ""]
    for code in live:
        parts.append(f"- [{code.code} {code.name}](#{code.anchor}): {code.summary}")
    parts.append("")
    for code in entries:
        parts.append(code.explain().replace(f"# {code.code} {code.name}", f"## {code.code} {code.name}", 1)
                     .replace("\n## ", "\n### ").replace("\n### " + code.code, "\n## " + code.code))
    return "\n".join(parts).rstrip() + "\n"


def index_page() -> str:
    lines = ["# Rules", "", _GENERATED,
             "", "| code | name | category | severity | summary |", "| --- | --- | --- | --- | --- |"]
    for code in codes("rule", retired=True):
        summary = _retired_note(code) if code.status == "retired" else code.summary
        lines.append(f"| {code.code} | [{code.name}]({code.page.removeprefix('rules/')}#{code.anchor}) | "
                     f"{code.category} | {code.severity.label} | {summary} |")
    return "\n".join(lines) + "\n"


def input_page() -> str:
    """The input and resolution codes of ``lint`` (E001-E206)."""
    lines = ["# Input and resolution codes", "",
             _GENERATED,
             "", "Codes marked *unusable* make the exit code 2; the others are findings (exit code 1).",
             "", "The others can be ignored in the configuration (`ignore = [\"E200\"]`) or suppressed inline "
             "(`# privacy-dsl: ignore[E200] -- reason`); an unusable file can be neither: see "
             "[what can be ignored or suppressed](../configuration.md#what-can-be-ignored-or-suppressed).", ""]
    for b in codes("input", retired=True):
        if b.status == "retired":
            lines += [f"## {b.code} {b.name}", "", _retired_note(b), ""]
            continue
        lines += [f"## {b.code} {b.name}", "", f"{b.summary}{' (unusable input)' if b.fatal else ''}"
                  f"{'' if b.severity.label == 'error' else f' (a {b.severity.label})'}", "", b.doc, ""]
        if b.messages:
            lines += ["Messages:", "", b.message_list(), ""]
    return "\n".join(lines).rstrip() + "\n"


def _heading_section(source: Source) -> str:
    """The codes of one command as sections: ``## VC001 name``, its severity and its documentation."""
    parts = []
    for c in codes(source, retired=True):
        if c.status == "retired":
            parts += [f"## {c.code} {c.name}", "", _retired_note(c), ""]
            continue
        fatal = ", fatal (exit 2)" if c.fatal else ""
        parts += [f"## {c.code} {c.name}", "", f"{c.severity.label.capitalize()}{fatal}. {c.summary} {c.doc}".rstrip(),
                  ""]
    return "\n".join(parts).rstrip() + "\n"


def _table_section(source: Source, page: str) -> str:
    """The codes of one command documented on ``page`` as a table: code and name (with an anchor),
    severity, when."""
    rows = ["| Code | Severity | When |", "|---|---|---|"]
    for c in codes(source, retired=True):
        if c.page != page:
            continue
        when = _retired_note(c) if c.status == "retired" else c.summary[:1].lower() + c.summary[1:].rstrip(".")
        rows.append(f"| <a id=\"{c.anchor}\"></a>`{c.code}` {c.name} | {c.severity.label} | {when} |")
    return "\n".join(rows) + "\n"


def _statements() -> str:
    from ..language.reference import statement_table

    return statement_table()


#: Hand-written pages that hold a generated section: page (under docs/) -> (what the section is
#: generated from, its generator). The section sits between ``<!-- NAME: generated from SOURCE; do
#: not edit -->`` and ``<!-- NAME: end -->``.
_CODES = ("codes", "privacy_dsl.lint.catalogue")
SECTIONS: dict[str, tuple[tuple[str, str], Callable[[], str]]] = {
    "verify-cookies.md": (_CODES, lambda: _heading_section("verify")),
    "interop.md": (_CODES, lambda: _table_section("export", "interop.md")),
    "ropa.md": (_CODES, lambda: _table_section("export", "ropa.md")),
    "banner.md": (_CODES, lambda: _table_section("export", "banner.md")),
    "notice.md": (_CODES, lambda: _table_section("notice", "notice.md")),
    "diff.md": (_CODES, lambda: _table_section("diff", "diff.md")),
    "language.md": (("statements", "grammar.lark"), _statements),
}


def _markers(name: str, source: str) -> tuple[str, str]:
    return f"<!-- {name}: generated from {source}; do not edit -->", f"<!-- {name}: end -->"


def with_section(page: str, section: str, marker: tuple[str, str] = _CODES) -> str:
    """``page`` with the text between its markers replaced by ``section``."""
    begin, end = _markers(*marker)
    match = re.search(re.escape(begin) + r"\n.*?" + re.escape(end), page, re.S)
    assert match, f"no {begin} ... {end} markers"
    return page[:match.start()] + f"{begin}\n\n{section}\n{end}" + page[match.end():]


_JURISDICTIONS = ("eu", "no", "fr")


def _toml(value: object) -> str:
    """A value as it is written in the TOML configuration."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml(k)} = {_toml(v)}" for k, v in value.items()) + " }" if value else "{}"
    return str(value)


def _option_docs(rule: Rule) -> dict[str, str]:
    """Option name -> the first paragraph of its bullet in the rule's `## Options` section."""
    section = re.search(r"^## Options\n(.*?)(?=^## |\Z)", rule.doc, re.S | re.M)
    out: dict[str, str] = {}
    for bullet in re.split(r"^- (?=`)", section.group(1) if section else "", flags=re.M)[1:]:
        head = re.match(r"`([^`]+)`(?:\s*\([^)]*\))?:?\s*", bullet)
        if head:
            text = " ".join(bullet[head.end():].split("\n\n", 1)[0].split())
            out[head.group(1)] = (text[:1].upper() + text[1:]).replace("|", "\\|")
    return out


def options_page() -> str:
    """Every rule option with its default and the value each jurisdiction profile sets."""
    lines = ["# Rule options and jurisdiction profiles", "",
             "Generated from the rules by `python -m privacy_dsl.lint.docs`; do not edit by hand. How to set them: "
             "[configuration](../configuration.md).", "",
             "| rule | option | default | " + " | ".join(f"`{j}`" for j in _JURISDICTIONS) + " | what it does |",
             "| --- | --- | --- | " + " | ".join("---" for _ in _JURISDICTIONS) + " | --- |"]
    for rule in sorted(REGISTRY.values(), key=lambda r: r.code):
        if rule.options is None:
            continue
        docs = _option_docs(rule)
        link = f"[{rule.code}]({rule.category}.md#{rule.code.lower()}-{rule.name})"
        for name, field in rule.options.pydantic_model().model_fields.items():
            key = field.alias or name
            default = field.get_default(call_default_factory=True)
            profile = [_toml(rule.profiles[j][key]) if key in rule.profiles.get(j, {}) else "" for j in _JURISDICTIONS]
            lines.append(f"| {link} | `{key}` | `{_toml(default)}` | "
                         + " | ".join(f"`{v}`" if v else "" for v in profile) + f" | {docs.get(key, '')} |")
    only = [c for c in codes("rule") if c.jurisdictions]
    lines += ["", "## Rules that only run in some jurisdictions", ""]
    lines += [f"- [{c.code} {c.name}]({c.category}.md#{c.anchor}): "
              f"{', '.join(c.jurisdictions)}" for c in only] or ["None: every rule runs in every jurisdiction."]
    return "\n".join(lines) + "\n"


def generated_pages() -> dict[str, str]:
    """File name -> content of every generated page under docs/rules/."""
    pages = {"README.md": index_page(), "input.md": input_page(), "options.md": options_page()}
    for category in CATEGORIES:
        if any(c.category == category for c in codes("rule", retired=True)):
            pages[f"{category}.md"] = category_page(category)
    return pages


def generated_sections(docs: Path) -> dict[Path, str]:
    """Path -> content of every hand-written page under ``docs`` whose list of codes is generated."""
    return {docs / name: with_section((docs / name).read_text(encoding="utf-8"), make(), marker)
            for name, (marker, make) in SECTIONS.items()}


def write(out: Path) -> list[Path]:
    from ..atomic import atomic_write_text

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in generated_pages().items():
        path = out / name
        atomic_write_text(path, text)
        written.append(path)
    for path, text in generated_sections(out.parent).items():
        atomic_write_text(path, text)
        written.append(path)
    return written


if __name__ == "__main__":
    for p in write(Path(__file__).resolve().parents[2] / "docs" / "rules"):
        print(p)
