"""The codes privacy-dsl can emit: their types, and every code that is not a lint rule, as data.

One ``Code`` per code: the lint rules (their entries are made from the rules' ``@rule(...)``
declarations by ``privacy_dsl.lint.catalogue``), the input and resolution codes of ``lint``
(E001-E206), the codes of ``verify-cookies`` (VC001-VC008, VC100-VC104), of ``export`` (EXP001-EXP005;
EXP010-EXP029 for the record of processing, ``--format ropa``; EXP030-EXP034 for the consent banner), of
``notice`` (NTC001-NTC004) and of ``diff`` (DIF001-DIF019), which are declared here, and the codes that
were retired (``RETIRED``).
The one table of them all is ``privacy_dsl.lint.catalogue.full()`` (ruff's ``codes.rs`` is the
model): ``rules``, ``explain``, the generated docs, the SARIF and JUnit rule tables, the
configuration's ``select`` and ``ignore``, inline suppressions and ``privacy-dsl test`` read it.

Codes are never reused. A code that is no longer emitted stays in ``RETIRED`` with
``status="retired"`` and a ``redirect`` to the code that took over its findings (or none); a retired
code named in the configuration or in a suppression is read as its successor, with a warning (ruff's
``rule_redirects``), and ``explain`` says where it went.

This module is the foundation layer: it imports nothing of the package, so ``--version``, ``--help``
and a diagnostic of a broken file never import the rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from enum import IntEnum
from typing import Literal

from .records import dataclass

#: Where the documentation lives; a code's ``url`` is ``DOCS_ROOT/<page>#<code>-<name>``.
DOCS_ROOT = "https://github.com/privacy-dsl/privacy-dsl/blob/main/docs"
DOCS_URL = f"{DOCS_ROOT}/rules"


class Severity(IntEnum):
    """Ordered so that ``severity >= fail_level`` decides the exit code."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Severity:
        return cls[value.upper()]


Status = Literal["stable", "preview", "deprecated", "retired"]
STATUSES: tuple[Status, ...] = ("stable", "preview", "deprecated", "retired")

#: Which part of the tool emits a code, and the command that reports it.
Source = Literal["rule", "input", "verify", "export", "notice", "diff"]
COMMANDS: dict[Source, str] = {"rule": "lint", "input": "lint", "verify": "verify-cookies", "export": "export",
                               "notice": "notice", "diff": "diff"}

#: The lint rules' categories, in the order the docs list them.
RULE_CATEGORIES = (
    "lawfulness",
    "consent",
    "special-data",
    "retention",
    "transfers",
    "cookies",
    "transparency",
    "identifiability",
    "hygiene",
    "suppressions",
)
#: Every category a code may have: the rules' and those of the other codes.
CATEGORIES = (*RULE_CATEGORIES, "input", "resolution", "export", "notice", "diff")


@dataclass(frozen=True, slots=True, eq=False)
class Code:
    """One entry of the catalogue.

    - ``category``: where the code belongs (a rule category, ``input``, ``resolution``, ``export``,
      ``notice``); read from here, never derived from the code's letters or number.
    - ``source``: which part of the tool emits it (``rule``, ``input``, ``verify``, ``export``,
      ``notice``); ``COMMANDS`` gives the command.
    - ``fatal``: the code makes the input unusable (exit code 2). Such a code can be neither ignored
      in the configuration nor suppressed inline: there is nothing left to check once it fires.
    - ``messages``: message id -> template with ``{arg}`` fields; a diagnostic's ``args`` name the
      fields it fills (a rule's templates come from its ``@rule(..., messages=...)``).
    - ``implies``: codes whose finding this code's finding implies when both fire on the same
      subject: a marketing purpose with no basis gets LAW003 ("marketing needs consent") and LAW001
      ("no legal basis"), and LAW003 says all that LAW001 does, so LAW003 implies LAW001. The
      engine reports the stronger finding alone (``lint.facts.without_implied``): the subject is
      the finding's first ``purpose``/``cookie``/``recipient``/... argument, in the same file.
      An entry ``CODE:message-id`` implies only the findings of that code with that message. An
      implied finding about the notice as a whole (no subject argument) goes when the implying code
      fires on anything in the policy (LAW001 on each purpose implies TRN016's "purposes a, b state
      none").
    - ``status`` and ``redirect``: ``retired`` codes are never emitted; ``redirect`` names the code
      that replaced one (None: dropped without a successor).
    """

    code: str
    name: str
    category: str
    source: Source
    severity: Severity
    summary: str
    doc: str
    #: The documentation page, relative to docs/ (``rules/lawfulness.md``, ``verify-cookies.md``).
    page: str
    status: Status = "stable"
    redirect: str | None = None
    fatal: bool = False
    messages: Mapping[str, str] = field(default_factory=dict)
    implies: tuple[str, ...] = ()
    #: Message arguments that describe the finding's object rather than the fact (the database
    #: entry a cookie matched, the company a recipient is): findings that differ only in their
    #: subject and these are one fact, grouped (``lint.facts.grouped``).
    object_args: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    #: For rules: the jurisdictions the rule is limited to (empty: every jurisdiction).
    jurisdictions: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return f"{DOCS_ROOT}/{self.page}#{self.anchor}"

    @property
    def anchor(self) -> str:
        return f"{self.code.lower()}-{self.name}"

    @property
    def command(self) -> str:
        return COMMANDS[self.source]

    @property
    def suppressible(self) -> bool:
        """Whether the configuration's ``ignore`` and an inline suppression can hide it."""
        return not self.fatal

    def template(self, message_id: str | None = None) -> str:
        """The template of one message (the only or first one when no id is given)."""
        if message_id is None:
            return next(iter(self.messages.values()), "")
        return self.messages[message_id]

    def fields(self) -> frozenset[str]:
        """Every ``{arg}`` name the code's templates use."""
        import string

        return frozenset(f for t in self.messages.values() for _, f, _, _ in string.Formatter().parse(t) if f)

    def message_list(self) -> str:
        """The templates as a Markdown list, ``- `id`: text with {fields}``: what a diagnostic's
        ``message_id`` and ``args`` (JSON, SARIF) refer to."""
        return "\n".join(f"- `{mid}`: {template}" for mid, template in self.messages.items())

    def explain(self) -> str:
        """The full documentation, as Markdown: what ``explain`` prints and SARIF's help text."""
        facts = [f"Category: {self.category}", f"default severity: {self.severity.label}"]
        if self.jurisdictions:
            facts.append(f"jurisdictions: {', '.join(self.jurisdictions)}")
        if self.source != "rule":
            facts.append(f"reported by `privacy-dsl {self.command}`")
        if self.fatal:
            facts.append("the input is unusable (exit code 2)")
        if self.status != "stable":
            facts.append(f"status: {self.status}")
        head = [f"# {self.code} {self.name}", ""]
        if self.status == "retired":
            moved = f"`{self.redirect}`" if self.redirect else "no code: its findings are no longer reported"
            head += [f"Retired: this code is no longer emitted; it was replaced by {moved}. A configuration "
                     f"or suppression that names {self.code} is read as {self.redirect or 'nothing'}.", ""]
        head += [" · ".join(facts), "", self.summary]
        refs = ["", "## Sources", *(f"- {r}" for r in self.references)] if self.references else []
        body = ["", self.doc] if self.doc else []
        if self.messages:
            body += ["", "## Messages", "", self.message_list()]
        if self.source != "rule":  # a rule's page is generated from this text; the others link to theirs
            body += ["", f"Documentation: {self.url}"]
        return "\n".join([*head, *body, *refs]) + "\n"


