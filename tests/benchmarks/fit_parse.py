"""Print how long `parse_file` takes against a bare fitparse decode of the same FIT files.

    python -m tests.benchmarks.fit_parse FILE.fit [FILE.fit …] [--repeat 3]

"bare" is `list(fitparse.FitFile(data).get_messages())`; "uncached" the same with UncachedFitFile (what
the parser uses underneath, without keeping every message), the strictest baseline. Target: parse <=
1.25 x bare. CPU time of this process (robust on a busy machine), best of --repeat runs.
"""

from __future__ import annotations

import argparse
import io
import time
from collections.abc import Callable
from pathlib import Path

import fitparse

from ingest.parsers import parse_file


def _best(run: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.fit_parse", description=__doc__.splitlines()[0]
    )
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    totals = [0.0, 0.0, 0.0]
    for path in args.files:
        data = path.read_bytes()
        times = (
            _best(lambda data=data: list(fitparse.FitFile(io.BytesIO(data)).get_messages()), args.repeat),
            _best(
                lambda data=data: list(fitparse.UncachedFitFile(io.BytesIO(data)).get_messages()), args.repeat
            ),
            _best(lambda data=data, name=path.name: parse_file(name=name, data=data), args.repeat),
        )
        totals = [t + u for t, u in zip(totals, times, strict=True)]
        _report(path.name, *times)
    _report("total", *totals)


def _report(label: str, bare: float, uncached: float, parse: float) -> None:
    print(
        f"{label}: bare {bare:.3f} s, uncached {uncached:.3f} s, parse_file {parse:.3f} s, "
        f"ratio {parse / bare:.2f} (vs uncached {parse / uncached:.2f})"
    )


if __name__ == "__main__":
    main()
