"""What a browser recorded: cookies observed in a HAR file, a Netscape cookies.txt, or raw headers.

Three readers, one result (``Capture``, a list of ``Observation``):

* ``read_har`` — a HAR 1.2 file from browser devtools or the EDPS website-evidence-collector.
  Cookies set by ``Set-Cookie`` response headers (with their lifetime), and cookies *sent* in
  request ``Cookie`` headers (which shows cookies set by scripts; their lifetime is unknown).
* ``read_cookies_txt`` — a Netscape/curl/wget cookie jar. Lifetimes are counted from the file's
  modification time (the jar's expiry times are absolute), or from ``captured_at``.
* ``read_set_cookie`` — raw ``Set-Cookie`` headers, one per line, as ``curl -sD-`` or a proxy
  prints them. ``Date:`` lines set the time that ``Expires`` is counted from, and a comment line
  ``# url: https://...`` says which URL set the cookies that follow.

What the user chose when a capture was recorded is its ``choice`` (``--before-consent``: none was
made, every observation is before consent; ``--after-reject``: the user rejected, and each
observation says whether it is ``after_reject``); see ``read_har``.

Cookie values are never kept: they are identifiers of people. Deletions (``Max-Age=0``, an
``Expires`` in the past) are not observations of a cookie. Every problem with the input is a
diagnostic (never an exception): a file that cannot be read at all is fatal (exit 2), a bad line or
entry is a warning and is skipped.
"""

from __future__ import annotations

import bisect
import datetime as dt
import email.utils
import json
import math
import os
import re
from collections.abc import Iterable
from dataclasses import field, replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from ..diagnostics import Diagnostic, builtin
from ..records import dataclass
from ..span import Span

PreConsent = Literal["first-load", "first-page", "all", "none"]
PRE_CONSENT_MODES: tuple[str, ...] = ("first-load", "first-page", "all", "none")
#: The default limit on the size of a capture (``max-capture-bytes`` in the configuration).
MAX_CAPTURE_BYTES = 256 * 1024 * 1024
#: The longest lifetime counted (1000 years, as for durations in a policy): a ``Max-Age`` or a jar
#: expiry beyond it is counted as this, with a VC102 warning.
MAX_LIFETIME_SECONDS = 1000 * 365.25 * 86400
_MAX_AGE_DIGITS = len(str(int(MAX_LIFETIME_SECONDS)))


@dataclass(frozen=True, slots=True)
class Position:
    path: str
    line: int = 1
    column: int = 1
    end_column: int = 1


@dataclass(frozen=True, slots=True)
class Observation:
    """One sighting of a cookie."""

    name: str
    domain: str  # lower case, no leading dot; the request host for host-only cookies
    how: Literal["set", "sent", "jar"]  # set by a response, sent in a request, found in a jar
    position: Position
    index: int  # order in the capture
    host_only: bool = True
    path: str = "/"
    #: Seconds the cookie lives from the moment it was seen; None for a session cookie.
    lifetime: float | None = None
    #: Whether ``lifetime`` is known at all (a cookie merely sent in a request has no known lifetime).
    expiry_known: bool = True
    url: str | None = None  # the request that set or sent it
    pre_consent: bool = False
    evidence: str = ""  # the header or jar line, value elided
    #: What stores it: ``cookie``, or ``local_storage`` (an inspection.json's ``localStorage``), as
    #: the ``kind`` of a declaration (``model.StorageKind``) says it.
    storage: str = "cookie"
    #: Seen after the user rejected (a capture given with ``--after-reject``: at or after its
    #: choice request, or anywhere in it when it records none).
    after_reject: bool = False

    @property
    def persistent(self) -> bool:
        return self.expiry_known and self.lifetime is not None


CaptureKind = Literal["har", "inspection", "cookies.txt", "set-cookie"]
#: What the user chose when the capture was recorded: ``unknown`` (``--har`` and the others: the
#: pre-consent window decides), ``none`` (``--before-consent``: no choice was ever made), or
#: ``rejected`` (``--after-reject``: recorded after the user rejected, see ``Capture.choice_at``).
Choice = Literal["unknown", "none", "rejected"]


@dataclass(slots=True)
class Capture:
    path: str
    kind: CaptureKind
    observations: list[Observation] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    #: URLs of the pages visited, in order (HAR only): the first is the site being checked.
    pages: list[str] = field(default_factory=list)
    text: str | None = None  # for excerpts in the full report (None when too large to show)
    requests: int = 0
    #: Whether the capture records local storage (an inspection.json does): only then are
    #: declarations of ``kind local_storage`` compared with it.
    local_storage: bool = False
    choice: Choice = "unknown"
    #: A ``rejected`` capture: the request matching ``--consent-marker`` that recorded the rejection
    #: (what precedes it is before any choice); None: the whole capture is after the rejection.
    choice_at: Position | None = None

    @property
    def fatal(self) -> bool:
        return any(d.fatal for d in self.problems)


# ---------------------------------------------------------------- problems

def problem(code: str, message: str | None, pos: Position | Span, hint: str | None = None,
            args: Iterable[tuple[str, str]] = (), message_id: str | None = None) -> Diagnostic:
    """A diagnostic for one of the verify-cookies codes of the catalogue (``catalogue.codes("verify")``),
    at a position in a capture or a span of the policy (``message`` None: the code's template
    ``message_id`` filled from ``args``)."""
    if not isinstance(pos, Span):
        pos = Span(path=pos.path, line=pos.line, column=pos.column, end_line=pos.line, end_column=pos.end_column)
    return builtin(code, message, pos, hint=hint, args=args, message_id=message_id)


def _problem(code: str, message: str, pos: Position, hint: str | None = None) -> Diagnostic:
    return problem(code, message, pos, hint)


# ---------------------------------------------------------------- Set-Cookie

