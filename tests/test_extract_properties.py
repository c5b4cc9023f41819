"""Properties of the extractor on arbitrary text (hypothesis).

* ``extract`` never raises, whatever the title and abstract hold (control characters,
  right-to-left text, combining marks, emoji, very long tokens, brackets, URL-like strings);
* every mention has a name, and its evidence is a window of the paper's text: at most
  ``EVIDENCE_MAX`` characters, and with the elision marks ("…") taken out every piece occurs
  in ``title + "\\n\\n" + abstract`` (the extractor reads ``Paper.text`` as it is: no other
  normalisation);
* the character offsets the pipeline exposes (tokens, URLs, gazetteer matches) and its
  token spans (sentences, acronym definitions) lie inside the text;
* the direct runner ``extract`` uses gives what the spaCy pipeline gives;
* ``canonical_url`` never raises and is idempotent;
* ``kg.text.match_key`` is idempotent and blind to case, spaces, hyphens and underscores.
"""

from __future__ import annotations

from functools import lru_cache

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kg.extract import canonical_url, extract, make_nlp
from kg.extract.components.assemble import EVIDENCE_MAX
from kg.extract.pipeline import _direct_runner
from kg.model import Paper
from kg.text import match_key

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# words and marks the extractor's rules react to, so that random sequences of them reach
# the rules (names, definitions, appositions, lists, propose cues, URLs) and the text's edges
WORDS = [
    "FooNet", "GPT-4", "ImageNet", "Qwen2.5-7B", "Qwen2.5", "BraTS", "2021", "FN", "(FN)", "LLMs", "X-8B", "ViT-L/14",
    "We", "we", "propose", "introduce", "called", "On", "on", "evaluate", "trained", "outperforms", "than", "such", "as",
    "e.g.", "datasets", "benchmark", "model", "method", "a", "an", "the", "with", "and", "or", "which", "that", "of",
    "parameters", "Bench", "Fast", "Net", "Large", "v2", "III",
    ",", ".", ";", ":", "(", ")", "[", "]", "{", "}", "-", "--", "\u2014", "'", "s", '"', "?", "!", "/", "&", "+", "*", "\u2026",
    "https://github.com/a/b", "github.com/o/r.git.git", "www.x.org/{a}", "lab.github.io", "http://", "://",
    "\n\n", "\n", "\t", "\x00", "\x1c", "\u200b", "\u202e", "\u05e9\u05dc\u05d5\u05dd", "\u0645\u0631\u062d\u0628\u0627",
    "e\u0301", "\u0131", "\u0130", "\u00df", "\U0001f916", "\U0001f9ea\U0001f52c", "\uff26\uff4f\uff4f",
]
LONG = st.builds(
    lambda piece, n: piece * n,
    st.sampled_from(["A", "a", "Ab", "(", ")", "[", "-", "x1", "{a", ".", "http://x/", "FooNet, ", "(AB) "]),
    st.integers(50, 3000),
)
word_lists = st.lists(st.sampled_from(WORDS), max_size=6).flatmap(
    lambda vocab: st.lists(st.sampled_from(vocab or ["x"]), max_size=40)
)
joined = st.tuples(word_lists, st.sampled_from([" ", "", "  ", " \n"])).map(lambda t: t[1].join(t[0]))

# phrases the rules are written for, cut off at any point (the end of a text is where a
# rule reading one token too far fails): N is a name, D a determiner, K a type noun
TEMPLATES = [
    "We propose N , D K .", "N , D K with 7B parameters", "On N , N outperforms N .", "Long Form Name ( LFN )",
    "LFN ( Long Form Name ) on N", "datasets such as N , N and N", "N and N benchmarks", "Code : https://github.com/a/b .",
    "We evaluate on N 2021 and 2022", "the proposed K , N", "N , which we call N , is D K", "trained on N and tested on N",
    "N - N - N", "( N ( N ) )", "N , D", "N as D",
]
NAMES = ["FooNet", "GPT-4", "ImageNet", "Qwen2.5-7B", "BraTS", "X-8B", "MMLU", "Foo Bar"]


def _fill(template: str, names: list[str], det: str, noun: str) -> list[str]:
    it = iter(names)
    return [next(it, "FooNet") if t == "N" else det if t == "D" else noun if t == "K" else t for t in template.split()]


