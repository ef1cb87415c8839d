"""What a check reports: a SHACL engine's raw results, results traced back to the records, and the sorted
report every output format renders."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib.namespace import SH

from lacrdf.records.model import Origin

SEVERITIES = ("info", "warning", "violation")

_SEVERITY_OF = {SH.Info: "info", SH.Warning: "warning", SH.Violation: "violation"}

@dataclass(frozen=True, slots=True, order=True)
class ValidationResult:
    """One SHACL result, with the place in the records it comes from (when known)."""

    origin: Origin | None
    severity: str
    focus: str
    path: str | None
    value: str | None
    shape: str
    constraint: str
    message: str
    record: str | None = None
    field: str | None = None

    def sort_key(self) -> tuple[str, int, int, str, str, str, str]:
        o = self.origin
        return (o.file if o else "~", o.line if o else 0, o.column if o else 0, self.focus, self.path or "",
                self.constraint, self.value or "")

@dataclass(frozen=True)
class ValidationReport:
    """Sorted results plus what was validated; ``conforms(threshold)`` decides the exit code."""

    results: tuple[ValidationResult, ...]
    shapes: tuple[str, ...] = field(default=())

    def at_least(self, threshold: str) -> list[ValidationResult]:
        rank = SEVERITIES.index(threshold)
        return [r for r in self.results if SEVERITIES.index(r.severity) >= rank]

    def conforms(self, threshold: str = "violation") -> bool:
        return not self.at_least(threshold)

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(SEVERITIES, 0)
        for r in self.results:
            out[r.severity] += 1
        return out

@dataclass(frozen=True, slots=True)
class RawResult:
    """What a SHACL engine reports for one result, before it is traced back to a record.

    Terms are N-Triples strings for literals (``"1"^^<...#integer>``) and plain IRIs otherwise; ``shape``
    is the stable shape name (see ``shape_name``)."""

    focus: str
    path: str | None
    value: str | None
    shape: str
    constraint: str
    severity: str
    message: str
