"""``kg why``: why a paper is linked to an entity, or to another paper (a skin over ``kg.why``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.table import Table

from kg.cli.options import AsJson, Db, Neo4jUri
from kg.store.base import Store

__all__ = ["register", "format_entity", "format_pair"]

OpenStore = Callable[[Optional[Path], Optional[str]], Store]


def _pairs(flat: list[int]) -> str:
    return ", ".join(f"{a}-{b}" for a, b in zip(flat[::2], flat[1::2]))


def _provenance(p: dict[str, Any]) -> str:
    """``chars 120-129, 300-309 · title chars 0-6 · rule acronym.definition`` from whatever
    provenance a link carries (offsets into the abstract and the title: ``where_fields``)."""
    parts = []
    rest = dict(p)
    if isinstance(rest.get("spans"), list):
        rest.pop("start", None), rest.pop("stop", None)
        parts.append(f"chars {_pairs(rest.pop('spans'))}")
    elif "start" in rest and "stop" in rest:
        parts.append(f"chars {rest.pop('start')}-{rest.pop('stop')}")
    if isinstance(rest.get("title_spans"), list):
        parts.append(f"title chars {_pairs(rest.pop('title_spans'))}")
    parts += [f"{k} {v}" for k, v in rest.items()]
    return " · ".join(parts)


def format_entity(result: Any) -> list[str]:
    """The lines ``kg why PAPER ENTITY`` prints."""
    lines = [f"{result.paper.id}  {result.paper.title}"]
    for m in result.mentions:
        via = f", a variant of {m.via}" if m.via else ""
        times = "1 mention" if m.count == 1 else f"{m.count} mentions"
        lines.append(f"{m.name} ({m.type}){via}: {m.role}, {times}")
        lines.append(f"  {m.marked}" if m.evidence else "  (no evidence sentence stored)")
        if m.provenance:
            lines.append(f"  {_provenance(m.provenance)}")
    return lines


def format_pair(result: Any) -> tuple[list[str], Table, list[str]]:
    """The head lines, the table and the foot lines ``kg why PAPER PAPER`` prints."""
    head = [f"A  {result.a.id}  {result.a.title}", f"B  {result.b.id}  {result.b.title}"]
    table = Table("entity", "type", "A", "B", "papers", "weight", box=None, pad_edge=False)
    for s in result.shared:
        table.add_row(s.name, s.type, s.role_a, s.role_b, str(s.papers), f"{s.weight:.3f}" if s.links else "-")
    n = len(result.shared)
    foot = []
    if result.n_shared:
        foot.append(
            f"{n} shared entit{'y' if n == 1 else 'ies'}; the explorer links A and B with weight "
            f"{result.weight:.3f} (the sum of 1/log2(1 + papers) over the {result.n_shared} that link)"
        )
    else:
        foot.append(f"{n} shared entit{'y' if n == 1 else 'ies'}, none of which links papers in the explorer")
    unlinked = [s.name for s in result.shared if not s.links]
    if unlinked and result.n_shared:
        why = "not of --type, or too common to link papers" if result.types else "too common to link papers"
        foot.append(f"'-': {why}")
    return head, table, foot


def register(app: typer.Typer, open_store: OpenStore) -> None:
    """Add the ``why`` command to ``app``; it opens its store with ``open_store(db, neo4j_uri)``."""

    @app.command("why")
    def why(
        paper: Annotated[str, typer.Argument(help="A paper id, or a unique part of its title (case ignored).")],
        other: Annotated[
            str, typer.Argument(help="An entity name or alias, or a second paper (id or part of its title).")
        ],
        types: Annotated[
            Optional[list[str]],
            typer.Option("--type", help="Two papers: only entities of this type link them, as kg export --type (repeatable).",
                         show_default=False),
        ] = None,
        as_json: AsJson = False,
        db: Db = None,
        neo4j_uri: Neo4jUri = None,
    ) -> None:
        """Say why a paper is linked to an entity (role, count, the sentence) or to another paper.

        With an entity: each link's role, mention count and evidence sentence, the entity
        marked [[like this]] (plus character offsets and the rule, where the graph has them).
        With a second paper: the entities both mention, each paper's role, and the weight
        of the link the explorer draws between them.

        Examples:

          kg why 'Sparse Lookahead' CALVIN

          kg why 'Sparse Lookahead' 'Octo'
        """
        from kg.why import PairWhy, why as run_why

        with open_store(db, neo4j_uri) as store:
            result = run_why(store, paper, other, types=types)
        if as_json:
            typer.echo(json.dumps(result.to_dict(), ensure_ascii=False))
            return
        out = Console(soft_wrap=True, markup=False, highlight=False)
        if isinstance(result, PairWhy):
            head, table, foot = format_pair(result)
            for line in head:
                out.print(line)
            out.print(table)
            for line in foot:
                out.print(line)
            return
        for line in format_entity(result):
            out.print(line)
