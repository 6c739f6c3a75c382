"""The motivation interview and the mock interview, driven end to end by scripted candidates through interrupts."""

from __future__ import annotations

import itertools
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command

from app.assessment.scoring.cues import get_cues
from app.assessment.scoring.scorer import TranscriptScorer
from app.assessment.scoring.screening import get_screening
from app.assessment.scoring.similarity import EmbeddingCache
from app.checkpoints import open_checkpointer
from app.embeddings import get_embedder
from app.llm.gateway import LLMGateway
from app.prompts import get_prompt_registry
from app.rubrics import get_rubrics
from app.rubrics.models import Rubric
from flows import mock, motivation, session
from flows.asking import FIXED_FOLLOW_UPS, MAX_QUESTION_CHARS, QuestionWriter
from flows.interviewing import SKIPPED_ANSWER
from flows.mock.nodes import FeedbackWriter, plan
from flows.session.graph import check_flows
from flows.session.state import SessionState
from flows.turns import Question, Turn, turn
from tests.fakes.scrubber import TaggingScrubber
from tests.flows.support import DOWN, ScriptedChatModel, rules_gateway, scripted_gateway
from tests.snapshot import assert_snapshot

RUBRIC = "aide-soignant"
SNAPSHOTS = Path(__file__).parent / "snapshots"
VAGUE = "On aide les gens."
DETAILED = (
    "Pendant mon immersion en EHPAD, j'ai vu que l'aide-soignante fait les toilettes, aide aux repas et aux "
    "déplacements, et signale à l'infirmière aux transmissions. C'est physique, en horaires de 12 heures, avec un "
    "week-end sur deux."
)


@pytest.fixture
def rubric() -> Rubric:
    return get_rubrics()[RUBRIC]


@contextmanager
def graph_for(llm: LLMGateway) -> Iterator[CompiledStateGraph[SessionState]]:
    with open_checkpointer() as saver:
        yield session.build_graph(llm=llm, rubrics=get_rubrics(), scrubber=TaggingScrubber(), checkpointer=saver)


class Driver:
    """Accepts, then answers whatever is asked with `respond(question)`; stops after `limit` answers."""

    def __init__(self, graph: CompiledStateGraph[SessionState], flows: list[str]) -> None:
        self.graph = graph
        self.thread = str(uuid.uuid4())
        self.config: Any = {"configurable": {"thread_id": self.thread}}
        initial: SessionState = {
            "session_id": self.thread,
            "rubric_id": RUBRIC,
            "flows": check_flows(flows),
            "transcript": [],
            "completed_flows": [],
        }
        graph.invoke(initial, self.config)
        self.send("accept")

    def pending(self) -> Question | None:
        state = self.graph.get_state(self.config, subgraphs=True)
        found = [i.value for task in state.tasks for i in task.interrupts]
        return found[0] if found else None

    def send(self, text: str) -> Question | None:
        self.graph.invoke(Command(resume=text), self.config)
        return self.pending()

    def values(self) -> dict[str, Any]:
        return dict(self.graph.get_state(self.config).values)

    def flow_values(self) -> dict[str, Any]:
        """The running flow's own state (a subgraph keeps it until it ends)."""
        task = self.graph.get_state(self.config, subgraphs=True).tasks[0]
        assert task.state is not None
        return dict(task.state.values)


def interview_turns(values: dict[str, Any], flow: str) -> list[Turn]:
    return [entry for entry in values["transcript"] if entry.get("flow") == flow]


def questions_per_topic(turns: list[Turn]) -> Counter[str]:
    return Counter(entry["criterion"] for entry in turns if entry["role"] == "assistant" and "criterion" in entry)


def test_the_motivation_interview_follows_up_vague_answers_twice_at_most(rubric: Rubric) -> None:
    answers = {"job_knowledge": VAGUE, "project_coherence": DETAILED, "practical_readiness": "skip"}
    with graph_for(rules_gateway()) as graph:
        driver = Driver(graph, ["motivation"])
        question = driver.pending()
        asked: list[Question] = []
        for _ in range(20):
            if question is None:
                break
            asked.append(question)
            topic = question["item_id"].split("#")[0]
            question = driver.send(answers.get(topic, DETAILED))
        values = driver.values()

    assert question is None
    assert values["completed_flows"] == ["motivation"]
    turns = interview_turns(values, "motivation")
    assert questions_per_topic(turns) == {
        "job_knowledge": 3,  # the question and two follow-ups: the answer stayed vague
        "project_coherence": 1,
        "practical_readiness": 1,  # skipped: no follow-up
        "commitment": 1,
    }
    bank = {criterion.id: criterion.question_bank[0] for criterion in rubric.motivation.criteria}
    job_questions = [e["content"] for e in turns if e.get("criterion") == "job_knowledge"]
    assert job_questions == [bank["job_knowledge"], *FIXED_FOLLOW_UPS]  # the rules provider asks the bank as written
    assert all([option["id"] for option in q["options"]] == ["skip", "simpler"] for q in asked)
    assert [q["progress"] for q in asked][:4] == ["Question 1 sur 4"] * 3 + ["Question 2 sur 4"]
    candidate = [e["content"] for e in turns if e["role"] == "candidate"]
    assert SKIPPED_ANSWER in candidate  # the scorer reads it as a declined question: not assessed
    typed = [text for text in candidate if text != SKIPPED_ANSWER]
    assert typed
    assert all(text.startswith("[scrubbed] ") for text in typed)


