"""The extractor's vocabulary is data: every file under kg/extract/data/ is read, every list used."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.extract import lexicon

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "kg" / "extract" / "data"
EXTRACT = ROOT / "kg" / "extract"
# "NAME = WORDS["list"]", "NAME = OTHER | WORDS["list"]", "NAME = re.compile(... WORDS['list'] ...)"
_BINDING = re.compile(r"""^(\w+) = .*WORDS\[["'](\w+)["']\]""", re.M)


def _sources() -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in EXTRACT.rglob("*.py")}


def _sections(path: Path) -> list[str]:
    return re.findall(r"^\[(\w+)\]\s*$", path.read_text(encoding="utf-8"), re.M)


def test_extract_lexicon_reads_every_data_file(monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[str] = []
    real = lexicon._read_data

    def spy(name: str) -> str:
        read.append(name)
        return real(name)

    monkeypatch.setattr(lexicon, "_read_data", spy)
    # the uncached loaders: the shared, cached lexicon stays as it is
    lexicon.load_words.__wrapped__()
    lexicon.load_lexicon.__wrapped__()
    names_py = (ROOT / "kg" / "names.py").read_text(encoding="utf-8")
    read_by_names = {"gazetteer.jsonl"} if '"gazetteer.jsonl"' in names_py else set()
    on_disk = {p.name for p in DATA.iterdir() if p.is_file()}
    assert on_disk == set(read) | read_by_names, "a data file nothing reads, or a file read that is missing"


def test_extract_lexicon_word_files_are_all_loaded() -> None:
    listed = {p.name for p in DATA.glob("*.txt") if _sections(p)}
    assert listed == set(lexicon.WORD_FILES)
    every = [s for name in lexicon.WORD_FILES for s in _sections(DATA / name)]
    assert len(every) == len(set(every)), "one list defined twice: merge the copies"
    assert set(every) == set(lexicon.WORDS)
    assert all(lexicon.WORDS[s] for s in every), "an empty list"


@pytest.mark.parametrize("section", sorted(lexicon.load_words()))
def test_extract_lexicon_every_list_is_used(section: str) -> None:
    sources = _sources()
    bindings = [(p, m.group(1)) for p, text in sources.items() for m in _BINDING.finditer(text) if m.group(2) == section]
    assert bindings, f"[{section}] is read by no module of kg/extract"
    for path, name in bindings:
        uses = sum(len(re.findall(rf"(?<![\w]){re.escape(name)}\b", text)) for text in sources.values())
        assert uses >= 2, f"{path.name} binds {name} = WORDS[{section!r}] but never uses it"


def test_extract_lexicon_words_are_frozen() -> None:
    with pytest.raises(TypeError):
        lexicon.WORDS["connectors"] = frozenset()  # type: ignore[index]
    assert all(isinstance(v, frozenset) for v in lexicon.WORDS.values())
