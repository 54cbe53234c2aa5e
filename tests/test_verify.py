"""verify-cookies: declared cookies against observed ones (codes and positions), and the command."""

from __future__ import annotations

import json
import re
from pathlib import Path
from textwrap import dedent

import pytest
from conftest import POLICIES
from test_observed import entry, har

from privacy_dsl.cli.main import main
from privacy_dsl.interop.observed import read_har
from privacy_dsl.interop.verify import FirstParty, VerifyOptions, site_of, verify
from privacy_dsl.language import model as m
from privacy_dsl.language.parser import parse_text
from privacy_dsl.language.sources import SourceFile
from privacy_dsl.lint.config import Config
from privacy_dsl.lint.engine import lint_sources

POLICY = """\
policy "Shop" {
  url "https://shop.example/privacy"
}
consent banner {
  method opt_in
}
purpose stats {
  basis consent
  consent banner
}
cookie sid {
  party first
  expiry session
  category strictly_necessary
}
cookie pref {
  party first
  expiry 30 days
  category preferences
}
cookie cart {
  party first
  expiry session
  category functional
}
cookie "_pk_id.*" {
  pattern
  party first
  expiry 13 months
  category analytics
  purpose stats
}
cookie "exp_" {
  pattern
  party first
  expiry 1 day
  category functional
}
cookie ghost {
  party first
  expiry 1 day
  category functional
}
cookie local_thing {
  kind local_storage
  party first
  expiry 1 day
  category functional
}
"""


def policy_of(text: str) -> m.Policy:
    result = lint_sources(".", [SourceFile("policy.privacy", dedent(text))], Config(), rules=[])
    assert result.policy is not None, result.diagnostics
    return result.policy


def findings(policy: m.Policy, path: Path, **options: object) -> list[tuple[str, str, int]]:
    capture = read_har(path, "visit.har")
    diags = verify(policy, [capture], VerifyOptions(**options))  # type: ignore[arg-type]
    return sorted((d.code, dict(d.args).get("name", ""), d.span.line) for d in diags)


def test_every_planted_mismatch_and_nothing_else(tmp_path: Path) -> None:
    path = har(tmp_path, [
        entry("https://shop.example/", 0.1, ["sid=1; Path=/", "pref=2; Max-Age=31536000", "cart=3; Max-Age=600",
                                             "_pk_id.1.ab=4; Max-Age=34000000", "exp_42=5; Max-Age=60"]),
        entry("https://ads.example/px", 0.2, ["cart=9; Max-Age=60", "mystery=1; Max-Age=60"]),
    ])
    got = findings(policy_of(POLICY), path)
    lines = {name: i + 1 for i, line in enumerate(POLICY.splitlines())
             for name in ("sid", "pref", "cart", "ghost") if line.startswith(f"cookie {name} ")}
    assert [(c, n) for c, n, _ in got] == [
        ("VC001", "mystery"),
        ("VC002", "pref"),
        ("VC003", "cart"),
        ("VC004", "cart"),
        ("VC005", "_pk_id.1.ab"),
        ("VC006", "ghost"),
    ]
    by_code = {c: line for c, _, line in got}
    assert by_code["VC002"] == lines["pref"] + 2  # the `expiry` statement
    assert by_code["VC003"] == lines["cart"] + 2
    assert by_code["VC004"] == lines["cart"] + 1  # the `party` statement
    assert by_code["VC006"] == lines["ghost"]


def test_within_tolerance_is_not_longer(tmp_path: Path) -> None:
    # 30 days declared; 30 days + 1 % observed (clock skew, rounding) passes
    path = har(tmp_path, [entry("https://shop.example/", 0.1, [f"pref=2; Max-Age={int(30 * 86400 * 1.01)}"])])
    assert [c for c, _, _ in findings(policy_of(POLICY), path) if c == "VC002"] == []


def test_sent_cookies_count_as_observed_but_not_for_expiry(tmp_path: Path) -> None:
    path = har(tmp_path, [entry("https://shop.example/", 5.0, sent=["cart", "sid", "pref", "_pk_id.9", "exp_1",
                                                                    "ghost"])])
    assert findings(policy_of(POLICY), path) == []  # after onLoad: nothing is pre-consent


def test_domains_restrict_a_declaration(tmp_path: Path) -> None:
    text = 'cookie uid {\n  party third\n  expiry 1 day\n  domains ".ads.example"\n}\n'
    path = har(tmp_path, [entry("https://ads.example/x", 5.0, ["uid=1; Max-Age=60; Domain=ads.example"]),
                          entry("https://other.example/x", 5.1, ["uid=1; Max-Age=60"])])
    got = findings(policy_of(text), path)
    assert [(c, n) for c, n, _ in got] == [("VC001", "uid")]
    # the hint offers both fixes: a declaration for the other domain, or a wider `domains`
    (vc001,) = [d for d in verify(policy_of(text), [read_har(path, "visit.har")]) if d.code == "VC001"]
    assert vc001.hint is not None and vc001.hint.endswith(
        'or add "other.example" to the `domains` of the declaration at policy.privacy:4:3')
    assert 'domains "other.example"' in dict(vc001.args)["suggestion"]


