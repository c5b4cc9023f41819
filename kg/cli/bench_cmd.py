"""``kg bench``: extraction throughput against the bare spaCy tokenizer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

__all__ = ["register", "bench_command"]

_MODES = ("stream", "repeated", "both")


def bench_command(
    papers: Annotated[
        Optional[list[Path]],
        typer.Argument(help="Real papers to time (any format kg reads). Default: a seeded synthetic corpus.", show_default=False),
    ] = None,
    n: Annotated[int, typer.Option("--n", min=1, help="Synthetic abstracts; with PAPERS, the repeated mode cycles them up to this.")] = 3000,
    runs: Annotated[int, typer.Option("--runs", min=1, help="Runs per mode; the best counts.")] = 3,
    mode: Annotated[
        str,
        typer.Option(
            "--mode",
            help="stream: each text once, in fresh processes after a warm-up (what a build sees); "
            "repeated: the same texts again and again (spaCy's chunk cache always hits); both.",
        ),
    ] = "both",
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Exit 1 when the stream ratio (what a build sees) is under the target; with --mode repeated, "
            "the repeated ratio.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Measure abstracts/s of the full extractor and of spacy.blank("en")'s tokenizer on the same texts.

    The target is a ratio of at least 1/3; --check gates the stream mode (the repeated mode only when it is the one measured). spaCy's tokenizer caches up to 10,000 text chunks, so it is far faster on text it has seen: the stream mode times every text once, after a warm-up on other texts of the same kind; the repeated mode times the same texts again and again. Both are printed by default.

    Examples:  kg bench  |  kg bench papers.txt --mode stream  |  kg bench --json --check
    """
    from kg.bench import TARGET_RATIO, measure_repeated, measure_stream
    from kg.cli.commands import err, out

    if mode not in _MODES:
        raise typer.BadParameter(f"{mode!r} is not one of {', '.join(_MODES)}", param_hint="--mode")
    given = None
    if papers:
        from kg.cli.commands import _read

        given = _read(papers, None)
    modes = ("stream", "repeated") if mode == "both" else (mode,)
    results = []
    for m in modes:
        measure = measure_stream if m == "stream" else measure_repeated
        with err.status(f"timing the {m} mode ({runs} run{'s' if runs > 1 else ''})…"):
            results.append(measure(given, n=n, runs=runs))
    # The stream mode is what a build sees; the repeated one mostly measures spaCy's cache
    # (0.29 on the synthetic corpus, whose templates put every chunk in it), so it is shown, not gated.
    gated = results[0]
    if as_json:
        typer.echo(json.dumps([{**r.as_dict(), "gated": r is gated} for r in results], indent=2))
    else:
        from rich.table import Table

        from kg.cli.commands import print_table

        table = Table("mode", "abstracts", box=None, pad_edge=False)
        for column in ("mean chars", "tokenizer /s", "extract /s", "ratio"):
            table.add_column(column, justify="right")
        table.add_column(f"≥ {TARGET_RATIO:.2f}", no_wrap=True)
        for r in results:
            table.add_row(
                r.mode,
                f"{r.abstracts} ({r.distinct} distinct)" if r.distinct != r.abstracts else str(r.abstracts),
                str(r.mean_chars),
                f"{r.tokenizer_per_s:,.0f}",
                f"{r.extract_per_s:,.0f}",
                f"{r.ratio:.2f}",
                ("yes" if r.meets_target else "no") + ("" if r is gated else " (not gated)"),
            )
        print_table(table, out)
    if check and not gated.meets_target:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``kg bench`` to the app."""
    app.command("bench")(bench_command)
