"""The graph for other tools: GraphML, GEXF, node-link JSON, and CSV for ``neo4j-admin database import``.

``project(source, options)`` makes the networkx graph ``kg export`` would draw
(the papers view or the bipartite view, with the same filters: ``--type``,
``--entity``, ``--ego``/``--depth``, ``--min-shared``, ``--since``,
``--max-nodes``), read from a store as the HTML export reads it
(``kg.export.select``), but with every link and no drawing (no communities, no
layout, no thinning). ``export_graph(source, out, fmt, options)`` writes it.

Node ids: paper ids in the papers view; ``p:<paper id>`` and ``e:<entity key>``
in the bipartite view (``kg.graph.paper_node``/``entity_node``). Nested
attributes (a paper's entities by type, an edge's shared entities by type,
aliases) become ``entities_<type>``/``shared_<type>``/``aliases`` strings joined
with ``"; "`` in GraphML and GEXF; the JSON keeps them as lists.

**The CSV layout** (a directory) is what ``neo4j-admin database import full``
reads: a header file and a data file per node label and relationship type,
``:ID(Paper)``/``:ID(Entity)`` id spaces, ``:LABEL``/``:TYPE`` columns, typed
columns (``weight:double``, ``papers:int``), lists as ``string[]`` arrays.
Every string is quoted, a quote inside one doubled; values may hold commas,
quotes, ``;`` and newlines (the import needs ``--multiline-fields=true``).
Array elements are joined with ``;`` (neo4j-admin's default); when an element
holds a ``;`` itself, the whole export uses U+001F instead. ``import.sh`` in the
directory holds the exact command.
"""

from __future__ import annotations

import csv
import json
import re
import shlex
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import ExportError
from kg.export.html import ExportOptions, ExportReport, _checked, _cut_message, _project
from kg.export.select import Scope, select_scope
from kg.model import EntityType, Graph
from kg.store.base import Store

__all__ = [
    "FORMATS",
    "DATA_FORMATS",
    "project",
    "export_graph",
    "write_graph",
    "write_graphml",
    "write_gexf",
    "write_json",
    "write_neo4j_csv",
    "flat_attributes",
    "CSV_FILES",
    "ARRAY_DELIMITERS",
    "import_command",
]

#: Every ``kg export --format``; html is the explorer (``kg.export.html``).
FORMATS = ("html", "graphml", "gexf", "json", "csv")
DATA_FORMATS = FORMATS[1:]
#: CSV directory contents: (header file, data file) per node label / relationship type.
CSV_FILES = {
    "Paper": ("papers.header.csv", "papers.csv"),
    "Entity": ("entities.header.csv", "entities.csv"),
    "MENTIONS": ("mentions.header.csv", "mentions.csv"),
    "SHARES": ("shares.header.csv", "shares.csv"),
}
#: Array delimiters, in order of preference: the first that no array element contains.
ARRAY_DELIMITERS = (";", "\x1f")
_TYPES = [t.value for t in EntityType]


# -- projecting ---------------------------------------------------------------------------


def project(source: Store | Graph, options: ExportOptions | None = None, *, default_cap: bool = False) -> tuple[nx.Graph, ExportReport]:
    """The view ``options`` selects, as a networkx graph with every link, and what was cut.

    ``source``: a store (only what is exported is read, as for the HTML export)
    or a ``Graph``. The report's ``path`` is None.
    """
    options = _checked(options)
    scope = select_scope(source, options, default_cap=default_cap) if isinstance(source, Store) else Scope(graph=source)
    view = _project(scope.graph, options, scope, draw=False)
    report = ExportReport(
        nodes=view.g.number_of_nodes(),
        edges=view.g.number_of_edges(),
        cut_nodes=view.cut_nodes,
        cut_message=_cut_message(view, options),
        path=None,
        notes=list(view.notes),
    )
    return view.g, report


def export_graph(
    source: Store | Graph, out: Path | str, fmt: str, options: ExportOptions | None = None, *, default_cap: bool = False
) -> ExportReport:
    """Write the view ``options`` selects from ``source`` to ``out`` as ``fmt`` (a directory for csv)."""
    if fmt not in DATA_FORMATS:
        raise ExportError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")
    g, report = project(source, options, default_cap=default_cap)
    report.path = write_graph(g, out, fmt)
    return report


