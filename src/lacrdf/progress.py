"""Progress of long steps. The library reports to a Reporter it is given (by default one that does
nothing); the CLI passes a progress bar on stderr when stderr is a terminal, and nothing in CI or with
--quiet."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import Protocol, TypeVar

T = TypeVar("T")


class Reporter(Protocol):
    def track(self, items: Iterable[T], label: str, total: int) -> Iterator[T]: ...

    def step(self, label: str) -> None: ...


class Silent:
    """Reports nothing."""

    def track(self, items: Iterable[T], label: str, total: int) -> Iterator[T]:
        yield from items

    def step(self, label: str) -> None:
        pass


SILENT = Silent()


class Bar:
    """click progress bars on stderr for iterations, one line per step."""

    def track(self, items: Iterable[T], label: str, total: int) -> Iterator[T]:
        import click

        with click.progressbar(items, length=total, label=label.ljust(22), file=sys.stderr,
                               show_pos=True) as bar:
            yield from bar

    def step(self, label: str) -> None:
        import click

        click.echo(f"{label}...", err=True)


def for_terminal(quiet: bool) -> Reporter:
    """A bar when a person watches (stderr is a terminal, not CI, not --quiet), else silence."""
    if quiet or os.environ.get("CI") or not sys.stderr.isatty():
        return SILENT
    return Bar()
