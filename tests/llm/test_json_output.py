from __future__ import annotations

import pytest

from app.llm.json_output import InvalidOutputError, extract_json_object, parse_output, with_json_instruction
from app.prompts import PromptMessage, RenderedPrompt
from tests.llm.support import PROMPT, Orientation


@pytest.mark.parametrize(
    "text",
    [
        '{"metier": "plombier", "score": 5}',
        '```json\n{"metier": "plombier", "score": 5}\n```',
        '```\n{"metier": "plombier", "score": 5}\n```',
        'Voici la réponse : {"metier": "plombier", "score": 5} Bonne journée.',
    ],
)
def test_extracts_the_object(text: str) -> None:
    assert parse_output(text, Orientation) == Orientation(metier="plombier", score=5)


@pytest.mark.parametrize(
    ("text", "problem"),
    [("Je ne sais pas.", "no JSON object"), ('{"metier": "plombier", ', "invalid JSON")],
)
def test_rejects_text_without_an_object(text: str, problem: str) -> None:
    with pytest.raises(InvalidOutputError, match=problem):
        extract_json_object(text)


def test_schema_errors_name_fields_but_never_quote_the_output() -> None:
    with pytest.raises(InvalidOutputError) as caught:
        parse_output('{"metier": "Jeanne-secret", "score": "beaucoup"}', Orientation)
    message = str(caught.value)
    assert "score" in message
    assert "Jeanne-secret" not in message
    assert "beaucoup" not in message


def test_instruction_goes_with_the_last_user_message() -> None:
    prompt = with_json_instruction(PROMPT, Orientation)
    assert (prompt.name, prompt.version) == (PROMPT.name, PROMPT.version)
    assert len(prompt.messages) == len(PROMPT.messages)
    assert prompt.messages[-1].content.startswith(PROMPT.messages[-1].content)
    assert '"score"' in prompt.messages[-1].content


def test_instruction_becomes_a_user_message_after_a_system_only_prompt() -> None:
    system_only = RenderedPrompt("p", "1", (PromptMessage("system", "Évalue le profil."),))
    prompt = with_json_instruction(system_only, Orientation)
    assert [m.role for m in prompt.messages] == ["system", "user"]
    assert '"metier"' in prompt.messages[1].content
