"""Cypher query files: a ``//`` header with a description, typed parameter defaults and examples.

A file starts with ``//`` comment lines, then the statement::

    // Papers sharing at least k entities with a given paper.
    // @param paper = "2403.00101" -- the paper id
    // @param k = 2 -- minimum number of shared entities
    // @example kg query -f cypher/similar_papers.cypher --param k=3
    MATCH ...

``@param NAME = VALUE [-- description]``: VALUE is a literal, read by ``parse_value``:
an integer, a float, ``true``/``false``, a quoted string (``"..."`` or ``'...'``), or else
the bare text as a string. A header that says ``Neo4j only`` marks a query the embedded
store cannot run. See ``cypher/README.md``.
"""

from __future__ import annotations

import json
import math
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import InputError, QueryRejected

__all__ = ["QueryFile", "read_query_file", "load_query", "parse_param", "parse_value", "check_params"]

#: A query file is a statement and its header, not data (and /dev/zero never ends).
MAX_QUERY_FILE = 1_000_000

_PARAM = re.compile(r"^@param\s+([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$")
_INT = re.compile(r"^[-+]?\d+$")
_FLOAT = re.compile(r"^[-+]?(\d+\.\d*|\.\d+|\d+(\.\d*)?[eE][-+]?\d+)$")
_NEO4J_ONLY = re.compile(r"\bneo4j[ -]only\b", re.IGNORECASE)


@dataclass(frozen=True)
class QueryFile:
    """A parsed query file: the statement and what its header says."""

    path: Path
    text: str  # the statement, header removed
    description: str
    defaults: dict[str, Any] = field(default_factory=dict)
    param_help: dict[str, str] = field(default_factory=dict)
    examples: tuple[str, ...] = ()
    neo4j_only: bool = False


def parse_value(text: str) -> Any:
    """A literal as Python: int, float, bool, quoted string, else the bare (stripped) text."""
    s = text.strip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "\"'":
        if s[0] == '"':
            try:
                return json.loads(s)
            except ValueError:
                pass
        return s[1:-1]
    if s.lower() in ("true", "false"):
        return s.lower() == "true"
    if _INT.match(s):
        value = int(s)
        if not -(2**63) <= value < 2**63:
            raise QueryRejected(f"{s} does not fit a query parameter (64-bit integers)")
        return value
    if _FLOAT.match(s):
        number = float(s)
        if not math.isfinite(number):
            raise QueryRejected(f"{s} is not a finite number")
        return number
    return s


def _split_value(rest: str) -> tuple[str, str]:
    """``VALUE -- description`` into its parts; a quoted VALUE may contain ``--``."""
    rest = rest.strip()
    if rest[:1] in ("'", '"'):
        end = rest.find(rest[0], 1)
        while end > 0 and rest[0] == '"' and rest[end - 1] == "\\":
            end = rest.find(rest[0], end + 1)
        if end > 0:
            tail = rest[end + 1 :].strip()
            return rest[: end + 1], tail[2:].strip() if tail.startswith("--") else tail
    value, sep, help_text = rest.partition(" --")
    return value.strip(), help_text.strip() if sep else ""


def read_query_file(path: str | Path) -> QueryFile:
    """Parse a ``.cypher`` file; raises ``InputError`` when it cannot be read."""
    path = Path(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"query file {path} is not a regular file")
        if info.st_size > MAX_QUERY_FILE:
            raise InputError(f"query file {path} has {info.st_size:,} bytes (at most {MAX_QUERY_FILE:,})")
        source = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read query file {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"query file {path} is not UTF-8 text (byte {exc.start})") from None
    lines = source.splitlines()
    header: list[str] = []
    body_start = 0
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("//"):
            header.append(stripped[2:].strip())
            body_start = i + 1
        elif stripped == "" and not header:
            body_start = i + 1
        else:
            break
    description: list[str] = []
    defaults: dict[str, Any] = {}
    param_help: dict[str, str] = {}
    examples: list[str] = []
    for line in header:
        if line.startswith("@param"):
            m = _PARAM.match(line)
            if not m:
                raise InputError(f"{path}: bad @param line {line!r}; write `// @param name = value -- help`")
            value, help_text = _split_value(m.group(2))
            defaults[m.group(1)] = parse_value(value)
            param_help[m.group(1)] = help_text
        elif line.startswith("@example"):
            examples.append(line[len("@example") :].strip())
        elif line:
            description.append(line)
    text = "\n".join(lines[body_start:]).strip()
    if not text:
        raise InputError(f"{path}: no Cypher statement after the header")
    return QueryFile(
        path=path,
        text=text,
        description=" ".join(description),
        defaults=defaults,
        param_help=param_help,
        examples=tuple(examples),
        neo4j_only=bool(_NEO4J_ONLY.search("\n".join(description))),
    )


def load_query(path: str | Path) -> tuple[str, dict[str, Any]]:
    """The statement of a query file and its parameter defaults."""
    qf = read_query_file(path)
    return qf.text, dict(qf.defaults)


def parse_param(s: str, defaults: dict[str, Any] | None = None) -> tuple[str, Any]:
    """``name=value`` from the command line as ``(name, value)``.

    The value is typed like the parameter's default when ``defaults`` has one
    (so ``paper=2403.00101`` stays a string where the default is a string);
    otherwise like a header literal (see ``parse_value``). Raises ``QueryRejected``.
    """
    name, sep, raw = s.partition("=")
    name = name.strip()
    if not sep or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name):
        raise QueryRejected(f"bad parameter {s!r}; write --param name=value")
    if defaults is None or name not in defaults or defaults[name] is None:
        return name, parse_value(raw)
    default = defaults[name]
    value = parse_value(raw)
    if isinstance(default, bool):
        low = raw.strip().lower()
        if low in ("true", "1", "yes", "on"):
            return name, True
        if low in ("false", "0", "no", "off"):
            return name, False
        raise QueryRejected(f"parameter {name} expects true or false, got {raw!r}")
    if isinstance(default, int):
        if isinstance(value, int) and not isinstance(value, bool):
            return name, value
        raise QueryRejected(f"parameter {name} expects an integer, got {raw!r}")
    if isinstance(default, float):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return name, float(value)
        raise QueryRejected(f"parameter {name} expects a number, got {raw!r}")
    if isinstance(default, str):
        # Quoted text loses its quotes; anything else stays the text as typed.
        return name, value if isinstance(value, str) else raw.strip()
    return name, value


def check_params(text: str, params: dict[str, Any]) -> None:
    """Every ``$name`` the statement uses is given, and every given parameter is used.

    A misspelt ``--param`` would otherwise be ignored silently (and a missing one is
    null on LadybugDB but an error on Neo4j). Raises ``QueryRejected``.
    """
    from kg.store.readonly import parameter_names

    used = parameter_names(text)
    unknown = sorted(set(params) - used)
    if unknown:
        known = ", ".join(f"${u}" for u in sorted(used)) or "none"
        raise QueryRejected(f"the query has no parameter ${unknown[0]} (it uses: {known})")
    missing = sorted(used - set(params))
    if missing:
        raise QueryRejected(f"the query uses ${missing[0]}; give it with --param {missing[0]}=VALUE")
