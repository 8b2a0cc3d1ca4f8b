"""Sandbox benchmark: the overhead of a trivial run, Python and JavaScript, through `run_code`.

Run: `python benchmarks/sandbox.py [--runs 30]`. Prints the active isolation layers and the median,
p90 and min wall time of a run whose code does nothing (start the child, lock it down, run, reply,
clean up), for both ways a child starts: forked from the pre-started zygote (the default) and cold (a
new interpreter per run). Both with the detected isolation and, when it includes bubblewrap, without
it (to show that layer's share). Targets at the median, zygote path: Python under 50 ms, JavaScript
under 20 ms. The zygote's own start (once per language and isolation) is printed separately.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parents[1] / "layers")]

from deca.sandbox import CodeRequest, Isolation, SandboxLimits, detect_isolation, run_code, zygote  # noqa: E402

TRIVIAL = {
    "python": CodeRequest(language="python", source="def main(input):\n    return input\n", input=1),
    "javascript": CodeRequest(
        language="javascript", source="function main(input) { return input; }", input=1
    ),
}
TARGET_MS = {"python": 50.0, "javascript": 20.0}


def _measure(request: CodeRequest, isolation: Isolation, limits: SandboxLimits, runs: int) -> list[float]:
    run_code(request, isolation=isolation, limits=limits)  # warm the page cache (and start the zygote)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run_code(request, isolation=isolation, limits=limits)
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times)


def _zygote_start_ms(language: str, isolation: Isolation) -> float:
    zygote.shutdown()
    started = time.perf_counter()
    run_code(TRIVIAL[language], isolation=isolation)
    return (time.perf_counter() - started) * 1000


def _report(title: str, isolation: Isolation, runs: int) -> None:
    layers = run_code(TRIVIAL["python"], isolation=isolation).layers
    print(f"{title}: {', '.join(layers)}")
    for language, request in TRIVIAL.items():
        first = _zygote_start_ms(language, isolation)
        for path, limits in (("zygote", SandboxLimits()), ("cold", SandboxLimits(zygote=False))):
            times = _measure(request, isolation, limits, runs)
            median = statistics.median(times)
            p90 = times[max(int(len(times) * 0.9) - 1, 0)]
            verdict = "ok" if median < TARGET_MS[language] else "over target"
            target = f"  (target < {TARGET_MS[language]:.0f} ms: {verdict})" if path == "zygote" else ""
            print(
                f"  {language:<10} {path:<6} median {median:6.1f} ms  p90 {p90:6.1f} ms  min {times[0]:6.1f} ms"
                f"{target}"
            )
        print(f"  {language:<10} first run, zygote start included: {first:.1f} ms")


def main() -> int:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    started = time.perf_counter()
    isolation = detect_isolation()
    print(f"isolation probe: {(time.perf_counter() - started) * 1000:.0f} ms (once per process)")
    _report("detected layers", isolation, args.runs)
    if isolation.bubblewrap:
        _report("without bubblewrap", replace(isolation, bubblewrap=None), args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