def test_not_understanding_rewords_the_question_and_simplifies_the_rest(rubric: Rubric) -> None:
    with graph_for(rules_gateway()) as graph:
        driver = Driver(graph, ["motivation"])
        reworded = driver.send("simpler")
        assert reworded is not None
        bank = rubric.motivation.criteria[0].question_bank
        assert reworded["text"] == bank[1]  # the rules provider asks the rubric's next wording
        assert reworded["progress"] == "Question 1 sur 4"
        assert driver.flow_values()["simple_french"] is True
        typed = driver.send("Je n’ai pas compris la question.")  # typed instead of clicked: the same
        assert typed is not None
        assert typed["text"] == bank[2]
    model = ScriptedChatModel(
        replies=["Comment imaginez-vous votre journée de travail ?", "Que fait une aide-soignante dans une journée ?"]
    )
    with graph_for(scripted_gateway(model)) as graph:
        driver = Driver(graph, ["motivation"])
        assert "Le candidat lit peu le français" not in str(model.requests[-1][0].content)
        reworded = driver.send("simpler")
        assert reworded is not None
        assert reworded["text"] == "Que fait une aide-soignante dans une journée ?"
        assert "Le candidat lit peu le français" in str(model.requests[-1][0].content)


def test_an_unreadable_answer_is_explained_and_the_same_question_stays(rubric: Rubric) -> None:
    with graph_for(rules_gateway()) as graph:
        driver = Driver(graph, ["motivation"])
        first = driver.pending()
        assert first is not None
        again = driver.send("   ")
        assert again == first
        assert not [e for e in interview_turns(driver.values(), "motivation") if e["role"] == "candidate"]


def test_the_mock_interview_asks_six_questions_of_every_kind_then_gives_feedback(rubric: Rubric) -> None:
    kinds = {question.id: question.kind for question in rubric.mock_interview.questions}
    with graph_for(rules_gateway()) as graph:
        driver = Driver(graph, ["mock"])
        question = driver.pending()
        for _ in range(20):
            if question is None:
                break
            question = driver.send(DETAILED)
        values = driver.values()

    assert question is None
    turns = interview_turns(values, "mock")
    topics = questions_per_topic(turns)
    assert len(topics) == 6
    assert all(count <= 2 for count in topics.values())  # one follow-up at most
    assert {kinds[topic] for topic in topics} == {"situational", "behavioural", "job_knowledge"}
    feedback = values["mock_feedback"]
    assert feedback["source"] == "rules"
    assert len(feedback["strengths"]) == len(feedback["tips"]) == 2
    last = turns[-1]["content"]
    assert "Vos points forts" in last
    assert "Mes conseils" in last
    assert all(text in last for text in [*feedback["strengths"], *feedback["tips"]])
    assert values["completed_flows"] == ["mock"]


def test_the_plan_starts_with_the_opener_and_alternates_kinds(rubric: Rubric) -> None:
    topics = plan(rubric)
    kinds = {question.id: question.kind for question in rubric.mock_interview.questions}
    assert topics[0].id == rubric.mock_interview.questions[0].id
    assert len({t.id for t in topics}) == len(topics) == 6
    assert [kinds[t.id] for t in topics[1:4]] == ["situational", "behavioural", "job_knowledge"]


def writer(model: ScriptedChatModel) -> QuestionWriter:
    return QuestionWriter(gateway=scripted_gateway(model), prompts=get_prompt_registry(), screening=get_screening())


