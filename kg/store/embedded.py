"""The default store: LadybugDB, an embedded Cypher graph database on local disk."""

from __future__ import annotations

import os
import queue
import re
import shutil
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from kg.errors import QueryRejected, StoreUnavailable
from kg.store.base import QueryResult, Store
from kg.store.locks import FileLock, data_lock_path, process_lock, writer_lock_path
from kg.store.readonly import EMBEDDED_READ_CALLS, WRITES, check_depth, check_read_only, parse, strip_bom

__all__ = ["BulkFiles", "EmbeddedStore", "SCHEMA", "hold_writer_lock"]

SCHEMA = (
    "CREATE NODE TABLE IF NOT EXISTS Paper(id STRING, title STRING, abstract STRING, date STRING, "
    "url STRING, source STRING, tkey STRING, hash STRING, extractor STRING, upvotes INT64, PRIMARY KEY(id))",
    # Graphs built before papers carried upvotes get the column (last, as above).
    "ALTER TABLE Paper ADD IF NOT EXISTS upvotes INT64",
    "CREATE NODE TABLE IF NOT EXISTS Entity(key STRING, name STRING, type STRING, aliases STRING[], "
    "keys STRING[], PRIMARY KEY(key))",
    # start/stop/spans/title_spans: where the paper names the entity (kg.store.base.where_fields);
    # not "end": a reserved word here
    "CREATE REL TABLE IF NOT EXISTS MENTIONS(FROM Paper TO Entity, role STRING, count INT64, evidence STRING, "
    "start INT64, stop INT64, spans STRING, title_spans STRING, rule STRING)",
    # Graphs built before links carried offsets get the columns (their links gain them on rebuild).
    "ALTER TABLE MENTIONS ADD IF NOT EXISTS start INT64",
    "ALTER TABLE MENTIONS ADD IF NOT EXISTS stop INT64",
    # (graphs whose spans are INT64[] columns are converted first: _text_spans)
    "ALTER TABLE MENTIONS ADD IF NOT EXISTS spans STRING",
    "ALTER TABLE MENTIONS ADD IF NOT EXISTS title_spans STRING",
    # rule: the extractor rule that found the mention (kg.extract.components.assemble.RULE_IDS)
    "ALTER TABLE MENTIONS ADD IF NOT EXISTS rule STRING",
    "CREATE REL TABLE IF NOT EXISTS VARIANT_OF(FROM Entity TO Entity)",
    # The checkpoints a paper named beside their system (kg.model.Naming). Graphs built before it
    # get the table at a writable open (after EmbeddedStore._mark_unnamed_checkpoints).
    "CREATE REL TABLE IF NOT EXISTS NAMES(FROM Paper TO Entity)",
    # Input files known to be in the graph as they are (kg.build skips reading them).
    "CREATE NODE TABLE IF NOT EXISTS KgInput(key STRING, papers INT64, PRIMARY KEY(key))",
    # Fingerprints of the curation fixes applied to this graph (kg.curation).
    "CREATE NODE TABLE IF NOT EXISTS KgCuration(id STRING, entries STRING[], PRIMARY KEY(id))",
)

# Messages of a read-only open of a database whose writer died mid-checkpoint.
_RECOVERY_MARKERS = ("recovery is pending", "wal", "checkpoint")
# How long a write waits for kg commands that are still reading.
_READER_GRACE_SECONDS = 30.0
# Messages LadybugDB gives when a read-only database is asked to write.
_READ_ONLY_MARKERS = ("read only", "read-only", "readonly")

