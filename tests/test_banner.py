"""``export --format klaro`` and ``--format cookieconsent``: the consent banner's configuration.

The unit tests read the generated configuration (required flags, defaults, translations, patterns,
escaping) as data; the browser tests load it with the real library, taken from the npm registry at
the pinned version, in headless Chromium on a loopback page that sets one cookie per category
through the library's script blocking, click the library's own buttons and read ``document.cookie``
and the library's record of the choice."""

from __future__ import annotations

import functools
import html as html_lib
import http.server
import json
import re
import shutil
import subprocess
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

from privacy_dsl.cli.main import main
from privacy_dsl.interop.banner import (
    COOKIECONSENT_VERSION,
    KLARO_VERSION,
    JsRegExp,
    export_banner,
    js_regex,
    js_string,
    js_value,
    to_cookieconsent,
    to_klaro,
)
from privacy_dsl.lint.loader import load_one

POLICY = """\
policy "Banner test" {
  languages en, nb
  url "https://shop.example/privacy"
}
controller "Shop AS" {
  country NO
  email "privacy@shop.example"
}
consent banner {
  method opt_in
  reject_button
  valid_for 6 months
  withdraw_via footer_button
}
purpose checkout {
  name { en "Checkout" nb "Kasse" }
  use essential.service.operations
  basis contract
}
purpose statistics {
  name { en "Visitor statistics" nb "Besøksstatistikk" }
  use analytics.reporting
  basis consent
  consent banner
}
purpose ads {
  name { en "Advertising" nb "Annonser" }
  use marketing.advertising.third_party.targeted
  basis consent
  consent banner
}
cookie session_id {
  party first
  expiry session
  category strictly_necessary
  purpose checkout
}
cookie "_pk_id.*" {
  pattern
  party first
  expiry 13 months
  category analytics
  purpose statistics
}
cookie _fbp {
  provider "Meta"
  party third
  expiry 90 days
  domains ".shop.example"
  category marketing
  purpose ads
}
"""

BAD_CONSENT = """\
policy "Bad" {
  languages en
}
controller "Bad AS" {
  country NO
}
consent browser {
  method browser_settings
  reject_button no
}
purpose stats {
  name "Statistics"
  use analytics.reporting
  basis consent
  consent browser
}
cookie _ga {
  party first
  expiry 13 months
  category analytics
  purpose stats
}
"""


#: POLICY as the linter rejects it: browser settings, no reject button. The banner asks properly all the same.
BROWSER_SETTINGS = POLICY.replace("method opt_in\n  reject_button\n", "method browser_settings\n  reject_button no\n")


#: POLICY with host-only cookies: the test page's cookies are on 127.0.0.1, which the managers can only
#: delete them from when no other domain is declared (a declared `domains` is where they delete).
HOST_ONLY = POLICY.replace('  domains ".shop.example"\n', "")


def load(tmp_path: Path, text: str = POLICY) -> Any:
    folder = tmp_path / "policy"
    folder.mkdir(exist_ok=True)
    (folder / "policy.privacy").write_text(text, encoding="utf-8")
    return load_one(folder, run_rules=False, refuse_unresolved=True, action="export").policy


# ---------------------------------------------------------------- the configuration as data


