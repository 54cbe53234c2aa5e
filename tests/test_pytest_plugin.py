"""The pytest plugin (a `pytest11` entry point): the `privacy_policy` fixture and its assertions."""

from __future__ import annotations

import shutil

import pytest

pytest_plugins = ["pytester"]

POLICY = """\
subject customer
category email { taxonomy user.contact.email }
category name { taxonomy user.name }
category phone { taxonomy user.contact.phone_number }
purpose newsletter {
  use marketing.communications.email
  basis consent
  categories email, name
  subjects customer
}
"""


@pytest.fixture
def app(pytester: pytest.Pytester) -> pytest.Pytester:
    """An application repository: its policy, a privacy-dsl configuration and a pytest ini option."""
    (pytester.path / "policies" / "acme").mkdir(parents=True)
    (pytester.path / "policies" / "acme" / "a.privacy").write_text(POLICY)
    (pytester.path / "privacy-dsl.toml").write_text('select = ["LAW003"]\n')
    pytester.makeini("[pytest]\nprivacy_policy = policies/acme\n")
    return pytester


def test_fixture_and_passing_assertions(app: pytest.Pytester) -> None:
    app.makepyfile(test_app="""
        def test_newsletter(privacy_policy):
            decision = privacy_policy.assert_permits("newsletter", ["email", "name"], subject="customer")
            assert decision.basis == ("consent",)
            privacy_policy.assert_denies("newsletter", ["phone"])

        def test_loaded_once(privacy_policy, request):
            assert request.getfixturevalue("privacy_policy") is privacy_policy
    """)
    result = app.runpytest()
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["privacy-dsl policy: *policies/acme"])


def test_failing_assertions_name_the_line_and_the_fix(app: pytest.Pytester) -> None:
    app.makepyfile(test_app="""
        def test_newsletter_phone(privacy_policy):
            privacy_policy.assert_permits("newsletter", ["email", "phone"])

        def test_typo(privacy_policy):
            privacy_policy.assert_permits("newsleter", ["email"])
    """)
    result = app.runpytest()
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines([
        "*AssertionError: the privacy policy *policies/acme does not allow this use",
        "*not allowed: purpose `newsletter` may not use email, phone",
        "*policies/acme/a.privacy:8:3: purpose `newsletter` does not list phone in its categories*",
        "*to allow it: add phone to `categories` of purpose `newsletter`*",
    ])
    result.stdout.fnmatch_lines(["*UnknownName: no purpose `newsleter` in the policy; did you mean `newsletter`?"])
    # The plugin's own frames are hidden: the traceback ends in the user's test.
    assert "query.py" not in result.stdout.str()


def test_without_a_configured_policy_the_fixture_explains_itself(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_app="""
        def test_x(privacy_policy):
            pass
    """)
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*the `privacy_policy` fixture needs a policy: set `privacy_policy = *"])


def test_command_line_option_overrides_the_ini(app: pytest.Pytester) -> None:
    (app.path / "policies" / "other").mkdir()
    (app.path / "policies" / "other" / "a.privacy").write_text(POLICY.replace("categories email, name",
                                                                              "categories email, name, phone"))
    app.makepyfile(test_app="""
        def test_phone(privacy_policy):
            privacy_policy.assert_permits("newsletter", ["phone"])
    """)
    app.runpytest().assert_outcomes(failed=1)
    app.runpytest("--privacy-policy=policies/other").assert_outcomes(passed=1)


def test_the_space_form_of_the_option_is_refused_before_it_misleads_pytest(app: pytest.Pytester) -> None:
    """``--privacy-policy PATH``: pytest chose the rootdir from PATH before loading the plugin."""
    outside = app.path.parent / "shared-policy"
    shutil.copytree(app.path / "policies" / "acme", outside)
    app.makepyfile(test_x="def test_x(privacy_policy):\n    pass\n")
    result = app.runpytest_subprocess("--privacy-policy", str(outside))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*privacy-dsl: write --privacy-policy={outside} (with `=`)*"])
    fine = app.runpytest_subprocess(f"--privacy-policy={outside}")
    fine.assert_outcomes(passed=1)
    fine.stdout.fnmatch_lines([f"rootdir: {app.path}*"])


def test_the_space_form_in_pytest_addopts_is_refused_too(app: pytest.Pytester,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """PYTEST_ADDOPTS is read before the rootdir is chosen, like the command line."""
    outside = app.path.parent / "shared-policy-addopts"
    shutil.copytree(app.path / "policies" / "acme", outside)
    app.makepyfile(test_x="def test_x(privacy_policy):\n    pass\n")
    monkeypatch.setenv("PYTEST_ADDOPTS", f"--privacy-policy {outside}")
    result = app.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*write --privacy-policy={outside} (with `=`) in PYTEST_ADDOPTS*"])
    monkeypatch.setenv("PYTEST_ADDOPTS", f"--privacy-policy={outside}")
    app.runpytest_subprocess().assert_outcomes(passed=1)


def test_a_policy_that_does_not_parse_is_a_clear_error(app: pytest.Pytester) -> None:
    (app.path / "policies" / "acme" / "a.privacy").write_text("purpose x {\n  basis maybe\n}\n")
    app.makepyfile(test_app="""
        def test_x(privacy_policy):
            pass
    """)
    result = app.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*privacy-dsl: cannot load the policy (privacy_policy = policies/acme)*",
                                 "*a.privacy:2:9: E100 unexpected `maybe`*"])


def test_the_entry_point_registers_the_plugin_in_a_fresh_interpreter(app: pytest.Pytester) -> None:
    app.makepyfile(test_app="""
        def test_newsletter(privacy_policy):
            privacy_policy.assert_permits("newsletter", ["email"])
    """)
    app.runpytest_subprocess().assert_outcomes(passed=1)
