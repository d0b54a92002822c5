"""Errors in a profile a user can fix; each names the file and, where it can, the line or field."""


class MatcherError(Exception):
    """Base of the matcher's user-facing errors."""


class ProfileError(MatcherError):
    def __init__(self, path: str, message: str, field: str | None = None, line: int | None = None):
        self.path, self.field, self.line = path, field, line
        where = f"{path}:{line}" if line else path
        if field:
            where += f": field {field!r}"
        super().__init__(f"{where}: {message}")
