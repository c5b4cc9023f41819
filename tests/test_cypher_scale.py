"""The Cypher library on a graph big enough to show what the 10-paper sample hides.

Every file runs on a seeded synthetic graph of 400 papers (skewed like real corpora: a few
entities everywhere, most rare) and its rows must equal those of a plain-Python reference.
LadybugDB 0.22 got two of the files wrong at this size (rows lost after a MATCH that filters
a relationship property), which the sample never showed. On Neo4j the rows must be the same,
and the plans must use the schema: a query about one paper starts from the ``paper_id``
unique index, and no query scans every paper. On the embedded store the queries about one
paper produce rows in proportion to that paper's neighbourhood, not to the graph.
"""

from __future__ import annotations

import itertools
import random
import re
import warnings
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from conftest_neo4j import module_store, wipe
from kg.model import Entity, EntityType, Graph, Link, Paper, Role, Variant
from kg.store.cypher_files import load_query, read_query_file
from kg.store.embedded import EmbeddedStore
from kg.text import match_key
from test_incremental import trending_reference

ROOT = Path(__file__).resolve().parents[1]
CYPHER = ROOT / "cypher"
N_PAPERS, N_ENTITIES = 400, 120
TYPES = list(EntityType)
ROLES = list(Role)


def synthetic_graph(seed: int = 11) -> Graph:
    """Papers over three months (one in ten undated), Zipf-skewed mentions, model families."""
    rnd = random.Random(seed)
    entities = [
        Entity(f"k{i:04d}", f"Name {i}", TYPES[i % len(TYPES)], (f"Alias-{i}",) if i % 4 == 0 else ())
        for i in range(N_ENTITIES)
    ]
    weights = list(itertools.accumulate(1.0 / (1 + i) ** 0.9 for i in range(N_ENTITIES)))
    papers, links = [], []
    for n in range(N_PAPERS):
        pid = f"2409.{n:05d}"
        date = "" if n % 10 == 7 else f"2024-{9 + n % 3:02d}-{1 + n % 5:02d}"
        papers.append(Paper(pid, f"Paper {n}", f"Abstract of paper {n}.", date or None, None, "synthetic"))
        for e in sorted(set(rnd.choices(range(N_ENTITIES), cum_weights=weights, k=rnd.randint(2, 7)))):
            links.append(Link(pid, entities[e].key, rnd.choice(ROLES), 1, f"Paper {n} on {entities[e].name}."))
    models = [e.key for e in entities if e.type is EntityType.MODEL]
    variants = [Variant(v, f) for f, v in zip(models[0:8:2], models[1:8:2])]
    return Graph(papers, entities, links, variants, extractor_version="scale-1")


