"""merge, rename, retype, ignore, family, curation: the user's corrections, kept in a TOML file.

Each correcting command checks its names against the graph, appends one ``[[fix]]`` to the
curation file (comments and order kept) and applies the whole file to the graph at once;
every later ``kg build`` applies it again. See ``kg.curation`` and docs/curation.md.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from kg.cli.options import AsJson, Db, Neo4jUri
from kg.errors import KgError
from kg.model import EntityType

__all__ = ["register", "curation_path", "CurationPath"]

out = Console(soft_wrap=True, markup=False, highlight=False)
err = Console(stderr=True, markup=False, highlight=False)

CurationPath = Annotated[
    Optional[Path],
    typer.Option(
        "--curation",
        help="The curation file (default: $KG_CURATION, else beside the embedded graph: .kg/graph.curation.toml "
        "for .kg/graph.lbdb; for Neo4j .kg/neo4j.curation.toml).",
        show_default=False,
    ),
]
Note = Annotated[
    Optional[str], typer.Option("--note", help="Why: kept with the fix in the file, for reviewers.", show_default=False)
]


def curation_path(curation: Path | None, db: Path | str | None, neo4j_uri: str | None) -> Path:
    """The curation file: --curation, else $KG_CURATION, else beside the selected store."""
    from kg.config import _neo4j_uri, db_path

    if curation:
        return Path(curation)
    if os.environ.get("KG_CURATION"):
        return Path(os.environ["KG_CURATION"])
    if _neo4j_uri(db, neo4j_uri):
        return Path(".kg") / "neo4j.curation.toml"
    path = db_path(db)
    return path.with_name(path.stem + ".curation.toml")


def _unknown(store, name: str) -> KgError:
    close = store.suggest(name)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return KgError(f"no entity named {name!r} in the graph{hint}")


def _require(store, name: str):
    from kg.curation import find_entities

    hits = find_entities(store, name)
    if not hits:
        raise _unknown(store, name)
    return hits


def _record(fix, db: Path | None, neo4j_uri: str | None, curation: Path | None, as_json: bool, check) -> None:
    """Check ``fix`` against the graph, append it to the file, apply the file to the graph."""
    from kg.config import open_store, store_label, writer_lock
    from kg.curation import load_curation

    path = curation_path(curation, db, neo4j_uri)
    load_curation(path, missing_ok=True)  # a broken file is reported before anything waits
    # Read, append and save under a lock on the file (two commands, or two graphs sharing it,
    # would otherwise each save their own copy, and one fix would be lost), and read it only
    # once the graph's writer lock is held too.
    with _file_lock(path), writer_lock(db, neo4j_uri):
        cur = load_curation(path, missing_ok=True)
        with open_store(db, neo4j_uri, writable=True) as store:
            check(store)
            existing = cur.find(fix)
            if existing is None:
                fix = cur.add(fix)
                cur.save()  # first the file: a kill before the graph is changed is redone by the next build
            else:
                fix = existing
            with store._write_session():
                report = cur.apply_to_store(store)
    if as_json:
        out.print_json(json.dumps({
            "curation": str(path), "fix": fix.to_dict(), "new": existing is None,
            "store": store_label(db, neo4j_uri), **report.to_dict(),
        }))
    else:
        said = "Recorded" if existing is None else "Already recorded"
        out.print(f"{said} fix #{fix.index} in {path}: {fix.describe()}")
        out.print(
            f"Applied {len(cur)} fix{'es' if len(cur) != 1 else ''} to the graph ({store_label(db, neo4j_uri)}): "
            f"{report.writes} row{'s' if report.writes != 1 else ''} written"
        )
    for warning in report.warnings:
        err.print(f"Warning: {warning}")


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Hold ``.NAME.lock`` beside the curation file (symlinks resolved) while it is edited."""
    from kg.store.locks import FileLock

    real = Path(os.path.realpath(path))
    lock = FileLock(real.with_name(f".{real.name}.lock"))
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        taken = lock.acquire(timeout=_LOCK_SECONDS)
    except OSError as exc:
        raise KgError(f"cannot write beside the curation file {path}: {exc.strerror or exc}") from None
    if not taken:
        raise KgError(f"another kg command (pid {lock.holder() or '?'}) is editing {path}; try again when it finishes")
    try:
        yield
    finally:
        lock.release()


