"""Exception types of lacrdf. Every error that comes from user input carries its place
(file, line, column, field) so the CLI can render it as one located line."""

from __future__ import annotations

from dataclasses import dataclass


class LacrdfError(Exception):
    """Base class of every error lacrdf raises on purpose. The CLI maps it to an exit code."""

    exit_code = 2

    def render(self) -> str:
        return str(self)


@dataclass
class RecordError(LacrdfError):
    """A problem in a curated record: rendered as ``file:line:col: record 'id': field 'f': message (hint)``."""

    file: str
    line: int
    column: int
    message: str
    field: str | None = None
    record: str | None = None
    hint: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.render())

    def render(self) -> str:
        parts = [f"{self.file}:{self.line}:{self.column}:"]
        if self.record:
            parts.append(f"record '{self.record}':")
        if self.field:
            parts.append(f"field '{self.field}':")
        text = " ".join(parts) + " " + self.message
        if self.hint:
            text += f" ({self.hint})"
        return text

    def __str__(self) -> str:
        return self.render()


class RecordErrors(LacrdfError):
    """Several record errors found in one pass; each is rendered on its own line."""

    def __init__(self, errors: list[RecordError]) -> None:
        self.errors = sorted(errors, key=lambda e: (e.file, e.line, e.column, e.message))
        super().__init__(self.render())

    def render(self) -> str:
        return "\n".join(e.render() for e in self.errors)


class InputError(LacrdfError):
    """Unreadable or malformed input that is not a curated record (a shapes file, a query, a path)."""


class QueryError(LacrdfError):
    """A stored query that does not exist, does not parse, or got a bad parameter."""


class RemoteError(LacrdfError):
    """A remote SPARQL endpoint or graph store failed: timeout, HTTP error, unreachable host."""

    exit_code = 3
