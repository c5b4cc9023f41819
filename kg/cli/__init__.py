"""The ``kg`` command line: a thin skin over the library.

Every command lives in a module of this package and is registered on ``app``.
A ``KgError`` from the library becomes one ``Error: ...`` line on stderr and
exit code 1; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from typing import Any

import click
import typer
from typer.core import TyperGroup

from kg.errors import KgError

__all__ = ["app", "main"]


class _KgGroup(TyperGroup):
    """Turns a user-fixable ``KgError`` into one line and exit code 1, in every command."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KgError as exc:
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(1) from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        # The order a new user meets them in, not alphabetical.
        order = ["build", "extract", "lookup", "query", "stats", "export", "eval", "bench"]
        names = super().list_commands(ctx)
        return sorted(names, key=lambda n: order.index(n) if n in order else len(order))


app = typer.Typer(
    cls=_KgGroup,
    name="kg",
    help=(
        "Build and explore a knowledge graph of machine-learning papers.\n\n"
        "Read papers (Daily Papers dump, JSON/JSONL, CSV, HF API JSON, arXiv Atom), "
        "extract methods, models, datasets, benchmarks and repositories, store them "
        "in an embedded graph (default) or Neo4j, and query or draw them.\n\n"
        "Start with:  kg build examples/sample-papers.txt --html graph.html"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # a password must never reach a traceback
    rich_markup_mode="rich",
)

from kg.cli import commands  # noqa: E402  (registers build, extract, lookup, query, stats)


def _register() -> None:
    # Commands that live in their own modules register themselves on the app.
    from kg.cli import bench_cmd, eval_cmd, export_cmd
    from kg.config import open_store

    export_cmd.register(app, open_store)
    eval_cmd.register(app)
    bench_cmd.register(app)


_register()


def main() -> None:
    """Entry point of the ``kg`` console script."""
    app()

