"""URL rules: URL tokens are covered early (no name inside a URL); each canonical URL is
one mention with the role ``code``.
"""

from __future__ import annotations

import bisect

from kg.extract.rules.state import TextState
from kg.names import is_github


def find_url_tokens(d: TextState) -> None:
    """URL tokens: covered (no name inside a URL), kept for ``url_mentions``."""
    covered, starts, url_occ = d.covered, d.starts, d.url_occ
    for s, e, raw, canon in d.urls_in:
        i = bisect.bisect_right(starts, s) - 1
        if i >= 0:
            covered[i] = True
        url_occ.append((max(i, 0), raw, canon))


def url_mentions(d: TextState) -> None:
    """One mention per canonical URL, role ``code``."""
    seen_urls: dict[str, dict] = {}
    n = d.n
    for i, raw, canon in d.url_occ:
        typ = "github" if is_github(canon) else "url"
        k = canon
        if k in seen_urls:
            seen_urls[k]["count"] += 1
            continue
        aliases = (raw,) if raw != canon and raw.rstrip("/") != canon or (raw != canon and typ == "url") else ()
        seen_urls[k] = {
            "name": canon,
            "type": typ,
            "aliases": tuple(a for a in aliases if a != canon),
            "role": "code",
            "evidence": d.evidence(d.sent_index(i), i, i + 1) if n else "",
            "count": 1,
            "family": None,
            "rule": "urls.tokens",
            "typed_by": "types.url",
        }
    d.mentions.extend(seen_urls.values())
