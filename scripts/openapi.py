#!/usr/bin/env python3
"""Write the API's OpenAPI description to docs/openapi.json (a test keeps it current)."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "docs" / "openapi.json"


def openapi() -> dict:
    from strikewatch.web.app import WebConfig, create_app

    with tempfile.TemporaryDirectory() as tmp:
        return create_app(WebConfig(Path(tmp) / "openapi.db")).openapi()


def render() -> str:
    return json.dumps(openapi(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT}", file=sys.stderr)
