"""``privacy-dsl notice``: content, missing translations with positions, escaping, and the HTML in a
real headless Chromium (accessibility checks run by the browser itself)."""

from __future__ import annotations

import html as html_lib
import json
import re
import shutil
import string
import subprocess
import sys
import typing
from pathlib import Path

import pytest
from conftest import POLICIES, ROOT

from privacy_dsl.cli.main import main
from privacy_dsl.language import model as m
from privacy_dsl.lint.loader import load_one
from privacy_dsl.locale import LOCALE_DIR
from privacy_dsl.outputs.notice import Foreign, NoCatalogue, available, build, phrases_for, render
from privacy_dsl.outputs.notice.catalogue import message_keys
from privacy_dsl.outputs.notice.catalogue import translations as catalogue_translations

FJORDKAFFE = POLICIES / "fjordkaffe"
CIFERO = POLICIES / "cifero"


def policy_of(path: Path) -> m.Policy:
    return load_one(path, run_rules=False).policy


def text_policy(text: str) -> m.Policy:
    from privacy_dsl.api import load_text

    return load_text(text).model


def line_of(path: Path, needle: str) -> tuple[int, int]:
    """(line, column) of the first occurrence of ``needle`` in ``path``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(f"{needle!r} not in {path}")


# ---------------------------------------------------------------- templates


LANGUAGES = available()


def test_the_languages_are_the_catalogues_shipped() -> None:
    assert {"en", "nb"} <= set(LANGUAGES)
    for lang in LANGUAGES:
        assert (LOCALE_DIR / lang / "LC_MESSAGES" / "notice.po").is_file()


def _catalogue(lang: str) -> typing.Any:
    from babel.messages.pofile import read_po

    with (LOCALE_DIR / lang / "LC_MESSAGES" / "notice.po").open("rb") as f:
        return read_po(f, locale=lang)


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_catalogue_has_every_key_with_its_placeholders(lang: str) -> None:
    """A key missing, untranslated, fuzzy or with other placeholders would put a key or a broken
    sentence in a published notice."""
    catalog = _catalogue(lang)
    wanted = {key.msgid: key for key in message_keys()}
    got = {message.id[0] if message.pluralizable else message.id: message for message in catalog if message.id}
    assert sorted(set(wanted) - set(got)) == [] and sorted(set(got) - set(wanted)) == []
    for msgid, key in wanted.items():
        message = got[msgid]
        assert not message.fuzzy, msgid
        assert message.pluralizable == key.plural, msgid
        forms = list(message.string) if key.plural else [message.string]
        if key.plural:
            assert len(forms) == catalog.num_plurals, msgid
        for form in forms:
            assert form, f"{lang}: {msgid} is not translated"
            assert _placeholders(form) == set(key.placeholders), (lang, msgid, form)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_shipped_mo_says_what_the_po_says(lang: str) -> None:
    """The package reads the compiled ``.mo``; it must be the ``.po`` people review
    (``python scripts/regen_catalogues.py`` compiles it), plural rule included."""
    import gettext

    catalog, translations = _catalogue(lang), catalogue_translations(lang)
    plural = gettext.c2py(catalog.plural_expr)
    for message in catalog:
        if not message.id:
            continue
        if message.pluralizable:
            for n in (0, 1, 2, 5, 21):
                assert translations.ngettext(*message.id, n) == message.string[plural(n)], (message.id, n)
        else:
            assert translations.gettext(message.id) == message.string, message.id


def test_the_catalogues_and_template_are_up_to_date() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "regen_catalogues.py"), "--check"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_a_language_without_a_catalogue_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(NoCatalogue, match=f"no notice catalogue for language 'xx'; available: {', '.join(LANGUAGES)}$"):
        phrases_for("xx")
    with pytest.raises(SystemExit) as exit_info:
        main(["notice", str(FJORDKAFFE), "--lang", "xx"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'xx'" in err and all(f"'{lang}'" in err for lang in LANGUAGES)


def test_help_lists_the_languages_and_what_allow_missing_does(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["notice", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert f"languages: {', '.join(LANGUAGES)}" in out
    assert "text taken from another language is marked with its language" in out


# ---------------------------------------------------------------- content


#: Each language's name for the controller, as its GDPR text has it (Art. 4(7)): the notice's first
#: section uses it. A language added later needs its term here.
CONTROLLER_TERMS = {"en": "controller", "nb": "behandlingsansvarlig", "da": "dataansvarlig",
                    "sv": "personuppgiftsansvarig", "de": "Verantwortlich", "fr": "responsable du traitement",
                    "es": "responsable del tratamiento"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_language_uses_its_gdpr_term_for_the_controller(lang: str) -> None:
    assert lang in CONTROLLER_TERMS, f"add {lang}'s GDPR term for the controller"
    notice, _ = build(policy_of(FJORDKAFFE), lang)
    controller = render(notice, "md").split("\n## ")[1]
    assert CONTROLLER_TERMS[lang] in controller


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_language_says_yes_only_for_consent(lang: str) -> None:
    p = phrases_for(lang)
    assert consent_cell("opt_in", lang) == p.yes
    for method in m.ConsentMethod:
        if method is not m.ConsentMethod.OPT_IN:
            cell = consent_cell(method.value, lang)
            assert cell.startswith(p.consent_not_asked) and p.yes not in cell.split(), (method, cell)


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_clean_policy_has_no_missing_text(lang: str) -> None:
    notice, problems = build(policy_of(FJORDKAFFE), lang)
    assert problems == []
    assert [s.id for s in notice.sections][:3] == ["controller", "dpo", "purposes"]
    assert {"cookies", "rights", "complaints", "transfers", "recipients"} <= {s.id for s in notice.sections}


def test_english_notice_states_bases_with_letters_retention_rights_and_cookies() -> None:
    md = render(build(policy_of(FJORDKAFFE), "en")[0], "md")
    assert "# Privacy notice: Fjordkaffe AS" in md
    assert "Performance of a contract with you, or steps at your request before entering into one " \
           "(GDPR Art. 6(1)(b))" in md
    assert "Our legitimate interests (GDPR Art. 6(1)(f))" in md
    assert "**Our interest:** Protecting us and our customers from payment card fraud." in md
    assert "**How long we keep it:** 3 years after your last order" in md
    assert "5 years after the end of the financial year, as required by bokføringsloven § 13" in md
    assert "Until you withdraw your consent" in md
    assert "Objection to direct marketing, at any time (GDPR Art. 21(2))" in md
    assert "You have the right to lodge a complaint with a supervisory authority (GDPR Art. 77)." in md
    assert "The Norwegian Data Protection Authority" in md
    assert "| Name | Provider | Party | Category | Purpose | Expiry | Consent |" in md
    rows = [line for line in md.splitlines() if line.startswith("| `")]
    assert len(rows) == len(policy_of(FJORDKAFFE).cookies)
    assert any(r.startswith("| `_pk_id.*` |") and r.endswith("| 13 months | Yes |") for r in rows)
    assert any(r.startswith("| `session_id` |") and "Session: deleted when you close the browser | No |" in r
               for r in rows)
    assert "EU-U.S. Data Privacy Framework" in md and "2023/1795" in md


def test_norwegian_notice_uses_norwegian_citations_and_units() -> None:
    md = render(build(policy_of(FJORDKAFFE), "nb")[0], "md")
    assert "# Personvernerklæring for Fjordkaffe AS" in md
    assert "(personvernforordningen art. 6 nr. 1 bokstav b)" in md
    assert "3 år etter siste bestilling" in md
    assert "| Navn | Leverandør | Part | Kategori | Formål | Varighet | Samtykke |" in md
    assert "13 måneder" in md and "30 minutter" in md
    assert "Levere bestillinger" in md and "Delivering orders" not in md


def test_a_cookie_without_a_purpose_says_so_and_its_category_is_a_category() -> None:
    """The category is not shown as the cookie's purpose, which the notice does not state (issue 16)."""
    from privacy_dsl.api import load_text

    policy = load_text('controller "C" { email "c@example.com" }\n'
                       "cookie _ga {\n  party third\n  category analytics\n  expiry 2 years\n}\n").model
    md = render(build(policy, "en")[0], "md")
    (row,) = [line for line in md.splitlines() if line.startswith("| `_ga`")]
    assert row == "| `_ga` | not stated | Third party | Analytics | not stated | 2 years | No |", row


