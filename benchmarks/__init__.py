"""The benchmarks `make bench` runs (`python -m benchmarks`, see __main__.py); results in docs/benchmarks.md."""
