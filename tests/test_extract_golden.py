"""Golden output of the extractor on our own fixture papers.

Regenerate after an intended change (and bump EXTRACTOR_VERSION):
    KG_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_extract_golden.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from kg.extract import extract
from kg.model import Paper

HERE = Path(__file__).parent
FIXTURE = HERE / "fixtures" / "extract" / "papers.jsonl"
GOLDEN = HERE / "golden" / "extract.jsonl"


def _records() -> list[dict]:
    papers = [Paper(**json.loads(line)) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]
    out = []
    for pm in extract(papers):
        out.append(
            {
                "id": pm.paper.id,
                "mentions": [
                    {
                        "name": m.name,
                        "type": m.type.value,
                        "aliases": list(m.aliases),
                        "role": m.role.value,
                        "count": m.count,
                        "family": m.family,
                        "evidence": m.evidence,
                    }
                    for m in sorted(pm.mentions, key=lambda m: (m.type.value, m.name))
                ],
            }
        )
    return out


def test_extract_golden_output_on_fixture() -> None:
    got = _records()
    text = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in got)
    if os.environ.get("KG_UPDATE_GOLDEN") == "1" or not GOLDEN.exists():
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    expected = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    assert got == expected
