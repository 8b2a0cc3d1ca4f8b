"""Sandbox benchmark: the overhead of a trivial run, Python and JavaScript, through `run_code`.

Run: `python benchmarks/sandbox.py [--runs 30]`. Prints the active isolation layers and the median,
p90 and min wall time of a run whose code does nothing (start the child, lock it down, run, reply,
clean up). Targets at the median: Python under 50 ms, JavaScript under 20 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parents[1] / "layers")]

from deca.sandbox import CodeRequest, detect_isolation, run_code  # noqa: E402

TRIVIAL = {
    "python": CodeRequest(language="python", source="def main(input):\n    return input\n", input=1),
    "javascript": CodeRequest(
        language="javascript", source="function main(input) { return input; }", input=1
    ),
}
TARGET_MS = {"python": 50.0, "javascript": 20.0}


def _measure(request: CodeRequest, runs: int) -> list[float]:
    run_code(request)  # warm the page cache
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run_code(request)
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> int:
    """Measure and print; exit status 1 when a median misses its target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    started = time.perf_counter()
    isolation = detect_isolation()
    print(f"isolation probe: {(time.perf_counter() - started) * 1000:.0f} ms (once per process)")
    layers = run_code(TRIVIAL["python"]).layers
    print(f"layers: {', '.join(layers)}")
    missed = False
    for language, request in TRIVIAL.items():
        times = sorted(_measure(request, args.runs))
        median = statistics.median(times)
        p90 = times[int(len(times) * 0.9) - 1]
        verdict = "ok" if median < TARGET_MS[language] else "over target"
        missed = missed or median >= TARGET_MS[language]
        print(
            f"{language:<10} median {median:6.1f} ms  p90 {p90:6.1f} ms  min {times[0]:6.1f} ms"
            f"  (target < {TARGET_MS[language]:.0f} ms: {verdict})"
        )
    print(f"bubblewrap: {'on' if isolation.bubblewrap else 'off'}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
