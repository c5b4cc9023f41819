"""URLs in the text, and their canonical form.

GitHub repository URLs become ``https://github.com/<owner>/<repo>`` (host lower-case,
owner/repo case kept); everything after the repository (``/tree/...``, ``/blob/...``,
``.git``, ``{here}``, query, fragment, trailing punctuation) is debris. Other URLs keep
their path but lose trailing ``/`` and ``.``.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.components.lexer import URL_RE, may_hold_url

__all__ = ["canonical_url", "find_urls", "is_github"]

_GITHUB_RE = re.compile(
    r"^(?:https?://)?(?:www\.)?github\.com/([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)/([A-Za-z0-9._-]+)",
    re.IGNORECASE,
)
_TEMPLATE_DEBRIS = re.compile(r"\{[^}]*\}?$|[{}]")  # "{here}" left by a LaTeX \href
_is_url_token = re.compile(r"(?:https?://|www\.|github\.com/|[a-z0-9][a-z0-9-]*\.github\.io\b)", re.IGNORECASE).match
_TRAILING = ".,;:!?)]}>'\"/"


def url_token_indices(text: str, words: list[str], starts: list[int]) -> list[int]:
    """Ascending indices of the tokens ``_is_url_token`` accepts, without testing every token.

    Such a token holds "://" or starts with "www.", "github.com/" or "<name>.github.io" (in
    any case), so only the tokens at those places in the text are tested.
    """
    cands = set()
    find = text.find
    p = find("://")
    while p >= 0:
        cands.add(bisect_right(starts, p) - 1)
        p = find("://", p + 1)
    low = text.lower()
    for needle in ("www.", "github.com/", ".github.io"):
        p = low.find(needle)
        while p >= 0:
            if needle == ".github.io" or p == 0 or low[p - 1] not in "/.":  # (in "https://..." counted above)
                cands.add(bisect_right(starts, p) - 1)
            p = low.find(needle, p + 1)
    return [i for i in sorted(cands) if i >= 0 and _is_url_token(words[i])]


def is_github(url: str) -> bool:
    """Whether ``url`` points into a GitHub repository."""
    return bool(_GITHUB_RE.match(url.strip()))


def canonical_url(url: str) -> str:
    """The canonical form of a URL: ``https://github.com/owner/repo`` for GitHub, else tidied."""
    url = url.strip().strip("<>")
    m = _GITHUB_RE.match(url)
    if m:
        owner, repo = m.group(1), m.group(2)
        repo = _TEMPLATE_DEBRIS.sub("", repo)
        repo = repo.rstrip(".")
        if repo.lower().endswith(".git"):
            repo = repo[:-4]
        repo = repo.rstrip(".-_")
        return f"https://github.com/{owner}/{repo}"
    url = _TEMPLATE_DEBRIS.sub("", url)
    url = re.split(r"[?#]", url, maxsplit=1)[0] if re.search(r"[?#]$", url) else url
    if "://" not in url:
        url = "https://" + url  # "www.x.org", "lab.github.io": the address as a browser would open it
    scheme, sep, rest = url.partition("://")
    if sep:
        host, slash, path = rest.partition("/")
        url = f"{scheme.lower()}://{host.lower()}{slash}{path}"
    while url and url[-1] in _TRAILING:
        url = url[:-1]
    return url


def find_urls(text: str) -> tuple[tuple[int, int, str, str], ...]:
    """``(start, end, as_written, canonical)`` for every URL in ``text``."""
    out = []
    for m in URL_RE.finditer(text):
        raw = m.group(0)
        out.append((m.start(), m.end(), raw, canonical_url(raw)))
    return tuple(out)


if not Doc.has_extension("kg_urls"):
    Doc.set_extension("kg_urls", default=())


@Language.factory("kg_urls", default_config={})
def make_urls(nlp: Language, name: str):
    """Fill ``doc._.kg_urls`` with ``(start, end, as_written, canonical)`` tuples."""

    def urls(doc: Doc) -> Doc:
        text = doc._.kg_text or doc.text
        if not may_hold_url(text):
            doc._.kg_urls = ()
            return doc
        words, starts, ends = doc._.kg_tokens
        if words:
            # the lexer made every URL one token
            doc._.kg_urls = tuple(
                (starts[i], ends[i], words[i], canonical_url(words[i]))
                for i in url_token_indices(text, words, starts)
            )
        else:
            doc._.kg_urls = find_urls(text)
        return doc

    return urls
