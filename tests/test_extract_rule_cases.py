"""Each extractor rule on sentences written for these tests (never dev-set text), as data.

``tests/fixtures/extract/rules/<rule id>.toml`` holds the cases of one rule of ``STAGES``
(the fields are described in that directory's README.md): an abstract and what the
extractor must make of it. A ``found`` name must come out with its type *and* with
``mention.rule`` equal to the file's rule id, or to one of its sub-rules (``<rule id>.<sub>``;
exactly ``<rule id>.<by>`` when the case says ``by``), so a case fails when another rule
takes the name over; ``absent`` names must not come out at all (a different type does not
pass). Every sub-rule (``RULE_IDS``) is pinned by a case with its ``by``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest

from kg.extract import extract
from kg.extract.components.assemble import REQUIRED, RULE_IDS, STAGES
from kg.model import EntityType, Mention, Paper, Role

CASES_DIR = Path(__file__).parent / "fixtures" / "extract" / "rules"
IDS = [rule for rule, _ in STAGES]

#: Rules that record no mention of their own: they mark tokens for the rules after them,
#: add later occurrences to an entity another rule found first, or drop and retype what
#: the others found. Their cases have no ``found`` names (``also`` instead), and each case
#: must fail with its rule switched off, or it would not be testing that rule.
SUPPORTING = frozenset(
    {
        "own.propose_cues",  # marks where the object of "we propose ..." may start
        "definitions.cover",  # covers the tokens of acronym definitions
        "own.later_uses",  # later uses of an own name found first in the title or a propose cue
        "definitions.long_form_uses",  # later uses of a long form defined first
        "types.known_tokens",  # firm types by token, read by the list rules
        "names.glued_tail",  # rewrites "FooNetis" to a name found already
        "titles.allcaps",  # drops unattested words of an ALL-CAPS title
        "types.list_siblings",  # retypes the members of a list
        "urls.mentions",  # builds the URL mentions, which carry the rule "urls.tokens"
    }
)

#: Rules without a case file: every run needs them (``REQUIRED``: they cannot be switched
#: off), and they find no name; they group and type what the others found, so every case
#: tests them (a case about a type lives with the rule that found the name).
NO_CASE_FILE = frozenset({"entities.group", "entities.build"})

FIELDS = {
    "name", "why", "title", "abstract", "github", "by",
    "found", "also", "absent", "role", "aliases", "count", "family", "evidence", "only", "xfail",
}
TABLES = ("found", "also", "role", "aliases", "count", "family", "evidence")  # name -> expected value
TYPES = {t.value for t in EntityType}
ROLES = {r.value for r in Role}
DEFAULT_TITLE = "A Study"


@dataclass(frozen=True)
class Case:
    """One sentence (or a few) and what one rule must make of it."""

    rule: str
    name: str
    why: str
    abstract: str
    title: str = DEFAULT_TITLE
    github: str | None = None
    found: dict[str, str] = field(default_factory=dict)  # name -> type, found by this rule
    also: dict[str, str] = field(default_factory=dict)  # name -> type, found by any rule
    absent: tuple[str, ...] = ()
    role: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, list[str]] = field(default_factory=dict)  # exact, in order
    count: dict[str, int] = field(default_factory=dict)
    family: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    only: bool = False  # nothing but the found and also names comes out
    by: str = ""  # the sub-rule (``RULE_IDS``: "<rule>.<by>") that must find the found names
    xfail: str = ""  # why the extractor fails this case today (a strict xfail)

    @property
    def found_by(self) -> str:
        """The rule that must find the ``found`` names: ``<rule>.<by>``, or ``<rule>`` and any
        of its sub-rules."""
        return f"{self.rule}.{self.by}" if self.by else f"{self.rule} (or a sub-rule of it)"

    @property
    def id(self) -> str:
        return f"{self.rule}/{self.name}"

    def __repr__(self) -> str:
        return self.id  # (what pytest prints for the parameter of a failing case)


def load_cases(path: Path) -> list[Case]:
    """The cases of one rule's file; ``ValueError`` naming file and case for a malformed one."""
    rule = path.stem
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    if set(data) - {"case"}:
        raise ValueError(f"{path.name}: only [[case]] tables belong here, not {sorted(set(data) - {'case'})}")
    cases, seen = [], set()
    for raw in data.get("case", []):
        where = f"{path.name}: case {raw.get('name', '(no name)')!r}"
        if unknown := set(raw) - FIELDS:
            raise ValueError(f"{where}: unknown field(s) {sorted(unknown)}; the fields are {sorted(FIELDS)}")
        for need in ("name", "why", "abstract"):
            if not raw.get(need):
                raise ValueError(f"{where}: {need!r} is required")
        for part, kind in (*((f, dict) for f in TABLES), ("absent", list), ("only", bool)):
            if part in raw and not isinstance(raw[part], kind):
                raise ValueError(f"{where}: {part!r} must be a {'table' if kind is dict else kind.__name__}")
        if raw["name"] in seen:
            raise ValueError(f"{where}: two cases have this name")
        seen.add(raw["name"])
        for part in ("found", "also"):
            if bad := {n: t for n, t in raw.get(part, {}).items() if t not in TYPES}:
                raise ValueError(f"{where}: {part} types must be one of {sorted(TYPES)}, not {bad}")
        if bad := {n: r for n, r in raw.get("role", {}).items() if r not in ROLES}:
            raise ValueError(f"{where}: roles must be one of {sorted(ROLES)}, not {bad}")
        if both := set(raw.get("absent", ())) & (set(raw.get("found", {})) | set(raw.get("also", {}))):
            raise ValueError(f"{where}: {sorted(both)} both expected and absent")
        if rule in SUPPORTING and raw.get("found"):
            raise ValueError(f"{where}: {rule} records no mention of its own; name its entities under 'also'")
        if "by" in raw and (f"{rule}.{raw['by']}" not in RULE_IDS or not raw.get("found")):
            subs = [r.removeprefix(rule + ".") for r in RULE_IDS if r.startswith(rule + ".")]
            raise ValueError(f"{where}: 'by' names a sub-rule of {rule} ({', '.join(subs) or 'it has none'}) "
                             "and needs 'found' names")
        case = Case(rule=rule, **{k: tuple(v) if k == "absent" else v for k, v in raw.items()})
        cases.append(case)
    if not cases:
        raise ValueError(f"{path.name}: no [[case]] in it")
    return cases


