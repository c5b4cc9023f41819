"""``types.list_siblings``: the names of one coordinated list share the best-attested
member's type ("on ETTh1, ETTh2 and ETTm1")."""

from __future__ import annotations

from operator import sub

from kg.extract.lexicon import WORDS
from kg.extract.rules.appositions import closes_opening_phrase
from kg.extract.rules.roles import role_and_evidence
from kg.extract.rules.shapes import BY_FIRST, BY_SECOND
from kg.extract.rules.state import TextState
from kg.extract.state import Conf

__all__ = ["list_sibling_types"]


def list_sibling_types(d: TextState) -> None:
    """The names of one coordinated list share the best-attested member's type."""
    _list_sibling_types(d, d.mentions)
    for m in d.mentions:
        del m["_conf"], m["_items"]


_CHAIN_GAP = WORDS["chain_gap"]


def _list_sibling_types(d: TextState, mentions: list[dict]) -> None:
    """Names in one coordinated list share a type: "on ETTh1, ETTh2 and ETTm1", "A, B and C".

    The member whose type is best attested sets the type of weaker members: a name typed
    only by its shape or a weak cue takes the type of a sibling known from the gazetteer or
    a head noun. Role and evidence follow the new type.
    """
    if not _may_retype(mentions):
        return
    occs = [(o.start, o.end, id(m), m) for m in mentions for o in m["_items"] if o.end > o.start]
    occs.sort(key=BY_FIRST)
    if len(occs) < 2:
        return
    lower = d.lower
    # occs[j] continues the list of occs[j - 1] across one to four gap tokens, all separators
    # or the like and at least one a real separator (gap lengths first, in C), unless the
    # comma closes an opening phrase and occs[j] is the subject after it
    near = [j for j, g in enumerate(map(sub, map(BY_FIRST, occs[1:]), map(BY_SECOND, occs)), 1) if 0 < g <= 4]
    linked = [
        j
        for j in near
        if _CHAIN_GAP.issuperset(gap := lower[occs[j - 1][1] : occs[j][0]])
        and any(w in {",", "and", "or", "&"} for w in gap)
        and not closes_opening_phrase(d, occs[j - 1][1], occs[j][1])
    ]
    # a chain: a maximal run of linked pairs j0..j1, the occurrences j0 - 1 .. j1
    chains: list[list[tuple]] = []
    j0 = j1 = -2
    for j in linked:
        if j == j1 + 1:
            j1 = j
            continue
        if j1 >= 0:
            chains.append(occs[j0 - 1 : j1 + 1])
        j0 = j1 = j
    if j1 >= 0:
        chains.append(occs[j0 - 1 : j1 + 1])
    for chain in chains:
        members = {t[2]: t[3] for t in chain}
        if len(members) < 2:
            continue
        best = max(members.values(), key=lambda m: m["_conf"])
        if best["_conf"] < Conf.SIBLING or best["type"] not in {"model", "method", "dataset", "benchmark"}:
            continue
        # siblings disagree at the top: leave them be
        if any(m["_conf"] >= Conf.FIRM and m["type"] != best["type"] for m in members.values()):
            continue
        for m in members.values():
            if m["_conf"] < min(Conf.FIRM, best["_conf"]) and m["type"] != best["type"] and m["type"] in (
                "model", "method", "dataset", "benchmark"
            ):
                own = m["role"] == "proposes"
                if own:
                    continue
                m["type"] = best["type"]
                m["typed_by"] = "types.list_siblings"
                m["_conf"] = best["_conf"] - 0.01
                m["role"], m["evidence"] = role_and_evidence(d, m["_items"], m["type"], False)
                if m["type"] != "model":
                    m["family"] = None


_SIBLING_TYPES = frozenset(("model", "method", "dataset", "benchmark"))


def _may_retype(mentions: list[dict]) -> bool:
    """Whether ``_list_sibling_types`` can change any mention: a weakly typed one (below 2,
    not the paper's own) and a better attested one (1.2 or more) of another type.

    Without such a pair no chain changes anything (the first change needs one), and most
    texts have none: the chains need not be built.
    """
    weak = [m for m in mentions if m["_conf"] < Conf.FIRM and m["type"] in _SIBLING_TYPES and m["role"] != "proposes"]
    if not weak:
        return False
    # the least confidence of a weak mention of each type: one pass, not weak x mentions
    least: dict[str, float] = {}
    for w in weak:
        t, c = w["type"], w["_conf"]
        if c < least.get(t, 2):
            least[t] = c
    return any(
        b["_conf"] >= Conf.SIBLING and b["type"] in _SIBLING_TYPES and any(t != b["type"] and c < b["_conf"] for t, c in least.items())
        for b in mentions
    )
