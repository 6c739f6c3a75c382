"""Validate YAML configuration with Pydantic and report errors as `file:line: field: message`.

The YAML is composed into nodes first, so each Pydantic error location (its `loc` tuple) can be walked back
to the node it points at and that node's line. Generic on purpose: any configuration-as-data file can use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from app.errors import ConfigError

M = TypeVar("M", bound=BaseModel)
Loc = Sequence[str | int]


class LocatedValueError(ValueError):
    """Raised by a model validator to point below the model that raised it.

    Pydantic reports a model validator's error at the model itself; `loc` (relative to that model) lets the
    loader report the line of the exact field, e.g. `LocatedValueError("duplicate id", "items", 3, "id")`.
    """

    def __init__(self, message: str, *loc: str | int) -> None:
        super().__init__(message)
        self.loc = loc


def parse_yaml_model(content: bytes | str, model: type[M], *, source: str, first_line: int = 1) -> M:
    """Parse `content` and validate it as `model`; any problem raises a one-line `ConfigError`.

    `source` names the file in messages; `first_line` is the file line where `content` starts (for YAML
    embedded in a larger file, such as front matter).
    """
    try:
        loader = yaml.SafeLoader(content)  # its reader may already reject the content
        try:
            root = loader.get_single_node()
            if root is not None:
                _reject_duplicate_keys(root, source, first_line)
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        raise ConfigError(_describe_yaml_error(exc, source, first_line)) from None
    except yaml.YAMLError as exc:  # reader errors carry a character position, not a line
        raise ConfigError(f"{source}: invalid YAML: {' '.join(str(exc).split())}") from None

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, root, source, first_line)) from None


def _locate(root: yaml.Node | None, loc: Loc) -> tuple[int, tuple[str | int, ...]]:
    """The 1-based line (within the parsed text) of the deepest node `loc` reaches, and the path to show.

    A path element that matches nothing before the last one is a Pydantic union tag (e.g. `single_choice`):
    it is skipped and left out of the path. When the path ends on a mapping key, the key's line is used,
    since that is where the field is written.
    """
    if root is None:
        return 1, tuple(loc)
    node, line, path = root, root.start_mark.line, []
    for position, part in enumerate(loc):
        child = _child(node, part)
        if child is not None:
            node, line = child
        elif position < len(loc) - 1:
            continue
        path.append(part)
    return line + 1, tuple(path)


def _child(node: yaml.Node, part: str | int) -> tuple[yaml.Node, int] | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == str(part):
                return value, key.start_mark.line
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return node.value[part], node.value[part].start_mark.line
    return None


def _describe_yaml_error(exc: yaml.MarkedYAMLError, source: str, first_line: int) -> str:
    mark = exc.problem_mark or exc.context_mark
    where = f"{source}:{mark.line + first_line}" if mark is not None else source
    message = exc.problem or exc.context or "syntax error"
    if exc.problem and exc.context and exc.context_mark is not None:
        message += f" ({exc.context} at line {exc.context_mark.line + first_line})"
    return f"{where}: invalid YAML: {message}"


def _describe(exc: ValidationError, root: yaml.Node | None, source: str, first_line: int) -> str:
    errors = exc.errors()
    # A misspelt field yields "missing x" and "extra xx"; the extra one points at the line to fix.
    first = next((error for error in errors if error["type"] == "extra_forbidden"), errors[0])
    loc: tuple[str | int, ...] = tuple(first["loc"])
    cause: Any = first.get("ctx", {}).get("error")
    if isinstance(cause, LocatedValueError):
        loc += cause.loc
    message = str(first["msg"]).removeprefix("Value error, ")
    line, path = _locate(root, loc)
    field = ".".join(str(part) for part in path)
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{source}:{line + first_line - 1}: {field + ': ' if field else ''}{message}{more}"


def _reject_duplicate_keys(root: yaml.Node, source: str, first_line: int) -> None:
    """PyYAML silently keeps the last of two equal keys; in configuration that is always a mistake."""
    stack, visited = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in visited:  # aliases can make the node graph cyclic
            continue
        visited.add(id(node))
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        line = key.start_mark.line + first_line
                        raise ConfigError(f"{source}:{line}: duplicate key {key.value!r}")
                    seen.add(key.value)
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