def test_what_the_policy_does_not_say_reads_not_stated() -> None:
    md = render(build(policy_of(CIFERO), "nb")[0], "md")
    assert "**Behandlingsgrunnlag:** ikke oppgitt" in md  # the marketing purpose states no basis
    assert "Så lenge det er nødvendig" in md
    assert "| `Webtemp` | Webtemp | ikke oppgitt |" in md
    assert "Varig, varighet ikke oppgitt" in md


# ---------------------------------------------------------------- missing text, reported with positions


def test_missing_translations_are_reported_at_the_text() -> None:
    _, problems = build(policy_of(CIFERO), "en")
    found = {(d.code, Path(d.span.path).name, d.span.line, d.span.column) for d in problems}
    name_line, name_col = line_of(CIFERO / "cookies.privacy", 'name { nb "Bedre brukeropplevelse" }')
    assert ("NTC001", "cookies.privacy", name_line, name_col) in found
    cat_line, cat_col = line_of(CIFERO / "data.privacy", "category ip_address {")
    assert ("NTC002", "data.privacy", cat_line, cat_col) in found
    assert all(d.severity.label == "error" for d in problems if d.code in ("NTC001", "NTC002"))
    assert len(found) == len(problems)  # each problem once, however often the name is used


def test_a_missing_translation_is_marked_with_its_language_never_filled_silently() -> None:
    policy = text_policy('purpose p { name { nb "Nyhetsbrev" } use marketing.communications.email }')
    notice, problems = build(policy, "en")
    assert [(d.code, d.span.line, d.span.column) for d in problems] == [("NTC001", 1, 13)]
    purpose = next(s for s in notice.sections if s.id == "purposes").children[0]
    assert purpose.heading == (Foreign("Nyhetsbrev", "nb"),)
    assert '<h3 id="purpose-p"><span lang="nb">Nyhetsbrev</span></h3>' in render(notice, "html")
    assert "### Nyhetsbrev *(nb)*" in render(notice, "md")


@pytest.mark.parametrize(("lang", "other"), [("nb", "en"), ("en", "nb")])
def test_a_certification_in_another_language_is_reported_and_marked(lang: str, other: str) -> None:
    policy = text_policy(f'transfer t {{\n  country US\n  mechanism dpf\n  certification {{ {other} "DPF" }}\n}}\n')
    notice, problems = build(policy, lang)
    assert [(d.code, d.span.line, d.span.column, dict(d.args)["what"]) for d in problems] == [
        ("NTC001", 4, 3, "transfer `t` certification")]
    assert f'<span lang="{other}">DPF</span>' in render(notice, "html")


@pytest.mark.parametrize(("lang", "foreign"), [
    ("en", ["driftet", "Oppført", "kontrollert"]),  # the provider and certification the en notice showed in nb
    ("nb", ["Listed on", "checked"]),  # the certification the nb notice showed in English
])
def test_the_example_notices_mix_no_other_language(lang: str, foreign: list[str]) -> None:
    md = render(build(policy_of(FJORDKAFFE), lang)[0], "md")
    assert [word for word in foreign if word in md] == []


def test_untagged_text_serves_every_language() -> None:
    _, problems = build(text_policy('recipient r { name "Posten Bring AS" role processor }'), "en")
    assert problems == []