# -- plain-Python answers, one per file, from the graph as the store holds it ------------------
class Ref:
    def __init__(self, graph: Graph) -> None:
        self.papers = {p.id: p for p in graph.papers}
        self.ents = {e.key: e for e in graph.entities}
        self.links = graph.links
        self.by_paper: dict[str, list[Link]] = defaultdict(list)
        self.by_entity: dict[str, list[Link]] = defaultdict(list)
        for link in graph.links:
            self.by_paper[link.paper_id].append(link)
            self.by_entity[link.entity_key].append(link)
        self.variants = graph.variants

    def date(self, pid: str) -> str:
        return self.papers[pid].date or ""

    def trending_entities(self, days: int, since: str, min_papers: int, limit: int) -> list[list]:
        graph = Graph(list(self.papers.values()), list(self.ents.values()), list(self.links))
        return trending_reference(graph, days=days, since=since, min_papers=min_papers, limit=limit)

    def keyed(self, name: str) -> list[str]:
        key = name.lower().replace(" ", "").replace("-", "").replace("_", "")  # as the files do
        return [k for k, e in self.ents.items() if key in {match_key(e.name), *(match_key(a) for a in e.aliases)}]

    def benchmark_leaderboard(self, min_papers: int) -> list[list]:
        rows = []
        for b in self.ents.values():
            if b.type is not EntityType.BENCHMARK:
                continue
            evaluating = {l.paper_id for l in self.by_entity[b.key] if l.role is Role.EVALUATES_ON}
            if len(evaluating) < min_papers:
                continue
            systems = {
                l.entity_key for q in evaluating for l in self.by_paper[q]
                if self.ents[l.entity_key].type in (EntityType.METHOD, EntityType.MODEL)
            }
            rows.append([b.name, len(evaluating), len(systems)])
        return sorted(rows, key=lambda r: (-r[1], r[0]))

    def benchmark_methods(self, benchmark: str) -> list[list]:
        groups: dict[tuple, set] = defaultdict(set)
        for b in self.ents.values():
            if b.type is not EntityType.BENCHMARK or (benchmark and b.name != benchmark):
                continue
            for ev in self.by_entity[b.key]:
                if ev.role is not Role.EVALUATES_ON:
                    continue
                for pr in self.by_paper[ev.paper_id]:
                    m = self.ents[pr.entity_key]
                    if pr.role is Role.PROPOSES and m.type in (EntityType.METHOD, EntityType.MODEL):
                        groups[(b.name, m.name, m.type.value)].add(ev.paper_id)
        rows = [[b, m, t, len(ps)] for (b, m, t), ps in groups.items()]
        return sorted(rows, key=lambda r: (r[0], -r[3], r[1]))

    def cooccurring_entities(self, min_papers: int, limit: int) -> list[list]:
        pairs: Counter = Counter()
        for links in self.by_paper.values():
            keys = sorted(l.entity_key for l in links)
            pairs.update(itertools.combinations(keys, 2))
        rows = [
            [self.ents[a].name, self.ents[a].type.value, self.ents[b].name, self.ents[b].type.value, n]
            for (a, b), n in pairs.items() if n >= min_papers
        ]
        return sorted(rows, key=lambda r: (-r[4], r[0], r[2]))[:limit]

    def entities_first_seen(self, date: str) -> list[list]:
        rows = []
        for key, links in self.by_entity.items():
            dates = [self.date(l.paper_id) for l in links if self.date(l.paper_id)]
            if dates and min(dates) == date:
                e = self.ents[key]
                rows += [[e.name, e.type.value, l.paper_id, l.role.value] for l in links if self.date(l.paper_id) == date]
        return sorted(rows, key=lambda r: (r[1], r[0], r[2]))

    def entity_timeline(self, name: str) -> list[list]:
        rows = []
        for key in self.keyed(name):
            months: dict[str, list[int]] = defaultdict(lambda: [0, 0])
            for l in self.by_entity[key]:
                if self.date(l.paper_id):
                    month = months[self.date(l.paper_id)[:7]]
                    month[0] += 1
                    month[1] += l.role is Role.PROPOSES
            rows += [[self.ents[key].name, m, n, p] for m, (n, p) in months.items()]
        return sorted(rows, key=lambda r: (r[0], r[1]))

    def model_family_variants(self, family: str) -> list[list]:
        rows = [
            [self.ents[v.family_key].name, self.ents[v.variant_key].name, len(self.by_entity[v.variant_key])]
            for v in self.variants if not family or self.ents[v.family_key].name == family
        ]
        return sorted(rows, key=lambda r: (r[0], -r[2], r[1]))

    def most_compared_baselines(self, limit: int) -> list[list]:
        rows = []
        for key, links in self.by_entity.items():
            compared = sum(l.role is Role.COMPARES_TO for l in links)
            if compared:
                e = self.ents[key]
                rows.append([e.name, e.type.value, compared, len(links)])
        return sorted(rows, key=lambda r: (-r[2], -r[3], r[0]))[:limit]

    def paper_neighbourhood(self, paper: str) -> list[list]:
        rows = []
        for l in self.by_paper[paper]:
            e = self.ents[l.entity_key]
            others = [o.paper_id for o in self.by_entity[e.key] if o.paper_id != paper]
            rows += [[e.type.value, e.name, l.role.value, o, self.papers[o].title] for o in others]
            if not others:
                rows.append([e.type.value, e.name, l.role.value, None, None])
        return sorted(rows, key=lambda r: (r[0], r[1], r[3] or ""))

    def papers_mentioning_entity(self, name: str) -> list[list]:
        rows = [
            [self.ents[k].name, l.paper_id, self.papers[l.paper_id].title, self.date(l.paper_id), l.role.value, l.evidence]
            for k in self.keyed(name) for l in self.by_entity[k]
        ]
        rows.sort(key=lambda r: (r[1], r[0]))
        return sorted(rows, key=lambda r: r[3], reverse=True)  # stable: date DESC, then paper, entity

    def papers_with_code(self, type: str) -> list[list]:
        rows = [
            [l.paper_id, self.papers[l.paper_id].title, self.ents[l.entity_key].type.value, self.ents[l.entity_key].name]
            for l in self.links
            if l.role is Role.CODE and self.ents[l.entity_key].type.value in ("github", "url")
            and (not type or self.ents[l.entity_key].type.value == type)
        ]
        return sorted(rows, key=lambda r: (r[0], r[3]))

    def rival_methods_same_benchmark(self, paper: str) -> list[list]:
        rows = []
        for la in self.by_paper[paper]:
            b = self.ents[la.entity_key]
            if b.type is not EntityType.BENCHMARK or la.role is not Role.EVALUATES_ON:
                continue
            for lq in self.by_entity[b.key]:
                if lq.paper_id == paper or lq.role is not Role.EVALUATES_ON:
                    continue
                for lm in self.by_paper[lq.paper_id]:
                    m = self.ents[lm.entity_key]
                    if lm.role is Role.PROPOSES and m.type is EntityType.METHOD:
                        rows.append([lq.paper_id, self.papers[lq.paper_id].title, m.name, b.name])
        return sorted(rows, key=lambda r: (r[0], r[2], r[3]))

    def similar_papers(self, paper: str, k: int) -> list[list]:
        shared: Counter = Counter()
        weight: Counter = Counter()
        for l in self.by_paper[paper]:
            df = len(self.by_entity[l.entity_key])
            for o in self.by_entity[l.entity_key]:
                if o.paper_id != paper:
                    shared[o.paper_id] += 1
                    weight[o.paper_id] += 1.0 / df
        rows = [[b, self.papers[b].title, n, round(weight[b], 4)] for b, n in shared.items() if n >= k]
        return sorted(rows, key=lambda r: (-r[3], -r[2], r[0]))

    def top_entities_per_type(self, k: int) -> list[list]:
        rows = []
        for etype in {e.type for e in self.ents.values()}:
            ranked = sorted(
                (key for key in self.by_entity if self.ents[key].type is etype),
                key=lambda key: (-len(self.by_entity[key]), key),
            )
            rows += [[etype.value, i + 1, self.ents[key].name, len(self.by_entity[key])] for i, key in enumerate(ranked[:k])]
        return sorted(rows, key=lambda r: (r[0], r[1], r[2]))


