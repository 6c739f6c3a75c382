"""The gateway over the real `mistralai` client, against a local fake Mistral server."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from app.audit import MemoryAuditSink
from app.llm.errors import LLMOutputError, LLMUnavailableError
from app.llm.gateway import LLMGateway
from app.llm.mistral import ChatMistralClient
from tests.fakes.chat_server import FakeChatServer, Malformed, Reply, Slow, Status, Truncated
from tests.fakes.scrubber import MASK, SECRET_NAME, TAG, TaggingScrubber
from tests.llm.support import PROMPT, USER_TEXT, Orientation, assert_no_text, only_event

MakeGateway = Callable[..., LLMGateway]
ANSWER = "Quelles tâches aimez-vous faire au quotidien ?"


def test_chat_sends_only_scrubbed_text_and_audits_without_it(
    make_gateway: MakeGateway, fake_server: FakeChatServer, scrubber: TaggingScrubber, audit: MemoryAuditSink
) -> None:
    gateway = make_gateway()
    assert isinstance(gateway._chat_model, ChatMistralClient)
    fake_server.script(Reply(ANSWER, prompt_tokens=21, completion_tokens=9))

    result = gateway.complete(PROMPT, session_id="s-1")

    assert result.value == ANSWER
    assert (result.provider, result.model, result.attempts) == ("mistral", "mistral-small-latest", 1)
    assert (result.prompt_name, result.prompt_version) == ("test.question", "3")
    assert (result.input_tokens, result.output_tokens) == (21, 9)
    assert not result.fallback_used
    assert result.flags == ()
    [request] = fake_server.requests
    assert request.headers["authorization"] == "Bearer test-key"
    assert request.body["model"] == "mistral-small-latest"
    assert [m["role"] for m in request.body["messages"]] == ["system", "user"]
    assert all(content.startswith(TAG) for content in request.contents)
    assert SECRET_NAME not in json.dumps(request.body)
    assert MASK in request.contents[1]
    assert scrubber.seen == [m.content for m in PROMPT.messages]

    payload = only_event(audit)
    assert audit.events[0][2] == "s-1"
    assert payload["operation"] == "complete"
    assert (payload["provider"], payload["model"]) == ("mistral", "mistral-small-latest")
    assert (payload["prompt_name"], payload["prompt_version"]) == ("test.question", "3")
    assert (payload["input_tokens"], payload["output_tokens"]) == (21, 9)
    assert (payload["attempts"], payload["outcome"], payload["error"]) == (1, "ok", None)
    assert payload["scrubber"] == "tagging"
    assert payload["input_sha256"] == result.input_sha256
    assert len(payload["input_sha256"]) == 64
    assert isinstance(payload["latency_ms"], int)
    assert_no_text(payload, USER_TEXT, ANSWER, TAG)


def test_input_hash_depends_on_the_scrubbed_messages(make_gateway: MakeGateway, fake_server: FakeChatServer) -> None:
    gateway = make_gateway()
    fake_server.script(Reply("a"), Reply("b"))
    first = gateway.complete(PROMPT)
    second = gateway.complete(PROMPT)
    assert first.input_sha256 == second.input_sha256

    other = make_gateway(mistral_model="autre")
    fake_server.script(Reply("c"))
    assert other.complete(PROMPT).input_sha256 == first.input_sha256  # the model is not part of the input

    fake_server.script(Reply("d"))
    changed = type(PROMPT)(PROMPT.name, PROMPT.version, PROMPT.messages[:1])
    assert gateway.complete(changed).input_sha256 != first.input_sha256


def test_a_call_can_cap_the_answer_length(make_gateway: MakeGateway, fake_server: FakeChatServer) -> None:
    """Interview questions ask for few tokens, so a rambling small model cannot make the candidate wait."""
    gateway = make_gateway()
    fake_server.script(Reply("Une question ?"), Reply("Une autre ?"))
    gateway.complete(PROMPT, max_tokens=96)
    gateway.complete_or_fallback(PROMPT, rules=lambda: "repli")
    assert fake_server.requests[0].body["max_tokens"] == 96
    assert "max_tokens" not in fake_server.requests[1].body  # the provider's default otherwise


def test_length_cut_answer_is_flagged(make_gateway: MakeGateway, fake_server: FakeChatServer) -> None:
    fake_server.script(Reply("Une réponse coupée", finish_reason="length"))
    assert make_gateway().complete(PROMPT).flags == ("max_tokens_reached",)


def test_stream_yields_tokens_of_the_scrubbed_request(
    make_gateway: MakeGateway, fake_server: FakeChatServer, audit: MemoryAuditSink
) -> None:
    fake_server.script(Reply(ANSWER, prompt_tokens=30, completion_tokens=12))

    tokens = list(make_gateway().stream(PROMPT, session_id="s-2"))

    assert len(tokens) > 1
    assert "".join(tokens) == ANSWER
    [request] = fake_server.requests
    assert request.body["stream"] is True
    assert all(content.startswith(TAG) for content in request.contents)
    assert SECRET_NAME not in json.dumps(request.body)
    payload = only_event(audit)
    assert (payload["operation"], payload["outcome"], payload["attempts"]) == ("stream", "ok", 1)
    assert (payload["input_tokens"], payload["output_tokens"]) == (30, 12)
    assert isinstance(payload["first_token_ms"], int)
    assert_no_text(payload, ANSWER)


def test_stream_retries_failures_before_the_first_token(
    make_gateway: MakeGateway, fake_server: FakeChatServer, sleeps: list[float], audit: MemoryAuditSink
) -> None:
    fake_server.script(Status(503), Reply(ANSWER))
    assert "".join(make_gateway().stream(PROMPT)) == ANSWER
    assert sleeps == [0.5]
    assert only_event(audit)["attempts"] == 2


def test_stream_times_out_waiting_for_the_first_chunk_then_retries(
    make_gateway: MakeGateway, fake_server: FakeChatServer, sleeps: list[float]
) -> None:
    fake_server.script(Slow(3.0), Reply(ANSWER))
    assert "".join(make_gateway(llm_timeout_s=0.3).stream(PROMPT)) == ANSWER
    assert sleeps == [0.5]


def test_truncated_stream_raises_instead_of_returning_the_partial_answer(
    make_gateway: MakeGateway, fake_server: FakeChatServer, audit: MemoryAuditSink
) -> None:
    fake_server.script(Truncated(ANSWER))
    tokens = make_gateway().stream(PROMPT)
    received = [next(tokens)]
    with pytest.raises(LLMUnavailableError) as caught:
        received.extend(tokens)
    assert caught.value.reason == "truncated_stream"
    assert 0 < len("".join(received)) < len(ANSWER)
    assert len(fake_server.requests) == 1  # tokens were already out: no retry
    payload = only_event(audit)
    assert (payload["outcome"], payload["error"]) == ("error", "truncated_stream")


def test_stream_closed_by_the_consumer_is_audited_as_cancelled(
    make_gateway: MakeGateway, fake_server: FakeChatServer, audit: MemoryAuditSink
) -> None:
    fake_server.script(Reply(ANSWER))
    tokens = make_gateway().stream(PROMPT)
    assert next(tokens)
    tokens.close()
    payload = only_event(audit)
    assert (payload["outcome"], payload["error"]) == ("cancelled", None)


def test_structured_asks_for_json_and_validates(
    make_gateway: MakeGateway, fake_server: FakeChatServer, audit: MemoryAuditSink
) -> None:
    fake_server.script(Reply('```json\n{"metier": "aide-soignante", "score": 4}\n```'))

    result = make_gateway().structured(PROMPT, Orientation)

    assert result.value == Orientation(metier="aide-soignante", score=4)
    [request] = fake_server.requests
    assert request.body["response_format"] == {"type": "json_object"}
    last = request.contents[-1]
    assert last.startswith(TAG)
    assert MASK in last
    assert '"metier"' in last  # the JSON schema instruction went with the user message
    payload = only_event(audit)
    assert (payload["operation"], payload["outcome"], payload["repairs"]) == ("structured", "ok", 0)


def test_structured_repairs_invalid_output_once(
    make_gateway: MakeGateway, fake_server: FakeChatServer, scrubber: TaggingScrubber, audit: MemoryAuditSink
) -> None:
    fake_server.script(Reply('{"metier": "aide-soignante"}'), Reply('{"metier": "aide-soignante", "score": 3}'))

    result = make_gateway().structured(PROMPT, Orientation)

    assert result.value.score == 3
    assert result.attempts == 2
    retry = fake_server.requests[1]
    assert [m["role"] for m in retry.body["messages"]] == ["system", "user", "assistant", "user"]
    assert retry.contents[2] == TAG + '{"metier": "aide-soignante"}'
    assert "score" in retry.contents[3]
    assert all(content.startswith(TAG) for content in retry.contents)
    assert len(scrubber.seen) == 4
    payload = only_event(audit)
    assert (payload["attempts"], payload["repairs"], payload["outcome"]) == (2, 1, "ok")


def test_structured_gives_up_after_the_repair_budget(
    make_gateway: MakeGateway, fake_server: FakeChatServer, audit: MemoryAuditSink
) -> None:
    fake_server.script(Reply("Je ne sais pas."), Reply("Toujours pas de JSON."))
    with pytest.raises(LLMOutputError) as caught:
        make_gateway(llm_repair_retries=1).structured(PROMPT, Orientation)
    assert caught.value.attempts == 2
    assert len(fake_server.requests) == 2
    payload = only_event(audit)
    assert (payload["outcome"], payload["error"], payload["repairs"]) == ("error", "invalid_output", 1)


@pytest.mark.parametrize("retry_after", ["7", "7.0"])
def test_429_waits_for_retry_after(
    make_gateway: MakeGateway, fake_server: FakeChatServer, sleeps: list[float], retry_after: str
) -> None:
    fake_server.script(Status(429, headers={"Retry-After": retry_after}), Reply(ANSWER))
    result = make_gateway().complete(PROMPT)
    assert result.value == ANSWER
    assert result.attempts == 2
    assert sleeps == [7.0]


def test_retry_after_is_capped(make_gateway: MakeGateway, fake_server: FakeChatServer, sleeps: list[float]) -> None:
    fake_server.script(Status(429, headers={"Retry-After": "3600"}), Reply(ANSWER))
    make_gateway(llm_max_backoff_s=4.0).complete(PROMPT)
    assert sleeps == [4.0]


def test_500_then_success_backs_off(
    make_gateway: MakeGateway, fake_server: FakeChatServer, sleeps: list[float], audit: MemoryAuditSink
) -> None:
    fake_server.script(Status(500), Reply(ANSWER))
    assert make_gateway().complete(PROMPT).attempts == 2
    assert sleeps == [0.5]
    assert only_event(audit)["outcome"] == "ok"


def test_persistent_500_raises_after_all_attempts(
    make_gateway: MakeGateway, fake_server: FakeChatServer, sleeps: list[float], audit: MemoryAuditSink
) -> None:
    fake_server.script(*[Status(500)] * 5)
    with pytest.raises(LLMUnavailableError) as caught:
        make_gateway(llm_max_retries=2).complete(PROMPT)
    assert (caught.value.reason, caught.value.attempts) == ("server_error", 3)
    assert len(fake_server.requests) == 3
    assert sleeps == [0.5, 1.0]
    payload = only_event(audit)
    assert (payload["outcome"], payload["error"], payload["attempts"]) == ("error", "server_error", 3)


def test_timeouts_are_retried_then_raise(
    make_gateway: MakeGateway, fake_server: FakeChatServer, sleeps: list[float]
) -> None:
    fake_server.script(Slow(3.0), Slow(3.0))
    with pytest.raises(LLMUnavailableError) as caught:
        make_gateway(llm_timeout_s=0.3, llm_max_retries=1).complete(PROMPT)
    assert (caught.value.reason, caught.value.attempts) == ("timeout", 2)
    assert len(fake_server.requests) == 2
    assert sleeps == [0.5]


def test_timeout_then_success(make_gateway: MakeGateway, fake_server: FakeChatServer) -> None:
    fake_server.script(Slow(3.0), Reply(ANSWER))
    assert make_gateway(llm_timeout_s=0.3).complete(PROMPT).value == ANSWER


@pytest.mark.parametrize(
    "behaviour",
    [Malformed(), Malformed(body='{"unexpected": true}'), Malformed(body="<html>", content_type="text/html")],
)
def test_malformed_body_is_a_typed_error(
    make_gateway: MakeGateway, fake_server: FakeChatServer, behaviour: Malformed
) -> None:
    fake_server.script(behaviour)
    with pytest.raises(LLMUnavailableError) as caught:
        make_gateway().complete(PROMPT)
    assert (caught.value.reason, caught.value.attempts) == ("malformed_response", 1)


@pytest.mark.parametrize(("code", "reason"), [(401, "auth"), (403, "auth"), (400, "bad_request")])
def test_client_errors_are_not_retried(
    make_gateway: MakeGateway, fake_server: FakeChatServer, sleeps: list[float], code: int, reason: str
) -> None:
    fake_server.script(Status(code), Reply(ANSWER))
    with pytest.raises(LLMUnavailableError) as caught:
        make_gateway().complete(PROMPT)
    assert (caught.value.reason, caught.value.attempts) == (reason, 1)
    assert len(fake_server.requests) == 1
    assert sleeps == []


def test_unreachable_endpoint_is_a_connection_error(
    make_gateway: MakeGateway, fake_server: FakeChatServer, sleeps: list[float]
) -> None:
    gateway = make_gateway(llm_max_retries=1)
    fake_server.stop()
    with pytest.raises(LLMUnavailableError) as caught:
        gateway.complete(PROMPT)
    assert (caught.value.reason, caught.value.attempts) == ("connection", 2)
    assert sleeps == [0.5]


def test_fallback_answers_from_rules_and_says_so(
    make_gateway: MakeGateway, fake_server: FakeChatServer, audit: MemoryAuditSink
) -> None:
    fake_server.script(*[Status(500)] * 3)
    result = make_gateway().complete_or_fallback(PROMPT, rules=lambda: "Question de secours ?")
    assert result.value == "Question de secours ?"
    assert result.fallback_used
    assert result.flags == ("model_unavailable",)
    assert (result.provider, result.attempts) == ("rules", 3)
    payload = only_event(audit)
    assert (payload["provider"], payload["outcome"], payload["error"]) == ("mistral", "fallback", "server_error")
    assert payload["flags"] == ["model_unavailable"]


def test_structured_fallback_on_invalid_output(
    make_gateway: MakeGateway, fake_server: FakeChatServer, audit: MemoryAuditSink
) -> None:
    fake_server.script(Reply("pas du JSON"), Reply("toujours pas"))
    fallback = Orientation(metier="inconnu", score=0)
    result = make_gateway().structured_or_fallback(PROMPT, Orientation, rules=lambda: fallback)
    assert result.value is fallback
    assert result.fallback_used
    assert result.flags == ("invalid_model_output",)
    assert only_event(audit)["outcome"] == "fallback"


def test_fallback_is_not_used_when_the_model_answers(make_gateway: MakeGateway, fake_server: FakeChatServer) -> None:
    fake_server.script(Reply(ANSWER))
    result = make_gateway().complete_or_fallback(PROMPT, rules=lambda: "secours")
    assert (result.value, result.fallback_used, result.provider) == (ANSWER, False, "mistral")


async def test_async_complete_and_stream(
    make_gateway: MakeGateway, fake_server: FakeChatServer, audit: MemoryAuditSink
) -> None:
    gateway = make_gateway()
    fake_server.script(Reply(ANSWER), Reply(ANSWER))
    assert (await gateway.acomplete(PROMPT)).value == ANSWER
    tokens = [token async for token in gateway.astream(PROMPT)]
    assert "".join(tokens) == ANSWER
    assert [payload["operation"] for _, payload, _ in audit.events] == ["complete", "stream"]
    assert all(content.startswith(TAG) for request in fake_server.requests for content in request.contents)


async def test_async_structured_fallback(make_gateway: MakeGateway, fake_server: FakeChatServer) -> None:
    fake_server.script(Status(401))
    fallback = Orientation(metier="inconnu", score=0)
    result = await make_gateway().astructured_or_fallback(PROMPT, Orientation, rules=lambda: fallback)
    assert result.fallback_used


async def test_async_stream_left_early_is_closed_and_audited(
    make_gateway: MakeGateway, fake_server: FakeChatServer, audit: MemoryAuditSink
) -> None:
    fake_server.script(Reply(ANSWER))
    tokens = make_gateway().astream(PROMPT)
    assert await anext(tokens)
    await tokens.aclose()
    assert only_event(audit)["outcome"] == "cancelled"


def test_a_budgeted_gateway_gives_up_sooner_and_leaves_the_original_alone(
    make_gateway: MakeGateway, fake_server: FakeChatServer
) -> None:
    """What a candidate waits on may not retry for minutes: one attempt, then the caller's fallback."""
    gateway = make_gateway(llm_max_retries=2)
    budget = gateway.with_budget(timeout_s=1.0, max_retries=0)
    fake_server.script(Status(503))
    answered = budget.complete_or_fallback(PROMPT, rules=lambda: "question du référentiel")
    assert (answered.value, answered.fallback_used, answered.attempts) == ("question du référentiel", True, 1)
    fake_server.script(Status(503), Reply(ANSWER))
    assert gateway.complete(PROMPT).attempts == 2  # the original still retries