# The second fence of a read (see kg.store.readonly): operators of LadybugDB's EXPLAIN
# plan that write, reach files, extensions or other databases, or change settings,
# recognised by a word of their name (COPY_TO, SET_NODE_PROPERTY, LOAD EXTENSION, ...).
_PLAN_OPERATOR = re.compile(r"([A-Z][A-Z_ ]*[A-Z])\[\d+\]")
_PLAN_FUNCTION = re.compile(r"Function:\s*(\w+)")
_DENIED_OPERATOR_WORDS = frozenset(
    "COPY EXPORT IMPORT INSTALL UNINSTALL LOAD EXTENSION TRANSACTION CHECKPOINT STANDALONE ATTACH DETACH USE "
    "CREATE DELETE SET MERGE INSERT DROP ALTER UPDATE COMMENT ANALYZE PARTITIONER RENAME MACRO RDF".split()
)
_READ_OPERATORS_WITH_A_DENIED_WORD = frozenset({"ORDER_BY_MERGE"})
# Table functions a read plan may call: the catalogue listings a read may CALL, and
# READ_FTABLE, which reads the query's own intermediate results. Any other (READ_CSV,
# PROJECT_GRAPH, ...) reads files or makes state.
_READ_FUNCTIONS = frozenset({"READ_FTABLE", *(name.upper() for name in EMBEDDED_READ_CALLS)})