def _input(code: str, name: str, summary: str, fatal: bool, doc: str, messages: dict[str, str],
           severity: Severity = Severity.ERROR, category: str = "input") -> Code:
    return Code(code, name, category, "input", severity, summary, doc, "rules/input.md", fatal=fatal,
                messages=messages)


def _resolution(code: str, name: str, summary: str, doc: str, messages: dict[str, str]) -> Code:
    return Code(code, name, "resolution", "input", Severity.ERROR, summary, doc, "rules/input.md",
                messages=messages)


_INPUT = (
    _input("E001", "unreadable-file", "The file could not be read.", True,
           "The file does not exist, is a symbolic-link loop, is not a regular file (a named pipe, a "
           "device or a socket: these are never opened, so a hook cannot hang on them), or permission "
           "was denied; or a folder could not be searched (also a path too long for the system, or "
           "folders nested more than 100 levels deep, which are not searched).",
           {"unreadable": "cannot read the {what}: {reason}", "missing": "no such {what}"}),
    _input("E002", "invalid-encoding", "The file is not valid UTF-8.", True,
           "Policy files are UTF-8 text. The message gives the byte offset of the first "
           "invalid byte; re-save the file as UTF-8. A UTF-16 or UTF-32 file (with a byte-order "
           "mark, or mostly ASCII text with NUL bytes in between, as Windows PowerShell's `>` "
           "writes) is named as such.",
           {"invalid": "invalid UTF-8 at byte offset {offset} (byte {byte})",
            "wide": "the file is {encoding} ({detail}): save it as UTF-8"}),
    _input("E003", "binary-file", "The file holds NUL bytes: it is not text.", True,
           "A policy file must be text; a NUL byte means a binary or corrupted file.",
           {"nul": "the file holds a NUL byte at byte offset {offset}: it is not a text file"}),
    _input("E004", "empty-file", "The file holds nothing: no declaration and no comment.", True,
           "An empty policy file (nothing but blank lines) is usually a mistake (a failed save, a "
           "stub). Write at least one block, or delete the file. A file that holds only comments "
           "(notes on the notice, quotes from it) is not empty: it is read and adds nothing.",
           {"empty": "the file holds no declarations"}),
    _input("E005", "file-too-large", "The file is larger than the configured limit.", True,
           "Very large files are refused so that a hook never hangs. Raise `max-file-bytes` "
           "in the configuration if the file is genuine.",
           {"large": "the file is {size} bytes, over the limit of {limit}",
            "grew": "the file grew to more than {limit} bytes while it was being read"}),
    _input("E006", "no-policy-files", "No .privacy files were found under the given path.", True,
           "privacy-dsl lints files ending in `.privacy`. Check the path.",
           {"none": "no `{suffix}` files under `{path}`", "suffix": "`{path}` is not a `{suffix}` file"}),
    _input("E007", "outside-path", "A linked file points outside the path being linted.", True,
           "A `.privacy` file that is a symbolic link is read only when it leads to a `.privacy` file "
           "inside its own policy directory (the folder that holds the link, or a folder below it "
           "that is not hidden). A link anywhere else is refused and not opened, however the file is "
           "reached: a directory searched, or a file given, as pre-commit gives. Links to "
           "directories are not followed at all.",
           {"link": "`{path}` is a symbolic link to `{target}`, which is {why}"}),
    _input("E020", "bidi-control", "The text holds an invisible bidirectional-control character.", False,
           "Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) change "
           "the order in which text is *displayed* without changing what it *is*: a policy can read "
           "one way in an editor or a code review and mean another (\"Trojan Source\", "
           "CVE-2021-42574). The message names the character and its position; delete it, or write "
           "the text without it. Like rustc's `text_direction_codepoint_in_literal` and GitHub's "
           "warning, this is a warning: the policy is still checked. The direction marks U+200E, "
           "U+200F and U+061C, which right-to-left text uses legitimately, are not reported. Where "
           "an override is meant, suppress it on its line: `# privacy-dsl: ignore[E020] -- reason`.",
           {"bidi": "invisible bidirectional control {codepoint} {character}: the text may display in another "
                    "order than it is read"},
           Severity.WARNING),
    _input("E080", "invalid-configuration", "The configuration file cannot be used.", True,
           "`pyproject.toml` (`[tool.privacy-dsl]`), `privacy-dsl.toml` or the file given with `--config` "
           "is not valid TOML, is not a regular file, is over 1 MiB, or holds a key or value the "
           "configuration does not accept (a wrong type, an empty `select`, an unknown rule, a code "
           "that makes the input unusable in `ignore`). The message says which key and why; nothing "
           "is linted, and the exit code is 2.",
           {"invalid": "{source}: {problem}"}),
    _input("E081", "unreadable-manifest", "The fides manifest given to `import` cannot be read.", True,
           "The file is not a regular file, is larger than `max-manifest-bytes` (default 2 MiB), is "
           "not UTF-8, is not valid YAML (or is nested too deeply, or holds an impossible date such "
           "as 2026-02-30), or is not a fides manifest (no top-level `system:`, `organization:`, "
           "`dataset:` or `policy:`), "
           "or a field holds a value of the wrong type. The message gives the line and column where "
           "YAML gives one; nothing is written, and the exit code is 2.",
           {"invalid": "{path}: {problem}"}),
    _input("E082", "nothing-to-import", "The fides manifest holds nothing a policy can be made of.", True,
           "No system declares processing, and there is no dataset and no organization: a manifest of "
           "only `policy:` rules (which are tests of a policy, not a policy), or of only systems without "
           "privacy declarations and categories. `import` says what became of each part of the manifest; "
           "nothing is written, and the exit code is 2.",
           {"empty": "{path}: nothing to import: {why}"}),
    _input("E100", "syntax-error", "The text does not follow the policy grammar.", True,
           "The message says what was found and what the grammar expected at that point.",
           {"unexpected": "unexpected `{found}`; expected {expected}",
            "character": "unexpected character `{found}`; expected {expected}",
            "end": "unexpected end of file; expected {expected}"}),
    _input("E101", "unterminated-string", "A quoted string is not closed on its line.", True,
           "Strings are written in double quotes and end on the line they start on. "
           "Write `\\\"` for a quote inside a string.",
           {"open": "this string is not closed before the end of the line"}),
    _input("E102", "unclosed-block", "The file ends inside a block.", True,
           "Every `{` needs a matching `}`. The message names the block that is still open.",
           {"open": "the file ends inside the `{block}` block opened at line {line}, column {column}"}),
    _input("E190", "fmt-moves-suppression", "Formatting would change what a suppression hides.", True,
           "Reported by `privacy-dsl fmt` (also with `--check` and `--diff`), which then leaves the "
           "file as it is. A `# privacy-dsl: ignore[...]` comment hides findings by line: at the end "
           "of a line it covers what starts on that line, on a line of its own the next line (or "
           "the whole block that line opens). `fmt` keeps a suppression at the end of the line of "
           "the statement it was on and checks that every suppression hides the same findings after "
           "formatting; where the canonical layout cannot keep that (a suppression at the end of a "
           "continuation line, or after several statements on one line), it refuses rather than "
           "silently hiding or revealing a finding. Put the suppression on a line of its own before "
           "the statement or block it is for, and format again.",
           {"moves": "formatting would move this suppression so that it would {effect}: the file is left as it is"}),
    _resolution("E200", "undefined-reference", "A name refers to nothing declared in the policy.",
                "References resolve across all `.privacy` files of one policy directory. Declare "
                "the block, or fix the name (a suggestion is given when one is close).",
                {"undefined": "{used_by} refers to {kind} `{name}`, which is not declared"}),
    _resolution("E201", "duplicate-definition", "Two blocks of the same kind have the same id.",
                "Ids must be unique within a policy across all its files.",
                {"duplicate": "`{kind} {id}` is declared twice; the first is at {first}"}),
    _resolution("E202", "wrong-reference-kind", "A name refers to a block of another kind.",
                "For example, `recipients` must name `recipient` blocks, not categories.",
                {"kind": "`{name}` is a {found}, but {used_by} needs a {expected}"}),
    _resolution("E203", "unknown-taxonomy-key", "A taxonomy key is not in the fideslang taxonomy.",
                "Data categories use fideslang data-category keys (`user.contact.email`), purposes "
                "use data-use keys (`marketing.communications.email`). See `privacy-dsl taxonomy`.",
                {"unknown": "`{value}` is not a fideslang {what} key"}),
    _resolution("E204", "invalid-value", "A value is not one of those the statement accepts.",
                "Enumerated values (roles, mechanisms, methods, rights, countries, ...) are checked; "
                "the message lists what is accepted and suggests the closest.",
                {"invalid": "`{value}` is not a valid {what}", "email": "`{value}` is not an e-mail address",
                 "too-long": "the duration is too long: at most {most}", "zero": "a duration of zero is not a period",
                 "age": "the age is too high: at most {most}", "date": "`{value}` is not a date of the calendar"}),
    _resolution("E205", "duplicate-statement", "A statement that takes one value is given twice.",
                "Only the first is used; remove the other.",
                {"statement": "`{statement}` is given twice in this block; the first, at line {line}, is used",
                 "language": "language `{language}` is given twice"}),
    _resolution("E206", "duplicate-controller", "More than one controller block in a policy.",
                "Joint controllers are declared as recipients with `role joint_controller`.",
                {"second": "a second controller block; the first is at {first}"}),
)

