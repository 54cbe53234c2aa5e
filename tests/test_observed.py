"""Reading captures: Set-Cookie headers, HAR files, cookies.txt jars and raw header files."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from privacy_dsl.interop.observed import parse_set_cookie, read_cookies_txt, read_har, read_set_cookie

T0 = dt.datetime(2026, 11, 25, 10, 0, 0, tzinfo=dt.UTC)


def iso(seconds: float) -> str:
    return (T0 + dt.timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")


def entry(url: str, at: float, set_cookies: list[str] = (), sent: list[str] = (), page: str | None = "page_1",
          method: str = "GET", body: str | None = None) -> dict[str, Any]:
    request: dict[str, Any] = {"method": method, "url": url, "headers": [],
                               "cookies": [{"name": n, "value": "v"} for n in sent]}
    if body is not None:
        request["postData"] = {"mimeType": "text/plain", "text": body}
    e: dict[str, Any] = {"startedDateTime": iso(at), "request": request, "response": {
        "status": 200, "headers": [{"name": "Date", "value": "Wed, 25 Nov 2026 10:00:00 GMT"}]
        + [{"name": "Set-Cookie", "value": v} for v in set_cookies], "cookies": []}}
    if page is not None:
        e["pageref"] = page
    return e


def har(tmp_path: Path, entries: list[dict[str, Any]], pages: list[dict[str, Any]] | None = None) -> Path:
    if pages is None:
        pages = [{"id": "page_1", "startedDateTime": iso(0), "title": "https://shop.example/",
                  "pageTimings": {"onContentLoad": 500, "onLoad": 1000}}]
    path = tmp_path / "visit.har"
    path.write_text(json.dumps({"log": {"version": "1.2", "creator": {"name": "t", "version": "1"},
                                        "pages": pages, "entries": entries}}, indent=2), encoding="utf-8")
    return path


# ---------------------------------------------------------------- Set-Cookie


def test_parse_set_cookie_attributes() -> None:
    c = parse_set_cookie("id=abc; Max-Age=3600; Expires=Wed, 25 Nov 2099 10:00:00 GMT; Domain=.Shop.Example; Path=/a")
    assert c is not None
    assert (c.name, c.domain, c.path, c.max_age) == ("id", "shop.example", "/a", 3600)
    assert c.lifetime(T0) == 3600  # Max-Age wins over Expires
    assert "abc" not in c.evidence  # values are identifiers: never kept


def test_parse_set_cookie_expires_counts_from_the_reference_time() -> None:
    c = parse_set_cookie("id=1; expires=Thu, 26-Nov-2026 10:00:00 GMT")
    assert c is not None and c.lifetime(T0) == 86_400
    assert parse_set_cookie("id=1").lifetime(T0) is None  # type: ignore[union-attr]


def test_parse_set_cookie_refuses_nameless() -> None:
    assert parse_set_cookie("novalue") is None
    assert parse_set_cookie("=x; Path=/") is None


# ---------------------------------------------------------------- HAR


def test_har_reads_set_and_sent_cookies_with_positions(tmp_path: Path) -> None:
    path = har(tmp_path, [
        entry("https://shop.example/", 0.1, ["sid=1; Path=/", "pref=2; Max-Age=600"]),
        entry("https://shop.example/app.js", 0.2, sent=["sid", "js_made"]),
    ])
    capture = read_har(path, "visit.har")
    assert capture.problems == []
    got = [(o.name, o.how, o.lifetime, o.expiry_known) for o in capture.observations]
    assert got == [("sid", "set", None, True), ("pref", "set", 600.0, True),
                   ("sid", "sent", None, False), ("js_made", "sent", None, False)]
    lines = path.read_text(encoding="utf-8").splitlines()
    for obs in capture.observations:
        line = lines[obs.position.line - 1]
        assert obs.name in line[obs.position.column - 1:], (obs, line)
    assert capture.pages == ["https://shop.example/"]
    assert all(o.domain == "shop.example" for o in capture.observations)


def test_har_deletions_are_not_observations(tmp_path: Path) -> None:
    path = har(tmp_path, [entry("https://shop.example/", 0.1, ["old=; Max-Age=0",
                                                               "older=; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
                                                               "kept=1"])])
    assert [o.name for o in read_har(path).observations] == ["kept"]


def test_har_pre_consent_window_first_load(tmp_path: Path) -> None:
    path = har(tmp_path, [
        entry("https://shop.example/", 0.1, ["a=1"]),
        entry("https://shop.example/late.js", 5.0, ["b=1"]),  # after onLoad (1 s)
        entry("https://shop.example/next", 9.0, ["c=1"], page="page_2"),
    ], pages=[{"id": "page_1", "startedDateTime": iso(0), "title": "https://shop.example/",
               "pageTimings": {"onLoad": 1000}},
              {"id": "page_2", "startedDateTime": iso(8), "title": "https://shop.example/next", "pageTimings": {}}])
    window = {o.name: o.pre_consent for o in read_har(path).observations}
    assert window == {"a": True, "b": False, "c": False}
    window = {o.name: o.pre_consent for o in read_har(path, pre_consent="first-page").observations}
    assert window == {"a": True, "b": True, "c": False}
    window = {o.name: o.pre_consent for o in read_har(path, pre_consent="all").observations}
    assert window == {"a": True, "b": True, "c": True}
    window = {o.name: o.pre_consent for o in read_har(path, pre_consent="none").observations}
    assert window == {"a": False, "b": False, "c": False}


def test_har_consent_marker_ends_the_window(tmp_path: Path) -> None:
    path = har(tmp_path, [
        entry("https://shop.example/", 0.1, ["a=1"]),
        entry("https://cmp.example/log", 0.3, method="POST", body='{"choice":"accept-all"}'),
        entry("https://shop.example/x", 0.5, ["b=1"]),
    ])
    marker = [re.compile("accept-all")]
    window = {o.name: o.pre_consent for o in read_har(path, consent_markers=marker).observations}
    assert window == {"a": True, "b": False}


def test_har_without_pages_counts_every_entry_until_the_marker(tmp_path: Path) -> None:
    path = har(tmp_path, [entry("https://shop.example/", 0.1, ["a=1"], page=None),
                          entry("https://shop.example/consent", 0.2, page=None, method="POST"),
                          entry("https://shop.example/", 0.3, ["b=1"], page=None)], pages=[])
    capture = read_har(path, consent_markers=[re.compile(r"^POST \S+/consent")])
    assert {o.name: o.pre_consent for o in capture.observations} == {"a": True, "b": False}
    assert capture.pages == ["https://shop.example/"]


@pytest.mark.parametrize(("title", "site"), [
    ("https://www.shop.example/", "https://www.shop.example/"),  # Chrome DevTools: the URL
    ("https://www.shop.example run 1", "https://www.shop.example/start"),  # sitespeed.io
    ("Run 1, First View for https://www.shop.example", "https://www.shop.example/start"),  # WebPageTest
    ("Shop - Home", "https://www.shop.example/start"),  # Firefox: the document's title
])
def test_har_site_is_the_page_url_or_its_first_request(tmp_path: Path, title: str, site: str) -> None:
    """The first page names the site being checked: its title when that is a URL, else its first
    request (not an earlier request of no page, such as a browser's own)."""
    path = har(tmp_path, [entry("https://update.browser.example/", 0.05, ["b=1"], page=None),
                          entry("https://www.shop.example/start", 0.1, ["a=1"]),
                          entry("https://cdn.example/x.js", 0.2, ["c=1"])],
               pages=[{"id": "page_1", "startedDateTime": iso(0), "title": title, "pageTimings": {}}])
    assert read_har(path).pages == [site]


def test_har_sanitized_export_warns(tmp_path: Path) -> None:
    path = har(tmp_path, [entry("https://shop.example/", 0.1)])
    assert [d.code for d in read_har(path).problems] == ["VC101"]


def test_har_response_cookies_used_when_headers_are_missing(tmp_path: Path) -> None:
    e = entry("https://shop.example/", 0.1)
    e["response"]["cookies"] = [{"name": "id", "value": "x", "expires": iso(3600), "domain": ".shop.example"}]
    capture = read_har(har(tmp_path, [e]))
    [obs] = capture.observations
    assert (obs.name, obs.domain, round(obs.lifetime or 0)) == ("id", "shop.example", 3600)


def test_har_broken_inputs_are_diagnostics(tmp_path: Path) -> None:
    bad = tmp_path / "bad.har"
    bad.write_text('{"log": {"entries": [\n  {,]}}', encoding="utf-8")
    [d] = read_har(bad, "bad.har").problems
    assert (d.code, d.fatal, d.span.line) == ("VC100", True, 2)
    nothar = tmp_path / "x.har"
    nothar.write_text('{"hello": 1}', encoding="utf-8")
    assert [d.code for d in read_har(nothar).problems] == ["VC100"]
    assert [d.code for d in read_har(tmp_path / "missing.har").problems] == ["VC100"]
    binary = tmp_path / "b.har"
    binary.write_bytes(b"\xff\xfe\x00")
    assert [d.code for d in read_har(binary).problems] == ["VC100"]
    entries = tmp_path / "e.har"
    entries.write_text(json.dumps({"log": {"entries": [{"request": {}}, 5]}}), encoding="utf-8")
    assert [d.code for d in read_har(entries).problems] == ["VC102", "VC102"]


# ---------------------------------------------------------------- cookies.txt


def test_cookies_txt(tmp_path: Path) -> None:
    path = tmp_path / "cookies.txt"
    path.write_text(
        "# Netscape HTTP Cookie File\n"
        ".shop.example\tTRUE\t/\tFALSE\t0\tsid\tabc\n"
        "#HttpOnly_shop.example\tFALSE\t/\tTRUE\t1795687200\tpref\txyz\n"
        "this line is broken\n"
        "shop.example\tFALSE\t/\tFALSE\t1000\texpired\tx\n", encoding="utf-8")
    captured = dt.datetime.fromtimestamp(1795687200 - 86_400, dt.UTC)
    capture = read_cookies_txt(path, "cookies.txt", captured_at=captured)
    assert [(o.name, o.domain, o.host_only, o.lifetime) for o in capture.observations] == [
        ("sid", "shop.example", False, None), ("pref", "shop.example", True, 86_400.0)]
    assert [(d.code, d.span.line) for d in capture.problems] == [("VC102", 4)]
    assert capture.observations[1].position.line == 3


def test_cookies_txt_counts_from_the_file_time(tmp_path: Path) -> None:
    path = tmp_path / "cookies.txt"
    path.write_text("shop.example\tFALSE\t/\tFALSE\t2000000000\tpref\tx\n", encoding="utf-8")
    os.utime(path, (2000000000 - 3600, 2000000000 - 3600))
    [obs] = read_cookies_txt(path).observations
    assert obs.lifetime == 3600


# ---------------------------------------------------------------- raw headers


def test_set_cookie_file_from_curl(tmp_path: Path) -> None:
    path = tmp_path / "headers.txt"
    path.write_text(
        "# url: https://shop.example/\n"
        "HTTP/2 200\n"
        "date: Wed, 25 Nov 2026 10:00:00 GMT\n"
        "content-type: text/html\n"
        "set-cookie: sid=1; Path=/\n"
        "Set-Cookie: pref=2; Expires=Thu, 26 Nov 2026 10:00:00 GMT\n"
        "tracker=3; Max-Age=60; Domain=ads.example\n"
        "Set-Cookie: broken\n", encoding="utf-8")
    capture = read_set_cookie(path, "headers.txt")
    got = [(o.name, o.domain, o.lifetime, o.url, o.position.line, o.position.column) for o in capture.observations]
    assert got == [("sid", "shop.example", None, "https://shop.example/", 5, 13),
                   ("pref", "shop.example", 86_400.0, "https://shop.example/", 6, 13),
                   ("tracker", "ads.example", 60.0, "https://shop.example/", 7, 1)]
    assert [(d.code, d.span.line) for d in capture.problems] == [("VC102", 8)]


def test_empty_captures_warn(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n", encoding="utf-8")
    assert [d.code for d in read_set_cookie(empty).problems] == ["VC101"]
    assert [d.code for d in read_cookies_txt(empty).problems] == ["VC101"]


# ---------------------------------------------------------------- EDPS inspection.json

INSPECTION = Path(__file__).parent / "fixtures" / "captures" / "inspection.json"


def test_inspection_json_of_the_website_evidence_collector_is_read() -> None:
    """The collector's own test output (tests/fixtures/captures/README.md): HTTP and script cookies,
    `expires` as seconds since 1970, -1 and an ISO time, lifetimes counted from each cookie's
    `log.timestamp`; recognised by `read_har` too, and judged as captured without consent."""
    from privacy_dsl.interop.observed import read_inspection

    for capture in (read_inspection(INSPECTION, "inspection.json"), read_har(INSPECTION, "inspection.json")):
        assert capture.kind == "inspection" and not capture.problems, capture.problems
        assert capture.pages == ["http://localhost:8000/testpage.html"]
        got = {o.name: o for o in capture.observations}
        assert list(got) == ["VISITOR_PRIVACY_METADATA", "VISITOR_INFO1_LIVE", "foo", "foo2", "YSC", "PREF"]
        assert got["VISITOR_INFO1_LIVE"].domain == "youtube.com" and got["VISITOR_INFO1_LIVE"].how == "jar"
        assert abs((got["VISITOR_INFO1_LIVE"].lifetime or 0) - 180 * 86400) < 60  # from log.timestamp
        assert got["YSC"].lifetime is None and got["YSC"].expiry_known  # expires -1: a session cookie
        assert got["PREF"].lifetime is not None and 243 * 86400 < got["PREF"].lifetime < 244 * 86400  # ISO time
        assert got["foo"].url == "http://localhost:8000/testpage.html"  # a script's cookie: the page it ran in
        assert got["YSC"].url == "https://www.youtube.com/embed/doEqUhFiQS4"  # an HTTP cookie: the response
        assert all(o.pre_consent for o in capture.observations)  # the collector never consents
        assert "…" in got["foo"].evidence and "secure" in got["YSC"].evidence
        text = INSPECTION.read_text(encoding="utf-8").splitlines()
        assert all(f'"name": "{o.name}"' in text[o.position.line - 1] for o in capture.observations)
    none = read_har(INSPECTION, "inspection.json", pre_consent="none")
    assert not any(o.pre_consent for o in none.observations)


def _inspection(tmp_path: Path, cookies: Any, **top: Any) -> Path:
    path = tmp_path / "inspection.json"
    path.write_text(json.dumps({"uri_ins": "https://shop.example/", "start_time": "2026-11-25T10:00:00Z",
                                "localStorage": {}, "cookies": cookies, **top}), encoding="utf-8")
    return path


def test_inspection_fields_of_the_wrong_type_are_vc104_and_bounded(tmp_path: Path) -> None:
    from privacy_dsl.interop.observed import MAX_ENTRY_WARNINGS, read_inspection

    start = dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC).timestamp()  # no log.timestamp: from start_time
    good = {"name": "ok", "domain": ".shop.example", "path": "/", "expires": start + 86400, "httpOnly": True}
    bad = [5, {"name": 7}, {"name": ""}, {"name": "d", "domain": 5}, {"name": "e", "expires": "soon"},
           {"name": "f", "secure": "yes"}, {"name": "g", "log": []}, {"name": "h", "expires": 1e300},
           {"name": "i", "expires": int("9" * 400)}]
    capture = read_inspection(_inspection(tmp_path, [good, *bad]))
    messages = [d.message for d in capture.problems]
    assert all(d.code == "VC104" for d in capture.problems), messages
    assert messages[:3] == ["`cookies[1]` is a number, not an object; skipped",
                            "`cookies[2]` has no text `name`; skipped", "`cookies[3]` has no text `name`; skipped"]
    assert "`cookies[4]`: `domain` is a number, not text; ignored" in messages
    assert "`cookies[5]`: `expires` is a string, not a time; the lifetime is not known" in messages
    assert any("over 1000 years" in m for m in messages)
    names = [o.name for o in capture.observations]
    assert names == ["ok", "d", "e", "f", "g", "h", "i"]
    ok = capture.observations[0]
    assert (ok.domain, ok.host_only, ok.lifetime) == ("shop.example", False, 86400)
    # 10,000 bad entries: the first warnings, then one that counts the rest
    many = read_inspection(_inspection(tmp_path, [{"name": n} for n in range(10_000)]))
    assert len(many.problems) == MAX_ENTRY_WARNINGS + 1
    assert "9,980 more malformed entries" in many.problems[-1].message


def test_inspection_whose_cookies_is_not_a_list_is_vc100(tmp_path: Path) -> None:
    from privacy_dsl.interop.observed import read_inspection

    for value in (5, {}, "x", None):
        capture = read_har(_inspection(tmp_path, value))
        assert capture.fatal and capture.problems[0].code == "VC100", capture.problems
        assert "`cookies` is" in capture.problems[0].message
    empty = read_inspection(_inspection(tmp_path, []))
    assert [d.code for d in empty.problems] == ["VC101"]