class EmbeddedStore(Store):
    """A LadybugDB database in one file at ``path``.

    Opened read-only unless ``writable``; a read-only open of a path with no
    database raises ``StoreUnavailable`` instead of creating an empty one.
    """

    kind = "embedded"
    #: A first build into an empty store loads with COPY (``_bulk_load``; tests of the
    #: row-by-row path switch it off).
    bulk_load = True
    # A batch whose offsets are all null or empty would bind them as STRING: cast them.
    CREATE_LINKS = (
        "UNWIND $rows AS r MATCH (p:Paper {id: r.paper}) MATCH (e:Entity {key: r.entity}) "
        "CREATE (p)-[m:MENTIONS {role: r.role, count: r.count, evidence: r.evidence, "
        "start: CAST(r.start AS INT64), stop: CAST(r.stop AS INT64), "
        "spans: CAST(r.spans AS STRING), title_spans: CAST(r.title_spans AS STRING), "
        "rule: CAST(r.rule AS STRING)}]->(e)"
    )

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
        self._writer_lock: FileLock | None = None
        self._data_lock: FileLock | None = None
        if writable:
            self._writer_lock = self._hold_writer_lock()
            self._data_lock = FileLock(data_lock_path(self.path))
        else:
            self._data_lock = self._hold_reader_lock()
        try:
            self._db, self._conn = self._open(ladybug)
        except BaseException:
            self._release_locks()
            raise
        if writable:
            with self._exclusive():
                _text_spans(self._conn)
                self._mark_unnamed_checkpoints()
                for statement in SCHEMA:
                    self._conn.execute(statement)
            # load files a build killed mid-load left behind (we hold the writer lock)
            shutil.rmtree(bulk_dir(self.path), ignore_errors=True)

    def _mark_unnamed_checkpoints(self) -> None:
        """In a graph built before NAMES (it has VARIANT_OF, not NAMES): mark the papers that
        may have named a checkpoint for re-extraction, and forget the input files, so the next
        build reads them again and writes their NAMES (``kg.store.base``, "which entities a
        graph keeps"). Before the table is created: a kill in between marks them again."""
        conn = self._conn
        if not _table_exists(conn, "VARIANT_OF") or _table_exists(conn, "NAMES"):
            return
        marked = _rows(conn.execute(self.MARK_UNNAMED_CHECKPOINTS))
        if marked and marked[0][0] and _table_exists(conn, "KgInput"):
            conn.execute(self.FORGET_INPUTS)

    def _has_names(self) -> bool:
        return _table_exists(self._conn, "NAMES")

    # -- opening: locks, recovery ------------------------------------------------------
    def _hold_writer_lock(self) -> FileLock:
        return hold_writer_lock(self.path)

    def _hold_reader_lock(self) -> FileLock | None:
        lock = FileLock(data_lock_path(self.path))
        try:
            taken = lock.acquire(shared=True)
        except OSError:
            return None  # a read-only directory: no kg command can be writing there either
        if not taken:
            raise StoreUnavailable(f"a build is writing the graph at {self.path}; try again when it finishes")
        return lock

    def _open(self, ladybug: Any) -> tuple[Any, Any]:
        """The database and a connection; a read-only open first finishes a crashed writer's recovery."""
        try:
            return self._open_once(ladybug, read_only=not self.writable)
        except RuntimeError as exc:
            first = _first_line(exc)
            if self.writable or not any(m in first.lower() for m in _RECOVERY_MARKERS):
                raise self._unavailable(first) from None
        # A writer died half-way through a checkpoint. Only a read-write open finishes the
        # job; do it now when no writer is alive, then read as asked.
        writer = process_lock(writer_lock_path(self.path))
        try:
            taken = writer.acquire()
        except OSError:
            taken = False
        if not taken:
            raise StoreUnavailable(f"a build is writing the graph at {self.path}; try again when it finishes")
        try:
            db, conn = self._open_once(ladybug, read_only=False)
            conn.close()
            db.close()
        except RuntimeError as exc:
            raise self._unavailable(_first_line(exc)) from None
        finally:
            writer.release()
        try:
            return self._open_once(ladybug, read_only=True)
        except RuntimeError as exc:
            raise self._unavailable(_first_line(exc)) from None

    def _open_once(self, ladybug: Any, *, read_only: bool) -> tuple[Any, Any]:
        db = ladybug.Database(str(self.path), read_only=read_only)
        try:
            return db, ladybug.Connection(db)
        except BaseException:
            db.close()
            raise

    def _unavailable(self, first: str) -> StoreUnavailable:
        hint = " (is another kg command using it?)" if "lock" in first.lower() else ""
        return StoreUnavailable(f"cannot open the graph at {self.path}: {first}{hint}")

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """Hold the data lock exclusively while writing: no reader sees a half-written graph."""
        lock = self._data_lock
        if lock is None:
            yield
            return
        try:
            taken = lock.acquire(timeout=_READER_GRACE_SECONDS)
        except OSError as exc:
            raise StoreUnavailable(f"cannot write the graph at {self.path}: {exc.strerror or exc}") from None
        if not taken:
            raise StoreUnavailable(
                f"other kg commands are still reading the graph at {self.path}; try again when they finish"
            )
        try:
            yield
        finally:
            lock.release()

    def _release_locks(self) -> None:
        for lock in (self._data_lock, self._writer_lock):
            if lock is not None:
                lock.release()
        self._data_lock = self._writer_lock = None

    def close(self) -> None:
        """Close the connection and the database (flushes to disk), then drop the locks."""
        conn, db = getattr(self, "_conn", None), getattr(self, "_db", None)
        self._conn = self._db = None
        try:
            if conn is not None:
                conn.close()
            if db is not None:
                db.close()
        finally:
            if hasattr(self, "_data_lock"):
                self._release_locks()

    def _write_session(self) -> Any:
        """A build holds the data lock exclusively throughout (readers wait or are told)."""
        return self._exclusive()

    def _bulk_files(self) -> BulkFiles | None:
        files = BulkFiles.create(self.path) if self.bulk_load else None
        if files is not None and not self._foreign_tables():
            # (the build holds the writer lock from here to the end: the tables stay as they are)
            files.loader = _Loader(files.dir / self.path.resolve().name, self._open_fresh)
        return files

    def _bulk_load(self, files: BulkFiles, variant_rows: list[dict[str, Any]]) -> None:
        """Load a first build's files with ``COPY``: all or nothing, in bounded memory.

        LadybugDB holds what a ``COPY`` loads until its database is closed (1.1 GB for 1.5M
        links in one go), so the rows go into a NEW database beside this one, a file's chunk
        per transaction with a close and reopen in between, and that database then replaces
        this one with one rename. The files are loaded as they are finished, on a thread
        (``_Loader``), while the build writes the next ones. A build killed before the rename
        leaves this graph as it was (the next writable open deletes the half-loaded one);
        after it, the whole graph. A graph holding tables kg does not make (a user's own) is
        loaded in place, in one transaction (more memory, same result).
        """
        with self._exclusive():
            if files.loader is None:
                self._bulk_load_in_place(files, variant_rows)
                return
            import ladybug

            applied = _rows(self._conn.execute("MATCH (c:KgCuration) RETURN c.id, c.entries"))
            files.finished()
            db, conn = files.loader.finish()
            try:
                for ident, entries in applied:
                    conn.execute("CREATE (:KgCuration {id: $id, entries: $entries})", {"id": ident, "entries": entries})
                for start in range(0, len(variant_rows), 5000):
                    conn.execute(self.MERGE_VARIANTS, {"rows": variant_rows[start : start + 5000]})
            finally:
                conn.close()
                db.close()
            self._swap_in(ladybug, files.loader.path, self.path.resolve())

    def _open_fresh(self, ladybug: Any, path: Path) -> tuple[Any, Any]:
        try:
            db = ladybug.Database(str(path), max_num_threads=_BULK_THREADS)
            try:
                return db, ladybug.Connection(db)
            except BaseException:
                db.close()
                raise
        except RuntimeError as exc:
            raise self._unavailable(_first_line(exc)) from None

    def _swap_in(self, ladybug: Any, fresh: Path, target: Path) -> None:
        """Replace this database's file by ``fresh`` (closed, checkpointed) and reopen it."""
        if _wal(fresh).exists():  # a clean close leaves none; never rename half a database
            raise StoreUnavailable(f"cannot load the graph at {self.path}: the new database was not checkpointed")
        self._conn.close()
        self._db.close()
        self._conn = self._db = None
        # A WAL of the old file would be replayed onto the new one: a clean close leaves none.
        try:
            _wal(target).unlink(missing_ok=True)
            fresh.replace(target)
            _fsync_dir(target.parent)
        except OSError as exc:
            self._db, self._conn = self._open_once(ladybug, read_only=False)  # the graph as it was
            raise StoreUnavailable(f"cannot load the graph at {self.path}: {exc.strerror or exc}") from None
        self._db, self._conn = self._open_once(ladybug, read_only=False)

    def _foreign_tables(self) -> list[str]:
        """Tables of this database that kg does not make."""
        ours = {m.group(1) for m in map(re.compile(r"TABLE IF NOT EXISTS (\w+)").search, SCHEMA) if m}
        return [name for _, name, *_ in _rows(self._conn.execute("CALL show_tables() RETURN *")) if name not in ours]

    def _bulk_load_in_place(self, files: BulkFiles, variant_rows: list[dict[str, Any]]) -> None:
        self._conn.execute("BEGIN TRANSACTION")
        try:
            self._conn.execute(self.FORGET_INPUTS)
            for table, path in files.finished():
                self._conn.execute(f"COPY {table} FROM '{path}'")
            for start in range(0, len(variant_rows), 5000):
                self._conn.execute(self.MERGE_VARIANTS, {"rows": variant_rows[start : start + 5000]})
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def query(self, cypher: str, params: dict[str, Any] | None = None, *, write: bool = False) -> QueryResult:
        """Run one Cypher statement; a write on a read-only open raises ``QueryRejected``."""
        if write and not self.writable:
            raise QueryRejected("this store was opened read-only")
        cypher = strip_bom(cypher)
        try:
            if write:
                check_depth(parse(cypher))  # deeper nesting crashes the engine
                with self._exclusive():
                    # Whatever it changes, no input file is known to be in the graph any more.
                    self._conn.execute(self.FORGET_INPUTS)
                    result = self._conn.execute(cypher, params or {})
            else:
                # A read-only database still lets COPY ... TO write files, LOAD read them and
                # CHECKPOINT leave recovery work behind: two fences before it runs.
                statement = check_read_only(cypher, "embedded")
                prepared = self._prepare_read(cypher[statement.start : statement.end], params or {})
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", DeprecationWarning)
                    result = self._conn.execute(prepared, params or {})
        except RuntimeError as exc:
            message = str(exc)
            if any(m in message.lower() for m in _READ_ONLY_MARKERS):
                raise QueryRejected(WRITES) from None
            raise QueryRejected(_short(message)) from None
        if isinstance(result, list):  # several statements (--write only): keep the last one's rows
            if not write:
                raise QueryRejected(WRITES)
            result = result[-1]
        columns = list(result.get_column_names())
        return QueryResult(columns, list(map(_plain_row, _rows(result))))

    def _prepare_read(self, statement: str, params: dict[str, Any]) -> Any:
        """The one statement of a read, prepared once its EXPLAIN plan shows it only reads.

        ``prepare`` refuses more than one statement, so what runs is exactly the statement
        both fences saw, however the text is spelt; anything that cannot be prepared or
        planned is refused, never run unchecked.
        """
        body = re.sub(r"^\s*(EXPLAIN(\s+LOGICAL)?|PROFILE)\b", "", statement, flags=re.I)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            prepared = self._conn.prepare(statement)
            if not prepared.is_success():
                raise QueryRejected(_prepare_error(prepared.get_error_message()))
            explain = self._conn.prepare("EXPLAIN " + body)
            if not explain.is_success():
                raise QueryRejected(_prepare_error(explain.get_error_message()))
            try:
                plan = "".join(str(row[0]) for row in _rows(self._conn.execute(explain, params)))
            except RuntimeError as exc:
                if any(m in str(exc).lower() for m in _READ_ONLY_MARKERS):
                    raise QueryRejected(WRITES) from None
                raise QueryRejected(_short(str(exc))) from None
        operators = set(_PLAN_OPERATOR.findall(plan)) - _READ_OPERATORS_WITH_A_DENIED_WORD
        functions = _PLAN_FUNCTION.findall(plan)
        if (
            not operators  # a plan we cannot read: fail closed
            or any(_DENIED_OPERATOR_WORDS.intersection(re.split(r"[_ ]", op)) for op in operators)
            or any(fn.upper() not in _READ_FUNCTIONS for fn in functions)
        ):
            raise QueryRejected(WRITES)
        return prepared

    def _write_rows(self, cypher: str, rows: list[dict[str, Any]]) -> None:
        self._write_steps([(cypher, rows)])

    def _write_steps(self, steps: list[tuple[str, list[dict[str, Any]]]]) -> None:
        with self._exclusive():
            self._conn.execute("BEGIN TRANSACTION")
            try:
                for cypher, rows in steps:
                    self._conn.execute(cypher, {"rows": rows})
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")


