"""``kg eval``: score the extractor against a gold JSONL set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

__all__ = ["register", "eval_command"]


def eval_command(
    gold: Annotated[Path, typer.Argument(help="Gold set: JSON Lines, one annotated paper a line.")],
    input: Annotated[
        Optional[list[Path]],
        typer.Option(
            "--input",
            "-i",
            help="Papers to extract from (any format kg reads). Default: the gold file's own title/abstract.",
        ),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List misses and false positives per paper, and TP/FP per extractor rule.")
    ] = False,
    disable: Annotated[
        Optional[list[str]],
        typer.Option("--disable", "-x", metavar="RULE",
                     help="Switch an extractor rule off (repeatable), to see what it is worth: a stage (names.shaped) or one of "
                          "its sub-rules (names.shaped.variant); ids as --verbose lists them.",
                     show_default=False),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    curation: Annotated[
        Optional[Path],
        typer.Option("--curation", help="Score with this curation file's fixes applied (what it is worth).",
                     show_default=False),
    ] = None,
) -> None:
    """Score extracted entities against a gold set (micro P/R/F1, type-aware and type-agnostic).

    Example:  kg eval gold.jsonl --input daily-papers.txt --verbose

    Ablation:  kg eval gold.jsonl --input daily-papers.txt --disable context.capitalised_runs
    """
    from kg.evaluate import check_scorable, evaluate, format_report, load_gold
    from kg.extract import extract
    from kg.model import Paper
    from kg.text import clean_text

    from kg.extract.components.assemble import check_rules

    disabled = check_rules(disable or ())  # before reading anything
    records = load_gold(gold)
    check_scorable(records, str(gold))  # before reading or extracting any paper
    fixes = None
    if curation is not None:
        from kg.curation import load_curation

        fixes = load_curation(curation)
    if input:
        from kg.sources import read_papers

        papers = list(read_papers(input))
    else:
        papers = [
            Paper(
                id=str(r.get("id", i)),
                title=clean_text(r.get("title", "")),
                abstract=clean_text(r.get("abstract", "")),
                github=r.get("github"),
            )
            for i, r in enumerate(records)
        ]
    predictions = extract(papers, disable=disabled)
    if fixes is not None:
        predictions = (fixes.curate_mentions(pm) for pm in predictions)
    report = evaluate(records, predictions, gold_name=str(gold))
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        typer.echo(format_report(report, verbose=verbose))


def register(app: typer.Typer) -> None:
    """Add ``kg eval`` to the app."""
    app.command("eval")(eval_command)