def test_unknown_event_is_a_warning_and_shown_as_written() -> None:
    policy = text_policy("purpose p {\n  name \"P\"\n  retention 2 years after ticket_closed\n}\n")
    notice, problems = build(policy, "en")
    assert [(d.code, d.severity.label, d.span.line, d.span.column) for d in problems] == [
        ("NTC003", "warning", 3, 13)]
    assert "2 years after ticket closed" in render(notice, "md")


RETENTION_FORMS = '''category account { name { en "Account data" nb "Kontodata" } }
category logs { name { en "Logs" nb "Logger" } }
purpose login {
  name "Login"
  categories account, logs
  retention until account_deleted
  retention up_to 2 years after last_login
  retention 6 months for logs
}
purpose other {
  name "Other"
  retention law_permits "Act § 4"
  retention law_permits
  retention criteria { en "the amount and nature of the data" nb "mengden og arten av dataene" }
  retention archive "Arkivlova § 6"
  retention temporarily
  retention no_general_period
  retention law "HGB" up_to 10 years after contract_end
}
'''


@pytest.mark.parametrize(("lang", "login", "other"), [
    ("en", ["Other personal data: until you delete your account; up to 2 years after your last login",
            "Logs: 6 months"],
     ["As long as Act § 4 permits; as long as the law permits; decided by these criteria: the amount and nature of "
      "the data; longer for archiving purposes in the public interest, scientific or historical research purposes "
      "or statistical purposes (GDPR Art. 89(1)), under Arkivlova § 6; temporarily; no general period can be "
      "given; up to 10 years after the contract ends, as required by HGB"]),
    ("nb", ["Andre personopplysninger: til du sletter kontoen din; inntil 2 år etter siste innlogging",
            "Logger: 6 måneder"],
     ["Så lenge Act § 4 tillater; så lenge loven tillater; fastsettes ut fra disse kriteriene: mengden og arten av "
      "dataene; lenger for arkivformål i allmennhetens interesse, for formål knyttet til vitenskapelig eller "
      "historisk forskning eller for statistiske formål (personvernforordningen art. 89 nr. 1), med grunnlag i "
      "Arkivlova § 6; midlertidig; det kan ikke angis en generell lagringstid; inntil 10 år etter at avtalen har "
      "opphørt, slik HGB krever"]),
])
def test_every_retention_form_has_its_wording_and_periods_per_category_their_own_line(
        lang: str, login: list[str], other: list[str]) -> None:
    notice, problems = build(text_policy(RETENTION_FORMS), lang)
    assert problems == []
    purposes = next(s for s in notice.sections if s.id == "purposes").children
    p = phrases_for(lang)

    def retention(section: object) -> list[str]:
        (facts,) = [b for b in section.blocks if hasattr(b, "items")]  # type: ignore[attr-defined]
        return ["".join(map(str, value)) for label, value in facts.items if label == p.retention]

    assert retention(purposes[0]) == login
    assert retention(purposes[1]) == other


def test_criteria_missing_in_the_notice_language_are_reported() -> None:
    policy = text_policy('purpose p {\n  name "P"\n  retention criteria { nb "arten av dataene" }\n}\n')
    notice, problems = build(policy, "en")
    assert [(d.code, d.span.line, d.span.column) for d in problems] == [("NTC001", 3, 13)]
    assert "**How long we keep it:** Decided by these criteria: arten av dataene *(nb)*" in render(notice, "md")


# ---------------------------------------------------------------- escaping

HOSTILE = '''controller "Evil <b>Corp</b> & Co" { email "a@b.example" website "javascript:alert(1)" }
purpose p {
  name "<script>alert('x')</script> *bold* [link](http://x) | pipe"
  description "# not a heading\\n- not a list"
  use essential.service
  basis contract
}
cookie "<img src=x onerror=alert(1)>" { party first expiry session purpose p }
'''


def test_policy_text_is_escaped_in_html_and_markdown() -> None:
    notice, _ = build(text_policy(HOSTILE), "en")
    page = render(notice, "html")
    assert "<script" not in page and "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page or "&lt;script&gt;alert('x')" in page
    assert 'href="javascript:' not in page
    md = render(notice, "md")
    assert "\\<script\\>" in md and "\\*bold\\*" in md and "\\[link\\](http://x) \\| pipe" in md
    assert "\\# not a heading - not a list" in md
    assert "\\<b\\>Corp\\</b\\> \\& Co" in md


def test_html_is_standalone_without_scripts_or_external_resources() -> None:
    page = render(build(policy_of(FJORDKAFFE), "nb")[0], "html")
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"nb\">")
    assert "<script" not in page and "<link" not in page and "src=" not in page
    assert "@import" not in page and "url(" not in page


# ---------------------------------------------------------------- the command