def hold_writer_lock(path: Path) -> FileLock:
    """Take the writer lock of the graph at ``path`` (release it with ``.release()``).

    Raises ``StoreUnavailable`` at once when another process writes that graph.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreUnavailable(f"cannot create {path.parent}: {exc.strerror or exc}") from None
    lock = process_lock(writer_lock_path(path))
    try:
        taken = lock.acquire()
    except OSError as exc:
        raise StoreUnavailable(f"cannot write the graph at {path}: {exc.strerror or exc}") from None
    if not taken:
        holder = lock.holder()
        who = f"another kg command (pid {holder})" if holder else "another kg command"
        raise StoreUnavailable(f"{who} is writing the graph at {path}; wait for it to finish")
    return lock


def _rows(result: Any) -> list[list[Any]]:
    rows = []
    while result.has_next():
        rows.append(result.get_next())
    return rows


# Values that are plain already (most of what a read returns): no call per value for them.
_SCALARS = frozenset((str, int, float, bool, type(None)))


def _plain_row(row: list[Any]) -> list[Any]:
    scalars = _SCALARS
    return [v if type(v) in scalars else _plain(v) for v in row]


def _plain(value: Any) -> Any:
    """Plain Python values: node/rel dicts without internal ids; INT128 sums as ints, not Decimals."""
    if type(value) in _SCALARS:
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return _plain_row(value)
    return value


def _prepare_error(message: str) -> str:
    """LadybugDB's reason a statement cannot be prepared, as one line."""
    if "multiple statements" in message:
        return "the query has several statements; a read-only query is one statement (or re-run with --write)"
    return _short(message)


