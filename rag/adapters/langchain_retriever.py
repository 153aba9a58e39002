"""LangChain retriever over an opened index: hits become Documents with citation metadata."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

METADATA_KEYS = ("rank", "chunk_id", "article_id", "title", "dateline", "source", "score", "start", "end",
                 "ranks", "scores")


class NewsRetriever(BaseRetriever):
    """`NewsRetriever(index=Index.open(dir), k=5, mode="hybrid").invoke("问题")` returns cited Documents; any
    opened index works (`rag.service.open_index("milvus:./news.db")` too)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: Any  # an opened index of either backend (rag.index.Index, rag.index.backends.milvus.MilvusIndex)
    k: int = 5
    mode: str = "hybrid"

    def _get_relevant_documents(self, query: str, *,
                                run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        """Search the index and wrap each hit's text and fields in a Document."""
        documents = []
        for hit in self.index.search(query, k=self.k, mode=self.mode):
            data = hit.to_dict()
            metadata = {key: data[key] for key in METADATA_KEYS}
            documents.append(Document(page_content=hit.text, metadata=metadata))
        return documents
