"""`rag ask`: answer a question (or a batch) with cited sources."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..answer.condense import load_history
from ..answer.extractive import ExtractiveSettings
from ..answer.llm_settings import load_llm_settings
from ..answer.models import Answer
from ..answer.pipeline import ANSWERERS, AskSettings, stream_answer
from ..service import open_or_build
from ..settings import default_index_dir
from .index_cmds import add_index_option, add_retrieval_options, questions_from, retrieval_settings
from .output import print_json, print_json_line


def add_llm_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--llm-base-url", help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1")
    parser.add_argument("--llm-model", help="model name at that endpoint")
    parser.add_argument("--llm-api-key", help="API key (default: $RAG_LLM_API_KEY or 'none')")
    parser.add_argument("--llm-config", type=Path, help="JSON file with base_url, model, api_key, max_tokens …")


def ask_settings(args: argparse.Namespace, answerer: str | None = None) -> AskSettings:
    llm = load_llm_settings(args.llm_config, base_url=args.llm_base_url, model=args.llm_model,
                            api_key=args.llm_api_key)
    extractive = ExtractiveSettings()
    if getattr(args, "abstain_threshold", None) is not None:
        extractive = ExtractiveSettings(abstain_threshold=args.abstain_threshold)
    return AskSettings(retrieval=retrieval_settings(args), answerer=answerer or args.answerer,
                       extractive=extractive, llm=llm)


def register(sub) -> None:
    p = sub.add_parser("ask", help="answer a question with cited sources")
    p.add_argument("question", nargs="?", help="the question (or use --batch)")
    p.add_argument("--batch", help="file with one question per line ('-' for stdin)")
    p.add_argument("--answerer", default="extractive", help=f"{' or '.join(ANSWERERS)} (default extractive)")
    p.add_argument("--abstain-threshold", type=float, default=None,
                   help="evidence score below which the answer is 资料中没有找到 (calibrated by rag eval)")
    p.add_argument("--json", action="store_true",
                   help="print the Answer object as JSON (a rewritten follow-up is in \"rewritten_question\")")
    p.add_argument("--history", type=Path, metavar="FILE",
                   help="earlier turns of the conversation, so a follow-up such as 其中出口多少？ or 那去年呢？ is "
                        "rewritten into a question of its own (shown as 理解为：…): a JSON list (or JSON Lines) of "
                        '{"question": …, "answer": …} objects, oldest first, or a text file with one earlier '
                        "question per line. With --batch, each answered question joins the history for the next.")
    add_index_option(p)
    add_retrieval_options(p)
    add_llm_options(p)
    p.set_defaults(func=run_ask)


def run_ask(args: argparse.Namespace) -> int:
    questions = questions_from(args, "ask")
    if questions is None:
        return 2
    settings = ask_settings(args)
    history = [{"question": t.question, "answer": t.answer, "short_answer": t.short_answer}
               for t in load_history(args.history)] if args.history else []
    index = open_or_build(args.index or default_index_dir(), args.embedder, collection=args.collection)
    for question in questions:
        answer = None
        streamed = False
        for item in stream_answer(index, question, settings, history=history):
            if isinstance(item, Answer):
                answer = item
            elif not args.json:
                if not streamed:
                    print(f"问题：{question}\n答：", end="", flush=True)  # 理解为 follows with the checked answer
                    streamed = True
                print(item, end="", flush=True)
        if args.history:
            history.append({"question": answer.rewritten_question or answer.question, "answer": answer.text,
                            "short_answer": answer.short_answer})
        if args.json:
            (print_json_line if args.batch else print_json)(answer.to_dict())
        else:
            if streamed:
                print()
            print_answer(answer, header=not streamed)
    return 0


def print_answer(answer: Answer, header: bool = True) -> None:
    if header:
        print(f"问题：{answer.question}")
        if answer.rewritten_question:
            print(f"理解为：{answer.rewritten_question}")
        print(f"答：{answer.text}")
    elif answer.text:
        if answer.rewritten_question:
            print(f"理解为：{answer.rewritten_question}")
        print("——核查后——")
        print(answer.text)
    for sentence in answer.sentences:
        if not sentence.verified:
            print(f"  ⚠ 未核实：{sentence.text}（{'；'.join(sentence.problems)}）")
    for note in answer.notes:
        print(f"  注：{note}")
    if answer.citations:
        print("来源：")
        for c in answer.citations:
            when = "，".join(x for x in (c.published, c.dateline) if x)
            print(f"  [{c.number}] {c.title}" + (f"（{when}）" if when else "") + f"  {c.source}:{c.start}-{c.end}")
            print(f"      “{c.sentence}”")
            if c.sentence_dated:
                print(f"      按发表日期：{c.sentence_dated}")
    if answer.abstained and answer.related:
        print("可能相关：")
        for h in answer.related:
            print(f"  - {h.title}" + (f"（{h.dateline}）" if h.dateline else "") + f"  {h.source}")
    timings = "，".join(f"{k} {v * 1000:.0f}ms" for k, v in answer.timings.items())
    print(f"（{answer.answerer}；{timings}）")