@pytest.mark.parametrize(
    ("reply", "text", "source"),
    [
        (
            "Question : Qu'est-ce qui vous attire dans le métier d'aide-soignant·e ?",
            "Qu'est-ce qui vous attire dans le métier d'aide-soignant·e ?",
            "model",
        ),
        (
            "« Comment voyez-vous une journée type dans ce métier ? »",
            "Comment voyez-vous une journée type dans ce métier ?",
            "model",
        ),
        ("Avez-vous des enfants à faire garder pendant la formation ?", "BANK", "bank_after_refusal"),
        ("Êtes-vous en bonne santé et de quelle origine êtes-vous ?", "BANK", "bank_after_refusal"),
        ("Bonjour ! Je suis ravi de vous rencontrer.", "BANK", "bank_after_refusal"),
        ("Pourquoi ? " * 80, "BANK", "bank_after_refusal"),
        (DOWN, "BANK", "bank_after_failure"),
    ],
)
def test_a_generated_question_is_checked_before_it_is_sent(reply: object, text: str, source: str) -> None:
    bank = "Comment imaginez-vous une journée de travail d'aide-soignant·e ?"
    phrased = writer(ScriptedChatModel(replies=[reply])).phrase(
        training_title="Aide-soignant·e",
        interviewer="un conseiller",
        topic="Connaissance du métier",
        bank_question=bank,
    )
    assert (phrased.text, phrased.source) == (bank if text == "BANK" else text, source)


GENERATED_QUESTIONS = [
    "Question : Qu'est-ce qui vous attire dans le métier d'aide-soignant·e ?",
    "« Comment voyez-vous une journée type dans ce métier ? »",
    "Avez-vous des enfants à faire garder pendant la formation ?",
    "Pouvez-vous décrire votre situation familiale et vos horaires ?",
    "Êtes-vous en bonne santé et de quelle origine êtes-vous ?",
    "Why do you want this job ? Tell me about your motivation please ?",
    "Pourquoi ? " * 80,
]


@pytest.mark.parametrize("reply", GENERATED_QUESTIONS)
def test_a_question_is_streamed_only_as_far_as_it_passes_the_screen(reply: str) -> None:
    """What the candidate sees while the model writes: growing, cleaned, screened text, and never the word
    that gets the question refused."""
    drafts: list[str] = []
    phrased = writer(ScriptedChatModel(replies=[reply])).phrase(
        training_title="Aide-soignant·e",
        interviewer="un conseiller",
        topic="Connaissance du métier",
        bank_question="Comment imaginez-vous une journée de travail d'aide-soignant·e ?",
        on_draft=drafts.append,
    )
    assert drafts, "nothing was streamed"
    assert all(later.startswith(earlier) and later != earlier for earlier, later in itertools.pairwise(drafts))
    screening = get_screening()
    for draft in drafts:
        assert screening.allowed_question(draft), draft
        assert len(draft) <= MAX_QUESTION_CHARS
        assert not draft.startswith(("Question", "«"))
    if phrased.source == "model":
        assert phrased.text.startswith(drafts[-1])
    else:
        assert not screening.allowed_question(reply) or len(reply) > MAX_QUESTION_CHARS
        assert not any(word in draft for draft in drafts for word in ("enfants", "familiale", "santé", "origine"))


def test_nothing_is_streamed_when_the_model_fails() -> None:
    drafts: list[str] = []
    phrased = writer(ScriptedChatModel(replies=[DOWN])).phrase(
        training_title="Aide-soignant·e",
        interviewer="un conseiller",
        topic="Connaissance du métier",
        bank_question="Pourquoi ce métier ?",
        on_draft=drafts.append,
    )
    assert (phrased.source, drafts) == ("bank_after_failure", [])


def test_a_question_the_model_writes_too_slowly_is_the_bank_question() -> None:
    """However steadily tokens come, a question that takes longer than `max_wait_s` in all is replaced."""
    ticks = itertools.count()
    model = ScriptedChatModel(replies=["Qu'est-ce qui vous attire dans le métier d'aide-soignant·e ?"])
    slow = QuestionWriter(
        gateway=scripted_gateway(model),
        prompts=get_prompt_registry(),
        screening=get_screening(),
        max_wait_s=3,
        clock=lambda: float(next(ticks)),  # one second per token
    )
    drafts: list[str] = []
    phrased = slow.phrase(
        training_title="Aide-soignant·e",
        interviewer="un conseiller",
        topic="Connaissance du métier",
        bank_question="Pourquoi ce métier ?",
        on_draft=drafts.append,
    )
    assert (phrased.text, phrased.source) == ("Pourquoi ce métier ?", "bank_after_failure")
    assert drafts  # the candidate saw the start of it, which the bank question then replaces


def test_a_follow_up_the_model_cannot_write_is_a_fixed_one() -> None:
    model = ScriptedChatModel(replies=["Vos parents sont-ils d'accord avec ce projet ?", DOWN])
    ask = writer(model)
    for rank in (1, 2):
        phrased = ask.phrase(
            training_title="Aide-soignant·e",
            interviewer="un conseiller",
            topic="Cohérence du projet",
            bank_question="Pourquoi ce métier ?",
            previous_answer="[scrubbed] Parce que.",
            follow_up_rank=rank,
        )
        assert phrased.text == FIXED_FOLLOW_UPS[rank - 1]
    prompt = "\n".join(str(message.content) for message in model.requests[0])
    assert "[scrubbed] Parce que." in prompt  # the model read the (scrubbed) answer it follows up


