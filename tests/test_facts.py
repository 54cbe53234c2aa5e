"""One finding per fact (privacy_dsl/lint/facts.py): the engine's grouping of findings that say the
same thing about many objects, and how each output format carries the group."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY
from test_reporters import validate_sarif

from privacy_dsl.api import load_text
from privacy_dsl.cli.main import main
from privacy_dsl.diagnostics import Diagnostic, Related, Severity
from privacy_dsl.language.model import Span
from privacy_dsl.lint.config import parse_config
from privacy_dsl.lint.engine import lint_text
from privacy_dsl.lint.facts import affected, grouped, without_implied
from privacy_dsl.lint.runner import _dump, _load
from privacy_dsl.outputs.reporters import Report, github, render

CONTROLLER = 'controller "Acme AS" {\n  country NO\n  email "privacy@acme.example"\n}\n'
#: Three purposes inherit one vague retention from `defaults` (line 6): RET003 for each.
INHERITED = CONTROLLER + """\
defaults purpose {
  retention as long as necessary
}
purpose orders {
  basis contract
}
purpose support {
  basis contract
}
purpose billing {
  basis legal_obligation
}
"""


def lint(text: str, select: str = "RET003", path: str = "policy.privacy", **table: object) -> list[Diagnostic]:
    config = parse_config({"select": [select], **table})
    return [d for d in lint_text(text, path, config, today=TODAY) if not d.code.startswith("E")]


def places(d: Diagnostic) -> list[tuple[str, int]]:
    return [(r.label, r.span.line) for r in d.related]


# ---------------------------------------------------------------- the engine


def test_an_inherited_value_is_one_finding_at_its_line_naming_every_purpose_that_inherits_it() -> None:
    (found,) = lint(INHERITED)
    assert (found.code, found.span.line, found.span.column) == ("RET003", 6, 13)
    assert dict(found.args) == {"purpose": "orders"}  # the template's fields, unchanged
    assert places(found) == [("purpose `orders`", 8), ("purpose `support`", 11), ("purpose `billing`", 14)]
    assert found.message.endswith("; the same for 2 more purposes: `support`, `billing`")
    assert affected(found) == 3


def test_group_findings_false_gives_one_finding_per_object() -> None:
    found = lint(INHERITED, **{"group-findings": False})
    assert [dict(d.args)["purpose"] for d in found] == ["orders", "support", "billing"]
    assert all(d.related == () and "the same for" not in d.message for d in found)
    assert {d.span.line for d in found} == {6}


NO_BASIS = CONTROLLER + "purpose a {\n  use essential.service\n}\npurpose b {\n  use essential.service\n}\n"


def test_findings_about_objects_of_one_file_group_and_other_files_stay_apart(tmp_path: Path) -> None:
    (tmp_path / "a.privacy").write_text(NO_BASIS, encoding="utf-8")
    (tmp_path / "b.privacy").write_text("purpose c {\n  use essential.service\n}\n", encoding="utf-8")
    out = tmp_path / "out.json"
    main(["lint", str(tmp_path), "--select", "LAW001", "--no-cache", "--format", "json", "--output", str(out)])
    diagnostics = json.loads(out.read_text(encoding="utf-8"))["diagnostics"]
    law001 = [(Path(d["path"]).name, d["line"], d["args"]["purpose"], [(r["label"], r["line"]) for r in d["related"]])
              for d in diagnostics if d["code"] == "LAW001"]
    assert law001 == [("a.privacy", 5, "a", [("purpose `b`", 8)]), ("b.privacy", 1, "c", [])]


def test_a_suppressed_finding_is_never_grouped_so_its_suppression_still_matches_it() -> None:
    text = NO_BASIS.replace("purpose b {", "# privacy-dsl: ignore[LAW001] -- reviewed\npurpose b {")
    found = [d for d in lint_text(text, "p.privacy", parse_config({"select": ["LAW001"]}), today=TODAY)
             if d.code == "LAW001"]
    assert [(dict(d.args)["purpose"], d.suppressed is not None, d.related) for d in found] == [
        ("a", False, ()), ("b", True, ())]


def test_findings_that_differ_in_more_than_their_subject_are_not_grouped() -> None:
    span = Span("p.privacy", 1, 1, 1, 2)

    def diag(purpose: str, kind: str, line: int) -> Diagnostic:
        return Diagnostic(code="RET003", name="retention-vague", category="retention", severity=Severity.ERROR,
                          message=f"purpose `{purpose}` {kind}", span=replace(span, line=line, end_line=line),
                          args=(("purpose", purpose),), message_id=kind)

    out = grouped([diag("a", "vague", 1), diag("b", "temporarily", 2), diag("c", "vague", 3)])
    assert [(dict(d.args)["purpose"], places(d)) for d in out] == [
        ("a", [("purpose `c`", 3)]), ("b", [])]


def test_an_implied_finding_on_the_same_subject_goes_and_only_there() -> None:
    span = Span("p.privacy", 1, 1, 1, 2)

    def diag(code: str, purpose: str) -> Diagnostic:
        return Diagnostic(code=code, name=code.lower(), category="lawfulness", severity=Severity.ERROR,
                          message=code, span=span, args=(("purpose", purpose),))

    kept = without_implied([diag("LAW003", "ads"), diag("LAW001", "ads"), diag("LAW001", "orders")])
    assert [(d.code, dict(d.args)["purpose"]) for d in kept] == [("LAW003", "ads"), ("LAW001", "orders")]


def test_the_lint_cache_keeps_related_locations() -> None:
    (found,) = lint(INHERITED)
    assert _load(json.loads(json.dumps(_dump(found)))) == found


def test_a_query_attributes_a_grouped_finding_to_every_purpose_it_names() -> None:
    handle = load_text(INHERITED, config=parse_config({"select": ["RET003"]}))
    for purpose in ("orders", "support", "billing"):
        assert [d.code for d in handle.findings_in("purpose", purpose)] == ["RET003"], purpose


# ---------------------------------------------------------------- the formats


def _lint_file(tmp_path: Path, fmt: str, text: str = INHERITED, select: str = "RET003") -> str:
    (tmp_path / "p.privacy").write_text(text, encoding="utf-8")
    out = tmp_path / f"out.{fmt}"
    main(["lint", str(tmp_path / "p.privacy"), "--select", select, "--no-cache", "--format", fmt,
          "--output", str(out)])
    return out.read_text(encoding="utf-8")


def test_sarif_carries_the_other_objects_as_related_locations_and_validates(tmp_path: Path) -> None:
    doc: dict[str, Any] = json.loads(_lint_file(tmp_path, "sarif"))
    validate_sarif(doc)
    (result,) = doc["runs"][0]["results"]
    related = result["relatedLocations"]
    assert [(r["message"]["text"], r["physicalLocation"]["region"]["startLine"]) for r in related] == [
        ("purpose `orders`", 8), ("purpose `support`", 11), ("purpose `billing`", 14)]
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 6


def test_full_says_where_else_and_ends_with_the_findings_by_rule(tmp_path: Path) -> None:
    one = _lint_file(tmp_path, "full")
    assert "  = also at: 8, 11, 14\n" in one
    assert "By rule" not in one  # one finding needs no summary
    two = _lint_file(tmp_path, "full", INHERITED.replace("  basis legal_obligation\n", ""), "RET003,LAW001")
    by_rule = two[two.index("By rule, most serious and most widespread first:"):].splitlines()
    assert [line.split() for line in by_rule[1:3]] == [
        ["error", "RET003", "retention-vague", "1", "finding,", "3", "purposes"],
        ["error", "LAW001", "missing-legal-basis", "1", "finding,", "1", "purpose"]]


def _diag(n: int, severity: Severity, objects: int = 1) -> Diagnostic:
    span = Span("p.privacy", n, 1, n, 2)
    related = tuple(Related(replace(span, line=n + 100 + k, end_line=n + 100 + k), f"cookie `c{n}-{k}`")
                    for k in range(objects - 1))
    return Diagnostic(code="CK002", name="cookie-without-expiry", category="cookies", severity=severity,
                      message=f"cookie `c{n}` has no expiry", span=span, args=(("cookie", f"c{n}"),),
                      related=related)


def test_github_emits_errors_first_then_the_most_widespread_and_says_what_it_cannot_show() -> None:
    diagnostics = [_diag(n, Severity.WARNING, objects=1 + n % 3) for n in range(1, 13)]
    diagnostics.append(_diag(50, Severity.ERROR))
    lines = github.render(Report(diagnostics, quiet=True)).splitlines()
    assert lines[0].startswith("::error ") and "line=50" in lines[0]
    by_line = {f"line={d.span.line},": affected(d) for d in diagnostics}
    objects = [next(n for key, n in by_line.items() if key in line) for line in lines[1:11]]
    assert objects == sorted(objects, reverse=True) and objects[0] == 3
    assert lines[-1] == (
        "::notice title=privacy-dsl::2 findings are not shown as annotations: GitHub shows 10 error, 10 warning "
        "and 10 notice annotations per step, 50 per job "
        "(https://github.com/actions/toolkit/blob/main/docs/problem-matchers.md#limitations); the job summary and "
        "the log list every finding")


def test_github_says_what_it_cannot_show_before_the_notices_it_would_be_dropped_behind() -> None:
    """Twelve notices: GitHub shows ten notices, and the one saying what is not shown is one of them,
    so three findings are not shown."""
    diagnostics = [_diag(n, Severity.INFO) for n in range(1, 13)] + [_diag(50, Severity.ERROR)]
    lines = github.render(Report(diagnostics, quiet=True)).splitlines()
    assert lines[0].startswith("::error ")
    assert lines[1].startswith("::notice title=privacy-dsl::3 findings are not shown")
    assert len(lines) == 14 and all(line.startswith("::notice file=") for line in lines[2:])


@pytest.mark.parametrize(("errors", "warnings", "notices", "hidden"), [
    (10, 10, 10, 0),   # exactly what one step shows: no notice needed
    (11, 0, 0, 1),     # one error too many; the notice saying so is the only notice
    (12, 0, 10, 3),    # two errors too many, and the notice pushes out the tenth finding notice
    (0, 15, 9, 5),     # nine finding notices and the notice: ten, all shown
    (0, 0, 11, 2),
])
def test_github_counts_what_one_step_cannot_show(errors: int, warnings: int, notices: int, hidden: int) -> None:
    from collections import Counter

    assert github.hidden_annotations(Counter(error=errors, warning=warnings, notice=notices)) == hidden


def test_github_job_summary_lists_every_finding() -> None:
    diagnostics = [_diag(n, Severity.WARNING) for n in range(1, 31)]
    text = github.summary(Report(diagnostics))
    assert "| CK002 | cookie-without-expiry | warning | 30 | 30 |" in text
    assert sum(1 for line in text.splitlines() if line.startswith("| warning | CK002 |")) == 30


def test_github_job_summary_stays_within_githubs_limit_in_bytes(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """GitHub refuses a step's summary over 1 MiB, counted in bytes: a message of non-ASCII names
    takes two bytes a character. What an earlier command of the step wrote counts too."""
    from dataclasses import replace as with_

    from privacy_dsl.cli.commands import write_job_summary

    diagnostics = [with_(_diag(n, Severity.WARNING), message="cookie `" + "ø" * 300 + f"{n}` has no expiry")
                   for n in range(1, 3001)]
    text = github.summary(Report(diagnostics))
    assert len(text.encode("utf-8")) <= github.SUMMARY_BYTES + 200 and len(text) < 0.6 * len(text.encode("utf-8"))
    assert "more findings: see the log" in text
    target = tmp_path / "summary.md"
    target.write_text("x" * 800_000 + "\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(target))
    write_job_summary(Report(diagnostics))
    assert target.stat().st_size <= github.SUMMARY_BYTES + 200 < 1024 * 1024


@pytest.mark.parametrize("fmt", ["concise", "json", "github"])
def test_every_format_reports_the_group_once(fmt: str) -> None:
    (found,) = lint(INHERITED)
    assert render(fmt, Report([found])).count("keeps data") == 1


def test_object_args_are_fields_of_their_codes_templates() -> None:
    from privacy_dsl.lint.catalogue import full

    declared = {c.code: c.object_args for c in full().table.values() if c.object_args}
    assert {"CK101", "CK103", "TRF010"} <= set(declared)
    for code, args in declared.items():
        assert set(args) <= full().table[code].fields(), code


def test_findings_that_differ_only_in_what_describes_their_objects_are_one_fact() -> None:
    text = CONTROLLER + "".join(
        f'recipient {rid} {{\n  name "{name}"\n  role processor\n}}\n'
        for rid, name in (("g", "Google"), ("hs", "HubSpot"), ("local", "Fjord Hosting AS")))
    (found,) = lint(text, "TRF010")
    assert dict(found.args)["recipient"] == "g" and dict(found.args)["provider"] == "Google"
    assert places(found) == [("recipient `hs`", 9)]
    assert found.message.endswith("; the same for 1 more recipient: `hs`")
    assert len(lint(text, "TRF010", **{"group-findings": False})) == 2


def test_a_finding_about_the_notice_goes_when_the_findings_on_its_objects_say_it() -> None:
    text = ('policy "Choir" {\n  bases legal_obligation, contract\n}\n' + CONTROLLER
            + "purpose register {\n  use essential.service\n}\n")
    both = lint_text(text, "p.privacy", parse_config({"select": ["LAW001", "TRN016"]}), today=TODAY)
    assert [(d.code, d.message_id) for d in both if not d.code.startswith("E")] == [("LAW001", "notice-level")]
    alone = lint_text(text, "p.privacy", parse_config({"select": ["TRN016"]}), today=TODAY)
    assert [d.code for d in alone if not d.code.startswith("E")] == ["TRN016"]


def test_contradicted_anonymity_claims_are_one_finding_with_all_their_categories() -> None:
    text = ("category ip {\n  taxonomy user.device.ip_address\n  identifiability anonymous\n}\n"
            "category mail {\n  taxonomy user.contact.email\n  identifiability anonymous\n}\n")
    (found,) = lint(text, "IDN001")
    assert dict(found.args)["category"] == "ip" and (found.span.line, found.span.column) == (3, 3)
    assert places(found) == [("category `mail`", 7)]
    assert found.message.endswith("; the same for 1 more category: `mail`")
