"""build, extract, lookup, query, stats: parse options, call the library, format the answer."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from kg.cli import app
from kg.cli.options import AsJson, Db, InputFormat, Neo4jUri, Papers
from kg.config import open_store, store_label, writer_lock
from kg.errors import InputError, KgError
from kg.model import EntityType, Paper
from kg.sources import expand_paths

# No markup: paths, titles and column names are printed as they are ("[/x]" included).
out = Console(soft_wrap=True, markup=False, highlight=False)
err = Console(stderr=True, markup=False, highlight=False)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


def _read(paths: Sequence[Path], fmt: str | None) -> list[Paper]:
    from kg.sources import read_papers

    papers = list(read_papers(paths, fmt))
    if not papers:
        raise InputError(f"no papers found in {', '.join(map(str, paths))}")
    return papers


@contextmanager
def _timer() -> Iterator[list[float]]:
    box = [0.0]
    start = time.perf_counter()
    yield box
    box[0] = time.perf_counter() - start


def _extract_all(papers: list[Paper], label: str = "Extracting") -> list[Any]:
    from kg.extract import extract

    items = []
    with _progress() as bar:
        task = bar.add_task(label, total=len(papers))
        for item in extract(papers):
            items.append(item)
            bar.advance(task)
    return items


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


# -- commands ---------------------------------------------------------------------------
@app.command()
def build(
    papers: Papers,
    db: Db = None,
    neo4j_uri: Neo4jUri = None,
    html: Annotated[
        Optional[Path], typer.Option("--html", help="Also write the interactive HTML graph here.", show_default=False)
    ] = None,
    input_format: InputFormat = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Rows per write transaction.")] = 1000,
    as_json: AsJson = False,
) -> None:
    """Read papers, extract entities and write them into the graph (re-running changes nothing).

    Example:  kg build examples/sample-papers.txt --html graph.html
    """
    from kg.extract import EXTRACTOR_VERSION
    from kg.resolve import resolve

    # A second build of the same embedded graph fails here, before reading anything.
    with writer_lock(db, neo4j_uri):
        with _timer() as t_read:
            items = _read(papers, input_format)
        with _timer() as t_extract:
            mentions = _extract_all(items)
        graph = resolve(mentions, EXTRACTOR_VERSION)
        export = None
        with open_store(db, neo4j_uri, writable=True, create=True) as store:
            rows = len(graph.papers) + len(graph.entities) + len(graph.links) + len(graph.variants)
            with _progress() as bar:
                task = bar.add_task("Writing", total=rows)
                written = store.write(graph, batch_size=batch_size, progress=lambda n: bar.advance(task, n))
            stats = store.stats()
            if html:
                from kg.export.html import export_html

                with err.status("Drawing the HTML graph .."):
                    export = export_html(store.load_graph(), html)
    summary = {
        "store": store_label(db, neo4j_uri),
        "papers_read": len(items),
        "papers_written": written.papers_written,
        "papers_unchanged": written.papers_skipped,
        "read_seconds": round(t_read[0], 3),
        "extract_seconds": round(t_extract[0], 3),
        "abstracts_per_second": round(len(items) / t_extract[0], 1) if t_extract[0] else None,
        "write_seconds": round(written.seconds, 3),
        "stats": stats,
        "html": str(html) if html else None,
    }
    if export is not None:
        summary["html_nodes"], summary["html_edges"] = export.nodes, export.edges
    if as_json:
        out.print_json(json.dumps(summary))
        return
    by_type = ", ".join(f"{n} {t}" for t, n in sorted(stats["entities_by_type"].items()))
    n_files = len(expand_paths(papers))
    out.print(f"Read {len(items)} papers from {n_files} file{'s' if n_files != 1 else ''} in {t_read[0]:.2f} s")
    out.print(f"Extracted entities in {t_extract[0]:.2f} s ({summary['abstracts_per_second']} abstracts/s)")
    out.print(
        f"Wrote {written.papers_written} papers ({written.papers_skipped} unchanged), "
        f"{written.entities} entities, {written.links} mentions in {written.seconds:.2f} s"
    )
    out.print(f"Graph ({summary['store']}): {stats['papers']} papers, {stats['entities']} entities ({by_type}), "
              f"{stats['mentions']} mentions, {stats['variants']} variant links")
    if export is not None:
        extra = "".join(f"; {note}" for note in [*export.notes, export.cut_message] if note)
        out.print(f"HTML: {html} ({export.nodes} nodes, {export.edges} edges{extra})")


@app.command()
def extract(
    papers: Papers,
    output_format: Annotated[
        str, typer.Option("--format", help="jsonl (one paper a line) or json (one array).")
    ] = "jsonl",
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", help="Write here instead of stdout.", show_default=False)
    ] = None,
    input_format: InputFormat = None,
) -> None:
    """Extract entities without storing anything: one JSON record a paper.

    Each record: {"id", "title", "entities": [{"name", "type", "aliases", "role", "evidence"}]}.

    Example:  kg extract papers.txt -o entities.jsonl
    """
    if output_format not in ("jsonl", "json"):
        raise typer.BadParameter("choose jsonl or json", param_hint="--format")
    records = [
        {
            "id": item.paper.id,
            "title": item.paper.title,
            "entities": [
                {
                    "name": m.name,
                    "type": m.type.value,
                    "aliases": list(m.aliases),
                    "role": m.role.value,
                    "evidence": m.evidence,
                }
                for m in item.mentions
            ],
        }
        for item in _extract_all(_read(papers, input_format))
    ]
    if output_format == "jsonl":
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    else:
        text = json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if output:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise KgError(f"cannot write {output}: {exc.strerror}") from None
        err.print(f"Wrote {len(records)} papers to {output}")
    else:
        sys.stdout.write(text)


@app.command()
def lookup(
    name: Annotated[str, typer.Argument(help="Entity name or alias (case, spaces and hyphens ignored).")],
    type: Annotated[
        Optional[EntityType], typer.Option("--type", "-t", help="Only entities of this type.", show_default=False)
    ] = None,
    db: Db = None,
    neo4j_uri: Neo4jUri = None,
    as_json: AsJson = False,
) -> None:
    """Find an entity by name or alias and list the papers that mention it.

    Example:  kg lookup CALVIN
    """
    with open_store(db, neo4j_uri) as store:
        hits = store.lookup(name, type.value if type else None)
        if not hits:
            other_types = store.lookup(name) if type else []
            if other_types:
                found = ", ".join(f"{h.name} ({h.type})" for h in other_types)
                raise KgError(f"no entity named {name!r} of type {type.value}; there is {found}")
            import difflib

            names = [r[0] for r in store.query("MATCH (e:Entity) RETURN e.name").rows]
            close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise KgError(f"no entity named {name!r}{hint}")
    if as_json:
        out.print_json(json.dumps([hit.__dict__ for hit in hits]))
        return
    for hit in hits:
        extra = [f"aliases: {', '.join(hit.aliases)}"] if hit.aliases else []
        extra += [f"variant of {hit.family}"] if hit.family else []
        extra += [f"variants: {', '.join(hit.variants)}"] if hit.variants else []
        out.print(Text.assemble((hit.name, "bold"), f" ({hit.type})", *(f"  {x}" for x in extra)))
        via = any(p["via"] for p in hit.papers)
        table = Table("paper", "title", "role", *(["via"] if via else []), box=None, pad_edge=False)
        for p in hit.papers:
            table.add_row(p["id"], p["title"], p["role"], *([p["via"] or ""] if via else []))
        out.print(table)
        out.print(f"{len(hit.papers)} paper(s)\n")


@app.command()
def query(
    cypher: Annotated[
        Optional[str], typer.Argument(help="A Cypher statement (or use --file).", show_default=False)
    ] = None,
    file: Annotated[
        Optional[Path],
        typer.Option("--file", "-f", help="Run the query in this .cypher file (see cypher/).", show_default=False),
    ] = None,
    param: Annotated[
        Optional[list[str]],
        typer.Option("--param", "-p", help="A parameter as name=value (repeatable); numbers and true/false typed.",
                     show_default=False),
    ] = None,
    write: Annotated[bool, typer.Option("--write", help="Allow the query to change the graph.")] = False,
    db: Db = None,
    neo4j_uri: Neo4jUri = None,
    as_json: AsJson = False,
) -> None:
    """Run Cypher on the graph; read-only unless --write.

    Examples:

      kg query 'MATCH (p:Paper) RETURN count(p)'

      kg query -f cypher/papers_mentioning_entity.cypher --param name=CALVIN
    """
    from kg.store.cypher_files import check_params, parse_param, read_query_file

    if (cypher is None) == (file is None):
        raise typer.BadParameter("give a Cypher statement or --file, not both or neither")
    params: dict[str, Any] = {}
    neo4j_only = False
    if file is not None:
        query_file = read_query_file(file)
        cypher, params, neo4j_only = query_file.text, dict(query_file.defaults), query_file.neo4j_only
    defaults = dict(params)
    for item in param or []:
        key, value = parse_param(item, defaults)
        params[key] = value
    check_params(cypher, params)
    with open_store(db, neo4j_uri, writable=write) as store:
        if neo4j_only and store.kind != "neo4j":
            raise KgError(f"{file} runs on Neo4j only (its header says so); select Neo4j with --neo4j-uri or NEO4J_URI")
        result = store.query(cypher, params, write=write)
    if as_json:
        out.print_json(json.dumps(_jsonable(result.dicts())))
        return
    table = Table(*result.columns, box=None, pad_edge=False)
    for row in result.rows:
        table.add_row(*(_cell(v) for v in row))
    out.print(table)
    out.print(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


@app.command()
def stats(db: Db = None, neo4j_uri: Neo4jUri = None, as_json: AsJson = False) -> None:
    """Count papers, entities by type, mentions by role and variant links.

    Example:  kg stats --json
    """
    with open_store(db, neo4j_uri) as store:
        counts = store.stats()
    if as_json:
        out.print_json(json.dumps(counts))
        return
    table = Table("what", "count", box=None, pad_edge=False)
    for key in ("papers", "entities", "mentions", "variants"):
        table.add_row(key, str(counts[key]))
    for etype, n in sorted(counts["entities_by_type"].items()):
        table.add_row(f"  entities: {etype}", str(n))
    for role, n in sorted(counts["mentions_by_role"].items()):
        table.add_row(f"  mentions: {role}", str(n))
    out.print(table)
