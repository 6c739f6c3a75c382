"""Versioned prompt templates (see `prompts/`) and the types every model call uses.

A prompt is the file `prompts/<name>.v<N>.md.j2`, e.g. `prompts/chat/greeting.v1.md.j2` is `chat/greeting`
version `v1`. It starts with a YAML front matter block between two `---` lines (`description`, `variables`,
optional `output: text|json`), then messages, each opened by a line `{# role: system|user|assistant #}`.
Message bodies are Jinja2 (strict undefined, no autoescape, trim_blocks/lstrip_blocks); each rendered
message is stripped of surrounding whitespace. A version is never edited once used: write `v2` next to it.
Versions are self-contained (no include), so editing one cannot change another. Every file is checked when
the registry loads.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal, NamedTuple, TypeGuard, get_args

import jinja2
from jinja2 import meta, nodes
from pydantic import BaseModel, ConfigDict, StringConstraints, field_validator

from app.errors import ConfigError, TremplinError
from app.rubrics.yaml_loader import parse_yaml_model
from app.settings import get_settings

Role = Literal["system", "user", "assistant"]
OutputKind = Literal["text", "json"]

_FILE_NAME = re.compile(r"^(?P<leaf>[a-z0-9_-]+)\.v(?P<version>\d+)\.md\.j2$")
_NAME_PART = re.compile(r"^[a-z0-9_-]+$")
_VERSION = re.compile(r"^v(\d+)$")
_ROLE_MARKER = re.compile(r"^\{#-?\s*role\s*:\s*(?P<role>.*?)\s*-?#\}\s*$")
_FRONT_MATTER_FENCE = "---"


@dataclass(frozen=True, slots=True)
class PromptMessage:
    role: Role
    content: str


@dataclass(frozen=True, slots=True)
class RenderedPrompt:
    """A prompt ready to send: which template and version produced it, and the messages."""

    name: str
    version: str
    messages: tuple[PromptMessage, ...]
    output: OutputKind = "text"


class PromptError(TremplinError):
    """A prompt was requested with an unknown name or version, or with the wrong variables."""


class _FrontMatter(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    description: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    variables: list[Annotated[str, StringConstraints(pattern=r"^[a-z_][a-z0-9_]*$")]] = []
    output: OutputKind = "text"

    @field_validator("variables")
    @classmethod
    def _check_variables(cls, variables: list[str]) -> list[str]:
        if len(set(variables)) != len(variables):
            raise ValueError("variables must be unique")
        if "version" in variables:
            raise ValueError("'version' is reserved (it is the render() argument choosing the version)")
        return variables


@dataclass(frozen=True, slots=True)
class PromptTemplate:
    """One validated prompt file, compiled."""

    name: str
    version: int  # N of "vN"
    path: Path
    description: str
    variables: frozenset[str]
    output: OutputKind
    messages: tuple[tuple[Role, jinja2.Template], ...] = field(repr=False)

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version}"

    def render(self, variables: Mapping[str, object]) -> RenderedPrompt:
        missing = sorted(self.variables - variables.keys())
        if missing:
            raise PromptError(f"prompt {self.label}: missing variable(s): {', '.join(missing)}")
        unexpected = sorted(variables.keys() - self.variables)
        if unexpected:
            raise PromptError(f"prompt {self.label}: unexpected variable(s): {', '.join(unexpected)}")
        try:
            messages = tuple(
                PromptMessage(role, template.render(variables).strip()) for role, template in self.messages
            )
        except jinja2.UndefinedError as exc:  # e.g. an attribute missing from a passed object
            raise PromptError(f"prompt {self.label}: {exc.message}") from None
        return RenderedPrompt(self.name, f"v{self.version}", messages, self.output)


class PromptRegistry:
    """All prompt templates of a directory, validated at load, rendered by name and version."""

    def __init__(self, templates: Mapping[str, Mapping[int, PromptTemplate]]) -> None:
        self._templates = templates

    @classmethod
    def load(cls, directory: Path) -> PromptRegistry:
        if not directory.is_dir():
            raise ConfigError(f"{directory}: prompt directory not found")
        environment = _environment()
        templates: dict[str, dict[int, PromptTemplate]] = {}
        for path in sorted(directory.rglob("*.j2")):
            template = _load_template(environment, directory, path)
            versions = templates.setdefault(template.name, {})
            if template.version in versions:
                raise ConfigError(
                    f"{path}: duplicate prompt {template.label} (also defined by {versions[template.version].path})"
                )
            versions[template.version] = template
        return cls(templates)

    def get(self, name: str, version: str | None = None) -> PromptTemplate:
        """The template `name` at `version` ("v2"), or its latest version."""
        versions = self._templates.get(name)
        if versions is None:
            raise PromptError(f"unknown prompt {name!r}; available: {', '.join(sorted(self._templates)) or 'none'}")
        if version is None:
            return versions[max(versions)]
        match = _VERSION.match(version)
        if match is None or int(match[1]) not in versions:
            available = ", ".join(f"v{number}" for number in sorted(versions))
            raise PromptError(f"prompt {name!r} has no version {version!r}; available: {available}")
        return versions[int(match[1])]

    def render(self, name: str, /, version: str | None = None, **variables: object) -> RenderedPrompt:
        return self.get(name, version).render(variables)

    def versions(self) -> dict[str, list[str]]:
        """Prompt name -> its versions, oldest first (reported by /healthz)."""
        return {name: [f"v{n}" for n in sorted(self._templates[name])] for name in sorted(self._templates)}


def get_prompt_registry() -> PromptRegistry:
    """The prompts of the configured directory (`TREMPLIN_PROMPTS_DIR`), loaded and validated on first use."""
    return _load_cached(get_settings().prompts_dir)


@lru_cache(maxsize=4)
def _load_cached(directory: Path) -> PromptRegistry:
    return PromptRegistry.load(directory)


def _environment() -> jinja2.Environment:
    # Model prompts, not HTML: escaping would corrupt quotes and "<" in the candidate's words. Strict
    # undefined turns a typo into an error instead of an empty string; the block options let `{% for %}`
    # lines sit on their own line without leaving blank lines in the output.
    return jinja2.Environment(
        autoescape=False,  # noqa: S701
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


class _Segment(NamedTuple):
    role: Role
    first_line: int  # file line where the message text starts, to report template errors
    text: str


def _load_template(environment: jinja2.Environment, directory: Path, path: Path) -> PromptTemplate:
    name, version = _name_and_version(directory, path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not valid UTF-8") from None
    front, body_start = _front_matter(path, lines)
    messages, used = _compile(environment, path, _split_messages(path, lines, body_start))

    declared = set(front.variables)
    undeclared = sorted(used.keys() - declared, key=used.__getitem__)
    if undeclared:
        raise ConfigError(
            f"{path}:{used[undeclared[0]]}: uses variable(s) missing from the front matter: {', '.join(undeclared)}"
        )
    if declared - used.keys():
        raise ConfigError(f"{path}: declares unused variable(s): {', '.join(sorted(declared - used.keys()))}")
    return PromptTemplate(name, version, path, front.description, frozenset(declared), front.output, messages)


def _name_and_version(directory: Path, path: Path) -> tuple[str, int]:
    folders = path.relative_to(directory).parts[:-1]
    match = _FILE_NAME.match(path.name)
    if match is None or not all(_NAME_PART.match(folder) for folder in folders):
        raise ConfigError(f"{path}: a prompt file must be named <name>.v<N>.md.j2 (lowercase, digits, - or _)")
    return "/".join((*folders, match["leaf"])), int(match["version"])


def _front_matter(path: Path, lines: list[str]) -> tuple[_FrontMatter, int]:
    """The validated front matter and the index of the first body line."""
    if not lines or lines[0].strip() != _FRONT_MATTER_FENCE:
        raise ConfigError(f"{path}:1: a prompt file starts with a '---' line opening its front matter")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == _FRONT_MATTER_FENCE), None)
    if end is None:
        raise ConfigError(f"{path}:1: the front matter is not closed by a '---' line")
    return parse_yaml_model("".join(lines[1:end]), _FrontMatter, source=str(path), first_line=2), end + 1


def _split_messages(path: Path, lines: list[str], start: int) -> list[_Segment]:
    """Cut the body at its role marker lines."""
    segments: list[_Segment] = []
    current: tuple[Role, int, list[str]] | None = None  # role, marker line, body lines
    for index in range(start, len(lines)):
        line_number = index + 1
        marker = _ROLE_MARKER.match(lines[index])
        if marker is not None:
            role = marker["role"]
            if not _is_role(role):
                raise ConfigError(
                    f"{path}:{line_number}: unknown role {role!r} (expected one of: {', '.join(get_args(Role))})"
                )
            if current is not None:
                segments.append(_segment(path, *current))
            current = (role, line_number, [])
        elif current is not None:
            current[2].append(lines[index])
        elif lines[index].strip():
            raise ConfigError(f"{path}:{line_number}: text before the first '{{# role: ... #}}' marker")
    if current is None:
        raise ConfigError(f"{path}: no message; open each one with a '{{# role: system|user|assistant #}}' line")
    segments.append(_segment(path, *current))
    return segments


def _is_role(value: str) -> TypeGuard[Role]:
    return value in get_args(Role)


def _segment(path: Path, role: Role, marker_line: int, body: list[str]) -> _Segment:
    text = "".join(body)
    if not text.strip():
        raise ConfigError(f"{path}:{marker_line}: empty {role} message")
    return _Segment(role, marker_line + 1, text)


def _compile(
    environment: jinja2.Environment, path: Path, segments: list[_Segment]
) -> tuple[tuple[tuple[Role, jinja2.Template], ...], dict[str, int]]:
    """Compile each message; also return the variables used, with the file line of their first use."""
    messages: list[tuple[Role, jinja2.Template]] = []
    used: dict[str, int] = {}
    for role, first_line, text in segments:
        try:
            tree = environment.parse(text)
        except jinja2.TemplateSyntaxError as exc:
            raise ConfigError(f"{path}:{first_line + exc.lineno - 1}: template syntax error: {exc.message}") from None
        reference = next(tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)), None)
        if reference is not None:
            raise ConfigError(
                f"{path}:{first_line + reference.lineno - 1}: include/import/extends are not supported "
                "(each version is self-contained)"
            )
        free = meta.find_undeclared_variables(tree)
        for name_node in tree.find_all(nodes.Name):
            if name_node.name in free:
                used.setdefault(name_node.name, first_line + name_node.lineno - 1)
        messages.append((role, environment.from_string(tree)))
    return tuple(messages), used
