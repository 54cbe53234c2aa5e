"""Recording real traffic for the verify-cookies tests: headless Chromium against loopback servers.

Chromium's NetLog (``--log-net-log``, ``IncludeSensitive``) holds every request's and response's
headers, cookies included; ``netlog_to_har`` turns its loopback requests into a minimal HAR 1.2 file,
which ``verify-cookies`` reads like a devtools export. The browser resolves nothing but 127.0.0.1
(``--host-resolver-rules``), so no request can leave the machine. Used by ``test_real_traffic.py``
and ``test_after_reject.py``.
"""

from __future__ import annotations

import datetime as dt
import http.server
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

#: A test server refuses anything beyond this many requests: no loop can run away.
MAX_REQUESTS = 200


class CookieHandler(http.server.BaseHTTPRequestHandler):
    """A quiet handler for the loopback test sites. ``self.server.site`` is the site: it has a
    ``lock`` and a ``count`` of requests, which ``counted`` keeps under ``MAX_REQUESTS``."""

    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _reply(self, status: int, cookies: list[str], body: bytes = b"", ctype: str = "text/plain") -> None:
        self.send_response(status)
        for cookie in cookies:
            self.send_header("Set-Cookie", cookie)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def counted(self) -> bool:
        """Count this request; False (after a 429 reply) beyond ``MAX_REQUESTS``. A POST's body is read."""
        site = self.server.site  # type: ignore[attr-defined]
        with site.lock:
            site.count += 1
            if site.count > MAX_REQUESTS:
                self._reply(429, [])
                return False
        if self.command == "POST":
            self.rfile.read(min(int(self.headers.get("Content-Length") or 0), 10_000))
        return True


def iso(ms: float) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).isoformat().replace("+00:00", "Z")


def har(entries: list[dict[str, Any]], first_url: str) -> dict[str, Any]:
    started = entries[0]["startedDateTime"] if entries else iso(0)
    for e in entries:
        e["pageref"] = "page_1"
    return {"log": {"version": "1.2", "creator": {"name": "privacy-dsl tests", "version": "1"},
                    "pages": [{"id": "page_1", "startedDateTime": started, "title": first_url, "pageTimings": {}}],
                    "entries": entries}}


def entry(ms: float, method: str, url: str, req_headers: list[tuple[str, str]],
          resp_status: int, resp_headers: list[tuple[str, str]], body: str | None = None) -> dict[str, Any]:
    cookies = []
    for name, value in req_headers:
        if name.lower() == "cookie":
            cookies += [{"name": p.split("=", 1)[0].strip(), "value": "…"} for p in value.split(";") if "=" in p]
    request: dict[str, Any] = {
        "method": method, "url": url, "httpVersion": "HTTP/1.1", "cookies": cookies,
        "headers": [{"name": n, "value": v} for n, v in req_headers], "queryString": [],
        "headersSize": -1, "bodySize": -1}
    if body is not None:
        request["postData"] = {"mimeType": "text/plain", "text": body}
    return {"startedDateTime": iso(ms), "time": 0, "request": request,
            "response": {"status": resp_status, "statusText": "", "httpVersion": "HTTP/1.1", "cookies": [],
                         "headers": [{"name": n, "value": v} for n, v in resp_headers],
                         "content": {"size": 0, "mimeType": ""}, "redirectURL": "", "headersSize": -1,
                         "bodySize": -1},
            "cache": {}, "timings": {"send": 0, "wait": 0, "receive": 0}}


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _split_headers(lines: list[str]) -> list[tuple[str, str]]:
    out = []
    for line in lines:
        if ":" in line and not line.startswith("HTTP/"):
            name, value = line.split(":", 1)
            out.append((name.strip(), value.strip()))
    return out


def netlog_to_har(netlog: dict[str, Any], first_url: str) -> dict[str, Any]:
    """The loopback requests of a Chromium NetLog (IncludeSensitive) as a minimal HAR. A request's
    body is in the NetLog only as its size: a POST's ``postData`` is the body the page says it sent
    (the query string of its URL is kept, so consent markers can match the URL)."""
    constants = netlog["constants"]
    types = {v: k for k, v in constants["logEventTypes"].items()}
    offset = float(constants.get("timeTickOffset", 0))
    current: dict[int, dict[str, Any]] = {}
    entries: list[dict[str, Any]] = []
    for event in netlog["events"]:
        kind = types.get(event["type"])
        params = event.get("params") or {}
        source = event["source"]["id"]
        if kind == "URL_REQUEST_START_JOB" and "url" in params:
            if not params["url"].startswith("http://127.0.0.1:"):
                current.pop(source, None)
                continue
            current[source] = {"ms": float(event["time"]) + offset, "method": params.get("method", "GET"),
                               "url": params["url"], "req": [], "status": 0, "resp": []}
            entries.append(current[source])
        elif source in current and kind == "HTTP_TRANSACTION_SEND_REQUEST_HEADERS":
            current[source]["req"] = _split_headers(params.get("headers", []))
        elif source in current and kind == "HTTP_TRANSACTION_READ_RESPONSE_HEADERS":
            lines = params.get("headers", [])
            status = re.match(r"HTTP/\S+ (\d+)", lines[0]) if lines else None
            current[source]["status"] = int(status.group(1)) if status else 0
            current[source]["resp"] = _split_headers(lines)
    entries.sort(key=lambda e: e["ms"])
    return har([entry(e["ms"], e["method"], e["url"], e["req"], e["status"], e["resp"]) for e in entries],
               first_url)


def record_with_chromium(browser: str, url: str, tmp_path: Path, *, profile: Path | None = None,
                         name: str = "netlog.json", expect: str | None = None) -> dict[str, Any]:
    """Load ``url`` (loopback only) in headless Chromium and return its traffic as a HAR. ``profile``:
    the browser profile to use (kept between calls: a returning visitor's cookies); ``expect``: text
    the page's DOM must hold once its scripts ran (``--dump-dom`` prints it)."""
    assert url.startswith("http://127.0.0.1:"), url  # loopback only
    netlog = tmp_path / name
    profile = profile or tmp_path / "profile"
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
           "--disable-extensions", "--no-proxy-server",
           # resolve nothing but the loopback address: no request can leave the machine
           "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
           f"--user-data-dir={profile}", f"--log-net-log={netlog}", "--net-log-capture-mode=IncludeSensitive",
           "--virtual-time-budget=5000", "--dump-dom", url]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    if expect is not None:
        assert expect in proc.stdout, proc.stdout[-2000:]
    return netlog_to_har(json.loads(netlog.read_text(encoding="utf-8")), url)
