"""The default store: LadybugDB, an embedded Cypher graph database on local disk."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from kg.errors import QueryRejected, StoreUnavailable
from kg.store.base import QueryResult, Store

__all__ = ["EmbeddedStore", "SCHEMA"]

SCHEMA = (
    "CREATE NODE TABLE IF NOT EXISTS Paper(id STRING, title STRING, abstract STRING, date STRING, "
    "url STRING, source STRING, tkey STRING, hash STRING, extractor STRING, PRIMARY KEY(id))",
    "CREATE NODE TABLE IF NOT EXISTS Entity(key STRING, name STRING, type STRING, aliases STRING[], "
    "keys STRING[], PRIMARY KEY(key))",
    "CREATE REL TABLE IF NOT EXISTS MENTIONS(FROM Paper TO Entity, role STRING, count INT64, evidence STRING)",
    "CREATE REL TABLE IF NOT EXISTS VARIANT_OF(FROM Entity TO Entity)",
)

# Statements that reach outside the database (files, extensions, other databases).
_FILE_STATEMENT = re.compile(r"^\s*(COPY|LOAD|EXPORT|IMPORT|INSTALL|ATTACH|DETACH\s+DATABASE|CHECKPOINT)\b", re.I)
# Messages LadybugDB gives when a read-only database is asked to write.
_READ_ONLY_MARKERS = ("read only", "read-only", "readonly")


class EmbeddedStore(Store):
    """A LadybugDB database in one file at ``path``.

    Opened read-only unless ``writable``; a read-only open of a path with no
    database raises ``StoreUnavailable`` instead of creating an empty one.
    """

    kind = "embedded"

    def __init__(self, path: str | Path, *, writable: bool = False, create: bool | None = None) -> None:
        import ladybug  # imported here so `kg --help` stays fast

        self.path = Path(path)
        self.writable = writable
        create = writable if create is None else create
        if not create and not self.path.exists():
            raise StoreUnavailable(f"no graph at {self.path}; build one first with `kg build PAPERS --db {self.path}`")
        if self.path.is_dir():
            raise StoreUnavailable(f"{self.path} is a directory; give --db the database file, e.g. {self.path / 'graph.lbdb'}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreUnavailable(f"cannot create {self.path.parent}: {exc.strerror or exc}") from None
        try:
            self._db = ladybug.Database(str(self.path), read_only=not writable)
            self._conn = ladybug.Connection(self._db)
        except RuntimeError as exc:
            # LadybugDB appends a docs link on a second line; one line is enough here.
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            hint = " (is another kg command using it?)" if "lock" in first.lower() else ""
            raise StoreUnavailable(f"cannot open the graph at {self.path}: {first}{hint}") from None
        if writable:
            for statement in SCHEMA:
                self._conn.execute(statement)

    def close(self) -> None:
        """Close the connection and the database (flushes to disk)."""
        conn, db = getattr(self, "_conn", None), getattr(self, "_db", None)
        self._conn = self._db = None
        if conn is not None:
            conn.close()
        if db is not None:
            db.close()

    def query(self, cypher: str, params: dict[str, Any] | None = None, *, write: bool = False) -> QueryResult:
        """Run one Cypher statement; a write on a read-only open raises ``QueryRejected``."""
        if write and not self.writable:
            raise QueryRejected("this store was opened read-only")
        if not write and _FILE_STATEMENT.match(cypher):
            # A read-only database still lets COPY ... TO write files and LOAD read them.
            raise QueryRejected("this query writes; re-run with --write")
        try:
            result = self._conn.execute(cypher, params or {})
        except RuntimeError as exc:
            message = str(exc)
            if any(m in message.lower() for m in _READ_ONLY_MARKERS):
                raise QueryRejected("this query writes; re-run with --write") from None
            raise QueryRejected(_short(message)) from None
        if isinstance(result, list):  # several statements: keep the last one's rows
            result = result[-1]
        columns = list(result.get_column_names())
        rows = []
        while result.has_next():
            rows.append([_plain(v) for v in result.get_next()])
        return QueryResult(columns, rows)

    def _write_rows(self, cypher: str, rows: list[dict[str, Any]]) -> None:
        self._conn.execute("BEGIN TRANSACTION")
        try:
            self._conn.execute(cypher, {"rows": rows})
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")


def _plain(value: Any) -> Any:
    """Plain Python values: node/rel dicts without internal ids; INT128 sums as ints, not Decimals."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _short(message: str) -> str:
    return " ".join(message.split())
