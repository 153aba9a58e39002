"""Every benchmark in turn; `--quick` is the small setting exercised by tests/test_bench_quick.py.

python -m bench.run_all [--quick] [--out bench/out] [--only embedders,ingest,scale,ask,langchain]
"""

from __future__ import annotations

import sys
import time

from . import ask, embedders, ingest, langchain_baseline, scale
from .common import base_parser, write_json

BENCHES = {"embedders": embedders, "ingest": ingest, "scale": scale, "ask": ask, "langchain": langchain_baseline}


def main(argv=None) -> dict:
    p = base_parser(__doc__)
    p.add_argument("--only", default=",".join(BENCHES), help="comma-separated subset")
    args = p.parse_args(argv)
    common = ["--out", str(args.out)] + (["--quick"] if args.quick else []) + \
        (["--corpus", str(args.corpus)] if args.corpus else [])
    seconds = {}
    for name in args.only.split(","):
        t0 = time.perf_counter()
        print(f"\n# {name}", flush=True)
        BENCHES[name].main(common)
        seconds[name] = round(time.perf_counter() - t0, 1)
    write_json(args.out, "run_all", {"quick": args.quick, "seconds": seconds})
    print(f"\nseconds per benchmark: {seconds}", file=sys.stderr)
    return seconds


if __name__ == "__main__":
    main()
