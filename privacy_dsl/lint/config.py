"""Configuration: ``[tool.privacy-dsl]`` in ``pyproject.toml`` or a ``privacy-dsl.toml``.

Found by searching upward from the working directory; ``--config FILE`` names one directly.
Validated by pydantic with ``extra="forbid"``; unknown keys and bad values become a
``ConfigError`` with a suggestion, which the CLI reports with exit code 2.

Example::

    [tool.privacy-dsl]
    select = ["ALL"]                 # codes, code prefixes, rule names or categories
    ignore = ["HYG002"]
    jurisdictions = ["eu", "no"]

    [tool.privacy-dsl.rules.CK003]   # a code or a rule name
    severity = "warning"             # error | warning | info | off
    max-months = 12
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StrictInt, ValidationError, field_validator

from ..configfile import ConfigError, Found, explicit_table, find_config
from ..diagnostics import did_you_mean
from ..language.sources import DEFAULT_MAX_FILE_BYTES

#: HAR captures of real sites are 2-50 MB (minified, one line); a long session with response bodies more.
DEFAULT_MAX_CAPTURE_BYTES = 256 * 1024 * 1024
#: fides manifests are kilobytes (a few hundred systems: ~100 KB); importing reads and formats about
#: 0.5 MB/s here (a 10 MB manifest took 20 s), so 2 MiB bounds an import to a few seconds.
DEFAULT_MAX_MANIFEST_BYTES = 2 * 1024 * 1024

__all__ = ["Config", "ConfigError", "ignored_input_codes", "load_config", "parse_config", "reported_input_codes",
           "selects"]

SeverityName = Literal["error", "warning", "info", "off"]
JURISDICTIONS = ("eu", "no", "fr")


class Config(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, defer_build=True,
                              alias_generator=lambda s: s.replace("_", "-"))

    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    jurisdictions: tuple[Literal["eu", "no", "fr"], ...] = ("eu",)
    # StrictInt: `true` is an int to Python, and was taken as a limit of 1 byte
    max_file_bytes: StrictInt = Field(default=DEFAULT_MAX_FILE_BYTES, gt=0)
    max_capture_bytes: StrictInt = Field(default=DEFAULT_MAX_CAPTURE_BYTES, gt=0)
    """Larger HAR files, cookie jars and header files are refused by `verify-cookies` (VC100)."""
    max_manifest_bytes: StrictInt = Field(default=DEFAULT_MAX_MANIFEST_BYTES, gt=0)
    """Larger fides manifests are refused by `import`."""
    policy: str | None = None
    """The policy that `privacy-dsl query` reads when no --policy is given."""
    referred_findings: Literal["info", "first-layer", "keep", "off"] = "info"
    """How a finding is reported when it says the notice does not give something that the notice
    refers to another notice for (`policy { refers_to ... }`): see docs/configuration.md."""
    group_findings: bool = True
    """Findings that say the same about several objects are one finding naming them all, with the
    others as related locations (`lint.facts`); false: one finding per object."""
    rules: dict[str, dict[str, Any]] = Field(default_factory=dict)

    #: Where the configuration came from (None: built-in defaults).
    source: str | None = Field(default=None, exclude=True)
    #: Warnings about the configuration that do not stop the run (a retired code read as its successor).
    _notes: tuple[str, ...] = PrivateAttr(default=())

    @property
    def notes(self) -> tuple[str, ...]:
        return self._notes

    @field_validator("select")
    @classmethod
    def _not_empty(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:  # an empty selection ran no rule and said "All clear"
            raise ValueError("the list is empty: no rule would run; remove `select` to run the default set "
                             "(\"ALL\"), or name the rules to run")
        return value


def load_config(explicit: Path | None = None, start: Path | None = None) -> Config:
    if explicit is not None:
        found: Found | None = Found(explicit, explicit_table(explicit))
    else:
        found = find_config(start or Path.cwd())
    if found is None:
        return Config()
    return parse_config(found.table, str(found.path))


def parse_config(table: dict[str, Any], source: str = "<config>") -> Config:
    table, notes = redirected(table, source)
    try:
        # No settings: the defaults, which need no validator (building it costs a cold start).
        config = Config.model_validate({**table}) if table else Config.model_construct()
    except ValidationError as exc:
        raise ConfigError(_explain(exc, source)) from None
    from .catalogue import codes, lookup
    from .rules import BY_NAME, REGISTRY

    configured: dict[str, str] = {}
    for key, settings in config.rules.items():
        rule = REGISTRY.get(key) or BY_NAME.get(key)
        if rule is not None and rule.code in configured:
            raise ConfigError(f"{source}: [rules.{key}] and [rules.{configured[rule.code]}] configure the same rule "
                              f"({rule.code} {rule.name}); merge them into one table")
        if rule is not None:
            configured[rule.code] = key
        if rule is None:
            guess = did_you_mean(key, [*REGISTRY, *BY_NAME])
            known = lookup(key)
            what = (f"; `{known.code}` is reported by `privacy-dsl {known.command}`, it has no settings"
                    if known is not None and known.source != "rule" else "")
            raise ConfigError(f"{source}: [rules.{key}]: no such rule" + (what or (
                f"; did you mean `{guess}`?" if guess else "; see `privacy-dsl rules`")))
        if not isinstance(settings, dict):
            raise ConfigError(f"{source}: [rules.{key}] must be a table, e.g. severity = \"warning\"")
        severity = settings.get("severity")
        if severity is not None and severity not in ("error", "warning", "info", "off"):
            raise ConfigError(f"{source}: [rules.{key}] severity = {severity!r}: "
                              "expected one of error, warning, info, off")
        options = {k: v for k, v in settings.items() if k != "severity"}
        if options:
            if rule.options is None:
                raise ConfigError(f"{source}: [rules.{key}]: rule {rule.code} takes no options "
                                  f"(got {', '.join(options)})")
            try:
                rule.options.model_validate(options)
            except ValidationError as exc:
                known_keys = [f.alias or n for n, f in rule.options.model_fields.items()]
                raise ConfigError(_explain(exc, f"{source}: [rules.{key}]", known_keys)) from None
    lint_codes = codes("rule", "input")
    for selector in (*config.select, *config.ignore, *config.extend_select):
        if not any(selects(selector, c.code, c.name, c.category) for c in lint_codes):
            names = [*(c.code for c in lint_codes), *(c.name for c in lint_codes), *{c.category for c in lint_codes}]
            guess = did_you_mean(selector, names)
            other = lookup(selector)
            why = (f"; `{other.code}` is reported by `privacy-dsl {other.command}`, not by `lint`"
                   if other is not None and other.source not in ("rule", "input") else "")
            raise ConfigError(f"{source}: `{selector}` selects no rule" + (why or (
                f"; did you mean `{guess}`?" if guess else "; see `privacy-dsl rules`")))
    for selector in config.ignore:
        hit = [c for c in lint_codes if selects(selector, c.code, c.name, c.category)]
        if all(c.fatal for c in hit):
            shown = ", ".join(f"{c.code} {c.name}" for c in hit[:3]) + (", ..." if len(hit) > 3 else "")
            raise ConfigError(f"{source}: `ignore` names `{selector}` ({shown}), which makes the input unusable: it "
                              "cannot be ignored; fix the input (see docs/configuration.md, \"What can be ignored "
                              "or suppressed\")")
    config = config.model_copy(update={"source": source})
    config._notes = tuple(notes)
    return config


def redirected(table: dict[str, Any], source: str) -> tuple[dict[str, Any], list[str]]:
    """The raw configuration with every retired code (in ``select``, ``ignore``, ``extend-select``
    and ``[rules.CODE]``) read as its successor, and a warning for each (ruff's rule redirects).
    Cheap: the rules are imported only when a retired code is named."""
    from .catalogue import redirect

    notes: list[str] = []

    def new(selector: str, where: str) -> str | None:
        moved = redirect(selector)
        if moved is None:
            return selector
        old, successor = moved
        notes.append(f"{source}: `{where}` names `{old}`, which is retired; " +
                     (f"read as `{successor}`: write `{successor}` instead" if successor else
                      "it has no successor and is left out: remove it"))
        return successor

    out = dict(table)
    for key in ("select", "ignore", "extend-select", "extend_select"):
        values = table.get(key)
        if isinstance(values, (list, tuple)) and all(isinstance(v, str) for v in values):
            kept = [v for v in (new(s, key.replace("_", "-")) for s in values) if v is not None]
            if kept != list(values):
                if key == "select" and not kept:
                    raise ConfigError(f"{source}: `select` names only retired codes without a successor: "
                                      "no rule would run")
                out[key] = kept
    rules = table.get("rules")
    if isinstance(rules, dict):
        tables = {}
        for key, settings in rules.items():
            successor = new(key, f"[rules.{key}]") if isinstance(key, str) else key
            if successor is not None:
                tables[successor] = settings
        if list(tables) != list(rules):
            out["rules"] = tables
    return out, notes


def ignored_input_codes(config: Config) -> frozenset[str]:
    """The input and resolution codes (E020, E200-E206) that the configuration's ``ignore`` hides:
    those that leave the input usable (``fatal`` codes cannot be ignored)."""
    if not config.ignore:
        return frozenset()
    from .catalogue import codes

    return frozenset(c.code for c in codes("input") if not c.fatal
                     and any(selects(s, c.code, c.name, c.category) for s in config.ignore))


def reported_input_codes(config: Config) -> frozenset[str]:
    """The input and resolution codes a run can report and a suppression can hide."""
    from .catalogue import codes

    ignored = ignored_input_codes(config)
    return frozenset(c.code for c in codes("input") if not c.fatal and c.code not in ignored)


def selects(selector: str, code: str, name: str, category: str) -> bool:
    """ALL, a code (LAW003), a code prefix (LAW), a rule name or a category name."""
    return selector == "ALL" or code.startswith(selector) or selector in (name, category)


def _explain(exc: ValidationError, source: str, known: list[str] | None = None) -> str:
    lines = []
    fields = known if known is not None else [f.alias or n for n, f in Config.model_fields.items()
                                              if n != "source"]
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        if err["type"] == "extra_forbidden":
            guess = did_you_mean(str(err["loc"][-1]), fields)
            lines.append(f"{source}: unknown key `{where}`" + (f"; did you mean `{guess}`?" if guess else
                                                                f"; known keys: {', '.join(fields)}"))
        elif err["type"] == "literal_error" and isinstance(err.get("input"), str):
            allowed = re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected", "")))
            guess = did_you_mean(err["input"], allowed)
            lines.append(f"{source}: `{where}`: `{err['input']}` is not one of {', '.join(allowed)}"
                         + (f"; did you mean `{guess}`?" if guess else ""))
        else:
            message = str(err["msg"]).removeprefix("Value error, ")
            lines.append(f"{source}: `{where}`: {message}")
    return "\n".join(lines)
