"""rag: a cited-answer assistant for Chinese news archives."""

__version__ = "0.1.0"