def case_files() -> list[Path]:
    return sorted(CASES_DIR.glob("*.toml"))


ALL_CASES = [case for path in case_files() for case in load_cases(path)]


@cache
def mentions(title: str, abstract: str, github: str | None, disable: tuple[str, ...] = ()) -> dict[str, Mention]:
    """The mentions the extractor makes of one paper, by name."""
    (pm,) = extract([Paper(id="case", title=title, abstract=abstract, github=github)], disable=disable)
    return {m.name: m for m in pm.mentions}


def run(case: Case, disable: tuple[str, ...] = ()) -> dict[str, Mention]:
    return mentions(case.title, case.abstract, case.github, disable)


def describe(m: Mention) -> str:
    return f"{m.type.value}, by {m.rule or '?'}, {m.role.value}"


def finds(case: Case, rule: str) -> bool:
    """Whether ``rule`` (a mention's) is the one the case's ``found`` names need."""
    if case.by:
        return rule == f"{case.rule}.{case.by}"
    return rule == case.rule or rule.startswith(case.rule + ".")


def problems(case: Case, got: dict[str, Mention]) -> list[str]:
    """What in ``got`` breaks the case's expectations, one line each (none: it holds)."""
    out = []
    for part, expected in (("found", case.found), ("also", case.also)):
        for name, typ in expected.items():
            m = got.get(name)
            if m is None:
                out.append(f"{name!r}: expected ({typ}), not extracted")
                continue
            if m.type.value != typ:
                out.append(f"{name!r}: expected type {typ}, got {m.type.value}")
            if part == "found" and not finds(case, m.rule):
                out.append(f"{name!r}: expected to be found by {case.found_by}, found by {m.rule or '?'}")
    for name in case.absent:
        if name in got:
            out.append(f"{name!r}: expected absent, extracted ({describe(got[name])})")
    checks = (("role", lambda m: m.role.value), ("aliases", lambda m: list(m.aliases)), ("count", lambda m: m.count),
              ("family", lambda m: m.family), ("evidence", lambda m: m.evidence))
    for part, read in checks:
        for name, want in getattr(case, part).items():
            if name not in got:
                out.append(f"{name!r}: expected {part} {want!r}, not extracted")
            elif (have := read(got[name])) != want:
                out.append(f"{name!r}: expected {part} {want!r}, got {have!r}")
    if case.only:
        named = set(case.found) | set(case.also)
        if extra := sorted(set(got) - named):
            out.append(f"expected only {sorted(named)}, also extracted {extra}")
    return out


