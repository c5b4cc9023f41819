"""Fetch papers from their sources into a local cache that ``kg build`` reads.

``hf_daily.fetch_days`` asks the Hugging Face daily-papers API for each day;
``arxiv.fetch_search`` asks arXiv's Atom API for a search or a list of ids, page by
page. Each response is kept as it came (one file per day or per page, written whole
or not at all) in the cache folder (``--cache``, ``$KG_CACHE``, else ``./.kg-cache``),
reused offline, and read by the usual readers in ``kg.sources``. The transport and its
politeness (timeouts, retries, ``Retry-After``, a rate limit) live in ``kg.fetch.http``.
"""

from kg.fetch.cache import DEFAULT_CACHE, Fetched, FetchReport, cache_dir
from kg.fetch.http import FetchError, Politeness

__all__ = ["DEFAULT_CACHE", "Fetched", "FetchError", "FetchReport", "Politeness", "cache_dir"]
