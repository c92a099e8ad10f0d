#!/usr/bin/env python3
"""Copy the front-end libraries the web app serves from web/node_modules into
src/strikewatch/web/static/vendor/, with their licences and a MANIFEST.json.

Run after `npm ci --prefix web --ignore-scripts` (`make assets` does both).
Standard library only; safe to run again (the vendor folder is rebuilt from
scratch each time, so a file dropped from the list below does not linger).
Nothing is downloaded here: the pages load only these local copies.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "web" / "node_modules"
VENDOR = ROOT / "src" / "strikewatch" / "web" / "static" / "vendor"

# package -> list of (source path inside the package, destination path inside
# vendor/<package>/). A source ending in "/*" copies every file of that folder.
FILES: dict[str, list[tuple[str, str]]] = {
    "leaflet": [
        ("dist/leaflet.js", "leaflet.js"),
        ("dist/leaflet.css", "leaflet.css"),
        ("dist/images/*", "images/"),
        ("LICENSE", "LICENSE"),
    ],
    "topojson-client": [
        ("dist/topojson-client.min.js", "topojson-client.min.js"),
        ("LICENSE", "LICENSE"),
    ],
    "world-atlas": [
        ("countries-50m.json", "countries-50m.json"),
        ("countries-110m.json", "countries-110m.json"),
        ("LICENSE", "LICENSE"),
    ],
}

NOTES = {
    "world-atlas": "Natural Earth Admin 0 country boundaries as TopoJSON; "
    "Natural Earth data is in the public domain.",
}


def fail(message: str) -> None:
    print(f"vendor_assets: {message}", file=sys.stderr)
    sys.exit(1)


def repository_url(meta: dict) -> str | None:
    repo = meta.get("repository")
    url = repo.get("url") if isinstance(repo, dict) else repo
    return url.removeprefix("git+") if isinstance(url, str) else None


def expand(pkg_dir: Path, src: str, dst: str) -> list[tuple[Path, str]]:
    if src.endswith("/*"):
        folder = pkg_dir / src[:-2]
        if not folder.is_dir():
            fail(f"missing folder {folder}")
        files = sorted(p for p in folder.iterdir() if p.is_file())
        if not files:
            fail(f"no files in {folder}")
        return [(p, dst + p.name) for p in files]
    path = pkg_dir / src
    if not path.is_file():
        fail(f"missing file {path}")
    return [(path, dst)]


def main() -> int:
    if not NODE_MODULES.is_dir():
        fail(
            f"{NODE_MODULES} is missing: run `npm ci --prefix web --ignore-scripts` "
            "first (or `make assets`, which does both)"
        )

    # Check everything before touching the vendor folder.
    plan: list[tuple[str, dict, list[tuple[Path, str]]]] = []
    for package, entries in FILES.items():
        pkg_dir = NODE_MODULES / package
        meta_path = pkg_dir / "package.json"
        if not meta_path.is_file():
            fail(
                f"{meta_path} is missing: `npm ci --prefix web --ignore-scripts` "
                "did not install it"
            )
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        copies = [c for src, dst in entries for c in expand(pkg_dir, src, dst)]
        plan.append((package, meta, copies))

    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    manifest = []
    for package, meta, copies in plan:
        for src, rel in copies:
            target = VENDOR / package / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target)
        entry = {
            "package": package,
            "version": meta.get("version"),
            "license": meta.get("license"),
            "homepage": meta.get("homepage") or repository_url(meta),
            "files": [f"{package}/{rel}" for _, rel in copies],
        }
        if package in NOTES:
            entry["note"] = NOTES[package]
        manifest.append(entry)

    (VENDOR / "MANIFEST.json").write_text(
        json.dumps({"packages": manifest}, indent=2) + "\n", encoding="utf-8"
    )
    total = sum(len(c) for _, _, c in plan)
    summary = ", ".join(f"{p} {m.get('version')}" for p, m, _ in plan)
    print(f"vendor_assets: {total} files into {VENDOR.relative_to(ROOT)} ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
