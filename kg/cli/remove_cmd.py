"""``kg remove``: delete papers, their links, and the entities no remaining paper mentions."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kg.cli.options import AsJson, Db, Neo4jUri
from kg.store.base import RemoveResult, Store

__all__ = ["register"]

OpenStore = Callable[..., Store]

# No markup: titles and names are printed as they are ("[/x]" included).
out = Console(soft_wrap=True, markup=False, highlight=False)
err = Console(stderr=True, markup=False, highlight=False)

#: Papers and entities a dry run lists in full; past that, the first ones and a count.
_LIST = 50


def _plural(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def register(app: typer.Typer, open_store: OpenStore) -> None:
    """Add the ``remove`` command to ``app``; it opens its store with ``open_store(db, neo4j_uri, writable=...)``."""

    @app.command("remove")
    def remove(
        papers: Annotated[
            Optional[list[str]],
            typer.Argument(help="Ids of the papers to remove (arXiv ids, or the t-... ids of title-only papers).",
                           show_default=False),
        ] = None,
        before: Annotated[
            Optional[str],
            typer.Option("--before", help="Also every paper dated before DATE (YYYY-MM-DD, YYYY-MM or YYYY); "
                         "undated papers stay.", show_default=False),
        ] = None,
        source: Annotated[
            Optional[str],
            typer.Option("--source", help="Also every paper read from FILE (a source as `kg stats` lists it).",
                         show_default=False),
        ] = None,
        dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would go; change nothing.")] = False,
        batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Papers removed per transaction.")] = 1000,
        db: Db = None,
        neo4j_uri: Neo4jUri = None,
        as_json: AsJson = False,
    ) -> None:
        """Remove papers with their mentions, and the entities (and variant links) no remaining paper mentions.

        Papers are chosen by id, by date (--before) or by the file they were read from (--source);
        given together, every paper any of them names goes. The next build reads its input files
        again (only changed papers are extracted), so building a removed paper's file re-adds it.

        Examples:

          kg remove 2501.10003 --dry-run

          kg remove --before 2025-01-01

          kg remove --source papers/2025-01-06.json --json
        """
        if not papers and before is None and source is None:
            raise typer.BadParameter("give paper ids, --before DATE or --source FILE", param_hint="PAPERS")
        with open_store(db, neo4j_uri, writable=not dry_run) as store:
            missing: list[str] = []
            ids = store.select_papers(papers or [], before=before, source=source, missing=missing)
            if missing:
                more = f" and {len(missing) - 1:,} more" if len(missing) > 1 else ""
                err.print(f"Warning: not in the graph (removed before?): {missing[0]}{more}; removing the others",
                          style="yellow", markup=False, highlight=False)
            with Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=err, transient=True, disable=not err.is_terminal or dry_run,
            ) as bar:
                task = bar.add_task("Removing papers", total=len(ids))
                result = store.remove_papers(
                    ids, dry_run=dry_run, batch_size=batch_size, progress=lambda n: bar.advance(task, n)
                )
            counts = store.stats()
        if as_json:
            typer.echo(json.dumps({**result.to_dict(), "graph": counts}, ensure_ascii=False))
            return
        _print(result, counts, before)


def _print(result: RemoveResult, counts: dict, before: str | None) -> None:
    if not result.papers:
        why = f": no paper is dated before {before}" if before is not None else ""
        out.print(f"Nothing to remove{why}")
        return
    papers, entities = len(result.papers), len(result.entities)
    if result.dry_run:
        out.print(f"Would remove {_plural(papers, 'paper')}:")
        table = Table("id", "date", "source", "title", box=None, pad_edge=False)
        for p in result.papers[:_LIST]:
            table.add_row(p["id"], p["date"] or "", Path(p["source"]).name, p["title"])
        out.print(table)
        if papers > _LIST:
            out.print(f"... and {papers - _LIST:,} more")
        if entities:
            names = ", ".join(f"{e['name']} ({e['type']})" for e in result.entities[:_LIST])
            more = f", ... and {entities - _LIST:,} more" if entities > _LIST else ""
            out.print(f"with {_plural(entities, 'entity', 'entities')} no other paper mentions: {names}{more}")
        out.print(
            f"{_plural(result.links, 'mention')} and {_plural(result.variants, 'variant link')} would go; "
            "nothing was changed (dry run)"
        )
        return
    out.print(
        f"Removed {_plural(papers, 'paper')}, {_plural(result.links, 'mention')}, "
        f"{_plural(entities, 'entity', 'entities')} left with no paper and {_plural(result.variants, 'variant link')}"
    )
    out.print(f"Graph: {counts['papers']:,} papers, {counts['entities']:,} entities, {counts['mentions']:,} mentions")
