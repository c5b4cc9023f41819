"""What a typer user expects of the CLI: help, version, completion, suggestions, tables, early errors."""

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
from example_graph import ENV, copy_graph, example_db
from kg import __version__
from kg.cli import app

runner = CliRunner()
COMMANDS = ["build", "extract", "lookup", "query", "stats", "export", "eval", "bench"]


def kg(*args: str | Path):
    """``kg ARGS`` in-process, from the repository root (for ``cypher/...`` paths)."""
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        return runner.invoke(app, [str(a) for a in args], env=ENV)
    finally:
        os.chdir(here)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the example graph (``kg build examples/sample-papers.txt``)."""
    work = tmp_path_factory.mktemp("polish")
    copy_graph(work)
    return work / ".kg" / "graph.lbdb"


# -- help, version, completion ----------------------------------------------------------------
@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)], ids=lambda c: " ".join(c) or "kg")
def test_cli_help_shows_flags_as_flags(command: list[str]) -> None:
    result = kg(*command, "--help")
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output
    # Every flag's row is the flag and its help: no value placeholder between them.
    import typer.main

    group = typer.main.get_command(app)
    cmd = group.commands[command[0]] if command else group
    flags = [o for p in cmd.params if getattr(p, "is_flag", False) for o in p.opts if o.startswith("--")]
    rows = result.output.splitlines()
    for flag in flags:
        row = next(line for line in rows if re.match(rf"│ {re.escape(flag)}\b", line))
        assert re.match(rf"│ {re.escape(flag)}(\s+-\w)?\s+[A-Z]", row), row


def test_cli_help_json_flag_row() -> None:
    row = next(line for line in kg("stats", "--help").output.splitlines() if line.startswith("│ --json"))
    assert re.fullmatch(r"│ --json\s+Print JSON for scripts instead of a table\.\s+│", row), row


def test_cli_version_in_process_and_as_a_program() -> None:
    assert kg("--version").output == f"kg {__version__}\n"
    proc = subprocess.run([sys.executable, "-m", "kg", "--version"], capture_output=True, text=True, cwd=ROOT)
    assert (proc.returncode, proc.stdout) == (0, f"kg {__version__}\n")


def test_cli_completion_is_offered_and_printed() -> None:
    help_text = kg("--help").output
    assert "--install-completion" in help_text and "--show-completion" in help_text
    env = {k: v for k, v in os.environ.items() if not k.startswith("_KG")}
    program = Path(sys.executable).parent / "kg"  # the console script: completion is by program name
    proc = subprocess.run([str(program), "--show-completion", "bash"], capture_output=True, text=True, cwd=ROOT, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "_KG_COMPLETE=complete_bash" in proc.stdout and proc.stdout.rstrip().endswith("kg")


# -- lookup suggestions ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("calvn", ["CALVIN"]),  # a letter left out
        ("CALVNI", ["CALVIN"]),  # two letters swapped, any case
        ("worldbenh", ["WorldBench", "ToolBench"]),
        ("qwen", ["Qwen2-VL", "Qwen2.5", "Qwen2-VL-7B", "Qwen2.5-7B"]),  # a prefix: shortest names first
        ("deepseek", ["DeepSeek-Coder", "DeepSeek-Coder-6.7B"]),  # too far from either for difflib
        ("codellam", ["CodeLlama", "CodeLlama-34B"]),
    ],
)
def test_cli_lookup_did_you_mean(db: Path, typed: str, suggested: list[str]) -> None:
    result = kg("lookup", typed, "--db", db)
    assert result.exit_code == 1
    assert result.output == f"Error: no entity named {typed!r}; did you mean {', '.join(suggested)}?\n"


def test_cli_lookup_nothing_close(db: Path) -> None:
    result = kg("lookup", "zzzzzz", "--db", db)
    assert (result.exit_code, result.output) == (1, "Error: no entity named 'zzzzzz'\n")


def test_cli_lookup_counts_read_as_english(db: Path) -> None:
    one = kg("lookup", "CALVIN", "--db", db).output.strip().splitlines()
    assert one[-1] == "1 paper"
    three = kg("lookup", "qwen2.5", "--db", db).output.strip().splitlines()
    assert three[-1] == "3 papers"
    paged = kg("lookup", "qwen2.5", "--limit", "1", "--db", db).output
    assert "showing 1 of 3 papers; --limit 0 for all" in paged


# -- tables --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ["stats"],
        ["lookup", "qwen2.5"],
        ["query", "MATCH (p:Paper) RETURN p.id AS id, p.title AS title ORDER BY id LIMIT 3"],
        ["query", "-f", "cypher/top_entities_per_type.cypher"],
    ],
    ids=lambda a: " ".join(a)[:40],
)
def test_cli_tables_have_no_trailing_spaces(db: Path, args: list[str]) -> None:
    result = kg(*args, "--db", db)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) >= 4
    assert [line for line in lines if line != line.rstrip()] == []


def test_cli_query_right_aligns_numbers(db: Path) -> None:
    result = kg(
        "query", "MATCH (e:Entity)<-[:MENTIONS]-(p:Paper) WITH e.name AS entity, count(p) AS papers "
        "RETURN entity, papers, 1.5 * papers AS half ORDER BY papers DESC, entity LIMIT 3", "--db", db,
    )
    assert result.output.splitlines() == [
        "entity      papers  half",
        "PPO              3   4.5",
        "Qwen2.5-7B       3   4.5",
        "COCO             2   3.0",
        "(3 rows)",
    ]


def test_cli_stats_right_aligns_counts(db: Path) -> None:
    lines = kg("stats", "--db", db).output.splitlines()
    assert lines[0].endswith("count") and lines[1].endswith(" 13")
    width = len(lines[0])
    assert all(len(line) == width for line in lines[:16]), lines[:16]


def test_cli_query_never_cuts_ids(db: Path) -> None:
    # The long evidence column wraps; the ids and dates keep their width.
    result = kg("query", "-f", "cypher/papers_mentioning_entity.cypher", "--param", "name=CALVIN", "--db", db)
    assert "t-0218fe619bf7accc" in result.output and "…" not in result.output


# -- early, one-line errors ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", ""], "Error: the query is empty; give a statement, e.g. kg query 'MATCH (p:Paper) RETURN count(p)'"),
        (["query", "   \n"], "Error: the query is empty"),
        (["query", "RETURN $x AS x", "--param", "x=1", "--param", "x=2"],
         "Error: --param x is given twice ('x=1' and 'x=2'); give it once"),
        (["query", "-f", "cypher/similar_papers.cypher", "-p", "k=1", "-p", "k=1"],
         "Error: --param k is given twice ('k=1' and 'k=1'); give it once"),
        (["query", "RETURN $x AS x", "--param", "y=1"], "Error: the query has no parameter $y (it uses: $x)"),
    ],
)
def test_cli_query_user_errors(db: Path, args: list[str], message: str) -> None:
    result = kg(*args, "--db", db)
    assert result.exit_code == 1
    assert result.output.startswith(message) and result.output.count("\n") == 1, result.output


@pytest.mark.parametrize(
    ("html", "message"),
    [
        ("{tmp}", "is a directory; give a file name such as"),
        ("/proc/no/such/dir/g.html", "Error: cannot write /proc/no/such/dir/g.html"),
        ("{tmp}/ro/g.html", "Error: cannot write {tmp}/ro/g.html: Permission denied; choose another --html path"),
        ("{tmp}/afile/sub/g.html",
         "Error: cannot write {tmp}/afile/sub/g.html: {tmp}/afile is a file, not a directory; choose another --html path"),
    ],
)
def test_cli_build_checks_html_path_before_building(tmp_path: Path, html: str, message: str) -> None:
    (tmp_path / "afile").write_text("not a directory", encoding="utf-8")
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    if html.startswith("{tmp}/ro") and os.access(ro, os.W_OK):
        pytest.skip("running as root: a read-only directory is still writable")
    try:
        db = tmp_path / "g.lbdb"
        result = kg("build", EXAMPLE, "--db", db, "--html", html.format(tmp=tmp_path))
    finally:
        ro.chmod(0o700)
    assert result.exit_code == 1
    assert message.format(tmp=tmp_path) in result.output and result.output.count("\n") == 1
    assert not db.exists(), "nothing is built when the page cannot be written"


def test_cli_build_html_check_leaves_no_file(tmp_path: Path) -> None:
    # The check creates and removes the file; the build then writes it for real.
    out = tmp_path / "new" / "g.html"
    result = kg("build", EXAMPLE, "--db", tmp_path / "g.lbdb", "--html", out, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["html_nodes"] == 13 and out.read_text().startswith("<!DOCTYPE html>")


# -- kg bench --check ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("mode", "stream", "repeated", "code"),
    [
        ("both", 0.52, 0.29, 0),  # the default corpus: the repeated mode is shown, not gated
        ("both", 0.30, 0.90, 1),
        ("stream", 0.40, None, 0),
        ("repeated", None, 0.29, 1),  # asked for alone, it is the one gated
        ("repeated", None, 0.40, 0),
    ],
)
def test_cli_bench_check_gates_the_stream_mode(monkeypatch, mode, stream, repeated, code) -> None:
    import kg.bench as bench

    def fake(name: str, ratio: float):
        return lambda given, n, runs: bench.SpeedResult(name, n, n, 900, runs, tokenizer_per_s=1000.0,
                                                        extract_per_s=1000.0 * ratio)

    monkeypatch.setattr(bench, "measure_stream", fake("stream", stream or 0.0))
    monkeypatch.setattr(bench, "measure_repeated", fake("repeated", repeated or 0.0))
    result = kg("bench", "--mode", mode, "--check", "--json")
    assert result.exit_code == code, result.output
    rows = json.loads(result.output)
    assert [r["gated"] for r in rows] == [True, False][: len(rows)]
    table = kg("bench", "--mode", mode).output
    if mode == "both":
        rows = {line.split()[0]: line for line in table.splitlines() if line.startswith(("stream", "repeated"))}
        assert rows["stream"].endswith(("yes", "no")) and rows["repeated"].endswith("(not gated)")


def test_cli_example_graph_is_the_tours(db: Path) -> None:
    # The fixture is what the README's first command builds (13 papers from examples/).
    assert json.loads(kg("stats", "--db", example_db(), "--json").output)["papers"] == 13


# -- arguments and file names that are not UTF-8 ----------------------------------------
def _kg_bytes(*args: bytes | str, cwd: Path) -> subprocess.CompletedProcess:
    """The real program with raw byte arguments (a terminal whose locale is not UTF-8)."""
    argv = [os.fsencode(sys.executable), b"-m", b"kg", *(os.fsencode(a) if isinstance(a, str) else a for a in args)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(argv, capture_output=True, cwd=cwd, env=env)


@pytest.mark.parametrize(
    "args",
    [
        [b"lookup", b"caf\xe9"],
        [b"query", b"MATCH (e:Entity {name: 'caf\xe9'}) RETURN e"],
        [b"build", b"/no/such/caf\xe9.txt"],
    ],
    ids=["lookup", "query", "missing-file"],
)
def test_cli_argument_not_utf8_is_a_one_line_error(tmp_path: Path, args: list[bytes]) -> None:
    proc = _kg_bytes(*args, "--db", str(tmp_path / "g.lbdb"), cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: the argument ") and "is not UTF-8 text" in lines[0], lines
    assert "\\xe9" in lines[0] and "Traceback" not in proc.stderr.decode()


def test_cli_file_name_not_utf8_builds_and_is_its_source(tmp_path: Path) -> None:
    """A Linux file name may be any bytes: it is read, stored spelt with \\xNN, skipped when
    unchanged, and `kg remove --source` finds it by the name as given."""
    name = os.fsencode(tmp_path) + b"/caf\xe9.txt"
    Path(os.fsdecode(name)).write_bytes(EXAMPLE.read_bytes())
    db = str(tmp_path / "g.lbdb")
    first = _kg_bytes(b"build", name, "--db", db, "--workers", "1", cwd=tmp_path)
    assert first.returncode == 0, first.stderr.decode()
    assert b"Wrote 13 papers (0 unchanged)" in first.stdout
    again = _kg_bytes(b"build", name, "--db", db, "--workers", "1", cwd=tmp_path)
    assert again.returncode == 0, again.stderr.decode()
    assert b"Wrote 0 papers (13 unchanged)" in again.stdout
    stats = _kg_bytes(b"stats", "--db", db, "--json", cwd=tmp_path)
    assert list(json.loads(stats.stdout)["sources"]) == [os.fsdecode(tmp_path) + "/caf\\xe9.txt"]
    removed = _kg_bytes(b"remove", b"--source", name, "--db", db, "--json", cwd=tmp_path)
    assert removed.returncode == 0, removed.stderr.decode()
    assert len(json.loads(removed.stdout)["papers"]) == 13
