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
``-Chat``, ``-Base``), see ``kg.names.family_of``. A paper that
names both a system and its checkpoint ("MusicGen" and "MusicGen-Large") gives one mention,
the checkpoint an alias of the system (the annotation guidelines' "one system"); here that
alias becomes the variant entity with its VARIANT_OF edge and never merges papers, so a
checkpoint stays its own entity whether or not some paper also names its family. The paper's
link goes to the system (MENTIONS); that it named the checkpoint is a ``Naming``
(``(:Paper)-[:NAMES]->(:Entity)``), one per (paper, checkpoint), which is what holds the
checkpoint in the graph while the paper is there (``kg.store.base.UNHELD``).

Links. One ``Link`` per (paper, entity): the strongest role (``ROLE_PRIORITY``) with
its evidence, counts summed.

Streaming. ``Resolver`` does the same in two passes with memory bounded by the distinct
names, not by the corpus: ``add(paper_mentions)`` remembers each mention's name, type,
aliases and family once per distinct combination (a "signature") plus two integers per
mention; ``finish()`` groups the signatures into entities; ``links(chunk)`` then turns the
same mentions, replayed in the same order (role, count and evidence only), into links (and
the papers' namings: ``rows(chunk)``).
``resolve`` is the one-pass convenience over it; both give the same graph for any chunking.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from kg.model import (
    ROLE_PRIORITY, Entity, EntityType, Graph, Link, Mention, Naming, Paper, PaperMentions, Role, Spans, Variant,
)
from kg.names import canonical_url, family_of, load_gazetteer
from kg.store.base import flat_spans
from kg.text import match_key

__all__ = ["Resolver", "Resolution", "resolve", "mention_facts"]

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
    lex = load_gazetteer()
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
    """Union-find over 0..n-1 where the smaller root wins: a set's root is its smallest member."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra < rb:
            self.parent[rb] = ra
        elif rb < ra:
            self.parent[ra] = rb


@dataclass(frozen=True, slots=True)
class _Signature:
    """What resolution needs of a mention, computed once per distinct (name, type, aliases, family)."""

    name: str
    type: EntityType
    aliases: tuple[str, ...]  # size/checkpoint variants of the name removed (see ``variant_aliases``)
    family: str | None
    url: bool
    name_key: str
    long_forms: tuple[frozenset[str], ...]
    alias_keys: tuple[str, ...]
    gazetteer: tuple[tuple[str, object], ...]  # (match key of the form, its record), same kind only
    variant_aliases: tuple[str, ...]


#: What pass two needs of a paper: its id and, per mention in order, (role, count, evidence,
#: spans, title_spans, rule).
MentionFacts = tuple[str, tuple[tuple[Role, int, str, Spans, Spans, str], ...]]


def mention_facts(pm: PaperMentions) -> MentionFacts:
    """The part of a paper's mentions that ``Resolution.links`` reads (the rest was resolved)."""
    return pm.paper.id, tuple((m.role, m.count, m.evidence, m.spans, m.title_spans, m.rule) for m in pm.mentions)


class Resolver:
    """Pass one of resolution: ``add`` every paper's mentions in order, then ``finish``."""

    def __init__(self, extractor_version: str, *, keep_papers: bool = False) -> None:
        self.extractor_version = extractor_version
        self.papers: list[Paper] = []  # only with keep_papers
        self._keep_papers = keep_papers
        self._lex = load_gazetteer()
        self._sig_ids: dict[tuple, int] = {}
        self._sigs: list[_Signature] = []
        self._mention_sig = array("q")
        self._mention_paper = array("q")
        self._paper_index: dict[str, int] = {}
        # (size/checkpoint alias, name of the mention that had it), in first-seen order
        self._variant_aliases: dict[tuple[str, str], None] = {}

    @property
    def mentions(self) -> int:
        return len(self._mention_sig)

    def add(self, pm: PaperMentions) -> None:
        """Remember one paper's mentions (their evidence is not kept: ``links`` gets it again)."""
        self.add_raw(pm.paper.id, [(m.name, m.type, m.aliases, m.family) for m in pm.mentions], pm.paper)

    def add_raw(self, paper_id: str, mentions: Iterable[Sequence], paper: Paper | None = None) -> None:
        """``add`` from plain tuples starting (name, type, aliases, family, ...), as workers return them."""
        index = self._paper_index.get(paper_id)
        if index is None:
            index = self._paper_index[paper_id] = len(self._paper_index)
            if self._keep_papers and paper is not None:
                self.papers.append(paper)
        sig_ids, sigs = self._sig_ids, self._sigs
        for m in mentions:
            raw = (m[0], m[1], m[2], m[3])
            sid = sig_ids.get(raw)
            if sid is None:
                sid = sig_ids[raw] = len(sigs)
                sigs.append(self._signature(Mention(m[0], m[1], m[2], family=m[3])))
                for alias in sigs[sid].variant_aliases:
                    self._variant_aliases.setdefault((alias, m[0]), None)
            self._mention_sig.append(sid)
            self._mention_paper.append(index)

    def _signature(self, m: Mention) -> _Signature:
        url = _is_url_type(m.type)
        var = () if url else tuple(a for a in m.aliases if _is_variant_of(a, m.name))
        if var:
            # "MusicGen-Large" as an alias of "MusicGen": the paper names the system; the
            # checkpoint stays its own entity (a VARIANT_OF edge), not a bridge between papers
            m = replace(m, aliases=tuple(a for a in m.aliases if a not in var))
        gazetteer = []
        if not url:
            for f in (m.name, *m.aliases):
                rec = self._lex.lookup(f)
                # (a record of the other kind is another thing with the same name: a paper's own
                # method "ABO" is not the ABO data set)
                if rec is not None and _same_kind(rec.type, m.type):
                    gazetteer.append((match_key(f), rec))
        return _Signature(
            name=m.name,
            type=m.type,
            aliases=m.aliases,
            family=m.family,
            url=url,
            name_key=_form_key(m.name, url),
            long_forms=_long_forms(m),
            alias_keys=tuple(_form_key(a, url) for a in m.aliases),
            gazetteer=tuple(gazetteer),
            variant_aliases=var,
        )

    # -- finish -----------------------------------------------------------------------
    def finish(self) -> Resolution:
        """Group the mentions into entities and variants (pass one's end)."""
        sigs = self._sigs
        cluster_key, split_names = self._split_acronyms()
        # nodes: distinct (signature, cluster key), numbered by first occurrence
        node_ids: dict[tuple[int, str], int] = {}
        nodes: list[tuple[int, str]] = []
        node_count: list[int] = []
        mention_node = array("q")
        for i, sid in enumerate(self._mention_sig):
            ck = cluster_key.get(i) or sigs[sid].name_key
            nid = node_ids.get((sid, ck))
            if nid is None:
                nid = node_ids[(sid, ck)] = len(nodes)
                nodes.append((sid, ck))
                node_count.append(0)
            node_count[nid] += 1
            mention_node.append(nid)
        del node_ids, cluster_key

        # -- merge through shared keys: cluster keys, aliases and gazetteer records
        uf = _UnionFind(len(nodes))
        owner: dict[str, int] = {}
        for nid, (sid, ck) in enumerate(nodes):
            sig = sigs[sid]
            keys = {ck}
            # an ambiguous acronym used as an alias must not bridge two systems
            keys.update(k for k in sig.alias_keys if k not in split_names)
            keys.update("gaz:" + rec.key for mk, rec in sig.gazetteer if mk not in split_names)
            for k in sorted(keys):
                if k in owner:
                    uf.union(owner[k], nid)
                else:
                    owner[k] = nid
        del owner
        groups: dict[int, list[int]] = defaultdict(list)
        for nid in range(len(nodes)):
            groups[uf.find(nid)].append(nid)
        roots = sorted(groups)

        # -- type, and the names each group is called by
        plans = []
        need_papers: set[int] = set()
        for root in roots:
            members = groups[root]
            url = any(sigs[nodes[n][0]].url for n in members)
            rec = None
            if not url:
                rec = next(
                    (r for n in members for mk, r in sigs[nodes[n][0]].gazetteer if mk not in split_names), None
                )
            votes: Counter[EntityType] = Counter()
            names: Counter[str] = Counter()
            for n in members:
                sig = sigs[nodes[n][0]]
                votes[sig.type] += node_count[n]
                names[canonical_url(sig.name) if url else sig.name] += node_count[n]
            top = max(votes.values())
            tied = [t for t, v in votes.items() if v == top]
            etype = EntityType(rec.type) if rec is not None and EntityType(rec.type) in tied else min(tied, key=_TYPE_ORDER.get)
            rec_name = None
            if rec is not None:
                rec_keys = {match_key(f) for f in rec.forms}
                if any(match_key(sigs[nodes[n][0]].name) in rec_keys for n in members):
                    rec_name = rec.name
            most = max(names.values())
            if not url and rec_name is None and sum(1 for v in names.values() if v == most) > 1:
                need_papers.add(root)  # a tie on mentions: the name more papers use wins
            plans.append((root, url, etype, rec_name, names))
        papers_per = self._papers_per_name(need_papers, uf, nodes, mention_node)

        # -- keys and entities, in the order of each group's first mention
        entities: list[Entity] = []
        group_key: dict[int, str] = {}
        used_keys: set[str] = set()
        alias_index: dict[str, str] = {}  # form key -> entity key (for family lookup)
        for root, url, etype, rec_name, names in plans:
            members = groups[root]
            if url:
                name = sorted(names, key=lambda s: (-names[s], s))[0]
                key = name
            else:
                if rec_name is not None:
                    name = rec_name
                else:
                    per = papers_per.get(root, {})
                    name = sorted(names, key=lambda s: (-names[s], -per.get(s, 0), len(s), s))[0]
                own_keys = {nodes[n][1] for n in members}
                key = match_key(name)
                if key not in own_keys:
                    split = sorted(k for k in own_keys if k.startswith(key + "~"))
                    key = split[0] if split else key
            base, k = key, 2
            while key in used_keys:
                key = f"{base}~{k}"
                k += 1
            used_keys.add(key)
            group_key[root] = key
            forms: dict[str, str] = {}
            for n in members:
                sig = sigs[nodes[n][0]]
                for f in (sig.name, *sig.aliases):
                    f = f.strip()
                    if f and f.casefold() != name.casefold():
                        forms.setdefault(f.casefold(), f)
            aliases = tuple(sorted(forms.values(), key=lambda s: (s.casefold(), s)))
            entities.append(Entity(key=key, name=name, type=etype, aliases=aliases))
            for f in (name, *aliases):
                alias_index.setdefault(_form_key(f, url), key)

        variants, named = self._variants(entities, roots, groups, group_key, nodes, alias_index)
        node_key = [group_key[uf.find(n)] for n in range(len(nodes))]
        # The checkpoints each node's mentions name beside their system (few nodes have any).
        node_names: dict[int, tuple[str, ...]] = {}
        for nid, (sid, _) in enumerate(nodes):
            sig = sigs[sid]
            if sig.variant_aliases:
                keys = tuple(dict.fromkeys(named[(a, sig.name)] for a in sig.variant_aliases if (a, sig.name) in named))
                if keys:
                    node_names[nid] = keys
        return Resolution(
            entities=entities,
            variants=variants,
            extractor_version=self.extractor_version,
            _node_key=node_key,
            _mention_node=mention_node,
            _paper_index=self._paper_index,
            _node_names=node_names,
        )

    def _split_acronyms(self) -> tuple[dict[int, str], set[str]]:
        """Cluster keys of mentions whose name is an acronym with long forms, and the names split.

        Mentions of a name are clustered by their long forms in order; the largest cluster
        keeps the plain key, the others get ``<key>~<stems>``. Names no mention defines
        keep their key (not stored here).
        """
        sigs = self._sigs
        defined = {s.name_key for s in sigs if s.long_forms}
        by_name: dict[str, list[int]] = defaultdict(list)
        for i, sid in enumerate(self._mention_sig):
            nk = sigs[sid].name_key
            if nk in defined:
                by_name[nk].append(i)
        cluster_key: dict[int, str] = {}
        split_names: set[str] = set()
        for nk, idxs in by_name.items():
            clusters: list[tuple[list[frozenset[str]], list[int]]] = []
            plain: list[int] = []
            for i in idxs:
                lf = sigs[self._mention_sig[i]].long_forms
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
            clusters.sort(key=lambda c: (-len(c[1]), c[1][0]))
            clusters[0][1].extend(plain)
            if len(clusters) > 1:
                split_names.add(nk)
            for ci, (forms, c_idx) in enumerate(clusters):
                key = nk if ci == 0 else f"{nk}~{''.join(sorted(forms[0]))}"
                if key != nk:
                    for i in c_idx:
                        cluster_key[i] = key
        return cluster_key, split_names

    def _papers_per_name(
        self, roots: set[int], uf: _UnionFind, nodes: list[tuple[int, str]], mention_node: array
    ) -> dict[int, dict[str, int]]:
        """For the groups in ``roots``: how many distinct papers use each of their names."""
        if not roots:
            return {}
        seen: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
        sigs = self._sigs
        for nid, paper in zip(mention_node, self._mention_paper):
            root = uf.find(nid)
            if root in roots:
                seen[root][sigs[nodes[nid][0]].name].add(paper)
        return {root: {name: len(ps) for name, ps in by_name.items()} for root, by_name in seen.items()}

    def _variants(
        self,
        entities: list[Entity],
        roots: list[int],
        groups: dict[int, list[int]],
        group_key: dict[int, str],
        nodes: list[tuple[int, str]],
        alias_index: dict[str, str],
    ) -> tuple[list[Variant], dict[tuple[str, str], str]]:
        """VARIANT_OF edges, and the checkpoint key each (checkpoint alias, system name) gives;
        family (and checkpoint) entities no paper names bare are appended to ``entities``."""
        sigs = self._sigs
        variants: set[tuple[str, str]] = set()
        named: dict[tuple[str, str], str] = {}
        ent_by_key = {e.key: e for e in entities}
        for root in roots:
            ek = group_key[root]
            ent = ent_by_key[ek]
            fams = {sigs[nodes[n][0]].family for n in groups[root] if sigs[nodes[n][0]].family}
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
        for alias, family_name in self._variant_aliases:
            fk = alias_index.get(_form_key(family_name, False))
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
                named[(alias, family_name)] = vk
        return [Variant(v, f) for v, f in sorted(variants)], named


@dataclass
class Resolution:
    """Pass one's result: the entities and variants, and what ``links`` needs for pass two."""

    entities: list[Entity]
    variants: list[Variant]
    extractor_version: str
    _node_key: list[str] = field(repr=False)
    _mention_node: array = field(repr=False)
    _paper_index: dict[str, int] = field(repr=False)
    _node_names: dict[int, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _cursor: int = field(default=0, repr=False)

    def mentioned_keys(self) -> set[str]:
        """Keys of the entities some mention resolved to (the others are families or checkpoints only)."""
        return set(self._node_key)

    def named_keys(self) -> set[str]:
        """Keys of the checkpoints some paper named beside their system (``Naming``)."""
        return {k for keys in self._node_names.values() for k in keys}

    def links(self, chunk: Iterable[MentionFacts]) -> list[Link]:
        """The links of the next papers, given in the order ``Resolver.add`` saw them.

        One link per (paper, entity): the strongest role with its evidence, counts summed;
        ordered by paper (first seen), then entity key. A paper's mentions must all be in
        one chunk. (Their namings are lost: ``links_and_names`` gives both.)
        """
        return self.links_and_names(chunk)[0]

    def links_and_names(self, chunk: Iterable[MentionFacts]) -> tuple[list[Link], list[Naming]]:
        """``links`` of the next papers, and their namings: one per (paper, checkpoint it named
        beside its system), in the same order."""
        tuples, names = self._link_tuples(chunk)
        return [
            Link(paper_id=pid, entity_key=ek, role=role, count=count, evidence=ev, spans=sp, title_spans=tsp, rule=rule)
            for pid, ek, role, count, ev, sp, tsp, rule in tuples
        ], [Naming(pid, ek) for pid, ek in names]

    def rows(self, chunk: Iterable[MentionFacts]) -> tuple[list[dict], list[dict]]:
        """``links_and_names`` as the parameter rows a store writes, MENTIONS
        (``kg.store.base.link_row``) and NAMES ({paper, entity}), without building ``Link``
        objects: what a big build does."""
        links, ids, names = self._fold(chunk)
        rows = []
        append, value = rows.append, _ROLE_VALUE
        for (index, key), (role, ev, rule, count, sp, tsp) in links:
            first = sp[0] if sp else (None, None)
            append({
                "paper": ids[index], "entity": key, "role": value[role], "count": count, "evidence": ev,
                "start": first[0], "stop": first[1], "spans": flat_spans(sp), "title_spans": flat_spans(tsp),
                "rule": rule or None,
            })
        return rows, [{"paper": ids[index], "entity": key} for index, key in names]

    def link_rows(self, chunk: Iterable[MentionFacts]) -> list[dict]:
        """The MENTIONS rows of ``rows`` (the namings are lost)."""
        return self.rows(chunk)[0]

    def mention_keys(self, pm: PaperMentions) -> list[str]:
        """The entity key of each of ``pm``'s mentions, in order; ``pm`` must be the paper
        ``Resolver.add`` saw first (as when it resolves one paper alone)."""
        return [self._node_key[self._mention_node[i]] for i in range(len(pm.mentions))]

    def _link_tuples(
        self, chunk: Iterable[MentionFacts]
    ) -> tuple[list[tuple[str, str, Role, int, str, Spans, Spans, str]], list[tuple[str, str]]]:
        links, ids, names = self._fold(chunk)
        return (
            [(ids[index], key, role, count, ev, sp, tsp, rule) for (index, key), (role, ev, rule, count, sp, tsp) in links],
            [(ids[index], key) for index, key in names],
        )

    def _fold(self, chunk: Iterable[MentionFacts]) -> tuple[list, dict[int, str], list[tuple[int, str]]]:
        """The chunk's mentions folded per (paper, entity), in (paper index, entity key) order:
        ``[((index, key), [role, evidence, rule, count, spans, title_spans]), ...]``, the paper
        id of each index, and the sorted (index, checkpoint key) namings."""
        acc: dict[tuple[int, str], list] = {}
        named: set[tuple[int, str]] = set()  # (paper, checkpoint) namings
        node_names = self._node_names
        ids: dict[int, str] = {}
        priority = ROLE_PRIORITY
        paper_index, node_key, mention_node, cursor = self._paper_index, self._node_key, self._mention_node, self._cursor
        for pid, facts in chunk:
            index = paper_index[pid]
            ids[index] = pid
            for role, count, evidence, spans, title_spans, rule in facts:
                node = mention_node[cursor]
                cursor += 1
                if node in node_names:
                    named.update((index, k) for k in node_names[node])
                lk = (index, node_key[node])
                a = acc.get(lk)
                if a is None:
                    acc[lk] = [role, evidence, rule, count if count > 1 else 1, spans, title_spans]
                    continue
                # one entity named twice: counts summed, where = the union of the offsets
                # (which never overlap), the strongest role with its evidence
                a[3] += count if count > 1 else 1
                a[4] = tuple(sorted({*a[4], *spans}))
                a[5] = tuple(sorted({*a[5], *title_spans}))
                p, q = priority[role], priority[a[0]]
                if p > q or (p == q and not a[1] and evidence):
                    a[0], a[1], a[2] = role, evidence, rule
        self._cursor = cursor
        return sorted(acc.items()), ids, sorted(named)


_ROLE_VALUE = {role: role.value for role in Role}


def resolve(items: Iterable[PaperMentions], extractor_version: str) -> Graph:
    """Merge per-paper mentions into one graph of papers, entities, links and variants."""
    resolver = Resolver(extractor_version, keep_papers=True)
    facts = []
    for pm in items:
        resolver.add(pm)
        facts.append(mention_facts(pm))
    resolution = resolver.finish()
    links, names = resolution.links_and_names(facts)
    return Graph(
        papers=resolver.papers,
        entities=resolution.entities,
        links=links,
        variants=resolution.variants,
        extractor_version=extractor_version,
        names=names,
    )
