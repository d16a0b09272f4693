"""What a benchmark records about the machine it ran on.

Machines sold as the same "2 cores" differ by up to 3x in speed, so a throughput measured on
one says little about another. Each result records the time of one fixed piece of pure
Python work: an empty loop of 10 million iterations run as module-level code, as
``python3 -c "for i in range(10_000_000): pass"`` runs it (the measure the docs and the
session notes quote), the best of three. A result can then be compared with one from another
machine, and a target judged knowing what machine it met.
"""

from __future__ import annotations

import os
import platform
import time
from typing import Any

# Module-level code: the loop variable is a global, as under ``python3 -c``.
_LOOP = compile("for i in range(10_000_000): pass", "<machine-loop>", "exec")


def python_loop_seconds(repeats: int = 3) -> float:
    """Seconds of the fixed empty loop, the best of ``repeats`` runs."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        exec(_LOOP, {})  # a constant statement, compiled above
        best = min(best, time.perf_counter() - started)
    return round(best, 3)


def describe() -> dict[str, Any]:
    """CPU count, Python version and the loop's time, for a result's ``machine``."""
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "python_loop_seconds": python_loop_seconds(),
    }
