"""The read-only gate of ``kg query``: is this Cypher text one statement that only reads?

Both stores run a read query past two fences:

1. **The text** (this module): comments and a byte-order mark are stripped, strings and
   backtick names are skipped, and the words left are checked. More than one statement is
   refused, and so is any clause head that writes or reaches outside the database
   (``CREATE``, ``SET``, ``COPY``, ``LOAD``, ``EXPORT``, ``ATTACH``, ``CHECKPOINT``,
   ``TERMINATE``, ...) wherever it stands, case-blind. A word is *not* a clause head when
   it is a property (``n.load``), a label or type (``:Copy``), a parameter (``$set``), a
   map key (``{load: 1}``), an alias (``AS copy``) or inside a string or backticks, so
   ``RETURN 'COPY x'`` still runs.
2. **The plan** (each store): the database's own account of the statement — Neo4j's
   ``EXPLAIN`` query type and operators, LadybugDB's ``EXPLAIN`` operators — must show
   nothing that writes, reads files or changes the server.

On top of that the embedded store is opened read-only and Neo4j runs reads in a READ
session, so a statement that slips past both fences still cannot change the graph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.errors import QueryRejected

__all__ = [
    "EMBEDDED_READ_CALLS", "MAX_DEPTH", "WRITES", "Statement",
    "parse", "check_depth", "check_read_only", "parameter_names", "strip_bom",
]

#: The one message every refused read gives.
WRITES = "this query writes; re-run with --write"

# Clause heads that change data or schema, touch files, other databases, extensions,
# transactions or the server. Refused anywhere in a read query, on both stores.
_DENY_COMMON = frozenset(
    """
    CREATE MERGE SET DELETE REMOVE DROP ALTER DETACH FOREACH INSERT UPDATE
    COPY LOAD EXPORT IMPORT ATTACH INSTALL UNINSTALL CHECKPOINT FORCE ANALYZE COMMENT
    BEGIN COMMIT ROLLBACK
    TERMINATE GRANT DENY REVOKE RENAME START STOP ENABLE DEALLOCATE REALLOCATE DRYRUN
    """.split()
)
# LadybugDB: USE switches to an attached database.
_DENY = {"embedded": _DENY_COMMON | {"USE"}, "neo4j": _DENY_COMMON}
# LadybugDB table functions a read may CALL: they list the catalogue and settings. Others
# read files (READ_CSV, ...; some crash the engine when merely prepared), create state
# (PROJECT_GRAPH, CREATE_FTS_INDEX) or change settings (CALL threads=1).
EMBEDDED_READ_CALLS = frozenset(
    """
    show_tables table_info show_connection db_version current_setting show_functions show_warnings
    show_attached_databases show_sequences show_indexes show_projected_graphs show_macros
    show_loaded_extensions show_official_extensions storage_info
    """.split()
)
# LadybugDB statements that may open a read query (its parser lists every statement head;
# these are the ones that do not write).
_EMBEDDED_READ_HEADS = frozenset({"MATCH", "OPTIONAL", "RETURN", "UNWIND", "WITH", "CALL", "EXPLAIN", "PROFILE"})

_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<line_comment>//[^\n]*)
    | (?P<block_comment>/\*(?:[^*]|\*[^/])*(?:\*/|\Z))
    | (?P<string>'(?:[^'\\]|\\.)*(?:'|\Z)|"(?:[^"\\]|\\.)*(?:"|\Z))
    | (?P<quoted>`(?:[^`]|``)*(?:`|\Z))
    | (?P<word>[^\W\d]\w*)
    | (?P<number>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    """A word or symbol of a statement (strings, names in backticks and comments are kept as one token)."""

    kind: str  # word, string, quoted, number, other
    text: str
    start: int


@dataclass(frozen=True)
class Statement:
    """One statement of a Cypher text, without comments."""

    tokens: tuple[Token, ...]
    start: int  # where it starts in the text
    end: int

    @property
    def first_word(self) -> str:
        """The statement's first keyword, upper case ('' when it has none)."""
        return self.tokens[0].text.upper() if self.tokens and self.tokens[0].kind == "word" else ""

    def clause_heads(self) -> list[Token]:
        """Words in keyword position: not a property, label, parameter, map key, alias or
        a variable in a pattern or argument list (``(start:Entity)``, ``count(drop)``)."""
        heads = []
        for i, token in enumerate(self.tokens):
            if token.kind != "word":
                continue
            before = self.tokens[i - 1].text.upper() if i else ""
            after = self.tokens[i + 1].text if i + 1 < len(self.tokens) else ""
            if before in (".", ":", "$", "AS", "(", "[", ",") or after in (":", "."):
                continue
            heads.append(token)
        return heads

    def called_procedures(self) -> list[str]:
        """What each ``CALL`` calls: a name, or ``{``/``(`` for a subquery."""
        names = []
        for i, token in enumerate(self.tokens[:-1]):
            if token.kind == "word" and token.text.upper() == "CALL":
                names.append(self.tokens[i + 1].text.strip("`").lower())
        return names