#: Seconds a correcting command waits for another one editing the same curation file.
_LOCK_SECONDS = 30.0


# -- the commands ------------------------------------------------------------------------
def merge_command(
    keep: Annotated[str, typer.Argument(help="The entity that stays (name or alias).", show_default=False)],
    other: Annotated[str, typer.Argument(help="The entity that becomes an alias of KEEP.", show_default=False)],
    note: Note = None,
    curation: CurationPath = None,
    db: Db = None,
    neo4j_uri: Neo4jUri = None,
    as_json: AsJson = False,
) -> None:
    """Merge OTHER into KEEP: OTHER's names become aliases of KEEP, its links move, duplicates combine.

    Example:  kg merge Mistral-7B Mistral-7B-Instruct
    """
    from kg.curation import Fix

    def check(store) -> None:
        _require(store, keep)
        _require(store, other)

    _record(Fix("merge", other, keep, note=note or ""), db, neo4j_uri, curation, as_json, check)


def rename_command(
    old: Annotated[str, typer.Argument(help="The entity's name now (or an alias).", show_default=False)],
    new: Annotated[str, typer.Argument(help="Its canonical name from now on; the old one stays an alias.", show_default=False)],
    note: Note = None,
    curation: CurationPath = None,
    db: Db = None,
    neo4j_uri: Neo4jUri = None,
    as_json: AsJson = False,
) -> None:
    """Give an entity another canonical name (the old name stays an alias).

    Example:  kg rename Needle-in-a-Haystack NIAH
    """
    from kg.curation import Fix, find_entities
    from kg.text import match_key

    def check(store) -> None:
        hits = _require(store, old)
        taken = [e for e in find_entities(store, new) if e.key == match_key(new) or match_key(e.name) == match_key(new)]
        if any(e.key not in {h.key for h in hits} for e in taken):
            raise KgError(f"{new!r} is already another entity; to make them one, run: kg merge {new!r} {old!r}")

    _record(Fix("rename", old, new, note=note or ""), db, neo4j_uri, curation, as_json, check)


def retype_command(
    name: Annotated[str, typer.Argument(help="The entity (name or alias).", show_default=False)],
    type: Annotated[EntityType, typer.Argument(help="Its type from now on.", show_default=False)],
    note: Note = None,
    curation: CurationPath = None,
    db: Db = None,
    neo4j_uri: Neo4jUri = None,
    as_json: AsJson = False,
) -> None:
    """Change an entity's type.

    Example:  kg retype MuJoCo dataset
    """
    from kg.curation import Fix

    _record(Fix("retype", name, type=type, note=note or ""), db, neo4j_uri, curation, as_json,
            lambda store: _require(store, name))


def ignore_command(
    name: Annotated[str, typer.Argument(help="The entity to drop (name or alias).", show_default=False)],
    paper: Annotated[
        Optional[str], typer.Option("--paper", help="Only drop it from this paper (its id).", show_default=False)
    ] = None,
    note: Note = None,
    curation: CurationPath = None,
    db: Db = None,
    neo4j_uri: Neo4jUri = None,
    as_json: AsJson = False,
) -> None:
    """Drop a wrongly extracted entity from the graph, or only from one paper with --paper.

    Examples:

      kg ignore CLM

      kg ignore PPO --paper 2509.00001
    """
    from kg.curation import Fix

    def check(store) -> None:
        hits = _require(store, name)
        if paper is None:
            return
        if not store.query("MATCH (p:Paper {id: $id}) RETURN p.id", {"id": paper}).rows:
            raise KgError(f"no paper with the id {paper!r} in the graph")
        linked = store.query(
            "UNWIND $keys AS k MATCH (e:Entity {key: k}) MATCH (p:Paper {id: $id})-[:MENTIONS]->(e) RETURN e.key",
            {"keys": [h.key for h in hits], "id": paper},
        ).rows
        if not linked:
            raise KgError(f"the paper {paper} does not mention {name!r}; `kg lookup {name}` lists the papers that do")

    _record(Fix("ignore", name, paper=paper, note=note or ""), db, neo4j_uri, curation, as_json, check)