def test_cli_writes_markdown_and_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["notice", str(FJORDKAFFE), "--lang", "nb"]) == 0
    assert capsys.readouterr().out.startswith("# Personvernerklæring for Fjordkaffe AS")
    out = tmp_path / "site" / "privacy.html"
    assert main(["notice", str(FJORDKAFFE), "--lang", "en", "--format", "html", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_cli_missing_text_exits_1_and_writes_nothing_unless_allowed(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "notice.md"
    assert main(["notice", str(CIFERO), "--lang", "en", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    line, col = line_of(CIFERO / "cookies.privacy", 'name { nb "Bedre brukeropplevelse" }')
    assert f"cookies.privacy:{line}:{col}: NTC001" in err
    assert "nothing written" in err and not out.exists()
    assert main(["notice", str(CIFERO), "--lang", "en", "-o", str(out), "--allow-missing"]) == 0
    assert "*(nb)*" in out.read_text(encoding="utf-8")


def test_cli_unusable_policy_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.privacy").write_text('purpose p {\n  name "x\n}\n', encoding="utf-8")
    assert main(["notice", str(tmp_path), "--lang", "en"]) == 2
    assert "a.privacy:2:8: E101" in capsys.readouterr().err
    (tmp_path / "a.privacy").write_text("purpose p { categories nothing }\n", encoding="utf-8")
    assert main(["notice", str(tmp_path), "--lang", "en"]) == 2
    assert "E200" in capsys.readouterr().err
    assert main(["notice", str(POLICIES), "--lang", "en"]) == 2
    assert "holds 2 policies" in capsys.readouterr().err


# ---------------------------------------------------------------- in a real browser

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed "
                                    "(`apt-get install chromium`; .ci/run installs it)")

#: Run by the browser on the rendered page: WCAG checks on what the browser actually computed.
AUDIT = """
<script>
(() => {
  const out = {lang: document.documentElement.lang, problems: []};
  const bad = (msg) => out.problems.push(msg);
  const levels = [...document.querySelectorAll("h1,h2,h3,h4,h5,h6")].map(h => +h.tagName[1]);
  out.headings = levels.length;
  if (levels[0] !== 1) bad("the first heading is not h1");
  if (levels.filter(l => l === 1).length !== 1) bad("not exactly one h1");
  levels.forEach((l, i) => { if (i && l > levels[i - 1] + 1) bad(`heading level skips to h${l}`); });
  for (const t of document.querySelectorAll("table")) {
    if (!t.caption || !t.caption.textContent.trim()) bad("table without caption");
    for (const th of t.querySelectorAll("th")) {
      if (!["col", "row"].includes(th.getAttribute("scope"))) bad("th without scope");
    }
    out.rows = t.tBodies[0].rows.length;
    out.columns = t.tHead.rows[0].cells.length;
  }
  for (const a of document.querySelectorAll("a")) {
    if (!a.textContent.trim()) bad("empty link");
    if (a.getAttribute("href").startsWith("#") && !document.getElementById(a.getAttribute("href").slice(1)))
      bad("broken in-page link " + a.getAttribute("href"));
  }
  const ids = [...document.querySelectorAll("[id]")].map(e => e.id);
  if (new Set(ids).size !== ids.length) bad("duplicate id");
  for (const e of document.querySelectorAll("[lang]")) if (!e.getAttribute("lang")) bad("empty lang");
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 :
    Math.pow((v + 0.055) / 1.055, 2.4); }).reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = (el) => { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor);
    if (c.length === 3 || c[3] > 0) return c.slice(0, 3); } return [255, 255, 255]; };
  let worst = 99;
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest("#audit")) continue;
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    worst = Math.min(worst, ratio);
    if (ratio < 4.5) bad(`contrast ${ratio.toFixed(2)} on <${el.tagName.toLowerCase()}>`);
  }
  out.worst_contrast = Math.round(worst * 100) / 100;
  out.scripts = document.scripts.length;
  out.text = document.body.innerText.length;
  const pre = document.createElement("pre"); pre.id = "audit"; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
"""


def chromium(args: list[str], tmp: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp / 'profile'}",
               *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)


def audit(page: str, tmp: Path) -> dict[str, object]:
    target = tmp / "page.html"
    target.write_text(page.replace("</body>", AUDIT + "</body>"), encoding="utf-8")
    done = chromium(["--dump-dom", target.as_uri()], tmp)
    match = re.search(r'<pre id="audit">(.*?)</pre>', done.stdout, re.S)
    assert match, f"chromium printed no audit result (exit {done.returncode}): {done.stderr[-2000:]}"
    result: dict[str, object] = json.loads(html_lib.unescape(match.group(1)))
    return result


@needs_chromium
@pytest.mark.parametrize("lang", LANGUAGES)
def test_html_in_chromium_is_accessible(lang: str, tmp_path: Path) -> None:
    policy = policy_of(FJORDKAFFE)
    result = audit(render(build(policy, lang)[0], "html"), tmp_path)
    assert result["problems"] == []
    assert result["lang"] == lang
    assert result["columns"] == 7 and result["rows"] == len(policy.cookies)
    assert isinstance(result["worst_contrast"], float | int) and result["worst_contrast"] >= 7
    assert isinstance(result["headings"], int) and result["headings"] > 10


#: Headless Chromium will not make a window narrower than 500 px, so the page is laid out in an
#: iframe of the phone's width (``srcdoc``: same origin, so the outer page can measure it).
MEASURE = """<!DOCTYPE html><html><body style="margin:0"><iframe id="f" style="border:0;width:%dpx;height:800px"
srcdoc="%s"></iframe><script>
document.getElementById("f").addEventListener("load", () => {
  const w = document.getElementById("f").contentWindow, d = w.document;
  const wide = [...d.body.querySelectorAll("*")].filter(e => !e.closest(".table-wrap") &&
    (e.getBoundingClientRect().right > w.innerWidth + 0.5 || e.scrollWidth > e.clientWidth + 1) &&
    getComputedStyle(e).overflowX === "visible").map(e => e.tagName.toLowerCase());
  const pre = document.createElement("pre"); pre.id = "audit";
  pre.textContent = JSON.stringify({scroll_width: d.documentElement.scrollWidth, width: w.innerWidth,
                                    client_width: d.documentElement.clientWidth, wide});
  document.body.appendChild(pre);
});
</script></body></html>"""


def layout(page: str, width: int, tmp: Path) -> dict[str, object]:
    """The page's scroll width at a viewport ``width`` px wide (``innerWidth``; ``client_width``
    without the scroll bar), and the elements wider than it."""
    target = tmp / f"measure-{width}.html"
    target.write_text(MEASURE % (width, html_lib.escape(page, quote=True)), encoding="utf-8")
    done = chromium(["--window-size=800,900", "--dump-dom", target.as_uri()], tmp)
    match = re.search(r'<pre id="audit">(.*?)</pre>', done.stdout, re.S)
    assert match, f"chromium printed no measurement (exit {done.returncode}): {done.stderr[-2000:]}"
    result: dict[str, object] = json.loads(html_lib.unescape(match.group(1)))
    return result


#: Long words with no place to break: an address, a link, a cookie name and an unnamed block's id.
LONG_WORDS = """\
controller "Personvernombudstjenesteleverandøren AS" {
  email "personvernombudstjenesteleverandoren@personvernombudstjenesteleverandoren.example"
  website "https://personvernombudstjenesteleverandoren.example/personvernerklaering/informasjonskapsler"
  address "Personvernombudstjenesteleverandørveien 1234567890, 0101 Oslo"
}
purpose markedsforingsinformasjonskapselsamtykkeadministrasjon { basis consent }
cookie "_hjSessionUser_1234567890123456789012345678901234567890" { party third expiry 1 year }
"""


@needs_chromium
@pytest.mark.parametrize("width", [320, 360, 390])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_does_not_widen_a_phone_viewport(lang: str, width: int, tmp_path: Path) -> None:
    """Issue 17: the nb page was wider than a 360 px screen (its h1 did not fit); long words wrap,
    the cookie table scrolls in its own region."""
    for policy in (policy_of(FJORDKAFFE), text_policy(LONG_WORDS)):
        result = layout(render(build(policy, lang)[0], "html"), width, tmp_path)
        # The page's width without the scroll bar: what the page may fill and must not exceed.
        assert result["width"] == width and isinstance(result["client_width"], int) and result["client_width"] > 280
        assert result["wide"] == [] and result["scroll_width"] == result["client_width"], result


@pytest.fixture(scope="session")
def axe_js(tmp_path_factory: pytest.TempPathFactory) -> str:
    """axe-core 4.x (Deque, MPL-2.0) from the npm registry, with npm itself: a test tool, never shipped."""
    import tarfile

    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed (`apt-get install npm`; .ci/run installs it)")
    folder = tmp_path_factory.mktemp("axe")
    done = subprocess.run([npm, "pack", "axe-core@4", "--silent", "--pack-destination", str(folder)],
                          capture_output=True, text=True, timeout=300, check=False, cwd=folder)
    assert done.returncode == 0, done.stderr[-2000:]
    (tarball,) = folder.glob("axe-core-4.*.tgz")
    with tarfile.open(tarball) as tar:
        member = tar.extractfile("package/axe.min.js")
        assert member is not None
        return member.read().decode("utf-8")


#: The page with axe-core run inside it, laid out in an iframe 360 px wide (as ``MEASURE``); the
#: result goes to the outer page, which Chromium prints once axe's promise has settled.
AXE_RUN = """<script>%s</script><script>
const report = (out) => { const pre = parent.document.createElement("pre"); pre.id = "audit";
  pre.textContent = JSON.stringify(out); parent.document.body.appendChild(pre); };
axe.run(document, {resultTypes: ["violations"]}).then(r => report({version: axe.version,
  violations: r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(" "))}))}),
  e => report({error: String(e)}));
</script>"""


def axe(page: str, script: str, tmp: Path, width: int = 360) -> dict[str, object]:
    inner = page.replace("</body>", AXE_RUN % script.replace("</script", "<\\/script") + "</body>")
    target = tmp / "axe.html"
    target.write_text('<!DOCTYPE html><html lang="en"><head><title>axe</title></head><body style="margin:0">'
                      f'<iframe title="notice" style="border:0;width:{width}px;height:800px" '
                      f'srcdoc="{html_lib.escape(inner, quote=True)}"></iframe></body></html>', encoding="utf-8")
    done = chromium(["--window-size=800,900", "--virtual-time-budget=60000", "--dump-dom", target.as_uri()], tmp)
    match = re.search(r'<pre id="audit">(.*?)</pre>', done.stdout, re.S)
    assert match, f"axe-core printed no result (exit {done.returncode}): {done.stderr[-2000:]}"
    result: dict[str, object] = json.loads(html_lib.unescape(match.group(1)))
    return result


@pytest.mark.network  # npm fetches axe-core from the registry
@needs_chromium
@pytest.mark.parametrize("lang", LANGUAGES)
def test_axe_core_finds_no_violations_at_360_px(lang: str, axe_js: str, tmp_path: Path) -> None:
    """Every rule of axe-core 4 (WCAG 2.x A/AA and best practices) on the page a phone shows: the
    example policy, one with every notice-level fact, and one whose texts are in other languages
    (marked with their `lang`)."""
    for policy in (policy_of(FJORDKAFFE), text_policy(LAYERED + RIGHTS_POLICY.replace('policy "P" {\n'
                   "  bases contract, consent\n}\n", "") + CONSENT_POLICY.split("\n", 1)[1]),
                   policy_of(CIFERO)):
        result = axe(render(build(policy, lang)[0], "html"), axe_js, tmp_path)
        assert str(result.get("version", "")).startswith("4."), result
        assert result["violations"] == [], result


@needs_chromium
def test_hostile_text_stays_text_in_chromium(tmp_path: Path) -> None:
    result = audit(render(build(text_policy(HOSTILE), "en")[0], "html"), tmp_path)
    assert result["problems"] == []
    assert result["scripts"] == 1  # only the audit script itself: the policy's <script> is text


@needs_chromium
def test_docs_screenshot_can_be_made(tmp_path: Path) -> None:
    """The command docs/notice.md gives for the screenshot works, and the shipped one is a PNG."""
    page = tmp_path / "notice.html"
    page.write_text(render(build(policy_of(FJORDKAFFE), "en")[0], "html"), encoding="utf-8")
    shot = tmp_path / "shot.png"
    chromium(["--hide-scrollbars", "--window-size=1000,1200", f"--screenshot={shot}", page.as_uri()], tmp_path)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    shipped = Path(__file__).resolve().parent.parent / "docs" / "img" / "notice-fjordkaffe-en.png"
    assert shipped.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(("lang", "sentence"), [
    ("en", "We do not process special categories of personal data (GDPR Art. 9)."),
    ("nb", "Vi behandler ikke særlige kategorier av personopplysninger (personvernforordningen art. 9)."),
])
def test_the_notice_states_each_claim_as_a_sentence(lang: str, sentence: str) -> None:
    notice, _ = build(policy_of(FJORDKAFFE), lang)
    assert sentence in render(notice, "md")


# ---------------------------------------------------------------- how consent is asked and withdrawn

CONSENT_POLICY = """\
controller "Acme AS" { country NO }
purpose stats { name "Statistics" basis consent consent banner }
consent banner {
  method opt_in, continued_browsing
  shown_in EU, NO
  given_on "https://acme.example"
  refusal_degrades_service
  withdraw_via footer_button, email "privacy@acme.example", link "https://acme.example/cookies", post "Box 1"
}
cookie _ga { purpose stats category analytics }
"""


def test_the_notice_says_how_consent_is_asked_where_and_how_it_is_withdrawn() -> None:
    md = render(build(text_policy(CONSENT_POLICY), "en")[0], "md")
    facts = ("- **Consent:** No consent is asked: continuing to use the site is counted as agreement\n"
             "- **Where consent is asked:** the EU, Norway\n"
             "- **Where you give consent:** [https://acme.example](https://acme.example)\n"
             "- **If you refuse:** You can refuse; some parts of the service may then not work.\n"
             "- **Ways to withdraw your consent:** The consent button or link on every page; e-mail: "
             "[privacy@acme.example](mailto:privacy@acme.example); "
             "[https://acme.example/cookies](https://acme.example/cookies); letter: Box 1")
    # In the purpose, and under the cookie table for the mechanism the cookies rely on.
    assert md.count(facts) == 2
    assert "What we do about consent to these cookies:\n\n" + facts in md
    assert "How consent is asked" not in md


def test_the_norwegian_notice_says_it_too() -> None:
    md = render(build(text_policy(CONSENT_POLICY), "nb")[0], "md")
    assert "**Samtykke:** Det bes ikke om samtykke: at du fortsetter å bruke nettstedet, regnes som samtykke" in md
    assert "**Hvor det bes om samtykke:** EU, Norge" in md
    assert "**Hvis du sier nei:** Du kan si nei, men da kan deler av tjenesten slutte å virke." in md
    assert "**Der du kan trekke tilbake samtykket:** Samtykkeknappen eller -lenken på hver side; e-post: " in md
    assert "Slik håndterer vi samtykke til disse informasjonskapslene:" in md
    opt_in = md_of(CONSENT_POLICY.replace("opt_in, continued_browsing", "opt_in"), "nb")
    assert "**Slik bes du om samtykke:** Du sier aktivt ja (opt-in)" in opt_in
    assert "Slik ber vi om samtykke til disse informasjonskapslene:" in opt_in


def md_of(policy: str, lang: str) -> str:
    return render(build(text_policy(policy), lang)[0], "md")


def consent_cell(method: str, lang: str) -> str:
    """The consent cell of a cookie whose only mechanism uses ``method`` ("" for none stated)."""
    policy = f'cookie _ga {{ consent c category analytics }}\nconsent c {{ {f"method {method}" if method else ""} }}\n'
    (row,) = [line for line in md_of(policy, lang).splitlines() if line.startswith("| `_ga`")]
    return row.rstrip(" |").rsplit(" | ", 1)[1]


#: What the cookie table says for each method, in each language: "yes" only for a method that gives
#: consent (``ConsentMechanism.invalid_methods``, the linter's CON003/CON004 predicate).
CONSENT_CELLS = {
    "opt_in": ("Yes", "Ja"),
    "pre_ticked": ("No consent is asked: a box ticked in advance",
                   "Det bes ikke om samtykke: en boks som er krysset av på forhånd"),
    "opt_out": ("No consent is asked: you are counted as agreeing unless you opt out",
                "Det bes ikke om samtykke: du regnes som enig hvis du ikke reserverer deg"),
    "silence": ("No consent is asked: your silence is counted as agreement",
                "Det bes ikke om samtykke: at du ikke svarer, regnes som samtykke"),
    "continued_browsing": ("No consent is asked: continuing to use the site is counted as agreement",
                           "Det bes ikke om samtykke: at du fortsetter å bruke nettstedet, regnes som samtykke"),
    "browser_settings": ("No consent is asked: cookies are set unless you block them in your browser's settings",
                         "Det bes ikke om samtykke: informasjonskapsler settes med mindre du blokkerer dem i "
                         "innstillingene i nettleseren din"),
    "implied": ("No consent is asked: agreement is inferred from what you do",
                "Det bes ikke om samtykke: samtykke utledes av det du gjør"),
    "none": ("No consent is asked", "Det bes ikke om samtykke"),
    "acknowledge": ("No consent is asked: a notice you acknowledge (“OK”), with no choice",
                    "Det bes ikke om samtykke: en melding du bekrefter («OK») uten å kunne velge"),
    "necessary_only_as_consent": (
        "No consent is asked: choosing “necessary cookies only” is counted as agreement",
        "Det bes ikke om samtykke: å velge «bare nødvendige informasjonskapsler» regnes som samtykke"),
    "": ("Asked; how is not stated", "Ja, men det er ikke oppgitt hvordan"),
}


def test_every_consent_method_has_its_cell() -> None:
    assert set(CONSENT_CELLS) == {x.value for x in m.ConsentMethod} | {""}


@pytest.mark.parametrize("method", sorted(CONSENT_CELLS))
@pytest.mark.parametrize("lang", ["en", "nb"])
def test_the_cookie_table_says_yes_only_for_consent(method: str, lang: str) -> None:
    expected = CONSENT_CELLS[method][["en", "nb"].index(lang)]
    assert consent_cell(method, lang) == expected
    if method:  # the linter's verdict is the notice's: no "yes" where CON003/CON004 say it is no consent
        from privacy_dsl.api import load_text

        codes = {d.code for d in load_text(f"consent c {{ method {method} }}\n").diagnostics}
        assert (expected == phrases_for(lang).yes) == (not codes & {"CON003", "CON004"}), codes


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_a_mechanism_combining_an_opt_in_with_a_non_consent_method_is_no_consent(lang: str) -> None:
    assert consent_cell("opt_in, browser_settings", lang) == CONSENT_CELLS["browser_settings"][
        ["en", "nb"].index(lang)]


@pytest.mark.parametrize(("flags", "sentence"), [
    ("condition_of_service", "You can use the service only if you consent."),
    ("condition_of_service\n  refusal_degrades_service", "You can use the service only if you consent."),
    ("condition_of_service no", "You can refuse and still use the service."),
    ("refusal_degrades_service no", "You can refuse and still use the service."),
    ("", None),
])
def test_what_refusing_does_is_said_only_when_the_policy_says_it(flags: str, sentence: str | None) -> None:
    policy = CONSENT_POLICY.replace("  refusal_degrades_service\n", f"  {flags}\n" if flags else "")
    md = render(build(text_policy(policy), "en")[0], "md")
    if sentence is None:
        assert "If you refuse" not in md
    else:
        assert f"- **If you refuse:** {sentence}" in md


def test_a_mechanism_that_says_nothing_adds_nothing() -> None:
    md = render(build(text_policy('purpose p { name "P" basis consent consent c }\nconsent c {}\n'), "en")[0], "md")
    assert "consent is asked" not in md and "withdraw" not in md


RIGHTS_POLICY = """\
policy "P" {
  bases contract, consent
}
purpose petitions {
  name { en "Petitions" nb "Begjæringer" }
}
rights {
  offered access, information, complaint
  limited erasure law "§ 35 BDSG"
  limited access { en "others' rights" nb "andres rettigheter" }
  denied portability for petitions { en "a public task" nb "en offentlig oppgave" }
  denied objection
}
"""


@pytest.mark.parametrize(("lang", "lines"), [
    ("en", [
        "We process personal data on these legal bases:",
        "- Performance of a contract with you, or steps at your request before entering into one "
        "(GDPR Art. 6(1)(b))",
        "- Your consent (GDPR Art. 6(1)(a))",
        "- Access to your personal data (GDPR Art. 15); limited: others' rights",
        "- Information about how your personal data is processed (GDPR Art. 13 and 14)",
        "- Lodging a complaint with a supervisory authority (GDPR Art. 77)",
        "- Erasure (GDPR Art. 17); limited: Law: § 35 BDSG",
        "These rights do not apply:",
        "- Data portability (GDPR Art. 20): for Petitions; a public task",
        "- Objection to processing based on our legitimate interests or on a task in the public interest "
        "(GDPR Art. 21(1))",
    ]),
    ("nb", [
        "Vi behandler personopplysninger på disse rettslige grunnlagene:",
        "- Å klage til en tilsynsmyndighet (personvernforordningen art. 77)",
        "- Sletting (personvernforordningen art. 17); begrenset: Lovhjemmel: § 35 BDSG",
        "Disse rettighetene gjelder ikke:",
        "- Dataportabilitet (personvernforordningen art. 20): for Begjæringer; en offentlig oppgave",
    ]),
])
def test_the_notice_shows_limited_and_denied_rights_and_the_notice_wide_bases(lang: str, lines: list[str]) -> None:
    notice, problems = build(text_policy(RIGHTS_POLICY), lang)
    out = render(notice, "md").splitlines()
    for line in lines:
        assert line in out, line
    assert [p.code for p in problems] == []
    order = [out.index(line) for line in lines]
    assert order == sorted(order)


# ---------------------------------------------------------------- notice-level facts (issue 15.7)

LAYERED = """\
policy "Banner" {
  languages en, nb
  version "2.1"
  updated 2020-04
  history 2019 { en "First version." nb "Første versjon." }
  scope site "https://acme.example"
  scope app
  refers_to "https://acme.example/privacy" {
    name { en "Privacy Policy" nb "Personvernerklæring" }
    covers rights, retention
  }
  refers_to "The cookie notice" {
    name { en "The cookie notice" nb "Erklæringen om informasjonskapsler" }
  }
  cites "GDPR", "ekomloven § 2-7b"
}
controller "Acme AS" {
  email "a@acme.example"
  representative { name "Rep Ltd" address "1 Main Street, Dublin" country IE email "rep@rep.example" }
  privacy_contact { title { en "Privacy manager" nb "Personvernansvarlig" } name "Kari" email "kari@acme.example" }
  dpo { name "Dee" address "Postboks 1, 0101 Oslo" }
}
"""


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ["Last updated: April 2020 · Version: 2.1",
            "This notice covers: the website [https://acme.example](https://acme.example); the app",
            "- **Representative in the EU/EEA:** Rep Ltd; 1 Main Street, Dublin; Ireland; "
            "[rep@rep.example](mailto:rep@rep.example)",
            "Laws this notice refers to: GDPR; ekomloven § 2-7b.",
            "## More information",
            "- Privacy Policy ([https://acme.example/privacy](https://acme.example/privacy)): your rights, how long "
            "the data is kept",
            "- The cookie notice: the rest of the information",
            "## Privacy manager", "- **Name:** Kari",
            "- **Address:** Postboks 1, 0101 Oslo",
            "## Changes to this notice", "- 2019: First version."]),
    ("nb", ["Sist oppdatert: april 2020 · Versjon: 2.1",
            "Denne erklæringen gjelder for: nettstedet [https://acme.example](https://acme.example); appen",
            "- **Representant i EU/EØS:** Rep Ltd; 1 Main Street, Dublin; Irland; "
            "[rep@rep.example](mailto:rep@rep.example)",
            "Lover erklæringen viser til: GDPR; ekomloven § 2-7b.",
            "## Mer informasjon",
            "- Personvernerklæring ([https://acme.example/privacy](https://acme.example/privacy)): rettighetene dine, "
            "hvor lenge opplysningene lagres",
            "- Erklæringen om informasjonskapsler: resten av informasjonen",
            "## Personvernansvarlig", "- **Navn:** Kari",
            "- **Adresse:** Postboks 1, 0101 Oslo",
            "## Endringer i erklæringen", "- 2019: Første versjon."]),
])
def test_the_notice_states_its_date_version_scope_referrals_laws_contacts_and_changes(lang: str,
                                                                                    expected: list[str]) -> None:
    notice, problems = build(text_policy(LAYERED), lang)
    lines = render(notice, "md").splitlines()
    assert problems == []
    assert [line for line in expected if line not in lines] == []


