"""Names, the paper's own system, typing and roles, folded into one mention per entity.

Reads what the earlier components left on the Doc (tokens, sentences, URLs, acronym
definitions, gazetteer matches) and writes ``doc._.kg_mentions``: a tuple of plain dicts
``{name, type, aliases, role, evidence, count, family, rule}`` (``rule``: the id of the
stage that found the entity's first occurrence; internal, ``kg extract`` does not print it).

The rules are functions in ``kg.extract.rules`` (described there), each taking the
per-text ``TextState``; ``STAGES`` is the one ordered list of them, by stable id:

=============================  ==========================================================
``urls.tokens``                URL tokens are covered: no name inside a URL
``own.propose_cues``           where the object of "we propose / introduce ..." may start
``definitions.cover``          acronym definitions cover their tokens (judged later)
``gazetteer.known_names``      known names, with editions, splits, versions, tiers
``names.shaped``               name-shaped tokens ("GRPO", "T5"), variant stems, "X Bench"
``names.inner_lowercase``      Title Case names with small inner words ("Faces in the Crowd")
``context.type_noun_lists``    capitalised names before a data noun ("the A and B datasets")
``context.capitalised_runs``   runs of capitalised words mid-sentence ("Anthropic Personas")
``context.cue_lists``          capitalised members of a "such as" list that holds a name
``context.noun_then_list``     names after a plural type noun ("the datasets A and B")
``context.coordinated``        capitalised words listed with names ("on Cora, PubMed and OGB")
``own.title_prefix``           the own system from a title prefix ("VILP: ..."); title type
``own.proposed``               the own system as the object of a propose cue
``own.later_uses``             every later use of a one-word own name
``definitions.judge``          specific definitions kept: long and short form, one entity
``definitions.long_form_uses`` later uses of a kept long form
``own.title_phrase_uses``      a multi-word title prefix the abstract also names
``types.known_tokens``         firmly typed names by token (list siblings read them)
``names.glued_tail``           a name glued to a short lower-case tail ("FuSeis")
``titles.allcaps``             an ALL-CAPS title keeps only attested names
``entities.group``             occurrences into entities (definitions, records, variants)
``entities.build``             one typed mention per entity, generic ones dropped, roles
``types.list_siblings``        one coordinated list shares its best-attested member's type
``urls.mentions``              one mention per canonical URL, role ``code``
=============================  ==========================================================
"""

from __future__ import annotations

from collections.abc import Iterable

from kg.errors import InputError
from kg.extract.lexicon import Lexicon, load_lexicon
from kg.extract.rules.context import (
    capitalised_runs, coordinated_names, cue_lists, inner_lowercase_names, noun_then_list, type_noun_lists,
)
from kg.extract.rules.cues import SCAN_WORDS
from kg.extract.rules.definitions import cover_definitions, judge_definitions, long_form_uses
from kg.extract.rules.entities import build_mentions, group_occurrences
from kg.extract.rules.gazetteer import gazetteer_names
from kg.extract.rules.names import caps_title_words, glued_tails, shaped_names
from kg.extract.rules.own_system import (
    find_propose_cues, own_later_uses, own_proposed_objects, own_title_phrase_uses, own_title_prefix,
)
from kg.extract.rules.shapes import CAP, NONE, STRONG, is_caps_title, shape, strip_suffix
from kg.extract.rules.siblings import list_sibling_types
from kg.extract.rules.state import EVIDENCE_CONTEXT, EVIDENCE_MAX, TextState
from kg.extract.rules.types import known_token_types
from kg.extract.rules.urls import find_url_tokens, url_mentions
from kg.names import family_of

__all__ = [
    "CAP", "EVIDENCE_CONTEXT", "EVIDENCE_MAX", "NONE", "REQUIRED", "RULE_IDS", "SCAN_WORDS", "STAGES", "STRONG",
    "assemble", "check_rules", "family_of", "shape", "strip_suffix",
]

STAGES = (
    ("urls.tokens", find_url_tokens),
    ("own.propose_cues", find_propose_cues),
    ("definitions.cover", cover_definitions),
    ("gazetteer.known_names", gazetteer_names),
    ("names.shaped", shaped_names),
    ("names.inner_lowercase", inner_lowercase_names),
    ("context.type_noun_lists", type_noun_lists),
    ("context.capitalised_runs", capitalised_runs),
    ("context.cue_lists", cue_lists),
    ("context.noun_then_list", noun_then_list),
    ("context.coordinated", coordinated_names),
    ("own.title_prefix", own_title_prefix),
    ("own.proposed", own_proposed_objects),
    ("own.later_uses", own_later_uses),
    ("definitions.judge", judge_definitions),
    ("definitions.long_form_uses", long_form_uses),
    ("own.title_phrase_uses", own_title_phrase_uses),
    ("types.known_tokens", known_token_types),
    ("names.glued_tail", glued_tails),
    ("titles.allcaps", caps_title_words),
    ("entities.group", group_occurrences),
    ("entities.build", build_mentions),
    ("types.list_siblings", list_sibling_types),
    ("urls.mentions", url_mentions),
)

#: Stages every run needs: they turn what the others found into mentions.
REQUIRED = frozenset(("entities.group", "entities.build"))

#: Every rule id, in stage order: each stage's id (its main rule), then its sub-rules,
#: ``<stage id>.<name>`` (declared with ``sub_rules`` on the stage function). A mention's
#: ``rule`` is one of them; any but ``REQUIRED`` can be switched off.
RULE_IDS = tuple(
    rule_id
    for stage_id, stage in STAGES
    for rule_id in (stage_id, *(f"{stage_id}.{sub}" for sub in getattr(stage, "sub_rules", ())))
)


def check_rules(ids: Iterable[str]) -> frozenset[str]:
    """``ids`` as a set of rule ids that may be switched off; ``InputError`` for any other."""
    from difflib import get_close_matches

    known = list(RULE_IDS)
    chosen = frozenset(ids)
    for rule in sorted(chosen):
        if rule in REQUIRED:
            raise InputError(f"rule {rule!r} cannot be switched off: every mention is built by it")
        if rule not in known:
            close = get_close_matches(rule, known, n=4, cutoff=0.5) or [r for r in known if r.startswith(rule.split(".")[0])]
            hint = f"; did you mean {', '.join(close)}?" if close else f"; the rules are: {', '.join(known)}"
            raise InputError(f"no extractor rule {rule!r}{hint}")
    return chosen


# the state class ``assemble`` builds (a module global: a test swaps in a spy)
_Doc = TextState


def assemble(
    text: str, tokens, sents, urls, definitions, gaz_matches, lex: Lexicon | None = None,
    lower: list[str] | None = None, scan_hits: list[int] | None = None, disabled: frozenset[str] = frozenset(),
) -> tuple[dict, ...]:  # fmt: skip
    """Fold everything found in one text into one mention dict per entity.

    ``scan_hits``: ascending indices of (at least) every token whose lower-case form is in
    ``SCAN_WORDS``, when a scan shared with another component found them (see the pipeline).
    ``disabled``: rule ids skipped (ablation; ``check_rules`` validates them).
    """
    d = _Doc(text, tokens, sents, lex or load_lexicon(), lower, scan_hits)
    d.caps_title = bool(d.title_end) and is_caps_title(d.words[: d.title_end])
    d.urls_in, d.definitions, d.gaz_matches = urls, definitions, gaz_matches
    d.disabled = disabled
    for rule, stage in STAGES:
        if rule in disabled:
            continue
        d.rule = rule
        stage(d)
    return tuple(d.mentions)
