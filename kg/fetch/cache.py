"""The fetch cache: raw responses on disk, one file per day or per result page.

A file is written whole or not at all (a temporary file in the same folder, renamed
into place), so a failure half-way leaves no half-written response for the next build
to read; the temporary files end in ``.part``, which no reader takes for input.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from kg.errors import KgError

__all__ = ["DEFAULT_CACHE", "Fetched", "FetchReport", "cache_dir", "prepare_folder", "slug", "write_atomic"]

#: Where fetched responses go unless --cache or KG_CACHE says otherwise (beside ./.kg, the store).
DEFAULT_CACHE = Path(".kg-cache")


def cache_dir(cache: Path | str | None = None) -> Path:
    """The cache folder: --cache, else $KG_CACHE, else ./.kg-cache."""
    if cache:
        return Path(cache)
    return Path(os.environ.get("KG_CACHE") or DEFAULT_CACHE)


@dataclass(frozen=True)
class Fetched:
    """One cached response: what it holds and whether it came from the cache or the server."""

    source: str  # "hf-daily" or "arxiv"
    label: str  # the day, or the page of results
    path: Path
    papers: int  # papers (HF items, Atom entries) in the file
    cached: bool  # reused from the cache: no request sent
    url: str
    #: why a cached file that should have been fetched again was used instead ("" when not)
    stale: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The record as JSON-ready values."""
        return {**asdict(self), "path": str(self.path)}


@dataclass
class FetchReport:
    """What one fetch wrote or reused, and how many requests it sent (retries included)."""

    source: str
    cache: Path
    files: list[Fetched]
    requests: int = 0

    @property
    def papers(self) -> int:
        return sum(f.papers for f in self.files)

    @property
    def paths(self) -> list[Path]:
        return [f.path for f in self.files]

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready values."""
        return {
            "source": self.source,
            "cache": str(self.cache),
            "requests": self.requests,
            "papers": self.papers,
            "files": [f.as_dict() for f in self.files],
        }


def slug(text: str, limit: int = 48) -> str:
    """A readable, safe folder name for ``text``, made unique by a short hash of it."""
    readable = re.sub(r"[^A-Za-z0-9.]+", "_", text).strip("_.")[:limit].rstrip("_.") or "query"
    return f"{readable}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:10]}"


def prepare_folder(folder: Path) -> Path:
    """Make ``folder`` (a source's folder in the cache) before the first request is sent: a
    cache that is a file, or cannot be created, is an error that costs the server nothing."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KgError(f"cannot write the cache folder {folder}: {exc.strerror or exc}; choose another with --cache") from None
    return folder


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (temporary file, then rename)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise KgError(f"cannot write the cache folder {path.parent}: {exc.strerror or exc}; choose another with --cache") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise KgError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
