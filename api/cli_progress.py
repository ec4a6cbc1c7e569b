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


@contextmanager
def progress(description: str) -> Iterator[Update]:
    """Report progress of one piece of work on stderr."""
    if sys.stderr.isatty():
        with _bar(description) as update:
            yield update
    else:
        yield _plain(description)


@contextmanager
def _bar(description: str) -> Iterator[Update]:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        yield update


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
