"""Benchmarks for Tandem. See bench/README.md."""