phrase = st.builds(
    _fill, st.sampled_from(TEMPLATES), st.lists(st.sampled_from(NAMES), min_size=4, max_size=4),
    st.sampled_from(["a", "an", "the"]), st.sampled_from(["model", "benchmark", "dataset", "method", "framework"]),
)
phrases = st.tuples(st.lists(phrase, min_size=1, max_size=6), st.integers(0, 60), st.sampled_from([" ", ""])).map(
    lambda t: t[2].join([tok for p in t[0] for tok in p][: t[1]])
)
TEXT = st.one_of(st.text(), joined, phrases, st.lists(st.one_of(joined, phrases, st.text(max_size=20), LONG), max_size=4).map(" ".join))
URLISH = st.one_of(
    st.text(),
    st.lists(
        st.sampled_from(
            ["http://", "https://", "HTTPS://", "www.", "github.com/", "GitHub.com/", ".github.io", "/", ".", ".git", "-", "_", "?", "#",
             "{", "}", "<", ">", ")", "]", ",", ":", " ", "\n", "a", "B", "owner", "repo", "\u00e9", "\u200b", "tree/main", "://"]
        ),
        max_size=16,
    ).map("".join),
)


@lru_cache(maxsize=1)
def _nlp():
    return make_nlp()


def _check_mentions(paper: Paper) -> None:
    (pm,) = list(extract([paper]))
    text = paper.text
    for m in pm.mentions:
        assert m.name, m
        assert len(m.evidence) <= EVIDENCE_MAX, (len(m.evidence), m.name)
        for piece in m.evidence.split("\u2026"):
            assert piece in text, (piece, m)


@SETTINGS
@given(title=st.one_of(st.text(max_size=60), joined, phrases), abstract=TEXT)
@example(title="T", abstract="We use FooNet, the")  # an apposition cut off by the end of the text (was an IndexError)
@example(title="", abstract=", GPT-4 ,an")
@example(title="", abstract="A0,A")
@example(title="A" * 1000, abstract="We compare " + ", ".join(f"Net{i}-7B" for i in range(400)) + ".")
@example(title="", abstract="")
@example(title="\n\n", abstract="\x00\u202e(((")
def test_extract_never_raises_and_evidence_is_a_window_of_the_text(title: str, abstract: str) -> None:
    _check_mentions(Paper(id="p", title=title, abstract=abstract, github=None))


@SETTINGS
@given(text=st.one_of(TEXT, st.tuples(st.text(max_size=40), TEXT).map("\n\n".join)))
@example(text="We use FooNet, the")
@example(text="See https://github.com/a/b and http://x.org/{a{b}c, (FN) FooNet.")
def test_pipeline_offsets_lie_inside_the_text(text: str) -> None:
    doc = _nlp()(text)
    words, starts, ends = doc._.kg_tokens
    n = len(words)
    assert len(starts) == len(ends) == n
    for w, s, e in zip(words, starts, ends):
        assert 0 <= s < e <= len(text) and text[s:e] == w
    assert all(e0 <= s1 for e0, s1 in zip(ends, starts[1:]))
    sents = doc._.kg_sents
    assert sents and sents[0][0] == 0 and sents[-1][1] == n
    assert all(a <= b for a, b in sents) and all(b0 == a1 for (_, b0), (a1, _) in zip(sents, sents[1:]))
    for s, e, raw, canon in doc._.kg_urls:
        assert 0 <= s < e <= len(text) and text[s:e] == raw
        assert canonical_url(canon) == canon
    for s, e, _key in doc._.kg_gazetteer:
        assert 0 <= s < e <= len(text)
    for d in doc._.kg_acronyms:
        for a, b in (d["short_span"], d["long_span"]):
            assert 0 <= a < b <= n
    # the direct runner ``extract`` uses is the same pipeline
    assert _direct_runner()(text) == doc._.kg_mentions


