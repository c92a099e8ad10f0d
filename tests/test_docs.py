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


def test_the_checked_in_openapi_description_is_current():
    import importlib.util

    spec = importlib.util.spec_from_file_location("openapi_script", ROOT / "scripts" / "openapi.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    current = module.render()
    on_disk = (ROOT / "docs" / "openapi.json").read_text(encoding="utf-8")
    assert current == on_disk, "docs/openapi.json is stale: run `python scripts/openapi.py`"


def test_every_api_route_is_in_the_workbench_doc():
    import json

    doc = (ROOT / "docs" / "workbench.md").read_text(encoding="utf-8")
    paths = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))["paths"]
    for path in paths:
        tail = path.removeprefix("/api/v1")
        if tail == "/openapi.json":
            continue
        first = "/" + tail.strip("/").split("/")[0]
        assert f"`{first}" in doc or f"{first}" in doc, f"route {path} missing from docs/workbench.md"