_TOKEN_HEADER = re.compile(r"^([A-Za-z0-9!#$%&'*+.^_`|~-]+):\s*(.*)$")


def parse_http_date(text: str) -> dt.datetime | None:
    """An HTTP date (RFC 9110 and the obsolete forms cookies still use), as an aware datetime."""
    text = text.strip()
    try:
        value = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        value = None
    if value is None:
        for fmt in ("%a, %d-%b-%Y %H:%M:%S GMT", "%a, %d-%b-%y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT",
                    "%a %b %d %H:%M:%S %Y"):
            try:
                value = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if value is None:
        return None
    return _utc(value)


def _utc(value: dt.datetime) -> dt.datetime | None:
    """``value`` in UTC (naive: taken as UTC); None when that is outside the years 1-9999
    (9999-12-31T23:00-05:00 is in the year 10000 in UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    try:
        return value.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return None


@dataclass(frozen=True, slots=True)
class SetCookie:
    name: str
    domain: str | None  # the Domain attribute (lower case, no leading dot), None for host-only
    path: str
    max_age: int | None
    expires: dt.datetime | None
    evidence: str
    #: ``Max-Age`` was over ``MAX_LIFETIME_SECONDS`` (it is counted as that).
    max_age_capped: bool = False

    def lifetime(self, now: dt.datetime | None) -> float | None:
        """Seconds from ``now``; None for a session cookie. ``Max-Age`` wins over ``Expires``."""
        if self.max_age is not None:
            return float(self.max_age)
        if self.expires is not None:
            reference = now or dt.datetime.now(dt.UTC)
            return (self.expires - reference).total_seconds()
        return None


def parse_set_cookie(header: str) -> SetCookie | None:
    """Parse one ``Set-Cookie`` value (RFC 6265 section 5.2); None when it names no cookie."""
    parts = header.split(";")
    pair = parts[0]
    if "=" not in pair:
        return None
    name = pair.split("=", 1)[0].strip()
    if not name:
        return None
    domain: str | None = None
    path = "/"
    max_age: int | None = None
    capped = False
    expires: dt.datetime | None = None
    shown = [f"{name}=…"]
    for attr in parts[1:]:
        key, _, value = attr.partition("=")
        key, value = key.strip().lower(), value.strip()
        if not key:
            continue
        shown.append(attr.strip())
        if key == "max-age":
            if re.fullmatch(r"-?\d+", value):
                # compared as text first: int() refuses more than 4,300 digits
                digits = value.lstrip("-").lstrip("0") or "0"
                if len(digits) > _MAX_AGE_DIGITS or int(digits) > MAX_LIFETIME_SECONDS:
                    max_age, capped = (0 if value.startswith("-") else int(MAX_LIFETIME_SECONDS)), True
                else:
                    max_age, capped = int(value), False
        elif key == "expires":
            expires = parse_http_date(value) or expires
        elif key == "domain" and value:
            domain = value.lstrip(".").lower()
        elif key == "path" and value.startswith("/"):
            path = value
    capped = capped and bool(max_age)  # a huge negative Max-Age is a deletion, as any negative one
    return SetCookie(name, domain, path, max_age, expires, "Set-Cookie: " + "; ".join(shown), capped)


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        return (urlsplit(url).hostname or "").lower() or None
    except ValueError:
        return None


# ---------------------------------------------------------------- text positions

_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f\x7f]')


class _Locator:
    """Offsets in a text -> (line, column), and a forward-moving search for JSON strings."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.cursor = 0
        self.slashes_escaped = "\\/" in text[:1_000_000]

    def position(self, offset: int, length: int = 0) -> Position:
        line = bisect.bisect_left(self.newlines, offset) + 1
        start = self.newlines[line - 2] + 1 if line > 1 else 0
        column = offset - start + 1
        return Position(self.path, line, column, column + max(length, 1))

    def find(self, value: str, start: int | None = None, end: int | None = None) -> int:
        """Offset of ``value`` written as a JSON string (its inside), searching ``start``-``end``.

        At most two spellings are tried (raw UTF-8 and ``\\u`` escapes), with ``\\/`` only when the
        file escapes slashes: a spelling the file never uses would scan to the end every time.
        """
        begin = self.cursor if start is None else start
        stop = len(self.text) if end is None else end
        plain = _NEEDS_ESCAPE.search(value) is None
        variants = [value if plain else json.dumps(value, ensure_ascii=False)[1:-1]]
        if not value.isascii():
            variants.append(json.dumps(value)[1:-1])
        if self.slashes_escaped:
            variants = [v.replace("/", "\\/") for v in variants]
        for variant in variants:
            offset = self.text.find(variant, begin, stop)
            if offset >= 0:
                return offset
        return -1


# ---------------------------------------------------------------- cookie values, masked in excerpts

#: What a cookie value is shown as in an excerpt of the capture, one for each character, so that
#: columns stay where they were: values identify people, and reports go to CI logs.
MASK = "•"
_JSON_VALUE = re.compile(r'"value"\s*:\s*"((?:[^"\\]|\\.)*)"')


def _pair_values(header: str, first_only: bool = False) -> Iterable[str]:
    """The values of the ``name=value`` pairs of each line of a header: every pair of a ``Cookie``
    header; with ``first_only``, the first of each line, as a ``Set-Cookie`` header's others are
    its attributes (``Path=/``)."""
    for line in header.split("\n"):
        pairs = line.split(";")
        for pair in pairs[:1] if first_only else pairs:
            _, eq, value = pair.partition("=")
            if eq and value.strip():
                yield value.strip()


