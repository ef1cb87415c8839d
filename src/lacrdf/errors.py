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


MAX_SHOWN = 50
"""Record errors printed one per line at most; the count of the rest follows (JSON reports carry all)."""


def escape_controls(text: str) -> str:
    """One line whatever the input held: control characters (newline, CR, U+2028...) as escapes."""
    out = []
    for ch in text:
        if ch in "\x85\u2028\u2029" or ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0:
            out.append(ch.encode("unicode_escape").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)


class RecordErrors(LacrdfError):
    """Every record error of a run, sorted by file and line; each is rendered on its own line (at most
    MAX_SHOWN, then the count of the rest), and several are followed by a summary line."""

    def __init__(self, errors: list[RecordError]) -> None:
        unique = {(e.file, e.line, e.column, e.message, e.field, e.record, e.hint): e for e in errors}
        self.errors = sorted(unique.values(), key=lambda e: (e.file, e.line, e.column, e.message))
        super().__init__(self.render())

    def render(self) -> str:
        lines = [escape_controls(e.render()) for e in self.errors[:MAX_SHOWN]]
        if len(self.errors) > MAX_SHOWN:
            lines.append(f"... and {len(self.errors) - MAX_SHOWN} more (lacrdf validate --format json lists all)")
        if len(self.errors) > 1:
            files = len({e.file for e in self.errors})
            lines.append(f"{len(self.errors)} record errors in {files} file{'s' if files != 1 else ''}")
        return "\n".join(lines)


class InputError(LacrdfError):
    """Unreadable or malformed input that is not a curated record (a shapes file, a query, a path)."""


class QueryError(LacrdfError):
    """A stored query that does not exist, does not parse, or got a bad parameter."""


class RemoteError(LacrdfError):
    """A remote SPARQL endpoint or graph store failed: timeout, HTTP error, unreachable host."""

    exit_code = 3
