"""Suppressions: keep ``# privacy-dsl: ignore[...]`` comments honest.

These rules are applied by the engine after all other rules (they need to know which findings
each suppression matched), so their check functions find nothing on their own.
"""

from __future__ import annotations

from collections.abc import Iterator

from .base import Context, Finding, rule

_REFS = ("ruff: unused-noqa (RUF100) and blanket-noqa (PGH004), the model for these rules",)


@rule("SUP001", "suppression-without-reason", category="suppressions", severity="warning", references=_REFS)
def suppression_without_reason(ctx: Context) -> Iterator[Finding]:
    """A suppression that gives no reason after `--`.

    ## What it does
    Flags `# privacy-dsl: ignore[CODE]` with no `-- reason`. The reason is required: until one is
    given, the suppression hides nothing and the findings it names are reported.

    ## Why it matters
    A suppressed finding is a decision about a legal risk. The reason is the record of that
    decision (GDPR Art. 5(2), accountability): who reviewed it and why it is acceptable.

    ## Example
    ```privacy
    cookie Webtemp { # privacy-dsl: ignore[CK002]
      party first
    }
    ```

    ## Use instead
    ```privacy
    cookie Webtemp { # privacy-dsl: ignore[CK002] -- expiry confirmed with the vendor, ticket PRIV-12
      party first
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 5(2) (accountability).
    """
    return iter(())


@rule("SUP002", "blanket-suppression", category="suppressions", severity="warning", references=_REFS)
def blanket_suppression(ctx: Context) -> Iterator[Finding]:
    """A suppression that names no rule code and so hides every finding.

    ## What it does
    Flags `# privacy-dsl: ignore -- reason` without `[CODE]`. The suppression still works.

    ## Why it matters
    A blanket suppression also hides findings that nobody has reviewed, including ones from
    rules added later.

    ## Example
    ```privacy
    cookie Webtemp { # privacy-dsl: ignore -- legacy
      party first
    }
    ```

    ## Use instead
    ```privacy
    cookie Webtemp { # privacy-dsl: ignore[CK002] -- legacy cookie, removed in release 4.2
      party first
    }
    ```

    ## Options
    None.

    ## References
    GDPR Art. 5(2) (accountability).
    """
    return iter(())


@rule("SUP003", "unused-suppression", category="suppressions", severity="warning", references=_REFS)
def unused_suppression(ctx: Context) -> Iterator[Finding]:
    """A suppression that no longer matches any finding.

    ## What it does
    Flags a suppression (or one code in it) that matched nothing in this run.

    ## Why it matters
    Stale suppressions hide the next real finding at that place.

    ## Example
    ```privacy
    cookie Webtemp { # privacy-dsl: ignore[CK002] -- vendor gave no expiry
      party first
      expiry 30 days
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
    GDPR Art. 5(2) (accountability).
    """
    return iter(())


@rule("SUP004", "expired-suppression", category="suppressions", severity="warning", references=_REFS)
def expired_suppression(ctx: Context) -> Iterator[Finding]:
    """A suppression whose `until` date has passed: it no longer hides anything.

    ## What it does
    Flags `# privacy-dsl: ignore[CODE] until YYYY-MM-DD -- reason` after that date; from then on
    the findings it covered are reported again.

    ## Why it matters
    Time-boxed exceptions are how a privacy team tracks remediation; an expired one is overdue.

    ## Example
    ```privacy
    cookie Webtemp { # privacy-dsl: ignore[CK002] until 2020-01-01 -- fix in Q4
      party first
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
    GDPR Art. 5(2) (accountability).
    """
    return iter(())


@rule("SUP005", "malformed-suppression", category="suppressions", severity="warning", references=_REFS)
def malformed_suppression(ctx: Context) -> Iterator[Finding]:
    """A `# privacy-dsl:` comment that cannot be read, or names a rule that does not exist.

    ## What it does
    Flags unknown directives, unknown rule codes and unreadable `until` dates in suppression
    comments. An unreadable suppression suppresses nothing.

    ## Why it matters
    A typo in a suppression silently fails to suppress, or silently suppresses the wrong thing.

    ## Example
    ```privacy
    cookie Webtemp { # privacy-dsl: ignore[CK999] -- no such rule
      party first
      expiry 30 days
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
    GDPR Art. 5(2) (accountability).
    """
    return iter(())


RULES = (suppression_without_reason, blanket_suppression, unused_suppression, expired_suppression,
         malformed_suppression)