UNTAGGED = """\
policy "P" {
  LANGUAGES
  refers_to "The cookie notice"
}
controller "Acme AS" {
  email "a@acme.example"
  description "We roast coffee."
}
"""


def _untagged(languages: str, lang: str) -> tuple[str, list[tuple[str, int, str, str]]]:
    notice, problems = build(text_policy(UNTAGGED.replace("LANGUAGES", languages)), lang)
    return render(notice, "md"), [(d.code, d.span.line, d.severity.name.lower(), d.message) for d in problems]


def test_untagged_prose_in_the_one_declared_language_is_shown_silently() -> None:
    page, problems = _untagged("languages en", "en")
    assert problems == [] and "We roast coffee." in page and "- The cookie notice:" in page


def test_untagged_prose_in_another_notice_language_is_a_missing_translation() -> None:
    """Issue 17: the nb notice showed English text without a word: untagged text is in the declared
    language, so an nb notice of an en policy lacks it (NTC001, marked with its language)."""
    page, problems = _untagged("languages en", "nb")
    assert [(code, line, severity) for code, line, severity, _ in problems] == [
        ("NTC001", 3, "error"), ("NTC001", 7, "error")]
    assert "untagged text, in en, the policy's declared language" in problems[1][3]
    assert "We roast coffee. *(en)*" in page and "The cookie notice *(en)*" in page


