"""Evaluation of retrieval, answers, citations and abstention on a QA file (`rag eval`)."""

from .qa_file import QAProblem, QARow, load_qa
from .runner import ConfigRun, EvalSettings, evaluate

__all__ = ["ConfigRun", "EvalSettings", "QAProblem", "QARow", "evaluate", "load_qa"]
