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
# (_drop_template_debris applies it in linear time; the pattern stays as its specification)
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
    """The canonical form of a URL: ``https://github.com/owner/repo`` for GitHub, else tidied.

    Idempotent: tidying can uncover more debris ("x.git.git", "a?#." once the dot is gone,
    "< x >"), so the tidying is repeated until nothing changes (once for an ordinary URL).
    """
    out, final = _tidy_url(url)
    for _ in range(_MAX_PASSES):
        if final:
            break
        again, final = _tidy_url(out)
        if again == out:
            break
        out = again
    return out


_MAX_PASSES = 16


def _tidy_url(url: str) -> tuple[str, bool]:
    """One pass of ``canonical_url``, and whether another pass is known to change nothing.

    (A repository URL with a name is final: the next pass matches the same owner and name.)
    """
    url = _strip_ends(url)
    if not url:
        return "", True
    m = _GITHUB_RE.match(url)
    if m:
        owner, repo = m.group(1), m.group(2)
        repo = _repo_without_tail(_drop_template_debris(repo))
        return f"https://github.com/{owner}/{repo}", bool(repo)
    url = _drop_template_debris(url)
    url = re.split(r"[?#]", url, maxsplit=1)[0] if re.search(r"[?#]$", url) else url
    if "://" not in url:
        url = "https://" + url  # "www.x.org", "lab.github.io": the address as a browser would open it
    scheme, sep, rest = url.partition("://")
    keep = 0
    if sep:
        host, slash, path = rest.partition("/")
        url = f"{scheme.lower()}://{host.lower()}{slash}{path}"
        keep = len(scheme) + 3  # never strip into "scheme://"
    if url[-1:] in _TRAILING_SET:
        url = url[:keep] + url[keep:].rstrip(_TRAILING)
    return url, False


_TRAILING_SET = frozenset(_TRAILING)


def _strip_ends(url: str) -> str:
    """``url`` without the white space and angle brackets around it ("<https://x.org>", "< x >")."""
    a, b = 0, len(url)
    while a < b and (url[a] in "<>" or url[a].isspace()):
        a += 1
    while b > a and (url[b - 1] in "<>" or url[b - 1].isspace()):
        b -= 1
    return url[a:b]


def _repo_without_tail(repo: str) -> str:
    """A repository name without trailing ".", "-", "_" and ".git" ("x.git", "x.git.git", "x-")."""
    end = len(repo)
    while end:
        c = repo[end - 1]
        if c in ".-_":
            end -= 1
        elif c in "tT" and end >= 4 and repo[end - 4 : end].lower() == ".git":
            end -= 4
        else:
            break
    return repo[:end]


def _drop_template_debris(url: str) -> str:
    """``_TEMPLATE_DEBRIS.sub("", url)`` in linear time.

    The pattern drops a "{..." tail (with at most one "}", at the end) and any other brace;
    the regex tries the tail at every "{", each try running on to the next "}": quadratic in
    a long token of many "{". The tail starts at the first "{" whose next "}" is the last
    character (or the one before a final newline, where ``$`` also matches), or that has no
    "}" after it.
    """
    if "{" not in url and "}" not in url:
        return url
    closes = [i for i, c in enumerate(url) if c == "}"]
    size = len(url)
    cut, keep = size, ""
    p = url.find("{")
    while p >= 0:
        k = bisect_right(closes, p)
        f = closes[k] if k < len(closes) else -1
        if f < 0 or f == size - 1:
            cut = p
            break
        if f == size - 2 and url[-1] == "\n":
            cut, keep = p, "\n"
            break
        p = url.find("{", p + 1)
    return url[:cut].replace("{", "").replace("}", "") + keep


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