def test_untagged_prose_in_a_policy_of_several_languages_is_said_for_each_text() -> None:
    page, problems = _untagged("languages en, nb", "nb")
    assert problems == [
        ("NTC004", 3, "warning", 'the title "The cookie notice" is untagged text, but the policy declares en, nb: '
                                 "the `nb` notice shows it as written"),
        ("NTC004", 7, "warning", "the controller's description is untagged text, but the policy declares en, nb: "
                                 "the `nb` notice shows it as written")]
    assert "We roast coffee." in page


def test_untagged_prose_in_a_policy_of_no_declared_language_is_said_once() -> None:
    page, problems = _untagged("", "en")
    assert [(code, line, severity) for code, line, severity, _ in problems] == [("NTC004", 3, "warning")]
    assert problems[0][3] == ('untagged texts are shown as written in the `en` notice (2, the first: the title "The '
                              'cookie notice"); the policy declares no `languages`, so which language they are in is '
                              "not stated")
    assert "We roast coffee." in page


def test_a_text_many_blocks_inherit_is_one_finding_counting_them() -> None:
    policy = ('policy "P" {\n  languages en, nb\n}\ndefaults purpose {\n  description "Shared"\n}\n'
              + "".join(f'purpose {p} {{\n  name {{ en "{p}" nb "{p}" }}\n  use essential.service\n}}\n'
                        for p in "abc"))
    _, problems = build(text_policy(policy), "nb")
    assert [(d.code, d.span.line) for d in problems] == [("NTC004", 5)]
    assert problems[0].message.endswith("shows it as written (and 2 more blocks with this text)")
    _, problems = build(text_policy(policy.replace("  languages en, nb\n", "")), "en")
    assert [(d.code, d.span.line) for d in problems] == [("NTC004", 4)]
    assert "(1, the first: purpose `a` description)" in problems[0].message


