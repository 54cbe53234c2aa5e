"""verify-cookies --after-reject and --before-consent: is a rejection honoured (VC007, VC008)?

Unit tests on hand-made captures first (no browser), then captures recorded by headless Chromium
against a loopback site that sets cookies before consent, after accept and after reject: one site that
honours the choice and one that does not, each judged by the real CLI in a subprocess.
"""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest
import traffic
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_observed import entry, har
from test_verify import policy_of

from privacy_dsl.cli.main import main
from privacy_dsl.interop.observed import read_har
from privacy_dsl.interop.verify import verify

ROOT = Path(__file__).resolve().parent.parent

POLICY = """\
policy "Shop" { url "https://shop.example/privacy" }
consent banner { method opt_in reject_button }
purpose stats { basis consent consent banner }
cookie sid { party first expiry session category strictly_necessary }
cookie consent_choice { party first expiry 1 year category strictly_necessary }
cookie _stat { party first expiry 1 hour category analytics purpose stats consent banner }
cookie ad_id { party first expiry 1 hour category marketing consent banner }
cookie "_pk_id.*" { pattern party first expiry 1 hour category analytics purpose stats }
"""
PREF = """\
cookie pref {
  party first
  expiry 30 days
  category preferences
}
"""


def judged(path: Path, choice: str = "rejected", markers: tuple[str, ...] = (),
           policy: str = POLICY) -> list[tuple[str, str, int, dict[str, str]]]:
    import re

    capture = read_har(path, "visit.har", choice=choice,  # type: ignore[arg-type]
                       consent_markers=[re.compile(x) for x in markers])
    diags = verify(policy_of(policy), [capture])
    return [(d.code, dict(d.args).get("name", ""), d.span.line, dict(d.args)) for d in diags]


def line_of(path: Path, text: str, after: int = 0) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i + 1 for i, line in enumerate(lines) if i + 1 > after and text in line)


# ---------------------------------------------------------------- firing and non-firing, no browser

def test_a_capture_wholly_after_the_rejection(tmp_path: Path) -> None:
    """No marker: the whole capture is after the rejection. Set there: VC007; only sent: VC008 (the
    capture does not show when it was stored); set and sent: VC007 alone; strictly necessary,
    preferences without consent, deletions: nothing; undeclared: VC001 alone."""
    path = har(tmp_path, [
        entry("https://shop.example/", 0.1, ["sid=1; Path=/", "_stat=2; Max-Age=3600", "pref=3; Max-Age=600",
                                             "_old=; Max-Age=0", "mystery=4; Max-Age=60", "_pk_id.1.ab=5"],
              sent=["consent_choice"]),
        entry("https://shop.example/beacon", 0.2, sent=["consent_choice", "ad_id", "_pk_id.1.ab", "_stat"]),
    ])
    got = judged(path, policy=POLICY + PREF)
    assert [(c, n) for c, n, _, _ in got] == [  # in the order of the capture's lines
        ("VC007", "_stat"), ("VC001", "mystery"), ("VC007", "_pk_id.1.ab"), ("VC008", "ad_id")]
    by = {(c, n): (line, args) for c, n, line, args in got}
    assert by[("VC007", "_stat")] == (line_of(path, "_stat=2"), {
        "name": "_stat", "host": "shop.example", "rejected": "before the capture"})
    assert by[("VC008", "ad_id")] == (line_of(path, '"ad_id"'), {
        "name": "ad_id", "host": "shop.example", "rejected": "before the capture"})
    messages = {d.code: d for d in reversed(verify(policy_of(POLICY + PREF),
                                                   [read_har(path, "visit.har", choice="rejected")]))}
    assert messages["VC007"].message == (
        "cookie `_stat` needs consent but is set by shop.example after the user rejected it (rejection: before "
        "the capture)")
    assert messages["VC008"].message_id == "sent"
    assert messages["VC008"].message.endswith("the capture does not show when it was stored")
    assert messages["VC008"].severity.label == "warning"


