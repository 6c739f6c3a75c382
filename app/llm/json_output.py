"""Asking a model for JSON and checking what comes back against a Pydantic model."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from app.prompts import PromptMessage, RenderedPrompt

ModelT = TypeVar("ModelT", bound=BaseModel)

_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL | re.IGNORECASE)


class InvalidOutputError(ValueError):
    """The text is not a JSON object valid for the schema. The message describes why without quoting it."""


def with_json_instruction(prompt: RenderedPrompt, schema: type[BaseModel]) -> RenderedPrompt:
    """The prompt with an instruction to answer with one JSON object matching `schema`, appended to the
    last user message (small models follow a trailing instruction best)."""
    instruction = (
        "Réponds uniquement avec un objet JSON valide, sans texte autour, conforme à ce schéma JSON :\n"
        + json.dumps(schema.model_json_schema(), ensure_ascii=False)
    )
    messages = list(prompt.messages)
    if messages and messages[-1].role == "user":
        last = messages.pop()
        messages.append(PromptMessage("user", f"{last.content}\n\n{instruction}"))
    else:
        messages.append(PromptMessage("user", instruction))
    return dataclasses.replace(prompt, messages=tuple(messages), output="json")


def repair_request(problem: str) -> str:
    return (
        f"Ta réponse précédente n'est pas valide : {problem}. "
        "Réponds uniquement avec l'objet JSON corrigé, conforme au schéma."
    )


def extract_json_object(text: str) -> object:
    """The first JSON object in `text`, tolerating ```json fences and prose around it."""
    fenced = _FENCE.search(text)
    candidate = fenced.group(1) if fenced else text
    start = candidate.find("{")
    if start < 0:
        raise InvalidOutputError("no JSON object found")
    try:
        value, _ = json.JSONDecoder().raw_decode(candidate, start)
    except json.JSONDecodeError as exc:
        raise InvalidOutputError(f"invalid JSON ({exc.msg} at position {exc.pos})") from None
    return value


def parse_output(text: str, schema: type[ModelT]) -> ModelT:
    try:
        return schema.model_validate(extract_json_object(text))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'root'}: {error['msg']}"
            for error in exc.errors(include_url=False, include_input=False)
        )
        raise InvalidOutputError(f"does not match the schema ({problems})") from None
