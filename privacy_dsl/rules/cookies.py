"""Cookies and similar device storage: ePrivacy Art. 5(3) and the information a user must get."""

from __future__ import annotations

from typing import Iterator

from .base import Context, Finding, rule


@rule(
    "CK002",
    "cookie-without-expiry",
    category="cookies",
    severity="error",
    references=(
        "Directive 2002/58/EC (ePrivacy) Art. 5(3)",
        "CJEU C-673/17 Planet49 (1 October 2019), paras 74-81",
        "GDPR Art. 13(2)(a)",
    ),
)
def cookie_without_expiry(ctx: Context) -> Iterator[Finding]:
    """A cookie or storage item whose lifetime is not stated, or is persistent with no expiry.

    ## What it does
    Flags a `cookie` block with no `expiry`, or with `expiry persistent` and no duration. Session
    cookies (`expiry session`) and cookies with a duration (`expiry 13 months`) pass.

    ## Why it matters
    Consent to cookies is only informed when the user is told how long they operate: the CJEU
    held in Planet49 that the information given under ePrivacy Art. 5(3) includes the duration of
    the cookies. GDPR Art. 13(2)(a) requires the storage period for any personal data they hold.

    ## Example
    ```privacy
    cookie Webtemp {
      party first
      expiry persistent
    }
    ```

    ## Use instead
    ```privacy
    cookie Webtemp {
      party first
      expiry 30 days
    }
    ```

    ## Options
    None.

    ## References
    ePrivacy Art. 5(3); CJEU C-673/17 Planet49, paras 74-81; GDPR Art. 13(2)(a).
    """
    for cookie in ctx.policy.cookies:
        if cookie.expiry is None:
            yield Finding(cookie.span, f"cookie `{cookie.name}` does not say how long it lasts",
                          hint="add `expiry session` or `expiry <duration>`, e.g. `expiry 13 months`")
        elif cookie.expiry.lifetime == "persistent" and cookie.expiry.duration is None:
            yield Finding(cookie.span_of("expiry"), f"persistent cookie `{cookie.name}` has no expiry",
                          hint="state the duration, e.g. `expiry 13 months`")


RULES = (cookie_without_expiry,)
