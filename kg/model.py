"""The typed values that flow between the stages.

``read -> Paper -> extract -> PaperMentions -> resolve -> Graph -> store / export``
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property


class EntityType(str, Enum):
    """What kind of artifact an entity is."""

    MODEL = "model"
    METHOD = "method"
    DATASET = "dataset"
    BENCHMARK = "benchmark"
    GITHUB = "github"
    URL = "url"


class Role(str, Enum):
    """What a paper does with an entity it mentions."""

    PROPOSES = "proposes"
    USES = "uses"
    EVALUATES_ON = "evaluates_on"
    COMPARES_TO = "compares_to"
    CODE = "code"


#: When one paper mentions an entity in several roles, the strongest wins.
ROLE_PRIORITY: dict[Role, int] = {
    Role.PROPOSES: 5,
    Role.CODE: 4,
    Role.EVALUATES_ON: 3,
    Role.COMPARES_TO: 2,
    Role.USES: 1,
}


@dataclass(frozen=True)
class Paper:
    """One paper: what a reader yields."""

    id: str
    title: str
    abstract: str
    date: str | None = None  # ISO 8601, YYYY-MM-DD
    url: str | None = None
    source: str = ""  # which reader/file it came from
    github: str | None = None  # a repository the source itself names (HF API)
    # Votes on the Hugging Face daily-papers page; not part of ``content_hash``: a change
    # is a cheap property update on rebuild, never a re-extraction.
    upvotes: int | None = None

    @property
    def text(self) -> str:
        """Title and abstract as one text, the unit the extractor reads."""
        return f"{self.title}\n\n{self.abstract}"

    @cached_property  # (a build asks for it three times a paper)
    def content_hash(self) -> str:
        """A hash of what the extractor reads; unchanged papers are skipped on rebuild."""
        h = hashlib.sha256()
        for part in (self.title, self.abstract, self.github or ""):
            h.update(part.encode("utf-8"))
            h.update(b"\x00")
        return h.hexdigest()[:16]


#: Character offsets ``(start, stop)`` into a text: ``text[start:stop]`` is what was found.
Spans = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Mention:
    """One entity as one paper names it (all its mentions folded into one).

    Where the paper names it, as character offsets (Python string indices, i.e. Unicode
    code points; ``stop`` exclusive), in order, so the first is the first occurrence:

    - ``spans`` index ``Paper.abstract`` (not ``Paper.text``): ``abstract[start:stop]``
      is the name or one of the aliases exactly as written;
    - ``title_spans`` index ``Paper.title`` the same way.

    Every place where the name or an alias is written as a whole word is an occurrence:
    it starts where a word starts and ends where one ends or at a hyphen that joins a
    suffix ("DUSt3R" in "DUSt3R-style"); where two entities' names overlap, the longer
    one holds the place. Both may be empty: a name the paper never writes as such (a
    gazetteer's spelling, a repository the source lists beside the text).
    """

    name: str
    type: EntityType
    aliases: tuple[str, ...] = ()
    role: Role = Role.USES
    evidence: str = ""  # the sentence that best shows the role (a window of it past 600 characters)
    count: int = 1
    family: str | None = None  # e.g. "Qwen2.5-VL" for "Qwen2.5-VL-7B"
    spans: Spans = ()  # occurrences in the abstract, first first
    title_spans: Spans = ()  # occurrences in the title
    rule: str = ""  # id of the extractor rule that found it (kg.extract.components.assemble.RULE_IDS)
    typed_by: str = ""  # id of the typing rule that chose its type (kg.extract.rules.types.TYPED_BY)


@dataclass(frozen=True)
class PaperMentions:
    """A paper with the entities the extractor found in it."""

    paper: Paper
    mentions: tuple[Mention, ...] = ()


@dataclass(frozen=True)
class Entity:
    """A node of the graph: one artifact under all its surface forms."""

    key: str
    name: str
    type: EntityType
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Link:
    """A ``(:Paper)-[:MENTIONS]->(:Entity)`` relationship."""

    paper_id: str
    entity_key: str
    role: Role
    count: int = 1
    evidence: str = ""
    spans: Spans = ()  # where the paper's abstract names the entity (see ``Mention``)
    title_spans: Spans = ()  # where its title does
    rule: str = ""  # the extractor rule that found the mention the link's role comes from


@dataclass(frozen=True)
class Variant:
    """``(:Entity {key: variant})-[:VARIANT_OF]->(:Entity {key: family})``."""

    variant_key: str
    family_key: str


@dataclass(frozen=True)
class Naming:
    """``(:Paper {id: paper})-[:NAMES]->(:Entity {key: entity})``: the paper named this
    checkpoint beside its system ("MusicGen-Large" beside "MusicGen"), so its MENTIONS goes to
    the system and this link alone records that the paper named the checkpoint (see
    ``kg.resolve``, "Variants"; it holds the checkpoint in the graph, ``kg.store.base.UNHELD``)."""

    paper_id: str
    entity_key: str


@dataclass
class Graph:
    """Papers, entities and the links between them: what stores write and exports draw."""

    papers: list[Paper] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    variants: list[Variant] = field(default_factory=list)
    extractor_version: str = ""
    names: list[Naming] = field(default_factory=list)  # checkpoints named beside their system
