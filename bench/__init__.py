"""Benchmarks: embedder throughput, ingest stages, search at scale, `ask` latency, a LangChain baseline.

Run from the repository root, e.g. `python -m bench.run_all --quick --out bench/out`; see docs/PERFORMANCE.md.
"""