def _har_cookie_values(entries: list[Any]) -> set[str]:
    """Every cookie value a HAR holds: in ``cookies`` lists and in ``Cookie``/``Set-Cookie`` headers."""
    values: set[str] = set()
    for entry in entries:
        for part in (entry.get("request"), entry.get("response")) if isinstance(entry, dict) else ():
            if not isinstance(part, dict):
                continue
            for cookie in part.get("cookies") or () if isinstance(part.get("cookies"), list) else ():
                if isinstance(cookie, dict) and isinstance(cookie.get("value"), str):
                    values.add(cookie["value"])
            for header in part.get("headers") or () if isinstance(part.get("headers"), list) else ():
                kind = str(header.get("name", "")).lower() if isinstance(header, dict) else ""
                if kind in ("cookie", "set-cookie") and isinstance(header.get("value"), str):
                    values.update(_pair_values(header["value"], first_only=kind == "set-cookie"))
    values.discard("")
    return values


def _inspection_values(cookies: list[Any], storage: Any) -> set[str]:
    """The cookie and local-storage values of an inspection.json."""
    values = {c["value"] for c in cookies if isinstance(c, dict) and isinstance(c.get("value"), str)}
    for items in storage.values() if isinstance(storage, dict) else ():
        for item in items.values() if isinstance(items, dict) else ():
            if isinstance(item, dict) and isinstance(item.get("value"), str):
                values.add(item["value"])
    values.discard("")
    return values


def _masked_json(text: str, values: set[str]) -> str:
    """``text`` with every cookie value masked where JSON holds it: a ``"value"`` string that is one,
    and the values inside a header's ``"value"`` (``a=VALUE; Path=/``). Same length, so the
    positions of findings stay right."""
    if not values:
        return text

    def mask(match: re.Match[str]) -> str:
        raw = match.group(1)
        try:
            inside = json.loads(f'"{raw}"')
        except ValueError:
            return match.group(0)
        if inside in values:
            return match.group(0)[: match.start(1) - match.start(0)] + MASK * len(raw) + '"'
        shown = raw
        for value in set(_pair_values(inside)) & values:
            for ascii_only in (False, True):  # as the file spells it: raw UTF-8 or \u escapes
                escaped = json.dumps(value, ensure_ascii=ascii_only)[1:-1]
                if "\\/" in raw:
                    escaped = escaped.replace("/", "\\/")
                shown = re.sub(r"(?<==)" + re.escape(escaped) + r"(?=;|\\n|$)", MASK * len(escaped), shown)
        return match.group(0)[: match.start(1) - match.start(0)] + shown + '"'

    return _JSON_VALUE.sub(mask, text)


_JAR_VALUE = re.compile(r"(?m)^((?:[^\t\n]*\t){6})([^\t\r\n]+)")
_HEADER_VALUE = re.compile(r"(?im)^(\s*(?:set-cookie:\s*)?[^=;:\s]+=)([^;\r\n]+)")


def _masked_lines(text: str, kind: CaptureKind) -> str:
    """A cookie jar with each line's value (its 7th field) masked, or a header file with the value
    of each ``Set-Cookie`` line masked: same length, as in ``_masked_json``."""
    pattern = _JAR_VALUE if kind == "cookies.txt" else _HEADER_VALUE
    return pattern.sub(lambda m: m.group(1) + MASK * len(m.group(2)), text)


# ---------------------------------------------------------------- HAR

def _iso(text: Any) -> dt.datetime | None:
    """An ISO 8601 time of a HAR, in UTC; None when it is not one or is outside the years 1-9999 in UTC."""
    if not isinstance(text, str):
        return None
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return _utc(value)


def _kind(value: Any) -> str:
    """What a JSON value is, for messages."""
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return {int: "a number", float: "a number", str: "a string", list: "a list", dict: "an object"}.get(
        type(value), type(value).__name__)


class _Entry:
    """Type-checked access to one HAR entry: a value of the wrong type is a VC102 warning, then ignored."""

    def __init__(self, capture: Capture, index: int) -> None:
        self.capture = capture
        self.index = index

    def warn(self, message: str, pos: Position | None = None) -> None:
        self.capture.problems.append(_problem("VC102", f"HAR entry {self.index}: {message}",
                                              pos or Position(self.capture.path)))

    def objects(self, block: Any, key: str, where: str) -> list[dict[str, Any]]:
        """The objects of the list ``block[key]`` (absent or null: none)."""
        if not isinstance(block, dict):
            return []
        items = block.get(key)
        if items is None:
            return []
        if not isinstance(items, list):
            self.warn(f"`{where}.{key}` is {_kind(items)}, not a list; ignored")
            return []
        out = []
        for n, item in enumerate(items):
            if isinstance(item, dict):
                out.append(item)
            else:
                self.warn(f"`{where}.{key}[{n}]` is {_kind(item)}, not an object; ignored")
        return out

    def headers(self, block: Any, where: str) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for n, h in enumerate(self.objects(block, "headers", where)):
            if isinstance(h.get("name"), str) and isinstance(h.get("value"), str):
                out.append((h["name"], h["value"]))
            else:
                self.warn(f"`{where}.headers[{n}]` has no text `name` and `value`; ignored")
        return out


def _open(path: Path, display: str | None, kind: CaptureKind, max_bytes: int) -> tuple[Capture, str | None]:
    """An empty capture of the file and the file's text; no text (the reason in the capture) when unreadable."""
    capture = Capture(display or str(path), kind)
    text, problem = _read_text(path, capture.path, max_bytes)
    if problem is not None:
        capture.problems.append(problem)
    return capture, text


def _read_text(path: Path, display: str, max_bytes: int) -> tuple[str | None, Diagnostic | None]:
    from ..bounded import ReadRefused, read_bounded

    pos = Position(display)
    try:
        data = read_bounded(path, max_bytes, limit_hint="raise `max-capture-bytes` in [tool.privacy-dsl] if the "
                            "capture is genuine, or record a shorter session")
    except ReadRefused as exc:
        return None, _problem("VC100", exc.reason, pos, hint=exc.hint)
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        return None, _problem("VC100", f"invalid UTF-8 at byte offset {exc.start}", pos,
                              hint="captures are UTF-8 text (HAR is JSON)")


