"""Word lists the rules share: head nouns that type a name, cue verbs, generic heads.

Lower-case; compared against lower-cased tokens. These are facts about English in ML
abstracts, not about any particular paper.
"""

from __future__ import annotations

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

MODEL_KW = frozenset(
    """model models llm llms mllm mllms lmm lmms vlm vlms lvlm lvlms slm slms checkpoint
    checkpoints backbone backbones classifier classifiers detector detectors retriever retrievers
    reranker rerankers embedder embedders codec codecs vocoder vocoders tokenizer tokenizers
    recognizer recognizers""".split()
)
METHOD_KW = frozenset(
    """method methods framework frameworks algorithm algorithms approach approaches technique
    techniques objective objectives loss losses architecture architectures network networks
    policy policies paradigm pipeline strategy procedure mechanism recipe optimizer optimiser estimator law
    regularizer scheme module solution measure metric score optimization optimisation
    learning recommender recommenders engine engines library toolkit solver sampler""".split()
)
BENCH_KW = frozenset(
    """benchmark benchmarks suite suites testbed testbeds leaderboard environment environments
    arena tasks harness""".split()
)
DATA_KW = frozenset(
    "dataset datasets corpus corpora database databases databank bank archive".split()
)

# Words that name a class of thing, not one thing: a defined acronym whose long form
# ends in one of these ("Markov Game (MG)", "Graph Neural Networks (GNNs)") is generic
# unless the paper proposes it or the gazetteer knows it.
GENERIC_HEADS = frozenset(
    """learning process processes game games problem problems model models network networks
    system systems language languages intelligence processing agent agents method methods task
    tasks field fields space spaces function functions representation representations machine
    machines vision data domain domains graph graphs understanding generation recognition
    answering reasoning retrieval tuning fine-tuning finetuning distribution distributions
    interface interfaces shooter bound bounds divergence error errors rate rates accuracy
    correlation score scores equation equations theorem distance entropy matrix norm front law
    laws principle descent ratio coefficient index test estimation regression policies policy
    transformer transformers encoder encoders decoder decoders modeling modelling regulation act
    agency university institute laboratory conference workshop association society committee
    council organization organisation company corporation oscillation oscillations phenomenon
    phenomena effect effects service services administration office bureau ministry department
    foundation""".split()
)

# Heads that make a capitalised run a task or concept rather than a named thing
# ("Object Detection", "Knowledge Distillation"): stricter than GENERIC_HEADS because a bare
# run of capitals is weaker evidence than a defined acronym.
CAP_RUN_GENERIC = GENERIC_HEADS | frozenset(
    """optimization optimisation detection segmentation translation classification prediction
    forecasting adaptation distillation compression quantization pruning alignment driving
    navigation manipulation control planning search synthesis editing captioning estimation
    tracking completion summarization attention inference training sampling guidance diffusion
    flow flows matching splatting field feedback embedding embeddings prompting decoding
    generalization robustness fairness privacy safety security ai randomization augmentation
    regularization normalization initialization research lab labs""".split()
)

CONNECTORS = frozenset("of for with via and in on to from by the a an under over through using".split())

# capitalised words that start a sentence or clause and are never names
SENT_STARTERS = frozenset(
    """the a an in on for with our we this these those that it its to by from as at of and or
    but however moreover furthermore finally first second third then thus hence here unlike
    compared experiments experimental results extensive notably specifically additionally
    code codes project demonstrations""".split()
)

# languages and regions: "English LibriSpeech" is LibriSpeech in English, not a new name
LANGUAGES = frozenset(
    """english chinese mandarin cantonese french german spanish portuguese italian dutch russian
    japanese korean arabic hindi bengali urdu turkish vietnamese thai indonesian swahili polish
    czech greek hebrew persian ukrainian swedish finnish danish norwegian multilingual monolingual
    bilingual crosslingual cross-lingual european american african asian indian""".split()
)

# software a phrase may start with that makes it a tool, not an artifact ("Python Sandbox")
TOOLS = frozenset("python pytorch tensorflow jax cuda java javascript rust docker linux windows excel latex".split())

NAME_SUFFIX_BENCH = frozenset("bench benchmark arena gym suite harness".split())


# word -> type, the first of model, dataset, benchmark, method whose keyword set holds it
_KW_TYPE: dict[str, str] = {}
for _t, _kws in (("method", METHOD_KW), ("benchmark", BENCH_KW), ("dataset", DATA_KW), ("model", MODEL_KW)):
    _KW_TYPE.update(dict.fromkeys(_kws, _t))
_kw_get = _KW_TYPE.get


def kw_type(word: str) -> str | None:
    """The entity type a head noun implies ("benchmark" -> benchmark), or None."""
    return _kw_get(word.lower())