def write_graph(g: nx.Graph, out: Path | str, fmt: str) -> Path:
    """Write a graph ``project`` made to ``out`` as ``fmt``; return the path."""
    writers = {"graphml": write_graphml, "gexf": write_gexf, "json": write_json, "csv": write_neo4j_csv}
    if fmt not in writers:
        raise ExportError(f"unknown format {fmt!r}; use one of: {', '.join(DATA_FORMATS)}")
    out = Path(out)
    try:
        writers[fmt](g, out)
    except OSError as exc:
        raise ExportError(f"cannot write {out}: {exc.strerror or exc}; choose another --out path") from None
    return out


# -- flat attributes (GraphML, GEXF) ------------------------------------------------------


def _join(values: Any) -> str:
    return "; ".join(str(v) for v in values)


def flat_attributes(data: dict[str, Any], *, node: bool) -> dict[str, Any]:
    """Attributes as strings and numbers only: dicts of lists become ``<name>_<type>`` strings, lists ``"; "``-joined."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            for sub in sorted(value):
                out[f"{key}_{sub}"] = _join(value[sub])
        elif isinstance(value, (list, tuple)):
            out[key] = _join(value)
        elif value is None:
            out[key] = ""
        else:
            out[key] = value
    if node:
        out["label"] = str(data.get("title") if data.get("kind") == "paper" else data.get("name", ""))
    return out


# What XML 1.0 cannot hold at all (C0 controls but tab/newline/return, lone surrogates,
# U+FFFE/U+FFFF), and DEL: written as is, the file is not well-formed and no tool reads it.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(value: Any) -> Any:
    """A string with every character XML cannot hold shown as U+FFFD; other values as they are."""
    return _NOT_XML.sub("\ufffd", value) if isinstance(value, str) else value


def _safe_attributes(data: dict[str, Any]) -> dict[str, Any]:
    return {k: _xml_safe(v) for k, v in data.items()}


def _flat_graph(g: nx.Graph) -> nx.Graph:
    h = nx.Graph()
    h.graph.update({k: _xml_safe(v) for k, v in g.graph.items() if isinstance(v, (str, int, float))})
    h.add_nodes_from((_xml_safe(str(n)), _safe_attributes(flat_attributes(d, node=True))) for n, d in g.nodes(data=True))
    h.add_edges_from(
        (_xml_safe(str(a)), _xml_safe(str(b)), _safe_attributes(flat_attributes(d, node=False)))
        for a, b, d in g.edges(data=True)
    )
    return h


def write_graphml(g: nx.Graph, out: Path) -> None:
    """GraphML (Gephi, Cytoscape, yEd, igraph)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(_flat_graph(g), out, encoding="utf-8")


def write_gexf(g: nx.Graph, out: Path) -> None:
    """GEXF 1.2 (Gephi); a node's ``label`` is its title or name."""
    out.parent.mkdir(parents=True, exist_ok=True)
    nx.write_gexf(_flat_graph(g), out, encoding="utf-8")