_ART53 = "Directive 2002/58/EC (ePrivacy) Art. 5(3)"
_PLANET49 = "CJEU C-673/17 Planet49 (1 October 2019), operative part, points 1 and 2"
_BOLLINGER = ("Bollinger, Kubicek, Cotrini, Basin, \"Automating Cookie Consent and GDPR Violation Detection\", "
              "31st USENIX Security Symposium (2022), pp. 2893-2910")


def _verify(code: str, name: str, severity: Severity, summary: str, doc: str, messages: dict[str, str],
            references: tuple[str, ...] = (), fatal: bool = False, category: str = "cookies") -> Code:
    return Code(code, name, category, "verify", severity, summary, doc, "verify-cookies.md", fatal=fatal,
                messages=messages, references=references)


_VERIFY = (
    _verify(
        "VC001", "undeclared-cookie", Severity.ERROR,
        "A cookie the site sets (or reads) that the policy does not declare.",
        "No declaration of kind `cookie` matches its name, or the declarations of that name cover other "
        "`domains`. Users must be told about every cookie stored on or read from their device, its "
        "purpose, its duration and whether third parties have access (ePrivacy Art. 5(3); Planet49). The "
        "hint is a declaration to paste and complete: name, domains, party and expiry as observed; "
        "provider and category from the Open Cookie Database when it knows the name. Check the category "
        "and add `purpose` and `consent`. Pasted, it resolves the finding: its `domains` cover every "
        "domain the cookie was seen on (collapsed to sites beyond eight), and names the database knows by "
        "a prefix get one `pattern` declaration (`\"_ga_*\"`), suggested at the first of them; the others "
        "say they are covered by it. The JSON format holds the declaration in `fmt` layout as "
        "`args.suggestion` (`args.covered_by` names the covering one); the full format lists them all "
        "after the report, and `--write-suggestions FILE` writes them into a file.\n\n"
        "```\n"
        "visit.har:10:40: VC001 error: cookie `_ga` is set by the site but not declared in the policy\n"
        "  = hint: declare it: cookie _ga { provider \"Google\" party first expiry 730 days domains "
        "\"shop.example\" category analytics }\n"
        "```",
        {"undeclared": "cookie `{name}` is {verb} by the site but not declared in the policy{why}"},
        (_ART53, _PLANET49, "GDPR Art. 13(1)(c), 13(2)(a)")),
    _verify(
        "VC002", "expiry-longer-than-declared", Severity.ERROR,
        "The site sets a cookie to live longer than the policy declares.",
        "The observed lifetime (`Max-Age`, else `Expires` counted from the response's `Date`) exceeds "
        "the declared `expiry` by more than 2 % plus 60 seconds (clock skew). The information owed "
        "includes the duration of the cookies (Planet49, operative part point 2; GDPR Art. 13(2)(a)); an "
        "understated duration makes the notice untransparent (Art. 5(1)(a)). Declare the real lifetime, "
        "or shorten it on the site. Points at the declaration's `expiry`, and cites the observation.",
        {"longer": "cookie `{name}` is set to last {lasts}, longer than the declared {declared} ({where}: {evidence})"},
        (_PLANET49, "GDPR Art. 5(1)(a), 13(2)(a)")),
    _verify(
        "VC003", "persistent-declared-session", Severity.ERROR,
        "A cookie declared `expiry session` is set with an expiry date.",
        "A session cookie ends when the browser closes; the capture shows the cookie set with "
        "`Max-Age` or `Expires`, so it outlives the session. The notice understates its duration "
        "(Planet49; GDPR Art. 13(2)(a)).",
        {"persistent": "cookie `{name}` is declared a session cookie but is set to last {lasts} ({where}: {evidence})"},
        (_PLANET49, "GDPR Art. 13(2)(a)")),
    _verify(
        "VC004", "third-party-declared-first-party", Severity.ERROR,
        "A cookie declared `party first` is set or read by another site.",
        "The cookie was set by (or sent to) a host outside the first-party sites, or its `Domain` is "
        "another site's. Whether third parties can access cookies is part of the information owed "
        "(Planet49, operative part point 2), and a third party that reads them may be a recipient or "
        "joint controller (GDPR Art. 13(1)(e), 26; CJEU C-40/17 Fashion ID). Give `--first-party` when "
        "the site spans several domains.",
        {"third": "cookie `{name}` is declared first party but is {verb} by {host} ({where})"},
        (_PLANET49, "GDPR Art. 13(1)(e), 26", "CJEU C-40/17 Fashion ID (29 July 2019)")),
    _verify(
        "VC005", "set-before-consent", Severity.ERROR,
        "A cookie that needs consent is set or read before the user made any consent choice.",
        "In the pre-consent window (by default: the HAR's first page, up to its load event and before "
        "any request matching `--consent-marker`), the capture shows a cookie that needs consent: its "
        "declaration names a `consent` mechanism, its purpose has `basis consent`, or its category is "
        "analytics, marketing or personalization; for an undeclared cookie, the Open Cookie Database "
        "lists it as Analytics or Marketing. Cookies declared `strictly_necessary` or `security` are "
        "never reported here (CK101 checks that claim against the database). Consent must be given "
        "before storage or access (ePrivacy Art. 5(3)); silence, pre-ticked boxes and inaction are no "
        "consent (Planet49, operative part point 1; EDPB Guidelines 05/2020 on consent). Points at the "
        "observation.",
        {"early": "cookie `{name}` needs consent but is {verb} before any consent choice",
         "known": "cookie `{name}` ({platform}, {category} in the Open Cookie Database) is {verb} before any "
                  "consent choice"},
        (_ART53, _PLANET49, "EDPB Guidelines 05/2020 on consent under Regulation 2016/679")),
    _verify(
        "VC006", "declared-not-observed", Severity.INFO,
        "A declared cookie did not appear in the capture.",
        "Either the cookie is set only in a part of the site the capture did not visit (after login, "
        "at checkout, after consent) — record that part too — or the declaration is stale. A notice "
        "that lists cookies the site no longer sets is not wrong in law, but it is noise for the reader; "
        "remove stale entries. Not reported when the capture holds no cookie at all (VC101 says why). "
        "With the default fail level an info finding still exits 1, as in `lint`; use "
        "`--fail-level warning` to let VC006 pass.",
        {"unseen": "cookie `{name}` is declared but was not observed in the capture"},
        ("GDPR Art. 12(1)",)),
    _verify(
        "VC007", "set-after-reject", Severity.ERROR,
        "A cookie or storage item that needs consent is set after the user rejected: the choice is ignored.",
        "In a capture given with `--after-reject`, the site stores something the policy says needs consent "
        "(its declaration names a `consent` mechanism, its purpose has `basis consent`, or its category is "
        "analytics, marketing or personalization, as for VC005) after the user rejected. *After the "
        "rejection* is the part of the capture at and after the first request matching `--consent-marker` "
        "(the request that records the rejection), or the whole capture when no request matches (recorded "
        "in a browser that had already rejected). *Set* means a `Set-Cookie` response header in that part "
        "(a deletion, `Max-Age=0`, is not), or, in a website-evidence-collector `inspection.json` of a visit "
        "begun with the rejection made, a cookie or local-storage key in its store. Strictly necessary and "
        "security declarations are never reported; an undeclared cookie is VC001's finding only (the "
        "stronger: certain, where whether it needs consent would be a guess; once declared, the next run "
        "judges it here). One finding per name, at its first sighting after the rejection; a cookie set "
        "after the rejection is not also reported by VC008. A refusal is the absence of consent: storing "
        "the cookie anyway is storage without consent (ePrivacy Art. 5(3)); consent is a freely given, "
        "unambiguous indication by a clear affirmative action (GDPR Art. 4(11)), so what the user did not "
        "give cannot be assumed (Planet49, operative part point 1); consent is not freely given when the "
        "user cannot refuse it without detriment (GDPR Recital 42), and a withdrawal must be as easy as "
        "giving consent (Art. 7(3)). Bollinger et al. (USENIX Security 2022) found the choice "
        "ignored on 21 % of about 30,000 sites.\n\n"
        "```\n"
        "after-reject.har:40:22: VC007 error: cookie `_ga` needs consent but is set by shop.example after the "
        "user rejected it (rejection: before the capture)\n"
        "```",
        {"set": "cookie `{name}` needs consent but is set by {host} after the user rejected it (rejection: {rejected})",
         "stored": "{storage} `{name}` needs consent but is stored by a visit made after the user rejected it "
                   "(rejection: {rejected})"},
        (_ART53, "GDPR Art. 4(11), 7(3), Recital 42", _PLANET49, _BOLLINGER)),
    _verify(
        "VC008", "sent-after-reject", Severity.WARNING,
        "A cookie that needs consent is still sent after the user rejected.",
        "In the part of an `--after-reject` capture after the rejection (see VC007), a request carries a "
        "cookie the policy says needs consent, and no response in that part sets it. The capture shows the "
        "cookie reaching a server after the refusal, not that it was stored after it: the message says "
        "whether the capture shows it before the choice (then it was set before the rejection and merely "
        "kept: expire it, `Max-Age=0`, when the user rejects), or not at all (a script may have written it "
        "after the rejection, or it is left from an earlier visit). Reading a stored cookie is gaining "
        "access to information already stored, which needs consent as storing it does (ePrivacy Art. "
        "5(3)); a warning rather than an error because a browser sends every cookie of a domain whatever "
        "the site does with it, and whether a site must actively expire cookies stored before a refusal is "
        "not settled by a court (for a withdrawal: GDPR Art. 7(3), 17(1)(b)). One finding per name; a "
        "name VC007 reports is not reported here.",
        {"kept": "cookie `{name}` needs consent but is still sent to {host} after the user rejected it "
                 "(rejection: {rejected}); it was there before the choice, at {before}",
         "sent": "cookie `{name}` needs consent but is sent to {host} after the user rejected it (rejection: "
                 "{rejected}); the capture does not show when it was stored"},
        (_ART53, "GDPR Art. 7(3), 17(1)(b)", _BOLLINGER)),
    _verify(
        "VC100", "unreadable-capture", Severity.ERROR,
        "The capture file could not be read.",
        "The capture does not exist, is not a regular file (a pipe or device is refused before it is "
        "opened, so nothing blocks), is larger than `max-capture-bytes` (default 256 MiB; real HAR files "
        "are 2-50 MB), is not UTF-8, is not JSON (the position of the JSON error is given; JSON nested "
        "too deeply or holding a number of more than 4,300 digits is refused too), or is not a HAR file "
        "(no `log.entries` list, or a `log.pages` that is not a list) nor a website-evidence-collector "
        "`inspection.json` (whose `cookies` is not a list). Nothing is compared; the exit code is 2.",
        {"unreadable": "{problem}"}, fatal=True, category="input"),
    _verify(
        "VC101", "capture-without-cookies", Severity.WARNING,
        "The capture holds requests but no cookie.",
        "Browsers export HAR files 'sanitized' (without cookies and Set-Cookie headers) by default. "
        "In Chrome DevTools use 'Export HAR (with sensitive data)'; in Firefox, 'Save All As HAR'. "
        "A cookie jar or header file with no cookie is reported the same way.",
        {"har": "the HAR file records {count} request(s) but no cookie", "jar": "the cookie jar holds no cookie",
         "headers": "the file holds no Set-Cookie header"}, category="input"),
    _verify(
        "VC102", "malformed-capture-entry", Severity.WARNING,
        "An entry or line of the capture could not be read; it was skipped.",
        "A HAR entry without a request URL, a Set-Cookie header without `name=value`, or a cookies.txt "
        "line without its 7 tab-separated fields: the entry is skipped. A HAR field of the wrong type "
        "(`headers` or `cookies` that is not a list, a cookie whose name is not text) is ignored with "
        "this warning, naming the entry and the field. A `Max-Age` or a jar expiry more than 1000 years "
        "away is counted as 1000 years, with this warning. HAR times outside the years 1-9999 once "
        "converted to UTC, and page timings that are not finite numbers of at most 10^12 ms (`NaN`, "
        "`Infinity`, `1e308`), count as unknown.",
        {"entry": "{problem}"}, category="input"),
    _verify(
        "VC103", "first-party-unknown", Severity.INFO,
        "The first-party site is not known, so first and third party cannot be told apart.",
        "Neither `--first-party`, nor a HAR page, nor the policy's `url` or controller `website` says "
        "which site was visited (a cookie jar or a header file does not). Give "
        "`--first-party example.com`; until then VC004 is not checked and suggested declarations leave "
        "out `party`.",
        {"unknown": "no first-party site is known: first and third party are not compared"},
        category="input"),
    _verify(
        "VC104", "malformed-inspection-entry", Severity.WARNING,
        "A cookie or local-storage entry of a website-evidence-collector `inspection.json` could not be read in full.",
        "An entry of the `cookies` list that is not an object or has no text `name` is skipped; a field "
        "of the wrong type (`domain`, `path` or `sameSite` that is not text, `httpOnly`, `secure`, "
        "`session` or `firstPartyStorage` that is not true or false, a `log` that is not an object, an "
        "`expires` that is neither a number of seconds since 1970 nor an ISO 8601 time) is ignored, "
        "naming the entry and the field; without a readable `expires` the lifetime is not known (or "
        "taken from `expiresDays`). A `localStorage` that is not an object, an origin that is not a URL "
        "(`https://host`) or whose entries are not an object, and an empty key are ignored. An expiry more "
        "than 1000 years away is counted as 1000 years. The "
        "first 20 warnings of a file are shown one by one, then one more says how many followed, so "
        "that a file of 10,000 bad entries gives a short report.",
        {"entry": "{problem}"}, category="input"),
)


