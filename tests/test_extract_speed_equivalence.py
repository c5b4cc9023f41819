"""``extract`` (plain function calls) gives exactly what the spaCy pipeline from ``make_nlp`` gives."""

from pathlib import Path

from kg.extract import make_nlp
from kg.extract.pipeline import _direct_runner
from kg.sources import read_papers

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "sample-papers.txt"


def test_direct_run_matches_spacy_pipeline():
    papers = list(read_papers([EXAMPLES]))
    texts = [p.text for p in papers] + ["", "A title\n\nWe propose FooNet (FN), see https://github.com/a/b."]
    nlp = make_nlp()
    run = _direct_runner()
    for text, doc in zip(texts, nlp.pipe(texts)):
        assert run(text) == doc._.kg_mentions
