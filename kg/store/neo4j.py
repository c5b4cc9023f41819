"""The server store: Neo4j 5 over Bolt.

Start a local server with ``eval "$(docker/neo4j-local start)"``; it exports
``NEO4J_URI``, ``NEO4J_USERNAME`` and ``NEO4J_PASSWORD``.

Reads are fenced twice: an ``EXPLAIN`` of the statement must show no write
operator, and the statement then runs in a READ access-mode session, which the
server itself refuses to let write.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import socket
import uuid
from urllib.parse import unquote
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kg.errors import AuthFailed, KgError, QueryRejected, StoreUnavailable
from kg.model import EntityType
from kg.store.base import QueryResult, Store
from kg.store.readonly import WRITES, Statement, check_depth, check_read_only, parse, strip_bom

__all__ = ["Neo4jStore", "SCHEMA", "TYPE_LABELS", "START_HINT", "redact_uri", "split_userinfo"]

START_HINT = 'start one with `eval "$(docker/neo4j-local start)"`'

#: Extra label per entity type, next to ``:Entity``. Labels cannot be query
#: parameters, so statements are built from this fixed map, never from data.
TYPE_LABELS: dict[EntityType, str] = {
    EntityType.METHOD: "Method",
    EntityType.MODEL: "Model",
    EntityType.DATASET: "Dataset",
    EntityType.BENCHMARK: "Benchmark",
    EntityType.GITHUB: "Repository",
    EntityType.URL: "Url",
}

SCHEMA = (
    "CREATE CONSTRAINT paper_id IF NOT EXISTS FOR (p:Paper) REQUIRE p.id IS UNIQUE",
    "CREATE CONSTRAINT entity_key IF NOT EXISTS FOR (e:Entity) REQUIRE e.key IS UNIQUE",
    "CREATE INDEX entity_name IF NOT EXISTS FOR (e:Entity) ON (e.name)",
    "CREATE INDEX entity_type IF NOT EXISTS FOR (e:Entity) ON (e.type)",
    "CREATE INDEX paper_tkey IF NOT EXISTS FOR (p:Paper) ON (p.tkey)",
    # cypher/entities_first_seen.cypher seeks the papers of one date.
    "CREATE INDEX paper_date IF NOT EXISTS FOR (p:Paper) ON (p.date)",
    # Full-text indexes only read string properties, hence ``alias_text`` next to the list ``aliases``.
    "CREATE FULLTEXT INDEX entity_names IF NOT EXISTS FOR (e:Entity) ON EACH [e.name, e.alias_text]",
    "CREATE FULLTEXT INDEX paper_titles IF NOT EXISTS FOR (p:Paper) ON EACH [p.title]",
    # One write lease per database (see Neo4jStore.write); the constraint makes MERGE on it atomic.
    "CREATE CONSTRAINT kg_write_lease IF NOT EXISTS FOR (l:KgWriteLease) REQUIRE l.id IS UNIQUE",
    "CREATE CONSTRAINT kg_input IF NOT EXISTS FOR (i:KgInput) REQUIRE i.key IS UNIQUE",
)

#: How long a build's lease lasts unless renewed (each write transaction renews it), so a
#: build that died blocks readers and other builds for at most this long.
LEASE_SECONDS = 120
_TAKE_LEASE = (
    "MERGE (l:KgWriteLease {id: 'build'}) WITH l "
    "WHERE l.owner IS NULL OR l.owner = $owner OR l.expires < timestamp() "
    "SET l.owner = $owner, l.expires = timestamp() + $ms RETURN l.owner"
)
_RENEW_LEASE = (
    "MATCH (l:KgWriteLease {id: 'build', owner: $owner}) SET l.expires = timestamp() + $ms RETURN count(l)"
)
_TAKE_OVER_LEASE = (
    "MATCH (l:KgWriteLease {id: 'build', owner: $old}) "
    "SET l.owner = $owner, l.expires = timestamp() + $ms RETURN l.owner"
)
_DROP_LEASE = "MATCH (l:KgWriteLease {id: 'build', owner: $owner}) DELETE l"
_LIVE_LEASE = "MATCH (l:KgWriteLease) WHERE l.expires > timestamp() RETURN l.owner LIMIT 1"

#: Properties Neo4j keeps for its own indexes; hidden from query results so rows
#: equal the embedded store's.
_INTERNAL_PROPERTIES = frozenset({"alias_text"})

# Plan operators that change data or schema, read files or act on the server (names
# without the "@neo4j" suffix). TERMINATE TRANSACTIONS plans with query type "r".
_WRITE_OPERATOR_PREFIXES = (
    "Create", "Merge", "Delete", "DetachDelete", "Set", "Remove", "Drop", "LoadCSV", "Terminate", "Alter",
    "Rename", "Grant", "Deny", "Revoke", "Start", "Stop", "Enable", "Deallocate", "Reallocate",
)
_WRITE_OPERATORS = frozenset({"Foreach", "TransactionForeach", "TransactionApply", "AdministrationCommand"})
# Refused credentials (not refused permissions: those are a rejected query).
_AUTH_CODES = frozenset(
    {
        "Neo.ClientError.Security.Unauthorized",
        "Neo.ClientError.Security.AuthenticationRateLimit",
        "Neo.ClientError.Security.CredentialsExpired",
        "Neo.ClientError.Security.TokenExpired",
    }
)
# Bolt only: the driver's HTTP query API is a preview and needs extra packages.
_SCHEMES = frozenset({"bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"})


def split_userinfo(uri: str) -> tuple[str, str | None, str | None]:
    """``bolt://user:pass@host:7687`` as (``bolt://host:7687``, user, password); None where absent.

    The userinfo ends at the last ``@`` (a password may hold ``/``, ``?`` or ``#``).
    """
    scheme, sep, rest = uri.partition("://")
    userinfo, at, host = rest.rpartition("@")
    if not sep or not at:
        return uri, None, None
    user, colon, password = userinfo.partition(":")
    return f"{scheme}://{host}", unquote(user) or None, unquote(password) if colon else None


def redact_uri(uri: str) -> str:
    """The URI as messages show it: a password in it becomes ``***``."""
    scheme, sep, rest = uri.partition("://")
    userinfo, at, host = rest.rpartition("@")
    if not sep or not at:
        return uri
    user, colon, _ = userinfo.partition(":")
    return f"{scheme}://{user}{':***' if colon else ''}@{host}"


def _label_statements() -> str:
    """The Cypher that gives an entity exactly one type label from ``TYPE_LABELS``."""
    all_labels = ":".join(TYPE_LABELS.values())
    sets = " ".join(
        f"FOREACH (_ IN CASE WHEN r.type = '{t.value}' THEN [1] ELSE [] END | SET e:{label})"
        for t, label in TYPE_LABELS.items()
    )
    return f"REMOVE e:{all_labels} {sets}"


class Neo4jStore(Store):
    """A Neo4j 5 database reached over Bolt.

    Connects (and checks the credentials) at construction; raises
    ``StoreUnavailable`` when the server cannot be reached and ``AuthFailed``
    when it refuses the credentials. ``writable`` creates the schema.
    """

    kind = "neo4j"

    def __init__(
        self,
        uri: str,
        username: str,
        password: str,
        database: str | None = None,
        *,
        writable: bool = False,
    ) -> None:
        neo4j = _import_driver()  # imported here so `kg --help` stays fast

        # A user:password@ in the URI are the credentials; no message ever shows the password.
        self.uri = redact_uri(uri)
        uri, uri_user, uri_password = split_userinfo(uri)
        username, password = uri_user or username, uri_password if uri_password is not None else password
        self._secrets = [s for s in (password, uri_password) if s]
        self.database = database or None
        self.writable = writable
        self._neo4j = neo4j
        scheme = uri.partition("://")[0].lower()
        if scheme not in _SCHEMES:
            raise StoreUnavailable(f"bad Neo4j URI {self.uri!r}; use bolt://HOST:PORT or neo4j://HOST:PORT")
        try:
            self._driver = neo4j.GraphDatabase.driver(
                uri,
                auth=(username, password),
                connection_timeout=10,
                # Unknown-label warnings on an empty database are noise, not news.
                notifications_min_severity="OFF",
            )
        except (ValueError, neo4j.exceptions.ConfigurationError) as exc:
            raise StoreUnavailable(self._scrub(f"bad Neo4j URI {self.uri!r}: {_one_line(exc)}")) from None
        try:
            self._driver.verify_connectivity()
            if self.database:  # the check above only reaches the default database
                with self._driver.session(database=self.database) as session:
                    session.run("RETURN 1").consume()
        except ValueError as exc:  # e.g. a port that is not a number: "Failed to DNS resolve"
            self._driver.close()
            raise StoreUnavailable(self._scrub(f"bad Neo4j URI {self.uri!r}: {_one_line(exc)}")) from None
        except Exception as exc:
            self._driver.close()
            raise self._translate(exc) from None
        self._lease_owner: str | None = None
        if writable:
            self._create_schema()
        elif self._live_lease():
            self.close()
            raise StoreUnavailable(f"a build is writing the graph at Neo4j {self.uri}; try again when it finishes")

    @classmethod
    def from_env(cls, *, writable: bool = False) -> Neo4jStore:
        """A store from ``NEO4J_URI``, ``NEO4J_USERNAME``, ``NEO4J_PASSWORD`` (and ``NEO4J_DATABASE``)."""
        uri = os.environ.get("NEO4J_URI", "")
        if not uri:
            raise StoreUnavailable(f"NEO4J_URI is not set; {START_HINT}")
        return cls(
            uri,
            os.environ.get("NEO4J_USERNAME", "neo4j"),
            os.environ.get("NEO4J_PASSWORD", ""),
            os.environ.get("NEO4J_DATABASE") or None,
            writable=writable,
        )

    def close(self) -> None:
        """Close the driver and its connection pool."""
        driver = getattr(self, "_driver", None)
        self._driver = None
        if driver is not None:
            driver.close()

    # -- errors ---------------------------------------------------------------------
    def _scrub(self, message: str) -> str:
        """``message`` without the password, wherever a server or driver echoed it."""
        for secret in self._secrets:
            message = message.replace(secret, "***")
        return message

    def _translate(self, exc: BaseException) -> BaseException:
        """A driver exception as the ``KgError`` a user can act on (others pass through)."""
        translated = self._translate_raw(exc)
        if isinstance(translated, KgError) and translated.args:
            translated.args = (self._scrub(str(translated.args[0])),)
        return translated

    def _translate_raw(self, exc: BaseException) -> BaseException:
        ex = self._neo4j.exceptions
        if isinstance(exc, ex.AuthError) or (isinstance(exc, ex.Neo4jError) and exc.code in _AUTH_CODES):
            return AuthFailed(
                f"Neo4j at {self.uri} refused the credentials ({_one_line(getattr(exc, 'message', None) or exc)}); "
                "check NEO4J_USERNAME and NEO4J_PASSWORD"
            )
        if isinstance(exc, (ex.ServiceUnavailable, ex.SessionExpired, OSError)):
            # After `docker/neo4j-local stop` NEO4J_URI still names the stopped server: say how back.
            back = ", or unset NEO4J_URI to use the embedded store" if os.environ.get("NEO4J_URI") else ""
            return StoreUnavailable(f"no Neo4j server answers at {self.uri}; {START_HINT}{back}")
        if isinstance(exc, ex.Neo4jError) and exc.code == "Neo.ClientError.Database.DatabaseNotFound":
            return StoreUnavailable(f"Neo4j at {self.uri} has no database {self.database!r}")
        if isinstance(exc, ex.Neo4jError) and exc.code == "Neo.ClientError.Statement.AccessMode":
            return QueryRejected(WRITES)
        if isinstance(exc, ex.Neo4jError) and (exc.code or "").startswith("Neo.ClientError."):
            return QueryRejected(_one_line(exc.message or exc))
        return exc

    # -- schema ---------------------------------------------------------------------
    def _create_schema(self) -> None:
        # Auto-commit runs, not ``query(write=True)``: constraints and indexes change no data,
        # so the input files the graph holds stay known (a rebuild skips reading them).
        try:
            with self._driver.session(database=self.database, default_access_mode=self._neo4j.WRITE_ACCESS) as s:
                for statement in (*SCHEMA, "CALL db.awaitIndexes(300)"):
                    s.run(statement).consume()
        except Exception as exc:
            raise self._translate(exc) from None
        self._mark_unnamed_checkpoints()

    def _mark_unnamed_checkpoints(self) -> None:
        """In a graph with no NAMES at all (built before them, or naming no checkpoint): mark
        the papers that may have named a checkpoint for re-extraction, and forget the input
        files (``kg.store.base``, "which entities a graph keeps"). Where no paper named a
        checkpoint, only entities nothing holds match (none, but after a crash)."""
        if self._run_write("MATCH (:Paper)-[n:NAMES]->(:Entity) RETURN 1 LIMIT 1"):
            return
        marked = self._run_write(self.MARK_UNNAMED_CHECKPOINTS)
        if marked and marked[0][0]:
            self._run_write(self.FORGET_INPUTS)

    # -- Store ----------------------------------------------------------------------
    def query(self, cypher: str, params: dict[str, Any] | None = None, *, write: bool = False) -> QueryResult:
        """Run one Cypher statement; read-only unless ``write`` (raises ``QueryRejected``)."""
        neo4j = self._neo4j
        if write and not self.writable:
            raise QueryRejected("this store was opened read-only")
        params = params or {}
        mode = neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS
        try:
            with self._driver.session(database=self.database, default_access_mode=mode) as session:
                cypher = strip_bom(cypher)
                if not write:
                    cypher = self._refuse_writes(session, cypher, params)
                else:
                    check_depth(parse(cypher))  # deeper nesting overflows the server's parser stack
                    # Whatever it changes, no input file is known to be in the graph any more.
                    session.run(self.FORGET_INPUTS).consume()
                # An auto-commit run, so `CALL { ... } IN TRANSACTIONS` works with --write.
                result = session.run(cypher, params)
                columns = list(result.keys())
                rows = [[_plain(v) for v in record.values()] for record in result]
        except QueryRejected:
            raise
        except Exception as exc:
            raise self._translate(exc) from None
        return QueryResult(columns, rows)

    def _refuse_writes(self, session: Any, cypher: str, params: dict[str, Any]) -> str:
        """The statement to run, once its words and its EXPLAIN plan show it only reads.

        Raises ``QueryRejected`` otherwise. Every statement is planned, ``SHOW`` and
        ``TERMINATE`` included: ``TERMINATE TRANSACTIONS`` plans as a read, so its
        operator is refused by name, and administration commands (query type "s") pass
        only as ``SHOW ...``.
        """
        statement = check_read_only(cypher, "neo4j")
        text = cypher[statement.start : statement.end]
        if statement.first_word == "EXPLAIN":
            return text  # runs nothing
        body, prefix = _without_explain(statement, text)
        try:
            summary = session.run("EXPLAIN " + body, params).consume()
        except self._neo4j.exceptions.CypherSyntaxError as exc:
            # Positions in the message are the user's, not those of "EXPLAIN ...".
            raise QueryRejected(_one_line(_unprefix(exc.message or str(exc), len("EXPLAIN ") - prefix))) from None
        except Exception as exc:
            raise self._translate(exc) from None
        operators = _plan_operators(summary.plan)
        procedures = _plan_procedures(summary.plan)
        if procedures and self._unsafe_procedures(session, procedures):
            raise QueryRejected(WRITES)
        if summary.query_type == "s":
            if statement.first_word != "SHOW" or operators - {"AdministrationCommand"}:
                raise QueryRejected(WRITES)
        elif summary.query_type != "r" or any(_writes(op) for op in operators):
            raise QueryRejected(WRITES)
        return text

    # -- the write lease: one build at a time, readers told to wait --------------------
    @contextmanager
    def _write_session(self) -> Iterator[None]:
        """A build writes under the database's write lease.

        A ``(:KgWriteLease)`` node names the build that is writing; readers that open the
        store meanwhile are told to try again, and a second build fails. Each write
        transaction renews it; a build that died releases it after ``LEASE_SECONDS``.
        """
        owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        rows = self._run_write(_TAKE_LEASE, owner=owner, ms=LEASE_SECONDS * 1000)
        if not rows:
            holder = self._lease_holder()
            if holder and _dead_here(holder):  # a build on this machine that was killed: take over now
                rows = self._run_write(_TAKE_OVER_LEASE, old=holder, owner=owner, ms=LEASE_SECONDS * 1000)
            if not rows:
                host, _, rest = str(holder).partition(":")
                pid = rest.partition(":")[0]
                raise StoreUnavailable(
                    f"another kg build (pid {pid} on {host}) is writing the graph at Neo4j {self.uri}; "
                    "wait for it to finish"
                )
        self._lease_owner = owner
        try:
            yield
        finally:
            self._lease_owner = None
            self._run_write(_DROP_LEASE, owner=owner)

    def _live_lease(self) -> bool:
        """Whether a build holds the lease (one killed on this machine does not)."""
        rows = self.query(_LIVE_LEASE).rows
        return bool(rows) and not _dead_here(str(rows[0][0]))

    def _lease_holder(self) -> str:
        rows = self._run_write("MATCH (l:KgWriteLease {id: 'build'}) RETURN l.owner")
        return str(rows[0][0]) if rows and rows[0][0] else ""

    def _run_write(self, cypher: str, **params: Any) -> list[list[Any]]:
        def work(tx: Any) -> list[list[Any]]:
            return [list(r.values()) for r in tx.run(cypher, **params)]

        try:
            with self._driver.session(database=self.database, default_access_mode=self._neo4j.WRITE_ACCESS) as s:
                return s.execute_write(work)
        except Exception as exc:
            raise self._translate(exc) from None

    def _unsafe_procedures(self, session: Any, names: set[str]) -> bool:
        """Whether any of these procedures is an admin one or not a READ one, as the server lists them.

        ``db.stats.collect`` plans as a read, yet starts a server-wide query log.
        """
        rows = session.run(
            "SHOW PROCEDURES YIELD name, mode, admin WHERE name IN $names RETURN name, mode, admin",
            {"names": sorted(names)},
        ).values()
        listed = {name: (mode, admin) for name, mode, admin in rows}
        return any(name not in listed or listed[name][1] or listed[name][0] != "READ" for name in names)

    def _write_rows(self, cypher: str, rows: list[dict[str, Any]]) -> None:
        """One ``UNWIND $rows`` statement in a managed write transaction (retried when transient)."""
        self._write_steps([(cypher, rows)])

    def _write_steps(self, steps: list[tuple[str, list[dict[str, Any]]]]) -> None:
        """``UNWIND $rows`` statements in ONE managed write transaction (retried when transient)."""
        owner = self._lease_owner

        def work(tx: Any) -> None:
            for cypher, rows in steps:
                tx.run(cypher, rows=rows).consume()
            if owner and not tx.run(_RENEW_LEASE, owner=owner, ms=LEASE_SECONDS * 1000).single()[0]:
                # Our lease ran out and another build took it: stop before writing over it.
                raise StoreUnavailable(f"this build lost its write lease on Neo4j {self.uri}; run it again")

        try:
            with self._driver.session(database=self.database, default_access_mode=self._neo4j.WRITE_ACCESS) as s:
                s.execute_write(work)
        except Exception as exc:
            raise self._translate(exc) from None

    _ENTITY_FIELDS = (
        "e.name = r.name, e.type = r.type, e.aliases = r.aliases, e.keys = r.keys, "
        "e.alias_text = reduce(s = '', a IN r.aliases | CASE WHEN s = '' THEN a ELSE s + ' | ' + a END) "
        + _label_statements()
    )
    UPDATE_ENTITIES = "UNWIND $rows AS r MATCH (e:Entity {key: r.key}) SET " + _ENTITY_FIELDS
    CREATE_ENTITIES = "UNWIND $rows AS r CREATE (e:Entity {key: r.key}) SET " + _ENTITY_FIELDS


def _dead_here(owner: str) -> bool:
    """Whether a lease owner ("host:pid:nonce") is a process of this machine that no longer runs."""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def _plan_operators(plan: dict[str, Any] | None) -> set[str]:
    """The operator names of an EXPLAIN plan (as the driver gives it), without the "@db" suffix."""
    if not plan:
        return set()
    names = {str(plan.get("operatorType", "")).split("@", 1)[0]}
    for child in plan.get("children", []):
        names |= _plan_operators(child)
    return names


def _plan_procedures(plan: dict[str, Any] | None) -> set[str]:
    """Names of the procedures an EXPLAIN plan calls (its ProcedureCall operators' details)."""
    if not plan:
        return set()
    names: set[str] = set()
    if str(plan.get("operatorType", "")).startswith("ProcedureCall"):
        details = str((plan.get("args") or {}).get("Details", ""))
        names.add(details.split("(", 1)[0].strip())
    for child in plan.get("children", []):
        names |= _plan_procedures(child)
    return names


def _writes(operator: str) -> bool:
    """Whether a plan operator writes, reads files or acts on the server."""
    return operator in _WRITE_OPERATORS or operator.startswith(_WRITE_OPERATOR_PREFIXES)


def _without_explain(statement: Statement, text: str) -> tuple[str, int]:
    """The statement without a leading EXPLAIN/PROFILE (planned as itself), and how much was cut."""
    if statement.first_word in ("EXPLAIN", "PROFILE") and len(statement.tokens) > 1:
        cut = statement.tokens[1].start - statement.start
        return text[cut:], cut
    return text, 0


def _unprefix(message: str, shift: int) -> str:
    """A Neo4j syntax error about ``EXPLAIN <query>`` as if it were about ``<query>``."""
    if shift <= 0:
        return message

    def fix(m: re.Match[str]) -> str:
        line, column, offset = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if line == 1:
            column -= shift
        return f"(line {line}, column {max(column, 1)} (offset: {max(offset - shift, 0)}))"

    message = re.sub(r"\(line (\d+), column (\d+) \(offset: (\d+)\)\)", fix, message)
    return message.replace('"EXPLAIN ', '"', 1)


#: Import the driver without numpy and pyarrow when the process has not loaded them yet. The
#: driver imports both (and pandas) at start only to accept their arrays and scalars as query
#: parameters; that costs ~0.2 s, a fifth of a ``kg lookup``. The ``kg`` command sets this:
#: its parameters are plain Python, always. Off for library users, who may send numpy values.
LEAN_DRIVER_IMPORT = False
_OPTIONAL = ("numpy", "pandas", "pyarrow")


def _import_driver() -> Any:
    """``import neo4j`` (see ``LEAN_DRIVER_IMPORT``)."""
    import sys

    if not LEAN_DRIVER_IMPORT or "neo4j" in sys.modules:
        import neo4j

        return neo4j
    hidden = [name for name in _OPTIONAL if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # (an ImportError the driver expects)
    try:
        import neo4j
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]
    return neo4j


def _plain(value: Any) -> Any:
    """A Neo4j value as plain Python: nodes and relationships become property dicts."""
    import neo4j.graph
    import neo4j.time

    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (neo4j.graph.Node, neo4j.graph.Relationship)):
        return {k: _plain(v) for k, v in value.items() if k not in _INTERNAL_PROPERTIES}
    if isinstance(value, neo4j.graph.Path):
        return {
            "nodes": [_plain(n) for n in value.nodes],
            "relationships": [_plain(r) for r in value.relationships],
        }
    # Before lists: a Duration is a tuple.
    if isinstance(value, (neo4j.time.Date, neo4j.time.DateTime, neo4j.time.Time, neo4j.time.Duration)):
        return value.iso_format()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, _dt.timedelta):
        return str(value)
    return str(value)


def _one_line(message: object) -> str:
    return " ".join(str(message).split())