def test_klaro_necessary_is_required_and_the_rest_off_until_opted_in(tmp_path: Path) -> None:
    config, problems = to_klaro(load(tmp_path), ["en", "nb"])
    assert problems == []
    assert (config["default"], config["mustConsent"], config["acceptAll"], config["hideDeclineAll"],
            config["htmlTexts"]) == (False, False, True, False, False)
    services = {s["purposes"][0]: s for s in config["services"]}
    assert list(services) == ["necessary", "analytics", "marketing"] == config["purposeOrder"]
    assert services["necessary"]["required"] is True and services["necessary"]["default"] is True
    for key in ("analytics", "marketing"):
        assert (services[key]["required"], services[key]["default"], services[key]["optOut"]) == (False, False, False)
    assert services["necessary"]["cookies"] == ["session_id"]
    assert services["analytics"]["cookies"] == ["^_pk_id\\..*$"]
    assert services["marketing"]["cookies"] == [{"pattern": "_fbp", "path": "/", "domain": ".shop.example"}]
    assert services["marketing"]["name"] == "meta-marketing"
    assert services["marketing"]["translations"]["en"]["title"] == "Meta"
    assert "_fbp (90 days, .shop.example)" in services["marketing"]["translations"]["en"]["description"]
    assert "_fbp (90 dager, .shop.example)" in services["marketing"]["translations"]["nb"]["description"]
    assert config["cookieExpiresAfterDays"] == 182  # valid_for 6 months


def test_klaro_translations_are_in_every_declared_language(tmp_path: Path) -> None:
    config, _ = to_klaro(load(tmp_path), ["en", "nb"])
    tr = config["translations"]
    assert list(tr) == ["zz", "en", "nb"] and tr["zz"] == tr["en"] and config["languages"] == ["en", "nb"]
    assert (tr["en"]["ok"], tr["en"]["decline"]) == ("Accept all", "Reject all")
    assert (tr["nb"]["ok"], tr["nb"]["decline"]) == ("Godta alle", "Avslå alle")
    assert tr["nb"]["purposes"]["analytics"]["description"] == "Formål: Besøksstatistikk."
    assert tr["en"]["purposes"]["marketing"]["title"] == "Marketing"
    assert tr["en"]["privacyPolicyUrl"] == "https://shop.example/privacy"


def test_cookieconsent_categories(tmp_path: Path) -> None:
    config, problems = to_cookieconsent(load(tmp_path), ["en", "nb"])
    assert problems == []
    assert config["mode"] == "opt-in"
    assert config["guiOptions"]["consentModal"]["equalWeightButtons"] is True
    assert config["guiOptions"]["preferencesModal"]["equalWeightButtons"] is True
    cats = config["categories"]
    assert cats["necessary"] == {"enabled": True, "readOnly": True}
    assert (cats["analytics"]["enabled"], cats["analytics"]["readOnly"]) == (False, False)
    assert cats["analytics"]["autoClear"]["cookies"] == [{"name": JsRegExp("^_pk_id\\..*$")}]
    assert cats["marketing"]["autoClear"]["cookies"] == [{"name": "_fbp", "domain": ".shop.example"}]
    en = config["language"]["translations"]["en"]
    assert en["consentModal"]["acceptNecessaryBtn"] == "Reject all"
    assert en["consentModal"]["acceptAllBtn"] == "Accept all"
    sections = en["preferencesModal"]["sections"]
    linked = [s.get("linkedCategory") for s in sections]
    assert linked == [None, "necessary", "analytics", "marketing", None]
    marketing = sections[3]["cookieTable"]["body"]
    assert marketing == [{"name": "_fbp", "domain": ".shop.example", "expiry": "90 days", "provider": "Meta",
                          "purpose": "Advertising"}]
    assert list(config["language"]["translations"]) == ["en", "nb"] and config["language"]["default"] == "en"
    assert config["cookie"] == {"name": "cc_cookie", "expiresAfterDays": 182}


@pytest.mark.parametrize(("name", "pattern", "regex", "matches", "misses"), [
    ("_pk_id.*", True, "^_pk_id\\..*$", ["_pk_id.1.abcd", "_pk_id."], ["_pk_idx", "x_pk_id.1"]),
    ("_ga", True, "^_ga.*$", ["_ga", "_ga_XYZ"], ["x_ga"]),
    ("_ga", False, "^_ga$", ["_ga"], ["_ga_XYZ"]),
    ("a+b(c)", False, "^a\\+b\\(c\\)$", ["a+b(c)"], ["aab(c)"]),
    ("^odd", False, "^\\^odd$", ["^odd"], ["odd"]),
])
def test_pattern_regex(name: str, pattern: bool, regex: str, matches: list[str], misses: list[str]) -> None:
    assert js_regex(name, pattern) == regex
    compiled = re.compile(regex)  # the escapes used are valid in both Python and JavaScript
    assert all(compiled.search(x) for x in matches) and not any(compiled.search(x) for x in misses)


