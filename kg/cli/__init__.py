"""The ``kg`` command line: a thin skin over the library.

Every command lives in a module of this package and is registered on ``app``.
A ``KgError`` from the library becomes one ``Error: ...`` line on stderr and
exit code 1; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import sys

from typing import Annotated, Any

import click
import typer
from typer.core import TyperGroup, TyperOption

from kg import __version__
from kg.errors import KgError

__all__ = ["app", "main"]


def _flag_type(self: TyperOption, ctx: click.Context) -> str | None:
    """No ``<bool>`` after a flag in ``--help``: ``--json`` takes no value."""
    return None if self.is_flag else _typer_display_type(self, ctx)


# typer 0.2x prints every option's type, flags included (`--json <bool>`), which reads as
# if the flag wanted a value; its rich help asks this method for the type column.
_typer_display_type = TyperOption.display_type_rich
TyperOption.display_type_rich = _flag_type  # type: ignore[method-assign]


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
        order = ["fetch", "build", "extract", "lookup", "why", "query", "stats", "remove", "export", "eval", "bench"]
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
    add_completion=True,  # --install-completion / --show-completion (bash, zsh, fish, PowerShell)
    pretty_exceptions_show_locals=False,  # a password must never reach a traceback
    rich_markup_mode="rich",
)



def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"kg {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    pass


from kg.cli import commands  # noqa: E402  (registers build, extract, lookup, query, stats)


def _register() -> None:
    # Commands that live in their own modules register themselves on the app.
    from kg.cli import bench_cmd, eval_cmd, export_cmd, fetch_cmd, why_cmd
    from kg.config import open_store

    export_cmd.register(app, open_store)
    why_cmd.register(app, open_store)
    from kg.cli import remove_cmd

    remove_cmd.register(app, open_store)
    eval_cmd.register(app)
    bench_cmd.register(app)
    fetch_cmd.register(app)
    from kg.cli import curate_cmd

    curate_cmd.register(app)


_register()


def main() -> None:
    """Entry point of the ``kg`` console script."""
    bad = undecodable_argument(sys.argv[1:])
    if bad is not None:
        # (Python keeps bytes that are not UTF-8 as lone surrogates, which no store, file
        # or page can hold: say so instead of a traceback from deep inside)
        shown = bad.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        print(f"Error: the argument '{shown}' is not UTF-8 text; give it in UTF-8 (is the terminal's locale UTF-8?)",
              file=sys.stderr)
        raise SystemExit(2)
    from kg.store import neo4j as neo4j_store

    neo4j_store.LEAN_DRIVER_IMPORT = True  # (the CLI sends the driver plain Python values only)
    app()


def undecodable_argument(args: list[str]) -> str | None:
    """The first argument holding bytes that are not UTF-8 (lone surrogates), unless it names
    an existing file (a Linux file name may be any bytes); None when all are text."""
    import os

    for arg in args:
        if any("\udc80" <= ch <= "\udcff" for ch in arg) and not os.path.lexists(arg):
            return arg
    return None

