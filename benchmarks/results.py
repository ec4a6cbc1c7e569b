"""RESULTS.md: each benchmark owns one section between its markers, replaced on rerun."""

from __future__ import annotations

import re
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")


def replace_section(start: str, end: str, section: str) -> None:
    """Put `section` (which begins with `start` and ends with `end`) in RESULTS.md."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    if start in text:
        pattern = re.escape(start) + ".*?" + re.escape(end) + "\n"
        text = re.sub(pattern, lambda _: section, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text)


def section_of(start: str, end: str) -> str:
    """The text of a section, between its markers."""
    return RESULTS.read_text().split(start)[1].split(end)[0]