_HAR_HINT = ("give a HAR 1.2 file (browser devtools: Network > Export HAR; or the EDPS "
             "website-evidence-collector's HAR)")


def _json_constant(name: str) -> None:
    """NaN, Infinity and -Infinity (not JSON, but Python's json reads them): an unknown value."""
    return None


def _load_json(capture: Capture, text: str) -> tuple[Any, bool]:
    """The JSON value of ``text``, and whether it could be read (if not, a VC100 is in ``capture``)."""
    from ..bounded import NESTED_TOO_DEEPLY, NESTING_ERRORS

    hint = "a HAR file is JSON; export it again from the browser's network panel"
    try:
        return json.loads(text, parse_constant=_json_constant), True
    except json.JSONDecodeError as exc:
        pos = Position(capture.path, exc.lineno, exc.colno, exc.colno + 1)
        capture.problems.append(_problem("VC100", f"not JSON: {exc.msg}", pos, hint=hint))
    except ValueError:  # int() of a number of more than 4,300 digits
        capture.problems.append(_problem("VC100", "not JSON: a number has more than 4,300 digits",
                                         Position(capture.path), hint=hint))
    except NESTING_ERRORS:
        capture.problems.append(_problem("VC100", f"not JSON: {NESTED_TOO_DEEPLY}", Position(capture.path),
                                         hint=hint))
    return None, False