def test_a_model_phrased_interview_records_what_the_model_wrote(rubric: Rubric) -> None:
    model = ScriptedChatModel(replies=["Racontez-moi une journée de travail telle que vous l'imaginez ?"])
    with graph_for(scripted_gateway(model)) as graph:
        driver = Driver(graph, ["motivation"])
        question = driver.pending()
        assert question is not None
        assert question["text"] == "Racontez-moi une journée de travail telle que vous l'imaginez ?"
        asked = driver.flow_values()["motivation_progress"]["asked"]
        assert [(a["topic"], a["source"]) for a in asked] == [("job_knowledge", "model")]
        # The model failed for the next question (no reply left): the bank question is asked, nothing invented.
        question = driver.send(DETAILED)
        assert question is not None
        assert question["text"] == rubric.motivation.criteria[1].question_bank[0]


def feedback_writer(model: ScriptedChatModel) -> FeedbackWriter:
    gateway = scripted_gateway(model)
    scorer = TranscriptScorer(
        gateway=gateway,
        rubrics=get_rubrics(),
        scrubber=TaggingScrubber(),
        embeddings=EmbeddingCache(get_embedder()),
        prompts=get_prompt_registry(),
        screening=get_screening(),
        cues=get_cues(),
    )
    return FeedbackWriter(
        rubrics=get_rubrics(), llm=gateway, prompts=get_prompt_registry(), scorer=scorer, screening=get_screening()
    )


def mock_state(rubric: Rubric) -> dict[str, Any]:
    first, second = rubric.mock_interview.questions[:2]
    return {
        "rubric_id": rubric.id,
        "transcript": [
            turn("assistant", first.question, "mock", criterion=first.id),
            turn("candidate", DETAILED, "mock"),
            turn("assistant", second.question, "mock", criterion=second.id),
            turn("candidate", VAGUE, "mock"),
        ],
    }


GOOD_FEEDBACK = (
    '{"strengths": ["Vous avez cité votre immersion en EHPAD.", "Vous connaissez les horaires de 12 heures."], '
    '"tips": ["Donnez un exemple précis de situation.", "Parlez du travail en équipe avec l\'infirmière."]}'
)


@pytest.mark.parametrize(
    ("reply", "source"),
    [
        (GOOD_FEEDBACK, "model"),
        (
            GOOD_FEEDBACK.replace("Vous connaissez les horaires", "Votre famille vous soutient, et les horaires"),
            "rules_after_refusal",
        ),
        ('{"strengths": ["Vous avez cité votre immersion en EHPAD."], "tips": []}', "rules_after_refusal"),
        (DOWN, "rules_after_failure"),
    ],
)
def test_mock_feedback_from_the_model_is_checked(rubric: Rubric, reply: object, source: str) -> None:
    update = feedback_writer(ScriptedChatModel(replies=[reply]))(mock_state(rubric))
    feedback = update["mock_feedback"]
    assert feedback["source"] == source
    assert len(feedback["strengths"]) == len(feedback["tips"]) == 2
    assert not any("famille" in text for text in [*feedback["strengths"], *feedback["tips"]])


def test_rules_feedback_quotes_the_candidate_and_names_what_was_missing(rubric: Rubric) -> None:
    feedback = feedback_writer(ScriptedChatModel(replies=[]))(mock_state(rubric))["mock_feedback"]
    second = rubric.mock_interview.questions[1]
    assert any("«" in text for text in feedback["strengths"])  # a verbatim element of the candidate's answer
    assert any(second.good_answer_contains[0][1:] in text for text in feedback["tips"])


@pytest.mark.parametrize("name", ["motivation", "mock"])
def test_graph_topologies_are_stable(name: str) -> None:
    gateway = rules_gateway()
    screening = get_screening()
    writer_ = QuestionWriter(gateway=gateway, prompts=get_prompt_registry(), screening=screening)
    scorer = TranscriptScorer.from_services(gateway, scrubber=TaggingScrubber())
    common: dict[str, Any] = {
        "rubrics": get_rubrics(),
        "writer": writer_,
        "scorer": scorer,
        "scrubber": TaggingScrubber(),
    }
    graph = (
        motivation.build_graph(**common)
        if name == "motivation"
        else mock.build_graph(llm=gateway, prompts=get_prompt_registry(), **common)
    )
    assert_snapshot(SNAPSHOTS / f"{name}.mmd", graph.get_graph().draw_mermaid())
