"""Readers: paths in, Papers out; the format is sniffed from the name and the first bytes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kg.errors import InputError
from kg.model import Paper
from kg.text import title_id
from kg.sources.readers import read_atom, read_csv, read_daily, read_json, read_jsonl

__all__ = ["FORMATS", "expand_paths", "read_papers", "read_path", "sniff_format"]

Reader = Callable[[str, str], Iterator[Paper]]

FORMATS: dict[str, Reader] = {
    "daily": read_daily,
    "jsonl": read_jsonl,
    "json": read_json,
    "csv": read_csv,
    "atom": read_atom,
}
_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".xml": "atom", ".atom": "atom"}


def sniff_format(path: Path, text: str) -> str:
    """The reader for a file: by extension, else by its first non-blank characters."""
    head = text.lstrip()[:2000]
    if path.suffix.lower() in _SUFFIXES:
        fmt = _SUFFIXES[path.suffix.lower()]
        # A .json file holding one object per line is JSONL.
        if fmt == "json" and head.startswith("{") and "\n{" in text.strip():
            return "jsonl"
        return fmt
    if head.startswith("["):
        return "json"
    if head.startswith("{"):
        return "jsonl" if "\n{" in text.strip() else "json"
    if head.startswith("<"):
        return "atom"
    first = head.splitlines()[0].lower() if head else ""
    if "title" in first and "," in first and ("abstract" in first or "summary" in first):
        return "csv"
    return "daily"


def read_path(path: str | Path, fmt: str | None = None) -> Iterator[Paper]:
    """Papers from one file, decoded as UTF-8 (a BOM is dropped)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory; pass the files in it")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    # UTF-8 (a BOM is dropped); UTF-16 only when its BOM says so.
    encoding = "utf-16" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start}); convert it to UTF-8") from None
    if not text.strip():
        raise InputError(f"{path}: the file is empty")
    fmt = fmt or sniff_format(path, text)
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    yield from FORMATS[fmt](text, str(path))


#: Files a directory argument contributes: every file with one of these suffixes.
INPUT_SUFFIXES = (".txt", *_SUFFIXES)


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, plus the input files inside each directory named (sorted, not recursive)."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES)
            if not found:
                raise InputError(f"{path}: no input files ({', '.join(INPUT_SUFFIXES)}) in this directory")
            files.extend(found)
        else:
            files.append(path)
    return files


def read_papers(paths: Iterable[str | Path], fmt: str | None = None) -> Iterator[Paper]:
    """Papers from every path (directories: the input files in them) in order.

    A paper seen twice (same id or title) is yielded once.
    """
    seen: set[str] = set()
    for path in expand_paths(paths):
        for paper in read_path(path, fmt):
            # One source may know the arXiv id and another only the title.
            keys = {paper.id, title_id(paper.title)}
            if not keys & seen:
                seen |= keys
                yield paper
