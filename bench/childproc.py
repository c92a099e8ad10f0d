"""Running one measurement of a bench in a process of its own (so its time
and peak memory are its own): the script is run again with ``--child`` and
its last line of standard output is the JSON of its figures."""

from __future__ import annotations

import json
import subprocess
import sys


def run_child(script: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, script, "--child", *args], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        tail = out.stderr.strip().splitlines()[-3:] if out.stderr.strip() else [f"exit {out.returncode}"]
        raise SystemExit(f"child {args} failed: {' | '.join(tail)}")
    return json.loads(out.stdout.strip().splitlines()[-1])
