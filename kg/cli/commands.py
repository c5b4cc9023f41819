"""build, extract, lookup, query, stats: parse options, call the library, format the answer."""

from __future__ import annotations

import json
import re
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
from kg.cli.curate_cmd import CurationPath, build_curation, build_summary
from kg.cli.options import AsJson, Db, InputFormat, Neo4jUri, Papers
from kg.cli.fetch_cmd import ArxivQuery, BaseUrl, BuildFrom, Cache, FromDate, MaxResults, Refresh, ToDate, plan_fetch
from kg.config import open_store, store_label, writer_lock
from kg.errors import InputError, KgError, QueryRejected
from kg.model import EntityType, Paper
from kg.sources import expand_paths
from kg.store.writer import BATCH_SIZE

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


def _count(n: int, noun: str) -> str:
    """ "1 paper", "2 papers", "1 entity", "2 entities". """
    if n == 1:
        return f"{n:,} {noun}"
    return f"{n:,} {noun[:-1] + 'ies' if noun.endswith('y') else noun + 's'}"


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


_TRAILING = re.compile(r"[ ]+((?:\x1b\[[0-9;]*m)*)$")


def print_table(table: Table, console: Console | None = None) -> None:
    """Print a rich table without the spaces rich pads the last column with."""
    console = console or out
    with console.capture() as captured:
        console.print(table)
    lines = [_TRAILING.sub(r"\1", line) for line in captured.get().splitlines()]
    console.file.write("".join(line + "\n" for line in lines))
    console.file.flush()


