"""The consent banner, generated from the policy: ``export --format klaro`` and ``--format cookieconsent``.

Two open-source consent managers are targeted, each at a named version whose configuration schema
was read from its source:

* **Klaro!** (https://github.com/kiprotect/klaro, BSD-3-Clause) ``KLARO_VERSION``: ``window.klaroConfig``
  (``dist/config.js`` and ``src/consent-manager.js`` of the npm package): *services* grouped by
  *purposes*; each service has ``required``, ``default``, ``optOut``, its ``cookies`` (a name, a
  regular expression as a string starting with ``^``, or ``{pattern, path, domain}``) and
  ``translations`` per language.
* **CookieConsent** (https://github.com/orestbida/cookieconsent, npm ``vanilla-cookieconsent``, MIT)
  ``COOKIECONSENT_VERSION``: ``CookieConsent.run({...})`` (``types/index.d.ts`` of the npm package):
  *categories* with ``enabled``, ``readOnly`` and ``autoClear.cookies`` (a name or a ``RegExp``), and
  per-language ``consentModal`` / ``preferencesModal`` texts with a cookie table per category.

What the policy decides, for both:

* A cookie's banner category is its ``category``; ``strictly_necessary`` and ``security`` (the
  categories CK001 exempts), and a cookie without a category whose every purpose's data uses are
  essential, are *necessary*: always on, not optional (Klaro ``required: true``, CookieConsent
  ``readOnly: true, enabled: true``). Every other cookie is off until the visitor opts in (Klaro
  ``default: false``, ``optOut: false``; CookieConsent ``mode: "opt-in"``, ``enabled: false``). A cookie
  with neither a category nor a purpose needs consent too, in the category *other*.
* "Reject all" is on the first layer beside "accept all", as prominent (CON008; Klaro
  ``hideDeclineAll: false``, CookieConsent ``acceptNecessaryBtn`` with ``equalWeightButtons: true``).
* Every cookie is listed with its name or pattern (a ``pattern`` name as the regular expression each
  library expects: ``*`` is any text, a name without ``*`` a prefix), its domains, expiry,
  provider and purposes, so the manager can delete them when consent is refused or withdrawn.
* The banner is in every language the policy declares that has a message catalogue (the notice's
  languages, ``privacy_dsl/locale``): the fixed wording from the catalogue (``banner_*`` keys), the
  policy's texts in that language (a missing one is EXP004, and another language's text is used).
* A policy whose cookie consent the linter rejects (browser settings, continued browsing, opt-out,
  no reject button, a cookie wall) still gets a banner that asks properly: opt-in, reject beside
  accept. It is said on standard error (EXP030, EXP031), because the site then does what the policy
  does not say, and the policy should be corrected to match. A policy without cookies is refused
  (EXP034): there is nothing to ask.

The output is a JavaScript file. Every value is written with ``json.dumps``, then ``<``, ``>``, ``&``,
U+2028 and U+2029 are written as ``\\u`` escapes, so no policy text can end a ``<script>`` element,
open a comment or end a JavaScript string; CookieConsent renders its texts as HTML, so its texts are
HTML-escaped first, and Klaro is told ``htmlTexts: false``. Links are only ``http(s)`` URLs.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..diagnostics import Diagnostic, builtin
from ..language import model as m

KLARO_VERSION = "0.7.22"
COOKIECONSENT_VERSION = "3.1.0"
FORMATS = ("klaro", "cookieconsent")

#: The banner category of strictly necessary cookies, and of cookies the policy gives no category.
NECESSARY = "necessary"
OTHER = "other"
#: The banner categories, in the order they are shown.
ORDER = (NECESSARY, *(c.value for c in m.CookieCategory if c.value not in ("strictly_necessary", "security")), OTHER)


@dataclass(frozen=True, slots=True)
class JsRegExp:
    """A JavaScript ``RegExp`` in the output (``new RegExp("...")``): CookieConsent matches a cookie
    name given as a string exactly, and as a ``RegExp`` by ``test``."""

    source: str


@dataclass
class _Group:
    key: str
    cookies: list[m.Cookie] = field(default_factory=list)


def js_regex(name: str, pattern: bool) -> str:
    """The regular expression (JavaScript syntax) a declared name matches, anchored at both ends: a
    ``pattern`` name has ``*`` as any text, or is a prefix when it has no ``*`` (as verify-cookies
    reads it)."""
    if not pattern:
        return "^" + _js_escape(name) + "$"
    parts = name.split("*") if "*" in name else [name, ""]
    return "^" + ".*".join(_js_escape(part) for part in parts) + "$"


_REGEX_SPECIAL = frozenset("\\^$.|?*+()[]{}/-")


def _js_escape(text: str) -> str:
    return "".join("\\" + ch if ch in _REGEX_SPECIAL else ch for ch in text)


def banner_languages(policy: m.Policy, requested: Iterable[str] = ()) -> tuple[list[str], list[Diagnostic]]:
    """The banner's languages: ``requested`` (each with a catalogue: the caller checks), else the
    languages the policy declares that have a message catalogue (EXP032 for the others), else ``en``."""
    from ..locale import available

    wanted = list(dict.fromkeys(requested))
    if wanted:
        return wanted, []
    have = available()
    out: list[str] = []
    problems: list[Diagnostic] = []
    info = policy.info
    for ref in info.languages if info is not None else ():
        lang = ref.name if ref.name in have else ref.name.split("-", 1)[0]
        if lang in have:
            if lang not in out:
                out.append(lang)
            continue
        problems.append(builtin("EXP032", None, ref.span, args=(("lang", ref.name), ("available", ", ".join(have))),
                                hint="add a catalogue (`python scripts/regen_catalogues.py --new "
                                     f"{ref.name}`, see docs/notice.md#languages), or export with `--lang`"))
    return out or ["en"], problems


class _Banner:
    """What both formats share: the categories and their cookies, the texts in each language, and
    the findings."""

    def __init__(self, policy: m.Policy, langs: list[str]) -> None:
        from ..outputs.notice.catalogue import phrases_for

        self.policy = policy
        self.langs = langs
        self.phrases = {lang: phrases_for(lang) for lang in langs}
        self.problems: list[Diagnostic] = []
        self.groups: dict[str, _Group] = {}
        for cookie in policy.cookies:
            key = self.category_of(cookie)
            self.groups.setdefault(key, _Group(key)).cookies.append(cookie)
        self.groups = {k: self.groups[k] for k in ORDER if k in self.groups}
        if not policy.cookies:
            span = policy.info.span if policy.info is not None else m.Span(
                policy.files[0] if policy.files else policy.root, 1, 1, 1, 1)
            self.problems.append(builtin("EXP034", None, span,
                                         hint="declare the cookies the site sets (`privacy-dsl cookies` suggests "
                                              "declarations); a site without them needs no banner"))
        self.check_consent()

    # -- categories
    def category_of(self, cookie: m.Cookie) -> str:
        from ..lint.rules.base import all_uses_under
        from ..lint.rules.cookies import EXEMPT_CATEGORIES, EXEMPT_USES

        if cookie.category is not None:
            return NECESSARY if cookie.category in EXEMPT_CATEGORIES else cookie.category.value
        purposes = self.policy.purposes_of(cookie)
        if purposes and all(all_uses_under(p, *EXEMPT_USES) for p in purposes):
            return NECESSARY
        return OTHER

    def check_consent(self) -> None:
        """EXP030/EXP031: what the banner asks differently from what the policy says (one finding per
        mechanism and fact), and EXP033: what it cannot delete."""
        unasked: list[m.Cookie] = []
        seen: set[str] = set()
        for key, group in self.groups.items():
            if key == NECESSARY:
                continue
            for cookie in group.cookies:
                self.check_clearable(cookie, key)
                refs = self.policy.consents_of(cookie)
                if not refs:
                    unasked.append(cookie)
                for ref in refs:
                    mech = self.policy.consents.get(ref.name)
                    if mech is None or mech.id in seen:
                        continue
                    seen.add(mech.id)
                    self.check_mechanism(mech)
        if unasked:
            labels = [c.label() for c in unasked]
            named = ", ".join(labels[:4]) + (f" and {len(labels) - 4} more" if len(labels) > 4 else "")
            self.problems.append(builtin(
                "EXP030", None, unasked[0].span, message_id="no-mechanism", args=(("cookies", named),),
                hint="declare the banner: `consent cookie_banner { method opt_in  reject_button }` and "
                     "`consent cookie_banner` on the cookies or their purposes"))

    def check_mechanism(self, mech: m.ConsentMechanism) -> None:
        args = (("consent", mech.id),)
        if not mech.methods:
            self.problems.append(builtin("EXP030", None, mech.span, message_id="no-method", args=args,
                                         hint="say how it asks: `method opt_in`"))
        elif mech.invalid_methods:
            methods = ", ".join(f"`{x.value}`" for x in mech.invalid_methods)
            self.problems.append(builtin(
                "EXP030", None, mech.span_of_method(mech.invalid_methods[0]), message_id="invalid-method",
                args=(*args, ("methods", methods)),
                hint="once the banner is live, the policy should say so: `method opt_in` (CON003, CON004)"))
        if mech.reject_button is False:
            self.problems.append(builtin("EXP031", None, mech.span_of("reject_button"), message_id="no-reject",
                                         args=args, hint="once the banner is live: `reject_button yes` (CON008)"))
        elif mech.reject_button is None:
            self.problems.append(builtin("EXP031", None, mech.span, message_id="reject-not-stated", args=args,
                                         hint="once the banner is live: `reject_button yes` (CON008)"))
        if mech.condition_of_service:
            self.problems.append(builtin("EXP031", None, mech.span_of("condition_of_service"), message_id="wall",
                                         args=args, hint="once the banner is live: `condition_of_service no` (CON002)"))

    def check_clearable(self, cookie: m.Cookie, key: str) -> None:
        args = (("item", cookie.label()), ("category", key))
        if cookie.name is None:
            self.problems.append(builtin("EXP033", None, cookie.span, message_id="unnamed", args=args,
                                         hint="name it (`cookie NAME`, or a `pattern`) if the site sets it"))
        elif cookie.storage is not m.StorageKind.COOKIE:
            self.problems.append(builtin("EXP033", None, cookie.span, message_id="storage", args=args,
                                         hint="remove it in the site's code when consent is refused: see "
                                              "docs/banner.md#what-the-manager-cannot-delete"))

    # -- texts
    def text(self, text: m.Text | None, span: m.Span, what: str, lang: str) -> str | None:
        """Policy text in ``lang``; another language's, reported (EXP004), when it has none."""
        if text is None:
            return None
        if lang in text.by_lang:
            return text.by_lang[lang]
        if text.plain is not None:
            return text.plain
        if not text.by_lang:
            return None
        other, value = next(iter(text.by_lang.items()))
        self.problems.append(builtin("EXP004", None, span, args=(("what", what), ("lang", lang), ("other", other)),
                                     hint=f'add `{lang} "..."` to the text'))
        return value

    def category_title(self, key: str, lang: str) -> str:
        p = self.phrases[lang]
        if key == NECESSARY:
            return _upper_first(p.cookie_categories["strictly_necessary"])
        if key == OTHER:
            return p.banner_other
        return _upper_first(p.cookie_categories[key])

    def purposes_text(self, cookies: Iterable[m.Cookie], lang: str) -> str:
        """The names of the purposes the cookies serve, each once, in the order first named."""
        names: dict[str, str] = {}
        for cookie in cookies:
            for ref in cookie.purposes:
                purpose = self.policy.purposes.get(ref.name)
                if purpose is None or ref.name in names:
                    continue
                names[ref.name] = self.text(purpose.name, purpose.span_of("name"), f"purpose `{ref.name}` name",
                                            lang) or ref.name
        return "; ".join(names.values())

    def category_description(self, key: str, lang: str) -> str:
        p = self.phrases[lang]
        purposes = self.purposes_text(self.groups[key].cookies, lang)
        head = p.banner_necessary if key == NECESSARY else ""
        tail = f"{p.cookie_columns[4]}: {purposes}." if purposes else ""
        return " ".join(x for x in (head, tail) if x)

    def cookie_name(self, cookie: m.Cookie, lang: str) -> str:
        p = self.phrases[lang]
        name = cookie.name if cookie.name is not None else p.unnamed
        if cookie.storage is not m.StorageKind.COOKIE:
            name += f" ({p.storage[cookie.storage.value]})"
        return name

    def expiry(self, cookie: m.Cookie, lang: str) -> str:
        from ..outputs.notice import expiry_text

        return expiry_text(self.phrases[lang], cookie.expiry)

    def provider(self, cookie: m.Cookie, lang: str) -> str:
        if cookie.provider is not None:
            return cookie.provider
        if cookie.provider_ref is not None:
            recipient = self.policy.recipients.get(cookie.provider_ref.name)
            if recipient is not None:
                return self.text(recipient.name, recipient.span_of("name"), f"recipient `{recipient.id}` name",
                                 lang) or recipient.id
            return cookie.provider_ref.name
        controller = self.policy.controller
        if cookie.party is m.Party.FIRST and controller is not None:
            return controller.name
        return self.phrases[lang].not_stated

    def cookie_purpose(self, cookie: m.Cookie, lang: str) -> str:
        parts = [self.purposes_text((cookie,), lang)]
        description = self.text(cookie.description, cookie.span_of("description"), f"{cookie.label()} description",
                                lang)
        if description:
            parts.append(description)
        return ". ".join(x for x in parts if x)

    def privacy_url(self) -> str | None:
        info = self.policy.info
        url = info.url if info is not None else None
        return url if url and re.match(r"https?://[^\s<>\"']+$", url) else None

    def consent_days(self) -> int | None:
        """How long a choice is kept, from the shortest ``valid_for`` of the mechanisms the cookies use."""
        days = [mech.valid_for.days for cookie in self.policy.cookies for ref in self.policy.consents_of(cookie)
                if (mech := self.policy.consents.get(ref.name)) is not None and mech.valid_for is not None]
        return max(1, int(min(days))) if days else None

    def finish(self) -> list[Diagnostic]:
        unique = {(d.code, d.span.path, d.span.line, d.span.column, d.message): d for d in self.problems}
        return sorted(unique.values(), key=Diagnostic.sort_key)


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _slug(text: str) -> str:
    from .export import fides_key

    return fides_key(text).replace(".", "-").replace("_", "-")