def _wal(db: Path) -> Path:
    """LadybugDB's write-ahead log of the database file ``db``."""
    return db.with_name(db.name + ".wal")


def _fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable (where the platform can)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _first_line(exc: BaseException) -> str:
    # LadybugDB appends a docs link on a second line; one line is enough here.
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _text_spans(conn: Any) -> None:
    """Convert a graph whose MENTIONS hold ``spans``/``title_spans`` as INT64[] (built before
    they became text, ``kg.store.base.where_fields``) in place, nothing lost: rename the list
    column, add the text one, copy, drop the list. Each step is safe to kill: the next open
    finds the renamed column and finishes the copy."""
    if not _table_exists(conn, "MENTIONS"):
        return
    for name in ("spans", "title_spans"):
        old = f"{name}_list"
        columns = _columns(conn, "MENTIONS")
        if columns.get(name, "").endswith("[]") and old not in columns:
            conn.execute(f"ALTER TABLE MENTIONS RENAME {name} TO {old}")
            columns = _columns(conn, "MENTIONS")
        if old not in columns:
            continue
        conn.execute(f"ALTER TABLE MENTIONS ADD IF NOT EXISTS {name} STRING")
        conn.execute(
            f"MATCH ()-[m:MENTIONS]->() WHERE m.{name} IS NULL AND size(m.{old}) > 0 "
            f"SET m.{name} = list_to_string(' ', m.{old})"
        )
        conn.execute(f"ALTER TABLE MENTIONS DROP {old}")


