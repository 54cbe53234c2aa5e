"""Data-handling facts a notice states (issue 15 item 9): what a recipient receives and when, and
the third parties a category comes from. They reach the model, the notice, fmt and fides."""

from __future__ import annotations

from conftest import diagnose
from test_import import imported, input_errors

from privacy_dsl.api import load_text
from privacy_dsl.interop.export import dump_yaml, to_fides
from privacy_dsl.interop.importer import load_yaml
from privacy_dsl.language import model as m
from privacy_dsl.outputs.fmt import format_string
from privacy_dsl.outputs.notice import build, render

TEXT = '''recipient ga {
  name "Google Analytics"
  role processor
  countries US
  receives pseudonymous "IP addresses are truncated by our proxy"
  only_when "you accept statistics cookies"
}
category tech {
  taxonomy user.device
  received_from ga
}
'''


def test_the_facts_reach_the_model() -> None:
    policy = load_text(TEXT).model
    ga = policy.recipients["ga"]
    assert ga.receives is m.Identifiability.PSEUDONYMOUS and ga.receives_how == m.Text(
        plain="IP addresses are truncated by our proxy")
    assert ga.only_when == m.Text(plain="you accept statistics cookies")
    assert [r.name for r in policy.categories["tech"].received_from] == ["ga"]
    assert format_string(TEXT) == TEXT


def test_left_out_they_are_not_stated() -> None:
    policy = load_text("recipient r {\n  role processor\n}\n").model
    assert (policy.recipients["r"].receives, policy.recipients["r"].only_when) == (None, None)


def test_an_undeclared_source_and_an_unknown_claim_are_reported() -> None:
    text = TEXT.replace("received_from ga", "received_from ga, nobody")
    text = text.replace("receives pseudonymous", "receives pseudo")
    assert sorted((d.code, d.span.line, d.span.column) for d in diagnose(text, "E")) == [("E200", 10, 21),
                                                                                        ("E204", 5, 12)]


def test_the_notice_states_them() -> None:
    notice, _ = build(load_text(TEXT).model, "en")
    md = render(notice, "md")
    assert "**What it receives:** pseudonymised data: IP addresses are truncated by our proxy" in md
    assert "**Only when:** you accept statistics cookies" in md
    assert "Received from: Google Analytics" in md


def test_fides_keeps_what_a_recipient_receives_and_when() -> None:
    data, _ = to_fides(load_text(TEXT).model, "en")
    text, back = imported(load_yaml(dump_yaml(data)), lang="en")
    assert input_errors(text) == []
    (ga,) = [r for r in back.recipients.values() if r.receives is not None]
    assert ga.receives is m.Identifiability.PSEUDONYMOUS
    assert ga.only_when is not None and ga.only_when.get("en") == "you accept statistics cookies"
    assert ga.receives_how is not None and ga.receives_how.get("en") == "IP addresses are truncated by our proxy"