def write_json(g: nx.Graph, out: Path) -> None:
    """networkx node-link JSON (``nx.node_link_graph(data, edges="edges")`` reads it back; d3 draws it)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    data = nx.node_link_data(g, edges="edges")
    data["graph"] = {k: v for k, v in g.graph.items()}
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


# -- CSV for neo4j-admin ------------------------------------------------------------------


def _array_delimiter(g: nx.Graph) -> str:
    """The first of ``ARRAY_DELIMITERS`` no array element contains."""
    used = set()
    for _, d in g.nodes(data=True):
        for value in [d.get("aliases") or [], *(d.get("entities") or {}).values()]:
            used.update(ch for v in value for ch in ARRAY_DELIMITERS if ch in v)
    for _, _, d in g.edges(data=True):
        for value in (d.get("shared") or {}).values():
            used.update(ch for v in value for ch in ARRAY_DELIMITERS if ch in v)
    for ch in ARRAY_DELIMITERS:
        if ch not in used:
            return ch
    raise ExportError("every array delimiter (';', U+001F) occurs in a name; the CSV cannot hold these lists")


def _write_csv(directory: Path, files: tuple[str, str], header: list[str], rows: list[list[Any]]) -> None:
    for name, content in zip(files, ([header], rows)):
        with (directory / name).open("w", encoding="utf-8", newline="") as f:
            # Strings quoted (a quote doubled), numbers bare: neo4j-admin's defaults.
            writer = csv.writer(f, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
            writer.writerows(content)


def _entity_types(g: nx.Graph, attr: str, edges: bool) -> list[str]:
    items = (d for _, _, d in g.edges(data=True)) if edges else (d for _, d in g.nodes(data=True))
    seen = {t for d in items for t in (d.get(attr) or {})}
    return [t for t in _TYPES if t in seen] + sorted(seen - set(_TYPES))


def write_neo4j_csv(g: nx.Graph, out: Path) -> None:
    """Header and data files for ``neo4j-admin database import full``, and ``import.sh`` with the command.

    Papers view: ``(:Paper)-[:SHARES {weight, n_shared, shared_<type>}]->(:Paper)``.
    Bipartite view: ``(:Paper)-[:MENTIONS {role, weight}]->(:Entity)``.
    """
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} is a file; --out for csv is a directory")
    out.mkdir(parents=True, exist_ok=True)
    delim = _array_delimiter(g)
    bipartite = g.graph.get("view") == "bipartite"

    def arr(values: Any) -> str:
        return delim.join(str(v) for v in values)

    def pid(node: Hashable) -> str:
        return str(node)[2:] if bipartite else str(node)

    papers = sorted((n, d) for n, d in g.nodes(data=True) if d.get("kind") == "paper")
    ptypes = _entity_types(g, "entities", edges=False)
    header = ["id:ID(Paper)", "title", "date", "url", "github", *(f"entities_{t}:string[]" for t in ptypes), ":LABEL"]
    rows = [
        [pid(n), d.get("title", ""), d.get("date", ""), d.get("url", ""), d.get("github", ""),
         *(arr((d.get("entities") or {}).get(t, [])) for t in ptypes), "Paper"]
        for n, d in papers
    ]  # fmt: skip
    _write_csv(out, CSV_FILES["Paper"], header, rows)
    files = [("nodes", CSV_FILES["Paper"])]
    if bipartite:
        ents = sorted((n, d) for n, d in g.nodes(data=True) if d.get("kind") == "entity")
        header = ["key:ID(Entity)", "name", "type", "aliases:string[]", "papers:int", ":LABEL"]
        rows = [[d["entity_key"], d["name"], d["type"], arr(d.get("aliases") or []), int(d.get("df", 0)), "Entity"] for _, d in ents]
        _write_csv(out, CSV_FILES["Entity"], header, rows)
        header = [":START_ID(Paper)", ":END_ID(Entity)", "role", "weight:double", ":TYPE"]
        rows = []
        for a, b, d in sorted(g.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))):
            p, e = (a, b) if str(a).startswith("p:") else (b, a)
            rows.append([str(p)[2:], str(e)[2:], d.get("role", ""), float(d.get("weight") or 0.0), "MENTIONS"])
        _write_csv(out, CSV_FILES["MENTIONS"], header, rows)
        files += [("nodes", CSV_FILES["Entity"]), ("relationships", CSV_FILES["MENTIONS"])]
    else:
        stypes = _entity_types(g, "shared", edges=True)
        header = [":START_ID(Paper)", ":END_ID(Paper)", "weight:double", "n_shared:int",
                  *(f"shared_{t}:string[]" for t in stypes), ":TYPE"]  # fmt: skip
        rows = [
            [str(a), str(b), float(d.get("weight") or 0.0), int(d.get("n_shared") or 0),
             *(arr((d.get("shared") or {}).get(t, [])) for t in stypes), "SHARES"]
            for a, b, d in sorted(g.edges(data=True), key=lambda e: (str(e[0]), str(e[1])))
        ]  # fmt: skip
        _write_csv(out, CSV_FILES["SHARES"], header, rows)
        files.append(("relationships", CSV_FILES["SHARES"]))
    (out / "import.sh").write_text(_import_script(files, delim), encoding="utf-8")
    (out / "import.sh").chmod(0o755)


def import_command(files: list[tuple[str, tuple[str, str]]], delim: str, database: str = "neo4j") -> list[str]:
    """The ``neo4j-admin database import full`` arguments for these (kind, (header, data)) files."""
    args = ["neo4j-admin", "database", "import", "full"]
    args += [f"--{kind}={header},{data}" for kind, (header, data) in files]
    args += ["--multiline-fields=true", f"--array-delimiter={delim if delim == ';' else f'U+{ord(delim):04X}'}"]
    return args + [database]


def _import_script(files: list[tuple[str, tuple[str, str]]], delim: str) -> str:
    cmd = " \\\n    ".join(shlex.quote(a) for a in import_command(files, delim))
    return (
        "#!/bin/sh\n"
        "# Written by `kg export --format csv`. Loads these files into a new, empty Neo4j 5 database\n"
        "# (stop the server first; add --overwrite-destination to replace an existing one).\n"
        'cd "$(dirname "$0")" || exit 1\n'
        f"{cmd}\n"
    )

