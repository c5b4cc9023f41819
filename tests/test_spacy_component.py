"""``kg_entities``: the extractor as a component of a normal spaCy pipeline (spaCy's own tokens)."""

from __future__ import annotations

import html
import io
import json
import re
import subprocess
import sys
from contextlib import redirect_stdout
from functools import lru_cache
from pathlib import Path

import pytest
import spacy
from spacy import displacy
from spacy.tokens import Span
from typer.testing import CliRunner

from kg.extract.spacy_component import SPANS_KEY, TITLE_KEY  # (registers the factory, as the entry point does)
from kg.cli import app
from kg.model import Paper
from kg.sources import read_papers

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
GOLDEN_FILES = [FIXTURES / "extract" / "papers.jsonl", *sorted((FIXTURES / "heldout").glob("*_papers.txt"))]
TITLE = "FooNet: Tiny Math Tutors"
ABSTRACT = (
    "We propose FooNet, a tutor distilled from Llama 2. We fine-tune it on GSM8K with a "
    "DUSt3R-style encoder and compare with GPT-4o. Code: https://github.com/foo-lab/foonet."
)


@lru_cache(maxsize=1)
def blank_nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_entities")
    return nlp


def run(nlp, abstract: str, title: str | None = None):
    doc = nlp.make_doc(abstract)
    if title is not None:
        doc.user_data[TITLE_KEY] = title
    return nlp(doc)


def test_spacy_component_sets_spans_extensions_and_ents() -> None:
    doc = run(blank_nlp(), ABSTRACT, TITLE)
    assert SPANS_KEY == "kg" and TITLE_KEY == "kg_title"  # (the names the docs give)
    got = [(s.text, s.label_, s._.kg_role, s._.kg_key, s._.kg_rule) for s in doc.spans["kg"]]
    assert got == [
        ("FooNet", "method", "proposes", "foonet", "names.shaped"),
        ("Llama 2", "model", "uses", "llama2", "gazetteer.known_names"),
        ("GSM8K", "benchmark", "evaluates_on", "gsm8k", "gazetteer.known_names"),
        ("DUSt3R", "model", "uses", "dust3r", "names.shaped.adjective_tail"),
        ("GPT-4o", "model", "compares_to", "gpt4o", "gazetteer.known_names"),
        ("https://github.com/foo-lab/foonet", "github", "code", "https://github.com/foo-lab/foonet", "urls.tokens"),
    ]
    # spaCy's tokens, not ours: "DUSt3R-style" is three of them
    assert [t.text for t in doc[doc.spans["kg"][3].start : doc.spans["kg"][3].end + 2]] == ["DUSt3R", "-", "style"]
    assert [(e.text, e.label_) for e in doc.ents] == [(s.text, s.label_) for s in doc.spans["kg"]]
    # every entity as plain values, the title's included
    foonet = next(e for e in doc._.kg_entities if e["name"] == "FooNet")
    assert foonet["title_spans"] == ((0, 6),) and foonet["spans"][0] == (11, 17)
    # and the typing rule that chose each type, on the spans and the plain values alike
    typed_by = {e["name"]: e["typed_by"] for e in doc._.kg_entities}
    assert typed_by["GSM8K"] == "types.gazetteer" and typed_by["https://github.com/foo-lab/foonet"] == "types.url"
    assert [s._.kg_typed_by for s in doc.spans["kg"]] == [typed_by[s.text] for s in doc.spans["kg"]]
    assert all(isinstance(e, dict) for e in doc._.kg_entities)


def test_spacy_component_title_changes_what_is_found() -> None:
    """The title is read as the paper's: without it, the same abstract may read differently,
    and with it the component gives what ``extract`` gives for the paper."""
    from kg.extract import extract

    (pm,) = list(extract([Paper(id="", title=TITLE, abstract=ABSTRACT)]))
    with_title = run(blank_nlp(), ABSTRACT, TITLE)._.kg_entities
    assert [(e["name"], e["role"]) for e in with_title] == [(m.name, m.role.value) for m in pm.mentions]
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_entities", config={"title": TITLE})
    assert nlp(ABSTRACT)._.kg_entities == with_title


def test_spacy_component_ents_where_spans_do_not_overlap() -> None:
    """Spans widened to spaCy's tokens can meet on one token: those stay out of ``doc.ents``."""
    nlp = spacy.blank("en")
    pipe = nlp.add_pipe("kg_entities")
    doc = nlp.make_doc("We evaluate on MMLU-Pro and GSM8K with Llama 2.")
    spans = [
        Span(doc, 3, 6, label="benchmark"),  # "MMLU-Pro"
        Span(doc, 3, 4, label="benchmark"),  # "MMLU", inside it
        Span(doc, 7, 9, label="benchmark"),  # "GSM8K" (two tokens for spaCy)
        Span(doc, 10, 12, label="model"),  # "Llama 2"
    ]
    assert [s.text for s in spans] == ["MMLU-Pro", "MMLU", "GSM8K", "Llama 2"]
    assert [e.text for e in pipe._ents(doc, spans)] == ["GSM8K", "Llama 2"]
    assert [e.text for e in pipe._ents(doc, spans[2:])] == ["GSM8K", "Llama 2"]


