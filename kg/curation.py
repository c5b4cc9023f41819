"""The user's corrections to the graph: a TOML file applied on every build, in order.

A curation file is a list of ``[[fix]]`` tables, each naming one correction::

    [[fix]]
    merge = "DPO-style tuning"      # this name becomes an alias of ...
    into = "DPO"                    # ... this entity (links move, duplicates combine)

    [[fix]]
    rename = "Qwen2.5 VL"           # the canonical name ...
    to = "Qwen2.5-VL"               # ... becomes this one (the old name stays an alias)

    [[fix]]
    retype = "CALVIN"
    type = "benchmark"

    [[fix]]
    ignore = "Code"                 # drop the entity ...
    paper = "2509.00001"            # ... from this paper only (optional)

    [[fix]]
    variant = "Llama-3-8B-Instruct"
    family = "Llama-3"              # "" detaches the variant from any family

Names are compared like everywhere in kg (``match_key``: case, spaces and hyphens blind)
against an entity's name and aliases. A checkpoint a paper named beside its system
("MusicGen-Large" beside "MusicGen", a NAMES link, see ``kg.resolve``) belongs to the paper's
mention of that system: merged or renamed, its NAMES move with it as MENTIONS do; ignored,
they go; when its system is ignored (in one paper, or everywhere), the NAMES of the
checkpoints named beside it go too. Fixes run in file order, so "merge B into A" then
"rename A to C" gives one entity C with aliases A and B.

Where a fix is applied:

* ``Curation.apply_to_resolution``: to what a build is about to write (its resolved
  entities, variants, links and namings), a pure function of the batch;
* ``Curation.apply_to_store``: to the stored graph, every build (also when every input
  file was unchanged and skipped) and every ``kg merge``/``rename``/... command. Each
  statement finds its rows by primary key (cost follows the entities a fix touches, not the
  graph); every step is idempotent and a merge moves each link in the same transaction
  that deletes the old one, so a run killed anywhere is finished by the next;
* ``Curation.curate_mentions``: to one paper's extracted mentions (``kg eval --curation``).

Removing a fix from the file does not undo it on a stored graph (the corrected papers are
not re-extracted); build into a fresh store to start over.
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import InputError
from kg.model import ROLE_PRIORITY, Entity, EntityType, Mention, PaperMentions, Role, Variant
from kg.store.base import UNHELD, orphan_rounds
from kg.text import match_key

if TYPE_CHECKING:
    from kg.resolve import Resolution
    from kg.store.base import Store

__all__ = [
    "Fix",
    "Curation",
    "CurationError",
    "CurationReport",
    "CuratedResolution",
    "KINDS",
    "load_curation",
    "find_entities",
]

#: The kinds of fix, with the TOML keys each takes: (action key, second key or None, optional keys).
KINDS: dict[str, tuple[str, str | None, tuple[str, ...]]] = {
    "merge": ("merge", "into", ()),
    "rename": ("rename", "to", ()),
    "retype": ("retype", "type", ()),
    "ignore": ("ignore", None, ("paper",)),
    "family": ("variant", "family", ()),
}
_ACTION_KEYS = {action: kind for kind, (action, _, _) in KINDS.items()}
_HEADER = (
    "# kg curation: corrections applied to the graph on every build, in this order.\n"
    "# Edit by hand or with kg merge / rename / retype / ignore / family (see docs/curation.md).\n"
)


class CurationError(InputError):
    """A curation file that cannot be read or applied: bad TOML, a bad fix, a cycle, a conflict."""


@dataclass(frozen=True)
class Fix:
    """One correction. ``name`` is what it applies to; ``target`` the entity it points at."""

    kind: str  # merge | rename | retype | ignore | family
    name: str  # merge: the name that becomes an alias; rename: the old name; family: the variant
    target: str = ""  # merge: the entity kept; rename: the new name; family: the family ("" none)
    type: EntityType | None = None  # retype
    paper: str | None = None  # ignore in this paper only
    note: str = ""
    index: int = 0  # position in the file, from 1

    def describe(self) -> str:
        """The fix as a short sentence."""
        if self.kind == "merge":
            return f"merge {self.name!r} into {self.target!r}"
        if self.kind == "rename":
            return f"rename {self.name!r} to {self.target!r}"
        if self.kind == "retype":
            return f"retype {self.name!r} as {self.type.value if self.type else ''}"
        if self.kind == "ignore":
            return f"ignore {self.name!r}" + (f" in paper {self.paper}" if self.paper else "")
        return f"set the family of {self.name!r} to {self.target!r}" if self.target else f"detach {self.name!r} from its family"

    @property
    def fingerprint(self) -> str:
        """What the fix does, independent of spelling (a store remembers the fixes it applied)."""
        return "\t".join(
            (self.kind, match_key(self.name), match_key(self.target), self.type.value if self.type else "", self.paper or "")
        )

    def names(self) -> tuple[str, ...]:
        """Every name the fix mentions."""
        return tuple(n for n in (self.name, self.target) if n)

    def to_dict(self) -> dict[str, Any]:
        """The fix as a plain dict (``kg curation --json``)."""
        out: dict[str, Any] = {"index": self.index, "kind": self.kind, "name": self.name}
        if self.kind in ("merge", "rename", "family"):
            out["target"] = self.target
        if self.type is not None:
            out["type"] = self.type.value
        if self.paper:
            out["paper"] = self.paper
        if self.note:
            out["note"] = self.note
        return out

    def table(self) -> dict[str, str]:
        """The fix as the keys of its ``[[fix]]`` table, in the order they are written."""
        action, second, _ = KINDS[self.kind]
        t = {action: self.name}
        if second == "type":
            t[second] = self.type.value if self.type else ""
        elif second:
            t[second] = self.target
        if self.paper:
            t["paper"] = self.paper
        if self.note:
            t["note"] = self.note
        return t


@dataclass
class CurationReport:
    """What applying a curation did: fixes that matched something, warnings, rows written."""

    fixes: int = 0
    matched: set[int] = field(default_factory=set)  # fix indexes
    warnings: list[str] = field(default_factory=list)
    writes: int = 0  # rows written to the store

    def to_dict(self) -> dict[str, Any]:
        return {"fixes": self.fixes, "matched": len(self.matched), "warnings": list(self.warnings), "writes": self.writes}


# -- the file ----------------------------------------------------------------------------
class Curation:
    """An ordered list of fixes, with the TOML document they came from (comments and all)."""

    def __init__(self, path: Path | None, fixes: list[Fix], document: Any = None) -> None:
        self.path = path
        self.fixes = fixes
        self._doc = document

    def __len__(self) -> int:
        return len(self.fixes)

    def __iter__(self):
        return iter(self.fixes)

    # -- editing -------------------------------------------------------------------
    def find(self, fix: Fix) -> Fix | None:
        """The fix already in the file that does what ``fix`` does, if any."""
        return next((f for f in self.fixes if f.fingerprint == fix.fingerprint), None)

    def add(self, fix: Fix) -> Fix:
        """Append ``fix`` (validated with the others: a conflict or a cycle raises ``CurationError``)."""
        import tomlkit
        from tomlkit.items import AoT

        # Cleaned and checked as the file reader would: what is applied now is what every
        # later build, reading the file, applies again.
        fix = _checked_fix(replace(fix, index=len(self.fixes) + 1), self._where())
        _validate([*self.fixes, fix], self._where())
        existing = self._doc.get("fix") if self._doc is not None else None
        if existing is not None and not isinstance(existing, AoT):
            # fix = [...] written inline by hand: one more inline table in that array.
            entry = tomlkit.inline_table()
            entry.update(fix.table())
            existing.append(entry)
        else:
            # Appended as text, so everything above stays byte for byte (a file holds only
            # [[fix]] tables, so one more at the end is always valid TOML).
            text = tomlkit.dumps(self._doc) if self._doc is not None else _HEADER
            if text.strip():
                text = text.rstrip("\n") + "\n\n"
            self._doc = tomlkit.parse(text + tomlkit.dumps({"fix": [fix.table()]}))
        self.fixes.append(fix)
        return fix

    def save(self, path: Path | None = None) -> Path:
        """Write the file (atomically: a kill leaves the old file or the new one)."""
        import tomlkit

        target = Path(path or self.path or "")
        if not str(target):
            raise CurationError("no path to save the curation file to")
        text = tomlkit.dumps(self._doc) if self._doc is not None else _HEADER
        # A symlink (a file kept in a team repository) is written through, not replaced; the
        # file keeps its permissions (mkstemp's are 0600), a new one gets the umask's.
        real = Path(os.path.realpath(target))
        tmp = None
        try:
            real.parent.mkdir(parents=True, exist_ok=True)
            try:
                mode = real.stat().st_mode & 0o7777
            except FileNotFoundError:
                umask = os.umask(0)
                os.umask(umask)
                mode = 0o666 & ~umask
            fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", dir=real.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.chmod(tmp, mode)
            os.replace(tmp, real)
        except OSError as exc:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
            raise CurationError(f"cannot write the curation file {target}: {exc.strerror or exc}") from None
        self.path = target
        return target

    def _where(self) -> str:
        return str(self.path) if self.path else "the curation"

    # -- applying ------------------------------------------------------------------
    def apply_to_resolution(self, resolution: Resolution) -> CuratedResolution:
        """What a build is about to write, corrected (entities, variants, and links as they come)."""
        table = _MemoryTable(resolution.entities, resolution.variants)
        report = CurationReport(fixes=len(self.fixes))
        _run(self.fixes, table, report)
        return CuratedResolution(resolution, table, report, resolution.mentioned_keys())

    def apply_to_store(self, store: Store, *, matched: Iterable[int] = ()) -> CurationReport:
        """Apply every fix to the stored graph; idempotent, keyed, resumable after a kill.

        ``matched``: fixes that matched what the build just wrote (no warning for those).
        A fix that matches nothing is a warning, not an error; an ``ignore`` that matched
        once is quiet afterwards (its entity is gone, as asked).
        """
        report = CurationReport(fixes=len(self.fixes), matched=set(matched))
        applied = _applied(store)
        table = _StoreTable(store, self.fixes, applied)
        _run(self.fixes, table, report)
        table.finish()
        report.writes = table.writes
        for fix in self.fixes:
            if fix.index in report.matched or (fix.kind == "ignore" and fix.fingerprint in applied):
                continue
            report.warnings.append(f"fix #{fix.index} ({fix.describe()}) matches nothing in the graph")
        now = sorted(applied | {f.fingerprint for f in self.fixes if f.index in report.matched})
        if now != sorted(applied):
            store._write_rows(_REMEMBER, [{"id": "applied", "entries": now}])
        return report

    def curate_mentions(self, pm: PaperMentions) -> PaperMentions:
        """One paper's extracted mentions with the fixes applied (for ``kg eval --curation``)."""
        if not self.fixes or not pm.mentions:
            return pm
        keys = [f"\x00{i}" for i in range(len(pm.mentions))]
        table = _MemoryTable([Entity(k, m.name, m.type, m.aliases) for k, m in zip(keys, pm.mentions)], [])
        _run(self.fixes, table, CurationReport(), paper=pm.paper.id)
        groups: dict[str, list[Mention]] = {}
        for k, m in zip(keys, pm.mentions):
            final = table.final(k)
            if final is not None and not table.link_dropped(pm.paper.id, k):
                groups.setdefault(final, []).append(m)
        mentions = []
        for final, ms in groups.items():
            e = table.entities[final]
            best = max(ms, key=lambda m: ROLE_PRIORITY[m.role])
            mentions.append(
                replace(best, name=e.name, type=e.type, aliases=e.aliases, count=sum(m.count for m in ms))
            )
        return replace(pm, mentions=tuple(mentions))