def _milliseconds(value: Any) -> dt.timedelta | None:
    """A HAR page timing (milliseconds; -1 means not known) as a timedelta, if it is a sane one."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not math.isfinite(value) or not 0 <= value <= 1e12:  # 1e12 ms is 31 years: no page loads that long
        return None
    return dt.timedelta(milliseconds=value)


def read_har(path: Path, display: str | None = None, *, pre_consent: str | None = "first-load",
             consent_markers: Iterable[re.Pattern[str]] = (), max_bytes: int = MAX_CAPTURE_BYTES,
             choice: Choice = "unknown") -> Capture:
    """Cookies in a HAR file, with the pre-consent window marked (see ``docs/verify-cookies.md``).

    A website-evidence-collector ``inspection.json`` given here is recognised (a JSON object with a
    ``cookies`` key and no ``log``) and read by ``read_inspection``'s rules. ``pre_consent`` None
    is each kind's default: ``first-load`` for a HAR, ``all`` for an inspection (the collector
    never consents).

    ``choice`` ``none`` (a capture recorded before any choice, ``--before-consent``): every
    observation is before consent; ``pre_consent`` and the markers are not read. ``rejected`` (``--after-reject``):
    the observations at and after the first request matching a consent marker (the request that
    records the rejection) are after the rejection, those before it before any choice; with no
    matching request (or no marker), the whole capture is after the rejection.
    """
    capture, text = _open(path, display, "har", max_bytes)
    if text is None:
        return capture
    capture.choice = choice
    if choice != "unknown":
        pre_consent = "all"
    shown = capture.path
    data, ok = _load_json(capture, text)
    if not ok:
        return capture
    if isinstance(data, dict) and "log" not in data and "cookies" in data:
        capture.kind = "inspection"
        return _inspection(capture, data, text, pre_consent or "all")
    pre_consent = pre_consent or "first-load"
    log = data.get("log") if isinstance(data, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(log, dict) or not isinstance(entries, list):
        if isinstance(log, dict) and entries is not None:
            said = f"`log.entries` is {_kind(entries)}, not a list"
        elif isinstance(data, dict) and log is not None and not isinstance(log, dict):
            said = f"`log` is {_kind(log)}, not an object"
        else:
            said = "no `log.entries` list (nor the `cookies` list of an inspection.json)"
        capture.problems.append(_problem("VC100", f"not a HAR file: {said}", Position(shown), hint=_HAR_HINT))
        return capture
    raw_pages = log.get("pages")
    if raw_pages is not None and not isinstance(raw_pages, list):
        capture.problems.append(_problem("VC100", f"not a HAR file: `log.pages` is {_kind(raw_pages)}, not a list",
                                         Position(shown), hint=_HAR_HINT))
        return capture
    capture.text = _masked_json(text, _har_cookie_values(entries)) if len(text) <= 20 * 1024 * 1024 else None
    locator = _Locator(shown, text)
    markers = list(consent_markers) if choice != "none" else []  # no choice in it: nothing ends the window

    pages = [p for p in (raw_pages or ()) if isinstance(p, dict)]
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    pages.sort(key=lambda p: _iso(p.get("startedDateTime")) or far)
    first_page = pages[0] if pages else None
    second_start = _iso(pages[1].get("startedDateTime")) if len(pages) > 1 else None
    cutoff: dt.datetime | None = None
    if first_page is not None and pre_consent == "first-load":
        started = _iso(first_page.get("startedDateTime"))
        timings = first_page.get("pageTimings")
        timings = timings if isinstance(timings, dict) else {}
        for key in ("onLoad", "onContentLoad"):
            ms = _milliseconds(timings.get(key))
            if started is not None and ms is not None:
                try:
                    cutoff = started + ms
                except OverflowError:  # past the year 9999: no cutoff
                    cutoff = None
                break

    valid: list[tuple[int, dict[str, Any], dt.datetime | None]] = []
    for i, entry in enumerate(entries):
        request = entry.get("request") if isinstance(entry, dict) else None
        if not isinstance(request, dict) or not isinstance(request.get("url"), str):
            capture.problems.append(_problem("VC102", f"HAR entry {i} has no request URL; skipped",
                                             Position(shown)))
            continue
        valid.append((i, entry, _iso(entry.get("startedDateTime"))))
    in_file_order = list(valid)
    valid.sort(key=lambda t: (t[2] or far, t[0]))
    capture.requests = len(valid)

    # The consent boundary: the first request matching a marker ends the pre-consent window.
    consent_at: int | None = None
    if markers:
        for order, (_, entry, _) in enumerate(valid):
            request = entry["request"]
            body = request.get("postData", {}).get("text", "") if isinstance(request.get("postData"), dict) else ""
            method = request.get("method")
            subject = (f"{method if isinstance(method, str) else 'GET'} {request['url']}\n"
                       f"{body if isinstance(body, str) else ''}")
            if any(m.search(subject) for m in markers):
                consent_at = order
                break
    if choice == "rejected" and consent_at is None:
        pre_consent = "none"  # recorded after the rejection: nothing in it is before the choice

    def in_window(order: int, entry: dict[str, Any], when: dt.datetime | None) -> bool:
        if pre_consent == "none" or (consent_at is not None and order >= consent_at):
            return False
        if pre_consent == "all" or first_page is None:
            return True
        ref = entry.get("pageref")
        on_first = ref == first_page.get("id") if ref is not None else (
            second_start is None or when is None or when < second_start)
        if not on_first:
            return False
        return cutoff is None or when is None or when <= cutoff

    offsets: dict[int, int] = {}
    ends: dict[int, int] = {}
    previous: int | None = None
    misses = 0
    for i, entry, _ in in_file_order:  # file order, so that the locator only moves forward
        # a URL the file spells differently is searched to the end: stop locating after a few
        offset = locator.find(entry["request"]["url"]) if misses < 20 else -1
        misses += offset < 0
        if offset >= 0:
            locator.cursor = offset
            if previous is not None:
                ends[previous] = offset
            previous = i
        offsets[i] = offset

    if first_page is not None and _is_page_url(first_page.get("title")):
        capture.pages.append(first_page["title"])
    first_id = first_page.get("id") if first_page is not None else None
    index = 0
    for order, (i, entry, when) in enumerate(valid):
        request, response = entry["request"], entry.get("response")
        url = request["url"]
        if not capture.pages and (first_id is None or entry.get("pageref") == first_id):
            capture.pages.append(url)  # the first request of the first page: the site being checked
        host = _host(url) or ""
        pre = in_window(order, entry, when)
        after = choice == "rejected" and (consent_at is None or order >= consent_at)
        entry_offset = offsets.get(i, -1)
        entry_pos = locator.position(entry_offset, len(url)) if entry_offset >= 0 else Position(shown)
        if after and order == consent_at:
            capture.choice_at = entry_pos
        checked = _Entry(capture, i)
        if response is not None and not isinstance(response, dict):
            checked.warn(f"`response` is {_kind(response)}, not an object; ignored", entry_pos)
        # -- cookies set by the response
        now = when
        set_headers: list[str] = []
        for name, value in checked.headers(response, "response"):
            if name.lower() == "date":
                now = parse_http_date(value) or now
            elif name.lower() == "set-cookie":
                set_headers.extend(v for v in value.split("\n") if v.strip())
        if not set_headers and isinstance(response, dict):
            set_headers.extend(_from_har_cookies(checked, response))
        for header in set_headers:
            parsed = parse_set_cookie(header)
            offset = locator.find(header, max(entry_offset, 0), ends.get(i))
            pos = locator.position(offset, len(header)) if offset >= 0 else entry_pos
            if parsed is None:
                capture.problems.append(_problem("VC102", "a Set-Cookie header names no cookie; skipped", pos))
                continue
            _note_capped(capture, parsed, pos)
            lifetime = parsed.lifetime(now)
            if lifetime is not None and lifetime <= 0:
                continue  # a deletion
            capture.observations.append(Observation(
                parsed.name, parsed.domain or host, "set", pos, index, host_only=parsed.domain is None,
                path=parsed.path, lifetime=lifetime, url=url, pre_consent=pre, evidence=parsed.evidence,
                after_reject=after))
            index += 1
        # -- cookies sent by the request (set earlier, possibly by a script); those the request that
        # records the rejection sends were there when the user clicked: not after the rejection
        sent_after = after and order != consent_at
        for name in _sent_cookie_names(checked, request):
            offset = locator.find(name, max(entry_offset, 0), ends.get(i))
            pos = locator.position(offset, len(name)) if offset >= 0 else entry_pos
            capture.observations.append(Observation(
                name, host, "sent", pos, index, expiry_known=False, url=url, pre_consent=pre,
                evidence=f"Cookie: {name}=… (sent to {host})", after_reject=sent_after))
            index += 1
    if valid and not capture.pages:
        capture.pages.append(valid[0][1]["request"]["url"])
    if valid and not capture.observations:
        capture.problems.append(_problem(
            "VC101", f"the HAR file records {len(valid)} request(s) but no cookie", Position(shown),
            hint="browsers export 'sanitized' HAR files without cookies by default; in Chrome DevTools use "
            "'Export HAR (with sensitive data)'"))
    return capture


def _is_page_url(title: Any) -> bool:
    """Whether a page's ``title`` is its URL, as Chrome DevTools writes it; other tools write a title
    (Firefox), ``https://site run 1`` (sitespeed.io) or ``Run 1, First View for https://site``
    (WebPageTest): then the page's first request names the site."""
    return (isinstance(title, str) and title.startswith(("http://", "https://")) and not any(c.isspace() for c in title)
            and _host(title) is not None)


def _note_capped(capture: Capture, parsed: SetCookie, pos: Position) -> None:
    if parsed.max_age_capped:
        capture.problems.append(_problem(
            "VC102", f"`Max-Age` of cookie `{_short(parsed.name)}` is over 1000 years "
            f"({int(MAX_LIFETIME_SECONDS):,} seconds); counted as 1000 years", pos))


