"""The extractor's interface and its helpers (tokens, sentences, shapes, acronym definitions,
families, URLs, the gazetteer and lexicon data), on text written for these tests.

What the rules make of a sentence is data: the case tables in
``tests/fixtures/extract/rules/<rule id>.toml``, run by ``test_extract_rule_cases.py``.
"""

from __future__ import annotations

import types

import pytest

from kg.extract import EXTRACTOR_VERSION, canonical_url, extract
from kg.extract.components.acronyms import find_definitions
from kg.extract.components.assemble import shape, strip_suffix, STRONG, CAP, NONE
from kg.names import family_of
from kg.extract.components.lexer import split_sentences, tokenize
from kg.model import Paper, PaperMentions


def run(title: str, abstract: str, github: str | None = None) -> dict[str, object]:
    """Mentions of one paper by name."""
    (pm,) = list(extract([Paper(id="t", title=title, abstract=abstract, github=github)]))
    return {m.name: m for m in pm.mentions}


# ---------------------------------------------------------------- interface


def test_extract_is_lazy_and_keeps_order() -> None:
    papers = [Paper(id=str(i), title=f"Paper {i}", abstract="We use PPO.") for i in range(5)]
    out = extract(iter(papers), batch_size=2)
    assert isinstance(out, types.GeneratorType)
    got = list(out)
    assert [pm.paper.id for pm in got] == ["0", "1", "2", "3", "4"]
    assert all(isinstance(pm, PaperMentions) for pm in got)


def test_extract_version_is_a_string() -> None:
    assert isinstance(EXTRACTOR_VERSION, str) and EXTRACTOR_VERSION


def test_extract_empty_paper() -> None:
    assert run("", "") == {}


# ---------------------------------------------------------------- tokens and sentences


def test_extract_tokenizer_keeps_names_whole() -> None:
    words, starts, ends = tokenize("Qwen2.5-VL-7B beats MMRL++ and V* (see https://x.org/a.b).")
    assert words[:4] == ["Qwen2.5-VL-7B", "beats", "MMRL++", "and"]
    assert "V*" in words and "https://x.org/a.b" in words
    assert all(e > s for s, e in zip(starts, ends))


def test_extract_sentences_title_first_and_abbreviations() -> None:
    text = "A Title: Sub\n\nWe use e.g. ResNets here. Then we stop. Done."
    words, s, e = tokenize(text)
    sents = [" ".join(words[a:b]) for a, b in split_sentences(text, words, s, e)]
    assert sents == ["A Title : Sub", "We use e.g . ResNets here .", "Then we stop .", "Done ."]


@pytest.mark.parametrize(
    "word,expected",
    [
        ("GRPO", STRONG),
        ("InstructGPT", STRONG),
        ("T5", STRONG),
        ("X-Walker", STRONG),
        ("Critic-V", STRONG),
        ("mPLUG-2", STRONG),
        ("Transformer", CAP),
        ("Multi-Task", CAP),
        ("Kullback-Leibler", CAP),
        ("model", NONE),
        ("3D", NONE),
        ("I", NONE),
    ],
)


def test_extract_shape(word: str, expected: int) -> None:
    assert shape(word) == expected


@pytest.mark.parametrize(
    "word,expected",
    [("LLM-based", "LLM"), ("ControlNet-like", "ControlNet"), ("GPT-4o-mini", "GPT-4o-mini"), ("Show-o", "Show-o")],
)


def test_extract_strip_lowercase_suffix(word: str, expected: str) -> None:
    assert strip_suffix(word) == expected


# ---------------------------------------------------------------- acronym definitions


@pytest.mark.parametrize(
    "sentence,short,long",
    [
        ("We propose Sparse Reward Shaping (SRS) for robots.", "SRS", "Sparse Reward Shaping"),
        ("We propose SRS (Sparse Reward Shaping) for robots.", "SRS", "Sparse Reward Shaping"),
        ("We train with Proximal Policy Optimisation (PPO) here.", "PPO", "Proximal Policy Optimisation"),
        ("We build Mixture-of-Routing Experts (MoRE) for speed.", "MoRE", "Mixture-of-Routing Experts"),
        ("The Triple Text Transformer (T3) is small.", "T3", "Triple Text Transformer"),
        ("We extend Value Alignment (VA)-PPO to games.", "VA-PPO", "Value Alignment"),
    ],
)


def test_extract_acronym_definitions_both_orders(sentence: str, short: str, long: str) -> None:
    text = "T\n\n" + sentence
    words, s, e = tokenize(text)
    defs = find_definitions(text, (words, s, e), split_sentences(text, words, s, e))
    assert [(d["short"], d["long"]) for d in defs] == [(short, long)]


# ---------------------------------------------------------------- families


@pytest.mark.parametrize(
    "name,family",
    [
        ("Qwen2.5-VL-7B", "Qwen2.5-VL"),
        ("Llama-3-70B-Instruct", "Llama-3"),
        ("Mixtral-8x7B", "Mixtral"),
        ("GPT-4o", None),
        ("o1", None),
    ],
)


def test_extract_family_of(name: str, family: str | None) -> None:
    assert family_of(name) == family


# ---------------------------------------------------------------- URLs