def _other(source: Source, page: str, code: str, name: str, severity: Severity, summary: str,
           messages: dict[str, str]) -> Code:
    return Code(code, name, source, source, severity, summary, "", page, messages=messages)


_EXPORT = (
    _other("export", "interop.md", "EXP001", "purpose-without-use", Severity.ERROR,
           "A purpose has no `use`: a privacy declaration needs a `data_use`, so the purpose is left out.",
           {"no-use": "purpose `{purpose}` has no `use`; a fides privacy declaration needs a data use, so the "
                      "purpose is not exported"}),
    _other("export", "interop.md", "EXP002", "several-legal-bases", Severity.WARNING,
           "A purpose has several `basis` statements: a declaration holds one, the first; all are kept in "
           "`meta.privacy_dsl` for `import`, where fides does not see them.",
           {"bases": "purpose `{purpose}` has {count} legal bases; a fides declaration holds one, so its legal basis "
                     "is `{basis}` (all are kept in `meta.privacy_dsl` only)"}),
    _other("export", "interop.md", "EXP003", "category-without-taxonomy", Severity.WARNING,
           "A category has no `taxonomy` key, so it cannot be a fides data category: the declarations leave it "
           "out (one finding names every purpose); `meta.privacy_dsl` keeps it for `import`.",
           {"no-taxonomy": "category `{category}` has no taxonomy key; fides cannot express it, so it is left "
                           "out of the data categories of {purpose} (it is kept in `meta.privacy_dsl` only)"}),
    _other("export", "interop.md", "EXP004", "missing-translation", Severity.WARNING,
           "A text has no version in `--lang`; another language's text is exported.",
           {"translation": "{what} has no `{lang}` text; the `{other}` text is exported"}),
    _other("export", "interop.md", "EXP005", "other-languages-not-exported", Severity.WARNING,
           "The policy has texts in more languages than `--lang`: a fides manifest holds one language, so the "
           "others are not exported (one finding per language, with how many texts).",
           {"languages": "the texts in `{lang}` ({count}) are not exported: a fides manifest holds one language "
                         "(`{exported}`)"}),
    # The consent banner (`export --format klaro | cookieconsent`), docs/banner.md.
    _other("export", "banner.md", "EXP030", "banner-asks-what-the-policy-does-not", Severity.WARNING,
           "The cookies rely on a consent mechanism the linter does not accept as consent (browser settings, "
           "continued browsing, opt-out, ...): the banner asks for opt-in consent all the same, so the site "
           "will then do what the policy does not say; change the policy to `method opt_in`.",
           {"invalid-method": "consent mechanism `{consent}` collects consent by {methods}, which is not consent; the "
                              "banner asks for opt-in consent instead (the policy no longer describes the site)",
            "no-method": "consent mechanism `{consent}` does not say how consent is asked; the banner asks for "
                         "opt-in consent",
            "no-mechanism": "{cookies} name no consent mechanism; the banner asks for opt-in consent to them"}),
    _other("export", "banner.md", "EXP031", "banner-offers-what-the-policy-does-not", Severity.WARNING,
           "The policy says the banner has no reject button, or does not say, or makes consent a condition of "
           "the service: the banner offers \"reject all\" beside \"accept all\", as prominent (CON008), and lets "
           "the visitor in either way.",
           {"no-reject": "consent mechanism `{consent}` offers no reject button; the banner offers one beside accept, "
                         "as prominent",
            "reject-not-stated": "consent mechanism `{consent}` does not say whether it offers a reject button; the "
                                 "banner offers one beside accept, as prominent",
            "wall": "consent mechanism `{consent}` makes consent a condition of the service; the banner lets the "
                    "visitor reject and go on"}),
    _other("export", "banner.md", "EXP032", "banner-language-without-catalogue", Severity.WARNING,
           "A language the policy declares has no message catalogue for the banner's fixed wording: the banner "
           "has no translation in it.",
           {"no-catalogue": "the policy declares `{lang}`, which has no message catalogue ({available}); the banner "
                            "has no `{lang}` translation"}),
    _other("export", "banner.md", "EXP033", "banner-cannot-clear", Severity.WARNING,
           "A declared item the consent manager cannot delete when consent is refused or withdrawn: an unnamed "
           "cookie, or storage that is not a cookie (local storage, a pixel, ...). It is listed in its category, "
           "and the site's own code must honour the choice.",
           {"unnamed": "{item} has no name, so the consent manager cannot delete it when consent is refused or "
                       "withdrawn; it is listed in category `{category}` only",
            "storage": "{item} is not a cookie; the consent manager deletes only cookies, so the site's own code "
                       "must remove it when consent to `{category}` is refused or withdrawn"}),
    _other("export", "banner.md", "EXP034", "banner-without-cookies", Severity.ERROR,
           "The policy declares no cookies or similar technologies: a banner would ask about nothing, so nothing "
           "is written.",
           {"no-cookies": "the policy declares no cookies or similar technologies: there is nothing for a banner to "
                          "ask"}),
)