def report(case: Case, got: dict[str, Mention], issues: list[str]) -> str:
    lines = [f"{case.id}: {case.why}", f"  abstract: {case.abstract}"]
    if case.title != DEFAULT_TITLE:
        lines.insert(1, f"  title: {case.title}")
    lines += [f"  - {p}" for p in issues]
    lines.append("  extracted: " + ("; ".join(f"{n} ({describe(m)})" for n, m in got.items()) or "nothing"))
    return "\n".join(lines)


def _param(case: Case):
    marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in ALL_CASES])
def test_rule_cases_case(case: Case) -> None:
    got = run(case)
    issues = problems(case, got)
    assert not issues, report(case, got, issues)
    if case.rule in SUPPORTING:
        # the case must depend on its rule: with the rule off, something in it breaks
        off = run(case, (case.rule,))
        assert problems(case, off), f"{case.id}: passes with {case.rule} switched off, so it does not test that rule"


def test_rule_cases_file_names_are_rule_ids() -> None:
    # a renamed or removed rule leaves its file behind: that must fail, not skip its cases
    stray = [p.name for p in CASES_DIR.iterdir() if p.suffix == ".toml" and p.stem not in IDS]
    assert not stray, f"case files named after no rule of STAGES: {stray}; rename them to the rule's id"
    others = sorted(p.name for p in CASES_DIR.iterdir() if p.suffix != ".toml")
    assert others == ["README.md"], f"only <rule id>.toml files and README.md belong in {CASES_DIR}: {others}"
    assert SUPPORTING <= set(IDS) and NO_CASE_FILE <= REQUIRED


def test_rule_cases_every_rule_has_a_case_file() -> None:
    have = {p.stem for p in case_files()}
    missing = [rule for rule in IDS if rule not in have and rule not in NO_CASE_FILE]
    assert not missing, f"rules of STAGES without a case file in {CASES_DIR}: {missing}"
    assert not have & NO_CASE_FILE, "a rule every run needs has a case file: move its cases to the rule that finds the names"


def test_rule_cases_every_finding_rule_is_checked_by_id() -> None:
    # each rule that records mentions has a case whose found names carry its id ...
    finding = {c.rule for c in ALL_CASES if c.found}
    unchecked = [r for r in IDS if r not in finding and r not in SUPPORTING and r not in NO_CASE_FILE]
    assert not unchecked, f"no case checks a name found by {unchecked}; add one with 'found'"
    # ... and the rules said to record none record none, in any case
    recorded = {m.rule for c in ALL_CASES for m in run(c).values()}
    assert not recorded & SUPPORTING, f"{sorted(recorded & SUPPORTING)} recorded mentions: they are finding rules now"
    assert recorded <= set(RULE_IDS) | {"source.github"}, recorded


def test_rule_cases_every_sub_rule_is_pinned_by_a_case() -> None:
    pinned = {f"{c.rule}.{c.by}" for c in ALL_CASES if c.by}
    subs = [r for r in RULE_IDS if r not in IDS]
    assert len(subs) >= 15
    unpinned = [r for r in subs if r not in pinned]
    assert not unpinned, f"no case pins a name found by {unpinned}; add one with 'found' and 'by'"
