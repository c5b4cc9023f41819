"""Options shared by several commands, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

Papers = Annotated[
    list[Path],
    typer.Argument(
        help="Input files or directories of them: a Daily Papers text dump, .jsonl/.json (records with title + abstract, "
        "or the HF daily-papers API), .csv (title,abstract[,id,url,date]) or an arXiv Atom .xml.",
        show_default=False,
    ),
]
Db = Annotated[
    Optional[Path],
    typer.Option(
        "--db",
        help="Embedded graph database file (default: $KG_DB, else ./.kg/graph.lbdb). Selects the embedded store "
        "even when NEO4J_URI is set.",
        show_default=False,
    ),
]
Neo4jUri = Annotated[
    Optional[str],
    typer.Option(
        "--neo4j-uri",
        help="Use the Neo4j server at this Bolt URI (default: $NEO4J_URI); user and password from "
        "NEO4J_USERNAME / NEO4J_PASSWORD (asked for when unset), database from NEO4J_DATABASE.",
        show_default=False,
    ),
]
InputFormat = Annotated[
    Optional[str],
    typer.Option(
        "--input-format",
        help="Force the input format: daily, jsonl, json, csv or atom (default: sniffed).",
        show_default=False,
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of a table.")]