def family_command(
    variant: Annotated[str, typer.Argument(help="The variant (a checkpoint, a size).", show_default=False)],
    family: Annotated[
        Optional[str], typer.Argument(help="Its family (created when no paper names it).", show_default=False)
    ] = None,
    none: Annotated[bool, typer.Option("--none", help="Detach the variant from any family.")] = False,
    note: Note = None,
    curation: CurationPath = None,
    db: Db = None,
    neo4j_uri: Neo4jUri = None,
    as_json: AsJson = False,
) -> None:
    """Set the family a variant belongs to (its VARIANT_OF link), or detach it with --none.

    Examples:

      kg family SPPO-Code SPPO

      kg family Mistral-7B-Instruct --none
    """
    from kg.curation import Fix

    if (family is None) == (not none):
        raise typer.BadParameter("give a FAMILY or --none, not both or neither")
    _record(Fix("family", variant, family or "", note=note or ""), db, neo4j_uri, curation, as_json,
            lambda store: _require(store, variant))


def curation_command(
    apply: Annotated[bool, typer.Option("--apply", help="Also apply the file to the graph now (as a build would).")] = False,
    curation: CurationPath = None,
    db: Db = None,
    neo4j_uri: Neo4jUri = None,
    as_json: AsJson = False,
) -> None:
    """List the corrections in the curation file, in the order they are applied.

    Example:  kg curation --json
    """
    from kg.curation import load_curation

    path = curation_path(curation, db, neo4j_uri)
    cur = load_curation(path, missing_ok=not apply and curation is None)
    report = None
    if apply:
        from kg.config import open_store, writer_lock

        with writer_lock(db, neo4j_uri):
            with open_store(db, neo4j_uri, writable=True) as store, store._write_session():
                report = cur.apply_to_store(store)
    if as_json:
        body = {"curation": str(path), "fixes": [f.to_dict() for f in cur]}
        if report is not None:
            body.update(report.to_dict())
        out.print_json(json.dumps(body))
    elif not len(cur):
        out.print(f"No fixes in {path}; record some with kg merge, kg rename, kg retype, kg ignore or kg family")
    else:
        table = Table("#", "fix", "note", box=None, pad_edge=False)
        for fix in cur:
            table.add_row(str(fix.index), fix.describe(), fix.note)
        from kg.cli.commands import print_table

        out.print(f"{path}: {len(cur)} fix{'es' if len(cur) != 1 else ''}, applied in this order")
        print_table(table, out)
        if report is not None:
            out.print(f"Applied to the graph: {report.writes} row{'s' if report.writes != 1 else ''} written")
    for warning in report.warnings if report else ():
        err.print(f"Warning: {warning}")


def register(app: typer.Typer) -> None:
    """Add merge, rename, retype, ignore, family and curation to the app."""
    app.command("merge")(merge_command)
    app.command("rename")(rename_command)
    app.command("retype")(retype_command)
    app.command("ignore")(ignore_command)
    app.command("family")(family_command)
    app.command("curation")(curation_command)


# -- for kg build ------------------------------------------------------------------------
def build_curation(curation: Path | None, db: Path | None, neo4j_uri: str | None):
    """The curation ``kg build`` applies: --curation (must exist), else the default file if any."""
    from kg.curation import load_curation

    path = curation_path(curation, db, neo4j_uri)
    cur = load_curation(path, missing_ok=curation is None)
    return cur if len(cur) or curation is not None else None


def build_summary(cur, report) -> tuple[dict | None, str | None]:
    """The curation part of ``kg build``'s summary (JSON, one line), warnings printed to stderr."""
    if cur is None or report is None:
        return None, None
    for warning in report.warnings:
        err.print(f"Warning: {warning}")
    line = (
        f"Curation: {len(cur)} fix{'es' if len(cur) != 1 else ''} from {cur.path} applied "
        f"({report.writes} row{'s' if report.writes != 1 else ''} written to the graph"
        + (f", {len(report.warnings)} warning{'s' if len(report.warnings) != 1 else ''})" if report.warnings else ")")
    )
    return {"path": str(cur.path), **report.to_dict()}, line
