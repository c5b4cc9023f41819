"""Corpus-level resolution: the same artifact under different surface forms is ONE entity.

``resolve(items, extractor_version)`` is a pure function from ``PaperMentions`` to a
``Graph``. Mentions are merged when they share a match key (``kg.text.match_key``: case,
spaces, hyphens and underscores ignored) on any of their names or aliases, so
"Multi-modal"/"Multimodal" or "DPO"/"Direct Preference Optimization" (an acronym defined
in any paper) end up in one entity. Names the gazetteer knows join its record.

An acronym that two papers define with *different* long forms ("PAL" for two unrelated
systems) is not merged: mentions of that name are split by their long forms, the
largest group keeps the plain key and the others get ``<key>~<long form key>``.

Keys. ``Entity.key`` is type-agnostic and derived from the canonical name:
``match_key(name)``; for ``github``/``url`` entities it is the canonical URL. The
canonical name is the gazetteer's name when the entity is a known one, else the name
most mentions use (ties: more papers, then shorter, then alphabetical). The type is
the majority vote over mentions (ties: the gazetteer's type, then model > method >
benchmark > dataset > github > url).

Variants. A mention whose ``family`` is set ("Qwen2.5-VL" for "Qwen2.5-VL-7B") gives
``Variant(variant_key=<its entity key>, family_key=<family entity key>)``; the family
entity is created (typed like the variant) when no paper names it bare. The family of
a name is the name without size/checkpoint suffixes (``7B``, ``8x7B``, ``-Instruct``,
``-Chat``, ``-Base``), see ``kg.extract.components.assemble.family_of``. A paper that
names both a system and its checkpoint ("MusicGen" and "MusicGen-Large") gives one mention,
the checkpoint an alias of the system (the annotation guidelines' "one system"); here that
alias becomes the variant entity with its VARIANT_OF edge and never merges papers, so a
checkpoint stays its own entity whether or not some paper also names its family.

Links. One ``Link`` per (paper, entity): the strongest role (``ROLE_PRIORITY``) with
its evidence, counts summed.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import replace
from collections.abc import Iterable

from kg.extract.components.urls import canonical_url
from kg.extract.lexicon import load_lexicon
from kg.model import ROLE_PRIORITY, Entity, EntityType, Graph, Link, Mention, Paper, PaperMentions, Role, Variant
from kg.text import match_key

__all__ = ["resolve"]

_TYPE_ORDER = {
    EntityType.MODEL: 0,
    EntityType.METHOD: 1,
    EntityType.BENCHMARK: 2,
    EntityType.DATASET: 3,
    EntityType.GITHUB: 4,
    EntityType.URL: 5,
}


def _is_url_type(t: EntityType) -> bool:
    return t in (EntityType.GITHUB, EntityType.URL)


def _form_key(form: str, url: bool) -> str:
    if url:
        return "url:" + canonical_url(form).casefold()
    return match_key(form)


_CONNECTORS = frozenset("of for with via and in on to from by the a an".split())


def _long_forms(m: Mention) -> tuple[frozenset[str], ...]:
    """Word-stem sets of the multi-word aliases of an acronym-like name: what tells two acronyms apart.

    Stems are the first five letters of each content word, so spelling variants
    ("Optimisation"/"Optimization") agree; a long form the gazetteer knows is its record key.
    """
    if " " in m.name or _is_url_type(m.type):
        return ()
    lex = load_lexicon()
    out = []
    for a in m.aliases:
        if " " not in a.strip():
            continue
        rec = lex.lookup(a)
        if rec is not None:
            out.append(frozenset(["gaz:" + rec.key]))
        else:
            out.append(frozenset(w[:5] for w in re.findall(r"[a-z0-9]+", a.casefold()) if w not in _CONNECTORS))
    return tuple(out)


_DATA_KINDS = frozenset(("dataset", "benchmark"))


def _same_kind(rec_type: str, mention_type: EntityType) -> bool:
    """Whether a gazetteer type and a mention type can name one thing: both data, or both systems."""
    return (rec_type in _DATA_KINDS) == (mention_type.value in _DATA_KINDS)


def _is_variant_of(alias: str, name: str) -> bool:
    """Whether ``alias`` is a size/checkpoint variant of ``name`` ("MusicGen-Large" of "MusicGen")."""
    from kg.extract.components.assemble import family_of

    fam = family_of(alias)
    return fam is not None and match_key(fam) == match_key(name)


def _same_expansion(a: tuple[frozenset[str], ...], b: list[frozenset[str]]) -> bool:
    """Whether some long form of ``a`` and some of ``b`` share at least half their stems."""
    for x in a:
        for y in b:
            if x and y and len(x & y) * 2 >= max(len(x), len(y)):
                return True
    return False


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # the smaller index is the root: deterministic
            if ra < rb:
                self.parent[rb] = ra
            else:
                self.parent[ra] = rb


def resolve(items: Iterable[PaperMentions], extractor_version: str) -> Graph:
    """Merge per-paper mentions into one graph of papers, entities, links and variants."""
    lex = load_lexicon()
    papers: list[Paper] = []
    seen_papers: set[str] = set()
    flat: list[tuple[str, Mention]] = []  # (paper id, mention)
    variant_aliases: list[tuple[str, Mention]] = []  # (size/checkpoint alias, the family's mention)
    for pm in items:
        if pm.paper.id not in seen_papers:
            seen_papers.add(pm.paper.id)
            papers.append(pm.paper)
        for m in pm.mentions:
            var = () if _is_url_type(m.type) else tuple(a for a in m.aliases if _is_variant_of(a, m.name))
            if var:
                # "MusicGen-Large" as an alias of "MusicGen": the paper names the system; the
                # checkpoint stays its own entity (a VARIANT_OF edge), not a bridge between papers
                m = replace(m, aliases=tuple(a for a in m.aliases if a not in var))
                variant_aliases.extend((a, m) for a in var)
            flat.append((pm.paper.id, m))

    uf = _UnionFind()
    # -- split names whose acronym long forms disagree between papers
    by_name: dict[str, list[int]] = defaultdict(list)
    for i, (_, m) in enumerate(flat):
        by_name[_form_key(m.name, _is_url_type(m.type))].append(i)
    name_key_of: dict[int, str] = {}
    for nk, idxs in by_name.items():
        clusters: list[tuple[list[frozenset[str]], list[int]]] = []
        plain: list[int] = []
        for i in idxs:
            lf = _long_forms(flat[i][1])
            if not lf:
                plain.append(i)
                continue
            for c_forms, c_idx in clusters:
                if _same_expansion(lf, c_forms):
                    c_forms.extend(lf)
                    c_idx.append(i)
                    break
            else:
                clusters.append((list(lf), [i]))
        clusters.sort(key=lambda c: (-len(c[1]), min(c[1])))
        if clusters:
            clusters[0][1].extend(plain)
        else:
            clusters = [(set(), plain)]
        for ci, (forms, c_idx) in enumerate(clusters):
            key = nk if ci == 0 else f"{nk}~{''.join(sorted(forms[0]))}"
            for i in c_idx:
                name_key_of[i] = key
                uf.union(c_idx[0], i)
    split_names = {nk for nk, idxs in by_name.items() if len({name_key_of[i] for i in idxs}) > 1}

    # -- merge through shared aliases and gazetteer records
    owner: dict[str, int] = {}
    for i, (_, m) in enumerate(flat):
        url = _is_url_type(m.type)
        keys = {name_key_of[i]}
        for a in m.aliases:
            k = _form_key(a, url)
            if k in split_names:
                continue  # an ambiguous acronym used as an alias must not bridge two systems
            keys.add(k)
        if not url:
            for f in (m.name, *m.aliases):
                rec = lex.lookup(f)
                # (a record of the other kind is another thing with the same name: a paper's own
                # method "ABO" is not the ABO data set)
                if rec is not None and match_key(f) not in split_names and _same_kind(rec.type, m.type):
                    keys.add("gaz:" + rec.key)
        for k in sorted(keys):
            if k in owner:
                uf.union(owner[k], i)
            else:
                owner[k] = i

    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(flat)):
        groups[uf.find(i)].append(i)

    entities: list[Entity] = []
    key_of_group: dict[int, str] = {}
    used_keys: set[str] = set()
    alias_index: dict[str, str] = {}  # form key -> entity key (for family lookup)
    for root in sorted(groups):
        idxs = groups[root]
        ms = [flat[i][1] for i in idxs]
        url = any(_is_url_type(m.type) for m in ms)
        # type: majority vote
        rec = None
        if not url:
            for m in ms:
                for f in (m.name, *m.aliases):
                    r = lex.lookup(f)
                    if r is not None and match_key(f) not in split_names and _same_kind(r.type, m.type):
                        rec = r
                        break
                if rec:
                    break
        votes = Counter(m.type for m in ms)
        top = max(votes.values())
        tied = [t for t, v in votes.items() if v == top]
        if rec is not None and EntityType(rec.type) in tied:
            etype = EntityType(rec.type)
        else:
            etype = min(tied, key=lambda t: _TYPE_ORDER[t])
        # canonical name
        if url:
            names = Counter(canonical_url(m.name) for m in ms)
            name = sorted(names, key=lambda s: (-names[s], s))[0]
            key = name
        else:
            if rec is not None and any(match_key(m.name) in {match_key(f) for f in rec.forms} for m in ms):
                name = rec.name
            else:
                names = Counter(m.name for m in ms)
                papers_per: dict[str, set[str]] = defaultdict(set)
                for i in idxs:
                    papers_per[flat[i][1].name].add(flat[i][0])
                name = sorted(names, key=lambda s: (-names[s], -len(papers_per[s]), len(s), s))[0]
            own_keys = {name_key_of[i] for i in idxs}
            key = match_key(name)
            if key not in own_keys:
                split = sorted(k for k in own_keys if k.startswith(key + "~"))
                key = split[0] if split else key
        base, n = key, 2
        while key in used_keys:
            key = f"{base}~{n}"
            n += 1
        used_keys.add(key)
        key_of_group[root] = key
        forms: dict[str, str] = {}
        for m in ms:
            for f in (m.name, *m.aliases):
                f = f.strip()
                if f and f.casefold() != name.casefold():
                    forms.setdefault(f.casefold(), f)
        aliases = tuple(sorted(forms.values(), key=lambda s: (s.casefold(), s)))
        entities.append(Entity(key=key, name=name, type=etype, aliases=aliases))
        for f in (name, *aliases):
            alias_index.setdefault(_form_key(f, url), key)

    # -- links
    best: dict[tuple[str, str], tuple[Role, str]] = {}
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for root, idxs in groups.items():
        ek = key_of_group[root]
        for i in idxs:
            pid, m = flat[i]
            lk = (pid, ek)
            counts[lk] += max(1, m.count)
            cur = best.get(lk)
            if cur is None or ROLE_PRIORITY[m.role] > ROLE_PRIORITY[cur[0]] or (
                ROLE_PRIORITY[m.role] == ROLE_PRIORITY[cur[0]] and not cur[1] and m.evidence
            ):
                best[lk] = (m.role, m.evidence)
    paper_order = {p.id: k for k, p in enumerate(papers)}
    links = [
        Link(paper_id=pid, entity_key=ek, role=role, count=counts[(pid, ek)], evidence=ev)
        for (pid, ek), (role, ev) in sorted(best.items(), key=lambda kv: (paper_order[kv[0][0]], kv[0][1]))
    ]

    # -- variants and family entities
    variants: set[tuple[str, str]] = set()
    ent_by_key = {e.key: e for e in entities}
    from kg.extract.components.assemble import family_of

    for root, idxs in sorted(groups.items()):
        ek = key_of_group[root]
        ent = ent_by_key[ek]
        fams = {flat[i][1].family for i in idxs if flat[i][1].family}
        if not fams and ent.type == EntityType.MODEL:
            f = family_of(ent.name)
            if f:
                fams.add(f)
        for fam in sorted(fams):
            fk = alias_index.get(match_key(fam))
            if fk is None:
                fk = match_key(fam)
                if fk not in ent_by_key:
                    fe = Entity(key=fk, name=fam, type=ent.type, aliases=())
                    entities.append(fe)
                    ent_by_key[fk] = fe
                alias_index[fk] = fk
            if fk != ek:
                variants.add((ek, fk))
    for alias, m in variant_aliases:
        fk = alias_index.get(_form_key(m.name, False))
        if fk is None:
            continue
        vk = alias_index.get(match_key(alias))
        if vk is None:
            vk = match_key(alias)
            ve = Entity(key=vk, name=alias, type=ent_by_key[fk].type, aliases=())
            entities.append(ve)
            ent_by_key[vk] = ve
            alias_index[vk] = vk
        if vk != fk:
            variants.add((vk, fk))
    return Graph(
        papers=papers,
        entities=entities,
        links=links,
        variants=[Variant(v, f) for v, f in sorted(variants)],
        extractor_version=extractor_version,
    )
