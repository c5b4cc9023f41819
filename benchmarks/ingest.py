"""Ingest benchmark: batched ``UNWIND $rows`` writes vs one row per transaction.

Builds a synthetic graph (seeded, so every run writes the same rows), writes it to the
embedded store and, when ``NEO4J_URI`` is set, to Neo4j, and prints rows/s per mode.
One-row-per-transaction mode writes a subset (``--single-papers``) because it is slow.

    .venv/bin/python benchmarks/ingest.py
    eval "$(docker/neo4j-local start)" && .venv/bin/python benchmarks/ingest.py --store neo4j

Neo4j: the benchmark refuses a database that already holds nodes (it would mix with
them and then delete them) unless ``--wipe-neo4j`` is given; it leaves the database empty.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kg.model import Entity, EntityType, Graph, Link, Paper, Role, Variant  # noqa: E402
from kg.store.base import Store  # noqa: E402

TYPES = list(EntityType)
ROLES = list(Role)


def synthetic_graph(papers: int, entities: int, links: int, seed: int = 7) -> Graph:
    """``papers`` papers, ``entities`` entities and ``links`` distinct links, skewed like real corpora."""
    rng = random.Random(seed)
    ents = [
        Entity(f"ent{i:05d}", f"Entity {i}", TYPES[i % len(TYPES)], (f"E-{i}",) if i % 3 == 0 else ())
        for i in range(entities)
    ]
    plist = [
        Paper(
            f"2409.{i:05d}",
            f"Synthetic paper {i}",
            f"An abstract for synthetic paper {i}. " * 8,
            f"2024-09-{1 + i % 28:02d}",
            f"https://arxiv.org/abs/2409.{i:05d}",
            "bench",
        )
        for i in range(papers)
    ]
    # A Zipf-like choice of entities: a few are everywhere, most are rare.
    weights = [1.0 / (1 + i) ** 0.8 for i in range(entities)]
    pairs: set[tuple[int, int]] = set()
    target = min(links, papers * entities)
    while len(pairs) < target:
        p = rng.randrange(papers)
        e = rng.choices(range(entities), weights)[0]
        pairs.add((p, e))
    lks = [
        Link(plist[p].id, ents[e].key, rng.choice(ROLES), 1 + rng.randrange(3), f"Evidence {p}/{e}.")
        for p, e in sorted(pairs)
    ]
    models = [e for e in ents if e.type is EntityType.MODEL]
    variants = [Variant(v.key, f.key) for f, v in zip(models[::2], models[1::2])][:50]
    return Graph(plist, ents, lks, variants, extractor_version="bench-1")


def subset(graph: Graph, papers: int) -> Graph:
    """The first ``papers`` papers with their links and the entities those links need."""
    keep = {p.id for p in graph.papers[:papers]}
    links = [l for l in graph.links if l.paper_id in keep]
    used = {l.entity_key for l in links}
    return Graph(
        [p for p in graph.papers if p.id in keep],
        [e for e in graph.entities if e.key in used],
        links,
        [v for v in graph.variants if v.variant_key in used or v.family_key in used],
        graph.extractor_version,
    )


def timed_write(store: Store, graph: Graph, batch_size: int) -> tuple[int, float]:
    """Rows written and seconds taken by one ``Store.write``."""
    rows = 0

    def count(n: int) -> None:
        nonlocal rows
        rows += n

    started = time.perf_counter()
    store.write(graph, batch_size=batch_size, progress=count)
    return rows, time.perf_counter() - started


def run_modes(name: str, open_empty: Callable[[], Store], full: Graph, small: Graph, batch: int) -> list[tuple]:
    results = []
    for mode, graph, size in (("batched", full, batch), ("one row/tx", small, 1)):
        store = open_empty()
        try:
            rows, seconds = timed_write(store, graph, size)
        finally:
            store.close()
        results.append((name, mode, size, rows, seconds))
        rate = rows / seconds
        print(f"  {name:8} {mode:11} {rows:7d} rows in {seconds:7.2f} s = {rate:9.0f} rows/s", file=sys.stderr)
    return results


def embedded_opener(root: Path) -> Callable[[], Store]:
    from kg.store.embedded import EmbeddedStore

    counter = iter(range(1_000_000))

    def open_empty() -> Store:
        return EmbeddedStore(root / f"bench-{next(counter)}.lbdb", writable=True)

    return open_empty


def neo4j_opener(wipe: bool) -> Callable[[], Store]:
    from kg.store.neo4j import Neo4jStore

    probe = Neo4jStore.from_env(writable=True)
    try:
        nodes = probe.query("MATCH (n) RETURN count(n)").rows[0][0]
    finally:
        probe.close()
    if nodes and not wipe:
        sys.exit(f"Error: Neo4j at {os.environ['NEO4J_URI']} holds {nodes} nodes; pass --wipe-neo4j to delete them")

    def open_empty() -> Store:
        store = Neo4jStore.from_env(writable=True)
        empty_neo4j(store)
        return store

    return open_empty


def empty_neo4j(store: Store) -> None:
    # In chunks, so a large graph does not need one huge transaction.
    store.query("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS", write=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--papers", type=int, default=2000)
    ap.add_argument("--entities", type=int, default=500)
    ap.add_argument("--links", type=int, default=10_000)
    ap.add_argument("--single-papers", type=int, default=100, help="papers written one row per transaction")
    ap.add_argument("--batch-size", type=int, default=1000)
    ap.add_argument("--store", default="embedded,neo4j", help="comma-separated: embedded, neo4j")
    ap.add_argument("--wipe-neo4j", action="store_true", help="allow deleting what the Neo4j database holds")
    args = ap.parse_args(argv)

    full = synthetic_graph(args.papers, args.entities, args.links)
    small = subset(full, args.single_papers)
    print(
        f"graph: {len(full.papers)} papers, {len(full.entities)} entities, {len(full.links)} links, "
        f"{len(full.variants)} variants; one-row mode: {len(small.papers)} papers, {len(small.links)} links",
        file=sys.stderr,
    )
    stores = [s.strip() for s in args.store.split(",") if s.strip()]
    results: list[tuple] = []
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        if "embedded" in stores:
            results += run_modes("embedded", embedded_opener(Path(tmp)), full, small, args.batch_size)
    if "neo4j" in stores:
        if not os.environ.get("NEO4J_URI"):
            print('  neo4j    skipped: NEO4J_URI is not set (eval "$(docker/neo4j-local start)")', file=sys.stderr)
        else:
            opener = neo4j_opener(args.wipe_neo4j)
            try:
                results += run_modes("neo4j", opener, full, small, args.batch_size)
            finally:
                from kg.store.neo4j import Neo4jStore

                with Neo4jStore.from_env(writable=True) as store:
                    empty_neo4j(store)

    print("store     mode         batch     rows  seconds     rows/s")
    rates: dict[tuple[str, str], float] = {}
    for name, mode, size, rows, seconds in results:
        rates[(name, mode)] = rows / seconds
        print(f"{name:9} {mode:11} {size:6d} {rows:8d} {seconds:8.2f} {rows / seconds:10.0f}")
    for name in dict.fromkeys(r[0] for r in results):
        if (name, "batched") in rates and (name, "one row/tx") in rates:
            ratio = rates[(name, "batched")] / rates[(name, "one row/tx")]
            print(f"{name}: batched is {ratio:.0f}x one row per transaction")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
