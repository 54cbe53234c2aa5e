"""``privacy-dsl notice``: content, missing translations with positions, escaping, and the HTML in a
real headless Chromium (accessibility checks run by the browser itself)."""

from __future__ import annotations

import dataclasses
import html as html_lib
import json
import re
import shutil
import subprocess
import typing
from pathlib import Path

import pytest
from conftest import POLICIES

from privacy_dsl.cli.main import main
from privacy_dsl.language import model as m
from privacy_dsl.lint.loader import load_one
from privacy_dsl.outputs.notice import Foreign, build, phrases_for, render
from privacy_dsl.outputs.notice.phrases import Phrases

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


def test_every_language_has_every_phrase_for_every_value() -> None:
    en, nb = phrases_for("en"), phrases_for("nb")
    for f in dataclasses.fields(Phrases):
        a, b = getattr(en, f.name), getattr(nb, f.name)
        if isinstance(a, dict) and f.name != "countries":
            assert set(a) == set(b), f.name
    for p in (en, nb):
        assert set(p.basis) == {b.value for b in m.BasisKind}
        assert set(p.special_conditions) == {c.value for c in m.SpecialCondition}
        assert set(p.rights) == {r.value for r in m.Right}
        assert set(p.roles) == {r.value for r in m.Role}
        assert set(p.mechanisms) == {x.value for x in m.Mechanism}
        assert set(p.parties) == {x.value for x in m.Party}
        assert set(p.storage) == {x.value for x in m.StorageKind}
        assert set(p.cookie_categories) == {x.value for x in m.CookieCategory}
        assert set(p.automated_exceptions) == {x.value for x in m.AutomatedException}
        assert set(p.units) == {x.value for x in m.TimeUnit}
        assert set(p.claims) == {c.value for c in m.Claim}
        assert set(p.scope_kinds) == {k.value for k in m.ScopeKind}
        assert set(p.topics) == {t.value for t in m.Topic}
        assert set(p.retention_vague) == set(typing.get_args(m.RetentionRule)) - {"duration", "until", "law"}
        assert set(p.events_until) <= set(p.events_after)
    with pytest.raises(ValueError):
        phrases_for("de")


# ---------------------------------------------------------------- content


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
    assert "| Name | Provider | Party | Purpose | Expiry | Consent |" in md
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
    assert "| Navn | Leverandør | Part | Formål | Varighet | Samtykke |" in md
    assert "13 måneder" in md and "30 minutter" in md
    assert "Levere bestillinger" in md and "Delivering orders" not in md


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


def test_untagged_text_serves_every_language() -> None:
    _, problems = build(text_policy('recipient r { name "Posten Bring AS" role processor }'), "en")
    assert problems == []


def test_unknown_event_is_a_warning_and_shown_as_written() -> None:
    policy = text_policy("purpose p {\n  name \"P\"\n  retention 2 years after ticket_closed\n}\n")
    notice, problems = build(policy, "en")
    assert [(d.code, d.severity.label, d.span.line, d.span.column) for d in problems] == [
        ("NTC003", "warning", 3, 13)]
    assert "2 years after ticket closed" in render(notice, "md")


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
@pytest.mark.parametrize("lang", ["en", "nb"])
def test_html_in_chromium_is_accessible(lang: str, tmp_path: Path) -> None:
    policy = policy_of(FJORDKAFFE)
    result = audit(render(build(policy, lang)[0], "html"), tmp_path)
    assert result["problems"] == []
    assert result["lang"] == lang
    assert result["columns"] == 6 and result["rows"] == len(policy.cookies)
    assert isinstance(result["worst_contrast"], float | int) and result["worst_contrast"] >= 7
    assert isinstance(result["headings"], int) and result["headings"] > 10


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
  refers_to "The cookie notice"
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
            "- The cookie notice: resten av informasjonen",
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


@pytest.mark.parametrize(("value", "en", "nb"), [
    ("2026-09-01", "1 September 2026", "1. september 2026"),
    ("2020-04", "April 2020", "april 2020"),
    ("2019", "2019", "2019"),
])
def test_a_date_is_written_at_the_precision_the_notice_gives(value: str, en: str, nb: str) -> None:
    assert phrases_for("en").date(value) == en and phrases_for("nb").date(value) == nb
    notice, _ = build(text_policy(f'policy "P" {{\n  updated {value}\n}}\n'), "en")
    assert f'<time datetime="{value}">{en}</time>' in render(notice, "html")
