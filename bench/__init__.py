"""The benchmark harness (``make bench``, ``make bench-smoke``): a tool beside the package, not part of it."""