def test_klaro_reads_a_caret_name_as_a_regex_so_it_is_escaped(tmp_path: Path) -> None:
    policy = load(tmp_path, POLICY.replace("cookie session_id {", 'cookie "^odd" {'))
    config, _ = to_klaro(policy, ["en"])
    assert config["services"][0]["cookies"] == ["^\\^odd$"]


HOSTILE = '</script><script>alert(1)</script><!-- \u2028\u2029 "quote" \\ <img src=x onerror=alert(2)>'


def test_hostile_text_cannot_break_out(tmp_path: Path) -> None:
    from privacy_dsl.outputs.fmt import quote

    policy = load(tmp_path, POLICY.replace('provider "Meta"', f"provider {quote(HOSTILE)}")
                  .replace('en "Advertising"', f"en {quote(HOSTILE)}"))
    for fmt in ("klaro", "cookieconsent"):
        text, _ = export_banner(policy, fmt, ["en"])
        assert "</script" not in text.lower() and "<!--" not in text and "<img" not in text
        assert "\u2028" not in text and "\u2029" not in text
        body = text.split(" = ", 1)[1].rsplit(";\n", 2 if fmt == "cookieconsent" else 1)[0]
        body = re.sub(r'new RegExp\(("(?:[^"\\]|\\.)*")\)', r"\1", body)
        found = " ".join(strings(json.loads(body)))  # the config is valid JSON but for the RegExp calls
        if fmt == "klaro":  # rendered as text (htmlTexts false): kept as written
            assert HOSTILE in found
        else:  # CookieConsent renders HTML: escaped
            assert html_lib.escape(HOSTILE) in found and HOSTILE not in found


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def test_js_value() -> None:
    assert js_value({"a": [1, True, None], "b": JsRegExp("^x$"), "c": {}}) == (
        '{\n  "a": [\n    1,\n    true,\n    null\n  ],\n  "b": new RegExp("^x$"),\n  "c": {}\n}')
    assert js_string("</script>&\u2028") == '"\\u003c/script\\u003e\\u0026\\u2028"'


def test_the_privacy_url_must_be_http(tmp_path: Path) -> None:
    policy = load(tmp_path, POLICY.replace('url "https://shop.example/privacy"', 'url "javascript:alert(1)"'))
    text, _ = export_banner(policy, "cookieconsent", ["en"])
    assert "javascript:" not in text and "href" not in text
    config, _ = to_klaro(policy, ["en"])
    assert "privacyPolicyUrl" not in config["translations"]["en"]


def test_a_missing_translation_is_reported_and_filled(tmp_path: Path) -> None:
    policy = load(tmp_path, POLICY.replace('name { en "Advertising" nb "Annonser" }', 'name { en "Advertising" }'))
    config, problems = to_cookieconsent(policy, ["en", "nb"])
    assert [(d.code, d.span.line) for d in problems] == [("EXP004", 27)]
    assert "Advertising" in json.dumps(config["language"]["translations"]["nb"])


def test_a_declared_language_without_catalogue(tmp_path: Path) -> None:
    policy = load(tmp_path, POLICY.replace("languages en, nb", "languages en, xx"))
    text, problems = export_banner(policy, "klaro", [])
    assert [(d.code, d.span.line) for d in problems] == [("EXP032", 2)]
    assert '"languages": [\n    "en"\n  ]' in text


