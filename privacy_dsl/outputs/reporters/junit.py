"""``--format junit``: JUnit XML for GitLab (``artifacts:reports:junit``) and Jenkins.

One ``<testsuite>`` per policy file and one ``<testcase>`` per (file, rule): classname is the file
path, name is ``CODE rule-name``. A case fails (``<failure>``) when the rule has unsuppressed
findings in the file at or above ``--fail-level``, all of them listed in the failure text; input
problems (unreadable file, syntax error) are ``<error>``; findings below the fail level pass and
are listed in ``<system-out>``; rules that could not run because the policy did not parse are
``<skipped>``. Why per (file, rule) and not per finding: GitLab compares the test report of a merge
request with its base branch by case name, and a name without line numbers stays the same when
lines move, so GitLab can say "newly failed" and "fixed" meaningfully; each rule that passes is a
passing case, so the report also shows what was checked.

The document is valid against Jenkins' ``junit-10.xsd`` (the strictest schema JUnit readers
share; tests/test_reporters.py validates it): ``skipped`` is counted per ``<testsuite>`` only,
since ``<testsuites>`` has no such attribute there, and the file path is the suite's ``file``
and every case's ``classname``, since ``<testcase>`` has no ``file`` there.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from ...diagnostics import Diagnostic, escape_char, printable
from .common import Report

# Characters XML 1.0 cannot carry, even escaped; and those it can but a reader of the report
# should not get raw (DEL, C1 controls, line separators, bidirectional controls).
_INVALID_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
                          "|[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def _clean(text: str) -> str:
    """XML 1.0 text for ``text``: a character XML cannot carry (most C0 controls, lone surrogates of
    a non-UTF-8 file name, U+FFFE/FFFF) is written as its escape, ``\\x1b``, ``\\xff``."""
    return _INVALID_XML.sub(escape_char, text)


def clean_tree(root: ET.Element) -> ET.Element:
    """Every text, tail and attribute value of ``root``'s tree made XML 1.0 text (``_clean``), so
    the document parses whatever names the data holds."""
    for element in root.iter():
        if element.text:
            element.text = _clean(element.text)
        if element.tail:
            element.tail = _clean(element.tail)
        for key, value in element.attrib.items():
            element.set(key, _clean(value))
    return root


def _line(d: Diagnostic) -> str:
    """One finding, one line (its hint and suppression on lines of their own): data in a message is
    escaped as in the text formats, so a name holding a line break cannot start a line of its own."""
    text = f"{printable(d.span.path)}:{d.span.line}:{d.span.column}: {d.code} [{d.severity.label}] "
    text += printable(d.message)
    if d.hint:
        text += f"\n  hint: {printable(d.hint)}"
    if d.suppressed is not None:
        text += f"\n  suppressed: {printable(d.suppressed)}"
    return text


def _set_counts(element: ET.Element, counts: dict[str, int], keys: tuple[str, ...]) -> None:
    for key in keys:
        element.set(key, str(counts[key]))
    element.set("time", "0")


def render(report: Report) -> str:
    by_file: dict[str, dict[str, list[Diagnostic]]] = defaultdict(lambda: defaultdict(list))
    for d in report.shown:
        by_file[d.span.path][d.code].append(d)
    names = {info.code: info.name for info in report.rules}
    names.update({d.code: d.name for d in report.diagnostics})
    root = ET.Element("testsuites", name="privacy-dsl")
    total = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for path in report.paths:
        suite = ET.SubElement(root, "testsuite", name=_clean(path), file=_clean(path))
        counts = dict.fromkeys(total, 0)
        found = by_file.get(path, {})
        linted = path in report.sources
        codes = set(found) | ({info.code for info in report.rules} if linted else set())
        for code in sorted(codes):
            case = ET.SubElement(suite, "testcase", classname=_clean(path), name=_clean(f"{code} {names[code]}"),
                                 time="0")
            counts["tests"] += 1
            diags = found.get(code, [])
            failing: list[Diagnostic] = []
            passing: list[Diagnostic] = []
            for d in diags:
                fails = d.suppressed is None and (d.fatal or d.severity >= report.fail_level)
                (failing if fails else passing).append(d)
            if failing:
                fatal = any(d.fatal for d in failing)
                tag = "error" if fatal else "failure"
                counts["errors" if fatal else "failures"] += 1
                first = failing[0]
                message = first.message if len(failing) == 1 else f"{len(failing)} findings; first: {first.message}"
                element = ET.SubElement(case, tag, message=_clean(message), type=first.severity.label)
                element.text = _clean("\n".join(_line(d) for d in failing))
            elif path in report.skipped and not diags:
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message="not checked: the policy could not be read or parsed")
            if passing:
                out = ET.SubElement(case, "system-out")
                out.text = _clean("\n".join(_line(d) for d in passing))
        _set_counts(suite, counts, ("tests", "failures", "errors", "skipped"))
        for key, n in counts.items():
            total[key] += n
    _set_counts(root, total, ("tests", "failures", "errors"))  # junit-10.xsd: no `skipped` on <testsuites>
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
