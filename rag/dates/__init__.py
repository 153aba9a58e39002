"""Dates for news: publication dates from heads, mastheads, file names and fields; Chinese relative time."""

from rag.dates.annotate import Insertion, annotate_relative, apply_insertions, relative_insertions
from rag.dates.dateline import complete_dateline
from rag.dates.filename import date_from_filename
from rag.dates.period import Period
from rag.dates.publication import date_from_masthead, date_from_text_head
from rag.dates.question import question_period
from rag.dates.relative import TimeExpression, find_time_expressions
from rag.dates.values import normalise_date

__all__ = [
    "Insertion",
    "Period",
    "TimeExpression",
    "annotate_relative",
    "apply_insertions",
    "complete_dateline",
    "date_from_filename",
    "date_from_masthead",
    "date_from_text_head",
    "find_time_expressions",
    "normalise_date",
    "question_period",
    "relative_insertions",
]