# ---------------------------------------------------------------- Klaro!


def _klaro_cookies(cookies: Iterable[m.Cookie]) -> list[Any]:
    out: list[Any] = []
    for cookie in cookies:
        if cookie.name is None or cookie.storage is not m.StorageKind.COOKIE:
            continue
        # Klaro reads a string that starts with `^` as a regular expression, and any other as the name.
        value = js_regex(cookie.name, cookie.pattern) if cookie.pattern or cookie.name.startswith("^") else cookie.name
        if cookie.domains:
            out.extend({"pattern": value, "path": "/", "domain": domain} for domain in cookie.domains)
        else:
            out.append(value)
    return out


def to_klaro(policy: m.Policy, langs: list[str]) -> tuple[dict[str, Any], list[Diagnostic]]:
    """The ``window.klaroConfig`` of Klaro! ``KLARO_VERSION`` for ``policy``, and the findings."""
    b = _Banner(policy, langs)
    services: list[dict[str, Any]] = []
    names: set[str] = set()
    for key, group in b.groups.items():
        by_provider: dict[str, list[m.Cookie]] = {}
        for cookie in group.cookies:
            by_provider.setdefault(b.provider(cookie, langs[0]), []).append(cookie)
        for provider, cookies in by_provider.items():
            base = name = f"{_slug(provider)}-{key.replace('_', '-')}"
            n = 2
            while name in names:
                name, n = f"{base}-{n}", n + 1
            names.add(name)
            required = key == NECESSARY
            translations: dict[str, Any] = {}
            for lang in langs:
                p = b.phrases[lang]
                listed = ", ".join(f"{b.cookie_name(c, lang)} ({b.expiry(c, lang)}"
                                   + (f", {', '.join(c.domains)}" if c.domains else "") + ")" for c in cookies)
                purposes = b.purposes_text(cookies, lang)
                description = " ".join(x for x in (f"{p.cookie_columns[4]}: {purposes}." if purposes else "",
                                                   f"{p.cookie_columns[0]}: {listed}.") if x)
                translations[lang] = {"title": b.provider(cookies[0], lang), "description": description}
            translations = {"zz": translations[langs[0]], **translations}
            services.append({"name": name, "purposes": [key], "required": required, "default": required,
                             "optOut": False, "onlyOnce": False, "cookies": _klaro_cookies(cookies),
                             "translations": translations})
    url = b.privacy_url()
    texts: dict[str, Any] = {}
    for lang in langs:
        p = b.phrases[lang]
        entry: dict[str, Any] = {
            "consentNotice": {"title": p.banner_title, "description": p.banner_intro, "learnMore": p.banner_choose,
                              "changeDescription": p.banner_changed},
            "consentModal": {"title": p.banner_preferences_title, "description": p.banner_preferences_intro},
            "ok": p.banner_accept_all, "acceptAll": p.banner_accept_all, "decline": p.banner_reject_all,
            "acceptSelected": p.banner_save, "save": p.banner_save, "close": p.banner_close,
            "privacyPolicy": {"name": p.banner_privacy_notice,
                              "text": f"{p.banner_more} {{privacyPolicy}}" if url else ""},
            "purposes": {key: {"title": b.category_title(key, lang), "description": b.category_description(key, lang)}
                         for key in b.groups},
            "purposeItem": {"service": p.banner_service, "services": p.banner_services},
            "service": {"purpose": p.cookie_columns[4], "purposes": p.cookie_columns[4],
                        "required": {"title": f"({p.banner_always_on})", "description": p.banner_necessary},
                        "disableAll": {"title": p.banner_toggle_all, "description": p.banner_toggle_all}},
        }
        if url:
            entry["privacyPolicyUrl"] = url
        texts[lang] = entry
    config: dict[str, Any] = {
        "version": 1, "elementID": "klaro", "storageMethod": "cookie", "cookieName": "klaro",
        "htmlTexts": False, "embedded": False, "groupByPurpose": True, "showNoticeTitle": True,
        "default": False, "mustConsent": False, "acceptAll": True, "hideDeclineAll": False, "hideLearnMore": False,
        "noticeAsModal": False, "languages": langs, "purposeOrder": list(b.groups),
        "translations": {"zz": texts[langs[0]], **texts}, "services": services,
    }
    days = b.consent_days()
    if days is not None:
        config["cookieExpiresAfterDays"] = days
    return config, b.finish()


