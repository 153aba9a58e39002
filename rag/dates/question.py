"""The time a question asks about (2023年…, 去年3月…, 上个月…), so search can prefer articles from then."""

from __future__ import annotations

from datetime import date

from rag.dates.period import Period, period_hull
from rag.dates.relative import find_time_expressions


def question_period(question: str, today: date | str) -> Period | None:
    """The period the question names, relative words read against `today`; several are joined
    (2023年和2024年 -> 2023-2024); None when it names no time or only a vague one (最近, 近日)."""
    periods = [f.period for f in find_time_expressions(question, today, prefer_past=True) if f.period]
    return period_hull(periods) if periods else None
