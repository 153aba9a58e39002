"""Thin adapters that expose the index to other frameworks (LangChain)."""