# ---------------------------------------------------------------- CookieConsent


def to_cookieconsent(policy: m.Policy, langs: list[str]) -> tuple[dict[str, Any], list[Diagnostic]]:
    """The configuration of CookieConsent ``COOKIECONSENT_VERSION`` (``CookieConsent.run``) for
    ``policy``, and the findings. Its texts are HTML (the library renders them as such): escaped."""
    b = _Banner(policy, langs)
    e = html.escape
    categories: dict[str, Any] = {}
    for key, group in b.groups.items():
        necessary = key == NECESSARY
        entry: dict[str, Any] = {"enabled": necessary, "readOnly": necessary}
        clear: list[dict[str, Any]] = []
        for cookie in group.cookies:
            if cookie.name is None or cookie.storage is not m.StorageKind.COOKIE:
                continue
            name: str | JsRegExp = JsRegExp(js_regex(cookie.name, True)) if cookie.pattern else cookie.name
            clear.extend([{"name": name, "domain": d} for d in cookie.domains] or [{"name": name}])
        if clear and not necessary:
            entry["autoClear"] = {"cookies": clear}
        categories[key] = entry
    url = b.privacy_url()
    translations: dict[str, Any] = {}
    for lang in langs:
        p = b.phrases[lang]
        headers = {"name": p.cookie_columns[0], "domain": p.banner_domain, "expiry": p.cookie_columns[5],
                   "provider": p.cookie_columns[1], "purpose": p.cookie_columns[4]}
        sections: list[dict[str, Any]] = [{"title": e(p.banner_preferences_title),
                                           "description": e(p.banner_preferences_intro)}]
        for key, group in b.groups.items():
            body = [{"name": e(b.cookie_name(c, lang)), "domain": e(", ".join(c.domains)),
                     "expiry": e(b.expiry(c, lang)), "provider": e(b.provider(c, lang)),
                     "purpose": e(b.cookie_purpose(c, lang))} for c in group.cookies]
            sections.append({"title": e(b.category_title(key, lang)),
                             "description": e(b.category_description(key, lang)), "linkedCategory": key,
                             "cookieTable": {"caption": e(b.category_title(key, lang)),
                                             "headers": {k: e(v) for k, v in headers.items()}, "body": body}})
        link = f'<a href="{e(url)}">{e(p.banner_privacy_notice)}</a>' if url else ""
        if link:
            sections.append({"title": e(p.banner_more), "description": link})
        consent_modal: dict[str, Any] = {
            "title": e(p.banner_title), "description": e(p.banner_intro), "acceptAllBtn": e(p.banner_accept_all),
            "acceptNecessaryBtn": e(p.banner_reject_all), "showPreferencesBtn": e(p.banner_choose),
            "revisionMessage": e(p.banner_changed)}
        if link:
            consent_modal["footer"] = link
        translations[lang] = {
            "consentModal": consent_modal,
            "preferencesModal": {"title": e(p.banner_preferences_title), "acceptAllBtn": e(p.banner_accept_all),
                                 "acceptNecessaryBtn": e(p.banner_reject_all), "savePreferencesBtn": e(p.banner_save),
                                 "closeIconLabel": e(p.banner_close), "sections": sections}}
    config: dict[str, Any] = {
        "mode": "opt-in", "autoShow": True, "manageScriptTags": True, "autoClearCookies": True,
        "disablePageInteraction": False,
        "guiOptions": {"consentModal": {"layout": "box", "position": "bottom right", "equalWeightButtons": True,
                                        "flipButtons": False},
                       "preferencesModal": {"layout": "box", "equalWeightButtons": True, "flipButtons": False}},
        "categories": categories,
        "language": {"default": langs[0], "autoDetect": "document", "translations": translations},
    }
    days = b.consent_days()
    if days is not None:
        config["cookie"] = {"name": "cc_cookie", "expiresAfterDays": days}
    return config, b.finish()


