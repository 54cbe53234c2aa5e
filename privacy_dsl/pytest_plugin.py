"""pytest plugin (entry point ``pytest11``): check an application's data uses against its policy.

In ``pyproject.toml``::

    [tool.pytest.ini_options]
    privacy_policy = "policies/acme"

and in a test::

    def test_signup_sends_the_newsletter(privacy_policy):
        privacy_policy.assert_permits("newsletter", ["email", "name"], subject="customer")

``privacy_policy`` is a session-scoped ``privacy_dsl.query.engine.PolicyHandle``, loaded and linted once.
A failed ``assert_permits`` names the policy line the verdict rests on and what would make the
use allowed. ``--privacy-policy=PATH`` overrides the ini option; the space form
``--privacy-policy PATH`` is refused with a usage error, because pytest chooses its rootdir and
configuration file before it loads plugins, so it would take PATH for a test path (a policy
outside the project then moves the rootdir there and the project's ini file is not read).

This module is imported whenever pytest starts in an environment where privacy-dsl is installed,
so it imports nothing heavy at module level.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .query.engine import PolicyHandle

INI = "privacy_policy"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(INI, help="privacy-dsl: the policy directory the `privacy_policy` fixture loads "
                  "(relative to the ini file)", default="")
    group = parser.getgroup("privacy-dsl")
    group.addoption("--privacy-policy", dest=INI, metavar="PATH", default=None,
                    help="the policy directory for the `privacy_policy` fixture (overrides the ini option); "
                         "write it with `=`: --privacy-policy=PATH")


def _policy_path(config: pytest.Config) -> tuple[Path, str] | None:
    given: str | None = config.getoption(INI)
    if given:
        return config.invocation_params.dir / given, f"--privacy-policy={given}"
    value = str(config.getini(INI) or "")
    if not value:
        return None
    base = config.inipath.parent if config.inipath is not None else config.rootpath
    return base / value, f"{INI} = {value}"


def pytest_configure(config: pytest.Config) -> None:
    """A policy path that names nothing is a usage error of the whole run, reported once, before any test;
    so is the space form of the option, which has already misled pytest's choice of rootdir."""
    import os
    import shlex

    for where, args in (("", [str(a) for a in config.invocation_params.args]),
                        (" in PYTEST_ADDOPTS", shlex.split(os.environ.get("PYTEST_ADDOPTS", "")))):
        if "--privacy-policy" in args:
            at = args.index("--privacy-policy") + 1
            given = args[at] if at < len(args) else "PATH"
            raise pytest.UsageError(
                f"privacy-dsl: write --privacy-policy={given} (with `=`){where}: pytest picks its rootdir and "
                f"configuration file before it loads plugins, and took {given} for a test path "
                f"(rootdir: {config.rootpath})")
    found = _policy_path(config)
    if found is not None and not found[0].exists():
        raise pytest.UsageError(f"privacy-dsl: {found[1]}: no such policy directory or file: {found[0]}")


def pytest_report_header(config: pytest.Config) -> str | None:
    found = _policy_path(config)
    return f"privacy-dsl policy: {found[0]}" if found else None


@pytest.fixture(scope="session")
def privacy_policy(request: pytest.FixtureRequest) -> PolicyHandle:
    """The application's privacy policy, loaded once: ``permits``, ``assert_permits``, ``assert_denies``, ..."""
    found = _policy_path(request.config)
    if found is None:
        pytest.fail(f"the `privacy_policy` fixture needs a policy: set `{INI} = \"policies/<name>\"` in "
                    "[tool.pytest.ini_options] (or pytest.ini), or pass --privacy-policy=PATH", pytrace=False)
    path, origin = found
    from .api import PolicyError, load
    from .lint.config import ConfigError

    try:
        return load(path)
    except (PolicyError, ConfigError, OSError) as exc:
        # failed outside the handler: inside it, pytest shows the exception it replaces as well
        problem = f"privacy-dsl: cannot load the policy ({origin}): {exc}"
    pytest.fail(problem, pytrace=False)