def _ropa(code: str, name: str, severity: Severity, summary: str, messages: dict[str, str]) -> Code:
    """A finding of ``export --format ropa``: an item of GDPR Art. 30 the policy does not state."""
    return Code(code, name, "export", "export", severity, summary, "", "ropa.md", messages=messages,
                references=("GDPR Art. 30",))


#: ``export --format ropa`` (EXP010-EXP029): the record of processing activities. An item Art. 30
#: requires is an error (the cell says "not stated"; nothing is written without --allow-missing); an
#: item it asks for "where possible" or "where applicable" (erasure periods, security measures, the
#: DPO, the representative, a recipient's countries, the Art. 49(1) documentation) is a warning.
_ROPA = (
    _ropa("EXP010", "ropa-no-controller", Severity.ERROR,
          "The policy has no `controller` block: the record has no name and contact details of the controller "
          "(Art. 30(1)(a)) nor of the processor (Art. 30(2)(a)).",
          {"no-controller": "the policy names no controller; the record of {count} activit{plural} has no "
                            "controller (Art. 30(1)(a))"}),
    _ropa("EXP011", "ropa-controller-without-contact", Severity.ERROR,
          "The controller states no contact details (`address`, `email` or `phone`; Art. 30(1)(a)).",
          {"no-contact": "controller `{controller}` states no address, e-mail or phone; the record needs its "
                         "contact details (Art. 30(1)(a))"}),
    _ropa("EXP012", "ropa-dpo-not-stated", Severity.WARNING,
          "The controller has no `dpo` block: whether a data protection officer is designated, and how to reach "
          "them, is not stated (Art. 30(1)(a), 37).",
          {"no-dpo": "controller `{controller}` does not say whether it has a data protection officer; the record "
                     "says \"not stated\" (write `dpo {{ required no }}` when none is designated)"}),
    _ropa("EXP013", "ropa-dpo-without-contact", Severity.ERROR,
          "A `dpo` block (of the controller, or of a controller processed for) that does not say `required no` "
          "gives no name, address, e-mail or phone (Art. 30(1)(a), 30(2)(a), 37(7)).",
          {"no-contact": "the data protection officer of `{controller}` has no name or contact details"}),
    _ropa("EXP014", "ropa-representative-not-stated", Severity.WARNING,
          "The controller is established outside the EEA (its `country`) and names no `representative` in the "
          "Union (Art. 27, 30(1)(a)); Art. 27(2) exempts occasional processing and public authorities.",
          {"no-representative": "controller `{controller}` is established in {country}, outside the EEA, and "
                                "names no representative in the Union (Art. 27)"}),
    _ropa("EXP015", "ropa-activity-not-described", Severity.ERROR,
          "A purpose (or a `processing` block) has neither `name` nor `description`: the record shows its id as "
          "the purpose (Art. 30(1)(b)) or the category of processing (Art. 30(2)(b)).",
          {"purpose": "purpose `{id}` has no name or description; the record shows its id as the purpose",
           "processing": "processing `{id}` has no name or description; the record shows its id as the "
                         "category of processing"}),
    _ropa("EXP016", "ropa-no-data-subjects", Severity.ERROR,
          "A purpose names no `subjects`: the categories of data subjects are not stated (Art. 30(1)(c)).",
          {"no-subjects": "{kind} `{id}` names no categories of data subjects (`subjects`)"}),
    _ropa("EXP017", "ropa-no-data-categories", Severity.ERROR,
          "A purpose names no `categories`: the categories of personal data are not stated (Art. 30(1)(c)).",
          {"no-categories": "{kind} `{id}` names no categories of personal data (`categories`)"}),
    _ropa("EXP018", "ropa-recipient-countries-not-stated", Severity.WARNING,
          "A recipient of a purpose does not state its `countries`: whether it is in a third country is not "
          "stated (Art. 30(1)(d) includes recipients in third countries). A `category_only` recipient (\"our "
          "customers\") is not reported.",
          {"no-countries": "recipient `{recipient}` (of {purposes}) does not state its `countries`"}),
    _ropa("EXP019", "ropa-transfer-without-country", Severity.ERROR,
          "A transfer states no `country`: the record must identify the third country or international "
          "organisation (Art. 30(1)(e), 30(2)(c)).",
          {"no-country": "transfer `{transfer}` (of {purposes}) states no country"}),
    _ropa("EXP020", "ropa-transfer-without-safeguards", Severity.ERROR,
          "A transfer states no `mechanism` (or `mechanism unspecified`): the record has no transfer tool or "
          "safeguards (Art. 30(1)(e), 44-49).",
          {"no-mechanism": "transfer `{transfer}` (of {purposes}) states no transfer mechanism"}),
    _ropa("EXP021", "ropa-derogation-undocumented", Severity.WARNING,
          "A transfer on a derogation (`mechanism derogation`) gives neither the derogation (`mechanism "
          "derogation \"...\"`), a `tia` nor a `description`: for a transfer under Art. 49(1) second "
          "subparagraph the record must document the suitable safeguards (Art. 30(1)(e), 49(6)).",
          {"undocumented": "transfer `{transfer}` relies on a derogation and documents neither which one nor its "
                           "safeguards"}),
    _ropa("EXP022", "ropa-erasure-not-stated", Severity.WARNING,
          "Categories of a purpose with no `retention` for them: the envisaged time limits for erasure are not "
          "stated (Art. 30(1)(f), \"where possible\").",
          {"no-retention": "purpose `{id}` states no time limit for erasure of {categories}"}),
    _ropa("EXP023", "ropa-security-not-stated", Severity.WARNING,
          "Neither the activity nor the policy states `security`: no general description of the technical and "
          "organisational security measures (Art. 30(1)(g), 30(2)(d), 32(1), \"where possible\").",
          {"no-security": "no security measures are stated for {activities} (neither their own `security` nor the "
                          "policy's)"}),
    _ropa("EXP024", "ropa-processing-without-controller", Severity.ERROR,
          "A `processing` block names no `on_behalf_of`: the controller the processing is carried out for is not "
          "stated (Art. 30(2)(a)-(b)).",
          {"no-controller": "processing `{id}` does not say on whose behalf it is carried out (`on_behalf_of`)"}),
    _ropa("EXP025", "ropa-client-without-contact", Severity.ERROR,
          "A controller named by `on_behalf_of` states no contact details (`address`, `email` or `phone`; "
          "Art. 30(2)(a)).",
          {"no-contact": "`{controller}`, for whom processing `{id}` is carried out, states no address, e-mail or "
                         "phone"}),
    _ropa("EXP026", "ropa-empty-record", Severity.ERROR,
          "The policy declares no purpose and no `processing`: there is no processing activity to record.",
          {"empty": "the policy declares no purpose and no processing: the record would be empty"}),
)