def test_a_policy_the_linter_rejects_gets_a_banner_that_asks_properly(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """The decision (docs/banner.md): the banner asks for opt-in consent with reject beside accept,
    and every difference from the policy is reported on standard error; the exit code is 0."""
    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "p.privacy").write_text(BAD_CONSENT, encoding="utf-8")
    assert main(["lint", str(tmp_path / "policy"), "--format", "concise", "--select", "CON004,CK001"]) == 1
    found = capsys.readouterr().out
    assert "CON004" in found and "CK001" in found  # the linter rejects its consent
    out = tmp_path / "cc.js"
    assert main(["export", str(tmp_path / "policy"), "--format", "cookieconsent", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "EXP030" in err and "browser_settings" in err and "p.privacy:8:3" in err
    assert "EXP031" in err and "p.privacy:9:3" in err
    text = out.read_text(encoding="utf-8")
    assert '"mode": "opt-in"' in text and '"acceptNecessaryBtn": "Reject all"' in text
    assert re.search(r'"analytics": \{\n\s+"enabled": false,\n\s+"readOnly": false', text)


def test_a_policy_that_is_fine_exports_without_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "p.privacy").write_text(POLICY, encoding="utf-8")
    assert main(["export", str(tmp_path / "policy"), "--format", "klaro"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out.startswith(f"// Klaro! {KLARO_VERSION} configuration")
    assert "window.klaroConfig = {" in captured.out


def test_no_cookies_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "p.privacy").write_text(POLICY.split("cookie session_id")[0], encoding="utf-8")
    out = tmp_path / "k.js"
    assert main(["export", str(tmp_path / "policy"), "--format", "klaro", "-o", str(out)]) == 1
    assert "EXP034" in capsys.readouterr().err and not out.exists()


def test_an_unknown_lang_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "p.privacy").write_text(POLICY, encoding="utf-8")
    assert main(["export", str(tmp_path / "policy"), "--format", "klaro", "--lang", "en,xx"]) == 2
    assert "--lang xx" in capsys.readouterr().err


def test_unclearable_items_are_reported(tmp_path: Path) -> None:
    policy = load(tmp_path, POLICY + 'cookie cart {\n  kind local_storage\n  category functional\n  purpose ads\n}\n'
                  "cookie unnamed {\n  category marketing\n  purpose ads\n}\n")
    _, problems = to_klaro(policy, ["en"])
    assert [(d.code, d.span.line) for d in problems] == [("EXP033", 53), ("EXP033", 58)]


def test_the_bundled_policies_export() -> None:
    for name in ("fjordkaffe", "cifero"):
        policy = load_one(ROOT / "policies" / name, run_rules=False, refuse_unresolved=True, action="export").policy
        for fmt in ("klaro", "cookieconsent"):
            text, problems = export_banner(policy, fmt, [])
            assert text.count("\n") > 50
            assert all(d.code != "EXP034" for d in problems)


# ---------------------------------------------------------------- in a real browser

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed "
                                    "(`apt-get install chromium`; .ci/run installs it)")


def npm_pack(spec: str, folder: Path, members: dict[str, str]) -> None:
    """``npm pack SPEC`` (the registry's tarball, nothing run from it), with ``members`` (path in the
    package -> file name) extracted into ``folder``."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed (`apt-get install npm`; .ci/run installs it)")
    done = subprocess.run([npm, "pack", spec, "--silent", "--pack-destination", str(folder)],
                          capture_output=True, text=True, timeout=300, check=False, cwd=folder)
    assert done.returncode == 0, done.stderr[-2000:]
    (tarball,) = folder.glob("*.tgz")
    with tarfile.open(tarball) as tar:
        for member, name in members.items():
            handle = tar.extractfile(f"package/{member}")
            assert handle is not None, member
            (folder / name).write_bytes(handle.read())


@pytest.fixture(scope="session")
def klaro_js(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("klaro")
    npm_pack(f"klaro@{KLARO_VERSION}", folder, {"dist/klaro.js": "klaro.js"})
    return folder / "klaro.js"


@pytest.fixture(scope="session")
def cookieconsent_js(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cookieconsent")
    npm_pack(f"vanilla-cookieconsent@{COOKIECONSENT_VERSION}", folder,
             {"dist/cookieconsent.umd.js": "cookieconsent.umd.js", "dist/cookieconsent.css": "cookieconsent.css"})
    return folder / "cookieconsent.umd.js"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served on loopback (cookies need http: Chromium keeps none for file:// pages)."""
    root = tmp_path / "site"
    root.mkdir()
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


