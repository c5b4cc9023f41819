"""Acronym definitions ("Long Form (LF)"): cover them, judge them generic or specific,
and find later uses of a kept long form.

A definition is generic, and both forms are dropped, when the short form is on the
stoplist, or the long form is lower case / ends in a class word ("Markov Game", "latent
variable models") -- unless the paper proposes it, the gazetteer knows it, or its letters
are coined ("REfining ... hoMography (REARM)"). A Title Case architecture with a singular
acronym is one named design ("Temporal Segment Networks (TSN)"), and a lower-case
definition set apart by "our approach, ..." or an apposition is specific.
"""

from __future__ import annotations

from functools import lru_cache

from kg.extract.components import vocab
from kg.extract.lexicon import Lexicon, match_key, WORDS
from kg.extract.rules.appositions import apposition_type, method_or_eval
from kg.extract.rules.cues import kw
from kg.extract.rules.shapes import is_plural_acronym, shape, STRONG
from kg.extract.rules.spans import ARCHITECTURE_HEADS
from kg.extract.rules.state import TextState
from kg.extract.rules.types import next_word_type
from kg.extract.state import Conf, KIND_LONG, KIND_OWN, KIND_SHORT, Occurrence


def cover_definitions(d: TextState) -> None:
    """Acronym definitions cover their tokens (judged later, once we know what is proposed)."""
    covered, words, n, defs = d.covered, d.words, d.n, d.defs
    for df in d.definitions:
        a, b = df["long_span"]
        sa, sb = df["short_span"]
        defs.append(df)
        for i in range(min(a, sa), max(b, sb)):
            covered[i] = True
        if sb < n and words[sb - 1] != ")" and sb < n and words[sb] == ")":
            covered[sb] = True


def judge_definitions(d: TextState) -> None:
    """Keep the specific acronym definitions: both forms become occurrences of one entity."""
    lex, n, words, add, own_keys = d.lex, d.n, d.words, d.add, d.own_keys
    link, generic, def_long, def_type = d.link, d.generic, d.def_long, d.def_type
    for df in d.defs:
        short, long = df["short"], df["long"]
        sk = match_key(short[:-1] if is_plural_acronym(short) else short)
        ok, typ = _judge_definition(df, id(df) in d.proposed_defs or sk in own_keys, lex)
        if not ok and not lex.is_stop(short) and not lex.is_stop(long):
            cued = _definition_cue(d, df)
            if cued:
                ok, typ = True, cued  # "our approach, gated graph routing (GGR)": one named thing
        if not ok:
            generic.add(sk)
            continue
        a, b = df["long_span"]
        sa, sb = df["short_span"]
        o_long = add(a, b, KIND_LONG, surface=long)
        if is_plural_acronym(short):
            short = short[:-1]  # "GP-VAEs" defines GP-VAE
        o_short = add(sa, sb, KIND_SHORT, surface=short)
        o_long.def_short = short
        o_short.def_short = short
        link[match_key(long)] = match_key(short)
        def_long[match_key(short)].append(long)
        def_type[match_key(short)] = typ
        if _long_head_explicit(long):
            d.def_explicit.add(match_key(short))
        nxt = next_word_type(d, max(b, sb) + (1 if max(b, sb) < n and words[max(b, sb)] == ")" else 0))
        if typ in {"benchmark", "dataset"} and match_key(short) in d.def_explicit:
            # "the Open Graph Benchmark (OGB) datasets X and Y": the long form names the type
            o_short.type, o_short.tprio = typ, Conf.DEFINED
        elif nxt:
            o_short.type, o_short.tprio = nxt, Conf.APPOS
        if "title:" + match_key(long) in own_keys:
            own_keys.add(match_key(short))


def long_form_uses(d: TextState) -> None:
    """Later mentions of a defined long form, anywhere (title included)."""
    if d.def_long:
        _long_form_mentions(d, d.text, d.occ, d.def_long, d.add)


