"""Benchmarks for privacy-dsl (not tests: nothing here asserts a time). Run `python -m benchmarks`."""
