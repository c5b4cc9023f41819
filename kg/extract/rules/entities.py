"""Occurrences grouped into entities (same key, a definition's two forms, one gazetteer
record, size variants of a system named bare) and one mention dict per entity, typed
(the names of one coordinated list then share a type: ``kg.extract.rules.siblings``).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from itertools import repeat
from operator import attrgetter

from kg.extract.lexicon import match_key
from kg.extract.rules.names import CHECKPOINT_TAIL
from kg.extract.rules.own_system import other_system
from kg.extract.rules.roles import role_and_evidence
from kg.extract.rules.shapes import BY_START, is_plural_acronym, K_SIZE, surface_cues
from kg.extract.rules.spans import is_hardware, is_metric
from kg.extract.rules.state import TextState
from kg.extract.rules.types import data_context_type, DATA_TYPES, type_cues
from kg.extract.state import Conf, KIND_NAME, KIND_OWN, KIND_SHORT, KIND_VARIANT, Occurrence
from kg.names import family_of


_KEY, _SURFACE, _CANONICAL = attrgetter("key"), attrgetter("surface"), attrgetter("canonical")

# "Alpaca-52K", "Dolly-15K": a count in thousands sizes a dataset, never a model
_PARAM_SIZE = re.compile(r"[-_ ](?:\d{1,3}(?:\.\d+)?[BMT]|\d+x\d+(?:\.\d+)?B|A\d+(?:\.\d+)?B)$")  # _SIZE_RE without K


# a data set's name with a "v" version: "MAESTRO v2", "PDBBind v2020", "COCO-WholeBody v1.0"
_DATA_VERSION = re.compile(r"^(.+?)[ -][vV]\d+(?:\.\d+)*$")


def group_occurrences(d: TextState) -> None:
    """Occurrences into entities: same key, a definition's two forms, one gazetteer record,
    and the size variants of the paper's own system (or of a system named bare)."""
    occ, own_keys, own_type_hints, generic, lex = d.occ, d.own_keys, d.own_type_hints, d.generic, d.lex
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    def union(x: str, y: str) -> None:
        rx, ry = find(x), find(y)
        if rx != ry:
            parent[rx] = ry

    for o in occ:
        k = match_key(o.surface)
        o.key = k
        parent.setdefault(k, k)
        if o.def_short:
            union(k, match_key(o.def_short))
        if o.rec is not None:
            # union(k, "gaz:" + key), inline: both are usually their own roots
            gk = "gaz:" + o.rec.key
            rx = k if parent[k] == k else find(k)
            ry = gk if parent.get(gk, gk) == gk else find(gk)
            if rx != ry:
                parent[rx] = ry
    for lk, sk in d.link.items():
        parent.setdefault(lk, lk)
        parent.setdefault(sk, sk)
        union(lk, sk)
    # size variants of the paper's own system are the same system ("MMaDA-8B")
    # ... and so are those of any system the text also names by its family name ("MusicGen"
    # and "MusicGen-Large"): one entity, the family name canonical, the variant an alias
    occ_keys = set(map(_KEY, occ))
    for o in occ:
        fam = family_of(o.surface)
        if not fam:
            continue
        fk = match_key(fam)
        if fk in own_keys and (other_system(o, fk, own_type_hints) or K_SIZE.search(o.surface)):
            continue  # (and "CTS-38K" counts examples: the data the CTS method made, not a size of it)
        # (a variant the gazetteer knows as its own artifact stays apart: "Objaverse-XL")
        if fk in own_keys or (fk in occ_keys and fk not in generic and o.rec is None and lex.lookup(o.surface) is None):
            union(o.key, fk)
            o.variant_of_own = True

    _join_data_versions(occ, occ_keys - generic - own_keys, union)

    groups: dict[str, list[Occurrence]] = defaultdict(list)
    for o in occ:
        k = o.key
        r = parent[k]
        # most keys are a root or one step from it (a gazetteer key): find() only for longer paths
        groups[r if parent.get(r, r) == r else find(k)].append(o)
    d.groups = groups


