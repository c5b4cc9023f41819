"""The extractor on hostile abstracts: linear work, bounded output.

Abstracts are capped at 100,000 characters upstream (``kg.sources.common.MAX_ABSTRACT``),
titles at about 1,000. Within those caps an abstract can still name thousands of entities
in one sentence, define thousands of acronyms, hold a 100,000-character token, deep
brackets or thousands of URLs. For each such generator:

* the work grows linearly: the Python lines the extractor executes (counted with
  ``sys.settrace``, so the measure is exact and does not depend on the machine's load)
  grow about 4x from n to 4n, never the 16x of a quadratic step;
* at the caps, one abstract extracts in seconds, and the output is bounded: every
  evidence is at most ``EVIDENCE_MAX`` characters (a window around the mention when the
  sentence is longer), so the evidence is at most ``EVIDENCE_MAX`` per mention, not a
  100 KB sentence repeated for each of thousands of names.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import pytest

from kg.extract import extract
from kg.extract.components.assemble import EVIDENCE_CONTEXT, EVIDENCE_MAX
from kg.model import Paper

MAX_ABSTRACT = 100_000  # kg.sources.common.MAX_ABSTRACT
MAX_TITLE = 1_000


def _label(i: int, tag: str) -> str:
    """A distinct capitalised label per index ("Qab", "Qac", ...); ``tag`` keeps sizes apart."""
    a, b, c = i % 26, (i // 26) % 26, (i // 676) % 26
    return f"{tag}{chr(97 + a)}{chr(97 + b)}{chr(97 + c)}"


def _acronym(i: int) -> str:
    return "".join(chr(65 + (i // 26**k) % 26) for k in range(3))


# name -> generator(n, tag): an abstract with about n hostile items
GENERATORS: dict[str, Callable[[int, str], str]] = {
    # one sentence listing n names
    "names in one sentence": lambda n, t: "We compare " + ", ".join(f"{_label(i, t).title()}Net-{i}" for i in range(n)) + " and ZedNet-0.",
    "capitalised words and acronyms": lambda n, t: "We evaluate on the benchmarks "
    + ", ".join(_label(i, t).upper() if i % 2 else _label(i, t).title() + "former" for i in range(n))
    + " and Zeta.",
    "sized model names": lambda n, t: "We compare " + ", ".join(f"{_label(i, t).title()}-7B" for i in range(n)) + ".",
    "a list with type nouns": lambda n, t: "We use " + ", ".join(["Benchmark"] * n) + f" and {t}.",
    "names after a type noun": lambda n, t: "We use the " + ", ".join(_label(i, t).title() for i in range(n)) + " and Bar datasets.",
    # acronym definitions
    "acronym definitions in one sentence": lambda n, t: "We propose "
    + ", ".join(f"{_acronym(i)[0]}lpha {_acronym(i)[1]}eta {_acronym(i)[2]}amma{t} ({_acronym(i)})" for i in range(n))
    + ".",
    "one definition repeated": lambda n, t: "We propose " + ", ".join(f"Alpha Beta {t}amma (AB{t.upper()})" for _ in range(n)) + ".",
    "acronym definitions in sentences": lambda n, t: " ".join(
        f"We propose {_acronym(i)[0]}lpha {_acronym(i)[1]}eta {_acronym(i)[2]}amma{t} ({_acronym(i)}) for tasks." for i in range(n)
    ),
    "acronyms in brackets": lambda n, t: "We use " + " ".join(f"({_acronym(i)}{t})" for i in range(n)) + ".",
    # appositions after an opening phrase ("On X, the ...")
    "appositions after an opening phrase": lambda n, t: "On "
    + " ".join(["lorem"] * n)
    + " "
    + ", ".join(f"{_label(i, t).title()}Net, a model" for i in range(n))
    + ".",
    # long tokens and brackets
    "a token with no spaces": lambda n, t: f"We use {t}" + "Ab" * (20 * n) + " here.",
    "a capitalised token with no spaces": lambda n, t: f"We use {t.upper()}" + "A" * (20 * n) + " here.",
    "deep nested brackets": lambda n, t: "We use " + "(" * (4 * n) + f"{t}Net" + ")" * (4 * n) + " and [" * n + "BarNet" + "]" * n + ".",
    # URLs
    "many URLs": lambda n, t: "Code: " + " ".join(f"https://github.com/{t}{i}/r{i} and www.site{t}{i}.org/p" for i in range(n)) + ".",
    "many short URLs": lambda n, t: " ".join(f"http://{t}" for _ in range(4 * n)) + ".",
    "a URL full of braces": lambda n, t: f"See http://{t}.org/" + "{a" * (10 * n) + "}x for code.",
    # many sentences and lines
    "many sentences": lambda n, t: " ".join(
        f"We evaluate {_label(i, t).title()}-7B on {_label(i, t).title()}Bench and compare to GPT-{i % 5}." for i in range(n)
    ),
    "many lines without a full stop": lambda n, t: "\n".join(f"{_label(i, t).title()}Net beats {_label(i, t).title()}Former" for i in range(n)),
}


def _fit(gen: Callable[[int, str], str], limit: int, tag: str) -> int:
    """About the largest n whose abstract is at most ``limit`` characters (at least 95% of it)."""
    a, b = len(gen(100, tag)), len(gen(200, tag))
    n = max(1, int((limit - a) / max(b - a, 1) * 100 * 0.97) + 100)
    while len(gen(n, tag)) > limit:
        n = int(n * 0.99)
    return n


def _run(title: str, abstract: str):
    (pm,) = list(extract([Paper(id="p", title=title, abstract=abstract)]))
    return pm


def _lines_executed(title: str, abstract: str) -> int:
    """Python lines executed while extracting one paper: an exact, load-independent work count."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return local

    old = sys.gettrace()
    sys.settrace(lambda frame, event, arg: local)
    try:
        _run(title, abstract)
    finally:
        sys.settrace(old)
    return count


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    _run("Warm Up", "We propose FooNet (FN), evaluated on ImageNet. Code: https://github.com/a/b.")


