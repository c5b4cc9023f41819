"""Every command the documentation shows runs on the example data and prints what the page shows.

Pages checked: README.md, docs/*.md and cypher/README.md (a new page under docs/ is checked
as soon as it exists). The convention, for whoever writes them:

* A ```console block is a transcript. Each ``$ kg ...`` line is run and what it prints
  (stdout and stderr together, as a terminal shows them, 80 columns wide) must be the lines
  that follow it, up to the next ``$`` line. Durations and rates are masked (``0.08 s``,
  ``163.0 abstracts/s``); blank lines at the end of an output are ignored. An output that
  starts with ``Error:`` means exit code 1, any other exit code 0. A line of just ``...``
  in the shown output stands for any number of lines (to leave out what does not matter).
* A ```sh block lists commands: each ``kg ...`` line is run and must exit 0 and print
  something other than an empty result (``[]``, ``(0 rows)``). ``# comments`` are fine.
* Other fences (```cypher, ```json, plain ```) are text and are not run.
* An HTML comment on the line(s) right before a fence changes that:

    <!-- doctest: skip (needs a Neo4j server) -->   not run; the reason is required
    <!-- doctest: fresh -->                         run in a workspace without a graph yet
                                                    (the tour's first `kg build`)

* Every command of a block that is run must be a ``kg`` command (``.venv/bin/kg`` too) without
  pipes or redirections; anything else (scripts, ``eval``, docker, network) needs a skip
  marker, so nothing is silently left untested. A command naming ``../shared/`` is skipped
  where the shared data is absent.

Each page runs in a workspace of its own: a temporary directory with ``examples/``,
``cypher/``, ``tests/``, ``docs/``... linked from the repository, ``../shared`` beside it, and
the graph ``kg build examples/sample-papers.txt`` makes (built once per session, copied).
Its blocks run in page order and share the workspace, so a command sees the files and the
graph the earlier ones left. Commands run in-process (typer's runner), with no
``NEO4J_URI``/``KG_DB`` from the environment.
"""

from __future__ import annotations

import re
import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import ROOT, SHARED
from example_graph import copy_graph, run_kg

PAGES = ["README.md", "docs/*.md", "cypher/README.md"]
LINKED = ["examples", "cypher", "tests", "docs", "docker", "scripts", "benchmarks", "kg", "pyproject.toml"]
RUN_LANGS = {"console", "sh", "shell", "bash"}

_FENCE = re.compile(r"^(```+|~~~+)\s*([\w+-]*)\s*$")
_MARKER = re.compile(r"^<!--\s*doctest:\s*(.*?)\s*-->$")
_SKIP = re.compile(r"^skip\s*\((.+)\)$")
_MASKS = [
    (re.compile(r"\(\d[\d,.]* abstracts/s"), "(N abstracts/s"),
    (re.compile(r"\b\d[\d,]*(\.\d+)? s\b"), "N s"),
]


def is_empty(output: str) -> bool:
    """An output that shows no result: nothing, ``[]`` or a table of ``(0 rows)``."""
    lines = output.strip().splitlines()
    return not lines or lines == ["[]"] or lines[-1] == "(0 rows)"


def _name(page: Path) -> str:
    return str(page.relative_to(ROOT)) if page.is_relative_to(ROOT) else page.name


def page_paths() -> list[Path]:
    """The pages to check, in a stable order (globs may match nothing yet)."""
    found: list[Path] = []
    for pattern in PAGES:
        found += sorted(ROOT.glob(pattern))
    return found


@dataclass
class Block:
    """A fenced block of a page and what its markers say."""

    page: Path
    line: int  # 1-based line of the opening fence
    lang: str
    lines: list[str]
    skip: str | None = None
    fresh: bool = False


@dataclass
class Command:
    line: int
    text: str
    expected: list[str] | None = None  # None: a ```sh command (no transcript)
    argv: list[str] = field(default_factory=list)