def _long_form_mentions(d: TextState, text: str, occ: list[Occurrence], def_long: dict[str, list[str]], add) -> None:
    """Later mentions of a defined long form, anywhere (title included).

    Every place where a long form's lower-case text starts and ends on token boundaries is
    an occurrence of it, unless an occurrence of a long form already holds its first token;
    the names found there before (not definitions or the paper's own system) give way to it.

    Linear in the hits: a long form is looked for once however often it is defined (a second
    search finds only places the first one took), whether a long form holds a token is one
    list lookup, and the names that give way are dropped in one pass at the end (only long
    forms are added meanwhile, and only other kinds are dropped, so the result is the same
    as dropping them at each hit).
    """
    n = d.n
    in_long: set[int] = set()  # tokens an occurrence of a long form holds
    for s, e in [(o.start, o.end) for o in occ if o.kind == KIND_LONG]:
        in_long.update(range(s, e))
    dropped: list[tuple[int, int]] = []  # (a, b1): the token spans of the added occurrences
    low_text = text.lower()
    searched: set[str] = set()
    tok_at, tok_ending = d.tok_at, d.tok_ending
    for sk, longs in def_long.items():
        for long in longs:
            ll = long.lower()
            if ll in searched or not ll:
                continue
            searched.add(ll)
            size = len(ll)
            pos = low_text.find(ll)
            while pos >= 0:
                a = tok_at(pos)
                if a >= 0 and a not in in_long:
                    b1 = tok_ending(pos + size)
                    if b1 >= 0:
                        dropped.append((a, b1))
                        o = add(a, b1 + 1, KIND_LONG, surface=text[pos : pos + size])
                        o.def_short = sk
                        in_long.update(range(a, b1 + 1))
                pos = low_text.find(ll, pos + 1)
    if not dropped:
        return
    keep_kinds = (KIND_LONG, KIND_SHORT, KIND_OWN)
    if len(dropped) <= 8:
        # a few spans (the usual case): the plain test
        occ[:] = [
            o for o in occ if o.kind in keep_kinds or not any(o.start <= b1 and a < o.end for a, b1 in dropped)
        ]
        return
    # tokens inside any added span, as prefix counts: does an occurrence overlap one?
    depth = [0] * (n + 2)
    for a, b1 in dropped:
        depth[a] += 1
        depth[b1 + 1] -= 1
    inside = [0] * (n + 1)
    run = 0
    for i in range(n):
        run += depth[i]
        inside[i + 1] = inside[i] + (run > 0)

    def overlaps(o: Occurrence) -> bool:
        s, e = o.start, o.end
        if e > s:
            s, e = max(s, 0), min(e, n)
            return e > s and inside[e] > inside[s]
        return any(s <= b1 and a < e for a, b1 in dropped)  # (an empty span: the plain test)

    occ[:] = [o for o in occ if o.kind in keep_kinds or not overlaps(o)]


NO_NAME_NOUNS = frozenset(("metric", "metrics", "measure", "measures", "score", "scores"))

_OWN_NOUNS = WORDS["own_nouns"]


def _definition_cue(d: TextState, df: dict) -> str | None:
    """The type the words around a lower-case definition give it, when they single it out:
    "Our approach, gated graph routing (GGR), ..." or "stochastic weight tempering (SWT), a
    recent optimiser for ...". A generic term gets neither ("reinforcement learning (RL) is")."""
    a, _ = df["long_span"]
    _, sb = df["short_span"]
    lower = d.lower
    if a >= 3 and lower[a - 1] == "," and lower[a - 2] in _OWN_NOUNS and lower[a - 3] in {"our", "the"}:
        return method_or_eval(d, a - 2, kw(lower[a - 2])) if lower[a - 3] == "our" else None
    if a >= 1 and lower[a - 1] == "our":
        return _long_head_type(df["long"]) or "method"  # "and our twin sketch critic (TSC)": the paper's own
    e = sb + 1 if sb < d.n and d.words[sb] == ")" else sb
    if e + 1 < d.n and d.words[e] == "," and lower[e + 1] in {"a", "an"} and NO_NAME_NOUNS.isdisjoint(lower[e : e + 10]):
        return apposition_type(d, e)
    return None


