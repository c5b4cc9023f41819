"""One polite HTTP client for ``kg fetch``: timeouts, retries, a rate limit, a User-Agent.

Why ``httpx`` and a forty-line retry loop of our own, and not the sources' client
libraries (issue 14 asked to look at them first):

- ``huggingface_hub`` (``HfApi.list_daily_papers``) returns parsed ``PaperInfo``
  objects, not the response body we keep in the cache and re-read with our own
  readers; its retries and their delays are its own; and it would be a large new
  dependency for one GET. Its mirror setting, ``HF_ENDPOINT``, we honour too.
- ``arxiv`` (arxiv.py) parses with feedparser into ``Result`` objects and fetches the
  next page itself, so the raw Atom pages never reach us; it retries every non-200
  answer (a 400 for a bad query too) after its fixed 3 s gap, ignores ``Retry-After``,
  and sends its requests without a timeout; its URL is a class attribute.
- ``httpx`` is already installed with spaCy (weasel needs it), has real connect/read
  timeouts and a base URL, and talks to a fake server on 127.0.0.1 like any other. The
  retry policy below is then ours to state and to test: which failures are retried,
  how long each wait is (``Retry-After`` in seconds or as an HTTP date, else
  exponential backoff), and the gap between two requests (arXiv asks for 3 s).

Every wait goes through the module-level ``sleep``, so tests replace it and assert the
delays asked for instead of waiting.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from kg import __version__
from kg.errors import KgError

if TYPE_CHECKING:
    import httpx  # imported when a Client is made: every other kg command starts faster without it

__all__ = ["BadResponse", "Client", "FetchError", "Politeness", "USER_AGENT", "redact", "retry_after", "sleep"]

#: Who is asking: servers can see which tool sends the requests and where to read about it.
USER_AGENT = f"kg/{__version__} (knowledge-graph builder for ML papers)"

#: Statuses worth asking again after a wait: rate limited, or a server-side failure.
_RETRY_STATUSES = frozenset({408, 425, 429})

#: Replaced in tests: every wait (backoff, Retry-After, rate limit) calls it.
sleep: Callable[[float], None] = time.sleep

T = TypeVar("T")


class FetchError(KgError):
    """A source could not be fetched: the server failed, refused, or sent something unusable."""


class BadResponse(Exception):
    """A response body that is not a valid answer; ``retry`` when asking again may help."""

    def __init__(self, message: str, *, retry: bool = False) -> None:
        super().__init__(message)
        self.retry = retry


@dataclass(frozen=True)
class Politeness:
    """How long to wait for a server, how often to ask again, and how fast to ask."""

    timeout: float = 30.0  # seconds to connect, and between two reads of the body
    attempts: int = 4  # tries per request, the first included
    backoff: float = 2.0  # the first retry waits this long, each next one twice as long
    max_wait: float = 300.0  # a Retry-After longer than this is reported, not waited out
    interval: float = 0.0  # at least this many seconds from one request to the next


def retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delay-seconds or an HTTP date); None if absent or unreadable."""
    if not value or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    now = now or dt.datetime.now(dt.timezone.utc)
    return max(0.0, (when - now).total_seconds())


def redact(url: str) -> str:
    """A URL as messages and reports show it: a password in it (a mirror's) becomes ``***``."""
    scheme, sep, rest = url.partition("://")
    cut = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority, tail = rest[:cut], rest[cut:]
    userinfo, at, host = authority.rpartition("@")
    if not sep or not at or ":" not in userinfo:
        return url
    return f"{scheme}://{userinfo.partition(':')[0]}:***@{host}{tail}"


def _one_line(text: str, limit: int = 160) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _transport_problem(exc: httpx.TransportError, timeout: float) -> str:
    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return f"no answer within {timeout:g} s"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect ({_one_line(exc) or type(exc).__name__})"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"the response broke off: {_one_line(exc) or 'the connection closed'}"
    return f"connection failed ({_one_line(exc) or type(exc).__name__})"