def build_mentions(d: TextState) -> None:
    """One mention per entity, without the generic ones (stop words, plural acronyms, metrics)."""
    lex, own_keys, generic, mentions = d.lex, d.own_keys, d.generic, d.mentions
    own_type_hints, title_type, def_type = d.own_type_hints, d.title_type, d.def_type
    for items in d.groups.values():
        if len(items) == 1:
            # one occurrence: the same tests as below, without the sets and generators
            o = items[0]
            k0, sf = o.key, o.surface
            is_own = k0 in own_keys
            if not is_own and (k0 in generic or lex.is_stop(sf)):
                continue
            if o.kind == KIND_NAME and is_plural_acronym(sf):
                continue
            if not is_own and o.rec is None and (is_metric(d, o) or is_hardware(d, o)):
                continue
        else:
            keys = set(map(_KEY, items))
            is_own = bool(keys & own_keys)
            if keys & generic and not is_own:
                continue
            if not is_own and all(map(lex.is_stop, map(_SURFACE, items))):
                continue
            # plural-only acronyms ("LLMs") that nothing defined: a class, not a thing
            if all(is_plural_acronym(o.surface) and o.kind == KIND_NAME for o in items):
                continue
            # a metric: "PDM score", "L2 error", "W4A4" (a precision setting)
            if not is_own and all(o.rec is None and (is_metric(d, o) or is_hardware(d, o)) for o in items):
                continue
        # a lone capitalised word from context needs to look like a name
        m = _build_mention(d, items, is_own, own_type_hints, title_type, def_type, lex)
        if m is not None:
            mentions.append(m)


_DIGIT = re.compile(r"\d")

_DIGITS_END = re.compile(r"\d{2,}$")


def _join_data_versions(occ: list[Occurrence], bare_keys: set[str], union) -> None:
    """"trained on MAESTRO v2 ... the MAESTRO test split": a "v" version of a data set the text
    also names bare (``bare_keys``: not generic, not the paper's own) is that data set, the
    guidelines' one system; the bare name is canonical. Not a benchmark's: "LongBench v2" is
    another benchmark than LongBench. Only one version of it: a text that names two
    ("LVIS v0.5 and v1.0", "MultiWOZ 2.1 ... v2.4") sets them apart."""
    versions: dict[str, list[Occurrence]] = {}
    for o in occ:
        if "v" not in o.surface and "V" not in o.surface:
            continue
        m = _DATA_VERSION.match(o.surface)
        if m is None or (o.type != "dataset" and (o.rec is None or o.rec.type != "dataset")):
            continue
        bk = match_key(m.group(1))
        if bk in bare_keys:
            versions.setdefault(bk, []).append(o)
    for bk, found in versions.items():
        if len({o.key for o in found}) == 1:
            for o in found:
                union(o.key, bk)
                o.variant_of_own = True


def _build_mention(d: TextState, items: list[Occurrence], is_own: bool, own_type_hints, title_type, def_type, lex) -> dict | None:
    """One mention dict from the occurrences of one entity."""
    name = _canonical_name(d, items).strip()
    if not name:
        return None
    name_key = match_key(name)
    # -- type
    if is_own:
        (typ, typed_by), conf, rec = _own_type(d, items, name, name_key, own_type_hints, title_type, def_type, lex), Conf.KNOWN, None
    else:
        typ, conf, rec, typed_by = _other_type(d, items, name, name_key, def_type, lex)
    aliases = _aliases(items, name)
    # the gazetteer's own name, when the text wrote another form ("Pile" for "The Pile")
    if not is_own and rec is not None and match_key(rec.name) != name_key and all(
        match_key(a) != match_key(rec.name) for a in aliases
    ):
        aliases.append(rec.name)
    # -- family: a size/checkpoint variant of another system
    fam = None
    if not is_own and typ == "model":
        fam = family_of(name)
    role, evidence = role_and_evidence(d, items, typ, is_own)
    return {
        "name": name,
        "type": typ,
        "aliases": tuple(aliases),
        "role": role,
        "evidence": evidence,
        "count": len(items),
        "family": fam,
        "rule": items[0].rule,  # the rule that found its first occurrence
        "typed_by": typed_by,  # the typing rule that chose ``type`` (TYPED_BY)
        "_conf": Conf.KNOWN if is_own else conf,
        "_items": items,
    }