def test_untagged_names_are_proper_names_in_every_language() -> None:
    policy = UNTAGGED.replace("LANGUAGES", "languages en").replace('  description "We roast coffee."\n', "")
    policy += 'purpose p {\n  name { en "Orders" nb "Bestillinger" }\n  use essential.service\n}\n'
    policy += 'recipient r {\n  name "Posten Bring AS"\n}\n'
    _, problems = build(text_policy(policy.replace('  refers_to "The cookie notice"\n', "")), "nb")
    assert [d.code for d in problems if "Posten" in d.message] == []


@pytest.mark.parametrize(("lang", "first", "second"), [
    ("fr", "1er septembre 2026", "2 septembre 2026"),
    ("en", "1 September 2026", "2 September 2026"),
    ("de", "1. September 2026", "2. September 2026"),
])
def test_the_first_of_a_month_is_written_as_each_language_writes_it(lang: str, first: str, second: str) -> None:
    assert (phrases_for(lang).date("2026-09-01"), phrases_for(lang).date("2026-09-02")) == (first, second)


@pytest.mark.parametrize(("value", "en", "nb"), [
    ("2026-09-01", "1 September 2026", "1. september 2026"),
    ("2020-04", "April 2020", "april 2020"),
    ("2019", "2019", "2019"),
])
def test_a_date_is_written_at_the_precision_the_notice_gives(value: str, en: str, nb: str) -> None:
    assert phrases_for("en").date(value) == en and phrases_for("nb").date(value) == nb
    notice, _ = build(text_policy(f'policy "P" {{\n  updated {value}\n}}\n'), "en")
    assert f'<time datetime="{value}">{en}</time>' in render(notice, "html")