def test_the_consent_marker_splits_before_the_choice_from_after_the_rejection(tmp_path: Path) -> None:
    """With a marker: before it, no choice was made (VC005, whatever the load event); at and after it,
    the rejection. A cookie set before and still sent after is VC008 `kept`, naming where it was set."""
    path = har(tmp_path, [
        entry("https://shop.example/", 0.1, ["sid=1", "_stat=2; Max-Age=3600", "ad_id=3; Max-Age=3600"]),
        entry("https://shop.example/late", 3.0, ["_pk_id.1.ab=5; Max-Age=60"]),  # after onLoad, before the click
        entry("https://shop.example/consent", 4.0, ["consent_choice=reject; Max-Age=600"], method="POST",
              body="choice=reject", sent=["sid", "_stat", "ad_id", "_pk_id.1.ab"]),
        entry("https://shop.example/after", 5.0, ["_stat=9; Max-Age=3600", "_pk_id.1.ab=; Max-Age=0"],
              sent=["sid", "_stat", "ad_id", "consent_choice"]),
    ])
    got = judged(path, markers=("choice=reject",))
    assert [(c, n) for c, n, _, _ in got] == [
        ("VC005", "_stat"), ("VC005", "ad_id"), ("VC005", "_pk_id.1.ab"), ("VC008", "ad_id"), ("VC007", "_stat")]
    consent_line = line_of(path, "https://shop.example/consent")
    by = {(c, n): (line, args) for c, n, line, args in got}
    assert by[("VC007", "_stat")] == (line_of(path, "_stat=9"), {
        "name": "_stat", "host": "shop.example", "rejected": f"visit.har:{consent_line}"})
    assert by[("VC008", "ad_id")][1] == {"name": "ad_id", "host": "shop.example",
                                         "rejected": f"visit.har:{consent_line}",
                                         "before": f"visit.har:{line_of(path, 'ad_id=3')}"}
    assert by[("VC008", "ad_id")][0] == line_of(path, '"ad_id"', after=line_of(path, "https://shop.example/after"))
    # what the request recording the rejection sends was there when the user clicked: not after it; the
    # response deleting `_pk_id.1.ab` honours the rejection, and `sid` is strictly necessary
    # a marker that matches nothing: the whole capture is after the rejection (as documented)
    codes = {(c, n) for c, n, _, _ in judged(path, markers=("no such request",))}
    assert ("VC005", "_stat") not in codes and ("VC007", "ad_id") in codes


def test_a_site_that_honours_the_rejection_has_no_finding(tmp_path: Path) -> None:
    """Only strictly necessary cookies after the rejection, deletions of the others: nothing, and no
    VC006 for the declarations that need consent (not seeing them is what a rejection asks)."""
    path = har(tmp_path, [
        entry("https://shop.example/", 0.1, ["sid=1"]),
        entry("https://shop.example/consent", 4.0, ["consent_choice=reject; Max-Age=600"], method="POST",
              body="choice=reject", sent=["sid"]),
        entry("https://shop.example/after", 5.0, ["_stat=; Max-Age=0", "ad_id=; Expires=Thu, 01 Jan 1970 00:00:00 GMT"],
              sent=["sid", "consent_choice"]),
    ])
    assert judged(path, markers=("choice=reject",)) == []
    # the same capture given with --har (it may hold an accept): the unseen declarations are VC006
    capture = read_har(path, "visit.har")
    assert sorted(dict(d.args)["name"] for d in verify(policy_of(POLICY), [capture])) == [
        "_pk_id.*", "_stat", "ad_id"]


def test_before_consent_judges_the_whole_capture(tmp_path: Path) -> None:
    """--before-consent: every cookie in it is before any choice (VC005), even after the load event,
    where the default window (`first-load`) stops judging."""
    path = har(tmp_path, [
        entry("https://shop.example/", 0.1, ["sid=1"]),
        entry("https://shop.example/tag", 3.0, ["_stat=2; Max-Age=3600"]),  # after onLoad (1 s)
        entry("https://shop.example/other", 9.0, sent=["ad_id"], page="page_2"),
    ])
    assert [(c, n) for c, n, _, _ in judged(path, choice="none")] == [
        ("VC006", "consent_choice"), ("VC005", "_stat"), ("VC005", "ad_id")]
    # the same capture with --har: the default window ends at the load event, and the unseen
    # declarations that need consent are VC006 (such a capture may hold an accept)
    assert [(c, n) for c, n, _, _ in judged(path, choice="unknown")] == [
        ("VC006", "consent_choice"), ("VC006", "_pk_id.*")]
    # no VC007/VC008 there: nothing was rejected; and a consent marker (given for the other captures)
    # ends nothing in a capture that holds no choice
    assert all(c not in ("VC007", "VC008") for c, _, _, _ in judged(path, choice="none"))
    assert judged(path, choice="none", markers=("/tag",)) == judged(path, choice="none")