def _canonical_name(d: TextState, items: list[Occurrence]) -> str:
    """An entity's name: a defined short form, else the own-system name, else the most frequent form."""
    if len(items) == 1:
        # one occurrence: its canonical form (not for a short form), else its surface
        o = items[0]
        name = (o.kind != KIND_SHORT and o.canonical) or o.surface
        shorts = None
    else:
        shorts = [o for o in items if o.kind == KIND_SHORT]
    if shorts is None:
        pass
    elif shorts:
        name = shorts[0].surface
        if is_plural_acronym(name) and any(o.surface == name[:-1] for o in items):
            name = name[:-1]
    elif any(map(_CANONICAL, items)):
        name = next(o.canonical for o in items if o.canonical)
    else:
        forms = [o.surface for o in items if not o.variant_of_own and not o.alias_only]
        forms = forms or [o.surface for o in items]
        f0 = forms[0]
        if forms.count(f0) == len(forms):
            name = f0  # one form only: the most frequent one
        else:
            counts = Counter(forms)  # first-seen order, as max() needs
            # prefer a form seen in the abstract over the title's capitalisation
            name = max(counts, key=lambda f: (counts[f], -len(f)))
        own_title = [o for o in items if o.kind == KIND_OWN and o.start < d.title_end and not o.alias_only]
        if own_title:
            name = own_title[0].surface
            fam = family_of(name)
            if fam and any(o.surface == fam for o in items):
                name = fam  # "Tapir-7B: ..." with "we introduce Tapir": the system is Tapir
    return name


def _own_type(d: TextState, items, name: str, name_key: str, own_type_hints, title_type, def_type, lex) -> tuple[str, str]:
    """The type of the paper's own system: what the title, the propose sentence or the
    definition says of it, the most specific first; else its shape; else a method. With the
    typing rule that chose it (``TYPED_BY``)."""
    cues = None
    cand = []  # (type, typing rule)
    if title_type and any(o.start < d.title_end for o in items):
        cand.append((title_type, "types.own_title"))
    # (plain loops and C-level calls below: a comprehension or generator per call costs more)
    hints = []
    for k in set(map(_KEY, items)):
        for h in own_type_hints.get(k, ()):
            if h:
                hints.append(h)
    cand.extend(zip(hints, repeat("types.own_propose")))
    if not hints:
        # what the introducing sentence says of it beats later mentions ("the X mixture")
        cues = type_cues(d, items, lex, own=True)
        for p, t in cues:
            if p >= Conf.KNOWN:
                cand.append((t, "types.cues"))
    for o in items:
        if o.kind == KIND_SHORT and o.type:
            cand.append((o.type, "types.definition"))
    # the most specific word said about it wins: benchmark/dataset, then model, then method
    for wanted in (("benchmark", "dataset"), ("model",), ("method",)):
        for c in cand:
            if c[0] in wanted:
                return c
    # no word says what it is: a name built on a model family ("LLaVA-Surg") is a model
    if cues is None:
        cues = type_cues(d, items, lex, own=True)
    if any(p >= Conf.SUFFIX and t == "model" for p, t in cues):
        return "model", "types.cues"
    # "MathBench-12K", "Alpaca-52K": the name's own shape says benchmark or dataset
    shaped = [c for c in surface_cues(name) if c[1] in {"benchmark", "dataset"}]
    if shaped:
        return max(shaped)[1], "types.shape"
    dt = def_type.get(name_key)
    return (dt, "types.definition") if dt in {"model", "dataset", "benchmark"} else ("method", "types.default")