_NOTICE = (
    _other("notice", "notice.md", "NTC001", "missing-translation", Severity.ERROR,
           "A localised text has no text in the notice's language.",
           {"translation": "{what} has no `{lang}` text (only {available})"}),
    _other("notice", "notice.md", "NTC002", "missing-text", Severity.ERROR,
           "A block the notice names (purpose, category, subject, recipient, authority) has no `name`: its "
           "id is shown instead.",
           {"no-name": "{kind} `{id}` has no name; the notice shows its id"}),
    _other("notice", "notice.md", "NTC003", "unknown-event", Severity.WARNING,
           "A retention event (`until <event>`, `after <event>`) has no wording in the message catalogues: it is "
           "shown as written, with `_` as spaces.",
           {"event": "no `{lang}` wording for the event `{event}`; the notice shows it as written"}),
    _other("notice", "notice.md", "NTC004", "untagged-text", Severity.WARNING,
           "Untagged prose (`description \"...\"`, not a name) in a policy that declares several languages, or "
           "none: the notice cannot know the text is in its language, and shows it as written.",
           {"several": "{what} is untagged text, but the policy declares {languages}: the `{lang}` notice shows it "
                       "as written",
            "undeclared": "untagged texts are shown as written in the `{lang}` notice ({count}, the first: {first}); "
                          "the policy declares no `languages`, so which language they are in is not stated"}),
)

