"""``kg export``: draw the stored graph as one self-contained interactive HTML page."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from kg.cli.options import AsJson, Db, Neo4jUri
from kg.errors import ExportError
from kg.store.base import Store

__all__ = ["register"]

OpenStore = Callable[[Optional[Path], Optional[str]], Store]


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _check_choice(value: str | None, choices: tuple[str, ...], hint: str) -> None:
    if value is not None and value not in choices:
        raise typer.BadParameter(f"{value!r} is not one of: {', '.join(choices)}", param_hint=hint)


def register(app: typer.Typer, open_store: OpenStore) -> None:
    """Add the ``export`` command to ``app``; it opens its store with ``open_store(db, neo4j_uri)``."""

    @app.command("export")
    def export(
        html: Annotated[
            Optional[Path], typer.Option("--html", help="Write the interactive HTML page here (--format html --out PATH).", show_default=False)
        ] = None,
        fmt: Annotated[
            str,
            typer.Option(
                "--format",
                help="html (the explorer), graphml, gexf, json (networkx node-link) or csv (a directory for neo4j-admin import).",
            ),
        ] = "html",
        out: Annotated[
            Optional[Path], typer.Option("--out", "-o", help="Write here (csv: a directory).", show_default=False)
        ] = None,
        view: Annotated[
            str, typer.Option("--view", help="papers (papers linked by shared entities) or bipartite (papers + entities).")
        ] = "papers",
        types: Annotated[
            Optional[list[str]],
            typer.Option(
                "--type",
                help="Entity types that count as links (repeatable): model, method, dataset, benchmark, github, url.",
                show_default=False,
            ),
        ] = None,
        entity: Annotated[
            Optional[str], typer.Option("--entity", help="Only the papers around this entity (name or alias).", show_default=False)
        ] = None,
        ego: Annotated[
            Optional[str],
            typer.Option(
                "--ego",
                help="Only the neighbourhood of this paper (id, title, or a unique start or part of its title) or entity.",
                show_default=False,
            ),
        ] = None,
        depth: Annotated[
            Optional[int],
            typer.Option("--depth", min=0, help="Hops around --ego/--entity (default 1; 2 for --entity in bipartite).", show_default=False),
        ] = None,
        min_shared: Annotated[
            int, typer.Option("--min-shared", min=1, help="papers view: link papers sharing at least K entities.")
        ] = 1,
        max_nodes: Annotated[
            Optional[int],
            typer.Option(
                "--max-nodes",
                min=1,
                help="Keep the N most connected nodes (html: default 5,000; other formats: all); the rest is reported as cut.",
                show_default=False,
            ),
        ] = None,
        since: Annotated[
            Optional[str], typer.Option("--since", help="Only papers dated on or after DATE (YYYY-MM-DD).", show_default=False)
        ] = None,
        until: Annotated[
            Optional[str],
            typer.Option("--until", help="Only papers dated on or before DATE (YYYY-MM-DD; YYYY-MM: to the month's end).",
                         show_default=False),
        ] = None,
        color_by: Annotated[
            Optional[str],
            typer.Option("--color-by", help="community or type (default: community for papers, type for bipartite).", show_default=False),
        ] = None,
        title: Annotated[Optional[str], typer.Option("--title", help="Page heading.", show_default=False)] = None,
        as_json: AsJson = False,
        db: Db = None,
        neo4j_uri: Neo4jUri = None,
    ) -> None:
        """Draw the graph as one interactive HTML file that opens offline (search, legend, tooltips), or write it for other tools.

        Example:  kg export --html graph.html --type model --type dataset --max-nodes 500

        The same view for other tools (every link; --max-nodes is off unless given):

          kg export --format graphml --out graph.graphml --type model

          kg export --format csv --out graph-csv --view bipartite   (then: sh graph-csv/import.sh)
        """
        from kg.export.html import COLOR_BY, VIEWS, ExportOptions, export_scope
        from kg.export.select import DEFAULT_MAX_NODES, select_scope
        from kg.graph import parse_since, parse_types

        for value, hint in ((entity, "--entity"), (ego, "--ego"), (title, "--title")):
            if value is not None and not value.strip():
                raise typer.BadParameter("is empty", param_hint=hint)
        from kg.export.formats import FORMATS

        _check_choice(fmt, FORMATS, "--format")
        if html is not None and (fmt != "html" or out is not None):
            raise typer.BadParameter("writes the html format; use --out for the path", param_hint="--html")
        target = html or out
        if target is None:
            raise typer.BadParameter(f"where to write: give --out PATH{' (or --html PATH)' if fmt == 'html' else ''}", param_hint="--out")
        _check_choice(view, VIEWS, "--view")
        _check_choice(color_by, COLOR_BY, "--color-by")
        try:
            if types:
                parse_types(types)
            if since:
                parse_since(since)
            if until:
                from kg.export.select import parse_until

                parse_until(until)
        except ExportError as exc:
            hint = next((f for f in ("--since", "--until") if str(exc).startswith(f)), "--type")
            raise typer.BadParameter(str(exc).removeprefix(hint + " "), param_hint=hint) from None
        if since and until and parse_since(since) > parse_until(until):
            raise typer.BadParameter(f"{until} is before --since {since}", param_hint="--until")
        if depth is not None and not (ego or entity):
            raise typer.BadParameter("needs --ego or --entity (the node to count hops from)", param_hint="--depth")
        options = ExportOptions(
            until=until,
            view=view,
            types=list(types) if types else None,
            entity=entity,
            ego=ego,
            depth=depth,
            min_shared=min_shared,
            # Data exports hold everything unless --max-nodes says otherwise; a page draws 5,000 by default.
            max_nodes=max_nodes or (DEFAULT_MAX_NODES if fmt == "html" else None),
            since=since,
            color_by=color_by,
            title=title,
        )
        if fmt != "html":
            from kg.export.formats import project, write_graph

            with Console(stderr=True).status("Reading the graph .."):
                with open_store(db, neo4j_uri) as store:
                    g, report = project(store, options)
                report.path = write_graph(g, target, fmt)
        else:
            with Console(stderr=True).status("Reading the graph ..") as status:
                with open_store(db, neo4j_uri) as store:
                    # Only what is drawn is read: a big graph is cut in the store (kg.export.select).
                    scope = select_scope(store, options, default_cap=max_nodes is None)
                status.update(f"Drawing {len(scope.graph.papers):,} papers ..")
                report = export_scope(scope, target, options)
        if as_json:
            typer.echo(json.dumps(report.to_dict(), ensure_ascii=False))
            return
        extra = "".join(f"; {note}" for note in [*report.notes, report.cut_message] if note)
        typer.echo(f"Wrote {report.path}: {_count(report.nodes, 'node')}, {_count(report.edges, 'edge')}{extra}")