def test_spacy_component_keeps_or_overwrites_earlier_entities() -> None:
    def earlier(doc):
        doc.ents = [Span(doc, 0, 2, label="PERSON")]  # "GSM8K" (two spaCy tokens) as someone else's entity
        return doc

    spacy.Language.component("kg_test_earlier_ents", func=earlier)
    for overwrite, label in ((False, "PERSON"), (True, "benchmark")):
        nlp = spacy.blank("en")
        nlp.add_pipe("kg_test_earlier_ents")
        nlp.add_pipe("kg_entities", config={"overwrite_ents": overwrite})
        doc = nlp("GSM8K is hard for Llama 2.")
        assert [(e.text, e.label_) for e in doc.ents] == [("GSM8K", label), ("Llama 2", "model")]
        assert [s.text for s in doc.spans["kg"]] == ["GSM8K", "Llama 2"]


def test_spacy_component_displacy_draws_the_spans() -> None:
    doc = run(blank_nlp(), ABSTRACT, TITLE)
    page = displacy.render(doc, style="span", options={"spans_key": "kg"})
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))
    # displacy writes a span's label after its first token: "Llama model 2"
    assert len(doc.spans["kg"]) == 6
    for span in doc.spans["kg"]:
        assert " ".join([span[0].text, span.label_, *(t.text for t in span[1:])]) in text, span.text


def test_spacy_component_found_without_importing_kg(tmp_path: Path) -> None:
    """``add_pipe("kg_entities")`` works through the entry point alone, in a fresh interpreter."""
    code = (
        "import sys, spacy\n"
        "nlp = spacy.blank('en'); nlp.add_pipe('kg_entities')\n"
        "assert 'kg.extract.spacy_component' in sys.modules\n"
        "doc = nlp('We evaluate Llama 2 on GSM8K here.')\n"
        "print([(s.text, s.label_) for s in doc.spans['kg']])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[('Llama 2', 'model'), ('GSM8K', 'benchmark')]"


# -- the same entities as `kg extract`, on every golden fixture paper ------------------------


def cli_records(path: Path) -> list[dict]:
    result = CliRunner().invoke(app, ["extract", str(path), "--workers", "1"])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


@pytest.mark.parametrize("path", GOLDEN_FILES, ids=lambda p: p.name)
def test_spacy_component_equals_kg_extract(path: Path) -> None:
    nlp = blank_nlp()
    papers = list(read_papers([path]))
    records = cli_records(path)
    assert [r["id"] for r in records] == [p.id for p in papers] and papers
    for paper, rec in zip(papers, records):
        doc = run(nlp, paper.abstract, paper.title)
        fast = [(e["name"], e["type"], e["role"]) for e in rec["entities"]]
        component = [(e["name"], e["type"], e["role"]) for e in doc._.kg_entities]
        assert component == fast, paper.id
        assert [[list(x) for x in e["spans"]] for e in doc._.kg_entities] == [e["spans"] for e in rec["entities"]]
        # each occurrence in the abstract is a span of the Doc (on spaCy's tokens: it may be wider)
        placed = sorted((s.start_char, s.end_char, s.label_, s._.kg_role) for s in doc.spans["kg"])
        wanted = sorted((a, b, e["type"], e["role"]) for e in rec["entities"] for a, b in e["spans"])
        assert len(placed) == len(wanted), paper.id
        for (s0, e0, label, role), (a, b, etype, erole) in zip(placed, wanted):
            assert s0 <= a and b <= e0 and (label, role) == (etype, erole), (paper.id, a, b)


# -- the documented example ----------------------------------------------------------------


def docs_example() -> tuple[str, list[str]]:
    """The python block of docs/api.md's spaCy section and the output its comments show."""
    page = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    section = page.split("## Use the extractor in your own spaCy pipeline", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    shown = [line[2:] for line in code.splitlines() if line.startswith("# ")]
    return code, shown


def test_spacy_component_docs_example_runs_and_prints_what_it_shows(tmp_path: Path, monkeypatch) -> None:
    code, shown = docs_example()
    assert len(shown) >= 5
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with redirect_stdout(out):
        exec(compile(code, "docs/api.md", "exec"), {"__name__": "__docs__"})
    assert out.getvalue().splitlines() == shown
    assert "Llama" in (tmp_path / "spans.html").read_text(encoding="utf-8")  # (spaCy splits "GSM8" "K")