def _table_exists(conn: Any, table: str) -> bool:
    return any(row[1] == table for row in _rows(conn.execute("CALL show_tables() RETURN *")))


def _columns(conn: Any, table: str) -> dict[str, str]:
    """Property name -> type of ``table``."""
    result = conn.execute(f"CALL table_info('{table}') RETURN name, type")
    return {name: str(typ) for name, typ in _rows(result)}


def _short(message: str) -> str:
    return " ".join(message.split())


# Columns of the COPY files, in the tables' property order (SCHEMA); MENTIONS and NAMES start
# with the two ends, by primary key.
_BULK_COLUMNS = {
    "Paper": ("id", "title", "abstract", "date", "url", "source", "tkey", "hash", "extractor", "upvotes"),
    "Entity": ("key", "name", "type", "aliases", "keys"),
    "MENTIONS": ("paper", "entity", "role", "count", "evidence", "start", "stop", "spans", "title_spans", "rule"),
    "NAMES": ("paper", "entity"),
}
# Rows per load file (one COPY each, in its own transaction): what LadybugDB holds while it
# loads grows with the rows of one COPY and with the table, and each COPY into a relationship
# table also rewrites what the table already holds for the entities it reaches (all of them,
# nearly), so small files make the load quadratic. Measured at 100k papers (830k links), one
# thread: links in files of 100k took 23 s, of 300k 12 s (peak +420 MB), in one file 8 s
# (+700 MB, growing with the corpus); papers in files of 10k 7 s, of 50k 3.3 s (+290 MB).
_BULK_NODES, _BULK_RELS = ("Paper", "Entity"), ("MENTIONS", "NAMES")
_BULK_CHUNK_ROWS = {"Paper": 50_000, "Entity": 100_000, "MENTIONS": 300_000, "NAMES": 300_000}
# Threads of a load: more only add buffers (COPY from parquet was no faster with two cores).
_BULK_THREADS = 1
_SAFE_PATH = re.compile(r"[^'\"\\\x00-\x1f\x7f]+")  # nothing that ends or escapes a '...' literal


