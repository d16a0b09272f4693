"""Local file storage."""

from __future__ import annotations

import hashlib

import pytest

from hireloop.domain.files.storage import LocalFileStorage


def test_put_get_delete(tmp_path):
    storage = LocalFileStorage(tmp_path)
    blob = storage.put(b"%PDF-1.7 hello", prefix="company-1/cv")
    assert blob.key.startswith("company-1/cv/")
    assert blob.size == 14
    assert blob.sha256 == hashlib.sha256(b"%PDF-1.7 hello").hexdigest()
    assert storage.get(blob.key) == b"%PDF-1.7 hello"
    storage.delete(blob.key)
    with pytest.raises(FileNotFoundError):
        storage.get(blob.key)
    storage.delete(blob.key)  # deleting twice is fine


def test_keys_cannot_escape_the_root(tmp_path):
    storage = LocalFileStorage(tmp_path / "files")
    with pytest.raises(ValueError):
        storage.get("../../etc/passwd")


@pytest.mark.parametrize("prefix", ["../outside", "company-1/../../x", "/abs/./x", "a\x00b"])
def test_a_prefix_cannot_escape_the_root(tmp_path, prefix):
    storage = LocalFileStorage(tmp_path / "files")
    with pytest.raises(ValueError):
        storage.put(b"data", prefix=prefix)
    assert not (tmp_path / "outside").exists()


def test_extra_slashes_in_a_prefix_are_one_folder(tmp_path):
    storage = LocalFileStorage(tmp_path / "files")
    blob = storage.put(b"data", prefix="/company-1//cv/")
    assert blob.key.startswith("company-1/cv/")
    assert (tmp_path / "files" / blob.key).read_bytes() == b"data"