@SETTINGS
@given(url=URLISH)
@example(url="https://github.com/Owner/Repo.git/tree/main")
@example(url="https://github.com/o/r.git.git")  # needed two passes
@example(url="x.org/a?#.")  # a "?#" tail uncovered by stripping the dot
@example(url="")  # was "https", and then "https://https"
@example(url="< x >")
@example(url="http://x.org/" + "{a" * 2000 + "}x")  # quadratic in the old debris regex
def test_canonical_url_is_idempotent(url: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once


def test_canonical_url_keeps_the_ordinary_forms() -> None:
    assert canonical_url("https://github.com/Lab/Tool.git") == "https://github.com/Lab/Tool"
    assert canonical_url("github.com/lab/tool/tree/main/src") == "https://github.com/lab/tool"
    assert canonical_url("<https://github.com/lab/tool>.") == "https://github.com/lab/tool"
    assert canonical_url("https://github.com/lab/tool{here}") == "https://github.com/lab/tool"
    assert canonical_url("WWW.Lab.ORG/Page/") == "https://www.lab.org/Page"
    assert canonical_url("https://lab.github.io/tool/?") == "https://lab.github.io/tool"


# names as people write them: letters and digits of any script (not the dotless i, whose
# upper case is an I), separated by spaces, hyphens, underscores and punctuation. (Outside
# this: NFKC can turn a character into a space and a combining mark, e.g. U+00AF, so a key
# can differ from its own key; "\u0131".upper() is "I".)
NAME_CHARS = st.characters(categories=("Lu", "Ll", "Lt", "Lm", "Lo", "Nd"), exclude_characters="\u0131") | st.sampled_from(
    list(" -_.+/:()\u2010\u2013\u00a0\t")
)
LATIN = st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789\u00e9\u00c9\u00fc\u00dc\u00df.+/"))
SEPARATORS = st.sampled_from([" ", "-", "_", "\u2010", "\u2013", "  ", "\t", "\u00a0"])


@SETTINGS
@given(name=st.text(NAME_CHARS, max_size=30))
def test_match_key_is_idempotent(name: str) -> None:
    key = match_key(name)
    assert match_key(key) == key


@SETTINGS
@given(
    parts=st.lists(st.text(LATIN, min_size=1, max_size=8), min_size=1, max_size=5),
    seps=st.lists(SEPARATORS, max_size=5),
)
def test_match_key_ignores_case_spaces_and_hyphens(parts: list[str], seps: list[str]) -> None:
    plain = "".join(parts)
    spaced = "".join(p + (seps[i] if i < len(seps) else "") for i, p in enumerate(parts))
    key = match_key(plain)
    assert match_key(spaced) == key
    assert match_key(spaced.upper()) == match_key(spaced.lower()) == key


# -- the linear-time rewrites give what the code they replace gave


@SETTINGS
@given(s=st.text(st.sampled_from("{}a\nx/."), max_size=30))
@example(s="a{b}\n")
@example(s="{a{b}c")
def test_template_debris_drop_is_the_regex(s: str) -> None:
    from kg.names import _TEMPLATE_DEBRIS, _drop_template_debris

    assert _drop_template_debris(s) == _TEMPLATE_DEBRIS.sub("", s)


@SETTINGS
@given(
    text=st.lists(
        st.sampled_from(["http://", "https://", "www.", "github.com/", ".github.io", "a", "x", " ", "/", ".", ",", ")", "(", "'", "<", "\u00e9", "lab"]),
        max_size=30,
    ).map("".join)
)
@example(text="xhttp://a xhttp://b")
def test_url_merge_matches_merging_one_url_at_a_time(text: str) -> None:
    import bisect

    from kg.extract.components import lexer

    words, starts, ends = lexer.tokenize(text)
    # the reference: split, then replace each URL's tokens in place, last URL first
    parts = (lexer._ASCII_TOKEN_RE if text.isascii() else lexer.TOKEN_RE).split(text)
    offsets = [sum(map(len, parts[: i + 1])) for i in range(len(parts))]
    w, e, s = parts[1::2], offsets[1::2], offsets[0::2][: len(parts) // 2]
    if lexer.may_hold_url(text):
        for m in reversed(lexer.url_matches(text)):
            a, b = bisect.bisect_right(s, m.start()) - 1, bisect.bisect_left(s, m.end())
            if a >= 0:
                w[a:b], s[a:b], e[a:b] = [m.group()], [m.start()], [m.end()]
    assert (words, starts, ends) == (w, s, e)