#: ``privacy-dsl diff``: why a side of the diff cannot be read (DIF001-DIF019). Errors exit 2.
_DIFF = (
    _other("diff", "diff.md", "DIF001", "not-a-repository", Severity.ERROR,
           "A revision was named (or the default base was wanted) outside a git work tree, or in one git "
           "refuses to read (owned by someone else).",
           {"not-a-repository": "not a git repository ({reason})"}),
    _other("diff", "diff.md", "DIF002", "git-failed", Severity.ERROR,
           "git cannot be run, or could not list or read the objects of a revision (a partial or shallow "
           "clone that lacks them).",
           {"git": "{reason}"}),
    _other("diff", "diff.md", "DIF003", "unknown-revision", Severity.ERROR,
           "The BASE or HEAD named is neither an existing directory nor a revision of the repository.",
           {"revision": "unknown revision `{revision}`"}),
    _other("diff", "diff.md", "DIF004", "no-base", Severity.ERROR,
           "No BASE was given and the branch the change goes into cannot be found, or has no common "
           "ancestor with HEAD.",
           {"no-base": "cannot tell which branch this one will be merged into"}),
    _other("diff", "diff.md", "DIF005", "no-policy", Severity.ERROR,
           "There is no policy at the path (`--policy`) in that revision or directory.",
           {"no-policy": "no policy under `{path}` at `{revision}`"}),
    _other("diff", "diff.md", "DIF006", "several-policies", Severity.ERROR,
           "The path holds several policies: a diff compares one policy; name it with `--policy`.",
           {"several": "`{path}` holds {count} policies at `{revision}`"}),
    _other("diff", "diff.md", "DIF007", "unusable-policy", Severity.ERROR,
           "A side cannot be parsed (a syntax error, an unreadable or oversized file): its diagnostics are shown.",
           {"unusable": "the policy of {side} cannot be parsed"}),
    _other("diff", "diff.md", "DIF008", "entry-not-read", Severity.WARNING,
           "A `.privacy` entry of a revision is a symbolic link, a submodule or not a plain relative path: "
           "it is not followed or read (the repository is untrusted input), and the diff goes on without it.",
           {"skipped": "`{path}` at `{revision}` is not read: {reason}"}),
    _other("diff", "diff.md", "DIF009", "unknown-change-kind", Severity.ERROR,
           "`--fail-on` names a change kind that does not exist (the kinds are listed in docs/diff.md and "
           "`privacy-dsl diff --help`).",
           {"kind": "unknown change kind `{kind}` in --fail-on"}),
)