def strip_bom(text: str) -> str:
    """The text without leading byte-order marks (a file saved by some editors starts with one)."""
    return text.lstrip("\ufeff")


def parse(text: str) -> list[Statement]:
    """The statements of a Cypher text, split at ``;`` outside strings, names and comments.

    Empty statements (a trailing ``;``, a text of comments only) are dropped.
    """
    statements: list[Statement] = []
    current: list[Token] = []
    start = 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind in ("space", "line_comment", "block_comment"):
            continue
        if kind == "other" and m.group() == ";":
            if current:
                statements.append(Statement(tuple(current), start, m.start()))
            current, start = [], m.end()
            continue
        if not current:
            start = m.start()
        current.append(Token(kind, m.group(), m.start()))
    if current:
        statements.append(Statement(tuple(current), start, len(text)))
    return statements


#: Deeper bracket nesting crashes LadybugDB's parser and hangs Neo4j's (stack overflow).
MAX_DEPTH = 100
# LadybugDB's file-reading table functions (READ_CSV_SERIAL, READ_NPY, ...), however quoted.
_FILE_READER = re.compile(r"(?<![a-z])read_[a-z_]*", re.IGNORECASE)


def check_depth(statements: list[Statement]) -> None:
    """Refuse brackets nested deeper than ``MAX_DEPTH`` (raises ``QueryRejected``)."""
    for statement in statements:
        depth = 0
        for token in statement.tokens:
            if token.kind == "other" and token.text in "([{":
                depth += 1
                if depth > MAX_DEPTH:
                    raise QueryRejected(f"the query nests brackets more than {MAX_DEPTH} deep")
            elif token.kind == "other" and token.text in ")]}":
                depth = max(0, depth - 1)


def parameter_names(text: str) -> set[str]:
    """The ``$name`` parameters a Cypher text uses (not ``$`` inside strings or comments)."""
    names = set()
    for statement in parse(strip_bom(text)):
        tokens = statement.tokens
        for token, after in zip(tokens, tokens[1:]):
            if token.text == "$" and after.kind in ("word", "quoted", "number") and after.start == token.start + 1:
                names.add(after.text.strip("`"))
    return names


def check_read_only(text: str, dialect: str) -> Statement:
    """The one statement of ``text`` when its words allow a read; raises ``QueryRejected``.

    ``dialect`` is ``"embedded"`` or ``"neo4j"``. This is the first fence only: the
    caller still checks the database's plan of the statement.
    """
    statements = parse(strip_bom(text))
    if not statements:
        raise QueryRejected("the query is empty")
    check_depth(statements)
    if dialect == "embedded" and _FILE_READER.search(text):
        # Anywhere, strings included: preparing a statement that calls one crashes LadybugDB,
        # so no difference between our lexer and its parser may let one through.
        raise QueryRejected(WRITES)
    deny = _DENY[dialect]
    if dialect == "neo4j" and len(statements) == 1 and statements[0].first_word == "EXPLAIN":
        return statements[0]  # Neo4j plans an EXPLAIN and runs nothing (LadybugDB's EXPORT makes its directory)
    for statement in statements:
        if any(token.text.upper() in deny for token in statement.clause_heads()):
            raise QueryRejected(WRITES)
        if dialect == "embedded" and (
            statement.first_word not in _EMBEDDED_READ_HEADS
            or any(name not in EMBEDDED_READ_CALLS for name in statement.called_procedures())
        ):
            raise QueryRejected(WRITES)
    if len(statements) > 1:
        raise QueryRejected(
            f"the query has {len(statements)} statements; a read-only query is one statement "
            "(run them one by one, or re-run with --write)"
        )
    return statements[0]
