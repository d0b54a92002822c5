"""Errors the crawler and the store raise for things a user can fix.

The CLI turns each into one line and an exit code; ``--traceback`` shows the rest.
"""


class CrawlerError(Exception):
    """Base of every user-facing error from this part."""


class StoreError(CrawlerError):
    """The store cannot be opened or written (bad path, read-only folder, wrong URL)."""


class ImportFileError(CrawlerError):
    """An input file as a whole cannot be read: missing, a directory, empty, not UTF-8, wrong columns."""

    def __init__(self, path: str, message: str, line: int | None = None):
        self.path = path
        self.line = line
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


class SourceError(CrawlerError):
    """A sources file is malformed (names the file and the entry)."""
