"""Score extracted entities against a hand-annotated gold set.

Gold is JSON Lines, one paper a line (see ``shared/eval/GUIDELINES.md``)::

    {"id": ..., "title": ..., "abstract": ..., "entities": [
        {"name": "LSPO", "type": "method", "aliases": [...], "optional": false, "alt_types": []}]}

Matching, per paper:

* a predicted entity matches a gold one when any of its name/aliases equals any gold
  name/alias after case-folding and removing spaces, hyphens and underscores
  (``kg.text.match_key``); URLs are compared in canonical form (``canonical_url``);
* each gold item matches at most one prediction, each prediction at most one gold item;
* a prediction that matches an ``optional`` gold item is ignored (neither TP nor FP),
  and an unmatched optional item is not a miss; the type of optional items is ignored;
* type-aware scoring counts a match as correct when the predicted type is the gold
  type or one of its ``alt_types``; a wrong type is one FP (predicted type) plus one FN
  (gold type). Type-agnostic scoring counts every match.

Scores are micro-averaged over all papers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.model import PaperMentions
from kg.names import canonical_url
from kg.text import clean_text, match_key

__all__ = ["Counts", "GoldError", "PaperResult", "Report", "align", "check_scorable", "evaluate", "load_gold", "item_keys"]

TYPES = ("model", "method", "dataset", "benchmark", "github", "url")
_URLISH = re.compile(r"^(?:https?://|www\.)|github\.com/", re.IGNORECASE)


@dataclass
class Counts:
    """True positives, false positives and false negatives, with the scores they give."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """TP / (TP + FP); 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """TP / (TP + FN); 1.0 when there was nothing to find."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict:
        """Counts and scores as a plain dict."""
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class PaperResult:
    """What matched, what was missed and what was wrongly predicted in one paper."""

    id: str
    title: str
    matched: list[tuple[str, str, str, str]] = field(default_factory=list)  # gold, pred, gold type, pred type
    misses: list[tuple[str, str]] = field(default_factory=list)  # gold name, type
    false_positives: list[tuple[str, str]] = field(default_factory=list)  # pred name, type
    type_errors: list[tuple[str, str, str]] = field(default_factory=list)  # name, gold type, pred type
    ignored: list[tuple[str, str]] = field(default_factory=list)  # preds matching optional gold

    def to_dict(self) -> dict:
        """This result as a plain dict."""
        return {
            "id": self.id,
            "title": self.title,
            "misses": [list(m) for m in self.misses],
            "false_positives": [list(m) for m in self.false_positives],
            "type_errors": [list(m) for m in self.type_errors],
            "ignored": [list(m) for m in self.ignored],
        }


@dataclass
class Report:
    """Micro-averaged scores, type-aware and type-agnostic, per type, and per-paper details."""

    typed: Counts
    untyped: Counts
    per_type: dict[str, Counts]
    papers: list[PaperResult]
    unaligned: list[str] = field(default_factory=list)  # gold ids with no predicted paper
    #: per extractor rule (the one that found each predicted entity): tp = matched a required
    #: gold entity (type-agnostic), fp = matched none; fn is not attributable and stays 0
    per_rule: dict[str, Counts] = field(default_factory=dict)
    #: per typing rule (the one that chose each matched entity's type): tp = the gold type,
    #: fp = another type
    per_typing: dict[str, Counts] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """The whole report as a plain dict (what ``kg eval --json`` prints)."""
        return {
            "papers": len(self.papers),
            "type_aware": self.typed.to_dict(),
            "type_agnostic": self.untyped.to_dict(),
            "per_type": {t: c.to_dict() for t, c in self.per_type.items()},
            "per_rule": {r: {"tp": c.tp, "fp": c.fp} for r, c in sorted(self.per_rule.items())},
            "per_typing": {r: {"right": c.tp, "wrong": c.fp} for r, c in sorted(self.per_typing.items())},
            "unaligned": list(self.unaligned),
            "details": [p.to_dict() for p in self.papers],
        }


class GoldError(InputError):
    """A gold set that cannot be scored: nothing annotated in it, or no paper in common with the input."""


def load_gold(path: str | Path) -> list[dict]:
    """Read a gold JSONL file; ``InputError`` for a missing or unreadable file or a bad line (with its number)."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"gold file not found: {p} (give the path of a .jsonl gold set)")
    records: list[dict] = []
    try:
        with p.open(encoding="utf-8-sig") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{p}:{lineno}: not valid JSON ({exc.msg}); each line must be one JSON object") from None
                problem = _record_problem(rec)
                if problem:
                    raise InputError(f"{p}:{lineno}: {problem}")
                records.append(rec)
    except UnicodeDecodeError as exc:
        raise InputError(f"{p}: not UTF-8 text (byte {exc.start}); a gold set is JSON Lines in UTF-8") from None
    except OSError as exc:
        raise InputError(f"cannot read gold file {p}: {exc.strerror or exc}") from None
    return records


