"""Errors for taxonomy files a user can fix; each names the file, the entry and the field."""


class TaxonomyError(Exception):
    """A taxonomy file (bundled or a user overlay) is malformed."""

    def __init__(self, path: str, message: str, entry: str | None = None, field: str | None = None):
        self.path, self.entry, self.field = path, entry, field
        where = path
        if entry:
            where += f": {entry}"
        if field:
            where += f": field {field!r}"
        super().__init__(f"{where}: {message}")