def load_curation(path: str | Path, *, missing_ok: bool = False) -> Curation:
    """Read and validate a curation file; ``CurationError`` (one line) for anything wrong in it.

    A missing file is an empty curation when ``missing_ok``, else an error.
    """
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    p = Path(path)
    if p.is_dir():
        raise CurationError(f"{p} is a directory; give the curation file, e.g. {p / 'graph.curation.toml'}")
    if not p.exists():
        if missing_ok:
            return Curation(p, [])
        raise CurationError(f"no curation file at {p}; record a fix with e.g. `kg merge NAME OTHER --curation {p}`")
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CurationError(f"{p}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise CurationError(f"cannot read the curation file {p}: {exc.strerror or exc}") from None
    try:
        doc = tomlkit.parse(text)
    except TOMLKitError as exc:
        raise CurationError(f"{p}: not valid TOML ({' '.join(str(exc).split())})") from None
    extra = [k for k in doc if k != "fix"]
    if extra:
        raise CurationError(f"{p}: unknown top-level key {extra[0]!r}; every correction is a [[fix]] table")
    raw = doc.get("fix", [])
    if not isinstance(raw, list):
        raise CurationError(f"{p}: 'fix' must be an array of tables ([[fix]]), not a {type(raw).__name__}")
    fixes = [_parse_fix(item, i, str(p)) for i, item in enumerate(raw, 1)]
    _validate(fixes, str(p))
    return Curation(p, fixes, doc)


def _parse_fix(item: Any, index: int, where: str) -> Fix:
    def fail(message: str) -> CurationError:
        return CurationError(f"{where}: fix #{index}: {message}")

    if not isinstance(item, dict):
        raise fail("must be a table ([[fix]] with key = value lines)")
    actions = [k for k in item if k in _ACTION_KEYS]
    if len(actions) != 1:
        found = f"has {', '.join(actions)}" if actions else "has none"
        raise fail(f"needs exactly one of {', '.join(_ACTION_KEYS)} ({found})")
    kind = _ACTION_KEYS[actions[0]]
    action, second, optional = KINDS[kind]
    allowed = {action, *([second] if second else []), *optional, "note"}
    unknown = [k for k in item if k not in allowed]
    if unknown:
        raise fail(f"unknown key {unknown[0]!r} for a {kind} (keys: {', '.join(sorted(allowed))})")
    values: dict[str, str] = {}
    for k in item:
        v = item[k]
        if not isinstance(v, str):
            raise fail(f"{k!r} must be a string, in quotes")
        values[k] = _clean(str(v), k, fail)
    name = values[action]
    if not name:
        raise fail(f"{action!r} is empty")
    if second and second not in values:
        raise fail(f"{kind} needs {second!r} too ({action} = \"...\", {second} = \"...\")")
    for k in (action, *([second] if second and second != "type" else [])):
        if values[k] and not match_key(values[k]):
            raise fail(f"{k!r} = {values[k]!r} has no letter or digit; an entity name needs one")
    target, etype = "", None
    if second == "type":
        try:
            etype = EntityType(values["type"].lower())
        except ValueError:
            raise fail(f"unknown type {values['type']!r} (one of: {', '.join(t.value for t in EntityType)})") from None
    elif second:
        target = values[second]
        if not target and kind != "family":
            raise fail(f"{second!r} is empty")
    paper = values.get("paper") or None
    return Fix(kind, name, target, etype, paper, values.get("note", ""), index)


def _clean(value: str, key: str, fail: Any) -> str:
    """A value as kg stores it: whitespace runs (newlines, tabs) become one space; a control
    character is refused (no store, export or terminal shows it faithfully)."""
    bad = next((ch for ch in value if (ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0) and not ch.isspace()), None)
    if bad is not None:
        raise fail(f"{key!r} holds the control character {bad!r}; remove it")
    return " ".join(value.split())


def _checked_fix(fix: Fix, where: str) -> Fix:
    """A fix made by a command, cleaned and checked exactly as the same fix read from the file."""
    return _parse_fix(fix.table(), fix.index, where)


def _validate(fixes: list[Fix], where: str) -> None:
    """Refuse cycles and contradictions: they have no order that makes sense."""

    def fail(a: Fix, b: Fix, why: str) -> CurationError:
        return CurationError(f"{where}: fix #{b.index} ({b.describe()}) conflicts with fix #{a.index} ({a.describe()}): {why}")

    becomes: dict[str, Fix] = {}  # name key -> the merge/rename that makes it another entity
    retyped: dict[str, Fix] = {}
    families: dict[str, Fix] = {}
    ignored: dict[str, Fix] = {}
    corrected: dict[str, Fix] = {}
    for f in fixes:
        n, t = match_key(f.name), match_key(f.target)
        if f.kind == "merge" and n == t:
            raise CurationError(f"{where}: fix #{f.index} ({f.describe()}) merges a name into itself")
        if f.kind == "rename" and f.name == f.target:
            raise CurationError(f"{where}: fix #{f.index} ({f.describe()}) renames a name to itself")
        if f.kind == "family" and n == t:
            raise CurationError(f"{where}: fix #{f.index} ({f.describe()}) makes an entity its own family")
        if f.kind in ("merge", "rename") and n != t:
            prev = becomes.get(n)
            if prev is not None and match_key(prev.target) != t:
                raise fail(prev, f, f"{f.name!r} cannot become both {prev.target!r} and {f.target!r}")
            becomes[n] = f
        if f.kind == "retype":
            prev = retyped.get(n)
            if prev is not None and prev.type != f.type:
                raise fail(prev, f, f"{f.name!r} cannot be both a {prev.type.value} and a {f.type.value}")  # type: ignore[union-attr]
            retyped[n] = f
        if f.kind == "family":
            prev = families.get(n)
            if prev is not None and match_key(prev.target) != t:
                raise fail(prev, f, f"{f.name!r} cannot have two families")
            families[n] = f
        if f.kind == "ignore" and not f.paper:
            other = corrected.get(n)
            if other is not None:
                raise fail(other, f, f"{f.name!r} is corrected there and ignored here")
            ignored[n] = f
        elif f.kind != "ignore":
            for k in {n, t} - {""}:
                other = ignored.get(k)
                if other is not None:
                    raise fail(other, f, f"{other.name!r} is ignored there and corrected here")
                corrected.setdefault(k, f)
    # family chains must end too: a variant of b, b of a is no family tree
    parents = {match_key(f.name): f for f in fixes if f.kind == "family" and f.target}
    for start in parents:
        seen, k = [start], start
        while k in parents:
            k = match_key(parents[k].target)
            if k == start:
                chain = [parents[s] for s in seen]
                names = " -> ".join([chain[0].name, *(c.target for c in chain)])
                nums = ", ".join(f"#{c.index}" for c in sorted(chain, key=lambda c: c.index))
                raise CurationError(f"{where}: fixes {nums} make a family cycle ({names}); drop one of them")
            if k in seen:
                break
            seen.append(k)
    # merge/rename chains must end: a -> b -> a is a cycle
    for start in becomes:
        seen = [start]
        k = start
        while k in becomes:
            k = match_key(becomes[k].target)
            if k == start:
                chain = [becomes[s] for s in seen]
                names = " -> ".join([chain[0].name, *(c.target for c in chain)])
                nums = ", ".join(f"#{c.index}" for c in sorted(chain, key=lambda c: c.index))
                raise CurationError(f"{where}: fixes {nums} form a cycle ({names}); drop one of them")
            if k in seen:
                break
            seen.append(k)


# -- applying: one interpreter over two tables ---------------------------------------------
def _forms(e: Entity) -> set[str]:
    return {match_key(e.name), *(match_key(a) for a in e.aliases)} - {""}


def _best(hits: list[Entity], name: str) -> Entity | None:
    """Of the entities a name matches, the one it names best: its key, then its canonical name."""
    k = match_key(name)
    return min(hits, key=lambda e: (e.key != k, match_key(e.name) != k, e.key), default=None)


def _named(hits: list[Entity], name: str) -> list[Entity]:
    """The entities a name is the canonical name of, else (an alias only) the best one."""
    k = match_key(name)
    own = [e for e in hits if match_key(e.name) == k or e.key == k]
    if own:
        return own
    best = _best(hits, name)
    return [best] if best else []


def _with_forms(target: Entity, source: Entity) -> Entity:
    """``target`` with ``source``'s name and aliases as its aliases."""
    have = {target.name.casefold(), *(a.casefold() for a in target.aliases)}
    extra = []
    for form in (source.name, *source.aliases):
        if form.casefold() not in have:
            have.add(form.casefold())
            extra.append(form)
    if not extra:
        return target
    return replace(target, aliases=tuple(sorted((*target.aliases, *extra), key=lambda s: (s.casefold(), s))))


def _run(fixes: list[Fix], table: Any, report: CurationReport, *, paper: str | None = None) -> None:
    table.asserted = {match_key(f.name) for f in fixes if f.kind == "family" and f.target}
    for fix in fixes:
        if fix.kind == "ignore" and fix.paper and paper is not None and fix.paper != paper:
            continue
        if _APPLY[fix.kind](fix, table):
            report.matched.add(fix.index)


def _absorb(table: Any, target: Entity, sources: list[Entity]) -> Entity:
    for s in sources:
        target = _with_forms(target, s)
        table.update(target)
        table.merge(target.key, s.key)
    return target


def _apply_merge(fix: Fix, table: Any) -> bool:
    target = _best(table.find(fix.target), fix.target)
    hits = [e for e in table.find(fix.name) if target is None or e.key != target.key]
    sources = _named(hits, fix.name)
    if target is None:
        if not sources:
            return False
        # Nothing is called A (any more): B takes A's name, as if A had been renamed.
        return _apply_rename(replace(fix, kind="rename"), table)
    _absorb(table, target, sources)
    return bool(sources) or match_key(fix.name) in _forms(target)


def _apply_rename(fix: Fix, table: Any) -> bool:
    new_key = match_key(fix.target)
    existing = table.get(new_key)
    hits = [e for e in table.find(fix.name) if e.key != new_key]
    own = [e for e in hits if match_key(e.name) == match_key(fix.name) or e.key == match_key(fix.name)]
    if existing is None:
        sources = own or ([_best(hits, fix.name)] if hits else [])
        if not sources:
            return False
        existing = Entity(new_key, fix.target, sources[0].type, ())
        table.create(existing)
    else:
        sources = own
        if not sources and match_key(fix.name) not in _forms(existing):
            return False
    target = _absorb(table, existing, sources)
    if target.name != fix.target:  # the old name stays an alias
        forms = [a for a in (*target.aliases, target.name) if a.casefold() != fix.target.casefold()]
        aliases = tuple(sorted(dict.fromkeys(forms), key=lambda s: (s.casefold(), s)))
        table.update(replace(target, name=fix.target, aliases=aliases))
    return True


def _apply_retype(fix: Fix, table: Any) -> bool:
    hits = _named(table.find(fix.name), fix.name)
    for e in hits:
        if e.type != fix.type:
            table.update(replace(e, type=fix.type))
    return bool(hits)


def _apply_family(fix: Fix, table: Any) -> bool:
    variants = _named(table.find(fix.name), fix.name)
    if not variants:
        return False
    if not fix.target:
        for v in variants:
            table.set_family(v.key, None)
        return True
    family = _best(table.find(fix.target), fix.target) or table.get(match_key(fix.target))
    if family is None:
        family = Entity(match_key(fix.target), fix.target, variants[0].type, ())
        table.create(family)
    for v in variants:
        if v.key != family.key:
            _break_cycle(table, v.key, family.key)
            table.set_family(v.key, family.key)
    return True


def _break_cycle(table: Any, variant: str, family: str) -> None:
    """Before ``variant`` becomes a variant of ``family``: if ``family`` is itself a variant of
    ``variant`` (directly or through a chain), the chain is cut: at the last link no family
    fix of the file asserts (the user's word beats the extractor's; a cycle of fixes alone
    is refused by ``_validate``). A VARIANT_OF cycle would keep its entities forever (none of
    them is ever an orphan) and make re-applying the file undo what it just did."""
    asserted = getattr(table, "asserted", set())
    parent: dict[str, str | None] = {family: None}
    todo = [family]
    while todo:
        key = todo.pop(0)
        ups = table.families(key)
        if variant in ups:
            path = [key]
            while parent[path[-1]] is not None:
                path.append(parent[path[-1]])  # type: ignore[arg-type]
            cut = next((k for k in path if k not in asserted), key)
            table.set_family(cut, None)
            return
        for u in sorted(ups):
            if u not in parent:
                parent[u] = key
                todo.append(u)


def _apply_ignore(fix: Fix, table: Any) -> bool:
    hits = _named(table.find(fix.name), fix.name)
    for e in hits:
        if fix.paper:
            table.drop_link(fix.paper, e.key)
        else:
            table.drop(e.key)
    return bool(hits)


_APPLY = {
    "merge": _apply_merge,
    "rename": _apply_rename,
    "retype": _apply_retype,
    "family": _apply_family,
    "ignore": _apply_ignore,
}


class _Index:
    """Entities by key, and the keys each name form leads to."""

    def __init__(self) -> None:
        self.entities: dict[str, Entity] = {}
        self._by_form: dict[str, set[str]] = defaultdict(set)

    def put(self, e: Entity) -> None:
        old = self.entities.get(e.key)
        if old is not None:
            for f in _forms(old):
                self._by_form[f].discard(e.key)
        self.entities[e.key] = e
        for f in _forms(e):
            self._by_form[f].add(e.key)

    def remove(self, key: str) -> None:
        old = self.entities.pop(key, None)
        if old is not None:
            for f in _forms(old):
                self._by_form[f].discard(key)

    def find(self, name: str) -> list[Entity]:
        return [self.entities[k] for k in sorted(self._by_form.get(match_key(name), ()))]


class _MemoryTable(_Index):
    """A batch of entities and variants in memory; links are mapped afterwards (``final``)."""

    def __init__(self, entities: Iterable[Entity], variants: Iterable[Variant]) -> None:
        super().__init__()
        for e in entities:
            self.put(e)
        self.variants: set[tuple[str, str]] = {(v.variant_key, v.family_key) for v in variants}
        self.redirect: dict[str, str] = {}
        self.dropped: set[str] = set()
        self.dropped_links: set[tuple[str, str]] = set()
        # NAMES dropped: (paper, key), paper None for every paper (the checkpoints of an ignored system)
        self.dropped_names: set[tuple[str | None, str]] = set()

    def get(self, key: str) -> Entity | None:
        return self.entities.get(key)

    def create(self, e: Entity) -> None:
        self.redirect.pop(e.key, None)
        self.dropped.discard(e.key)
        self.put(e)

    def update(self, e: Entity) -> None:
        self.put(e)

    def merge(self, target: str, source: str) -> None:
        self.redirect[source] = target
        self.remove(source)
        self.variants = {
            (target if v == source else v, target if f == source else f) for v, f in self.variants
        }
        self.variants = {(v, f) for v, f in self.variants if v != f}

    def families(self, key: str) -> set[str]:
        return {f for v, f in self.variants if v == key}

    def set_family(self, key: str, family: str | None) -> None:
        self.variants = {(v, f) for v, f in self.variants if v != key}
        if family is not None:
            self.variants.add((key, family))

    def drop(self, key: str) -> None:
        # (as the store does: the checkpoints named beside it lose those NAMES)
        self.dropped_names.update((None, v) for v, f in self.variants if f == key)
        self.dropped.add(key)
        self.remove(key)
        self.variants = {(v, f) for v, f in self.variants if key not in (v, f)}

    def drop_link(self, paper: str, key: str) -> None:
        self.dropped_links.add((paper, key))
        self.dropped_names.update((paper, k) for k in (key, *(v for v, f in self.variants if f == key)))

    def final(self, key: str) -> str | None:
        """Where the links of ``key`` go now (None: the entity was ignored)."""
        seen = 0
        while key in self.redirect and seen < 10_000:
            key = self.redirect[key]
            seen += 1
        return None if key in self.dropped or key not in self.entities else key

    def link_dropped(self, paper: str, key: str) -> bool:
        if not self.dropped_links:
            return False
        while True:
            if (paper, key) in self.dropped_links:
                return True
            if key not in self.redirect:
                return False
            key = self.redirect[key]

    def name_dropped(self, paper: str | None, key: str) -> bool:
        """Whether the NAMES of ``key`` from ``paper`` were dropped (None: from every paper)."""
        if not self.dropped_names:
            return False
        while True:
            if (None, key) in self.dropped_names or (paper is not None and (paper, key) in self.dropped_names):
                return True
            if key not in self.redirect:
                return False
            key = self.redirect[key]


class CuratedResolution:
    """A ``Resolution`` with a curation applied: what ``kg.build`` writes in its place."""

    def __init__(self, resolution: Resolution, table: _MemoryTable, report: CurationReport, mentioned: set[str]) -> None:
        self._resolution = resolution
        self._table = table
        self.report = report
        self.extractor_version = resolution.extractor_version
        linked = {k for k in (table.final(m) for m in mentioned) if k is not None}
        linked |= {
            k for k in (table.final(c) for c in resolution.named_keys() if not table.name_dropped(None, c))
            if k is not None
        }  # fmt: skip
        # What the graph's rule (``kg.store.base.UNHELD``) would not hold is not written: the
        # family of an ignored variant, a checkpoint whose system is ignored, a family that
        # ``kg family`` moved a variant away from. (A link or a naming an ``ignore --paper``
        # drops counts here as held, since links come later, chunk by chunk; the store pass
        # after the build, ``apply_to_store``, drops what it held.)
        gone = set().union(*orphan_rounds(table.entities, linked, table.variants))
        self.entities = [e for e in table.entities.values() if e.key not in gone]
        self.variants = [Variant(v, f) for v, f in sorted(table.variants)]

    @property
    def matched(self) -> set[int]:
        return self.report.matched

    def rows(self, chunk: Iterable[Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """``Resolution.rows`` with links and namings moved, combined or dropped as the fixes say."""
        table = self._table
        links, names = self._resolution.rows(chunk)
        out: dict[tuple[str, str], dict[str, Any]] = {}
        for row in links:
            key = table.final(row["entity"])
            if key is None or table.link_dropped(row["paper"], row["entity"]):
                continue
            row = dict(row, entity=key)
            have = out.get((row["paper"], key))
            out[(row["paper"], key)] = row if have is None else _combine(have, row)
        named: dict[tuple[str, str], None] = {}
        for row in names:
            key = table.final(row["entity"])
            if key is not None and not table.name_dropped(row["paper"], row["entity"]):
                named[(row["paper"], key)] = None
        return list(out.values()), [{"paper": p, "entity": k} for p, k in named]

    def link_rows(self, chunk: Iterable[Any]) -> list[dict[str, Any]]:
        """The MENTIONS rows of ``rows`` (the namings are lost)."""
        return self.rows(chunk)[0]


def _combine(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """One link out of two from the same paper to the same entity: the stronger role, counts summed."""
    # (whichever comes first: a build and a store combine the same two links alike)
    def strength(r: dict[str, Any]) -> tuple[int, bool]:
        return ROLE_PRIORITY[Role(r["role"])], bool(r["evidence"])

    best = max(a, b, key=strength) if strength(a) != strength(b) else min(a, b, key=lambda r: r["evidence"])
    # where the paper names it: both links' occurrences (as a build unites its mentions')
    from kg.store.base import span_pairs, where_fields

    spans, tspans = ({*span_pairs(a.get(k)), *span_pairs(b.get(k))} for k in ("spans", "title_spans"))
    return dict(best, count=int(a["count"] or 1) + int(b["count"] or 1), **where_fields(sorted(spans), sorted(tspans)))


def _link(pid: str, role: str, count: Any, ev: str | None, spans: Any, tspans: Any, rule: str | None) -> dict[str, Any]:
    """A stored MENTIONS link as the row a build writes (``kg.store.base.link_row``)."""
    from kg.store.base import span_pairs, where_fields

    return {"paper": pid, "role": role, "count": int(count or 1), "evidence": ev or "",
            **where_fields(span_pairs(spans), span_pairs(tspans)), "rule": rule}


# -- the store side ------------------------------------------------------------------------
# Every statement finds its rows by primary key; OPTIONAL MATCH from a bound paper makes
# LadybugDB follow that paper's own links instead of joining the relationship table
# (tests/test_curation_store.py profiles each).
_GET = "UNWIND $keys AS k MATCH (e:Entity {key: k}) RETURN e.key, e.name, e.type, e.aliases"
# A read over the entity table, once per application, only for names not found by key in
# fixes the store has not applied yet (an alias-only name): later builds look up by key.
_SCAN = (
    "MATCH (e:Entity) UNWIND e.keys AS k WITH e, k WHERE k IN $keys "
    "RETURN DISTINCT e.key, e.name, e.type, e.aliases"
)
_LINK_FIELDS = "m.role, m.count, m.evidence, m.spans, m.title_spans, m.rule"
_LINKS_OF = "MATCH (e:Entity {key: $key}) MATCH (p:Paper)-[m:MENTIONS]->(e) RETURN p.id, " + _LINK_FIELDS
_LINKS_FROM = (
    "UNWIND $ids AS i MATCH (p:Paper {id: i}) OPTIONAL MATCH (p)-[m:MENTIONS]->(e:Entity) WHERE e.key = $key "
    "RETURN p.id, " + _LINK_FIELDS
)
# The link to the target is written in the transaction that deletes the old one, and only
# while the old one exists: a re-run after a kill moves what is left, never twice.
MOVE_LINKS = (
    "UNWIND $rows AS r MATCH (p:Paper {id: r.paper}) MATCH (t:Entity {key: r.target}) "
    "OPTIONAL MATCH (p)-[old:MENTIONS]->(s:Entity) WHERE s.key = r.source "
    "WITH p, t, r, old WHERE old IS NOT NULL "
    "MERGE (p)-[m:MENTIONS]->(t) SET m.role = r.role, m.count = r.count, m.evidence = r.evidence, "
    "m.start = r.start, m.stop = r.stop, m.spans = r.spans, m.title_spans = r.title_spans, m.rule = r.rule "
    "DELETE old"
)
# (LadybugDB binds a batch of null lists as STRING unless told)
MOVE_LINKS_EMBEDDED = MOVE_LINKS.replace("m.start = r.start, m.stop = r.stop, m.spans = r.spans, m.title_spans = r.title_spans, m.rule = r.rule", (
    "m.start = CAST(r.start AS INT64), m.stop = CAST(r.stop AS INT64), m.spans = CAST(r.spans AS STRING), "
    "m.title_spans = CAST(r.title_spans AS STRING), m.rule = CAST(r.rule AS STRING)"))
# NAMES move as MENTIONS do: in the transaction that deletes the old one, only while it exists.
# (``r`` is carried through WITH: without it LadybugDB fails, "Cannot evaluate expression with
# type VARIABLE".)
_NAMERS_OF = "MATCH (e:Entity {key: $key}) MATCH (p:Paper)-[:NAMES]->(e) RETURN p.id"
MOVE_NAMES = (
    "UNWIND $rows AS r MATCH (p:Paper {id: r.paper}) MATCH (t:Entity {key: r.target}) "
    "OPTIONAL MATCH (p)-[old:NAMES]->(s:Entity) WHERE s.key = r.source "
    "WITH p, t, r, old WHERE old IS NOT NULL MERGE (p)-[:NAMES]->(t) DELETE old"
)
_FAMILIES_OF = "MATCH (s:Entity {key: $key}) MATCH (s)-[:VARIANT_OF]->(f:Entity) RETURN f.key"
_VARIANTS_OF = "MATCH (s:Entity {key: $key}) MATCH (v:Entity)-[:VARIANT_OF]->(s) RETURN v.key"
UNSET_FAMILIES = (
    "UNWIND $rows AS r MATCH (v:Entity {key: r.variant}) OPTIONAL MATCH (v)-[x:VARIANT_OF]->(o:Entity) "
    "WHERE o.key <> r.family DELETE x"
)
DROP_ENTITIES = "UNWIND $rows AS r MATCH (e:Entity {key: r.key}) DETACH DELETE e"
DROP_LINKS = (
    "UNWIND $rows AS r MATCH (p:Paper {id: r.paper}) OPTIONAL MATCH (p)-[m:MENTIONS]->(e:Entity) "
    "WHERE e.key = r.key DELETE m"
)
_HAS_LINK = (
    "MATCH (p:Paper {id: $paper}) OPTIONAL MATCH (p)-[m:MENTIONS]->(e:Entity) WHERE e.key = $key RETURN count(m)"
)
# A paper's NAMES of some entities; every paper's NAMES of some (the checkpoints of a dropped system).
DROP_NAMES = (
    "UNWIND $rows AS r MATCH (p:Paper {id: r.paper}) OPTIONAL MATCH (p)-[n:NAMES]->(e:Entity) "
    "WHERE e.key = r.key DELETE n"
)
DROP_NAMES_TO = "UNWIND $rows AS r MATCH (e:Entity {key: r.key}) OPTIONAL MATCH (:Paper)-[n:NAMES]->(e) DELETE n"
# How many NAMES some entities have: from one paper, from any.
_NAMED_BY = (
    "UNWIND $keys AS k MATCH (p:Paper {id: $paper}) OPTIONAL MATCH (p)-[n:NAMES]->(e:Entity) WHERE e.key = k "
    "RETURN k, count(n)"
)
_NAMED = "UNWIND $keys AS k MATCH (e:Entity {key: k}) OPTIONAL MATCH (e)<-[n:NAMES]-(:Paper) RETURN k, count(n)"
# One round of the graph's rule (``kg.store.base.UNHELD``), as a build sweeps; and which of
# some entities the rule no longer holds (a read: nothing is written when none). The same
# statements as ``Store.DELETE_ORPHANS_AMONG`` and ``Store._UNHELD_AMONG``.
DROP_UNHELD = "UNWIND $rows AS r MATCH (e:Entity {key: r.key}) WHERE " + UNHELD + " DETACH DELETE e"
_IS_ORPHAN = "UNWIND $keys AS k MATCH (e:Entity {key: k}) WHERE " + UNHELD + " RETURN e.key"
_RECALL = "MATCH (c:KgCuration {id: 'applied'}) RETURN c.entries"
_REMEMBER = "UNWIND $rows AS r MERGE (c:KgCuration {id: r.id}) SET c.entries = r.entries"


def _applied(store: Store) -> set[str]:
    """Fingerprints of the fixes this store has applied (and that matched) before."""
    rows = store.query(_RECALL).rows
    return set(rows[0][0] or []) if rows else set()


def _entity(row: list[Any]) -> Entity:
    key, name, etype, aliases = row
    return Entity(key, name, EntityType(etype), tuple(aliases or ()))


def find_entities(store: Store, name: str) -> list[Entity]:
    """Stored entities whose name or an alias is ``name`` (by key first, else one scan)."""
    k = match_key(name)
    if not k:
        return []
    hits = [_entity(r) for r in store.query(_GET, {"keys": [k]}).rows]
    hits = [e for e in hits if k in _forms(e)]
    if not hits:
        hits = [_entity(r) for r in store.query(_SCAN, {"keys": [k]}).rows]
    return sorted(hits, key=lambda e: e.key)


class _StoreTable(_Index):
    """The stored graph as the interpreter sees it: a mirror of the entities the fixes name,
    loaded up front, kept in step with every write."""

    def __init__(self, store: Store, fixes: list[Fix], applied: set[str]) -> None:
        super().__init__()
        self.store = store
        self.writes = 0
        self._orphans: set[str] = set()
        # Entities the fixes name or move something to: checked at the end, since a build that
        # applied the fixes first may have written one the rule does not hold (the build counts
        # a link or a naming an ``ignore --paper`` drops as held; which checkpoints were named
        # beside an ignored system it decides by the families then, before a later ``family``
        # fix moved one: tests/test_orphan_rule.py).
        self._touched: set[str] = set()
        names = {match_key(n) for f in fixes for n in f.names()} - {""}
        for row in store.query(_GET, {"keys": sorted(names)}).rows if names else ():
            self.put(_entity(row))
        # A fix applied before needs no scan: its names are keys, or (merged, renamed) forms of
        # an entity found by key; a fix new to this store may name an alias: look for it once.
        scan = set()
        for f in fixes:
            new = f.fingerprint not in applied
            for n in f.names():
                k = match_key(n)
                if k and (new or (not self.find(n) and f.kind != "ignore")):
                    scan.add(k)
        if scan:
            for row in store.query(_SCAN, {"keys": sorted(scan)}).rows:
                if row[0] not in self.entities:
                    self.put(_entity(row))

    def get(self, key: str) -> Entity | None:
        if key not in self.entities:
            rows = self.store.query(_GET, {"keys": [key]}).rows
            if rows:
                self.put(_entity(rows[0]))
        return self.entities.get(key)

    def _write(self, cypher: str, rows: list[dict[str, Any]]) -> None:
        # Not ``query(write=True)``: that forgets which input files the graph holds, and a
        # curation is applied again by every build anyway.
        for start in range(0, len(rows), 1000):
            self.store._write_rows(cypher, rows[start : start + 1000])
        self.writes += len(rows)

    def create(self, e: Entity) -> None:
        from kg.store.base import entity_row

        self._write(self.store.CREATE_ENTITIES, [entity_row(e)])
        self.put(e)

    def update(self, e: Entity) -> None:
        from kg.store.base import entity_row

        if self.entities.get(e.key) == e:
            return
        self._write(self.store.UPDATE_ENTITIES, [entity_row(e)])
        self.put(e)

    def merge(self, target: str, source: str) -> None:
        store = self.store
        theirs = store.query(_LINKS_OF, {"key": source}).rows
        ours = {
            pid: _link(pid, role, count, ev, spans, tspans, rule)
            for pid, role, count, ev, spans, tspans, rule in store.query(
                _LINKS_FROM, {"ids": [r[0] for r in theirs], "key": target}).rows
            if role is not None
        }
        rows = []
        for pid, *fields in theirs:
            row = _link(pid, *fields)
            if pid in ours:
                row = _combine(ours[pid], row)
            rows.append(dict(row, source=source, target=target))
        self._write(MOVE_LINKS_EMBEDDED if store.kind == "embedded" else MOVE_LINKS, rows)
        namers = [r[0] for r in store.query(_NAMERS_OF, {"key": source}).rows]
        self._write(MOVE_NAMES, [{"paper": pid, "source": source, "target": target} for pid in namers])
        families = [r[0] for r in store.query(_FAMILIES_OF, {"key": source}).rows]
        variants = [r[0] for r in store.query(_VARIANTS_OF, {"key": source}).rows]
        edges = [{"variant": target, "family": f} for f in families if f != target]
        edges += [{"variant": v, "family": target} for v in variants if v != target]
        self._write(store.MERGE_VARIANTS, edges)
        self._write(DROP_ENTITIES, [{"key": source}])
        self.remove(source)
        self._touched.add(target)

    def families(self, key: str) -> set[str]:
        return {r[0] for r in self.store.query(_FAMILIES_OF, {"key": key}).rows}

    def set_family(self, key: str, family: str | None) -> None:
        store = self.store
        old = [r[0] for r in store.query(_FAMILIES_OF, {"key": key}).rows]
        self._touched.update([key] if family is None else [key, family])
        if old == ([family] if family is not None else []):
            return
        if family is not None:
            self._write(store.MERGE_VARIANTS, [{"variant": key, "family": family}])
        self._write(UNSET_FAMILIES, [{"variant": key, "family": family or ""}])
        # The old families lose a variant; the variant itself may have been held only by its
        # old family's mention (a checkpoint moved off its system); then the new family goes too.
        self._orphans.update(f for f in old if f != family)
        if store.query(_IS_ORPHAN, {"keys": [key]}).rows:
            self._orphans.add(key)

    def drop(self, key: str) -> None:
        # Its families lose a variant; its variants their family, and the checkpoints named
        # beside it their NAMES (they belonged to the mentions of what is ignored).
        self._orphans.update(r[0] for r in self.store.query(_FAMILIES_OF, {"key": key}).rows)
        variants = [r[0] for r in self.store.query(_VARIANTS_OF, {"key": key}).rows]
        named = [k for k, n in self.store.query(_NAMED, {"keys": variants}).rows if int(n)] if variants else []
        self._write(DROP_NAMES_TO, [{"key": k} for k in sorted(named)])
        self._orphans.update(variants)
        self._write(DROP_ENTITIES, [{"key": key}])
        self.remove(key)
        self._orphans.discard(key)

    def drop_link(self, paper: str, key: str) -> None:
        # The paper's link to it, its NAMES of it and of the checkpoints it named beside it.
        store = self.store
        near = [key, *(r[0] for r in store.query(_VARIANTS_OF, {"key": key}).rows)]
        self._touched.update(near)
        linked = store.query(_HAS_LINK, {"paper": paper, "key": key}).rows[0][0]
        named = sorted(k for k, n in store.query(_NAMED_BY, {"paper": paper, "keys": near}).rows if int(n))
        if not linked and not named:
            # Dropped before, or never there: a build that applied this fix before writing
            # wrote the entities without the links, which may have been their only hold.
            if store.query(_IS_ORPHAN, {"keys": near}).rows:
                self._orphans.update(near)
            return
        if linked:
            self._write(DROP_LINKS, [{"paper": paper, "key": key}])
            self._orphans.add(key)
        self._write(DROP_NAMES, [{"paper": paper, "key": k} for k in named])
        self._orphans.update(named)

    def finish(self) -> None:
        """What the fixes left unheld goes, as a build's sweep deletes it (``kg.store.base.UNHELD``):
        the entities they touched, their variants and their families up the chain, by rounds."""
        touched = sorted(self._touched - self._orphans)
        if touched:
            self._orphans.update(k for (k,) in self.store.query(_IS_ORPHAN, {"keys": touched}).rows)
        if not self._orphans:
            return
        # Around them, what a build sweeps after a paper lost these links (Store._hold_group),
        # found before anything goes.
        keys = self.store._hold_group(sorted(self._orphans))
        # A round over the entities the fixes touched, then rounds over what is left unheld
        # around them until nothing is (only what goes is written then).
        self._write(DROP_UNHELD, [{"key": k} for k in sorted(self._orphans)])
        self.store._sweep_orphans(keys, lambda rows: self._write(DROP_UNHELD, rows))