def _other_type(d: TextState, items, name: str, name_key: str, def_type, lex) -> tuple[str, float, object, str]:
    """(type, confidence, gazetteer record, typing rule: ``TYPED_BY``) of a name that is not
    the paper's own system."""
    if len(items) == 1:
        known = items[0].rec is not None
    else:
        known = any(o.rec is not None for o in items)
    # (priority, type) from the text around the name; a known name only needs the strong ones
    cues = type_cues(d, items, lex, strong_only=known)
    best = max(cues) if cues else (Conf.NONE, None)
    typ, conf = best[1], best[0]
    by = "types.cues"
    if len(items) == 1:
        rec = items[0].rec or _looked_up(lex, name)
    else:
        rec = next((o.rec for o in items if o.rec is not None), None) or _looked_up(lex, name)
    if rec is None and best[1] is None:
        # "FineWeb-2", "LibriTTS-R", "WavLM-TDNN": an edition or a build of a known name
        # (only with no cue at all: "On TOFU and MUSE-News" says benchmark, whatever MUSE is)
        stem = _NUMBER_TAIL.sub("", name)
        if stem == name:
            stem = _FIRST_PART.sub("", name)
        srec = lex.lookup(stem) if stem != name else None
        if srec is not None:
            typ, conf, by = srec.type, Conf.SHAPE, "types.known_stem"
            if typ == "method" and CHECKPOINT_TAIL.match(name, len(stem)):
                typ = "model"  # "SegFormer-B5": a sized checkpoint of an architecture
            best = (conf, typ)
    ctx = None
    if rec is not None and rec.type in DATA_TYPES and best[0] < Conf.APPOS:
        ctx = data_context_type(d, items)
    if ctx is not None:
        typ, conf, by = ctx, Conf.KNOWN, "types.data_context"  # "the long-horizon benchmarks ETTh1 and ETTm2": the use decides
    elif rec is not None and (
        typ is None
        or best[0] < Conf.APPOS
        or (rec.type in {"model", "method"} and typ in {"model", "method"})
        # "ImageNet models", "Chatbot Arena models": models of a known data set
        or (rec.type in {"dataset", "benchmark"} and typ in {"model", "method"})
    ):
        typ, conf, by = rec.type, max(conf, Conf.KNOWN), "types.gazetteer"
    dt = def_type.get(name_key)
    if dt and (typ is None or best[0] < Conf.FIRM):
        typ, conf, by = dt, (Conf.FIRM if name_key in d.def_explicit else Conf.GUESS), "types.definition"
    if typ is None:
        typ = "model" if (_DIGIT.search(name) and not _DIGITS_END.search(name)) or family_of(name) else "method"
        conf, by = Conf.NONE, "types.default"
    elif typ == "method" and name[-1:] in "BMT" and _PARAM_SIZE.search(name) and family_of(name):
        typ, by = "model", "types.parameter_count"  # "Qwen2.5-7B policies": a name with a parameter count is a trained model
    elif typ == "method" and _variant_of_model(items):
        # "a ResNet-50 network", "the VGG-16 architecture": a depth or size variant of a
        # known model is that trained model, whatever noun follows
        typ, by = "model", "types.variant_of_model"

    return typ, conf, rec, by


_LETTER_HYPHEN = re.compile(r"[A-Za-z]-[A-Za-z]")


def _looked_up(lex, name: str):
    """The gazetteer record of ``name`` (match keys ignore hyphens), unless the record is an
    exact-case acronym and ``name`` puts a hyphen between two of its letters where no form of
    the record has one: "REAL-M" is not REALM."""
    rec = lex.lookup(name)
    if rec is not None and rec.exact and _LETTER_HYPHEN.search(name) and not any("-" in f for f in rec.forms):
        return None
    return rec


def _variant_of_model(items: list[Occurrence]) -> bool:
    """Whether an occurrence is a depth or size variant of a known model."""
    for o in items:
        if o.kind is KIND_VARIANT and o.type == "model":
            return True
    return False


def _aliases(items: list[Occurrence], name: str) -> list[str]:
    """Every other form of the entity as written, no case-only duplicates."""
    if len(items) == 1:
        s = items[0].surface.strip()
        aliases = [s] if s and s.casefold() != name.casefold() else []
    else:
        seen = {name.casefold()}
        aliases = []
        for o in sorted(items, key=BY_START):
            s = o.surface.strip()
            if s.casefold() not in seen and s:
                seen.add(s.casefold())
                aliases.append(s)
    return aliases


_NUMBER_TAIL = re.compile(r"[- ]\d+(?:\.\d+)?$")

_FIRST_PART = re.compile(r"-[^-]+$")