#: Waits for a selector, clicks, and prints what the page ended with into <pre id="audit">.
DRIVER = """
const sleep = (ms) => new Promise(r => setTimeout(r, ms));
async function until(find) { for (let i = 0; i < 200; i++) { const x = find(); if (x) return x; await sleep(50); }
  throw new Error("timed out: " + find); }
const report = (out) => { const pre = document.createElement("pre"); pre.id = "audit";
  pre.textContent = JSON.stringify(out); document.body.appendChild(pre); };
const cookies = () => document.cookie.split(/;\\s*/).filter(Boolean).map(c => c.split("=")[0]).sort();
// How a button looks: its label, classes, and what makes it more or less prominent than another.
const look = (b) => { const st = getComputedStyle(b); return {label: b.textContent.trim(), classes: b.className,
  height: b.getBoundingClientRect().height, font: [st.fontSize, st.fontWeight].join(" "),
  visible: b.offsetParent !== null}; };
"""

#: The page sets a strictly necessary cookie itself; each other cookie only from a script the
#: consent manager holds back until its category (or service) is accepted.
KLARO_PAGE = """<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>klaro</title></head><body>
<script>document.cookie = "session_id=1; path=/";</script>
<script type="text/plain" data-type="text/javascript" data-name="{analytics}">
document.cookie = "_pk_id.1.ab=1; path=/";</script>
<script type="text/plain" data-type="text/javascript" data-name="{marketing}">
document.cookie = "_fbp=1; path=/";</script>
<script src="klaro-config.js"></script>
<script src="klaro.js"></script>
<script>{driver}
(async () => {{ try {{
  const out = {{}};
  const notice = await until(() => document.querySelector(".klaro .cookie-notice"));
  out.notice_buttons = [...notice.querySelectorAll("button")].map(look);
  out.before = cookies();
  const action = "{action}";
  if (action === "reject") notice.querySelector(".cn-decline").click();
  if (action === "accept") notice.querySelector(".cm-btn-success").click();
  if (action === "withdraw") {{
    notice.querySelector(".cm-btn-success").click();
    await sleep(1000);
    out.accepted = cookies();
    klaro.show(undefined, true);  // once a choice is made, Klaro's second layer has switches and "save"
    const modal = await until(() => document.querySelector(".klaro .cookie-modal"));
    modal.querySelector("#purpose-item-disableAll").click();
    modal.querySelector(".cm-btn-accept").click();
  }}
  if (action === "inspect") {{
    notice.querySelector(".cn-learn-more").click();
    await until(() => document.querySelector(".klaro .cookie-modal"));
    for (const b of document.querySelectorAll(".klaro .cm-caret a, .klaro .cm-services-toggle")) b.click();
  }}
  if (action === "choose") {{
    notice.querySelector(".cn-learn-more").click();
    const modal = await until(() => document.querySelector(".klaro .cookie-modal"));
    out.categories = [...modal.querySelectorAll(".cm-purposes > li.cm-purpose:not(.cm-toggle-all) > label "
      + ".cm-list-title")].map(e => e.textContent.trim());
    out.required = [...modal.querySelectorAll("input.cm-list-input.required")].map(e => e.id);
    modal.querySelector("#purpose-item-analytics").click();
    modal.querySelector(".cm-btn-accept").click();
  }}
  await sleep(1500);
  out.pwned = window.pwned === undefined ? null : window.pwned;
  out.injected = document.querySelectorAll('img[src="x"], script[data-pwn]').length;
  out.shown_as_text = document.body.innerHTML.includes("&lt;img src=x onerror");
  out.after = cookies();
  out.consents = klaro.getManager().consents;
  out.confirmed = klaro.getManager().confirmed;
  report(out);
}} catch (e) {{ report({{error: String(e)}}); }} }})();
</script></body></html>"""

