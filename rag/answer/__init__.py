"""Answers with verified citations: extractive by default, an LLM through LangChain when configured."""

from .models import Answer, AnswerSentence, Citation

__all__ = ["Answer", "AnswerSentence", "Citation"]
