"""Text normalisation shared by readers, extractor, resolver and evaluation."""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata

__all__ = ["clean_text", "match_key", "title_id"]

# Zero-width characters and the BOM carry no meaning and break matching.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_KEY_DROP = re.compile(r"[\s\-_\u2010-\u2015]+")


def clean_text(text: str) -> str:
    """Normalise one field: NFC, HTML entities, CRLF, NBSP and zero-width chars."""
    text = unicodedata.normalize("NFC", text)
    if "&" in text:
        text = html.unescape(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def match_key(name: str) -> str:
    """Case-folded name without spaces, hyphens and underscores: how names are compared."""
    return _KEY_DROP.sub("", unicodedata.normalize("NFKC", name).casefold())


def title_id(title: str) -> str:
    """A stable id for a paper with no arXiv id: a hash of its normalised title."""
    norm = re.sub(r"[^0-9a-z]+", " ", clean_text(title).casefold()).strip()
    return "t-" + hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]
