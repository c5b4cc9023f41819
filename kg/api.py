"""The Python API: the functions the ``kg`` command line itself calls, for scripts and notebooks.

Reach them as ``kg.<name>`` (``import kg`` stays fast: each is imported on first use)::

    kg.read_papers(paths)          Paper, one by one, from files (format sniffed)
    kg.extract(papers)             PaperMentions, one by one (the rule-based extractor)
    kg.build(paths, store)         read, extract and write into a store (what `kg build` runs)
    kg.open_store(db)              the embedded graph at ``db`` (or Neo4j: ``neo4j_uri=``)
    store.lookup(name)             entities by name or alias, with the papers that mention them
    kg.paper_graph(store)          networkx graph of papers linked by shared entities (weights)
    kg.to_pyvis(graph)             a pyvis Network of it, to ``.show()`` in a notebook
    kg.export_html(store, path)    the interactive explorer page (what `kg export` writes)

The examples below run as doctests (``tests/test_api.py``) from the repository
root; ``db`` there is a graph built from ``examples/sample-papers.txt``, as the
``build`` example builds one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx
    from pyvis.network import Network

    from kg.build import BuildResult
    from kg.export.html import ExportReport
    from kg.model import Graph, Paper, PaperMentions
    from kg.store.base import Store

__all__ = ["read_papers", "extract", "build", "open_store", "paper_graph", "to_pyvis", "export_html"]


def read_papers(paths: str | Path | Sequence[str | Path], fmt: str | None = None) -> Iterator[Paper]:
    """Papers from files or directories, lazily: a Daily Papers dump, JSON/JSONL, CSV or arXiv Atom.

    ``fmt`` forces a format (daily, jsonl, json, csv, atom); by default it is sniffed.

    >>> import kg
    >>> papers = list(kg.read_papers("examples/sample-papers.txt"))
    >>> len(papers)
    13
    >>> papers[1].title
    'Sparse Lookahead Planning for Long-Horizon Robot Manipulation'
    """
    from kg.sources import read_papers as _read

    return _read([paths] if isinstance(paths, (str, Path)) else list(paths), fmt)


def extract(papers: Iterable[Paper]) -> Iterator[PaperMentions]:
    """The entities each paper mentions, one ``PaperMentions`` per paper, in order, lazily.

    >>> import kg
    >>> paper = next(kg.read_papers("examples/sample-papers.txt"))
    >>> found = next(kg.extract([paper]))
    >>> [(m.name, m.type.value, m.role.value) for m in found.mentions if m.name == "GSM8K"]
    [('GSM8K', 'benchmark', 'evaluates_on')]
    """
    from kg.extract.pipeline import extract as _extract

    return _extract(papers)


def build(paths: str | Path | Sequence[str | Path], store: Store, *, workers: int | None = None, **options: Any) -> BuildResult:
    """Read ``paths``, extract what changed and write it into ``store``, as ``kg build`` does.

    ``workers``: extraction processes (default: the cores). Other options are
    ``kg.build.build``'s (``fmt``, ``chunk_size``, ``batch_size``, ...).

    >>> import kg, pathlib, tempfile
    >>> db = pathlib.Path(tempfile.mkdtemp()) / "graph.lbdb"
    >>> with kg.open_store(db, writable=True, create=True) as store:
    ...     done = kg.build("examples/sample-papers.txt", store, workers=1)
    >>> done.papers_written
    13
    """
    from kg.build import build as _build

    return _build([paths] if isinstance(paths, (str, Path)) else list(paths), store, workers=workers, **options)


def open_store(
    db: str | Path | None = None, neo4j_uri: str | None = None, *, writable: bool = False, create: bool = False
) -> Store:
    """The graph store: the embedded one at ``db`` (default ``$KG_DB``, else ``./.kg/graph.lbdb``), or Neo4j.

    ``neo4j_uri`` (or ``$NEO4J_URI`` when ``db`` is not given) selects Neo4j, with
    the user and password from ``NEO4J_USERNAME``/``NEO4J_PASSWORD``. Read-only
    unless ``writable``; ``create`` makes a new embedded graph. Use it in a
    ``with`` block, or ``close()`` it.

    >>> import kg
    >>> with kg.open_store(db) as store:
    ...     hit = store.lookup("calvin")[0]
    >>> hit.name, hit.type, [p["role"] for p in hit.papers]
    ('CALVIN', 'benchmark', ['evaluates_on'])
    """
    from kg.config import open_store as _open

    return _open(db, neo4j_uri, writable=writable, create=create)


def _source_options(view: str, filters: dict[str, Any]) -> Any:
    from kg.export.html import ExportOptions

    known = {"types", "entity", "ego", "depth", "min_shared", "max_nodes", "since"}
    unknown = sorted(set(filters) - known)
    if unknown:
        from kg.errors import ExportError

        raise ExportError(f"unknown option {unknown[0]!r}; use: {', '.join(sorted(known))}")
    types = filters.get("types")
    if isinstance(types, str):
        filters = {**filters, "types": [types]}
    return ExportOptions(view=view, **filters)


def paper_graph(source: Store | Graph, **filters: Any) -> nx.Graph:
    """Papers linked when they share entities; edge ``weight`` = the sum of the shared entities' rarity.

    ``source``: a store or a ``kg.model.Graph``. ``filters`` are ``kg export``'s:
    ``types`` (e.g. ``["model", "dataset"]``), ``entity``, ``ego``, ``depth``,
    ``min_shared``, ``max_nodes`` (default: all), ``since``. Nodes are paper ids
    with ``title``, ``date``, ``url`` and ``entities`` (names by type); edges have
    ``weight``, ``n_shared`` and ``shared`` (names by type). The explorer draws
    this graph (keeping each paper's strongest links when there are very many).

    >>> import kg
    >>> with kg.open_store(db) as store:
    ...     g = kg.paper_graph(store, types=["method"])
    >>> g.number_of_nodes()
    13
    >>> a = next(n for n, d in g.nodes(data=True) if d["title"].startswith("TRACE"))
    >>> sorted((d["shared"]["method"], round(d["weight"], 3)) for d in g[a].values())
    [(['DPO'], 0.631), (['PPO'], 0.5), (['PPO'], 0.5)]
    """
    from kg.export.formats import project

    g, _ = project(source, _source_options("papers", filters))
    return g


def _plain_title(text: str) -> str:
    # pyvis switches every tooltip of the page to HTML when one node title contains "href";
    # a zero-width space keeps them all plain text (vis-network shows a string title as text).
    return text.replace("href", "hre\u200bf")


def to_pyvis(graph: nx.Graph, *, notebook: bool = True, height: str = "700px", **network: Any) -> Network:
    """A ``pyvis.network.Network`` of a ``paper_graph`` (or bipartite) graph: call ``.show("graph.html")``.

    Tooltips are plain text (title, date, entities; shared entities on links);
    edge width follows the weight. Other keyword arguments go to ``Network``.
    For a page that opens offline with search and legend, use ``export_html``.

    >>> import kg
    >>> with kg.open_store(db) as store:
    ...     net = kg.to_pyvis(kg.paper_graph(store))
    >>> len(net.nodes), len(net.edges)
    (13, 9)
    """
    from pyvis.network import Network

    net = Network(height=height, width="100%", notebook=notebook, cdn_resources="in_line", **network)
    for node, data in sorted(graph.nodes(data=True), key=lambda item: str(item[0])):
        if data.get("kind") == "entity":
            label = data.get("name", str(node))
            lines = [f"{label} ({data.get('type', '')})", f"{data.get('df', 0)} papers"]
        else:
            label = data.get("title", str(node))
            lines = [label, str(data.get("date") or "")]
            lines += [f"{t}: {', '.join(names)}" for t, names in (data.get("entities") or {}).items()]
        short = label if len(label) <= 40 else label[:39] + "…"
        net.add_node(str(node), label=short, title=_plain_title("\n".join(x for x in lines if x)),
                     shape="diamond" if data.get("kind") == "entity" else "dot")  # fmt: skip
    for a, b, data in sorted(graph.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))):
        shared = "; ".join(f"{t}: {', '.join(v)}" for t, v in (data.get("shared") or {}).items())
        title = shared or data.get("role", "")
        net.add_edge(str(a), str(b), value=float(data.get("weight") or 1.0), title=_plain_title(title))
    return net


def export_html(source: Store | Graph, out: str | Path, **options: Any) -> ExportReport:
    """Write the interactive explorer page (offline, search, legend, tooltips) for ``source`` to ``out``.

    ``options`` are ``kg export``'s: ``view`` ("papers" or "bipartite"),
    ``types``, ``entity``, ``ego``, ``depth``, ``min_shared``, ``max_nodes``
    (default 5,000), ``since``, ``color_by``, ``title``. Returns what was drawn.

    >>> import kg, pathlib, tempfile
    >>> page = pathlib.Path(tempfile.mkdtemp()) / "graph.html"
    >>> with kg.open_store(db) as store:
    ...     report = kg.export_html(store, page, view="bipartite", types="benchmark")
    >>> report.nodes > 13, page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    (True, True)
    """
    from kg.export.html import ExportOptions, export_html as _export_graph, export_store
    from kg.export.select import DEFAULT_MAX_NODES
    from kg.store.base import Store as _Store

    import dataclasses

    from kg.errors import ExportError

    known = sorted(f.name for f in dataclasses.fields(ExportOptions))
    for key in options:
        if key not in known:
            raise ExportError(f"unknown option {key!r}; use: {', '.join(known)}")
    if isinstance(options.get("types"), str):
        options["types"] = [options["types"]]
    default_cap = "max_nodes" not in options
    opts = ExportOptions(**{"max_nodes": DEFAULT_MAX_NODES, **options})
    if isinstance(source, _Store):
        return export_store(source, Path(out), opts, default_cap=default_cap)
    return _export_graph(source, Path(out), opts)