COOKIECONSENT_PAGE = """<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>cookieconsent</title>
<link rel="stylesheet" href="cookieconsent.css"></head><body>
<script>Object.defineProperty(navigator, "webdriver", {{get: () => false}});  // headless is not a bot here
document.cookie = "session_id=1; path=/";</script>
<script type="text/plain" data-category="analytics">document.cookie = "_pk_id.1.ab=1; path=/";</script>
<script type="text/plain" data-category="marketing">document.cookie = "_fbp=1; path=/";</script>
<script src="cookieconsent.umd.js"></script>
<script src="cookieconsent-config.js"></script>
<script>{driver}
(async () => {{ try {{
  const out = {{}};
  const modal = await until(() => document.querySelector("#cc-main .cm"));
  out.notice_buttons = [...modal.querySelectorAll("button")].map(look);
  out.before = cookies();
  const action = "{action}";
  if (action === "reject") modal.querySelector('[data-role="necessary"]').click();
  if (action === "accept") modal.querySelector('[data-role="all"]').click();
  if (action === "withdraw") {{
    modal.querySelector('[data-role="all"]').click();
    await sleep(1000);
    out.accepted = cookies();
    CookieConsent.showPreferences();
    const prefs = await until(() => document.querySelector("#cc-main .pm"));
    prefs.querySelector('[data-role="necessary"]').click();
  }}
  if (action === "inspect") {{
    modal.querySelector('[data-role="show"]').click();
    await until(() => document.querySelector("#cc-main .pm"));
  }}
  if (action === "choose") {{
    modal.querySelector('[data-role="show"]').click();
    const prefs = await until(() => document.querySelector("#cc-main .pm"));
    out.categories = [...prefs.querySelectorAll(".pm__section--toggle .pm__section-title")]
      .map(e => e.textContent.trim());
    out.required = [...prefs.querySelectorAll("input.section__toggle")].filter(e => e.disabled)
      .map(e => e.value);
    prefs.querySelector('input.section__toggle[value="analytics"]').click();
    prefs.querySelector('[data-role="save"]').click();
  }}
  await sleep(1500);
  out.pwned = window.pwned === undefined ? null : window.pwned;
  out.injected = document.querySelectorAll('img[src="x"], script[data-pwn]').length;
  out.shown_as_text = document.body.innerHTML.includes("&lt;img src=x onerror");
  out.after = cookies();
  out.consents = Object.fromEntries(["necessary", "analytics", "marketing"]
    .map(c => [c, CookieConsent.acceptedCategory(c)]));
  out.record = CookieConsent.getCookie().categories;
  report(out);
}} catch (e) {{ report({{error: String(e)}}); }} }})();
</script></body></html>"""


def run_page(site: tuple[Path, str], page: str, tmp: Path) -> dict[str, Any]:
    root, origin = site
    (root / "page.html").write_text(page, encoding="utf-8")
    assert CHROMIUM is not None
    done = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                           "--disable-component-update", "--disable-sync", "--no-first-run",
                           f"--user-data-dir={tmp / 'profile'}", "--virtual-time-budget=30000", "--dump-dom",
                           f"{origin}/page.html"], capture_output=True, text=True, timeout=120, check=False)
    match = re.search(r'<pre id="audit">(.*?)</pre>', done.stdout, re.S)
    assert match, f"the page printed no result (exit {done.returncode}): {done.stderr[-2000:]}"
    result: dict[str, Any] = json.loads(html_lib.unescape(match.group(1)))
    assert "error" not in result, result
    return result


