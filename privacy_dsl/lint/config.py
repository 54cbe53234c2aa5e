"""Configuration: ``[tool.privacy-dsl]`` in ``pyproject.toml`` or a ``privacy-dsl.toml``.

Found by searching upward from the working directory; ``--config FILE`` names one directly.
Unknown keys and bad values become a ``ConfigError`` with a suggestion, which the CLI reports
with exit code 2 (worded from pydantic's errors, ``extra="forbid"``; a plainly valid table is taken
without importing pydantic: ``Config.model_validate``).

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
import sys
from collections.abc import Callable
from dataclasses import field, fields, replace
from pathlib import Path
from typing import Any, Literal

from ..configfile import ConfigError, Found, explicit_table, find_config
from ..diagnostics import did_you_mean
from ..language.sources import DEFAULT_MAX_FILE_BYTES
from ..records import dataclass

#: HAR captures of real sites are 2-50 MB (minified, one line); a long session with response bodies more.
DEFAULT_MAX_CAPTURE_BYTES = 256 * 1024 * 1024
#: fides manifests are kilobytes (a few hundred systems: ~100 KB); importing reads and formats about
#: 0.5 MB/s here (a 10 MB manifest took 20 s), so 2 MiB bounds an import to a few seconds.
DEFAULT_MAX_MANIFEST_BYTES = 2 * 1024 * 1024

__all__ = ["Config", "ConfigError", "ignored_input_codes", "load_config", "parse_config", "reported_input_codes",
           "selects"]

SeverityName = Literal["error", "warning", "info", "off"]
JURISDICTIONS = ("eu", "no", "fr")


@dataclass(frozen=True)
class Config:
    """The settings of a run. A plain frozen dataclass: ``model_validate`` takes a plainly valid
    table (known keys, values of the right type) itself, and leaves the rest to a pydantic model of
    the same fields (``_pydantic_config``), which converts what it accepts and words what it rejects;
    so a hook's lint imports no pydantic, and every error reads as before."""

    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    jurisdictions: tuple[Literal["eu", "no", "fr"], ...] = ("eu",)
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    max_capture_bytes: int = DEFAULT_MAX_CAPTURE_BYTES
    """Larger HAR files, cookie jars and header files are refused by `verify-cookies` (VC100)."""
    max_manifest_bytes: int = DEFAULT_MAX_MANIFEST_BYTES
    """Larger fides manifests are refused by `import`."""
    policy: str | None = None
    """The policy that `privacy-dsl query` reads when no --policy is given."""
    referred_findings: Literal["info", "first-layer", "keep", "off"] = "info"
    """How a finding is reported when it says the notice does not give something that the notice
    refers to another notice for (`policy { refers_to ... }`): see docs/configuration.md."""
    group_findings: bool = True
    """Findings that say the same about several objects are one finding naming them all, with the
    others as related locations (`lint.facts`); false: one finding per object."""
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)

    #: Where the configuration came from (None: built-in defaults).
    source: str | None = None
    #: Warnings about the configuration that do not stop the run (a retired code read as its successor).
    notes: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        """``Config(select=["E"])`` is validated (and made a tuple) as pydantic's ``Config`` was."""
        given = {name: getattr(self, name) for name in _CHECKS}
        plain = _plainly_valid({k: v for k, v in given.items() if not (k == "policy" and v is None)})
        values = plain if plain is not None else vars(_pydantic_config().model_validate(given))
        for name, value in values.items():
            if name in _CHECKS and value is not given[name]:
                object.__setattr__(self, name, value)

    @classmethod
    def known_keys(cls) -> list[str]:
        """The settings' keys as the configuration writes them."""
        return [f.name.replace("_", "-") for f in fields(cls) if f.name not in ("source", "notes")]

    @classmethod
    def model_construct(cls) -> Config:
        """The defaults."""
        return cls()

    @classmethod
    def model_validate(cls, table: dict[str, Any]) -> Config:
        """The settings of a configuration table (kebab-case keys, or the attribute names);
        ``pydantic.ValidationError`` for a table that is not valid."""
        plain = _plainly_valid(table)
        if plain is not None:
            return cls(**plain)
        validated = _pydantic_config().model_validate(table)
        return cls(**{name: getattr(validated, name) for name in _CHECKS})

    def model_copy(self, update: dict[str, Any]) -> Config:
        return replace(self, **update)

    def model_dump(self, by_alias: bool = False, exclude: set[str] | frozenset[str] = frozenset()) -> dict[str, Any]:
        """The settings as a table ``model_validate`` reads back."""
        return {(name.replace("_", "-") if by_alias else name): getattr(self, name)
                for name in _CHECKS if name not in exclude}


def _strings(value: Any) -> tuple[str, ...] | None:
    return tuple(value) if type(value) in (list, tuple) and all(type(v) is str for v in value) else None


def _positive_int(value: Any) -> int | None:
    return value if type(value) is int and value > 0 else None


