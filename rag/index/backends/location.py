"""Where an index lives, from an `--index` value: a folder is the local index, `milvus:URI` a Milvus collection."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ...errors import RagError

MILVUS_PREFIX = "milvus:"
DEFAULT_COLLECTION = "rag_news"
ENV_MILVUS_TOKEN = "RAG_MILVUS_TOKEN"
INDEX_CHOICES = "a folder (local index) or milvus:URI (milvus:./news.db for Milvus Lite, milvus:http://host:19530)"


@dataclass(frozen=True)
class IndexLocation:
    """Where an index lives: `kind` is local (a folder) or milvus (`uri` as MilvusClient takes it)."""

    kind: str
    path: Path | None = None
    uri: str = ""
    collection: str = DEFAULT_COLLECTION
    token: str = ""

    @property
    def is_lite(self) -> bool:
        return self.kind == "milvus" and not re.match(r"^[a-z]+://", self.uri)

    def __str__(self) -> str:
        if self.kind == "local":
            return str(self.path)
        suffix = "" if self.collection == DEFAULT_COLLECTION else f" (collection {self.collection})"
        return f"{MILVUS_PREFIX}{self.uri}{suffix}"


def is_milvus(value: str | Path | None) -> bool:
    return value is not None and str(value).startswith(MILVUS_PREFIX)


def parse_index_location(value: str | Path, collection: str | None = None, token: str | None = None
                         ) -> IndexLocation:
    """`milvus:./news.db` → Milvus Lite file, `milvus:http://host:19530` → server, anything else → folder."""
    from ...settings import env

    text = str(value)
    if not text.startswith(MILVUS_PREFIX):
        return IndexLocation("local", path=Path(value))
    uri = text[len(MILVUS_PREFIX):].strip()
    # argparse's Path type folds `http://` into `http:/`: put the second slash back
    uri = re.sub(r"^([a-z]+):/(?!/)", r"\1://", uri)
    if not uri:
        raise RagError(f"--index {text}: give the Milvus address after 'milvus:'; choose {INDEX_CHOICES}")
    name = collection or DEFAULT_COLLECTION
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,200}", name):
        raise RagError(f"--collection {name}: a Milvus collection name is letters, digits and '_', "
                       "starting with a letter or '_'")
    return IndexLocation("milvus", uri=uri, collection=name, token=token if token is not None else
                         (env(ENV_MILVUS_TOKEN) or ""))