def test_undeclared_suggestion_is_valid_dsl_from_the_database(tmp_path: Path) -> None:
    path = har(tmp_path, [entry("https://shop.example/", 0.1, ["_ga=GA1; Max-Age=63072000"]),
                          entry("https://www.facebook.com/tr", 0.2, ["fr=1; Max-Age=7776000; Domain=.facebook.com"])])
    diags = verify(policy_of(POLICY), [read_har(path, "visit.har")])
    suggestions = {dict(d.args)["name"]: dict(d.args)["suggestion"] for d in diags if d.code == "VC001"}
    # in the canonical layout of `privacy-dsl fmt`; the hint holds the same declaration on one line
    assert suggestions["_ga"] == ('cookie _ga {\n  provider "Google"\n  party first\n  expiry 730 days\n'
                                  '  domains "shop.example"\n  category analytics\n}')
    hints = {dict(d.args)["name"]: d.hint for d in diags if d.code == "VC001"}
    assert hints["_ga"] == ('declare it: cookie _ga { provider "Google" party first expiry 730 days '
                            'domains "shop.example" category analytics }')
    assert "party third" in suggestions["fr"] and "category marketing" in suggestions["fr"]
    for block in suggestions.values():
        parsed = parse_text(block, "s.privacy")
        assert parsed.document is not None and not parsed.diagnostics, block
    # and both are known tracking cookies set on the first page load, before consent
    assert sorted(dict(d.args)["name"] for d in diags if d.code == "VC005") == ["_ga", "fr"]


def test_strictly_necessary_cookies_are_never_pre_consent_findings(tmp_path: Path) -> None:
    text = 'cookie _ga { party first expiry 2 years category strictly_necessary }\n'
    path = har(tmp_path, [entry("https://shop.example/", 0.1, ["_ga=1; Max-Age=60"])])
    assert findings(policy_of(text), path) == []


def test_nothing_observed_means_no_declared_not_observed(tmp_path: Path) -> None:
    path = har(tmp_path, [entry("https://shop.example/", 0.1)])
    assert [c for c, _, _ in findings(policy_of(POLICY), path)] == ["VC101"]


def test_first_party_origin_with_port(tmp_path: Path) -> None:
    text = 'cookie tp { party first expiry 1 day }\n'
    path = har(tmp_path, [entry("http://127.0.0.1:8001/", 5.0),
                          entry("http://127.0.0.1:8002/px", 5.1, ["tp=1; Max-Age=60"])],
               pages=[{"id": "page_1", "startedDateTime": "2026-11-25T10:00:00Z", "title": "http://127.0.0.1:8001/"}])
    assert findings(policy_of(text), path) == []  # same host: same site, whatever the port
    got = findings(policy_of(text), path, first_party=("http://127.0.0.1:8001",))
    assert [c for c, _, _ in got] == ["VC004"]


def test_first_party_unknown_is_said_once(tmp_path: Path) -> None:
    jar = tmp_path / "cookies.txt"
    jar.write_text("ads.example\tFALSE\t/\tFALSE\t0\ttp\tx\n", encoding="utf-8")
    from privacy_dsl.interop.observed import read_cookies_txt

    diags = verify(policy_of('cookie tp { party first expiry session }\n'), [read_cookies_txt(jar)])
    assert [d.code for d in diags] == ["VC103"]


@pytest.mark.parametrize(("host", "covered"), [
    ("shop.example", True), ("www.shop.example", True), ("cdn.shop.example", True), ("shop.example.evil", False),
    ("ads.example", False), ("example", False),
])
def test_site_matching(host: str, covered: bool) -> None:
    assert FirstParty.parse("https://www.shop.example/privacy").covers(host) is covered  # type: ignore[union-attr]


def test_site_of_handles_second_level_suffixes() -> None:
    assert site_of("www.shop.co.uk") == "shop.co.uk"
    assert site_of("a.b.shop.no") == "shop.no"
    assert site_of("127.0.0.1") == "127.0.0.1"


# ---------------------------------------------------------------- the command