# ---------------------------------------------------------------- JavaScript

_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_UNSAFE_RE = re.compile("[<>&\u2028\u2029]")


def js_string(value: str) -> str:
    """A JavaScript string literal that is safe anywhere in a page: inside ``<script>`` (no ``</script``,
    no ``<!--``), in a file, and in engines older than ES2019 (U+2028 and U+2029 escaped)."""
    return _UNSAFE_RE.sub(lambda match: _UNSAFE[match.group()], json.dumps(value, ensure_ascii=False))


def js_value(value: Any, indent: int = 0) -> str:
    """``value`` (dicts, lists, strings, numbers, booleans, None, ``JsRegExp``) as a JavaScript
    expression, indented by two spaces a level."""
    pad, inner = "  " * indent, "  " * (indent + 1)
    if isinstance(value, JsRegExp):
        return f"new RegExp({js_string(value.source)})"
    if isinstance(value, str):
        return js_string(value)
    if value is None or isinstance(value, (bool, int, float)):
        return json.dumps(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{js_string(str(k))}: {js_value(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(f"{inner}{js_value(v, indent + 1)}" for v in value) + f"\n{pad}]"
    raise TypeError(f"cannot write {type(value).__name__} as JavaScript")


def _header(library: str, root: str, include: str) -> str:
    from ..version import __version__

    source = js_string(root)[1:-1].replace("*/", "*\\/")  # a comment that no path can end or break
    return (f"// {library} configuration generated by privacy-dsl {__version__} from \"{source}\".\n"
            f"// {include}\n"
            "// Edit the .privacy files, not this file: it is regenerated (privacy-dsl export).\n")


def render_klaro(config: dict[str, Any], root: str) -> str:
    """The Klaro! config as a script: it sets ``window.klaroConfig``, which klaro.js reads when it loads."""
    return (_header(f"Klaro! {KLARO_VERSION}", root,
                    "Load it before klaro.js (see docs/banner.md); it may also be inlined in a script element.")
            + f"window.klaroConfig = {js_value(config)};\n")


def render_cookieconsent(config: dict[str, Any], root: str) -> str:
    """The CookieConsent config as a script: it keeps it in ``window.cookieConsentConfig`` and runs it."""
    return (_header(f"CookieConsent (vanilla-cookieconsent) {COOKIECONSENT_VERSION}", root,
                    "Load it after cookieconsent.umd.js (see docs/banner.md); it may also be inlined in a "
                    "script element.")
            + f"window.cookieConsentConfig = {js_value(config)};\n"
            + "CookieConsent.run(window.cookieConsentConfig);\n")


def export_banner(policy: m.Policy, fmt: str, langs: list[str]) -> tuple[str, list[Diagnostic]]:
    """The script for ``fmt`` (``klaro`` or ``cookieconsent``) and every finding (EXP032 included)."""
    langs, problems = banner_languages(policy, langs)
    if fmt == "klaro":
        config, found = to_klaro(policy, langs)
        text = render_klaro(config, policy.root)
    elif fmt == "cookieconsent":
        config, found = to_cookieconsent(policy, langs)
        text = render_cookieconsent(config, policy.root)
    else:
        raise ValueError(f"unknown banner format {fmt!r}")
    return text, sorted([*problems, *found], key=Diagnostic.sort_key)
