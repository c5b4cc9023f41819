"""One exception family: everything a user can fix is a ``KgError``."""


class KgError(Exception):
    """A problem the user can fix; the CLI prints it as one line and exits 1."""


class InputError(KgError):
    """An input file is missing, unreadable or in an unknown format."""


class StoreUnavailable(KgError):
    """The graph store cannot be opened or reached."""


class AuthFailed(StoreUnavailable):
    """The graph server refused the credentials."""


class QueryRejected(KgError):
    """A Cypher query is invalid, or writes where only reads are allowed."""


class ExportError(KgError):
    """The graph cannot be exported as asked."""