def test_an_after_reject_inspection_reports_cookies_and_local_storage(tmp_path: Path) -> None:
    """The collector's store after a visit begun with the rejection made: every cookie and key in it
    was stored after the rejection (VC007 `stored`)."""
    inspection = tmp_path / "inspection.json"
    inspection.write_text(json.dumps({
        "uri_ins": "https://shop.example/", "start_time": "2026-11-25T10:00:00Z",
        "cookies": [{"name": "consent_choice", "domain": "shop.example", "path": "/", "expires": -1},
                    {"name": "sid", "domain": "shop.example", "path": "/", "expires": -1},
                    {"name": "_stat", "domain": ".shop.example", "path": "/", "expires": -1,
                     "log": {"type": "Cookie.JS", "location": "https://shop.example/"}}],
        "localStorage": {"https://shop.example": {"stat_state": {"value": "1"}, "cart_state": {"value": "2"}}},
    }, indent=2), encoding="utf-8")
    policy = POLICY + dedent("""\
        cookie stat_state {
          kind local_storage
          party first
          category analytics
          purpose stats
        }
        cookie cart_state {
          kind local_storage
          party first
          category strictly_necessary
        }
        """)
    got = judged(inspection, policy=policy)
    assert [(c, n) for c, n, _, _ in got] == [("VC007", "_stat"), ("VC007", "stat_state")]
    assert got[1][3] == {"storage": "local storage item", "name": "stat_state", "rejected": "before the capture"}
    capture = read_har(inspection, "inspection.json", choice="rejected")
    msgs = [d.message for d in verify(policy_of(policy), [capture])]
    assert msgs[1] == ("local storage item `stat_state` needs consent but is stored by a visit made after the user "
                       "rejected it (rejection: before the capture)")


def test_the_command_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / "policy"
    policy.mkdir()
    (policy / "main.privacy").write_text(POLICY, encoding="utf-8")
    path = har(tmp_path, [entry("https://shop.example/", 0.1, ["sid=1", "_stat=2; Max-Age=3600"], sent=["ad_id"])])
    assert main(["verify-cookies", str(policy), "--after-reject", str(path), "--format", "concise"]) == 1
    out = capsys.readouterr().out
    assert "VC007" in out and "VC008" in out and "VC005" not in out
    # VC008 alone is a warning: --fail-level error lets it pass; --ignore drops a code
    assert main(["verify-cookies", str(policy), "--after-reject", str(path), "--ignore", "VC007",
                 "--fail-level", "error", "--format", "concise"]) == 0
    assert "VC007" not in capsys.readouterr().out
    assert main(["verify-cookies", str(policy), "--before-consent", str(path), "--format", "concise"]) == 1
    out = capsys.readouterr().out
    assert "VC005" in out and "VC007" not in out
    assert main(["verify-cookies", str(policy), "--after-reject", str(tmp_path / "missing.har")]) == 2
    assert "VC100" in capsys.readouterr().out
    assert main(["explain", "VC007"]) == 0
    assert "Bollinger" in capsys.readouterr().out


# ---------------------------------------------------------------- fuzz: the after-reject reader

_NAMES = st.sampled_from(["sid", "_stat", "ad_id", "_pk_id.1.x", "pref", "mystery", "consent_choice", ""])
_HEADERS = st.one_of(_NAMES.map(lambda n: f"{n}=v"), _NAMES.map(lambda n: f"{n}=v; Max-Age=0"),
                     _NAMES.map(lambda n: f"{n}=v; Max-Age=3600"), st.text(max_size=20))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.sampled_from(["/", "/consent", "/after", "/x?choice=reject"]),
                               st.lists(_HEADERS, max_size=4), st.lists(_NAMES, max_size=4),
                               st.floats(min_value=0, max_value=10)), max_size=8),
       marker=st.sampled_from([(), ("choice=reject",), ("POST",)]),
       choice=st.sampled_from(["rejected", "none"]))
def test_fuzz_after_reject_never_claims_more_than_the_capture_shows(
        tmp_path: Path, rows: list[tuple[str, list[str], list[str], float]], marker: tuple[str, ...],
        choice: str) -> None:
    """Any HAR: no exception; VC007 only for a name a response sets at or after the rejection;
    VC008 only for one a request sends there and no response there sets; at most one of them per
    name; never for a strictly necessary or an undeclared cookie."""
    import re

    path = har(tmp_path, [entry("https://shop.example" + p, at, sets, sent=[n for n in sent if n])
                          for p, sets, sent, at in rows])
    capture = read_har(path, "visit.har", choice=choice,  # type: ignore[arg-type]
                       consent_markers=[re.compile(x) for x in marker])
    diags = verify(policy_of(POLICY), [capture])
    after = [o for o in capture.observations if o.after_reject]
    assert choice == "rejected" or not after
    assert all(not (o.after_reject and o.pre_consent) for o in capture.observations)
    seen: set[str] = set()
    for d in diags:
        if d.code not in ("VC007", "VC008"):
            continue
        name = dict(d.args)["name"]
        assert name not in seen  # one finding per name
        seen.add(name)
        assert name not in ("sid", "consent_choice", "mystery", "pref")
        how = {o.how for o in after if o.name == name}
        assert ("set" in how) if d.code == "VC007" else (how == {"sent"})


