"""The resolver's exact output, frozen: a digest of the resolved graph (every entity, link and
variant, in order) on the dev set, the held-out fixtures and a synthetic corpus, and one of
its namings (the checkpoints each paper named beside their system: NAMES), under
``<corpus>-names`` (added with NAMES, so the graph's digests above did not change).

The digests only change when resolution deliberately changes: then put the new digest
(printed by the failing assertion) in ``tests/golden/resolve.json`` by hand, in the same
commit as the change that explains it. This test never writes its expected file.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from kg.bench import synthetic_papers
from kg.extract import extract
from kg.model import Graph
from kg.resolve import resolve
from kg.sources import read_papers

HERE = Path(__file__).parent
GOLDEN = json.loads((HERE / "golden" / "resolve.json").read_text(encoding="utf-8"))
DEV = HERE.parent.parent / "shared" / "data" / "daily-papers-sep-02.txt"


def digest(graph: Graph) -> str:
    """sha256 of the graph as canonical JSON, in the resolver's own order."""
    doc = {
        "papers": [p.id for p in graph.papers],
        "entities": [[e.key, e.name, e.type.value, list(e.aliases)] for e in graph.entities],
        "links": [[l.paper_id, l.entity_key, l.role.value, l.count, l.evidence] for l in graph.links],
        "variants": [[v.variant_key, v.family_key] for v in graph.variants],
    }
    return hashlib.sha256(json.dumps(doc, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def names_digest(graph: Graph) -> str:
    """sha256 of the graph's namings as canonical JSON, in the resolver's own order."""
    doc = [[n.paper_id, n.entity_key] for n in graph.names]
    return hashlib.sha256(json.dumps(doc, ensure_ascii=False).encode()).hexdigest()


def corpus(name: str) -> list:
    if name == "devset":
        if not DEV.exists():
            pytest.skip(f"the dev set is not at {DEV}")
        return list(read_papers([DEV]))
    if name == "heldout":
        return list(read_papers(sorted((HERE / "fixtures" / "heldout").glob("h*_papers.txt"))))
    return synthetic_papers(1500)


@pytest.mark.parametrize("name", ["devset", "heldout", "synthetic"])
def test_resolved_graph_is_frozen(name: str) -> None:
    graph = resolve(extract(corpus(name)), "golden")
    assert digest(graph) == GOLDEN[name], f"resolve output changed on {name}: new digest {digest(graph)}"
    got = names_digest(graph)
    assert got == GOLDEN[f"{name}-names"], f"resolve namings changed on {name}: new digest {got}"