@pytest.mark.network  # npm fetches klaro from the registry
@needs_chromium
@pytest.mark.parametrize(("action", "lang", "policy"), [
    ("reject", "en", POLICY), ("accept", "nb", POLICY), ("choose", "en", POLICY), ("reject", "en", BROWSER_SETTINGS),
    ("withdraw", "en", HOST_ONLY)], ids=["reject", "accept", "choose", "reject-browser-settings-policy", "withdraw"])
def test_klaro_in_chromium(action: str, lang: str, policy: str, klaro_js: Path, site: tuple[Path, str],
                           tmp_path: Path) -> None:
    text, problems = export_banner(load(tmp_path, policy), "klaro", [])
    assert [d.code for d in problems] == (["EXP030", "EXP031"] if policy == BROWSER_SETTINGS else [])
    root, _ = site
    (root / "klaro-config.js").write_text(text, encoding="utf-8")
    shutil.copy(klaro_js, root / "klaro.js")
    config = json.loads(text.split(" = ", 1)[1].rsplit(";", 1)[0])
    names = {s["purposes"][0]: s["name"] for s in config["services"]}
    page = KLARO_PAGE.format(lang=lang, action=action, driver=DRIVER, analytics=names["analytics"],
                             marketing=names["marketing"])
    out = run_page(site, page, tmp_path)
    buttons = {b["label"]: b for b in out["notice_buttons"]}
    accept, reject = ("Godta alle", "Avslå alle") if lang == "nb" else ("Accept all", "Reject all")
    assert buttons[accept]["visible"] and buttons[reject]["visible"]  # reject on the first layer, beside accept
    assert (buttons[accept]["height"], buttons[accept]["font"]) == (buttons[reject]["height"], buttons[reject]["font"])
    assert out["before"] == ["session_id"]  # nothing but the necessary cookie before a choice
    consents = {key: out["consents"][name] for key, name in names.items()}
    if action in ("reject", "withdraw"):  # withdrawing deletes what accepting set: the names and patterns match
        assert out["after"] == ["klaro", "session_id"]
        assert consents == {"necessary": True, "analytics": False, "marketing": False}
        if action == "withdraw":
            assert out["accepted"] == ["_fbp", "_pk_id.1.ab", "klaro", "session_id"]
    elif action == "accept":
        assert out["after"] == ["_fbp", "_pk_id.1.ab", "klaro", "session_id"]
        assert consents == {"necessary": True, "analytics": True, "marketing": True}
    else:
        assert out["categories"] == ["Strictly necessary", "Analytics", "Marketing"]
        assert out["required"] == ["purpose-item-necessary", "service-item-shop-as-necessary"]
        assert out["after"] == ["_pk_id.1.ab", "klaro", "session_id"]
        assert consents == {"necessary": True, "analytics": True, "marketing": False}
    assert out["confirmed"] is True


@pytest.mark.network  # npm fetches vanilla-cookieconsent from the registry
@needs_chromium
@pytest.mark.parametrize(("action", "lang", "policy"), [
    ("reject", "en", POLICY), ("accept", "nb", POLICY), ("choose", "en", POLICY), ("reject", "en", BROWSER_SETTINGS),
    ("withdraw", "en", HOST_ONLY)], ids=["reject", "accept", "choose", "reject-browser-settings-policy", "withdraw"])