# ---------------------------------------------------------------- real Chromium, loopback sites

MAX_REQUESTS = traffic.MAX_REQUESTS

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Shop</title></head><body><h1>Shop</h1>
<p id="state">loading</p>
<script>
var HONOURS = %s;
var choice = new URLSearchParams(location.search).get('choice');
var prior = (document.cookie.match(/(?:^|; )consent_choice=([^;]*)/) || [])[1];
function track() {
  document.cookie = '_pk_id.1.ab=x; Max-Age=3600; Path=/';
  return fetch('/beacon');
}
function done() { document.getElementById('state').textContent = 'done'; }
function after(chosen) {
  return fetch('/after').then(function () {
    if (!HONOURS || chosen === 'accept') { return track(); }
  });
}
if (choice) {
  setTimeout(function () {
    fetch('/consent?choice=' + choice, {method: 'POST', body: 'choice=' + choice})
      .then(function () { return after(choice); }).then(done);
  }, 100);
} else if (prior) {
  after(prior).then(done);
} else if (!HONOURS) {
  track().then(done);
} else {
  done();
}
</script></body></html>"""


class _Handler(traffic.CookieHandler):
    server_version = "ChoiceSite/1"

    def _route(self) -> None:
        site: ChoiceSite = self.server.site  # type: ignore[attr-defined]
        if not self.counted():
            return
        path, _, query = self.path.partition("?")
        sent = dict(p.strip().split("=", 1) for p in (self.headers.get("Cookie") or "").split(";") if "=" in p)
        trackers = ["_stat=s1; Max-Age=3600; Path=/", "ad_id=a1; Max-Age=3600; Path=/"]
        if path == "/" and self.command == "GET":
            before = [] if site.honours or "consent_choice" in sent else trackers
            page = (PAGE % ("true" if site.honours else "false")).encode()
            self._reply(200, ["sid=x1; Path=/; HttpOnly", *before], page, "text/html")
        elif path == "/consent" and self.command == "POST":
            choice = "accept" if query == "choice=accept" else "reject"
            self._reply(200, [f"consent_choice={choice}; Max-Age=31536000; Path=/"])
        elif path == "/after":
            accepted = sent.get("consent_choice") == "accept"
            if site.honours:
                self._reply(200, trackers if accepted else ["_stat=; Max-Age=0; Path=/"])
            else:
                self._reply(200, trackers[:1])  # the analytics cookie, whatever the choice
        elif path == "/beacon":
            self._reply(204, [])
        else:
            self._reply(404, [])

    do_GET = _route
    do_POST = _route


class ChoiceSite:
    def __init__(self, honours: bool) -> None:
        self.honours = honours
        self.lock = threading.Lock()
        self.count = 0
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.site = self  # type: ignore[attr-defined]
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


@pytest.fixture(params=["honours", "ignores"])
def choice_site(request: pytest.FixtureRequest) -> Iterator[ChoiceSite]:
    s = ChoiceSite(request.param == "honours")
    s.thread.start()
    try:
        yield s
    finally:
        s.server.shutdown()
        s.server.server_close()
        s.thread.join(timeout=5)


def _cli(*argv: str) -> tuple[int, dict[str, Any]]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "privacy_dsl", "verify-cookies", *argv, "--format", "json"],
                          capture_output=True, text=True, check=False, env=env, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


def _found(report: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((d["code"], d["args"]["name"]) for d in report["diagnostics"])


@pytest.mark.integration
def test_real_browser_before_consent_after_accept_after_reject(choice_site: ChoiceSite, tmp_path: Path) -> None:
    browser = traffic.chromium()
    if browser is None:
        pytest.skip("Chromium is not installed (.ci/run installs Debian's chromium)")
    site = choice_site
    policy = tmp_path / "policy"
    policy.mkdir()
    (policy / "main.privacy").write_text(POLICY, encoding="utf-8")
    captures = {}
    visits = [("before", site.url, None), ("accept", site.url + "?choice=accept", None),
              ("reject", site.url + "?choice=reject", "rejected-profile"),
              ("returning", site.url, "rejected-profile")]  # the same browser, after its rejection
    for name, url, profile in visits:
        recorded = traffic.record_with_chromium(browser, url, tmp_path, name=f"{name}.netlog.json",
                                                profile=tmp_path / (profile or f"{name}-profile"),
                                                expect='<p id="state">done</p>')
        captures[name] = tmp_path / f"{name}.har"
        captures[name].write_text(json.dumps(recorded, indent=2), encoding="utf-8")
    # the before-consent capture cannot show the consent record (VC006, info): the fail level is warning
    party = ["--first-party", f"http://127.0.0.1:{site.port}", "--fail-level", "warning"]
    marker = ["--consent-marker", r"^POST \S+/consent\?choice="]
    code_before, before = _cli(str(policy), "--before-consent", str(captures["before"]), *party)
    code_accept, accept = _cli(str(policy), "--har", str(captures["accept"]), *party, *marker)
    code_reject, reject = _cli(str(policy), "--after-reject", str(captures["reject"]), *party, *marker)
    code_back, back = _cli(str(policy), "--after-reject", str(captures["returning"]), *party)
    if site.honours:
        assert [_found(r) for r in (before, accept, reject, back)] == [[("VC006", "consent_choice")], [], [], []]
        assert (code_before, code_accept, code_reject, code_back) == (0, 0, 0, 0)
        assert site.count < MAX_REQUESTS
        return
    assert _found(before) == [("VC005", "_pk_id.1.ab"), ("VC005", "_stat"), ("VC005", "ad_id"),
                              ("VC006", "consent_choice")]
    assert _found(accept) == [("VC005", "_stat"), ("VC005", "ad_id")]  # set before the accept
    assert _found(reject) == [("VC005", "_stat"), ("VC005", "ad_id"), ("VC007", "_stat"),
                              ("VC008", "_pk_id.1.ab"), ("VC008", "ad_id")]
    # back with the rejection stored: the analytics cookie is set again (VC007); the others are left from
    # the first visit and still sent, which is all this capture shows of them (VC008 `sent`)
    assert _found(back) == [("VC007", "_stat"), ("VC008", "_pk_id.1.ab"), ("VC008", "ad_id")]
    assert (code_before, code_accept, code_reject, code_back) == (1, 1, 1, 1)

    # the findings point at the capture's lines and name the facts exactly
    har_path = captures["reject"]
    lines = har_path.read_text(encoding="utf-8").splitlines()
    consent_line = next(i + 1 for i, line in enumerate(lines) if "/consent?choice=reject" in line)
    after_line = next(i + 1 for i, line in enumerate(lines) if line.strip().endswith('/after",'))
    by = {(d["code"], d["args"]["name"]): d for d in reject["diagnostics"]}
    shown = f"{har_path}:{consent_line}"
    host = f"127.0.0.1:{site.port}"
    vc007 = by[("VC007", "_stat")]
    assert vc007["args"] == {"name": "_stat", "host": host, "rejected": shown}
    assert vc007["line"] > after_line and vc007["end_line"] == vc007["line"]
    # the span is the Set-Cookie header itself, in the response to /after
    assert lines[vc007["line"] - 1][vc007["column"] - 1:vc007["end_column"] - 1] == "_stat=s1; Max-Age=3600; Path=/"
    assert vc007["severity"] == "error" and vc007["path"] == str(har_path)
    kept = by[("VC008", "ad_id")]
    assert kept["severity"] == "warning" and kept["line"] > consent_line
    set_before = next(i + 1 for i, line in enumerate(lines) if "ad_id=" in line and "Max-Age" in line)
    assert kept["args"] == {"name": "ad_id", "host": "127.0.0.1", "rejected": shown,
                            "before": f"{har_path}:{set_before}"}
    assert set_before < consent_line
    assert lines[kept["line"] - 1][kept["column"] - 1:kept["end_column"] - 1] == "ad_id"  # a request's cookie name
    written = by[("VC008", "_pk_id.1.ab")]
    assert written["args"] == {"name": "_pk_id.1.ab", "host": "127.0.0.1", "rejected": shown}
    assert "/beacon" in "\n".join(lines[written["line"] - 40:written["line"]])
    assert [d["args"]["rejected"] for d in back["diagnostics"]] == ["before the capture"] * 3
    assert [d["message_id"] for d in back["diagnostics"] if d["code"] == "VC008"] == ["sent", "sent"]
    assert site.count < MAX_REQUESTS
