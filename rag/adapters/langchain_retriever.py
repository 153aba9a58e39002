"""LangChain retriever over an opened index: hits become Documents with citation metadata."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, model_validator

from ..errors import RagError

METADATA_KEYS = ("rank", "chunk_id", "article_id", "title", "dateline", "source", "score", "start", "end",
                 "ranks", "scores")


class NewsRetriever(BaseRetriever):
    """`NewsRetriever(index=Index.open(dir), k=5, mode="hybrid").invoke("问题")` returns cited Documents; any
    opened index works (`rag.service.open_index("milvus:./news.db")` too). `settings=RetrievalSettings(...)`
    instead of k/mode searches with all of them (fusion, filters…); giving both is a RagError."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: Any  # an opened index of either backend (rag.index.Index, rag.index.backends.milvus.MilvusIndex)
    k: int = 5
    mode: str = "hybrid"
    settings: Any = None  # rag.retrieval.RetrievalSettings; k and mode then come from it

    @model_validator(mode="after")
    def _settings_or_k_mode(self):
        """Refuse settings beside k=/mode=, as Index.search does (which one would win is not obvious)."""
        both = {"k", "mode"} & self.model_fields_set
        if self.settings is not None and both:
            raise RagError(f"NewsRetriever got settings=… and {'/'.join(sorted(both))}=: give either settings=… or "
                           "k=/mode=, not both; put k and mode into the settings")
        return self

    def _get_relevant_documents(self, query: str, *,
                                run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        """Search the index and wrap each hit's text and fields in a Document."""
        documents = []
        found = self.index.search(query, k=self.k, mode=self.mode) if self.settings is None else \
            self.index.search(query, settings=self.settings)
        for hit in found:
            data = hit.to_dict()
            metadata = {key: data[key] for key in METADATA_KEYS}
            documents.append(Document(page_content=hit.text, metadata=metadata))
        return documents