def bulk_dir(db: Path) -> Path:
    """Where a first build into ``db`` puts its load files."""
    db = Path(db).resolve()
    return db.parent / f".{db.name}.kg-bulk"


class BulkFiles:
    """Parquet files a first build streams its rows into, for one ``COPY`` each at the end."""

    def __init__(self, directory: Path) -> None:
        import pyarrow as pa

        self.dir = directory
        #: loads each finished file into a new database (None: ``finished`` lists them all)
        self.loader: _Loader | None = None
        self._writers: dict[str, Any] = {}  # table -> the writer of its newest file
        self._files: dict[str, list[Path]] = {table: [] for table in _BULK_COLUMNS}
        self._rows: dict[str, int] = {}  # rows in each table's newest file
        text, strings = pa.string(), pa.list_(pa.string())
        types = {
            "aliases": strings, "keys": strings, "count": pa.int64(), "upvotes": pa.int64(),
            "start": pa.int64(), "stop": pa.int64(), "rule": pa.string(),
        }
        self._schemas = {
            table: pa.schema([(name, types.get(name, text)) for name in columns])
            for table, columns in _BULK_COLUMNS.items()
        }

    @classmethod
    def create(cls, db: Path) -> BulkFiles | None:
        """Files in ``.NAME.kg-bulk`` beside the database ``db`` (one a build killed mid-load
        left there is removed first: the caller holds the writer lock); None when that path
        cannot be spelt inside a COPY statement (then the build writes row by row)."""
        directory = bulk_dir(db)
        if not _SAFE_PATH.fullmatch(str(directory)):  # the path is spelt inside the statement
            return None
        shutil.rmtree(directory, ignore_errors=True)
        try:
            directory.mkdir(parents=True)
        except OSError:
            return None
        return cls(directory)

    def add_papers(self, rows: list[dict[str, Any]]) -> None:
        self._add("Paper", rows)

    def add_entities(self, rows: list[dict[str, Any]]) -> None:
        self._add("Entity", rows)

    def add_links(self, rows: list[dict[str, Any]]) -> None:
        self._add("MENTIONS", rows)

    def add_names(self, rows: list[dict[str, Any]]) -> None:
        self._add("NAMES", rows)

    def _add(self, table: str, rows: list[dict[str, Any]]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema, limit = self._schemas[table], _BULK_CHUNK_ROWS[table]
        if table != "Paper" and self.loader is not None:
            # The papers come while workers extract: a load then would add its memory to
            # theirs (100k papers: 1,110 MB at the first paper file against 905 MB at the
            # last link file). Entities come once extraction is over.
            self.loader.begin()
        if table in _BULK_RELS and rows:
            self._close(*_BULK_NODES)  # every node is in before the first link is loaded
        elif table in _BULK_NODES and rows and any(self._files[t] for t in _BULK_RELS):
            raise RuntimeError(f"{table} rows after the links of a bulk load")
        while rows:
            writer = self._writers.get(table)
            if writer is not None and self._rows[table] >= limit:
                self._close(table)  # one COPY per file: the file's rows bound what a load holds
                writer = None
            if writer is None:
                path = self.dir / f"{table}-{len(self._files[table]):04d}.parquet"
                writer = self._writers[table] = pq.ParquetWriter(str(path), schema)
                self._files[table].append(path)
                self._rows[table] = 0
            part, rows = rows[: limit - self._rows[table]], rows[limit - self._rows[table] :]
            writer.write_table(pa.Table.from_pylist(part, schema=schema))
            self._rows[table] += len(part)

    def _close(self, *tables: str) -> None:
        """Finish the open file of each of ``tables``: the loader (if any) takes it."""
        for table in tables:
            writer = self._writers.pop(table, None)
            if writer is not None:
                writer.close()
                if self.loader is not None:
                    self.loader.put(table, self._files[table][-1])

    def finished(self) -> list[tuple[str, Path]]:
        """(table, file) to load, nodes before links; the files are closed first (with a
        loader: handed to it, and every file is listed)."""
        self._close(*_BULK_NODES, *_BULK_RELS)
        return [(t, path) for t in (*_BULK_NODES, *_BULK_RELS) for path in self._files[t]]

    def close(self) -> None:
        for writer in self._writers.values():
            try:
                writer.close()
            except Exception:
                pass
        self._writers.clear()
        try:
            if self.loader is not None:
                self.loader.stop()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


class _Loader:
    """``COPY`` each finished load file, in the order given, into a new database at ``path``,
    on a thread from ``begin`` on: LadybugDB lets go of the GIL while it loads, so the build
    writes the next file meanwhile (at 100k papers the load then hides behind the making of
    the rows)."""

    def __init__(self, path: Path, open_fresh: Any) -> None:
        self.path = path
        self._open_fresh = open_fresh  # path -> (database, connection)
        self._queue: queue.Queue[tuple[str, Path] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._done = threading.Event()  # set by the thread as it ends
        self._error: BaseException | None = None
        self._stopping = False
        self._db: Any = None
        self._conn: Any = None

    def put(self, table: str, path: Path) -> None:
        """Load ``path`` into ``table`` (once ``begin`` was called); raises at once what an
        earlier load raised, so a failed load stops the build at its next file."""
        if self._error is not None:
            raise self._error
        self._queue.put((table, path))

    def begin(self) -> None:
        """Start loading what was and will be put."""
        if self._thread is None and not self._stopping:
            thread = threading.Thread(target=self._run, name="kg-bulk-load", daemon=True)
            thread.start()
            self._thread = thread

    def _run(self) -> None:
        import ladybug

        try:
            self._db, self._conn = self._open_fresh(ladybug, self.path)
            for statement in SCHEMA:
                self._conn.execute(statement)
            while (item := self._queue.get()) is not None and not self._stopping:
                table, path = item
                self._conn.execute(f"COPY {table} FROM '{path}'")
                # (the database is opened anew after each file: what a COPY held is given back
                # at once, not when the next file comes, which may be long after)
                self._conn.close()
                self._db.close()
                self._db, self._conn = self._open_fresh(ladybug, self.path)
        except BaseException as exc:  # raised in the build's thread by put or finish
            self._error = exc
        finally:
            if self._stopping or self._error is not None:
                self._close_handles()
            self._done.set()

    def _close_handles(self) -> None:
        conn, db, self._conn, self._db = self._conn, self._db, None, None
        for handle in (conn, db):
            if handle is not None:
                try:
                    handle.close()
                except Exception:
                    pass

    def _wait(self) -> None:
        # An Event, not Thread.join: a join that Ctrl-C interrupts marks the thread as ended
        # on Python 3.11 while it still runs, and every later join returns at once.
        self._done.wait()
        self._thread = None

    def finish(self) -> tuple[Any, Any]:
        """Wait for every file handed over; the new database, open: (database, connection).
        Raises what a load raised."""
        self.begin()
        self._queue.put(None)
        self._wait()
        if self._error is not None:
            raise self._error
        db, conn, self._db, self._conn = self._db, self._conn, None, None
        return db, conn

    def stop(self) -> None:
        """Abandon the load (the build failed): the COPY under way is interrupted, and the
        thread closes the new database before it ends."""
        self._stopping = True
        if self._thread is None:
            self._close_handles()
            return
        self._queue.put(None)
        conn = self._conn
        if conn is not None:
            try:
                conn.interrupt()
            except Exception:
                pass
        self._wait()
