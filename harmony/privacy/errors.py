"""The privacy commands' one error: a database that cannot be used (told in one line)."""


class DatabaseUnavailable(RuntimeError):
    """The app database or the tracker store cannot be read or written."""
