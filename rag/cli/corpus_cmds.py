"""`rag articles` and `rag chunks`: show what ingestion makes of files."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..chunking import ChunkSettings
from ..errors import RagError
from ..ingest import ingest_paths
from ..settings import default_seeds
from .output import print_json, report_problems


def add_chunk_options(parser: argparse.ArgumentParser) -> None:
    defaults = ChunkSettings()
    parser.add_argument("--chunk-size", type=int, default=defaults.size, help="target characters per chunk")
    parser.add_argument("--chunk-overlap", type=int, default=defaults.overlap, help="characters carried over")


def chunk_settings(args: argparse.Namespace) -> ChunkSettings:
    """The chunking the options ask for; a size or overlap out of range is a usage error, for every command."""
    try:
        return ChunkSettings(size=args.chunk_size, overlap=args.chunk_overlap,
                             max_size=max(ChunkSettings().max_size, args.chunk_size))
    except ValueError as exc:
        raise RagError(f"--chunk-size {args.chunk_size} --chunk-overlap {args.chunk_overlap}: {exc}") from None


def register(sub) -> None:
    p = sub.add_parser("articles", help="split files into articles and print them")
    p.add_argument("paths", nargs="*", type=Path, help="files or folders (default: seeds/)")
    p.add_argument("--json", action="store_true", help="print a JSON list of articles")
    p.set_defaults(func=run_articles)
    p = sub.add_parser("chunks", help="split files into chunks and print them")
    p.add_argument("paths", nargs="*", type=Path, help="files or folders (default: seeds/)")
    p.add_argument("--json", action="store_true", help="print a JSON list of chunks")
    add_chunk_options(p)
    p.set_defaults(func=run_chunks)


def run_articles(args: argparse.Namespace) -> int:
    docs, problems = ingest_paths(args.paths or [default_seeds()])
    if args.json:
        print_json([a.to_dict() for d in docs for a in d.articles])
    else:
        for doc in docs:
            print(f"{doc.source.name} ({doc.source.encoding}): {len(doc.articles)} articles")
            for n, art in enumerate(doc.articles, 1):
                derived = "（标题由首句生成）" if art.title_derived else ""
                who = "、".join(art.reporters)
                meta = " · ".join(x for x in (art.dateline, who) if x)
                print(f"  {n}. {art.title}{derived}" + (f"  [{meta}]" if meta else ""))
                print(f"     {len(art.paragraphs)} paragraphs, {len(art.body)} chars, "
                      f"{len(art.headings)} headings, {len(art.captions)} captions")
    return report_problems(problems)


def run_chunks(args: argparse.Namespace) -> int:
    docs, problems = ingest_paths(args.paths or [default_seeds()], chunk_settings(args))
    if args.json:
        print_json([c.to_dict() for d in docs for c in d.chunks])
    else:
        for doc in docs:
            print(f"{doc.source.name}: {len(doc.chunks)} chunks")
            for c in doc.chunks:
                preview = c.text.replace("\n", " ")[:60]
                print(f"  {c.id} [{c.start}:{c.end}] {c.title[:16]} | {preview}…")
    return report_problems(problems)