@pytest.mark.parametrize(
    "raw,canonical",
    [
        ("https://github.com/Owner/Repo", "https://github.com/Owner/Repo"),
        ("HTTPS://GitHub.com/Owner/Repo.git", "https://github.com/Owner/Repo"),
        ("https://github.com/Owner/Repo/tree/main/examples/x", "https://github.com/Owner/Repo"),
        ("https://github.com/Owner/Repo/blob/main/README.md", "https://github.com/Owner/Repo"),
        ("https://github.com/Owner/Repo{here}", "https://github.com/Owner/Repo"),
        ("https://github.com/Owner/Repo.", "https://github.com/Owner/Repo"),
        ("github.com/Owner/Repo?tab=readme#top", "https://github.com/Owner/Repo"),
        ("https://owner.github.io/project/", "https://owner.github.io/project"),
        ("https://example.org/page.", "https://example.org/page"),
        ("lab.github.io/tool/", "https://lab.github.io/tool"),
    ],
)


def test_extract_canonical_url(raw: str, canonical: str) -> None:
    assert canonical_url(raw) == canonical


def test_extract_url_prefilter_matches_the_regex() -> None:
    from kg.extract.components.lexer import URL_RE, url_matches

    text = "See https://a.org/x, www.b.com and HTTP://C.io/y. Also xhttp://d.e and http alone."
    assert [m.span() for m in url_matches(text)] == [m.span() for m in URL_RE.finditer(text)]


# ---------------------------------------------------------------- gazetteer, stoplist and lexicon data


def test_extract_stoplist_blocks_no_gazetteer_name_by_accident() -> None:
    # the stoplist compares case-insensitively: "SPIDEr" (a metric) would block "Spider" (a
    # benchmark). These three are generic on purpose (GPU brand, "GPS", "MAR").
    from kg.extract.lexicon import load_lexicon

    lex = load_lexicon()
    assert {k for k in lex.stop if k in lex.by_form} <= {"gps", "mar", "rtx"}


def test_extract_gazetteer_records_are_well_formed() -> None:
    import json
    from importlib import resources

    from kg.text import match_key

    text = resources.files("kg.extract").joinpath("data", "gazetteer.jsonl").read_text(encoding="utf-8")
    keys = set()
    for line in text.splitlines():
        rec = json.loads(line)
        assert set(rec) >= {"key", "name", "type", "aliases"}
        assert rec["type"] in {"model", "method", "dataset", "benchmark"}
        assert rec["key"] == match_key(rec["name"]) and rec["key"] not in keys
        keys.add(rec["key"])
    assert len(keys) >= 300


@pytest.mark.parametrize(
    "surface,generic",
    [
        ("DNN-HMM", True),  # a hybrid of generic architecture classes
        ("BiLSTM-CRFs", True),
        ("GP-VAE", False),  # a named kind of a class: GP and VAE are stop words, not classes
        ("VQ-VAE", False),
        ("English-German", True),  # a language pair
        ("Recurrent Neural Networks", True),  # a generic class spelled out: RNN
        ("Long Short-Term Memory", True),
        ("Graph Attention Networks", False),  # GAN by its letters, but the gazetteer knows GAT
        ("Temporal Segment Networks", False),
        ("Latent Router", False),  # two initials ("LR") match a class by chance: not enough
    ],
)


def test_extract_lexicon_generic_classes(surface: str, generic: bool) -> None:
    from kg.extract.lexicon import load_lexicon

    assert load_lexicon().is_stop(surface) is generic


# ---------------------------------------------------------------- pipeline internals kept cheap


def test_extract_doc_keeps_text_without_spacy_tokens() -> None:
    from kg.extract import make_nlp

    nlp = make_nlp()
    text = "A  Title\n\nWe use  Qwen2.5-VL-7B  here."
    doc = nlp(text)
    assert doc.text == text and str(doc) == text
    words, starts, ends = doc._.kg_tokens
    assert "Qwen2.5-VL-7B" in words and doc._.kg_lower == [w.lower() for w in words]
    assert all(text[s:e] == w for w, s, e in zip(words, starts, ends))


@pytest.mark.parametrize(
    "text,found",
    [
        ("We train with Soft Actor Critic and Soft Actor-Critic.", 2),
        ("It uses the Open X-Embodiment data.", 1),
        ("nothing known here at all", 0),
    ],
)


def test_extract_gazetteer_matcher_on_tokens(text: str, found: int) -> None:
    from kg.extract.components.gazetteer import GazMatcher

    words, starts, ends = tokenize(text)
    got = GazMatcher()([w.lower() for w in words], starts, ends)
    longest = {}
    for s, e, key in got:
        longest[s] = max(longest.get(s, 0), e)
    assert len(longest) == found


# ---------------------------------------------------------------- titles


def test_extract_caps_title_detection() -> None:
    from kg.extract.rules.shapes import is_caps_title as _caps_title

    assert _caps_title("DEEP GENERATIVE CLASSIFIERS FOR OPEN-SET RECOGNITION".split())
    assert _caps_title("ROPENET : NEURAL KNOT TYING".split())
    assert not _caps_title("BERT : Pre-training of Deep Bidirectional Transformers".split())
    assert not _caps_title("GRPO for LLMs".split())  # too few words to tell
