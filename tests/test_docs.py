"""Docs checked by tests: every command and every error code is documented."""

from __future__ import annotations

from strikewatch.cli import cli
from strikewatch.errors import CODES

from .conftest import ROOT


def test_every_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in cli.commands:
        assert f"| `{name}" in readme, f"command {name!r} missing from the README's table"


def test_every_error_code_is_documented():
    doc = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    for code in CODES:
        assert f"| `{code}` |" in doc, f"error code {code!r} missing from docs/errors.md"


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make test" in ci and "make test " in readme