def _record_problem(rec: object) -> str | None:
    """What is wrong with one gold record, or None."""
    if not isinstance(rec, dict) or not isinstance(rec.get("entities", []), list):
        return "expected an object with an 'entities' list"
    if isinstance(rec.get("id"), (dict, list)):
        return "'id' must be a string"
    for field_name in ("title", "abstract"):
        if field_name in rec and not isinstance(rec[field_name], str):
            return f"'{field_name}' must be a string"
    if rec.get("github") is not None and not isinstance(rec["github"], str):
        return "'github' must be a string"
    for k, ent in enumerate(rec.get("entities", [])):
        if not isinstance(ent, dict) or "name" not in ent or "type" not in ent:
            return f"entity {k + 1} needs 'name' and 'type'"
        if not isinstance(ent["name"], str) or not ent["name"].strip():
            return f"entity {k + 1}: 'name' must be a non-empty string"
        if ent["type"] not in TYPES:
            return f"entity {k + 1} ({ent['name']}): unknown type {ent['type']!r} (one of: {', '.join(TYPES)})"
        aliases = ent.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            return f"entity {k + 1} ({ent['name']}): 'aliases' must be a list of strings"
        alt = ent.get("alt_types", [])
        if not isinstance(alt, list) or not all(isinstance(t, str) and t in TYPES for t in alt):
            return f"entity {k + 1} ({ent['name']}): 'alt_types' must be a list of types (of: {', '.join(TYPES)})"
    return None


def check_scorable(gold: Sequence[dict], name: str = "the gold set") -> None:
    """``GoldError`` unless the gold records annotate at least one entity that is not optional.

    An empty file, papers with empty or missing ``entities`` lists, or only optional items
    leave nothing to score: every count would be zero and every score a meaningless 1.0.
    """
    if not gold:
        raise GoldError(f"{name} has no gold papers and no annotated entities; nothing to score")
    entities = [e for r in gold for e in r.get("entities", [])]
    if not entities:
        raise GoldError(
            f"{name} has no annotated entities (its {len(gold)} paper(s) have empty or missing 'entities'); nothing to score"
        )
    if all(e.get("optional") for e in entities):
        raise GoldError(f"{name} has no annotated entities that are not optional ({len(entities)} optional); nothing to score")


def _key(form: str) -> str:
    if _URLISH.search(form.strip()):
        return "url:" + match_key(canonical_url(form))
    return match_key(form)


def item_keys(name: str, aliases: Iterable[str]) -> set[str]:
    """The match keys of a name and its aliases (URLs in canonical form)."""
    keys = {_key(name)}
    keys.update(_key(a) for a in aliases if a)
    keys.discard("")
    return keys