#: Codes no longer emitted. They are never reused; each redirects to its successor (or to None).
#: An entry: ``Code(code, name, category, source, severity, summary, doc, page, status="retired",
#: redirect="NEW001")``. None is retired yet.
RETIRED: tuple[Code, ...] = ()

#: Every code that is not a lint rule, by code: importing this module builds only these.
STATIC: dict[str, Code] = {c.code: c for c in (*_INPUT, *_VERIFY, *_EXPORT, *_ROPA, *_NOTICE, *_DIFF)}


@dataclass(frozen=True)
class Catalogue:
    """A table of codes with the questions every command asks of it. ``privacy_dsl.lint.catalogue``
    builds the full one (rules included); code that must not import the rules (the suppression
    rules themselves, a test's table) is handed one."""

    table: Mapping[str, Code]

    def codes(self, *sources: Source, retired: bool = False) -> list[Code]:
        """The entries emitted by these sources (all when none is given), sorted by code."""
        return sorted((c for c in self.table.values()
                       if (not sources or c.source in sources) and (retired or c.status != "retired")),
                      key=lambda c: c.code)

    def get(self, key: str) -> Code | None:
        """The entry of a code (any case) or a name, retired ones included; redirects are not followed."""
        return self.table.get(key.upper()) or next((c for c in self.table.values() if c.name == key), None)

    def lookup(self, key: str) -> Code | None:
        """The live entry for a code or name: a retired code's successor (None when it has none)."""
        entry = self.get(key)
        seen: set[str] = set()
        while entry is not None and entry.status == "retired" and entry.code not in seen:
            seen.add(entry.code)
            entry = self.get(entry.redirect) if entry.redirect else None
        return entry

    def redirect(self, code: str) -> tuple[str, str | None] | None:
        """``(code, its successor)`` when ``code`` is a retired code, else None."""
        old = self.table.get(code)
        if old is None or old.status != "retired":
            return None
        live = self.lookup(old.code)
        return old.code, None if live is None else live.code
