"""Roles from cue words in the sentence: proposes, code, evaluates_on, compares_to, else uses;
the evidence sentence that shows it.
"""

from __future__ import annotations

from bisect import bisect_right

from kg.extract.rules.state import EVIDENCE_MAX, TextState
from kg.extract.rules.types import eval_prior
from kg.extract.state import Occurrence


def role_and_evidence(d: TextState, items: list[Occurrence], typ: str, is_own: bool) -> tuple[str, str]:
    """The strongest role any occurrence's sentence gives the entity, with that sentence as evidence
    (a window of it around the occurrence when it is longer than ``EVIDENCE_MAX``).

    proposes (the paper's own system) > code > evaluates_on (a benchmark; a dataset in an
    evaluation sentence or after "on") > compares_to (after a comparison word) > uses.
    """
    n = d.n
    if len(items) > 1:
        # the abstract's sentences show a role better than the title does
        te = d.title_end
        items = sorted(items, key=lambda o: (o.start < te, o.start))
    if is_own or typ == "benchmark":
        # every occurrence gives the same role: the first one wins
        o = items[0]
        s0 = o.start
        return ("proposes" if is_own else "evaluates_on"), d.evidence(d.sent_index(s0) if s0 < n else 0, s0, o.end)
    role, evidence = "uses", ""
    at = (0, items[0])  # the sentence and occurrence the evidence comes from
    best_p = 0  # 2: compares_to, 1: uses
    sent_starts, cues = d.sent_starts, d._cues
    for o in items:
        a = o.start
        k = bisect_right(sent_starts, a) - 1 if a < n else 0  # d.sent_index(a), inline
        got = cues.get(k)
        ev, cmp = got if got is not None else d.sentence_cues(k)
        if typ == "dataset" and (ev or eval_prior(d, a) == "benchmark"):
            return "evaluates_on", d.evidence(k, a, o.end)  # nothing later can beat it
        if cmp >= 0 and a > cmp:
            if best_p < 2:
                best_p, role, evidence, at = 2, "compares_to", d.sentence_text(k), (k, o)
        elif not best_p:
            best_p, role, evidence, at = 1, "uses", d.sentence_text(k), (k, o)
    if len(evidence) > EVIDENCE_MAX:  # d.evidence(k, ...), once for the sentence that won
        k, o = at
        evidence = d._window(k, o.start, o.end)
    return role, evidence