def _norm_title(title: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", clean_text(title).casefold()).strip()


def align(gold_records: Sequence[dict], predictions: Sequence[PaperMentions]) -> tuple[list[PaperMentions | None], list[str]]:
    """Pair each gold record with its predicted paper: by order when counts match, else by title."""
    if len(gold_records) == len(predictions):
        # same count: the files are in the same order, unless most titles say otherwise
        same = sum(
            _norm_title(r.get("title", "")) == _norm_title(pm.paper.title) for r, pm in zip(gold_records, predictions)
        )
        if not any(r.get("title") for r in gold_records) or same * 2 >= len(gold_records):
            return list(predictions), []
    by_title: dict[str, PaperMentions] = {}
    for pm in predictions:
        by_title.setdefault(_norm_title(pm.paper.title), pm)
    out: list[PaperMentions | None] = []
    missing: list[str] = []
    for rec in gold_records:
        pm = by_title.get(_norm_title(rec.get("title", "")))
        out.append(pm)
        if pm is None:
            missing.append(str(rec.get("id", "")))
    return out, missing


def evaluate(gold_records: Iterable[dict], predictions: Iterable[PaperMentions], *, gold_name: str = "the gold set") -> Report:
    """Compare predictions with gold records (aligned by order, else by title) and score them.

    ``GoldError`` (a ``KgError``) when there is nothing to score: no gold papers, no
    annotated (non-optional) entity, or no gold paper among the predicted ones. The gold
    set is checked before ``predictions`` is read, so a lazy extraction is not run for
    nothing. ``gold_name`` names the gold set in those messages (the CLI gives its path).
    """
    gold = list(gold_records)
    check_scorable(gold, gold_name)
    preds = list(predictions)
    aligned, missing = align(gold, preds)
    if len(missing) == len(gold):
        raise GoldError(
            f"none of the {len(gold)} paper(s) in {gold_name} is among the {len(preds)} input paper(s) "
            "(papers are paired by order when the counts agree, else by title); nothing to score"
        )
    typed, untyped = Counts(), Counts()
    per_type: dict[str, Counts] = {t: Counts() for t in TYPES}
    per_rule: dict[str, Counts] = {}
    per_typing: dict[str, Counts] = {}
    results: list[PaperResult] = []
    for rec, pm in zip(gold, aligned):
        res = PaperResult(id=str(rec.get("id", "")), title=rec.get("title", ""))
        results.append(res)
        gitems = [
            {
                "name": e["name"],
                "type": e["type"],
                "types": {e["type"], *e.get("alt_types", [])},
                "optional": bool(e.get("optional")),
                "keys": item_keys(e["name"], e.get("aliases", [])),
            }
            for e in rec.get("entities", [])
        ]
        pitems = []
        if pm is not None:
            for m in pm.mentions:
                pitems.append({"name": m.name, "type": m.type.value, "keys": item_keys(m.name, m.aliases),
                               "rule": m.rule or "(none)", "typed_by": m.typed_by or "(none)"})
        # candidate pairs, best first: required before optional, name-to-name before alias hits
        pairs = []
        for gi, g in enumerate(gitems):
            for pi, p in enumerate(pitems):
                if g["keys"] & p["keys"]:
                    exact = _key(g["name"]) == _key(p["name"])
                    pairs.append((g["optional"], not exact, p["type"] not in g["types"], gi, pi))
        pairs.sort()
        g_used: set[int] = set()
        p_used: set[int] = set()
        for optional, _, _, gi, pi in pairs:
            if gi in g_used or pi in p_used:
                continue
            g_used.add(gi)
            p_used.add(pi)
            g, p = gitems[gi], pitems[pi]
            if optional:
                res.ignored.append((p["name"], p["type"]))
                continue
            untyped.tp += 1
            per_rule.setdefault(p["rule"], Counts()).tp += 1
            res.matched.append((g["name"], p["name"], g["type"], p["type"]))
            typing = per_typing.setdefault(p["typed_by"], Counts())
            if p["type"] in g["types"]:
                typing.tp += 1
                typed.tp += 1
                per_type.setdefault(g["type"], Counts()).tp += 1
            else:
                typing.fp += 1
                typed.fp += 1
                typed.fn += 1
                per_type.setdefault(p["type"], Counts()).fp += 1
                per_type.setdefault(g["type"], Counts()).fn += 1
                res.type_errors.append((g["name"], g["type"], p["type"]))
        for gi, g in enumerate(gitems):
            if gi not in g_used and not g["optional"]:
                untyped.fn += 1
                typed.fn += 1
                per_type.setdefault(g["type"], Counts()).fn += 1
                res.misses.append((g["name"], g["type"]))
        for pi, p in enumerate(pitems):
            if pi not in p_used:
                per_rule.setdefault(p["rule"], Counts()).fp += 1
                untyped.fp += 1
                typed.fp += 1
                per_type.setdefault(p["type"], Counts()).fp += 1
                res.false_positives.append((p["name"], p["type"]))
    return Report(typed=typed, untyped=untyped, per_type=per_type, papers=results, unaligned=missing, per_rule=per_rule,
                  per_typing=per_typing)


def format_report(report: Report, *, verbose: bool = False) -> str:
    """A compact text table of the scores; with ``verbose``, misses and false positives per paper."""
    lines = []
    if verbose:
        for r in report.papers:
            if not (r.misses or r.false_positives or r.type_errors):
                continue
            lines.append(f"{r.id}  {r.title[:70]}")
            for name, t in r.misses:
                lines.append(f"  miss  {name} ({t})")
            for name, t in r.false_positives:
                lines.append(f"  fp    {name} ({t})")
            for name, gt, pt in r.type_errors:
                lines.append(f"  type  {name}: gold {gt}, predicted {pt}")
        if lines:
            lines.append("")
    lines.append(f"{'':<14}{'P':>7}{'R':>7}{'F1':>7}{'TP':>6}{'FP':>6}{'FN':>6}")

    def row(label: str, c: Counts) -> str:
        return f"{label:<14}{c.precision:>7.3f}{c.recall:>7.3f}{c.f1:>7.3f}{c.tp:>6}{c.fp:>6}{c.fn:>6}"

    lines.append(row("type-aware", report.typed))
    lines.append(row("type-agnostic", report.untyped))
    for t, c in report.per_type.items():
        if c.tp or c.fp or c.fn:
            lines.append(row(f"  {t}", c))
    if verbose and report.per_rule:
        lines.append("")
        w = max(32, *(len(r) + 2 for r in report.per_rule))  # (a sub-rule's id is long)
        lines.append(f"{'rule (found the entity)':<{w}}{'TP':>6}{'FP':>6}{'P':>7}")
        for rule, c in sorted(report.per_rule.items(), key=lambda kv: (-(kv[1].tp + kv[1].fp), kv[0])):
            lines.append(f"{rule:<{w}}{c.tp:>6}{c.fp:>6}{c.precision:>7.3f}")
    if verbose and report.per_typing:
        lines.append("")
        lines.append(f"{'typing rule (chose the type)':<32}{'right':>6}{'wrong':>6}{'acc':>7}")
        for rule, c in sorted(report.per_typing.items(), key=lambda kv: (-(kv[1].tp + kv[1].fp), kv[0])):
            lines.append(f"{rule:<32}{c.tp:>6}{c.fp:>6}{c.precision:>7.3f}")
    lines.append(f"papers: {len(report.papers)}")
    if report.unaligned:
        lines.append(f"gold papers with no input paper: {len(report.unaligned)} ({', '.join(report.unaligned[:5])})")
    return "\n".join(lines)