def parse_blocks(page: Path, text: str | None = None) -> list[Block]:
    """The fenced blocks of ``page`` with their markers; raises ``ValueError`` on a bad marker."""
    lines = (page.read_text(encoding="utf-8") if text is None else text).splitlines()
    blocks: list[Block] = []
    markers: list[str] = []
    i = 0
    while i < len(lines):
        stripped = lines[i].strip()
        m = _FENCE.match(stripped)
        if m:
            close = m.group(1)
            body: list[str] = []
            j = i + 1
            while j < len(lines) and lines[j].strip() != close:
                body.append(lines[j])
                j += 1
            block = Block(page, i + 1, m.group(2).lower(), body)
            for marker in markers:
                skip = _SKIP.match(marker)
                if skip:
                    block.skip = skip.group(1).strip()
                elif marker == "fresh":
                    block.fresh = True
                else:
                    raise ValueError(
                        f"{_name(page)}:{i + 1}: unknown marker <!-- doctest: {marker} -->; "
                        "use `skip (why)` or `fresh`"
                    )
            blocks.append(block)
            markers = []
            i = j + 1
            continue
        marker = _MARKER.match(stripped)
        if marker:
            markers.append(marker.group(1))
        elif stripped:
            markers = []
        i += 1
    return blocks


def _join_continuations(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    joined: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for number, text in lines:
        if pending is not None:
            number, text = pending[0], pending[1] + " " + text.strip()
        if text.rstrip().endswith("\\"):
            pending = (number, text.rstrip()[:-1].rstrip())
            continue
        pending = None
        joined.append((number, text))
    if pending is not None:
        joined.append(pending)
    return joined


def commands(block: Block) -> list[Command]:
    """The commands of a block that is run, each with the output a transcript shows."""
    cmds: list[Command] = []
    if block.lang == "console":
        for offset, line in enumerate(block.lines):
            if line.startswith("$ "):
                cmds.append(Command(block.line + 1 + offset, line[2:], []))
            elif cmds:
                cmds[-1].expected.append(line)
            elif line.strip():
                raise ValueError(f"{_name(block.page)}:{block.line}: a console block starts with a `$ ` line")
    else:
        numbered = [(block.line + 1 + k, line) for k, line in enumerate(block.lines)]
        for number, line in _join_continuations(numbered):
            if line.strip() and not line.strip().startswith("#"):
                cmds.append(Command(number, line.strip()))
    for cmd in cmds:
        if cmd.expected is not None and cmd.text.rstrip().endswith("\\"):
            raise ValueError(f"{_name(block.page)}:{cmd.line}: write a transcript command on one line")
        argv = shlex.split(cmd.text, comments=True)
        if not argv or argv[0] not in ("kg", ".venv/bin/kg"):
            raise ValueError(
                f"{_name(block.page)}:{cmd.line}: `{cmd.text}` is not a plain kg command; "
                "mark the block <!-- doctest: skip (why) --> if it cannot run in the test"
            )
        if not _quoted_only(cmd.text):
            raise ValueError(
                f"{_name(block.page)}:{cmd.line}: `{cmd.text}` uses the shell (pipes, redirections, $(...)); "
                "mark the block <!-- doctest: skip (why) -->"
            )
        cmd.argv = argv[1:]
    return cmds


def _quoted_only(text: str) -> bool:
    """Whether every shell metacharacter of ``text`` is inside quotes (a Cypher `a<b` is fine)."""
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.commenters = "#"
    lexer.whitespace_split = True
    return not any(tok and set(tok) <= set("|<>;&()") for tok in lexer)


def mask(text: str) -> str:
    """Output with durations and rates masked and trailing spaces removed."""
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    return "\n".join(line.rstrip() for line in text.splitlines()).strip("\n")


def matches(got: str, want: str) -> bool:
    """Whether an output is what the page shows; a line of just ``...`` stands for any lines."""
    if "\n...\n" not in f"\n{want}\n":
        return got == want
    parts = [r"(?:.*\n)*?" if line == "..." else re.escape(line) + r"\n" for line in want.splitlines()]
    return re.fullmatch("".join(parts), got + "\n") is not None


def workspace(base: Path) -> Path:
    """A directory where the pages' relative paths resolve, with ``../shared`` beside it."""
    work = base / "repo"
    work.mkdir()
    for name in LINKED:
        if (ROOT / name).exists():
            (work / name).symlink_to(ROOT / name)
    if SHARED.exists():
        (base / "shared").symlink_to(SHARED)
    copy_graph(work)
    return work


def check_block(block: Block, work: Path) -> list[str]:
    """Run a block's commands in ``work``; what differs from the page, one message each."""
    problems: list[str] = []
    if block.fresh:
        shutil.rmtree(work / ".kg", ignore_errors=True)
    for cmd in commands(block):
        where = f"{_name(block.page)}:{cmd.line}: `{cmd.text}`"
        if "../shared/" in cmd.text and not SHARED.exists():
            continue
        result = run_kg(cmd.argv, work)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            problems.append(f"{where} raised {result.exception!r}\n{result.output}")
            continue
        got = mask(result.output)
        if cmd.expected is None:
            if result.exit_code != 0:
                problems.append(f"{where} exited {result.exit_code}:\n{got}")
            elif is_empty(got):
                problems.append(f"{where} prints nothing useful ({got.strip()[-40:]!r}); fix the example")
            continue
        want = mask("\n".join(cmd.expected))
        code = 1 if want.startswith("Error:") else 0
        if not matches(got, want) or result.exit_code != code:
            problems.append(
                f"{where} (exit {result.exit_code}, expected {code}) printed:\n{got}\n--- the page shows:\n{want}"
            )
    return problems


def check_page(page: Path, base: Path) -> tuple[list[str], int]:
    """Run every block of ``page`` that is run; the problems found and how many commands ran."""
    work = workspace(base)
    problems: list[str] = []
    ran = 0
    for block in parse_blocks(page):
        if block.lang not in RUN_LANGS or block.skip:
            continue
        try:
            problems += check_block(block, work)
            ran += len(commands(block))
        except ValueError as exc:
            problems.append(str(exc))
    return problems, ran


# -- the pages -----------------------------------------------------------------------------
@pytest.mark.parametrize("page", page_paths(), ids=lambda p: str(p.relative_to(ROOT)))
def test_docs_examples_print_what_the_page_shows(page: Path, tmp_path: Path) -> None:
    problems, _ = check_page(page, tmp_path)
    assert not problems, "\n\n".join(problems)


def test_docs_readme_tour_is_checked() -> None:
    # The tour is the front door: most of its commands run, and nothing is skipped silently.
    blocks = parse_blocks(ROOT / "README.md")
    run = [c for b in blocks if b.lang in RUN_LANGS and not b.skip for c in commands(b)]
    transcripts = [c for c in run if c.expected is not None]
    assert len(transcripts) >= 8 and len(run) >= 12
    assert {c.argv[0] for c in run} >= {"build", "lookup", "query", "stats", "extract", "export"}
    skipped = [b for b in blocks if b.skip]
    assert all(len(b.skip) >= 5 for b in skipped), "every skip says why"
    assert any(b.fresh for b in blocks), "the tour's first build starts from an empty workspace"


def test_docs_every_cypher_file_example_prints_rows(tmp_path: Path) -> None:
    # The `@example` lines of the query files are documentation too.
    from kg.store.cypher_files import read_query_file

    work = workspace(tmp_path)
    problems = []
    for path in sorted((ROOT / "cypher").glob("*.cypher")):
        qf = read_query_file(path)
        if qf.neo4j_only:
            continue
        for example in qf.examples:
            result = run_kg([*shlex.split(example)[1:], "--json"], work)
            if result.exit_code != 0 or is_empty(result.output):
                problems.append(f"{path.name}: `{example}` printed {result.output.strip()[:200]!r}")
    assert not problems, "\n".join(problems)


# -- the checker itself -------------------------------------------------------------------------
_PAGE = """# A page

<!-- doctest: skip (needs a Neo4j server) -->
```sh
eval "$(docker/neo4j-local start)"
```

```console
$ kg query 'MATCH (p:Paper) RETURN count(p) AS n'
 n
13
(1 row)
```

```sh
kg lookup CALVIN   # a comment
kg query 'MATCH (p:Paper) WHERE p.id = "none" RETURN p.id'
```

```cypher
MATCH (n) RETURN n
```

<!-- doctest: fresh -->
```console
$ kg stats
Error: no graph at .kg/graph.lbdb; build one first with `kg build PAPERS --db .kg/graph.lbdb`
```
"""


def test_docs_parse_markers_commands_and_outputs(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    blocks = parse_blocks(page, _PAGE)
    assert [(b.lang, b.skip, b.fresh) for b in blocks] == [
        ("sh", "needs a Neo4j server", False),
        ("console", None, False),
        ("sh", None, False),
        ("cypher", None, False),
        ("console", None, True),
    ]
    (count,) = commands(blocks[1])
    assert count.argv == ["query", "MATCH (p:Paper) RETURN count(p) AS n"] and count.line == 9
    assert count.expected == [" n", "13", "(1 row)"]
    assert [c.argv for c in commands(blocks[2])] == [
        ["lookup", "CALVIN"],
        ["query", 'MATCH (p:Paper) WHERE p.id = "none" RETURN p.id'],
    ]
    with pytest.raises(ValueError, match="not a plain kg command"):
        commands(blocks[0])
    with pytest.raises(ValueError, match="unknown marker"):
        parse_blocks(page, "<!-- doctest: skp -->\n```sh\nkg stats\n```\n")


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Read 13 papers from 1 file in 0.04 s", "Read 13 papers from 1 file in N s"),
        ("Extracted entities from 13 papers in 0.13 s (96.7 abstracts/s)",
         "Extracted entities from 13 papers in N s (N abstracts/s)"),
        ("Wrote 1,000 papers in 12 s  \n\n", "Wrote 1,000 papers in N s"),
        ("13 papers, 87 entities", "13 papers, 87 entities"),
    ],
)
def test_docs_mask(text: str, masked: str) -> None:
    assert mask(text) == masked


