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


def _check_choice(value: str | None, choices: tuple[str, ...], hint: str) -> None:
    if value is not None and value not in choices:
        raise typer.BadParameter(f"{value!r} is not one of: {', '.join(choices)}", param_hint=hint)


def register(app: typer.Typer, open_store: OpenStore) -> None:
    """Add the ``export`` command to ``app``; it opens its store with ``open_store(db, neo4j_uri)``."""

    @app.command("export")
    def export(
        html: Annotated[Path, typer.Option("--html", help="Write the interactive HTML page here.", show_default=False)],
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
            typer.Option("--ego", help="Only the neighbourhood of this paper (id or title) or entity.", show_default=False),
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
                help="Keep the N most connected nodes (default 5,000); the rest is reported as cut.",
                show_default=False,
            ),
        ] = None,
        since: Annotated[
            Optional[str], typer.Option("--since", help="Only papers dated on or after DATE (YYYY-MM-DD).", show_default=False)
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
        """Draw the graph as one interactive HTML file that opens offline (search, legend, tooltips).

        Example:  kg export --html graph.html --type model --type dataset --max-nodes 500
        """
        from kg.export.html import COLOR_BY, VIEWS, ExportOptions, export_scope
        from kg.export.select import DEFAULT_MAX_NODES, select_scope
        from kg.graph import parse_since, parse_types

        for value, hint in ((entity, "--entity"), (ego, "--ego"), (title, "--title")):
            if value is not None and not value.strip():
                raise typer.BadParameter("is empty", param_hint=hint)
        _check_choice(view, VIEWS, "--view")
        _check_choice(color_by, COLOR_BY, "--color-by")
        try:
            if types:
                parse_types(types)
            if since:
                parse_since(since)
        except ExportError as exc:
            hint = "--since" if str(exc).startswith("--since") else "--type"
            raise typer.BadParameter(str(exc).removeprefix("--since "), param_hint=hint) from None
        if depth is not None and not (ego or entity):
            raise typer.BadParameter("needs --ego or --entity (the node to count hops from)", param_hint="--depth")
        options = ExportOptions(
            view=view,
            types=list(types) if types else None,
            entity=entity,
            ego=ego,
            depth=depth,
            min_shared=min_shared,
            max_nodes=max_nodes or DEFAULT_MAX_NODES,
            since=since,
            color_by=color_by,
            title=title,
        )
        with Console(stderr=True).status("Reading the graph ..") as status:
            with open_store(db, neo4j_uri) as store:
                # Only what is drawn is read: a big graph is cut in the store (kg.export.select).
                scope = select_scope(store, options, default_cap=max_nodes is None)
            status.update(f"Drawing {len(scope.graph.papers):,} papers ..")
            report = export_scope(scope, html, options)
        if as_json:
            typer.echo(json.dumps(report.to_dict(), ensure_ascii=False))
            return
        extra = "".join(f"; {note}" for note in [*report.notes, report.cut_message] if note)
        typer.echo(f"Wrote {report.path}: {report.nodes:,} nodes, {report.edges:,} edges{extra}")
