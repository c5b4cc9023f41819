"""The curation file: reading, refusing what makes no sense, editing without losing a byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.curation import CurationError, Fix, load_curation
from kg.model import EntityType

GOOD = """\
# Our team's corrections. Reviewed in PRs.

[[fix]]
merge = "HeronDec"   # the short form the abstracts use
into = "Heron Decoding"

[[fix]]
rename = "Marlin"
to = "Marlin Router"
note = "the paper's own name"

[[fix]]
retype = "ToyBench"
type = "dataset"

[[fix]]
ignore = "PPO"

[[fix]]
ignore = "GSM8K"
paper = "2601.00002"

[[fix]]
variant = "Qwen2.5-7B"
family = "Qwen"

[[fix]]
variant = "Mistral-7B"
family = ""
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_curation_file_reads_every_kind_in_order(tmp_path: Path) -> None:
    cur = load_curation(_write(tmp_path, GOOD))
    assert [(f.index, f.kind, f.name, f.target, f.type, f.paper) for f in cur] == [
        (1, "merge", "HeronDec", "Heron Decoding", None, None),
        (2, "rename", "Marlin", "Marlin Router", None, None),
        (3, "retype", "ToyBench", "", EntityType.DATASET, None),
        (4, "ignore", "PPO", "", None, None),
        (5, "ignore", "GSM8K", "", None, "2601.00002"),
        (6, "family", "Qwen2.5-7B", "Qwen", None, None),
        (7, "family", "Mistral-7B", "", None, None),
    ]
    assert cur.fixes[1].note == "the paper's own name"


def _fix(body: str) -> str:
    return f"[[fix]]\n{body}\n"


# (file text, words the one-line error must hold)
BAD = [
    ("[[fix]\nmerge = 'a'\n", ["not valid TOML"]),
    ("title = 'x'\n", ["unknown top-level key 'title'"]),
    ("fix = 3\n", ["array of tables"]),
    (_fix('merge = "a"\nrename = "b"\nto = "c"'), ["fix #1", "exactly one of"]),
    (_fix('colour = "a"'), ["fix #1", "exactly one of", "has none"]),
    (_fix('merge = "a"'), ["fix #1", "merge needs 'into'"]),
    (_fix('merge = "a"\ninto = "b"\nwhy = "x"'), ["fix #1", "unknown key 'why'"]),
    (_fix('retype = "a"\ntype = "gadget"'), ["fix #1", "unknown type 'gadget'", "benchmark"]),
    (_fix('merge = ""\ninto = "b"'), ["fix #1", "'merge' is empty"]),
    (_fix('merge = "a"\ninto = 3'), ["fix #1", "'into' must be a string"]),
    (_fix('merge = "Heron-Dec"\ninto = "heron dec"'), ["fix #1", "merges a name into itself"]),
    (_fix('rename = "A"\nto = "A"'), ["renames a name to itself"]),
    (_fix('variant = "Qwen"\nfamily = "qwen"'), ["its own family"]),
    # cycles, through merges and renames, however long
    (_fix('merge = "a"\ninto = "b"') + _fix('merge = "b"\ninto = "a"'), ["fixes #1, #2 form a cycle", "a -> b -> a"]),
    (_fix('rename = "a"\nto = "b"') + _fix('merge = "b"\ninto = "c"') + _fix('rename = "c"\nto = "A"'),
     ["fixes #1, #2, #3 form a cycle"]),
    # contradictions
    (_fix('merge = "x"\ninto = "a"') + _fix('merge = "X"\ninto = "b"'),
     ["fix #2", "conflicts with fix #1", "cannot become both 'a' and 'b'"]),
    (_fix('merge = "x"\ninto = "a"') + _fix('rename = "x"\nto = "b"'), ["fix #2", "conflicts with fix #1"]),
    (_fix('retype = "x"\ntype = "model"') + _fix('retype = "x"\ntype = "dataset"'),
     ["fix #2", "both a model and a dataset"]),
    (_fix('variant = "x"\nfamily = "a"') + _fix('variant = "x"\nfamily = "b"'), ["two families"]),
    (_fix('ignore = "x"') + _fix('retype = "x"\ntype = "model"'), ["fix #2", "ignored there and corrected here"]),
    (_fix('merge = "x"\ninto = "a"') + _fix('ignore = "a"'), ["fix #2", "corrected there and ignored here"]),
]


@pytest.mark.parametrize("text,words", BAD, ids=[w[-1] for _, w in BAD])
def test_curation_file_refuses_with_one_line(tmp_path: Path, text: str, words: list[str]) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(CurationError) as exc:
        load_curation(path)
    message = str(exc.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    for word in words:
        assert word in message


# Fixes that look alike but do not contradict: they load.
ALLOWED = [
    _fix('merge = "b"\ninto = "a"') + _fix('rename = "a"\nto = "c"'),  # a chain, not a cycle
    _fix('merge = "b"\ninto = "a"') + _fix('merge = "B"\ninto = "A"'),  # the same fix twice
    _fix('rename = "gpt4"\nto = "GPT-4"'),  # only the spelling changes
    _fix('ignore = "x"\npaper = "1"') + _fix('retype = "x"\ntype = "model"'),  # ignored in one paper only
    _fix('variant = "x"\nfamily = ""') + _fix('retype = "x"\ntype = "model"'),
]


@pytest.mark.parametrize("text", ALLOWED)
def test_curation_file_allows_chains_and_repeats(tmp_path: Path, text: str) -> None:
    assert len(load_curation(_write(tmp_path, text))) == text.count("[[fix]]")


def test_curation_file_missing(tmp_path: Path) -> None:
    assert len(load_curation(tmp_path / "none.toml", missing_ok=True)) == 0
    with pytest.raises(CurationError, match="no curation file at"):
        load_curation(tmp_path / "none.toml")


def test_curation_file_edit_keeps_comments_and_order(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD)
    cur = load_curation(path)
    added = cur.add(Fix("retype", "Heron Decoding", type=EntityType.METHOD, note="a decoder, \"not\" a model"))
    cur.save()
    text = path.read_text(encoding="utf-8")
    assert text.startswith(GOOD)  # every byte the user wrote, comments included, in place
    assert added.index == 8
    again = load_curation(path)
    assert [f.describe() for f in again] == [f.describe() for f in cur]
    assert again.fixes[-1].note == 'a decoder, "not" a model'


def test_curation_file_edit_refuses_a_conflict_and_leaves_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD)
    cur = load_curation(path)
    with pytest.raises(CurationError, match="conflicts with fix #3"):
        cur.add(Fix("retype", "toybench", type=EntityType.MODEL))
    assert path.read_text(encoding="utf-8") == GOOD
    assert len(cur) == 7


def test_curation_file_new_file_has_a_header(tmp_path: Path) -> None:
    cur = load_curation(tmp_path / "sub" / "new.toml", missing_ok=True)
    cur.add(Fix("ignore", "PPO"))
    cur.add(Fix("merge", "B", "A"))
    path = cur.save()
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# kg curation:")
    assert '[[fix]]\nignore = "PPO"\n\n[[fix]]\nmerge = "B"\ninto = "A"\n' in text
    assert [f.kind for f in load_curation(path)] == ["ignore", "merge"]