@pytest.mark.parametrize(
    ("got", "want", "same"),
    [
        ("a\nb\nc", "a\nb\nc", True),
        ("a\nb\nc", "a\n...\nc", True),
        ("a\nc", "a\n...\nc", True),
        ("a\nb\nc", "...", True),
        ("a\nb\nc", "a\n...\nd", False),
        ("a\nb", "a\nb\nc", False),
        ("a...", "a...", True),
    ],
)
def test_docs_matches_with_ellipsis(got: str, want: str, same: bool) -> None:
    assert matches(got, want) is same


def test_docs_checker_reports_a_wrong_output_and_an_empty_result(tmp_path: Path) -> None:
    # A checker that cannot fail checks nothing: a made-up page with one right output, one
    # wrong output and one example that prints nothing gives exactly two problems.
    page = tmp_path / "page.md"
    page.write_text(_PAGE.replace("(1 row)", "(2 rows)"), encoding="utf-8")
    work = workspace(tmp_path)
    problems = []
    for block in parse_blocks(page):
        if block.lang in RUN_LANGS and not block.skip:
            problems += check_block(block, work)
    assert len(problems) == 2, problems
    assert "printed:" in problems[0] and "(1 row)" in problems[0] and "(2 rows)" in problems[0]
    assert "prints nothing useful" in problems[1] and "(0 rows)" in problems[1]
