"""Rule documentation, generated from each rule's docstring: ``explain`` and ``docs/rules/``."""

from __future__ import annotations

from pathlib import Path

from .rules import REGISTRY
from .rules.base import CATEGORIES, Rule


def explain_rule(rule: Rule) -> str:
    """The full documentation of one rule, as Markdown."""
    head = [
        f"# {rule.code} {rule.name}",
        "",
        f"Category: {rule.category} · default severity: {rule.severity.label}"
        + (f" · jurisdictions: {', '.join(rule.jurisdictions)}" if rule.jurisdictions else ""),
        "",
        rule.summary,
    ]
    body = rule.doc.split("\n", 1)[1].strip() if "\n" in rule.doc else ""
    refs = ["", "## Sources", *(f"- {r}" for r in rule.references)]
    return "\n".join([*head, "", body, *refs]) + "\n"


def category_page(category: str) -> str:
    rules = sorted((r for r in REGISTRY.values() if r.category == category), key=lambda r: r.code)
    parts = [f"# {category.replace('-', ' ').capitalize()} rules", "",
             "Generated from the rule docstrings by `python -m privacy_dsl.docs`; do not edit by hand.", ""]
    for rule in rules:
        parts.append(f"- [{rule.code} {rule.name}](#{rule.code.lower()}-{rule.name}): {rule.summary}")
    parts.append("")
    for rule in rules:
        parts.append(explain_rule(rule).replace(f"# {rule.code} {rule.name}", f"## {rule.code} {rule.name}", 1)
                     .replace("\n## ", "\n### ").replace("\n### " + rule.code, "\n## " + rule.code))
    return "\n".join(parts).rstrip() + "\n"


def index_page() -> str:
    lines = ["# Rules", "", "Generated from the rule docstrings by `python -m privacy_dsl.docs`; do not edit by hand.",
             "", "| code | name | category | severity | summary |", "| --- | --- | --- | --- | --- |"]
    for rule in sorted(REGISTRY.values(), key=lambda r: r.code):
        lines.append(f"| {rule.code} | [{rule.name}]({rule.category}.md#{rule.code.lower()}-{rule.name}) | "
                     f"{rule.category} | {rule.severity.label} | {rule.summary} |")
    return "\n".join(lines) + "\n"


def input_page() -> str:
    """The built-in codes for input and resolution problems (E001-E206)."""
    from .diagnostics import BUILTIN, Severity

    lines = ["# Input and resolution codes", "",
             "Generated from `privacy_dsl.diagnostics.BUILTIN` by `python -m privacy_dsl.docs`; do not edit by hand.",
             "", "Codes marked *unusable* make the exit code 2; the others are findings (exit code 1).", ""]
    for b in BUILTIN.values():
        lines += [f"## {b.code} {b.name}", "", f"{b.summary}{' (unusable input)' if b.fatal else ''}"
                  f"{'' if b.severity == Severity.ERROR else f' (a {b.severity.label})'}", "", b.doc, ""]
    return "\n".join(lines).rstrip() + "\n"


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
    import re

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
             "Generated from the rules by `python -m privacy_dsl.docs`; do not edit by hand. How to set them: "
             "[configuration](../configuration.md).", "",
             "| rule | option | default | " + " | ".join(f"`{j}`" for j in _JURISDICTIONS) + " | what it does |",
             "| --- | --- | --- | " + " | ".join("---" for _ in _JURISDICTIONS) + " | --- |"]
    for rule in sorted(REGISTRY.values(), key=lambda r: r.code):
        if rule.options is None:
            continue
        docs = _option_docs(rule)
        link = f"[{rule.code}]({rule.category}.md#{rule.code.lower()}-{rule.name})"
        for name, field in rule.options.model_fields.items():
            key = field.alias or name
            default = field.get_default(call_default_factory=True)
            profile = [_toml(rule.profiles[j][key]) if key in rule.profiles.get(j, {}) else "" for j in _JURISDICTIONS]
            lines.append(f"| {link} | `{key}` | `{_toml(default)}` | "
                         + " | ".join(f"`{v}`" if v else "" for v in profile) + f" | {docs.get(key, '')} |")
    only = sorted((r for r in REGISTRY.values() if r.jurisdictions), key=lambda r: r.code)
    lines += ["", "## Rules that only run in some jurisdictions", ""]
    lines += [f"- [{r.code} {r.name}]({r.category}.md#{r.code.lower()}-{r.name}): "
              f"{', '.join(r.jurisdictions)}" for r in only] or ["None: every rule runs in every jurisdiction."]
    return "\n".join(lines) + "\n"


def generated_pages() -> dict[str, str]:
    """File name -> content of every generated page under docs/rules/."""
    pages = {"README.md": index_page(), "input.md": input_page(), "options.md": options_page()}
    for category in CATEGORIES:
        if any(r.category == category for r in REGISTRY.values()):
            pages[f"{category}.md"] = category_page(category)
    return pages


def write(out: Path) -> list[Path]:
    from .atomic import atomic_write_text

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in generated_pages().items():
        path = out / name
        atomic_write_text(path, text)
        written.append(path)
    return written


if __name__ == "__main__":
    for p in write(Path(__file__).resolve().parent.parent / "docs" / "rules"):
        print(p)