def _short(text: str) -> str:
    from ..diagnostics import shorten

    return shorten(text)


def _from_har_cookies(checked: _Entry, response: dict[str, Any]) -> list[str]:
    """Rebuild Set-Cookie lines from a HAR ``response.cookies`` list (when headers were stripped)."""
    out = []
    for n, c in enumerate(checked.objects(response, "cookies", "response")):
        if not isinstance(c.get("name"), str) or not c["name"]:
            checked.warn(f"`response.cookies[{n}]` has no text `name`; ignored")
            continue
        parts = [f"{c['name']}=x"]
        if isinstance(c.get("domain"), str) and c["domain"]:
            parts.append(f"Domain={c['domain']}")
        if isinstance(c.get("path"), str) and c["path"]:
            parts.append(f"Path={c['path']}")
        expires = _iso(c.get("expires"))
        if expires is not None:
            parts.append(f"Expires={email.utils.format_datetime(expires.astimezone(dt.UTC), usegmt=True)}")
        out.append("; ".join(parts))
    return out


def _sent_cookie_names(checked: _Entry, request: dict[str, Any]) -> list[str]:
    names: list[str] = []
    for n, c in enumerate(checked.objects(request, "cookies", "request")):
        if isinstance(c.get("name"), str) and c["name"].strip():
            names.append(c["name"].strip())
        elif not isinstance(c.get("name"), str):
            checked.warn(f"`request.cookies[{n}]` has no text `name`; ignored")
    if not names:
        for name, value in checked.headers(request, "request"):
            if name.lower() == "cookie":
                for pair in value.split(";"):
                    key = pair.split("=", 1)[0].strip()
                    if key and "=" in pair:
                        names.append(key)
    return list(dict.fromkeys(names))


# ---------------------------------------------------------------- EDPS inspection.json

#: VC104 warnings shown one by one per capture; the rest are counted in one last warning.
MAX_ENTRY_WARNINGS = 20
_INSPECTION_HINT = ("give the website-evidence-collector's `inspection.json` as it wrote it (a `cookies` list of "
                    "objects with `name`, `domain`, `path`, `expires`), or its HAR")


def read_inspection(path: Path, display: str | None = None, *, pre_consent: str | None = None,
                    max_bytes: int = MAX_CAPTURE_BYTES, choice: Choice = "unknown") -> Capture:
    """The cookies of an EDPS website-evidence-collector ``inspection.json`` (``read_har`` also
    recognises one). The collector browses without consenting and records no consent choice, so
    every cookie counts as set before consent unless ``pre_consent`` is ``none``; with ``choice``
    ``rejected`` (a visit begun with the rejection already made), every one is after the rejection."""
    capture, text = _open(path, display, "inspection", max_bytes)
    if text is None:
        return capture
    capture.choice = choice
    if choice != "unknown":
        pre_consent = "all"
    data, ok = _load_json(capture, text)
    if not ok:
        return capture
    return _inspection(capture, data, text, pre_consent or "all")


class _Warnings:
    """VC104 warnings of one inspection, bounded: the first ``MAX_ENTRY_WARNINGS``, then a count."""

    def __init__(self, capture: Capture) -> None:
        self.capture = capture
        self.count = 0

    def warn(self, message: str, pos: Position) -> None:
        self.count += 1
        if self.count <= MAX_ENTRY_WARNINGS:
            self.capture.problems.append(_problem("VC104", message, pos))

    def close(self) -> None:
        more = self.count - MAX_ENTRY_WARNINGS
        if more > 0:
            self.capture.problems.append(_problem(
                "VC104", f"{more:,} more malformed entries of the inspection were skipped or partly ignored "
                f"({self.count:,} in all; the first {MAX_ENTRY_WARNINGS} are shown)", Position(self.capture.path)))


