"""Word lists the rules share: head nouns that type a name, cue verbs, generic heads.

The words are data (``kg/extract/data/heads.txt``, ``function_words.txt``,
``name_words.txt``, loaded once by ``kg.extract.lexicon.load_words``); this module names
the lists the rules share and maps a head noun to its type. Lower-case; compared against
lower-cased tokens. These are facts about English in ML abstracts, not about any
particular paper.
"""

from __future__ import annotations

from kg.extract.lexicon import WORDS

__all__ = [
    "BENCH_KW",
    "CAP_RUN_GENERIC",
    "CONNECTORS",
    "DATA_KW",
    "GENERIC_HEADS",
    "LANGUAGES",
    "METHOD_KW",
    "MODEL_KW",
    "NAME_SUFFIX_BENCH",
    "SENT_STARTERS",
    "TOOLS",
    "kw_type",
]

MODEL_KW = WORDS["model_kw"]
METHOD_KW = WORDS["method_kw"]
BENCH_KW = WORDS["bench_kw"]
DATA_KW = WORDS["data_kw"]

# Words that name a class of thing, not one thing: a defined acronym whose long form
# ends in one of these ("Markov Game (MG)", "Graph Neural Networks (GNNs)") is generic
# unless the paper proposes it or the gazetteer knows it.
GENERIC_HEADS = WORDS["generic_heads"]

# Heads that make a capitalised run a task or concept rather than a named thing
# ("Object Detection", "Knowledge Distillation"): stricter than GENERIC_HEADS because a bare
# run of capitals is weaker evidence than a defined acronym.
CAP_RUN_GENERIC = GENERIC_HEADS | WORDS["cap_run_generic_more"]

CONNECTORS = WORDS["connectors"]

# capitalised words that start a sentence or clause and are never names
SENT_STARTERS = WORDS["sent_starters"]

# languages and regions: "English LibriSpeech" is LibriSpeech in English, not a new name
LANGUAGES = WORDS["languages"]

# software a phrase may start with that makes it a tool, not an artifact ("Python Sandbox")
TOOLS = WORDS["tools"]

NAME_SUFFIX_BENCH = frozenset("bench benchmark arena gym suite harness".split())


# word -> type, the first of model, dataset, benchmark, method whose keyword set holds it
_KW_TYPE: dict[str, str] = {}
for _t, _kws in (("method", METHOD_KW), ("benchmark", BENCH_KW), ("dataset", DATA_KW), ("model", MODEL_KW)):
    _KW_TYPE.update(dict.fromkeys(_kws, _t))
_kw_get = _KW_TYPE.get


def kw_type(word: str) -> str | None:
    """The entity type a head noun implies ("benchmark" -> benchmark), or None."""
    return _kw_get(word.lower())
