"""`kg query` without --write never writes, reads files or breaks the store: a table of
hostile attempts per store, each checked for the refusal, no file created, the store
readable and unchanged; and a table of harmless look-alikes that still run."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLE
from conftest_neo4j import module_store, sample_graph
from kg.cli import app
from kg.errors import QueryRejected
from kg.store.readonly import WRITES, check_read_only, parse

runner = CliRunner()

COPY = "COPY (MATCH (p:Paper) RETURN p.id, p.title) TO '{out}'"

# (name, query); {out} is a fresh file name the attempt must not create.
EMBEDDED_ATTEMPTS = [
    ("copy", COPY),
    ("copy-lower", "copy (match (p:Paper) return p.id) to '{out}'"),
    ("copy-mixed-case", "CoPy (MATCH (p:Paper) RETURN p.id) To \"{out}\""),
    ("copy-after-block-comment", "/* x */ " + COPY),
    ("copy-after-line-comment", "// harmless\n" + COPY),
    ("copy-after-bom", "\ufeff" + COPY),
    ("copy-after-whitespace", " \n\t " + COPY),
    ("copy-second-statement", "MATCH (p:Paper) RETURN p.id; " + COPY),
    ("copy-after-comment-with-semicolon", "MATCH (p:Paper) RETURN p.id /* ; */; " + COPY),
    ("copy-behind-string-escape", "RETURN '\\'' ; " + COPY),
    ("copy-profiled", "PROFILE " + COPY),
    ("copy-explained", "EXPLAIN " + COPY),
    ("copy-parquet", "COPY (MATCH (e:Entity) RETURN e.name) TO '{out}.parquet'"),
    ("export-database", "EXPORT DATABASE '{out}'"),
    ("export-database-csv", "export database '{out}' (format=\"csv\")"),
    ("export-after-return", "RETURN 1; EXPORT DATABASE '{out}'"),
    ("import-database", "IMPORT DATABASE '{out}'"),
    ("load-from", "LOAD FROM 'secret.csv' RETURN *"),
    ("load-with-headers", "LOAD WITH HEADERS (a STRING, b STRING) FROM 'secret.csv' RETURN *"),
    ("load-after-unwind", "UNWIND [1] AS x LOAD FROM 'secret.csv' RETURN *"),
    ("load-after-alias-named-load", "UNWIND [1] AS load LOAD FROM 'secret.csv' RETURN *"),
    ("load-extension", "LOAD EXTENSION json"),
    ("install-extension", "INSTALL json"),
    ("uninstall-extension", "UNINSTALL json"),
    ("attach", "ATTACH '{out}' AS other (dbtype lbug)"),
    ("use", "USE other"),
    ("checkpoint", "CHECKPOINT"),
    ("checkpoint-lower-commented", "/* read */ checkpoint;"),
    ("force-checkpoint", "FORCE CHECKPOINT"),
    ("begin", "BEGIN TRANSACTION"),
    ("commit", "COMMIT"),
    ("standalone-call", "CALL threads=1"),
    ("set", "MATCH (p:Paper) SET p.title = 'x'"),
    ("create", "CREATE (:Paper {id: 'x'})"),
    ("merge", "MERGE (e:Entity {key: 'x'})"),
    ("detach-delete", "MATCH (p:Paper) DETACH DELETE p"),
    ("delete-rel", "MATCH (:Paper)-[m:MENTIONS]->(:Entity) DELETE m"),
    ("remove", "MATCH (p:Paper) REMOVE p.title"),
    ("drop-table", "DROP TABLE MENTIONS"),
    ("alter-table", "ALTER TABLE Paper ADD extra INT64"),
    ("create-table", "CREATE NODE TABLE T(id INT64, PRIMARY KEY(id))"),
    ("comment-on", "COMMENT ON TABLE Paper IS 'x'"),
    ("create-macro", "CREATE MACRO m(x) AS x + 1"),
    # A comment our text fence once ended earlier than LadybugDB does: the database saw two
    # statements where the fence saw one (found by red-teaming).
    ("comment-trick-copy", "RETURN 1 /* **/ ' */; COPY (MATCH (p:Paper) RETURN p.id) TO \"{out}\" //'"),
    ("comment-trick-load", "RETURN 1 /* **/ ' */; LOAD FROM \"secret.csv\" RETURN * //'"),
    ("comment-trick-export", "RETURN 1 /* **/ ' */; EXPORT DATABASE \"{out}\" //'"),
    ("comment-trick-checkpoint", "RETURN 1 /* **/ ' */; CHECKPOINT //'"),
    ("comment-trick-setting", "RETURN 1 /* **/ ' */; CALL threads=1 //'"),
    # Table functions that read files (and crash the engine when merely prepared) or make state.
    ("read-csv-call", "CALL read_csv_serial('secret.csv') RETURN *"),
    ("read-csv-after-with", "MATCH (p:Paper) WITH p CALL READ_CSV_PARALLEL('secret.csv') RETURN 1"),
    ("read-parquet", "CALL read_parquet('secret.parquet') RETURN *"),
    ("project-graph", "CALL project_graph('g', ['Paper'], [])"),
    ("setting-call", "CALL progress_bar=true"),
    # second red-team pass: the comment trick inside one statement, a digit glued to a
    # keyword, a backticked function name, and nesting that crashes the parser
    ("comment-trick-one-statement", "MATCH (p:Paper) /* **/ ' */ CALL read_csv_serial('secret.csv') RETURN * //'"),
    ("digit-glued-call", "UNWIND [1] AS i WITH i WHERE i = 1CALL `read_csv_serial`('secret.csv') RETURN *"),
    ("backticked-reader", "CALL `read_npy`('secret.csv') RETURN *"),
    ("digit-glued-load", "UNWIND [1] AS i WITH i WHERE i = 1LOAD FROM 'secret.csv' RETURN *"),
    ("deep-nesting", "RETURN " + "(" * 3000 + "1" + ")" * 3000 + " AS x"),
]

NEO4J_ATTEMPTS = [
    ("terminate", "TERMINATE TRANSACTIONS 'neo4j-transaction-1'"),
    ("terminate-lower", "terminate transactions 'neo4j-transaction-1'"),
    ("terminate-after-show", "SHOW TRANSACTIONS YIELD transactionId AS t TERMINATE TRANSACTIONS t"),
    ("terminate-after-comment", "/* x */ TERMINATE TRANSACTIONS 'neo4j-transaction-1'"),
    ("terminate-after-bom", "\ufeffTERMINATE TRANSACTIONS 'neo4j-transaction-1'"),
    ("create", "CREATE (:Paper {id: 'x'})"),
    ("create-after-comment", "// read\nCREATE (:Paper {id: 'x'})"),
    ("set", "MATCH (p:Paper) SET p.title = 'x'"),
    ("set-label", "MATCH (p:Paper) WITH p LIMIT 1 SET p:Evil"),
    ("merge", "MERGE (e:Entity {key: 'x'})"),
    ("detach-delete", "MATCH (p:Paper) DETACH DELETE p"),
    ("delete-second-statement", "MATCH (p:Paper) RETURN p.id; MATCH (p:Paper) DETACH DELETE p"),
    ("remove", "MATCH (p:Paper) REMOVE p.title"),
    ("foreach", "FOREACH (x IN [1] | CREATE (:Paper {id: 'f'}))"),
    ("unwind-create", "UNWIND [1, 2] AS x CREATE (:Paper {id: toString(x)})"),
    ("subquery-set", "MATCH (p:Paper) CALL (p) { SET p.title = 'x' } RETURN count(*)"),
    ("in-transactions", "MATCH (p:Paper) CALL (p) { DETACH DELETE p } IN TRANSACTIONS"),
    ("profile-set", "PROFILE MATCH (p:Paper) SET p.title = 'y'"),
    ("cypher-options-set", "CYPHER runtime=slotted MATCH (p:Paper) SET p.title = 'z'"),
    ("load-csv", "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row"),
    ("create-index", "CREATE INDEX evil IF NOT EXISTS FOR (n:X) ON (n.y)"),
    ("drop-index", "DROP INDEX paper_tkey"),
    ("create-constraint", "CREATE CONSTRAINT evil IF NOT EXISTS FOR (n:X) REQUIRE n.id IS UNIQUE"),
    ("create-user", "CREATE USER evil SET PASSWORD 'secret123'"),
    ("alter-password", "ALTER CURRENT USER SET PASSWORD FROM 'a' TO 'b'"),
    ("stop-database", "STOP DATABASE neo4j"),
    ("create-database", "CREATE DATABASE evil"),
    ("grant", "GRANT ROLE admin TO neo4j"),
    ("write-procedure", "CALL db.createLabel('Evil')"),
    ("dbms-procedure", "CALL db.clearQueryCaches()"),
    ("tx-metadata", "CALL tx.setMetaData({a: 1})"),
    ("nodetach-delete", "MATCH (p:Paper) NODETACH DELETE p"),
    # admin procedures that plan as reads (second red-team pass)
    ("stats-collect", "CALL db.stats.collect('QUERIES')"),
    ("stats-clear", "CALL db.stats.clear('QUERIES')"),
    ("prepare-for-replanning", "CALL db.prepareForReplanning()"),
    ("stats-retrieve", "CALL db.stats.retrieve('QUERIES')"),  # other users' queries and parameters
    ("deep-nesting", "RETURN " + "(" * 300 + "1" + ")" * 300 + " AS x"),
]

# Harmless look-alikes: they read, and must still run on both stores.
LOOK_ALIKES = [
    "RETURN 'COPY x' AS s",
    "RETURN \"LOAD FROM 'secret.csv'\" AS s",
    "RETURN 'TERMINATE TRANSACTIONS' AS s",
    "RETURN 1 AS load",
    "MATCH (p:Paper) RETURN {load: p.id, set: 1} AS m LIMIT 1",
    "MATCH (p:Paper) WHERE p.title CONTAINS 'Export' RETURN count(p) AS n",
    "// COPY (MATCH (p) RETURN p) TO 'x.csv'\nMATCH (p:Paper) RETURN count(p) AS n",
    "/* CHECKPOINT */ MATCH (p:Paper) RETURN count(p) AS n;",
    "\ufeffMATCH (p:Paper) RETURN count(p) AS n",
    "MATCH (p:Paper) RETURN count(p) AS n; // trailing comment",
    "MATCH (e:Entity) RETURN e.type AS type, count(*) AS n ORDER BY type",
    "MATCH (p:Paper)-[m:MENTIONS]->(e:Entity) WITH e, count(p) AS n RETURN e.name AS name, n ORDER BY n DESC, name LIMIT 3",
    # variables named like clause words, and a $ that is not a parameter
    "MATCH (start:Entity)-[:VARIANT_OF]->(fam:Entity) RETURN start.name AS s, fam.name AS f",
    "MATCH (drop:Entity) RETURN count(drop) AS n",
    "MATCH (p:Paper) WHERE p.abstract CONTAINS '$USD' RETURN count(p) AS n",
    "MATCH (p:Paper) RETURN count(p) AS n // no $params here",
]
EMBEDDED_LOOK_ALIKES = [
    "EXPLAIN LOGICAL MATCH (p:Paper) RETURN p.id",
    "CALL show_tables() RETURN *",
    "CALL table_info('Paper') RETURN *",
]


def _snapshot(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_size for p in sorted(root.rglob("*"))}


def _kg(*args: str):
    return runner.invoke(app, list(args))


# -- the text fence alone ------------------------------------------------------------------
def test_readonly_parse_splits_statements_outside_strings_and_comments() -> None:
    text = "RETURN ';' AS a /* ; */; // x;\nMATCH (`a;b`) RETURN 1;"
    assert [text[s.start : s.end].strip() for s in parse(text)] == [
        "RETURN ';' AS a /* ; */",
        "MATCH (`a;b`) RETURN 1",
    ]


@pytest.mark.parametrize("dialect", ["embedded", "neo4j"])
@pytest.mark.parametrize(
    "text",
    ["MATCH (n) RETURN n.load", "RETURN $set", "MATCH (n:Copy) RETURN n", "RETURN {create: 1}", "RETURN 'SET'"],
)
def test_readonly_words_that_are_not_clause_heads_pass(dialect: str, text: str) -> None:
    check_read_only(text, dialect)


@pytest.mark.parametrize("text", ["", "   ", "// only a comment", "/* */ ;"])
def test_readonly_empty_query_is_refused(text: str) -> None:
    with pytest.raises(QueryRejected, match="empty"):
        check_read_only(text, "embedded")


def test_readonly_two_reads_are_refused_with_a_hint() -> None:
    with pytest.raises(QueryRejected, match="2 statements.*--write"):
        check_read_only("RETURN 1; RETURN 2", "embedded")


# -- the embedded store ------------------------------------------------------------------
@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory):
    """A built graph in a directory of its own, and the directory the attempts run in."""
    root = tmp_path_factory.mktemp("readonly")
    db = root / "store" / "g.lbdb"
    result = _kg("build", str(EXAMPLE), "--db", str(db), "--json")
    assert result.exit_code == 0, result.output
    work = root / "work"
    work.mkdir()
    (work / "secret.csv").write_text("a,b\n1,2\n")
    return db, work


def _stats(db: Path) -> dict:
    result = _kg("stats", "--db", str(db), "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("name,query", EMBEDDED_ATTEMPTS, ids=[n for n, _ in EMBEDDED_ATTEMPTS])
def test_query_readonly_embedded_refuses(embedded, name: str, query: str, monkeypatch: pytest.MonkeyPatch) -> None:
    db, work = embedded
    monkeypatch.chdir(work)
    before_stats = _stats(db)
    before_files = _snapshot(db.parent.parent)
    result = _kg("query", query.replace("{out}", f"out-{name}"), "--db", str(db))
    assert result.exit_code == 1, result.output
    assert WRITES in result.output or "statements" in result.output or "nests brackets" in result.output
    assert _snapshot(db.parent.parent) == before_files  # no file written, no recovery work left
    assert _stats(db) == before_stats


def test_query_readonly_embedded_refuses_a_file_whose_second_statement_writes(embedded, monkeypatch) -> None:
    db, work = embedded
    monkeypatch.chdir(work)
    query_file = work / "two.cypher"
    query_file.write_text("// Two statements.\nMATCH (p:Paper) RETURN count(p);\n" + COPY.format(out="from-file.csv"))
    before = _snapshot(db.parent.parent)
    result = _kg("query", "-f", str(query_file), "--db", str(db))
    assert result.exit_code == 1 and WRITES in result.output
    assert _snapshot(db.parent.parent) == before


@pytest.mark.parametrize("query", [*LOOK_ALIKES, *EMBEDDED_LOOK_ALIKES])
def test_query_readonly_embedded_runs_look_alikes(embedded, query: str) -> None:
    db, _ = embedded
    result = _kg("query", query, "--db", str(db), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)


def test_query_readonly_embedded_write_flag_still_writes(tmp_path: Path) -> None:
    db = tmp_path / "g.lbdb"
    assert _kg("build", str(EXAMPLE), "--db", str(db)).exit_code == 0
    out = tmp_path / "titles.csv"
    result = _kg("query", COPY.format(out=out), "--db", str(db), "--write")
    assert result.exit_code == 0, result.output
    assert out.exists() and out.read_text().count("\n") == 13


# -- Neo4j ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def neo():
    yield from module_store()


@pytest.mark.neo4j
@pytest.mark.parametrize("name,query", NEO4J_ATTEMPTS, ids=[n for n, _ in NEO4J_ATTEMPTS])
def test_query_readonly_neo4j_refuses(neo, name: str, query: str) -> None:
    if not neo.query("MATCH (p:Paper) RETURN count(p)").rows[0][0]:
        neo.write(sample_graph())
    before = neo.stats()
    schema = neo.query("SHOW INDEXES YIELD name RETURN name ORDER BY name").rows
    users = neo.query("SHOW USERS YIELD user RETURN user ORDER BY user").rows
    result = _kg("query", query)
    assert result.exit_code == 1, result.output
    assert WRITES in result.output or "statements" in result.output or "nests brackets" in result.output
    assert neo.stats() == before
    assert neo.query("SHOW INDEXES YIELD name RETURN name ORDER BY name").rows == schema
    assert neo.query("SHOW USERS YIELD user RETURN user ORDER BY user").rows == users
    assert neo.query("MATCH (n:Evil) RETURN count(n)").rows == [[0]]


@pytest.mark.neo4j
@pytest.mark.parametrize("query", [*LOOK_ALIKES, "SHOW TRANSACTIONS", "SHOW INDEXES", "CALL db.labels()"])
def test_query_readonly_neo4j_runs_look_alikes(neo, query: str) -> None:
    if not neo.query("MATCH (p:Paper) RETURN count(p)").rows[0][0]:
        neo.write(sample_graph())
    result = _kg("query", query, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)


@pytest.mark.neo4j
def test_query_readonly_neo4j_terminate_spares_a_running_transaction(neo) -> None:
    """The attack that killed a concurrent build: TERMINATE without --write, against an open write."""
    with neo._driver.session() as session:
        tx = session.begin_transaction()
        tx.run("CREATE (:Evil {marker: 'open'})").consume()
        ids = [r[0] for r in neo.query("SHOW TRANSACTIONS YIELD transactionId RETURN transactionId").rows]
        assert len(ids) >= 2  # ours, and the SHOW itself
        for tid in ids:
            result = _kg("query", f"TERMINATE TRANSACTIONS '{tid}'")
            assert result.exit_code == 1 and WRITES in result.output
        tx.run("RETURN 1").consume()  # a terminated transaction raises here
        tx.commit()
    assert neo.query("MATCH (n:Evil) RETURN count(n)").rows == [[1]]
    neo.query("MATCH (n:Evil) DELETE n", write=True)


# -- each fence alone: with the text check switched off, the plan check still refuses -----
def _first_statement(text: str, dialect: str):
    return parse(text)[0]


_PLAN_ONLY_EMBEDDED = [
    (n, q) for n, q in EMBEDDED_ATTEMPTS
    # statements LadybugDB cannot EXPLAIN in a read-only open (it refuses them itself) or
    # whose EXPLAIN fails to bind here; the text fence alone covers those
    if not n.startswith(("comment-trick", "read-", "digit-", "backticked-", "deep-")) and n not in {"import-database", "attach", "use", "load-extension", "uninstall-extension", "commit",
                 "copy-second-statement", "copy-after-comment-with-semicolon", "copy-behind-string-escape",
                 "export-after-return", "copy-explained", "copy-profiled"}
]


@pytest.mark.parametrize("name,query", _PLAN_ONLY_EMBEDDED, ids=[n for n, _ in _PLAN_ONLY_EMBEDDED])
def test_query_readonly_embedded_plan_fence_alone(embedded, name, query, monkeypatch) -> None:
    import kg.store.embedded as embedded_module
    from kg.store.embedded import EmbeddedStore

    db, work = embedded
    monkeypatch.chdir(work)
    monkeypatch.setattr(embedded_module, "check_read_only", _first_statement)
    before = _snapshot(db.parent.parent)
    with EmbeddedStore(db) as store:
        with pytest.raises(QueryRejected):
            store.query(query.replace("{out}", f"plan-{name}"))
    if "export" not in name:  # EXPLAIN EXPORT DATABASE creates the (empty) directory: the text fence goes first
        assert _snapshot(db.parent.parent) == before


_PLAN_ONLY_NEO4J = [(n, q) for n, q in NEO4J_ATTEMPTS if ";" not in q and n != "deep-nesting"]  # one statement: what the plan sees


@pytest.mark.neo4j
@pytest.mark.parametrize("name,query", _PLAN_ONLY_NEO4J, ids=[n for n, _ in _PLAN_ONLY_NEO4J])
def test_query_readonly_neo4j_plan_fence_alone(neo, name, query, monkeypatch) -> None:
    import kg.store.neo4j as neo4j_module
    from kg.store.neo4j import Neo4jStore

    if not neo.query("MATCH (p:Paper) RETURN count(p)").rows[0][0]:
        neo.write(sample_graph())
    before = neo.stats()
    monkeypatch.setattr(neo4j_module, "check_read_only", _first_statement)
    with Neo4jStore.from_env() as store:
        with pytest.raises(QueryRejected):
            store.query(query.lstrip("\ufeff"))
    assert neo.stats() == before
    assert neo.query("MATCH (n:Evil) RETURN count(n)").rows == [[0]]


@pytest.mark.parametrize("path", ["/dev/zero", "fifo"])
def test_query_readonly_query_file_must_be_a_regular_file(embedded, tmp_path: Path, path: str) -> None:
    db, _ = embedded
    if path == "fifo":
        os.mkfifo(tmp_path / "q.fifo")
        path = str(tmp_path / "q.fifo")
    result = _kg("query", "-f", path, "--db", str(db))
    assert result.exit_code == 1 and "is not a regular file" in result.output
