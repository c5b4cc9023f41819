"""Names as every stage compares them: match keys, canonical URLs, model families, the gazetteer.

The ground floor under the extractor (``kg.extract``), the resolver (``kg.resolve``) and the
evaluation (``kg.evaluate``): none of them imports another's internals for these.

``match_key(name)``     how names are compared (``kg.text.match_key``, cached: names recur)
``canonical_url(url)``  ``https://github.com/owner/repo`` for GitHub, else the tidied URL
``is_github(url)``      whether a URL points into a GitHub repository
``family_of(name)``     "Qwen2.5-VL" for "Qwen2.5-VL-7B-Instruct": a checkpoint's family, else None
``load_gazetteer()``    the known artifacts of ``kg/extract/data/gazetteer.jsonl``, by key and by form

URLs: GitHub repository URLs become ``https://github.com/<owner>/<repo>`` (host lower-case,
owner/repo case kept); everything after the repository (``/tree/...``, ``/blob/...``,
``.git``, ``{here}``, query, fragment, trailing punctuation) is debris. Other URLs keep
their path but lose trailing ``/`` and ``.``.

Gazetteer: one ``{key, name, type, aliases}`` record a line, with two optional flags:
``"case": "exact"`` (match only as written: "Codex", "Janus", "Diffusion Policy" are
ordinary words or generic classes in other cases) and ``"variants": true`` (the name takes
version/size suffixes: "Qwen2.5-VL" in "Qwen2.5-VL-7B").
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

from kg.text import match_key as _match_key

__all__ = [
    "BRACKET_TIER",
    "GazRecord",
    "Gazetteer",
    "LETTER_SIZE_TAIL",
    "SIZE_TAIL",
    "TAG_TAIL",
    "VIT_CHECKPOINT",
    "canonical_url",
    "family_of",
    "is_github",
    "load_gazetteer",
    "match_key",
]

# names repeat across a corpus; normalising each one once is worth the memory
match_key = lru_cache(maxsize=200_000)(_match_key)


# -- URLs ----------------------------------------------------------------------------------
_GITHUB_RE = re.compile(
    r"^(?:https?://)?(?:www\.)?github\.com/([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)/([A-Za-z0-9._-]+)",
    re.IGNORECASE,
)
_TEMPLATE_DEBRIS = re.compile(r"\{[^}]*\}?$|[{}]")  # "{here}" left by a LaTeX \href
# (_drop_template_debris applies it in linear time; the pattern stays as its specification)
_TRAILING = ".,;:!?)]}>'\"/"
_TRAILING_SET = frozenset(_TRAILING)


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


# -- model families ------------------------------------------------------------------------
SIZE_TAIL = re.compile(r"[-_ ](?:\d{1,3}(?:\.\d+)?[BMKT]|\d+x\d+(?:\.\d+)?B|A\d+(?:\.\d+)?B)$")
# "ViT-B/16", "Chronoscope-L", "T5-small": a letter or word size with an optional patch size
LETTER_SIZE_TAIL = re.compile(
    r"[-_ ](?:[SMBLHGT]|XS|XL|XXL|[Tt]iny|[Ss]mall|[Bb]ase|[Ll]arge|[Hh]uge|[Gg]iant|[Mm]edium)(?:/\d+|-v\d+(?:\.\d+)?)?$"
)
TAG_TAIL = re.compile(r"[-_ ](?:Instruct|Chat|Base|it|hf|Preview|Exp|Distill)$", re.IGNORECASE)
BRACKET_TIER = re.compile(r"\[[a-z]{1,8}\]$")
VIT_CHECKPOINT = re.compile(r"ViT-[A-Za-z0-9]{1,6}(?:/\d{1,2})?$")


@lru_cache(maxsize=65536)
def family_of(name: str) -> str | None:
    """The family of a size/checkpoint variant ("Qwen2.5-VL" for "Qwen2.5-VL-7B-Instruct"), else None."""
    head, sep, tail = name.rpartition(" ")
    if sep and head and (VIT_CHECKPOINT.match(tail) or BRACKET_TIER.match(tail)):
        return head  # "CLIP ViT-L/14" is a checkpoint of CLIP, "FLUX.1 Kontext [dev]" a tier of FLUX.1 Kontext
    base = name
    for _ in range(3):
        new = TAG_TAIL.sub("", base)
        new = SIZE_TAIL.sub("", new)
        new = LETTER_SIZE_TAIL.sub("", new)
        if new == base:
            break
        base = new
    base = base.rstrip("-_ ")
    if base and base != name and len(base) >= 2:
        return base
    return None


# -- the gazetteer -------------------------------------------------------------------------
@dataclass(frozen=True)
class GazRecord:
    """One known artifact."""

    key: str
    name: str
    type: str
    aliases: tuple[str, ...]
    exact: bool = False
    variants: bool = False

    @cached_property  # read per gazetteer hit; a frozen dataclass still has a __dict__ for it
    def forms(self) -> tuple[str, ...]:
        """Name and aliases."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Gazetteer:
    """Known artifacts by record key and by the match key of each name and alias."""

    records: dict[str, GazRecord]
    by_form: dict[str, GazRecord]

    def __post_init__(self) -> None:
        # asked many times about names that recur across a corpus; the data never changes
        object.__setattr__(self, "lookup", lru_cache(maxsize=200_000)(self.lookup))

    def lookup(self, surface: str) -> GazRecord | None:
        """The record whose name or alias has the same match key as ``surface``."""
        return self.by_form.get(match_key(surface))


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """Load and index the shipped gazetteer (once per process)."""
    records: dict[str, GazRecord] = {}
    by_form: dict[str, GazRecord] = {}
    text = resources.files("kg").joinpath("extract", "data", "gazetteer.jsonl").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        rec = GazRecord(
            key=raw["key"],
            name=raw["name"],
            type=raw["type"],
            aliases=tuple(raw.get("aliases", ())),
            exact=raw.get("case") == "exact",
            variants=bool(raw.get("variants")),
        )
        records[rec.key] = rec
        for form in rec.forms:
            by_form.setdefault(match_key(form), rec)
    return Gazetteer(records=records, by_form=by_form)
