"""Benchmarks: performance targets measured by scripts, their figures recorded in docs/performance.md."""