def test_command_exit_codes_and_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = har(tmp_path, [entry("https://fjordkaffe.example/", 5.0,
                                 ["session_id=1; Path=/", "consent_choice=1; Max-Age=31536000",
                                  "_pk_id.1.a=1; Max-Age=34000000", "_pk_ses.1.a=1; Max-Age=1800"])])
    assert main(["verify-cookies", str(POLICIES / "fjordkaffe"), "--har", str(clean)]) == 0
    assert "All clear" in capsys.readouterr().out
    dirty = tmp_path / "dirty.har"
    dirty.write_text(clean.read_text(encoding="utf-8").replace("_pk_ses", "_xx_ses"), encoding="utf-8")
    assert main(["verify-cookies", str(POLICIES / "fjordkaffe"), "--har", str(dirty), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert "VC001" in json.dumps(report) and "VC006" in json.dumps(report)
    assert main(["verify-cookies", str(POLICIES / "fjordkaffe"), "--har", str(dirty), "--exit-zero"]) == 0
    capsys.readouterr()
    assert main(["verify-cookies", str(POLICIES / "fjordkaffe"), "--har", str(dirty),
                 "--ignore", "VC001,VC006", "--format", "concise"]) == 0
    assert capsys.readouterr().out == ""


def test_inside_github_actions_the_default_format_is_github(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """As for lint: annotations on the diff, without a --format in the workflow."""
    dirty = har(tmp_path, [entry("https://fjordkaffe.example/", 5.0, ["_xx_ses=1; Max-Age=1800"])])
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert main(["verify-cookies", str(POLICIES / "fjordkaffe"), "--har", str(dirty)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("::") and "title=VC001" in out
    # and the job summary lists every finding, after what the step wrote before
    written = summary.read_text(encoding="utf-8")
    assert written.startswith("earlier step\n### privacy-dsl\n") and "| error | VC001 |" in written
    assert main(["verify-cookies", str(POLICIES / "fjordkaffe"), "--har", str(dirty), "--format", "concise"]) == 1
    assert not capsys.readouterr().out.startswith("::")


def test_command_sarif_is_valid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema_path = Path(__file__).parent / "data" / "sarif" / "sarif-schema-2.1.0.json"
    if not schema_path.exists():
        pytest.skip("no SARIF schema in tests/data")
    path = har(tmp_path, [entry("https://fjordkaffe.example/", 0.1, ["mystery=1"])])
    assert main(["verify-cookies", str(POLICIES / "fjordkaffe"), "--har", str(path), "--format", "sarif"]) == 1
    doc = json.loads(capsys.readouterr().out)
    jsonschema.validate(doc, json.loads(schema_path.read_text(encoding="utf-8")))
    assert {r["ruleId"] for r in doc["runs"][0]["results"]} >= {"VC001", "VC006"}


def test_command_unusable_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.har"
    bad.write_text("not json", encoding="utf-8")
    assert main(["verify-cookies", str(POLICIES / "fjordkaffe"), "--har", str(bad)]) == 2
    assert "VC100" in capsys.readouterr().out
    assert main(["verify-cookies", str(POLICIES / "fjordkaffe")]) == 2  # no capture
    assert main(["verify-cookies", str(POLICIES / "fjordkaffe"), "--har", str(bad), "--consent-marker", "("]) == 2
    assert main(["verify-cookies", str(POLICIES / "fjordkaffe"), "--har", str(bad), "--ignore", "VC999"]) == 2
    broken = tmp_path / "policy"
    broken.mkdir()
    (broken / "p.privacy").write_text("cookie {", encoding="utf-8")
    good = har(tmp_path, [entry("https://x.example/", 0.1, ["a=1"])])
    assert main(["verify-cookies", str(broken), "--har", str(good)]) == 2
    assert "E10" in capsys.readouterr().out


def test_cookies_suggest(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cookies", "suggest", "_ga", "_fbp", "_ga_XYZ"]) == 0
    out = capsys.readouterr().out
    parsed = parse_text(out, "suggested.privacy")
    assert parsed.document is not None and not parsed.diagnostics
    cookies = {b.name: b for b in parsed.document.blocks if isinstance(b, m.Cookie)}
    assert set(cookies) == {"_ga", "_fbp", "_ga_*"}
    assert cookies["_ga"].category is m.CookieCategory.ANALYTICS and str(cookies["_ga"].expiry) == "2 years"
    assert cookies["_fbp"].category is m.CookieCategory.MARKETING and cookies["_fbp"].provider == "Facebook"
    assert cookies["_ga_*"].pattern
    assert "Apache-2.0" in out
    assert main(["cookies", "suggest", "_ga", "not_a_known_cookie"]) == 1
    captured = capsys.readouterr()
    assert "not_a_known_cookie" in captured.err and "cookie _ga" in captured.out
    assert main(["cookies"]) == 2


def test_suggested_declarations_are_written_as_fmt_writes_them() -> None:
    """A cookie named like a keyword is quoted, as ``fmt`` (and export and import) write it; the
    declaration ``cookies suggest`` prints passes ``fmt --check``; and the one-line suggestion of a
    VC001 hint formats to exactly that declaration."""
    from privacy_dsl.interop.verify import suggest_block
    from privacy_dsl.language.parser import lark_parser
    from privacy_dsl.outputs import fmt

    keywords = sorted({str(t.pattern.value) for t in lark_parser().terminals if t.pattern.type == "str"})
    names = [*keywords, "sid", "_ga", "a-b", "x.y", "1abc", "policy-x", 'a"b']
    for name in names:
        block = suggest_block(name, known=[], party="first") + "\n"
        canonical = fmt.format_text(f"cookie {fmt.quote(name)} {{\n  party first\n}}\n")
        assert canonical.output is not None and fmt.format_text(block).output == block == canonical.output, name
        one_line = suggest_block(name, known=[], party="first", one_line=True)
        assert fmt.format_text(one_line + "\n").output == block, name
    assert suggest_block("policy", known=[]).startswith('cookie "policy" {')


# ---------------------------------------------------------------- suggestions that resolve their finding

#: Codes that may remain after every suggestion is pasted: VC005 is about when the site sets a cookie
#: (before consent), which no declaration changes; VC101-VC103 are about the capture itself.
REMAIN_AFTER_PASTING = {"VC005", "VC101", "VC102", "VC103"}


def _realistic_capture(tmp_path: Path) -> Path:
    """A visit touching many hosts: patterns that repeat (`_chartbeat2`, `_chartbeat4`, `_ga_*`
    under several ids), one tracker on twelve ad hosts of nine sites (more than five: the old cap),
    cookies set by `Set-Cookie` with and without `Domain`, cookies only sent (set by scripts), and a
    host-only cookie on a deep subdomain."""
    entries = [entry("https://www.shop.example/", 0.1, ["sid=1", "_ga=1; Max-Age=63072000; Domain=shop.example",
                                                        "_ga_ABC123=1; Max-Age=63072000; Domain=shop.example"]),
               entry("https://static.shop.example/app.js", 0.2, sent=["_chartbeat2", "_ga_XYZ789"]),
               entry("https://ping.chartbeat.net/ping", 0.3, ["_chartbeat4=1; Max-Age=86400"]),
               entry("https://eu.api.shop.example/v1", 0.4, ["api_token=1; Max-Age=3600"]),
               # patterns inside patterns, the narrower seen first: one `_gat*`, one `wp-settings-*`
               entry("https://www.shop.example/a", 0.45, sent=["_gat_gtag_UA_1", "wp-settings-time-1"]),
               entry("https://www.shop.example/b", 0.46, sent=["_gat_UA-2", "wp-settings-1"])]
    ad_hosts = [f"{sub}.{site}" for site, subs in [("adnet.example", ["a", "b", "c", "d"]),
                                                   ("trk.example", ["x"]), ("px.example", ["p"]),
                                                   ("sync.example", ["s"]), ("rtb.example", ["r"]),
                                                   ("cm.example", ["m"]), ("bid.example", ["q"]),
                                                   ("dsp.example", ["u"]), ("ssp.example", ["v"])]
                for sub in subs]
    for n, host in enumerate(ad_hosts):
        entries.append(entry(f"https://{host}/sync?n={n}", 0.5 + n / 100, [f"uid=1; Max-Age={86400 * (n + 1)}"]))
        entries.append(entry(f"https://{host}/px", 2.0 + n / 100, sent=["IDE", f"_chartbeat{n % 3}"]))
    return har(tmp_path, entries)


def test_pasting_every_suggestion_resolves_every_vc001(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A round trip: verify a realistic capture, paste every suggested declaration (the JSON's
    `suggestion`) into the policy, verify again: no VC001-VC004 or VC006 is left, the policy lints
    without a duplicate (HYG003) or syntax error, and each suggestion is already in `fmt` layout."""
    from privacy_dsl.outputs import fmt

    capture = _realistic_capture(tmp_path)
    policy = tmp_path / "policy"
    policy.mkdir()
    (policy / "main.privacy").write_text('policy "Shop" {\n  url "https://www.shop.example/privacy"\n}\n',
                                         encoding="utf-8")
    args = ["verify-cookies", str(policy), "--har", str(capture), "--format", "json"]
    assert main(args) == 1
    first = json.loads(capsys.readouterr().out)["diagnostics"]
    vc001 = [d for d in first if d["code"] == "VC001"]
    suggestions = [d["args"]["suggestion"] for d in vc001 if "suggestion" in d["args"]]
    covered = {d["args"]["name"]: d["args"]["covered_by"] for d in vc001 if "covered_by" in d["args"]}
    # one suggestion per Open Cookie Database pattern; later names say which one covers them
    assert sum('cookie "_chartbeat*"' in s for s in suggestions) == 1
    assert sum('cookie "_ga_*"' in s for s in suggestions) == 1
    assert sum('cookie "_gat' in s for s in suggestions) == 1 and any('cookie "_gat*"' in s for s in suggestions)
    assert sum('cookie "wp-settings-' in s for s in suggestions) == 1
    assert set(covered.values()) == {"_chartbeat*", "_ga_*", "_gat*", "wp-settings-*"}, covered
    assert len(covered) == 6 and covered["_gat_UA-2"] == "_gat*", covered
    assert all(d["hint"].startswith("covered by") for d in vc001 if "covered_by" in d["args"])
    assert len(suggestions) + len(covered) == len(vc001)
    for block in suggestions:
        assert fmt.format_text(block + "\n").output == block + "\n", block
    uid = next(s for s in suggestions if s.startswith("cookie uid"))
    parsed = parse_text(uid, "uid.privacy")
    assert parsed.document is not None
    # twelve hosts of nine sites (more than eight): collapsed to the nine sites
    assert len(re.findall(r'"[a-z]+\.example"', uid.split("domains", 1)[1])) == 9, uid

    (policy / "cookies.privacy").write_text("\n".join(suggestions) + "\n", encoding="utf-8")
    main(args)
    second = json.loads(capsys.readouterr().out)["diagnostics"]
    left = sorted({d["code"] for d in second} - REMAIN_AFTER_PASTING)
    assert left == [], json.dumps([d for d in second if d["code"] in left], indent=1)
    assert {d["code"] for d in second} == {"VC005"}  # the trackers set before consent, now declared
    assert main(["lint", str(policy), "--format", "json"]) in (0, 1)
    lint = json.loads(capsys.readouterr().out)["diagnostics"]
    assert not [d for d in lint if d["code"] == "HYG003" or d["code"].startswith("E")], lint


def test_write_suggestions_gives_a_file_the_next_run_reads(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """`--write-suggestions` writes the same declarations into a file in the policy directory; the full
    format prints them after the report, as `fmt` writes them. The next run reads that file: given
    the same `--write-suggestions` again, it refuses to write over it (its suggestions would be only
    the cookies still undeclared, and the file's declarations would be lost), and with nothing to
    suggest it writes no file (an empty one in the policy would be E004)."""
    capture = _realistic_capture(tmp_path)
    policy = tmp_path / "policy"
    policy.mkdir()
    (policy / "main.privacy").write_text('policy "Shop" {\n  url "https://www.shop.example/privacy"\n}\n',
                                         encoding="utf-8")
    assert main(["verify-cookies", str(policy), "--har", str(capture), "--write-suggestions",
                 str(tmp_path / "missing" / "x.privacy")]) == 2
    assert "--write-suggestions" in capsys.readouterr().err
    out_file = policy / "suggested.privacy"
    assert main(["verify-cookies", str(policy), "--har", str(capture), "--format", "full", "--color", "never",
                 "--write-suggestions", str(out_file)]) == 1
    out = capsys.readouterr().out
    written = out_file.read_text(encoding="utf-8")
    assert "suggested declaration(s), as `privacy-dsl fmt` writes them" in out
    assert written.strip() in out and 'cookie "_chartbeat*" {\n  pattern\n' in written
    main(["verify-cookies", str(policy), "--har", str(capture), "--format", "json"])
    assert {d["code"] for d in json.loads(capsys.readouterr().out)["diagnostics"]} == {"VC005"}
    assert main(["verify-cookies", str(policy), "--har", str(capture), "--write-suggestions", str(out_file)]) == 2
    assert "is a file of the policy being verified" in capsys.readouterr().err
    assert out_file.read_text(encoding="utf-8") == written
    again = policy / "more.privacy"
    assert main(["verify-cookies", str(policy), "--har", str(capture), "--write-suggestions", str(again)]) == 1
    assert "no undeclared cookie to suggest" in capsys.readouterr().err and not again.exists()


def test_inspection_json_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The website-evidence-collector's inspection.json, given to --har: its cookies are judged as set
    before consent (the collector never consents); pasting the suggestions leaves only VC005."""
    fixture = Path(__file__).parent / "fixtures" / "captures" / "inspection.json"
    policy = tmp_path / "policy"
    policy.mkdir()
    (policy / "main.privacy").write_text('policy "Test page" {\n  url "http://localhost:8000/"\n}\n',
                                         encoding="utf-8")
    args = ["verify-cookies", str(policy), "--har", str(fixture), "--format", "json"]
    assert main(args) == 1
    first = json.loads(capsys.readouterr().out)["diagnostics"]
    assert sorted({(d["code"], d["args"]["name"]) for d in first if d["code"] == "VC001"}) == [
        ("VC001", n) for n in sorted(["PREF", "VISITOR_INFO1_LIVE", "VISITOR_PRIVACY_METADATA", "YSC", "foo", "foo2"])]
    suggestions = {d["args"]["name"]: d["args"]["suggestion"] for d in first if "suggestion" in d["args"]}
    assert "party third" in suggestions["YSC"] and "party first" in suggestions["foo"]
    assert "expiry session" in suggestions["YSC"] and "expiry 180 days" in suggestions["VISITOR_INFO1_LIVE"]
    (policy / "cookies.privacy").write_text("\n\n".join(suggestions.values()) + "\n", encoding="utf-8")
    main(args)
    second = json.loads(capsys.readouterr().out)["diagnostics"]
    assert {d["code"] for d in second} == {"VC005"}
    assert {d["args"]["name"] for d in second} == {"VISITOR_INFO1_LIVE", "VISITOR_PRIVACY_METADATA"}


def test_local_storage_of_an_inspection_is_compared_with_kind_local_storage(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An inspection.json records local storage: declarations of `kind local_storage` are compared
    with its keys (never with a cookie of the same name), and the suggestion for an undeclared key
    says `kind local_storage`; pasted, it resolves the finding. A HAR records none: there, the same
    declarations are not reported unobserved."""
    inspection = tmp_path / "inspection.json"
    inspection.write_text(json.dumps({
        "uri_ins": "https://www.shop.example/", "start_time": "2026-11-25T10:00:00Z",
        "cookies": [{"name": "basket", "domain": "www.shop.example", "path": "/", "expires": -1, "session": True}],
        "localStorage": {"https://www.shop.example": {"basket": {"value": "x", "firstPartyStorage": True},
                                                      "ab_test": {"value": "y"}},
                         "https://widget.example": {"wdg_uid": {"value": "z", "log": {"type": "Storage"}}}},
    }), encoding="utf-8")
    policy = tmp_path / "policy"
    policy.mkdir()
    (policy / "main.privacy").write_text(dedent("""\
        policy "Shop" {
          url "https://www.shop.example/"
        }
        cookie basket {
          party first
          expiry session
          category strictly_necessary
        }
        cookie basket {
          kind local_storage
          party first
          category strictly_necessary
        }
        cookie stale_key {
          kind local_storage
          party first
          category functional
        }
        """), encoding="utf-8")
    args = ["verify-cookies", str(policy), "--har", str(inspection), "--format", "json"]
    assert main(args) == 1
    found = json.loads(capsys.readouterr().out)["diagnostics"]
    assert sorted((d["code"], d["args"]["name"]) for d in found) == [
        ("VC001", "ab_test"), ("VC001", "wdg_uid"), ("VC006", "stale_key")]
    by_name = {d["args"]["name"]: d for d in found}
    assert by_name["ab_test"]["message"].startswith("local storage item `ab_test` is stored")
    assert by_name["wdg_uid"]["args"]["suggestion"] == (
        'cookie wdg_uid {\n  kind local_storage\n  party third\n  domains "widget.example"\n}')
    pasted = "\n".join(d["args"]["suggestion"] for d in found if "suggestion" in d["args"])
    (policy / "storage.privacy").write_text(pasted + "\n", encoding="utf-8")
    main(args)
    assert [(d["code"], d["args"]["name"]) for d in json.loads(capsys.readouterr().out)["diagnostics"]] == [
        ("VC006", "stale_key")]
    # a HAR shows no local storage: the local-storage declarations are neither matched nor missed
    capture = har(tmp_path, [entry("https://www.shop.example/", 5.0, ["basket=1"])])
    assert main(["verify-cookies", str(policy), "--har", str(capture), "--format", "json"]) == 0
    capsys.readouterr()


def test_suggested_domains_cover_every_domain_and_stay_short() -> None:
    from privacy_dsl.interop.verify import MAX_SUGGESTED_SITES, suggest_domains

    assert suggest_domains(["www.a.example", "a.example", "x.y.a.example", "b.example"]) == ["a.example",
                                                                                              "b.example"]
    hosts = [f"h{i}.s{i % 9}.example" for i in range(40)]  # forty hosts of nine sites: the sites
    assert suggest_domains(hosts) == [f"s{i}.example" for i in range(9)]
    assert suggest_domains(["a.example", ""]) == []  # a sighting without a domain: no `domains`
    assert suggest_domains([f"s{i}.example" for i in range(MAX_SUGGESTED_SITES + 1)]) == []  # covers all


# ---------------------------------------------------------------- real captures (tests/fixtures/captures)

CAPTURES = Path(__file__).parent / "fixtures" / "captures"

#: Real HAR files by five tools (README.md there): the undeclared cookies an empty policy has, one
#: cookie the first page's site sets or reads, and one another site does.
REAL_CAPTURES = [
    pytest.param("nytimes-webpagetest.har", 100, "RMID", "uuid", id="webpagetest"),
    pytest.param("ferguson-sitespeed-chrome.har", 46, '"_ga_*"', "UserMatchHistory", id="sitespeed-chrome-har"),
    pytest.param("mytoys-chrome-har.har", 34, "MS_TEST", "MS_USER", id="chrome-har"),
    pytest.param("linkedin-firefox.har", 12, "bcookie", "UID", id="firefox"),
    pytest.param("mitmproxy-org-chrome-devtools.har", 21, None, "SID", id="chrome-devtools"),
]


@pytest.mark.parametrize(("capture", "undeclared", "first_party", "third_party"), REAL_CAPTURES)
def test_real_capture_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str], capture: str, undeclared: int,
                                 first_party: str | None, third_party: str) -> None:
    """Verify a real capture against a policy without cookies, write every suggestion into the
    policy (`--write-suggestions`), verify again: no undeclared cookie is left (each suggestion's
    `domains` covers every host that set or sent it), the written file is as `fmt` writes it, and the
    policy lints without a duplicate declaration (HYG003) or a syntax error. The party of each
    suggestion comes from the page's own site (sitespeed.io titles a page `https://site run 1`,
    WebPageTest `Run 1, First View for https://site`: neither is the URL)."""
    policy = tmp_path / "policy"
    policy.mkdir()
    (policy / "main.privacy").write_text('policy "Site" {\n  updated 2026-12-04\n}\n', encoding="utf-8")
    written = policy / "suggested.privacy"
    args = ["verify-cookies", str(policy), "--har", str(CAPTURES / capture), "--format", "json"]
    assert main([*args, "--write-suggestions", str(written)]) == 1
    vc001 = [d for d in json.loads(capsys.readouterr().out)["diagnostics"] if d["code"] == "VC001"]
    assert len(vc001) == undeclared
    # each finding carries a suggestion, or names the suggestion (a pattern) that covers it
    assert all(("suggestion" in d["args"]) != ("covered_by" in d["args"]) for d in vc001)
    suggested = [d["args"]["suggestion"] for d in vc001 if "suggestion" in d["args"]]
    heads = {block.split(" {")[0]: block for block in suggested}
    if first_party is not None:
        assert "party first" in heads[f"cookie {first_party}"]
    assert "party third" in heads[f"cookie {third_party}"]

    main(args)
    left = [d for d in json.loads(capsys.readouterr().out)["diagnostics"] if d["code"] not in REMAIN_AFTER_PASTING]
    assert left == []
    assert main(["fmt", "--check", str(written)]) == 0
    capsys.readouterr()
    assert main(["lint", str(policy), "--format", "json"]) in (0, 1)
    lint = json.loads(capsys.readouterr().out)["diagnostics"]
    assert [d for d in lint if d["code"] == "HYG003" or d["code"].startswith("E")] == []


@pytest.mark.parametrize("capture", ["nytimes-webpagetest.har", "mytoys-chrome-har.har"])
def test_a_real_one_line_har_gives_bounded_output(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  capture: str) -> None:
    """Real captures are minified: a HAR on one line (nytimes as WebPageTest wrote it; mytoys
    re-serialised on one line). Every excerpt is a window of that line, so the output grows with the
    findings, never with the line (about 150 bytes a finding in `concise`, 600 in `full`)."""
    source = CAPTURES / capture
    one_line = tmp_path / capture
    one_line.write_text(json.dumps(json.loads(source.read_text(encoding="utf-8")), ensure_ascii=False,
                                   separators=(",", ":")), encoding="utf-8")
    assert one_line.read_text(encoding="utf-8").count("\n") == 0 and one_line.stat().st_size > 100_000
    (tmp_path / "main.privacy").write_text('policy "Site" {\n  updated 2026-12-04\n}\n', encoding="utf-8")
    for fmt in ("full", "concise", "github"):
        assert main(["verify-cookies", str(tmp_path), "--har", str(one_line), "--format", fmt,
                     "--color", "never"]) == 1
        out = capsys.readouterr().out
        findings = len(re.findall(r"VC00\d", out))
        assert findings >= 30
        assert len(out) <= findings * 1000, (fmt, len(out), findings)
        # a github annotation holds its message and hint on one line, each bounded
        assert max(len(line) for line in out.split("\n")) <= (1000 if fmt == "github" else 300), fmt


def test_sarif_fingerprints_of_a_one_line_har_hash_the_line_once_per_code(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Each finding's fingerprint hashes the text of its line: on a one-line HAR, that is the whole
    file. It is hashed once per code, not once per finding (4,000 findings on a 2 MB line took half
    a minute); the fingerprints still tell the findings apart by their occurrence number."""
    import hashlib

    from privacy_dsl.outputs.reporters import sarif

    hashed: list[int] = []
    sha256 = hashlib.sha256

    def counting(data: bytes = b"") -> hashlib._Hash:
        hashed.append(len(data))
        return sha256(data)

    monkeypatch.setattr(sarif.hashlib, "sha256", counting)
    capture = CAPTURES / "nytimes-webpagetest.har"
    (tmp_path / "main.privacy").write_text('policy "Site" {\n  updated 2026-12-04\n}\n', encoding="utf-8")
    main(["verify-cookies", str(tmp_path), "--har", str(capture), "--format", "sarif"])
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert len(results) > 100
    assert sum(hashed) <= 3 * capture.stat().st_size  # VC001 and VC005: two codes on the one line
    prints = [r["partialFingerprints"]["privacyDsl/v1"] for r in results]
    assert len(set(prints)) == len(prints)


def test_a_cookie_only_sent_is_suggested_for_the_common_parent_of_its_hosts(tmp_path: Path) -> None:
    """A `Cookie` header names no domain: one cookie sent to two hosts of a site has a `Domain`
    that covers both, so the suggestion names their common parent (one line, not each host: the next
    capture's ninth host of the site is covered too). A `Set-Cookie` without `Domain` is host-only:
    the hosts themselves."""
    path = har(tmp_path, [entry("https://www.shop.example/", 5.0, sent=["opt"]),
                          entry("https://et.shop.example/x", 5.1, sent=["opt"]),
                          entry("https://a.on.shop.example/", 5.2, sent=["mk"]),
                          entry("https://b.on.shop.example/", 5.3, sent=["mk"]),
                          entry("https://cdn.example/x", 5.4, sent=["mk"]),
                          entry("https://x.shop.example/", 5.5, ["host=1"]),
                          entry("https://y.shop.example/", 5.6, ["host=1"])])
    diags = verify(policy_of('policy "Shop" { url "https://www.shop.example/" }\n'), [read_har(path, "visit.har")])
    domains = {dict(d.args)["name"]: dict(d.args)["suggestion"].split("domains ")[1].split("\n")[0]
               for d in diags if d.code == "VC001"}
    assert domains == {"opt": '"shop.example"', "mk": '"cdn.example", "on.shop.example"',
                       "host": '"x.shop.example", "y.shop.example"'}


SECRET = "S3CR3T-ID-Ø-1234567890"


def _captures_with_secrets(tmp_path: Path) -> dict[str, list[str]]:
    """One capture of each kind whose cookie values are `SECRET...`: option and file."""
    entries = [entry("https://www.shop.example/", 0.1, [f"sid={SECRET}a; Path=/", f'q="{SECRET}b"; Max-Age=60'],
                     sent=["pref"]),
               entry("https://ads.example/px", 0.2, [f"uid={SECRET}c; Domain=ads.example"])]
    entries[0]["request"]["cookies"] = [{"name": "pref", "value": f"{SECRET}d"}]
    entries[0]["request"]["headers"] = [{"name": "Cookie", "value": f"pref={SECRET}d; lang={SECRET}e"}]
    pretty = har(tmp_path, entries)
    doc = json.loads(pretty.read_text(encoding="utf-8"))
    one_line = tmp_path / "one-line.har"
    one_line.write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")
    escaped = tmp_path / "escaped.har"  # \u escapes and \/ for slashes, as some tools write
    escaped.write_text(json.dumps(doc).replace("/", "\\/"), encoding="utf-8")
    inspection = tmp_path / "inspection.json"
    inspection.write_text(json.dumps({
        "uri_ins": "https://www.shop.example/", "start_time": "2026-11-25T10:00:00Z",
        "cookies": [{"name": "sid", "value": f"{SECRET}f", "domain": "www.shop.example", "path": "/", "expires": -1}],
        "localStorage": {"https://www.shop.example": {"k": {"value": f"{SECRET}g"}}}}, indent=1), encoding="utf-8")
    jar = tmp_path / "cookies.txt"
    jar.write_text(f"www.shop.example\tFALSE\t/\tFALSE\t0\tsid\t{SECRET}h\n", encoding="utf-8")
    headers = tmp_path / "headers.txt"
    headers.write_text(f"# url: https://www.shop.example/\nSet-Cookie: sid={SECRET}i; Path=/\nuid={SECRET}j\n",
                       encoding="utf-8")
    return {"har": ["--har", str(pretty)], "one-line": ["--har", str(one_line)], "escaped": ["--har", str(escaped)],
            "inspection": ["--har", str(inspection)], "cookies.txt": ["--cookies", str(jar)],
            "headers": ["--set-cookie", str(headers)]}


@pytest.mark.parametrize("kind", ["har", "one-line", "escaped", "inspection", "cookies.txt", "headers"])
def test_cookie_values_never_reach_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str) -> None:
    """Cookie values identify people, and reports go to CI logs: the excerpts of the capture show
    each value masked, in every format. One `•` per character, so every position in the capture
    still points where it did (at the cookie's name)."""
    from privacy_dsl.interop.observed import read_cookies_txt, read_set_cookie

    args = _captures_with_secrets(tmp_path)[kind]
    (tmp_path / "main.privacy").write_text('policy "Shop" {\n  url "https://www.shop.example/"\n}\n',
                                           encoding="utf-8")
    for fmt in ("full", "concise", "json", "sarif", "github", "junit"):
        assert main(["verify-cookies", str(tmp_path), *args, "--format", fmt, "--color", "never"]) == 1
        out = capsys.readouterr().out
        assert "S3CR3T" not in out and "\\u00d8-1234" not in out, (fmt, out)
    path = Path(args[1])
    reader = {"--har": read_har, "--cookies": read_cookies_txt, "--set-cookie": read_set_cookie}[args[0]]
    capture = reader(path)
    original = path.read_text(encoding="utf-8")
    assert capture.text is not None and len(capture.text) == len(original) and "S3CR3T" not in capture.text
    assert "•" * len(SECRET) in capture.text
    masked = capture.text.split("\n")
    for obs in capture.observations:  # a jar's line is its position; elsewhere the name is
        at = masked[obs.position.line - 1][obs.position.column - 1:]
        assert at.startswith(obs.name) or (kind == "cookies.txt" and obs.position.column == 1), (obs, at[:40])
