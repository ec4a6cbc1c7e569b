"""Progress for long work: a rich bar on a terminal, plain lines otherwise (logs, CI)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

Update = Callable[[int, int], None]  # (done, total); total 0 when unknown
PLAIN_EVERY_SECONDS = 5.0


def on_terminal() -> bool:
    """Whether stderr is a terminal (a bar), or a log or pipe (plain lines)."""
    return sys.stderr.isatty()


@contextmanager
def progress(description: str) -> Iterator[Update]:
    """Report progress of one piece of work on stderr."""
    with phases(description) as (update,):
        yield update


@contextmanager
def phases(*descriptions: str) -> Iterator[tuple[Update, ...]]:
    """Report progress of several pieces of work, one line each (rich shows one display)."""
    if not on_terminal():
        yield tuple(_plain(d) for d in descriptions)
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(file=sys.stderr)) as bar:
        yield tuple(_task(bar, d) for d in descriptions)


def _task(bar: Progress, description: str) -> Update:
    task = bar.add_task(description, total=None, start=False)

    def update(done: int, total: int) -> None:
        bar.start_task(task)
        bar.update(task, completed=done, total=total or None)

    return update


def _plain(description: str) -> Update:
    last = [0.0]

    def update(done: int, total: int) -> None:
        now = time.monotonic()
        finished = total and done >= total
        if now - last[0] >= PLAIN_EVERY_SECONDS or finished:
            last[0] = now
            of = f"/{total}" if total else ""
            print(f"{description}: {done}{of}", file=sys.stderr, flush=True)

    return update
