"""How fast this machine is right now, printed beside every benchmark's figures.

The two cores of a shared virtual machine do not always run at the same speed: over a
session the same pure-Python loop took from 10 ms to 18 ms. Benchmarks print this
reference before and after their runs, so a slow figure can be told from a slow moment.
"""
import statistics
import timeit

#: What ``reference_ms()`` gives on this machine when it is quiet (measured 2026-11-21).
QUIET_MS = 10.2


def reference_ms():
    """Median of five timings of ``sum(range(10**6))``, in milliseconds."""
    return statistics.median(timeit.repeat("sum(range(1_000_000))", number=10, repeat=5)) * 100


def report(when):
    ms = reference_ms()
    print(f"CPU reference {when}: sum(range(10**6)) in {ms:.1f} ms "
          f"({ms / QUIET_MS:.2f}x the {QUIET_MS} ms of a quiet moment; the figures scale with it)")