@pytest.mark.skipif(sys.gettrace() is not None, reason="a tracer (coverage, debugger) is active")
@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_work_grows_linearly(name: str) -> None:
    gen = GENERATORS[name]
    n = _fit(gen, 24_000, "Q") // 4  # 4n fills about a quarter of the cap: quadratic steps show clearly
    # different names at each size, so the caches of one run do not help the other
    small = _lines_executed("A Title", gen(n, "Q"))
    large = _lines_executed("A Title", gen(4 * n, "R"))
    ratio = large / max(small, 1)
    assert ratio < 6, f"{name}: {small} lines at n={n}, {large} at 4n (x{ratio:.1f}; linear is about x4)"


HOSTILE_TITLE = ("Thousands of Names: " + ", ".join(f"{_label(i, 'T').title()}Net-{i}" for i in range(200)))[:MAX_TITLE]


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_at_the_caps_output_is_bounded_and_time_is_seconds(name: str) -> None:
    gen = GENERATORS[name]
    abstract = gen(_fit(gen, MAX_ABSTRACT, "C"), "C")
    assert MAX_ABSTRACT * 0.95 < len(abstract) <= MAX_ABSTRACT
    t0 = time.perf_counter()
    pm = _run(HOSTILE_TITLE, abstract)
    elapsed = time.perf_counter() - t0
    # a few seconds at most (about one on an idle machine); generous against a busy one
    assert elapsed < 30, f"{name}: {elapsed:.1f} s"
    text = pm.paper.text
    evidence = [m.evidence for m in pm.mentions]
    assert all(len(e) <= EVIDENCE_MAX for e in evidence), max(map(len, evidence))
    assert sum(map(len, evidence)) <= EVIDENCE_MAX * len(pm.mentions)
    for e in evidence:
        assert all(piece in text for piece in e.split("\u2026")), e
    # names and aliases are pieces of the text (or canonical forms of them): linear too
    names = sum(len(m.name) + sum(map(len, m.aliases)) for m in pm.mentions)
    assert names <= 3 * len(text) + 100 * len(pm.mentions)


def test_long_sentence_evidence_is_a_window_around_the_mention() -> None:
    names = [f"{_label(i, 'W').title()}Net-{i}" for i in range(3000)]
    sentence = "We compare " + ", ".join(names) + "."
    pm = _run("Window Test", sentence + " Short closing sentence with GPT-4.")
    by_name = {m.name: m for m in pm.mentions}
    whole_words = set(sentence.replace(",", " ").split())
    first, middle, last = by_name[names[0]], by_name[names[1500]], by_name[names[-1]]
    assert first.evidence.startswith("We compare " + names[0]) and first.evidence.endswith("\u2026")
    assert middle.evidence.startswith("\u2026") and middle.evidence.endswith("\u2026") and names[1500] in middle.evidence
    assert last.evidence.startswith("\u2026") and last.evidence.endswith(names[-1] + ".")
    for m in (first, middle, last):
        assert len(m.evidence) <= EVIDENCE_MAX
        body = m.evidence.strip("\u2026")
        # cut at spaces: the window starts and ends with whole words of the sentence
        words = body.replace(",", " ").split()
        assert words[0] in whole_words and words[-1] in whole_words, (words[0], words[-1])
        assert body in sentence
        assert len(body) >= EVIDENCE_CONTEXT  # some context on each side
    # a sentence of ordinary length is still the whole sentence
    assert by_name["GPT-4"].evidence == "Short closing sentence with GPT-4."


def test_sentence_up_to_the_threshold_is_kept_whole() -> None:
    # the longest sentence in the fixtures and the dev set has 508 characters; up to
    # EVIDENCE_MAX a sentence is evidence as it stands
    filler = " ".join(["word"] * 200)
    sentence = f"We compare FooNet-7B with {filler}"
    sentence = sentence[: EVIDENCE_MAX - 1].rstrip() + "."
    assert len(sentence) <= EVIDENCE_MAX
    pm = _run("Threshold", sentence)
    (m,) = [m for m in pm.mentions if m.name == "FooNet-7B"]
    assert m.evidence == sentence