def _judge_definition(df: dict, proposed: bool, lex: Lexicon) -> tuple[bool, str | None]:
    """Whether an acronym definition names a specific artifact, and the type its long form implies."""
    short, long = df["short"], df["long"]
    single = short[:-1] if is_plural_acronym(short) else short
    rec = lex.lookup(short) or lex.lookup(single) or lex.lookup(long)
    head_type = _long_head_type(long)
    if rec is not None:
        if proposed and lex.lookup(long) is None:
            return True, head_type  # the paper's own "Token-Aware Credit Optimization (TACO)", not TACO the data set
        return True, rec.type
    if lex.is_stop(short) or lex.is_stop(single) or lex.is_stop(df.get("inner_short", short)):
        return (True, head_type) if proposed and not lex.is_stop(short) else (False, None)
    if proposed:
        return True, head_type
    letters = [c for c in single if c.isalpha()]
    if any(c.islower() for c in letters):  # "UniMP", "SePPO": coined, never a field acronym
        return True, head_type
    words = long.split()
    parts = [p for w in words for p in w.split("-") if p]
    if any(sum(c.isupper() for c in p) >= 2 and any(c.islower() for c in p) for p in parts):
        return True, head_type  # "REfining ... hoMography": capitals that spell a coined name
    if any(shape(w) == STRONG and not lex.is_stop(w) for w in words):
        return True, head_type  # "multi-modal GP-VAE (MM-GPVAE)": a variant of a named thing
    sp = single.split("-")
    if len(sp) == 2 and sp[0].isupper() and len(sp[0]) <= 3 and not lex.is_stop(sp[0]) and lex.is_stop(sp[1]):
        return True, head_type  # "residual-quantized VAE (RQ-VAE)": a named kind of a generic class
    title_case = words[0][:1].isupper() and all(w[:1].isupper() or w.lower() in vocab.CONNECTORS or not w[:1].isalpha() for w in words)
    if not title_case:
        # "deep convolutional sketch networks (DCSN)": a design named in lower case, as in
        # Title Case ("Temporal Segment Networks (TSN)"), when it has three words or more
        return len(words) >= 3 and _named_architecture(words, short), head_type
    last = words[-1].lower().strip(")")
    if last in vocab.GENERIC_HEADS and not _named_architecture(words, short):
        return False, None
    for k, w in enumerate(words[1:], 1):
        if w in {"for", "of", "in", "on", "with"} and words[k - 1].lower() in vocab.GENERIC_HEADS and words[k - 1].lower() not in ("learning",):
            return False, None  # "Large Language and Vision Models for Autonomous Driving"
    if len(words) == 1 and "-" not in long:
        return False, None
    return True, head_type


def _named_architecture(words: list[str], short: str) -> bool:
    """A Title Case architecture with a singular acronym is one named design: "Temporal Segment
    Networks (TSN)", "Factorization Machines (FM)". A plural acronym ("Graph Neural Networks
    (GNNs)") or a kind of neural network ("Bayesian Neural Networks (BNN)") names a class;
    a generic class spelled out ("Deep Belief Networks (DBN)") has its acronym on the stoplist.
    """
    return (
        len(words) >= 2
        and words[-1].lower() in ARCHITECTURE_HEADS
        and words[-2].lower() != "neural"
        and not is_plural_acronym(short)
    )


@lru_cache(maxsize=65536)
def _long_head_explicit(long: str) -> bool:
    """Whether the long form's head noun itself says the type ("... Benchmark", "... Network")."""
    words = long.split()
    head = words[-1] if words else ""
    for k, w in enumerate(words):
        if k > 0 and w.lower() in vocab.CONNECTORS and w.lower() not in {"and", "the", "a", "an"}:
            head = words[k - 1]
            break
    return vocab.kw_type(head) is not None or head.lower() in _BENCH_HEADS


_BENCH_HEADS = WORDS["bench_heads"]


@lru_cache(maxsize=65536)
def _long_head_type(long: str) -> str | None:
    words = long.split()
    head = words[-1] if words else ""
    for k, w in enumerate(words):
        if k > 0 and w.lower() in vocab.CONNECTORS and w.lower() not in {"and", "the", "a", "an"}:
            head = words[k - 1]
            break
    t = vocab.kw_type(head)
    if head.lower() in _BENCH_HEADS:
        return "benchmark"
    if t in {"dataset", "benchmark", "model"}:
        return t
    return "method"
