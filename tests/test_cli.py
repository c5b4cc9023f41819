"""The CLI, in-process through typer's runner and as a real subprocess."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLE, ROOT
from kg.cli import app

runner = CliRunner()
KG = [sys.executable, "-m", "kg"]


def kg(*args: str | Path) -> "CliRunner.invoke":
    return runner.invoke(app, [str(a) for a in args])


def kg_proc(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "KG_DB"))}
    return subprocess.run(
        [*KG, *map(str, args)], capture_output=True, text=True, cwd=cwd or ROOT, env=env, timeout=300
    )


@pytest.fixture(scope="module")
def built_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("example") / "g.lbdb"
    result = kg("build", EXAMPLE, "--db", db)
    assert result.exit_code == 0, result.output
    return db


def test_cli_build_prints_counts_and_rebuild_changes_nothing(built_example: Path) -> None:
    first = json.loads(kg("stats", "--db", built_example, "--json").output)
    assert first["papers"] == 13
    assert first["entities"] > 40 and first["mentions"] > 60
    again = kg("build", EXAMPLE, "--db", built_example)
    assert again.exit_code == 0, again.output
    assert "Wrote 0 papers (13 unchanged)" in again.output
    assert re.search(r"Graph \(embedded store at .*\): 13 papers", again.output)
    assert json.loads(kg("stats", "--db", built_example, "--json").output) == first


def test_cli_build_json_summary(tmp_path: Path) -> None:
    result = kg("build", EXAMPLE, "--db", tmp_path / "g.lbdb", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["papers_read"] == summary["papers_written"] == 13
    assert summary["stats"]["papers"] == 13


def test_cli_lookup_by_alias_table_and_json(built_example: Path) -> None:
    result = kg("lookup", "group relative policy optimization", "--db", built_example)
    assert result.exit_code == 0, result.output
    assert "GRPO" in result.output and "TRACE" in result.output
    hits = json.loads(kg("lookup", "grpo", "--db", built_example, "--json").output)
    assert hits[0]["name"] == "GRPO"
    assert {"id", "title", "role", "evidence"} <= set(hits[0]["papers"][0])


def test_cli_lookup_unknown_suggests(built_example: Path) -> None:
    result = kg("lookup", "WorldBenh", "--db", built_example)
    assert result.exit_code == 1
    assert "no entity named 'WorldBenh'; did you mean WorldBench" in result.output


def test_cli_lookup_bad_type_is_a_usage_error(built_example: Path) -> None:
    result = kg("lookup", "GRPO", "--type", "gizmo", "--db", built_example)
    assert result.exit_code == 2
    assert "gizmo" in result.output


def test_cli_query_table_json_and_params(built_example: Path) -> None:
    result = kg("query", "MATCH (p:Paper) RETURN count(p) AS n", "--db", built_example)
    assert result.exit_code == 0 and "13" in result.output and "(1 row)" in result.output
    rows = json.loads(
        kg(
            "query", "MATCH (e:Entity) WHERE e.name = $name RETURN e.type AS type",
            "--param", "name=CALVIN", "--db", built_example, "--json",
        ).output
    )
    assert rows == [{"type": "benchmark"}]


def test_cli_query_refuses_writes_unless_asked(built_example: Path, tmp_path: Path) -> None:
    result = kg("query", "MATCH (p:Paper) SET p.title = 'x'", "--db", built_example)
    assert result.exit_code == 1
    assert "this query writes; re-run with --write" in result.output
    db = tmp_path / "w.lbdb"
    kg("build", EXAMPLE, "--db", db)
    wrote = kg("query", "MATCH (p:Paper) WHERE p.title STARTS WITH 'TRACE' SET p.date = '2020-01-01'",
               "--write", "--db", db)
    assert wrote.exit_code == 0, wrote.output
    assert "2020-01-01" in kg("query", "MATCH (p:Paper) RETURN min(p.date)", "--db", db).output


def test_cli_query_needs_exactly_one_source(built_example: Path) -> None:
    assert kg("query", "--db", built_example).exit_code == 2
    assert kg("query", "RETURN 1", "--file", "x.cypher", "--db", built_example).exit_code == 2


def test_cli_extract_jsonl_to_file(tmp_path: Path) -> None:
    out = tmp_path / "e.jsonl"
    result = kg("extract", EXAMPLE, "-o", out)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 13
    assert set(records[0]) == {"id", "title", "entities"}
    entity = records[0]["entities"][0]
    assert set(entity) == {"name", "type", "aliases", "role", "evidence", "spans", "title_spans", "rule", "typed_by"}
    types = {e["type"] for r in records for e in r["entities"]}
    assert types <= {"model", "method", "dataset", "benchmark", "github", "url"}


def test_cli_extract_shared_dump_64_lines_canonical_github(dump_path: Path) -> None:
    proc = kg_proc("extract", dump_path, "--format", "jsonl")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 64
    urls = [e["name"] for line in lines for e in json.loads(line)["entities"] if e["type"] == "github"]
    assert urls, "the dump names GitHub repositories"
    for url in urls:
        assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url), url
        assert not url.endswith((".", ".git")) and "/tree/" not in url


def test_cli_build_shared_dump_then_lookup_calvin(dump_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "dump.lbdb"
    built = kg_proc("build", dump_path, "--db", db)
    assert built.returncode == 0, built.stderr
    assert "Read 64 papers from 1 file in" in built.stdout
    found = kg_proc("lookup", "CALVIN", "--db", db, "--json")
    assert found.returncode == 0, found.stderr
    (hit,) = json.loads(found.stdout)
    assert hit["type"] == "benchmark" and len(hit["papers"]) >= 2
    before = kg_proc("stats", "--db", db, "--json").stdout
    assert kg_proc("build", dump_path, "--db", db).returncode == 0
    assert kg_proc("stats", "--db", db, "--json").stdout == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["build", "no-such-file.txt", "--db", "{tmp}/g.lbdb"], "Error: no-such-file.txt: no such file"),
        (["stats", "--db", "{tmp}/absent.lbdb"], "Error: no graph at"),
        (["query", "MATCH (p:Paper RETURN p", "--db", "{db}"], "Error: "),
        (["extract", "{tmp}"], "no input files"),
        (["query", "-f", "cypher/papers_mentioning_entity.cypher", "--param", "nmae=CALVIN", "--db", "{db}"],
         "Error: the query has no parameter $nmae (it uses: $name)"),
        (["query", "RETURN $x AS x", "--db", "{db}"], "Error: the query uses $x; give it with --param x=VALUE"),
        (["query", "RETURN $x AS x", "--param", "x=1e400", "--db", "{db}"], "Error: 1e400 is not a finite number"),
        (["query", "RETURN $x AS x", "--param", "x=99999999999999999999", "--db", "{db}"], "64-bit"),
        (["query", "COPY (MATCH (p:Paper) RETURN p.id) TO '{tmp}/out.csv'", "--db", "{db}"],
         "Error: this query writes; re-run with --write"),
        (["query", "MATCH (p) RETURN count(p)", "--write", "--db", "{tmp}/typo.lbdb"], "Error: no graph at"),
        (["query", "-f", "cypher/search_entities_fulltext.cypher", "--db", "{db}"], "runs on Neo4j only"),
        (["stats", "--db", "{tmp}"], "is a directory"),
        (["lookup", "GRPO", "--type", "model", "--db", "{db}"],
         "Error: no entity named 'GRPO' of type model; there is GRPO (method)"),
        (["build", str(EXAMPLE), "--db", "/proc/nope/g.lbdb"], "Error: cannot create /proc/nope"),
    ],
)
def test_cli_user_errors_are_one_line_without_traceback(
    tmp_path: Path, built_example: Path, args: list[str], message: str
) -> None:
    proc = kg_proc(*(a.format(tmp=tmp_path, db=built_example) for a in args))
    assert proc.returncode == 1
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_cli_help_for_every_command_and_in_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    proc = kg_proc("--help")
    assert proc.returncode == 0
    commands = re.findall(r"^│ (\w+)\s", proc.stdout, flags=re.MULTILINE)
    assert {"build", "extract", "lookup", "query", "stats"} <= set(commands)
    for command in commands:
        help_proc = kg_proc(command, "--help")
        assert help_proc.returncode == 0 and "Usage: " in help_proc.stdout
        assert f"kg {command}" in readme, f"README does not show `kg {command}`"


def test_cli_brackets_in_paths_and_values_are_printed_as_is(tmp_path: Path) -> None:
    # Rich would read "[/x]" as markup and crash; paths and values are plain text.
    db = tmp_path / "[/x]" / "g.lbdb"
    html = tmp_path / "[bold]x.html"
    built = kg("build", EXAMPLE, "--db", db, "--html", html)
    assert built.exit_code == 0, built.output
    assert f"HTML: {html}" in built.output and html.exists()
    result = kg("query", "RETURN '[/b]' AS `[/c]`", "--db", db)
    assert result.exit_code == 0, result.output
    assert "[/c]" in result.output and "[/b]" in result.output


def test_cli_build_counts_read_as_english(tmp_path: Path) -> None:
    one = tmp_path / "one.jsonl"
    one.write_text(json.dumps({"id": "2501.00001", "title": "A Tiny Study", "abstract": "We propose TinyNet."}) + "\n")
    first = runner.invoke(app, ["build", str(one), "--db", str(tmp_path / "g.lbdb")])
    assert first.exit_code == 0, first.output
    assert "Read 1 paper from 1 file in " in first.output
    assert "Extracted entities from 1 paper in " in first.output
    assert "Wrote 1 paper (0 unchanged)" in first.output
    again = runner.invoke(app, ["build", str(one), "--db", str(tmp_path / "g.lbdb")])
    assert "Read 1 paper from 1 file in " in again.output and "(1 unchanged since the last build, not read again)" in again.output
    assert "Extracted nothing: every paper is unchanged since the last build" in again.output
    assert "Wrote 0 papers (1 unchanged)" in again.output