class Client:
    """GET requests to one server, politely: every request waits its turn, failures are retried.

    ``get`` returns what ``check`` makes of the body of a 2xx response. A timeout, a
    broken connection, a 408/425/429 or a 5xx is retried up to ``attempts`` times in
    all, waiting what ``Retry-After`` asks (up to ``max_wait``) or ``backoff`` seconds
    doubling each time; another status is an error at once. ``check`` raises
    ``BadResponse`` for a body that is no valid answer (retried only if it says so).
    Errors are ``FetchError``: one line, ``LABEL: what happened (URL)``.
    """

    def __init__(
        self,
        base_url: str,
        politeness: Politeness = Politeness(),
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        import httpx

        self.base_url = base_url.rstrip("/")
        self.politeness = politeness
        self.requests = 0  # requests sent, retries included
        self._last: float | None = None  # when the last request was sent (monotonic)
        try:
            self._http = httpx.Client(
                base_url=self.base_url,
                timeout=politeness.timeout,
                headers={"User-Agent": USER_AGENT},
                follow_redirects=True,
                transport=transport,
            )
        except (ValueError, httpx.InvalidURL) as exc:
            raise FetchError(f"{redact(base_url)!r} is not a usable base URL ({_one_line(exc)})") from None

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def url(self, path: str, params: dict[str, Any]) -> str:
        """The full URL a request for ``path`` with ``params`` goes to (a password shown as ``***``)."""
        return redact(str(self._request(path, params).url))

    def _request(self, path: str, params: dict[str, Any]) -> httpx.Request:
        import httpx

        try:
            return self._http.build_request("GET", path, params=params)
        except (ValueError, httpx.InvalidURL) as exc:
            raise FetchError(f"{redact(self.base_url)}{path}: not a usable URL ({_one_line(exc)})") from None

    def _wait(self, delay: float) -> None:
        """Wait ``delay`` seconds, and at least until ``interval`` has passed since the last request."""
        if self._last is not None:
            delay = max(delay, self.politeness.interval - (time.monotonic() - self._last))
        if delay > 0:
            sleep(delay)

    def get(
        self,
        path: str,
        params: dict[str, Any],
        label: str,
        check: Callable[[bytes], T],
        explain: Callable[[bytes], str | None] | None = None,
    ) -> T:
        """``check(body)`` of a successful GET of ``path?params``; ``label`` starts every error.

        ``explain`` may turn the body of a refused request (a 4xx) into the server's reason.
        """
        import httpx

        request = self._request(path, params)
        url = redact(str(request.url))
        attempts = max(1, self.politeness.attempts)
        delay = 0.0
        problem = ""
        for attempt in range(1, attempts + 1):
            self._wait(delay)
            self._last = time.monotonic()
            self.requests += 1
            asked: float | None = None
            try:
                response = self._http.send(request)
            except httpx.TransportError as exc:
                problem = _transport_problem(exc, self.politeness.timeout)
            else:
                status = response.status_code
                if 200 <= status < 300:
                    try:
                        return check(response.content)
                    except BadResponse as exc:
                        if not exc.retry:
                            raise FetchError(f"{label}: {exc} ({url})") from None
                        problem = str(exc)
                elif status in _RETRY_STATUSES or status >= 500:
                    problem = f"HTTP {status}"
                    asked = retry_after(response.headers.get("Retry-After"))
                    if asked is not None and asked > self.politeness.max_wait:
                        raise FetchError(
                            f"{label}: HTTP {status}; the server asks to wait {asked:.0f} s before asking again "
                            f"(more than {self.politeness.max_wait:g} s); try again later ({url})"
                        )
                else:
                    reason = explain(response.content) if explain else None
                    detail = f": {_one_line(reason)}" if reason else f" {response.reason_phrase}".rstrip()
                    raise FetchError(f"{label}: HTTP {status}{detail} ({url})")
            delay = asked if asked is not None else self.politeness.backoff * 2 ** (attempt - 1)
        noun = "attempt" if attempts == 1 else "attempts"
        raise FetchError(f"{label}: {problem} after {attempts} {noun} ({url})")