def _epoch(value: Any) -> float | None:
    """A finite number of seconds since 1970 (a cookie's ``expires``), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer of hundreds of digits: far in the future (or past)
        number = 1e300 if value > 0 else -1e300
    return number if math.isfinite(number) else None


def _inspection(capture: Capture, data: Any, text: str, pre_consent: str) -> Capture:
    """Observations from the ``cookies`` list of an inspection (``how="jar"``: the browser's cookie
    store after the visit). Lifetimes count from the cookie's ``log.timestamp`` (when it was set),
    else the inspection's ``start_time``; a cookie with neither has ``expiresDays`` or no known
    lifetime. Every field of the wrong type is a VC104 warning; the cookie is skipped when it has
    no text ``name``."""
    shown = capture.path
    cookies = data.get("cookies") if isinstance(data, dict) else None
    if not isinstance(cookies, list):
        capture.problems.append(_problem(
            "VC100", f"not an inspection.json: `cookies` is {_kind(cookies)}, not a list", Position(shown),
            hint=_INSPECTION_HINT))
        return capture
    capture.text = (_masked_json(text, _inspection_values(cookies, data.get("localStorage")))
                    if len(text) <= 20 * 1024 * 1024 else None)
    capture.requests = 1
    warnings = _Warnings(capture)
    for key in ("uri_ins", "uri_dest"):
        value = data.get(key)
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            capture.pages.append(value)
            break
    start = _iso(data.get("start_time")) or _iso(data.get("end_time"))
    page_host = _host(capture.pages[0]) if capture.pages else None
    locator = _Locator(shown, text)
    locator.cursor = max(locator.find("cookies"), 0)
    misses = 0
    for n, cookie in enumerate(cookies):
        where = f"`cookies[{n}]`"
        offset = -1
        name = cookie.get("name") if isinstance(cookie, dict) else None
        if isinstance(name, str) and name and misses < 20:
            offset = locator.find(name)
            misses += offset < 0
            if offset >= 0:
                locator.cursor = offset + 1
        pos = locator.position(offset, len(name) if isinstance(name, str) else 0) if offset >= 0 else Position(shown)
        if not isinstance(cookie, dict):
            warnings.warn(f"{where} is {_kind(cookie)}, not an object; skipped", pos)
            continue
        if not isinstance(name, str) or not name.strip():
            warnings.warn(f"{where} has no text `name`; skipped", pos)
            continue
        obs = _inspected_cookie(cookie, name.strip(), where, pos, warnings, start, page_host, len(capture.observations),
                                pre_consent != "none")
        if obs is not None:
            capture.observations.append(obs)
    _local_storage(capture, data.get("localStorage"), locator, warnings, pre_consent != "none")
    if capture.choice == "rejected":
        # the collector's store after a visit begun with the rejection made (`--set-cookie`): every
        # cookie and key in it was stored during the visit, after the rejection
        capture.observations = [replace(o, pre_consent=False, after_reject=True) for o in capture.observations]
    warnings.close()
    if not capture.observations and not any(d.code == "VC104" for d in capture.problems):
        capture.problems.append(_problem("VC101", "the inspection lists no cookie", Position(shown)))
    return capture


def _local_storage(capture: Capture, storage: Any, locator: _Locator, warnings: _Warnings, pre: bool) -> None:
    """Observations from ``localStorage``: ``{origin: {key: {value, log, ...}}}``, one per key (the
    value is never kept). Local storage has no expiry: it lasts until the site or the user clears it."""
    if storage is None:
        return
    shown = capture.path
    if not isinstance(storage, dict):
        warnings.warn(f"`localStorage` is {_kind(storage)}, not an object; ignored", Position(shown))
        return
    capture.local_storage = True
    locator.cursor = max(locator.find("localStorage", 0), 0)
    misses = 0
    for origin, items in storage.items():
        host = _host(origin) if origin.startswith(("http://", "https://")) else None
        if host is None or not isinstance(items, dict):
            problem = "not an origin (`https://host`)" if host is None else f"{_kind(items)}, not an object"
            warnings.warn(f"`localStorage[{json.dumps(_short(origin))}]` is {problem}; ignored", Position(shown))
            continue
        for key in items:
            offset = locator.find(key) if key and misses < 20 else -1
            misses += offset < 0
            if offset >= 0:
                locator.cursor = offset + 1
            pos = locator.position(offset, len(key)) if offset >= 0 else Position(shown)
            if not key.strip():
                warnings.warn(f"`localStorage[{json.dumps(_short(origin))}]` has an empty key; skipped", pos)
                continue
            capture.observations.append(Observation(
                key, host, "jar", pos, len(capture.observations), url=origin, lifetime=None, expiry_known=False,
                pre_consent=pre, storage="local_storage",
                evidence=f"inspection.json localStorage of {_short(origin)}: {_short(key)}=…"))


def _text_field(cookie: dict[str, Any], key: str, where: str, pos: Position, warnings: _Warnings) -> str | None:
    value = cookie.get(key)
    if value is None or isinstance(value, str):
        return value
    warnings.warn(f"{where}: `{key}` is {_kind(value)}, not text; ignored", pos)
    return None


def _inspected_cookie(cookie: dict[str, Any], name: str, where: str, pos: Position, warnings: _Warnings,
                      start: dt.datetime | None, page_host: str | None, index: int, pre: bool) -> Observation | None:
    domain = _text_field(cookie, "domain", where, pos, warnings)
    cpath = _text_field(cookie, "path", where, pos, warnings) or "/"
    for key in ("httpOnly", "secure", "session", "firstPartyStorage"):
        value = cookie.get(key)
        if value is not None and not isinstance(value, bool):
            warnings.warn(f"{where}: `{key}` is {_kind(value)}, not true or false; ignored", pos)
    same_site = _text_field(cookie, "sameSite", where, pos, warnings)
    log = cookie.get("log")
    if log is not None and not isinstance(log, dict):
        warnings.warn(f"{where}: `log` is {_kind(log)}, not an object; ignored", pos)
        log = None
    log = log or {}
    set_at = _iso(log.get("timestamp")) or start
    kind = log.get("type") if isinstance(log.get("type"), str) else ""
    stack = log.get("stack") if isinstance(log.get("stack"), list) else []
    top = stack[0] if stack and isinstance(stack[0], dict) else {}
    location = log.get("location") if isinstance(log.get("location"), str) else None
    # an HTTP cookie was set by the response it names; a script's cookie belongs to the page it ran in
    url = top.get("fileName") if kind == "Cookie.HTTP" and isinstance(top.get("fileName"), str) else location
    host = (domain or "").lstrip(".").lower() or _host(url) or page_host or ""

    raw = cookie.get("expires", cookie.get("expiry"))
    key = "expires" if "expires" in cookie else "expiry"
    epoch = _epoch(raw)
    when = _iso(raw) if isinstance(raw, str) else None
    days = _epoch(cookie.get("expiresDays"))
    # without the time it was set, the collector's own count of days is the lifetime
    by_days: tuple[float | None, bool] = (days * 86400, True) if days is not None and days > 0 else (None, False)
    lifetime: float | None = None
    known = True
    if cookie.get("session") is True or (epoch is not None and epoch < 0):
        lifetime = None  # a session cookie (`expires` -1)
    elif epoch is not None or when is not None:
        expires_at = epoch if epoch is not None else when.timestamp() if when is not None else 0.0
        lifetime, known = (expires_at - set_at.timestamp(), True) if set_at is not None else by_days
    else:
        if raw is not None:
            warnings.warn(f"{where}: `{key}` is {_kind(raw)}, not a time; the lifetime is not known", pos)
        lifetime, known = by_days
    if lifetime is not None and lifetime <= 0:
        return None  # expired when the inspection was written
    if lifetime is not None and lifetime > MAX_LIFETIME_SECONDS:
        warnings.warn(f"{where}: the expiry of cookie `{_short(name)}` is over 1000 years away; counted as 1000 years",
                      pos)
        lifetime = MAX_LIFETIME_SECONDS
    flags = [f"Domain={domain}" if domain else "host-only", f"Path={cpath}"]
    flags.append("session" if lifetime is None and known else f"expires {raw}" if known else "expiry unknown")
    flags += [k for k in ("httpOnly", "secure") if cookie.get(k) is True]
    if same_site:
        flags.append(f"SameSite={_short(same_site)}")
    evidence = f"inspection.json {where[1:-1]}: {_short(name)}=… ({'; '.join(flags)})"
    return Observation(name, host, "jar", pos, index, host_only=not (domain or "").startswith("."), path=cpath,
                       lifetime=lifetime, expiry_known=known, url=url, pre_consent=pre, evidence=evidence)


# ---------------------------------------------------------------- cookies.txt

def read_cookies_txt(path: Path, display: str | None = None, *, captured_at: dt.datetime | None = None,
                     pre_consent: str = "none", max_bytes: int = MAX_CAPTURE_BYTES) -> Capture:
    """A Netscape cookie jar: ``domain  subdomains  path  secure  expires  name  value`` (tabs)."""
    capture, text = _open(path, display, "cookies.txt", max_bytes)
    if text is None:
        return capture
    shown = capture.path
    capture.text = _masked_lines(text, "cookies.txt")
    if captured_at is None:
        try:
            captured_at = dt.datetime.fromtimestamp(os.stat(path).st_mtime, dt.UTC)
        except OSError:
            captured_at = dt.datetime.now(dt.UTC)
    reference = captured_at.timestamp()
    index = 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r")
        if line.startswith("#HttpOnly_"):
            line = line[len("#HttpOnly_"):]
        elif not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        pos = Position(shown, number, 1, len(raw) + 1)
        if len(fields) < 6 or len(fields) > 7 or not re.fullmatch(r"-?\d+(\.\d+)?", fields[4].strip()):
            capture.problems.append(_problem(
                "VC102", "not a cookies.txt line (7 tab-separated fields: domain, subdomains, path, secure, "
                "expires, name, value); skipped", pos))
            continue
        domain, _, cpath, _, expires, name = (f.strip() for f in fields[:6])
        if not name:
            capture.problems.append(_problem("VC102", "a cookies.txt line names no cookie; skipped", pos))
            continue
        when = float(expires)  # a regular expression of digits: never NaN, inf for thousands of digits
        lifetime = None if when == 0 else when - reference
        if lifetime is not None and lifetime <= 0:
            continue  # expired when the jar was written
        if lifetime is not None and lifetime > MAX_LIFETIME_SECONDS:
            capture.problems.append(_problem(
                "VC102", f"the expiry of cookie `{_short(name)}` is over 1000 years away; counted as 1000 years", pos))
            lifetime = MAX_LIFETIME_SECONDS
        capture.observations.append(Observation(
            name, domain.lstrip(".").lower(), "jar", pos, index, host_only=not domain.startswith("."),
            path=cpath or "/", lifetime=lifetime, pre_consent=pre_consent == "all",
            evidence=f"{domain}\t…\t{expires}\t{name}"))
        index += 1
    if not capture.observations and not capture.problems:
        capture.problems.append(_problem("VC101", "the cookie jar holds no cookie", Position(shown)))
    return capture


# ---------------------------------------------------------------- raw Set-Cookie lines

def read_set_cookie(path: Path, display: str | None = None, *, captured_at: dt.datetime | None = None,
                    pre_consent: str = "none", max_bytes: int = MAX_CAPTURE_BYTES) -> Capture:
    """Raw headers: ``Set-Cookie: a=b; Max-Age=60`` (or just ``a=b; Max-Age=60``), one per line."""
    capture, text = _open(path, display, "set-cookie", max_bytes)
    if text is None:
        return capture
    shown = capture.path
    capture.text = _masked_lines(text, "set-cookie")
    now = captured_at
    url: str | None = None
    index = 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("HTTP/"):
            continue
        if line.startswith("#"):
            match = re.match(r"#\s*url:\s*(\S+)", line, re.I)
            if match:
                url = match.group(1)
            continue
        value = line
        header = _TOKEN_HEADER.match(line)
        if header and "=" not in header.group(1):
            key = header.group(1).lower()
            if key == "date":
                now = parse_http_date(header.group(2)) or now
                continue
            if key != "set-cookie":
                continue  # another response header
            value = header.group(2)
        pos = Position(shown, number, raw.find(value) + 1, raw.find(value) + 1 + len(value))
        parsed = parse_set_cookie(value)
        if parsed is None:
            capture.problems.append(_problem("VC102", "not a Set-Cookie header (`name=value; attributes`); "
                                             "skipped", pos))
            continue
        _note_capped(capture, parsed, pos)
        lifetime = parsed.lifetime(now)
        if lifetime is not None and lifetime <= 0:
            continue
        host = _host(url)
        capture.observations.append(Observation(
            parsed.name, parsed.domain or host or "", "set", pos, index, host_only=parsed.domain is None,
            path=parsed.path, lifetime=lifetime, url=url, pre_consent=pre_consent == "all",
            evidence=parsed.evidence))
        index += 1
    if not capture.observations and not capture.problems:
        capture.problems.append(_problem("VC101", "the file holds no Set-Cookie header", Position(shown)))
    return capture


__all__ = [
    "PRE_CONSENT_MODES", "Capture", "Observation", "Position", "SetCookie", "parse_http_date",
    "parse_set_cookie", "read_cookies_txt", "read_har", "read_inspection", "read_set_cookie",
]