#: Each setting -> its value when the given value is plainly valid (the type pydantic would make of
#: it, unchanged), else None; the value None itself is never plainly valid (only `policy` takes it).
_CHECKS: dict[str, Callable[[Any], Any]] = {
    "select": lambda v: _strings(v) or None,  # empty: an error, worded by the validator
    "ignore": _strings,
    "extend_select": _strings,
    "jurisdictions": lambda v: s if (s := _strings(v)) is not None and all(j in JURISDICTIONS for j in s) else None,
    "max_file_bytes": _positive_int,
    "max_capture_bytes": _positive_int,
    "max_manifest_bytes": _positive_int,
    "policy": lambda v: v if type(v) is str else None,
    "referred_findings": lambda v: v if v in ("info", "first-layer", "keep", "off") and type(v) is str else None,
    "group_findings": lambda v: v if type(v) is bool else None,
    "rules": lambda v: dict(v) if type(v) is dict and all(type(k) is str and type(t) is dict for k, t in v.items())
    else None,
}


def _plainly_valid(table: dict[str, Any]) -> dict[str, Any] | None:
    """The settings of ``table`` when each key is known and each value plainly valid, else None."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        name = key.replace("-", "_") if isinstance(key, str) else ""
        check = _CHECKS.get(name)
        if check is None or name in out or ("_" in key and "-" in key):
            return None
        checked = check(value)
        if checked is None:
            return None
        out[name] = checked
    return out


#: The settings whose type the pydantic model makes strict and positive (`true` is an int to Python,
#: and was taken as a limit of 1 byte).
_BYTE_LIMITS = ("max_file_bytes", "max_capture_bytes", "max_manifest_bytes")


def _not_empty(cls: Any, value: tuple[str, ...]) -> tuple[str, ...]:
    if not value:  # an empty selection ran no rule and said "All clear"
        raise ValueError("the list is empty: no rule would run; remove `select` to run the default set "
                         "(\"ALL\"), or name the rules to run")
    return value


def _pydantic_config() -> Any:
    """The pydantic model of the settings, made from ``Config``'s own fields (one declaration):
    what validates a table that is not plainly valid, and words its errors. Built on first use
    (importing pydantic and building it costs ~40 ms)."""
    global _PYDANTIC_CONFIG
    if _PYDANTIC_CONFIG is None:
        from dataclasses import MISSING

        from pydantic import ConfigDict, Field, StrictInt, create_model, field_validator

        definitions: dict[str, Any] = {}
        for f in fields(Config):
            if f.name in ("source", "notes"):
                continue
            default = Field(default_factory=f.default_factory) if f.default_factory is not MISSING else f.default
            if f.name in _BYTE_LIMITS:
                definitions[f.name] = (StrictInt, Field(default=f.default, gt=0))
            else:
                definitions[f.name] = (f.type, default)
        model = create_model(
            "PydanticConfig", __config__=ConfigDict(frozen=True, extra="forbid", populate_by_name=True,
                                                    alias_generator=lambda s: s.replace("_", "-")),
            __validators__={"_not_empty": field_validator("select")(_not_empty)}, **definitions)
        model.model_rebuild(_types_namespace={"Any": Any, "Literal": Literal})
        _PYDANTIC_CONFIG = model
    return _PYDANTIC_CONFIG


_PYDANTIC_CONFIG: Any = None


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
    except Exception as exc:
        if not _invalid(exc):
            raise
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
            except Exception as exc:
                if not _invalid(exc):
                    raise
                raise ConfigError(_explain(exc, f"{source}: [rules.{key}]", rule.options.known_keys())) from None
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
    return config.model_copy(update={"source": source, "notes": tuple(notes)})


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


def _invalid(exc: Exception) -> bool:
    """Whether ``exc`` is pydantic's ``ValidationError`` (pydantic is imported only to raise one)."""
    pydantic = sys.modules.get("pydantic")
    return pydantic is not None and isinstance(exc, pydantic.ValidationError)


def _explain(exc: Any, source: str, known: list[str] | None = None) -> str:
    """The errors of a ``pydantic.ValidationError`` as a user reads them."""
    lines = []
    keys = known if known is not None else Config.known_keys()
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        if err["type"] == "extra_forbidden":
            guess = did_you_mean(str(err["loc"][-1]), keys)
            lines.append(f"{source}: unknown key `{where}`" + (f"; did you mean `{guess}`?" if guess else
                                                                f"; known keys: {', '.join(keys)}"))
        elif err["type"] == "literal_error" and isinstance(err.get("input"), str):
            allowed = re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected", "")))
            guess = did_you_mean(err["input"], allowed)
            lines.append(f"{source}: `{where}`: `{err['input']}` is not one of {', '.join(allowed)}"
                         + (f"; did you mean `{guess}`?" if guess else ""))
        else:
            message = str(err["msg"]).removeprefix("Value error, ")
            lines.append(f"{source}: `{where}`: {message}")
    return "\n".join(lines)
