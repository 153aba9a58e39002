"""The chat page: a thin Gradio adapter over rag's public functions (`rag ui`)."""

from __future__ import annotations

import os

# before gradio is imported anywhere: an archive tool should not phone home
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def build_app(state):
    """The Gradio Blocks for an AppState (imported lazily: gradio is slow to import)."""
    from .app import build_app as _build

    return _build(state)


def launch(*args, **kwargs):
    """Open or build the index and serve the page; see `ui.app.launch`."""
    from .app import launch as _launch

    return _launch(*args, **kwargs)


__all__ = ["build_app", "launch"]