def _cases(graph: Graph) -> list[tuple[str, dict]]:
    """(file stem, parameters): several per file, chosen from the graph (busy and quiet papers,
    the most and least mentioned names, dates with and without first mentions)."""
    ref = Ref(graph)
    busy = max(ref.by_paper, key=lambda p: (len(ref.by_paper[p]), p))
    top = max(ref.by_entity, key=lambda k: (len(ref.by_entity[k]), k))
    benchmarks = [e for e in graph.entities if e.type is EntityType.BENCHMARK and ref.by_entity[e.key]]
    evaluating = sorted({l.paper_id for b in benchmarks[:3] for l in ref.by_entity[b.key] if l.role is Role.EVALUATES_ON})
    dates = sorted({p.date for p in graph.papers if p.date})
    families = sorted({ref.ents[v.family_key].name for v in graph.variants})
    papers = [busy, evaluating[0], evaluating[-1], "2409.00003", "no-such-paper"]
    names = [ref.ents[top].name, "alias 0", "NAME_5", "Name 119", "nothing"]
    return [
        *[("benchmark_leaderboard", {"min_papers": n}) for n in (1, 3)],
        *[("benchmark_methods", {"benchmark": b}) for b in ("", benchmarks[0].name)],
        *[("cooccurring_entities", {"min_papers": n, "limit": 25}) for n in (2, 5)],
        *[("entities_first_seen", {"date": d}) for d in (dates[0], dates[1], dates[-1], "2030-01-01")],
        *[("entity_timeline", {"name": n}) for n in names],
        *[("model_family_variants", {"family": f}) for f in ("", families[0])],
        *[("most_compared_baselines", {"limit": n}) for n in (10, 200)],
        *[("paper_neighbourhood", {"paper": p}) for p in papers],
        *[("papers_mentioning_entity", {"name": n}) for n in names],
        *[("papers_with_code", {"type": t}) for t in ("", "github")],
        *[("rival_methods_same_benchmark", {"paper": p}) for p in papers],
        *[("similar_papers", {"paper": p, "k": k}) for p in papers for k in (1, 2)],
        *[("top_entities_per_type", {"k": k}) for k in (1, 3, 50)],
        *[("trending_entities", {"days": d, "since": since, "min_papers": m, "limit": 20})
          for d, since, m in ((7, "", 2), (1, "", 1), (7, dates[len(dates) // 2], 3))],
    ]


GRAPH = synthetic_graph()
CASES = _cases(GRAPH)
CASE_IDS = [f"{stem}-{'-'.join(str(v) for v in params.values()) or 'default'}" for stem, params in CASES]


def _approx(rows: list[list]) -> list[list]:
    return [[round(v, 6) if isinstance(v, float) else v for v in row] for row in rows]


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory):
    with EmbeddedStore(tmp_path_factory.mktemp("scale") / "g.lbdb", writable=True) as store:
        store.write(GRAPH)
        yield store


@pytest.fixture(scope="module")
def reference(embedded: EmbeddedStore) -> Ref:
    return Ref(embedded.load_graph())


def test_cypher_scale_every_file_has_cases() -> None:
    files = {p.stem for p in CYPHER.glob("*.cypher") if not read_query_file(p).neo4j_only}
    assert files == {stem for stem, _ in CASES}


def test_cypher_scale_graph_is_skewed(reference: Ref) -> None:
    degrees = sorted((len(v) for v in reference.by_entity.values()), reverse=True)
    assert degrees[0] >= 10 * degrees[len(degrees) // 2]  # a few entities everywhere, most rare
    assert len(reference.papers) == N_PAPERS and reference.variants


@pytest.mark.parametrize(("stem", "params"), CASES, ids=CASE_IDS)
def test_cypher_scale_embedded_equals_reference(embedded: EmbeddedStore, reference: Ref, stem: str, params: dict) -> None:
    text, defaults = load_query(CYPHER / f"{stem}.cypher")
    assert set(params) == set(defaults)
    expected = getattr(reference, stem)(**params)
    assert _approx(embedded.query(text, params).rows) == _approx(expected)


def test_cypher_scale_cases_are_not_trivial(reference: Ref) -> None:
    found = Counter(stem for stem, params in CASES if getattr(reference, stem)(**params))
    assert set(found) == {stem for stem, _ in CASES}  # each file answers something
    assert found["rival_methods_same_benchmark"] >= 2 and found["similar_papers"] >= 4


# -- cost: the queries about one paper follow its neighbourhood ---------------------------------
def _profile_max_rows(store: EmbeddedStore, cypher: str, params: dict) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan = store._conn.execute("PROFILE " + cypher, params).get_next()[0]
    return max(int(n) for n in re.findall(r"NumOutputTuples: (\d+)", plan))


# The rows a query about one paper may touch: every link of every entity it mentions, and
# those papers' own links (rivals look one step further).
def _neighbourhood(ref: Ref, paper: str) -> int:
    near = {l.paper_id for e in ref.by_paper[paper] for l in ref.by_entity[e.entity_key]}
    return sum(len(ref.by_paper[p]) for p in near) + len(near)


@pytest.mark.parametrize("stem", ["similar_papers", "paper_neighbourhood", "rival_methods_same_benchmark"])
def test_cypher_scale_embedded_paper_queries_follow_the_neighbourhood(embedded: EmbeddedStore, reference: Ref, stem: str) -> None:
    quiet = min((p for p in reference.papers if reference.by_paper[p]), key=lambda p: (_neighbourhood(reference, p), p))
    text, defaults = load_query(CYPHER / f"{stem}.cypher")
    bound = _neighbourhood(reference, quiet)
    assert bound < len(reference.links) // 4  # the check means something on this graph
    assert _profile_max_rows(embedded, text, {**defaults, "paper": quiet}) <= bound


def test_cypher_scale_neighbourhood_check_can_fail(embedded: EmbeddedStore, reference: Ref) -> None:
    """The similar_papers this issue replaced counted each shared entity's papers once per
    pair of papers: rows grow with the square of the entities' degrees."""
    old = (
        "MATCH (a:Paper)-[:MENTIONS]->(e:Entity)<-[:MENTIONS]-(b:Paper) WHERE a.id = $paper AND b.id <> a.id "
        "MATCH (e)<-[:MENTIONS]-(q:Paper) WITH b, e, count(q) AS df "
        "WITH b, count(e) AS shared, sum(1.0 / df) AS weight WHERE shared >= $k RETURN b.id, shared, weight"
    )
    busy = max(reference.papers, key=lambda p: (_neighbourhood(reference, p), p))
    assert _profile_max_rows(embedded, old, {"paper": busy, "k": 1}) > _neighbourhood(reference, busy)


# -- Neo4j: the same rows, plans that use the schema -------------------------------------------
@pytest.fixture(scope="module")
def neo():
    """The synthetic graph on the server (emptied before and after the module)."""
    for store in module_store():
        wipe(store)
        store.write(GRAPH)
        # Plans follow the index statistics, which the server samples in the background:
        # sample them now, and forget plans made while the database was empty.
        with store._driver.session(database=store.database) as session:
            for call in ("db.resampleOutdatedIndexes()", "db.awaitIndexes(60)", "db.clearQueryCaches()"):
                session.run("CALL " + call).consume()
        yield store


@pytest.mark.neo4j
@pytest.mark.parametrize(("stem", "params"), CASES, ids=CASE_IDS)
def test_cypher_scale_neo4j_equals_embedded(neo, embedded: EmbeddedStore, stem: str, params: dict) -> None:
    text, _ = load_query(CYPHER / f"{stem}.cypher")
    assert _approx(neo.query(text, params).rows) == _approx(embedded.query(text, params).rows)


def _plan_ops(plan) -> list[tuple[str, str]]:
    if not plan:
        return []
    op = (str(plan.get("operatorType", "")).split("@", 1)[0], str((plan.get("args") or {}).get("Details", "")))
    return [op, *(o for child in plan.get("children", []) for o in _plan_ops(child))]


LIBRARY = sorted(CYPHER.glob("*.cypher"))


def _schema_misses(neo, text: str, params: dict) -> list[str]:
    """What the Neo4j plan of ``text`` does without the schema: scan every paper (or node),
    or, for a query about one ``$paper``, not seek it in the ``paper_id`` index."""
    with neo._driver.session(database=neo.database) as session:
        ops = _plan_ops(session.run("EXPLAIN " + text, params).consume().plan)
    misses = [f"{op} {d}" for op, d in ops if op == "AllNodesScan" or op == "NodeByLabelScan" and ":Paper" in d]
    if "paper" in params and not any(op == "NodeUniqueIndexSeek" and "Paper(id)" in d for op, d in ops):
        misses.append("no paper_id seek")
    return misses


@pytest.mark.neo4j
@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
def test_cypher_scale_neo4j_plans_use_the_schema(neo, path: Path) -> None:
    assert _schema_misses(neo, *load_query(path)) == []


@pytest.mark.neo4j
def test_cypher_scale_neo4j_schema_check_can_fail(neo) -> None:
    scan = "MATCH (p:Paper)-[:MENTIONS]->(e:Entity) WHERE p.title STARTS WITH $paper RETURN count(e)"
    assert _schema_misses(neo, scan, {"paper": "Paper 1"}) != []
