"""Readers: paths in, Papers out; the format is sniffed from the name and the first bytes."""

from __future__ import annotations

import os

import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kg.errors import InputError
from kg.model import Paper
from kg.sources.common import MAX_FILE_BYTES
from kg.sources.readers import read_atom, read_csv, read_daily, read_json, read_jsonl
from kg.text import title_id

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
    """Papers from one regular file, decoded as UTF-8 (a BOM is dropped) or BOM-marked UTF-16/32."""
    path = Path(path)
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    text = _decode(_read_bytes(path), path)
    if not text.strip():
        raise InputError(f"{path}: the file is empty")
    fmt = fmt or sniff_format(path, text)
    yield from FORMATS[fmt](text, source_name(path))


def source_name(path: Path) -> str:
    """``path`` as the text a paper's ``source`` holds: its bytes that are not UTF-8 (a Linux
    file name may be any bytes) spelt as ``\\xNN``, which every store and page can hold."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _read_bytes(path: Path) -> bytes:
    """A regular file's bytes; stat first, so a FIFO or /dev/zero is refused, not read forever."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        raise InputError(f"{path}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{path}: is a directory; pass the files in it")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{path}: not a regular file (a pipe, device or socket); save the input to a file")
    too_big = InputError(f"{path}: larger than {MAX_FILE_BYTES / 1024**3:.0f} GiB; split it into smaller files")
    if st.st_size > MAX_FILE_BYTES:
        raise too_big
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)  # bounded even if the file grows meanwhile
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise too_big
    return raw


_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def _looks_utf16(raw: bytes) -> bool:
    """Mostly-ASCII UTF-16 without a BOM: NULs at nearly every even or every odd byte, not both."""
    sample = raw[:4096]
    half = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    return half > 0 and max(even, odd) >= 0.4 * half and min(even, odd) <= 0.1 * half


def _decode(raw: bytes, path: Path) -> str:
    """UTF-8 (a BOM is dropped); UTF-16 or UTF-32 only when a BOM says so."""
    encoding = next((enc for bom, enc in _BOMS if raw.startswith(bom)), "utf-8-sig")
    if encoding == "utf-8-sig" and _looks_utf16(raw):
        raise InputError(f"{path}: looks like UTF-16 without a BOM; convert it to UTF-8")
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding != "utf-8-sig":
            msg = f"not valid {encoding.upper()} text (byte {exc.start})"
            raise InputError(f"{path}: {msg}; convert it to UTF-8") from None
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputError(f"{path}: not UTF-8 text (line {line}, byte {exc.start}); convert it to UTF-8") from None
    if "\x00" in text:
        raise InputError(f"{path}: contains NUL characters; is it a binary file?")
    return text


#: Files a directory argument contributes: every file with one of these suffixes.
INPUT_SUFFIXES = (".txt", *_SUFFIXES)


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, plus the input files inside each directory named (sorted, not recursive)."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            try:  # is_file: regular files (or links to them); a FIFO in the directory is skipped
                found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES)
            except OSError as exc:
                raise InputError(f"{path}: cannot list the directory ({exc.strerror or exc})") from None
            if not found:
                raise InputError(f"{path}: no input files ({', '.join(INPUT_SUFFIXES)}) in this directory")
            files.extend(found)
        else:
            files.append(path)
    return files


def read_papers(paths: Iterable[str | Path], fmt: str | None = None) -> Iterator[Paper]:
    """Papers from every path (directories: the input files in them) in order.

    A paper seen twice is yielded once: the same id, or the same title where one of the
    two is known by its title only (one source may know the arXiv id and another only the
    title). Two papers with one title and two arXiv ids are two papers.
    """
    seen_ids: set[str] = set()
    ids_by_title: dict[str, set[str]] = {}  # title key -> arXiv ids seen with it ("" for none)
    for path in expand_paths(paths):
        for paper in read_path(path, fmt):
            tkey = title_id(paper.title)
            arxiv = "" if paper.id == tkey else paper.id
            known = ids_by_title.get(tkey)
            if paper.id in seen_ids or (known is not None and (not arxiv or "" in known)):
                continue
            seen_ids.add(paper.id)
            ids_by_title.setdefault(tkey, set()).add(arxiv)
            yield paper
