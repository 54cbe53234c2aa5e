"""Record what a site does before any consent choice and after the user rejects, for
``privacy-dsl verify-cookies --before-consent ... --after-reject ...``.

Needs Playwright for Python (``pip install playwright && playwright install chromium``); it is not
a dependency of privacy-dsl. Three browser contexts, each a fresh profile:

1. ``before-consent.har``: the page loaded and left alone (no click): every cookie in it is set
   before any choice.
2. The rejection (not recorded): the page loaded and the reject button clicked; the browser's state
   afterwards (cookies, local storage: the consent manager's record of the "no") is saved.
3. ``after-reject.har``: a new context started from that state loads the page (and ``--path`` pages)
   again: the whole capture is after the rejection, so no ``--consent-marker`` is needed.

    python record_after_reject.py https://www.example.com/ --reject-text "reject|decline|ablehnen"
    privacy-dsl verify-cookies policy/ --before-consent out/before-consent.har \\
        --after-reject out/after-reject.har

A reject button inside the consent manager's iframe: give ``--frame 'iframe[id^="sp_message"]'``;
one that is not a button: ``--reject-selector '#reject-all'``. The HAR files hold cookie values
(identifiers of the person browsing): keep them out of public CI artefacts; privacy-dsl never prints
them.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from urllib.parse import urljoin

from playwright.sync_api import Locator, Page, sync_playwright


def reject_button(page: Page, args: argparse.Namespace) -> Locator:
    scope = page.frame_locator(args.frame) if args.frame else page
    if args.reject_selector:
        return scope.locator(args.reject_selector).first
    return scope.get_by_role("button", name=re.compile(args.reject_text, re.IGNORECASE)).first


def visit(page: Page, urls: list[str], wait_ms: int) -> None:
    for url in urls:
        page.goto(url, wait_until="load")
        page.wait_for_timeout(wait_ms)  # tags load after the load event


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="the page with the consent banner")
    parser.add_argument("--reject-text", default=r"reject|decline|refuse|deny|ablehnen|refuser|rifiuta",
                        help="regular expression for the reject button's accessible name")
    parser.add_argument("--reject-selector", help="a CSS selector for the reject control instead")
    parser.add_argument("--frame", help="a CSS selector for the iframe that holds the banner")
    parser.add_argument("--path", action="append", default=[], help="another page to visit after the rejection")
    parser.add_argument("--wait", type=int, default=5000, help="milliseconds to wait on each page (5000)")
    parser.add_argument("--out", type=Path, default=Path("out"), help="output folder (out)")
    parser.add_argument("--headed", action="store_true", help="show the browser")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    after_urls = [args.url, *(urljoin(args.url, p) for p in args.path)]
    state = args.out / "rejected-state.json"

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(headless=not args.headed)

        # 1. before any choice; the HAR is written when the context closes
        context = browser.new_context(record_har_path=str(args.out / "before-consent.har"),
                                      record_har_content="omit")
        visit(context.new_page(), [args.url], args.wait)
        context.close()

        # 2. the rejection, in a fresh profile; its state is what the consent manager stored
        context = browser.new_context()
        page = context.new_page()
        page.goto(args.url, wait_until="load")
        button = reject_button(page, args)
        button.wait_for(state="visible", timeout=15_000)
        button.click()
        page.wait_for_timeout(args.wait)
        context.storage_state(path=str(state))
        context.close()

        # 3. after the rejection: a new context that starts from that state, recorded
        context = browser.new_context(storage_state=str(state), record_har_path=str(args.out / "after-reject.har"),
                                      record_har_content="omit")
        visit(context.new_page(), after_urls, args.wait)
        context.close()
        browser.close()
    print(f"wrote {args.out / 'before-consent.har'} and {args.out / 'after-reject.har'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