def is_number(value: Any) -> bool:
    """An int or float cell (not a bool): tables right-align columns of them."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_writable(path: Path, option: str) -> None:
    """Fail now, not after a long build, when ``path`` cannot be written; raises ``KgError``."""
    if path.is_dir():
        raise KgError(f"{option} {path} is a directory; give a file name such as {path / 'graph.html'}")
    above = next((p for p in path.parents if p.exists()), None)
    if above is not None and not above.is_dir():
        raise KgError(f"cannot write {path}: {above} is a file, not a directory; choose another {option} path")
    existed = path.exists()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8"):
            pass
    except OSError as exc:
        raise KgError(f"cannot write {path}: {exc.strerror or exc}; choose another {option} path") from None
    if not existed:
        path.unlink(missing_ok=True)


# -- commands ---------------------------------------------------------------------------
@app.command()
def build(
    papers: Papers = None,  # none with --from: the fetched files are the input
    db: Db = None,
    neo4j_uri: Neo4jUri = None,
    html: Annotated[
        Optional[Path], typer.Option("--html", help="Also write the interactive HTML graph here.", show_default=False)
    ] = None,
    input_format: InputFormat = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Rows per write transaction.")] = BATCH_SIZE,
    workers: Annotated[
        Optional[int],
        typer.Option("--workers", "-w", min=1, help="Extraction processes (default: the number of cores).", show_default=False),
    ] = None,
    chunk_size: Annotated[
        int, typer.Option("--chunk-size", min=1, help="Papers read, checked and extracted per step; memory follows it.")
    ] = 2000,
    source: BuildFrom = None,
    from_date: FromDate = None,
    to_date: ToDate = None,
    query: ArxivQuery = None,
    max_results: MaxResults = 100,
    cache: Cache = None,
    refresh: Refresh = False,
    base_url: BaseUrl = None,
    curation: CurationPath = None,
    as_json: AsJson = False,
) -> None:
    """Read papers, extract entities and write them into the graph (re-running changes nothing).

    The input is streamed in chunks: files the graph already holds as they are are not read
    again, papers whose text and extractor are unchanged are skipped before extraction, and
    the rest are extracted on all cores. Nothing is written until the whole input has been
    read and extracted, so a bad record anywhere leaves the graph as it was.

    With --from, the papers are fetched first (see `kg fetch`), into a cache reused offline.

    Examples:

      kg build examples/sample-papers.txt --html graph.html

      kg build --from hf-daily --from-date 2025-09-01 --to-date 2025-09-02
    """
    from kg.build import build as run_build

    fetch_plan = plan_fetch(source, from_date, to_date, query, max_results, cache, refresh, base_url)
    if fetch_plan is None and not papers:
        raise typer.BadParameter("give input files, or --from hf-daily|arxiv to fetch them", param_hint="PAPERS")
    fetched = None

    if html:
        check_writable(html, "--html")
    fixes = build_curation(curation, db, neo4j_uri)  # the user's corrections, applied every build
    # A second build of the same embedded graph fails here, before reading anything.
    with writer_lock(db, neo4j_uri):
        if fetch_plan is not None:
            fetched = fetch_plan.run(have_files=bool(papers))
            papers = [*(papers or []), *fetched.paths]
        export = None
        with open_store(db, neo4j_uri, writable=True, create=True) as store:
            with _progress() as bar:
                reading = bar.add_task("Reading and extracting papers", total=None)
                writing = bar.add_task("Writing rows", total=None, visible=False)

                def rows(n: int) -> None:
                    bar.update(writing, advance=n, visible=True)

                done = run_build(
                    papers, store, fmt=input_format, chunk_size=chunk_size, workers=workers,
                    batch_size=batch_size, on_papers=lambda n: bar.advance(reading, n), on_rows=rows,
                    curation=fixes,
                )
            stats = store.stats()
            if html:
                from kg.export.html import ExportOptions, export_store
                from kg.export.select import DEFAULT_MAX_NODES

                with err.status("Drawing the HTML graph .."):
                    # as `kg export --html` draws it: at most DEFAULT_MAX_NODES, the cut said
                    options = ExportOptions(max_nodes=DEFAULT_MAX_NODES)
                    export = export_store(store, html, options, default_cap=True)
    summary = {
        "store": store_label(db, neo4j_uri),
        "papers_read": done.papers_read,
        "papers_extracted": done.papers_extracted,
        "papers_written": done.papers_written,
        "papers_unchanged": done.papers_unchanged,
        "upvotes_updated": done.upvotes_updated,
        "files_unchanged": done.files_skipped,
        "workers": done.workers,
        "read_seconds": round(done.read_seconds, 3),
        "extract_seconds": round(done.extract_seconds, 3),
        "abstracts_per_second": done.abstracts_per_second,
        "write_seconds": round(done.write_seconds, 3),
        "seconds": round(done.seconds, 3),
        "stats": stats,
        "html": str(html) if html else None,
        "fetched": fetched.as_dict() if fetched else None,
    }
    summary["curation"], curation_line = build_summary(fixes, done.curation)
    if export is not None:
        summary["html_nodes"], summary["html_edges"] = export.nodes, export.edges
    if as_json:
        out.print_json(json.dumps(summary))
        return
    by_type = ", ".join(f"{n} {t}" for t, n in sorted(stats["entities_by_type"].items()))
    n_files = len(expand_paths(papers))
    workers_note = f", {done.workers} workers" if done.workers > 1 else ""
    skipped = (
        f" ({done.files_skipped} unchanged since the last build, not read again)" if done.files_skipped else ""
    )
    out.print(
        f"Read {_count(done.papers_read, 'paper')} from {_count(n_files, 'file')} "
        f"in {done.read_seconds:.2f} s{skipped}"
    )
    if done.papers_extracted:
        out.print(
            f"Extracted entities from {_count(done.papers_extracted, 'paper')} in {done.extract_seconds:.2f} s "
            f"({summary['abstracts_per_second']} abstracts/s{workers_note})"
        )
    else:
        out.print("Extracted nothing: every paper is unchanged since the last build")
    upvotes = f", upvotes of {_count(done.upvotes_updated, 'paper')} updated" if done.upvotes_updated else ""
    out.print(
        f"Wrote {_count(done.papers_written, 'paper')} ({done.papers_unchanged} unchanged{upvotes}), "
        f"{_count(done.entities, 'entity')}, {_count(done.links, 'mention')} in {done.write_seconds:.2f} s"
    )
    out.print(f"Graph ({summary['store']}): {_count(stats['papers'], 'paper')}, {_count(stats['entities'], 'entity')} "
              f"({by_type}), {_count(stats['mentions'], 'mention')}, {_count(stats['variants'], 'variant link')}")
    if curation_line:
        out.print(curation_line)
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
    workers: Annotated[
        Optional[int],
        typer.Option("--workers", "-w", min=1, help="Extraction processes (default: the number of cores).", show_default=False),
    ] = None,
) -> None:
    """Extract entities without storing anything: one JSON record a paper, streamed.

    Each record: {"id", "title", "entities": [{"name", "type", "aliases", "role", "evidence",
    "spans", "title_spans", "rule", "typed_by"}]}; spans are [start, stop] character offsets of
    every occurrence in the abstract (first first: abstract[start:stop] is the name or an
    alias), title_spans the same in the title; rule is the id of the extractor rule that found
    it, typed_by the one that chose its type (kg eval --verbose counts both).

    Example:  kg extract papers.txt -o entities.jsonl
    """
    if output_format not in ("jsonl", "json"):
        raise typer.BadParameter("choose jsonl or json", param_hint="--format")
    from kg.build import extract_stream
    from kg.sources import read_papers

    def records() -> Iterator[str]:
        for paper, raw in extract_stream(read_papers(papers, input_format), workers=workers):
            record = {
                "id": paper.id,
                "title": paper.title,
                "entities": [
                    {
                        "name": name, "type": etype.value, "aliases": list(aliases), "role": role.value,
                        "evidence": evidence, "spans": [list(x) for x in spans], "title_spans": [list(x) for x in tspans],
                        "rule": rule, "typed_by": typed_by,
                    }
                    for name, etype, aliases, _family, role, _count, evidence, spans, tspans, rule, typed_by in raw
                ],
            }
            yield json.dumps(record, ensure_ascii=False) if output_format == "jsonl" else json.dumps(
                record, ensure_ascii=False, indent=2
            )

    # Streamed: one record is written as soon as it is extracted; nothing holds the corpus.
    try:
        sink = output.open("w", encoding="utf-8") if output else sys.stdout
    except OSError as exc:
        raise KgError(f"cannot write {output}: {exc.strerror}") from None
    count = 0
    try:
        for text in records():
            if output_format == "jsonl":
                sink.write(text + "\n")
            else:
                sink.write(("[\n" if count == 0 else ",\n") + "\n".join("  " + line for line in text.splitlines()))
            count += 1
        if count == 0:
            raise InputError(f"no papers found in {', '.join(map(str, papers))}")
        if output_format == "json":
            sink.write("\n]\n")
    except OSError as exc:
        raise KgError(f"cannot write {output or 'stdout'}: {exc.strerror}") from None
    finally:
        if output:
            sink.close()
    if output:
        err.print(f"Wrote {_count(count, 'paper')} to {output}")


@app.command()
def lookup(
    name: Annotated[str, typer.Argument(help="Entity name or alias (case, spaces and hyphens ignored).")],
    type: Annotated[
        Optional[EntityType], typer.Option("--type", "-t", help="Only entities of this type.", show_default=False)
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=0, help="Papers to list per entity (0: all); the total is always shown.")
    ] = 50,
    db: Db = None,
    neo4j_uri: Neo4jUri = None,
    as_json: AsJson = False,
) -> None:
    """Find an entity by name or alias and list the papers that mention it.

    Example:  kg lookup CALVIN
    """
    with open_store(db, neo4j_uri) as store:
        hits = store.lookup(name, type.value if type else None, limit=limit)
        if not hits:
            other_types = store.lookup(name, limit=1) if type else []
            if other_types:
                found = ", ".join(f"{h.name} ({h.type})" for h in other_types)
                raise KgError(f"no entity named {name!r} of type {type.value}; there is {found}")
            close = did_you_mean(store, name)
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
        print_table(table)
        if len(hit.papers) < hit.total:
            out.print(f"showing {len(hit.papers):,} of {_count(hit.total, 'paper')}; --limit 0 for all\n")
        else:
            out.print(_count(len(hit.papers), "paper") + "\n")


def did_you_mean(store: Any, name: str, n: int = 5) -> list[str]:
    """Entity names close to ``name``: names it begins (shortest first), then near spellings."""
    from kg.text import match_key

    key = match_key(name)
    if not key:
        return []
    # `qwen` begins `Qwen2.5-7B-Instruct` but is too far from it for a spelling match.
    rows = store.query(
        "MATCH (e:Entity) UNWIND e.keys AS k WITH e, k WHERE k STARTS WITH $key AND k <> $key "
        "RETURN e.name AS name, min(size(k)) AS n ORDER BY n, name LIMIT $cap",
        {"key": key, "cap": n},
    ).rows
    names = [row[0] for row in rows] + list(store.suggest(name, n=n))
    return list(dict.fromkeys(names))[:n]


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
    if cypher is not None and not cypher.strip():
        raise KgError("the query is empty; give a statement, e.g. kg query 'MATCH (p:Paper) RETURN count(p)'")
    params: dict[str, Any] = {}
    neo4j_only = False
    if file is not None:
        query_file = read_query_file(file)
        cypher, params, neo4j_only = query_file.text, dict(query_file.defaults), query_file.neo4j_only
    defaults = dict(params)
    given: dict[str, str] = {}
    for item in param or []:
        key, value = parse_param(item, defaults)
        if key in given:
            raise QueryRejected(f"--param {key} is given twice ({given[key]!r} and {item!r}); give it once")
        given[key] = item
        params[key] = value
    check_params(cypher, params)
    with open_store(db, neo4j_uri, writable=write) as store:
        if neo4j_only and store.kind != "neo4j":
            raise KgError(f"{file} runs on Neo4j only (its header says so); select Neo4j with --neo4j-uri or NEO4J_URI")
        result = store.query(cypher, params, write=write)
    if as_json:
        out.print_json(json.dumps(_jsonable(result.dicts())))
        return
    table = Table(box=None, pad_edge=False)
    for i, column in enumerate(result.columns):
        values = [row[i] for row in result.rows if row[i] is not None]
        numeric = bool(values) and all(is_number(v) for v in values)
        # Short values (ids, dates, roles, numbers) keep their width; long text wraps around them.
        longest = max((len(_cell(v)) for v in values), default=0)
        short = longest <= SHORT_CELL
        table.add_column(
            column, justify="right" if numeric else "left", no_wrap=short,
            min_width=max(longest, len(column)) if short else None, overflow="fold",
        )
    for row in result.rows:
        table.add_row(*(_cell(v) for v in row))
    print_table(table)
    out.print(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")


#: Cells up to this long are never wrapped or cut in a query's table.
SHORT_CELL = 24


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


@app.command()
def stats(db: Db = None, neo4j_uri: Neo4jUri = None, as_json: AsJson = False) -> None:
    """Count papers, entities by type, mentions by role and variant links; show the papers'
    date range, the files they were read from and the extractor version(s) that read them.

    Example:  kg stats --json
    """
    with open_store(db, neo4j_uri) as store:
        counts = {**store.stats(), **store.coverage()}
    if as_json:
        out.print_json(json.dumps(counts))
        return
    table = Table("what", box=None, pad_edge=False)
    table.add_column("count", justify="right")
    for key in ("papers", "entities", "mentions", "variants"):
        table.add_row(key, str(counts[key]))
    for etype, n in sorted(counts["entities_by_type"].items()):
        table.add_row(f"  entities: {etype}", str(n))
    for role, n in sorted(counts["mentions_by_role"].items()):
        table.add_row(f"  mentions: {role}", str(n))
    print_table(table)
    _print_coverage(counts)


def _print_coverage(counts: dict[str, Any], shown: int = 10) -> None:
    """The date range, sources and extractor versions under ``kg stats``' table."""
    dates = counts["dates"]
    undated = f", {dates['undated']:,} undated" if dates["undated"] else ""
    span = f"{dates['first']} .. {dates['last']}" if dates["dated"] else "none"
    out.print(f"dates: {span} ({dates['dated']:,} dated papers{undated})")
    sources = sorted(counts["sources"].items(), key=lambda kv: (-kv[1], kv[0]))
    listed = ", ".join(f"{name or '(unnamed)'} ({n:,})" for name, n in sources[:shown])
    more = f", ... and {len(sources) - shown:,} more (--json lists all)" if len(sources) > shown else ""
    out.print(f"sources: {listed or 'none'}{more}")
    versions = ", ".join(f"{v or '(none)'} ({_count(n, 'paper')})" for v, n in counts["extractors"].items())
    out.print(f"extractor: {versions or 'none'}")
