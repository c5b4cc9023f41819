#!/usr/bin/env python
"""Regenerate the extractor's frozen output in tests/golden/extract/ (``tests/test_extract_golden.py``).

Run it only after an intended change to what the extractor outputs (and bump
``EXTRACTOR_VERSION``), never to make a failing golden pass after a refactor::

    .venv/bin/python scripts/bless_extract_golden.py            # every set
    .venv/bin/python scripts/bless_extract_golden.py h3 dev     # only these sets

What is pinned, per input file that has gold (see ``golden_sets``):

``<set>.jsonl``    the exact bytes of ``kg extract FILE --format jsonl`` (our own fixture text);
``dev.sha256``     for the shared dev dump, one sha256 per output line, in order (its text,
                   titles and abstracts never enter the repository);
``extras.sha256``  per set, one sha256 over every mention's count and family (fields the
                   build stores but ``kg extract`` does not print).
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "extract"
FIXTURES = ROOT / "tests" / "fixtures"
DEV_DUMP = ROOT.parent / "shared" / "data" / "daily-papers-sep-02.txt"
DEV = "dev"
BLESS = ".venv/bin/python scripts/bless_extract_golden.py"


def golden_sets() -> dict[str, Path]:
    """Every input we have gold for, by set name: ours (full output kept) and the dev dump (hashes only)."""
    sets = {
        "fixture": FIXTURES / "extract" / "papers.jsonl",
        "sample": ROOT / "examples" / "sample-papers.txt",
    }
    for path in sorted((FIXTURES / "heldout").glob("*_papers.txt")):
        sets[path.name.removesuffix("_papers.txt")] = path
    sets[DEV] = DEV_DUMP
    return sets


def cli_output(path: Path) -> bytes:
    """What ``kg extract PATH --format jsonl`` writes, byte for byte (in-process, one worker)."""
    from typer.testing import CliRunner

    from kg.cli import app

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.jsonl"
        result = CliRunner().invoke(app, ["extract", str(path), "--format", "jsonl", "--workers", "1", "-o", str(out)])
        if result.exit_code != 0:
            raise RuntimeError(f"kg extract {path} failed: {result.output}")
        return out.read_bytes()


def extras_digest(path: Path) -> str:
    """sha256 over (paper id, [(name, count, family), ...]) of every paper, in order."""
    from kg.extract import extract
    from kg.sources import read_papers

    rows = [
        [pm.paper.id, [[m.name, m.count, m.family] for m in pm.mentions]] for pm in extract(read_papers([path]))
    ]
    return sha256(json.dumps(rows, ensure_ascii=False).encode("utf-8"))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def line_digests(output: bytes) -> list[str]:
    """One sha256 per output line (the newline excluded)."""
    return [sha256(line) for line in output.splitlines()]


def read_extras() -> dict[str, str]:
    path = GOLDEN / "extras.sha256"
    if not path.exists():
        return {}
    return dict(line.split() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


def bless(names: list[str]) -> None:
    sets = golden_sets()
    unknown = [n for n in names if n not in sets]
    if unknown:
        sys.exit(f"unknown set(s) {', '.join(unknown)}; choose from {', '.join(sets)}")
    GOLDEN.mkdir(parents=True, exist_ok=True)
    extras = read_extras()
    for name in names or list(sets):
        path = sets[name]
        if not path.exists():
            print(f"skip {name}: {path} not found", file=sys.stderr)
            continue
        output = cli_output(path)
        if name == DEV:
            (GOLDEN / "dev.sha256").write_text("".join(d + "\n" for d in line_digests(output)), encoding="utf-8")
        else:
            (GOLDEN / f"{name}.jsonl").write_bytes(output)
        extras[name] = extras_digest(path)
        print(f"blessed {name}: {len(output.splitlines())} papers", file=sys.stderr)
    (GOLDEN / "extras.sha256").write_text("".join(f"{k} {v}\n" for k, v in sorted(extras.items())), encoding="utf-8")


if __name__ == "__main__":
    bless(sys.argv[1:])
