"""Domain exceptions. Only cli.py turns them into a Chinese sentence and exit code 1."""


class SqjgError(Exception):
    """A user-facing refusal; str(e) is one clear sentence for the person at the terminal."""


class NotFound(SqjgError):
    """A name or id matches no record."""


class Invalid(SqjgError):
    """A value that cannot be accepted (bad date, amount, category, kind...)."""


class Conflict(SqjgError):
    """The request contradicts what is already recorded (duplicate, second lead unit...)."""


class DatabaseFileError(SqjgError):
    """The database file cannot be used: missing, not SQLite, newer schema, read-only."""
