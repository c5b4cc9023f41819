"""Settings: a CLI flag beats the environment (KG_*, NEO4J_*), which beats the default."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.errors import StoreUnavailable
from kg.store.base import Store

__all__ = ["DEFAULT_DB", "db_path", "open_store", "store_label", "writer_lock"]

#: Where the embedded graph lives unless --db or KG_DB says otherwise (relative to the cwd).
DEFAULT_DB = Path(".kg") / "graph.lbdb"


def db_path(db: Path | str | None = None) -> Path:
    """The embedded store's path: --db, else $KG_DB, else ./.kg/graph.lbdb."""
    if db:
        return Path(db)
    return Path(os.environ.get("KG_DB") or DEFAULT_DB)


def _neo4j_uri(db: Path | str | None, neo4j_uri: str | None) -> str | None:
    # --neo4j-uri wins; an explicit --db selects the embedded store even when NEO4J_URI is set.
    if neo4j_uri:
        return neo4j_uri
    if db:
        return None
    return os.environ.get("NEO4J_URI") or None


def _neo4j_password() -> str:
    password = os.environ.get("NEO4J_PASSWORD")
    if password is not None:
        return password
    if sys.stdin.isatty():
        import typer

        return typer.prompt("Neo4j password", hide_input=True)
    raise StoreUnavailable("set NEO4J_PASSWORD (no terminal to ask for it)")


def open_store(
    db: Path | str | None = None, neo4j_uri: str | None = None, *, writable: bool = False, create: bool = False
) -> Store:
    """The store the flags and environment select: Neo4j when a URI is given, else embedded.

    Only ``create`` makes a new embedded database; otherwise a missing one is an error.
    """
    uri = _neo4j_uri(db, neo4j_uri)
    if uri:
        from kg.store.neo4j import Neo4jStore, split_userinfo

        in_uri = split_userinfo(uri)[2]
        return Neo4jStore(
            uri,
            os.environ.get("NEO4J_USERNAME") or "neo4j",
            in_uri if in_uri is not None else _neo4j_password(),
            os.environ.get("NEO4J_DATABASE") or None,
            writable=writable,
        )
    from kg.store.embedded import EmbeddedStore

    return EmbeddedStore(db_path(db), writable=writable, create=create)


@contextmanager
def writer_lock(db: Path | str | None = None, neo4j_uri: str | None = None) -> Iterator[None]:
    """Hold the selected embedded graph's writer lock: a second build fails at once.

    ``kg build`` takes it before reading its input, so it never extracts for nothing.
    Neo4j serialises writers itself; there this does nothing.
    """
    if _neo4j_uri(db, neo4j_uri):
        yield
        return
    from kg.store.embedded import hold_writer_lock

    lock = hold_writer_lock(db_path(db))
    try:
        yield
    finally:
        lock.release()


def store_label(db: Path | str | None = None, neo4j_uri: str | None = None) -> str:
    """Where the selected store is, for messages."""
    uri = _neo4j_uri(db, neo4j_uri)
    if not uri:
        return f"embedded store at {db_path(db)}"
    from kg.store.neo4j import redact_uri

    return f"Neo4j at {redact_uri(uri)}"
