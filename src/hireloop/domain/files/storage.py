"""File storage: bytes by key. A local directory by default; other backends implement
the same three methods."""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class StoredBlob:
    key: str
    size: int
    sha256: str


class FileStorage(Protocol):
    def put(self, data: bytes, *, prefix: str = "") -> StoredBlob: ...

    def get(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...


class LocalFileStorage:
    """Files under ``root``, named by a random key; writes are atomic (temp file + rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError("storage key escapes the storage root")
        return path

    def put(self, data: bytes, *, prefix: str = "") -> StoredBlob:
        parts = [p for p in prefix.split("/") if p]
        if any(p in (".", "..") or "\x00" in p for p in parts):
            raise ValueError("storage prefix escapes the storage root")
        key = "/".join([*parts, uuid.uuid4().hex])
        # The key is made here from plain names under a root resolved once: no resolve()
        # (a realpath of every component, on every CV applied) is needed to keep it inside.
        path = self.root.joinpath(*key.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return StoredBlob(key=key, size=len(data), sha256=hashlib.sha256(data).hexdigest())

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


@functools.lru_cache(maxsize=8)
def local_storage(files_dir: Path) -> FileStorage:
    """The default storage: ``HIRELOOP_DATA_DIR/files`` (one object per directory and
    process: it holds nothing but its resolved root)."""
    return LocalFileStorage(files_dir)