def test_cookieconsent_in_chromium(action: str, lang: str, policy: str, cookieconsent_js: Path, site: tuple[Path, str],
                                   tmp_path: Path) -> None:
    text, problems = export_banner(load(tmp_path, policy), "cookieconsent", [])
    assert [d.code for d in problems] == (["EXP030", "EXP031"] if policy == BROWSER_SETTINGS else [])
    root, _ = site
    (root / "cookieconsent-config.js").write_text(text, encoding="utf-8")
    for name in ("cookieconsent.umd.js", "cookieconsent.css"):
        shutil.copy(cookieconsent_js.parent / name, root / name)
    out = run_page(site, COOKIECONSENT_PAGE.format(lang=lang, action=action, driver=DRIVER), tmp_path)
    buttons = {b["label"]: b for b in out["notice_buttons"]}
    accept, reject = ("Godta alle", "Avslå alle") if lang == "nb" else ("Accept all", "Reject all")
    assert buttons[accept]["visible"] and buttons[reject]["visible"]
    assert {k: v for k, v in buttons[accept].items() if k != "label"} == \
        {k: v for k, v in buttons[reject].items() if k != "label"}  # equal weight: the same classes, size, font
    assert out["before"] == ["session_id"]
    if action in ("reject", "withdraw"):
        assert out["after"] == ["cc_cookie", "session_id"]
        assert out["consents"] == {"necessary": True, "analytics": False, "marketing": False}
        assert out["record"] == ["necessary"]
        if action == "withdraw":
            assert out["accepted"] == ["_fbp", "_pk_id.1.ab", "cc_cookie", "session_id"]
    elif action == "accept":
        assert out["after"] == ["_fbp", "_pk_id.1.ab", "cc_cookie", "session_id"]
        assert out["consents"] == {"necessary": True, "analytics": True, "marketing": True}
        assert out["record"] == ["necessary", "analytics", "marketing"]
    else:
        assert out["categories"] == ["Strictly necessary", "Analytics", "Marketing"]
        assert out["required"] == ["necessary"]
        assert out["after"] == ["_pk_id.1.ab", "cc_cookie", "session_id"]
        assert out["consents"] == {"necessary": True, "analytics": True, "marketing": False}
        assert out["record"] == ["necessary", "analytics"]


#: Policy text that tries to run script: in the banner it must stay text.
ATTACK = '</script><script data-pwn>window.pwned = 1</script><img src=x onerror="window.pwned = 2"><!--'


@pytest.mark.network  # npm fetches both libraries from the registry
@needs_chromium
@pytest.mark.parametrize("fmt", ["klaro", "cookieconsent"])
def test_hostile_policy_text_stays_text_in_chromium(fmt: str, klaro_js: Path, cookieconsent_js: Path,
                                                     site: tuple[Path, str], tmp_path: Path) -> None:
    """The generated file inlined in the page's own <script> element, with policy texts that try to
    end it, open a comment and inject an element with a handler: nothing runs, nothing is injected,
    and the library shows the text as written."""
    from privacy_dsl.outputs.fmt import quote

    policy = load(tmp_path, POLICY.replace('provider "Meta"', f"provider {quote(ATTACK)}")
                  .replace('en "Advertising"', f"en {quote(ATTACK)}"))
    text, _ = export_banner(policy, fmt, ["en"])
    root, _ = site
    if fmt == "klaro":
        shutil.copy(klaro_js, root / "klaro.js")
        config = json.loads(text.split(" = ", 1)[1].rsplit(";", 1)[0])
        names = {s["purposes"][0]: s["name"] for s in config["services"]}
        page = KLARO_PAGE.format(lang="en", action="inspect", driver=DRIVER, analytics=names["analytics"],
                                 marketing=names["marketing"])
        page = page.replace('<script src="klaro-config.js"></script>', f"<script>{text}</script>")
    else:
        for name in ("cookieconsent.umd.js", "cookieconsent.css"):
            shutil.copy(cookieconsent_js.parent / name, root / name)
        page = COOKIECONSENT_PAGE.format(lang="en", action="inspect", driver=DRIVER)
        page = page.replace('<script src="cookieconsent-config.js"></script>', f"<script>{text}</script>")
    out = run_page(site, page, tmp_path)
    assert (out["pwned"], out["injected"], out["shown_as_text"]) == (None, 0, True), out
    assert out["after"] == ["session_id"]  # and the banner still works: no choice yet, no cookie
