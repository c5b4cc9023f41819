"""``kg_entities``: the extractor as a component of any English spaCy pipeline.

::

    import spacy

    nlp = spacy.blank("en")          # or spacy.load("en_core_web_sm"), ...
    nlp.add_pipe("kg_entities")      # found through the ``spacy_factories`` entry point
    doc = nlp("We fine-tune Llama 2 on GSM8K.")
    [(s.text, s.label_, s._.kg_role) for s in doc.spans["kg"]]

The Doc keeps spaCy's own tokens; the extractor reads ``doc.text`` with its own rules
(``kg.extract.extract``, the same code ``kg extract`` runs) and every occurrence it
places (``Mention.spans``) becomes a ``Span`` (``doc.char_span(..., alignment_mode="expand")``):

``doc.spans["kg"]``   every occurrence, label = the entity type (``model``, ``dataset``, ...);
``span._.kg_role``    what the paper does with it (``proposes``, ``uses``, ...);
``span._.kg_key``     the entity's key, as a graph of this text alone would store it;
``span._.kg_rule``    the id of the rule that found it (``RULE_IDS`` in kg.extract.components.assemble);
``span._.kg_typed_by`` the id of the typing rule that chose its type (``TYPED_BY`` in kg.extract.rules.types);
``doc.ents``          the same spans where they overlap neither each other nor entities an
                      earlier component set (``overwrite_ents=True``: ours win);
``doc._.kg_entities`` one plain dict per entity, including those only the title names:
                      ``{name, type, aliases, role, key, rule, typed_by, spans, title_spans}``.

The title. ``doc.text`` is the abstract. A paper's title changes what the rules find (a
name in the title is often the paper's own system), so give it when you have it:
``doc.user_data["kg_title"] = title`` before the component runs (``nlp(doc)`` accepts a
Doc made with ``nlp.make_doc``), or a fixed ``title`` in the component's config. Names
found in the title appear in ``doc._.kg_entities`` with their ``title_spans`` (offsets
into the title); the Doc's spans are only those in ``doc.text``.
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.model import Paper, PaperMentions

__all__ = ["KgEntities", "SPANS_KEY", "TITLE_KEY", "make_kg_entities"]

#: The ``doc.spans`` key the component writes by default.
SPANS_KEY = "kg"
#: The ``doc.user_data`` key of the paper's title.
TITLE_KEY = "kg_title"


def _register_extensions() -> None:
    for name in ("kg_role", "kg_key", "kg_rule", "kg_typed_by"):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)
    if not Doc.has_extension("kg_entities"):
        Doc.set_extension("kg_entities", default=())


def entities_of(paper: Paper) -> tuple[PaperMentions, list[str]]:
    """The extractor's mentions of ``paper`` and each one's entity key (the paper resolved alone)."""
    from kg.extract.pipeline import EXTRACTOR_VERSION, extract
    from kg.resolve import Resolver

    (pm,) = extract([paper])
    resolver = Resolver(EXTRACTOR_VERSION)
    resolver.add(pm)
    return pm, resolver.finish().mention_keys(pm)


class KgEntities:
    """The ``kg_entities`` pipe: our entities as ``doc.spans[spans_key]`` (and ``doc.ents``)."""

    def __init__(
        self, nlp: Language, name: str = "kg_entities", *, spans_key: str = SPANS_KEY, set_ents: bool = True,
        overwrite_ents: bool = False, title: str = "",
    ) -> None:  # fmt: skip
        _register_extensions()
        self.name = name
        self.spans_key = spans_key
        self.set_ents = set_ents
        self.overwrite_ents = overwrite_ents
        self.title = title

    def __call__(self, doc: Doc) -> Doc:
        title = doc.user_data.get(TITLE_KEY, self.title) or ""
        pm, keys = entities_of(Paper(id="", title=str(title), abstract=doc.text))
        spans: list[Span] = []
        records: list[dict[str, Any]] = []
        for m, key in zip(pm.mentions, keys):
            rule, typed_by = getattr(m, "rule", None), getattr(m, "typed_by", None)
            records.append(
                {
                    "name": m.name, "type": m.type.value, "aliases": m.aliases, "role": m.role.value, "key": key,
                    "rule": rule, "typed_by": typed_by, "spans": m.spans, "title_spans": m.title_spans,
                }
            )  # fmt: skip
            for start, stop in m.spans:
                span = doc.char_span(start, stop, label=m.type.value, alignment_mode="expand")
                if span is None:  # (only whitespace: cannot happen for a name, kept safe)
                    continue
                span._.kg_role = m.role.value
                span._.kg_key = key
                span._.kg_rule = rule
                span._.kg_typed_by = typed_by
                spans.append(span)
        spans.sort(key=lambda s: (s.start, s.end))
        doc.spans[self.spans_key] = spans
        doc._.kg_entities = tuple(records)
        if self.set_ents:
            doc.ents = self._ents(doc, spans)
        return doc

    def _ents(self, doc: Doc, spans: list[Span]) -> list[Span]:
        """Ours where they overlap nothing, with the entities already set (ours or theirs win)."""
        ours = _alone(spans)
        theirs = list(doc.ents)
        if self.overwrite_ents:
            taken = {i for s in ours for i in range(s.start, s.end)}
            keep = [e for e in theirs if not taken.intersection(range(e.start, e.end))]
            return sorted([*keep, *ours], key=lambda s: s.start)
        taken = {i for e in theirs for i in range(e.start, e.end)}
        add = [s for s in ours if not taken.intersection(range(s.start, s.end))]
        return sorted([*theirs, *add], key=lambda s: s.start)


def _alone(spans: list[Span]) -> list[Span]:
    """The spans that share no token with another one (expanded spans can meet on one token)."""
    if len(filter_spans(spans)) == len(spans):
        return list(spans)
    out = []
    for i, s in enumerate(spans):
        if not any(j != i and o.start < s.end and s.start < o.end for j, o in enumerate(spans)):
            out.append(s)
    return out


@Language.factory(
    "kg_entities",
    default_config={"spans_key": SPANS_KEY, "set_ents": True, "overwrite_ents": False, "title": ""},
)
def make_kg_entities(
    nlp: Language, name: str, spans_key: str, set_ents: bool, overwrite_ents: bool, title: str
) -> KgEntities:
    """The ``kg_entities`` factory (``nlp.add_pipe("kg_entities")``)."""
    return KgEntities(nlp, name, spans_key=spans_key, set_ents=set_ents, overwrite_ents=overwrite_ents, title=title)
