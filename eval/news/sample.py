"""Draw the articles of the news QA set from the shared CRUD corpus (fixed seed) into eval/news/articles/."""

from __future__ import annotations

import argparse
import hashlib
import json
import lzma
import random
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "crud-news-part1-4.jsonl.xz"
OUT = Path(__file__).resolve().parent / "articles"
SEED = 20261123
N = 160
MIN_CHARS, MAX_CHARS = 350, 2500


def split_of(article_id: str) -> str:
    """dev or test, fixed by the article id before any tuning: follow-up pairs share an article, so a split."""
    return "dev" if int(hashlib.sha1(article_id.encode()).hexdigest()[:8], 16) % 2 == 0 else "test"


def sample(corpus: Path = CORPUS, n: int = N, seed: int = SEED, exclude: frozenset[str] = frozenset()) -> list[dict]:
    """n records of moderate length, drawn with a fixed seed, in corpus order (ids in `exclude` left out)."""
    with lzma.open(corpus, "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    usable = [i for i, r in enumerate(records) if MIN_CHARS <= len(r["text"]) <= MAX_CHARS and r["id"] not in exclude]
    chosen = sorted(random.Random(seed).sample(usable, n))
    return [records[i] for i in chosen]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--n", type=int, default=N)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--exclude", type=Path, action="append", default=[],
                        help="a folder of articles drawn before: their ids are not drawn again")
    args = parser.parse_args()
    exclude = frozenset(p.stem for folder in args.exclude for p in folder.glob("*.txt"))
    args.out.mkdir(parents=True, exist_ok=True)
    for record in sample(args.corpus, args.n, args.seed, exclude):
        (args.out / f"{record['id']}.txt").write_text(record["text"].strip() + "\n", encoding="utf-8")
        print(record["id"], split_of(record["id"]), record["published"] or "-", len(record["text"]))


if __name__ == "__main__":
    main()
