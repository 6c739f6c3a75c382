"""Demo candidates for a first run, so the referent's home page, a report and a shortlist have something to show.

Four synthetic, pseudonymous candidates for the demo DEAS offer take their assessment (quiz and motivation
interview; two also the mock interview) with scripted answers, through the product's own path: the session graph on the
`rules` provider, the conversation service, the report writer, the matching profile and the shortlist refresh;
every step is in the audit log like a real session. The answers were written for this demo and contain no
personal data (tests/db/test_seed.py runs the real scrubber over every one of them and finds nothing), so they
are not passed through spaCy here: loading it takes longer than the whole demo. The reports name the scrubber
used, `SYNTHETIC_SCRUBBER`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.assessment.report import load_report
from app.db.audit import DatabaseAuditSink
from app.db.models import (
    AssessmentSession,
    Candidate,
    CandidateMatchingProfile,
    CandidateSchedule,
    Flow,
)
from app.rubrics import get_rubrics
from app.rubrics.models import FreeTextItem, NumericItem, QuizItem, SingleChoiceItem

if TYPE_CHECKING:
    from app.assessment.scoring.similarity import EmbeddingCache
    from app.conversation import Conversation
    from app.embeddings import Vectors

DEMO_RUBRIC = "aide-soignant"
SYNTHETIC_SCRUBBER = "none: synthetic demo answers, checked free of personal data by the tests"
Quiz = Literal["right", "mixed", "wrong"]


class SyntheticTextScrubber:
    """Leaves text unchanged: only for the demo's own scripted answers, never for a person's text."""

    name = SYNTHETIC_SCRUBBER

    def scrub(self, text: str) -> str:
        return text


class _CachedEmbedder:
    """An `Embedder` that embeds each distinct text once."""

    def __init__(self, cache: EmbeddingCache, dimension: int) -> None:
        self._cache = cache
        self.dimension = dimension

    def embed(self, texts: Sequence[str]) -> Vectors:
        return self._cache.vectors(texts)


@dataclass(frozen=True)
class DemoCandidate:
    """One scripted candidate: a fixed pseudonym (which makes the seed idempotent), where they live, how they
    answer the quiz, and their answer to each interview question (by topic; `default` for the others)."""

    pseudonym: str
    commune: str
    lat: float
    lon: float
    max_travel_km: float
    quiz: Quiz
    default: str
    answers: Mapping[str, str] = field(default_factory=dict)
    follow_up: str = "Je ne vois pas d'autre exemple pour l'instant."
    flows: tuple[Flow, ...] = (Flow.QUIZ, Flow.MOTIVATION, Flow.MOCK)


DETAILED_DAY = (
    "Pendant mon stage de trois semaines en EHPAD, j'ai vu que l'aide-soignante commence par les transmissions, "
    "fait les toilettes, aide aux repas et aux déplacements, surveille l'état des résidents et signale à "
    "l'infirmière ce qui change. C'est physique, en horaires de 12 heures, avec un week-end sur deux."
)
DETAILED_PROJECT = (
    "J'ai travaillé quatre ans comme agent de service hospitalier, et ce sont les soins auprès des résidents qui "
    "m'ont donné envie d'aller plus loin. J'ai rencontré deux aides-soignantes de mon service pour préparer ce "
    "projet et je vise un poste en service de gériatrie."
)
DETAILED_PRACTICAL = (
    "J'ai calé mes autres activités pour être libre toute la durée de la formation, stages compris. J'ai le "
    "permis et une voiture, le trajet prend vingt-cinq minutes, et mon financement est accepté par France Travail."
)
DETAILED_COMMITMENT = (
    "J'ai fait un stage d'observation de deux semaines en EHPAD, suivi la formation PSC1 l'an dernier, et je fais "
    "du bénévolat auprès de personnes âgées un samedi sur deux depuis un an."
)
DETAILED_CASE = (
    "Je reste calme, j'explique ce que je vais faire et je demande son accord. S'il refuse, je respecte son choix, "
    "je propose de revenir plus tard et je le note dans les transmissions pour en parler à l'infirmière."
)
DETAILED_PRESSURE_SORE = (
    "C'est peut-être le début d'une escarre. Je soulage l'appui tout de suite en changeant la position du patient, "
    "je vérifie le matelas, puis je préviens l'infirmière et je note la rougeur dans les transmissions."
)
DETAILED_CALM = (
    "L'an dernier, à l'accueil du service, une fille de résidente criait parce que sa mère n'avait pas été "
    "levée. Je l'ai écoutée sans l'interrompre, je lui ai expliqué l'organisation du matin et j'ai appelé "
    "l'infirmière. Elle s'est calmée, et j'ai retenu qu'écouter d'abord désamorce beaucoup."
)
DETAILED_TEAM = (
    "Pendant une épidémie de grippe, la moitié de l'équipe était absente. Avec ma collègue, nous avons réparti "
    "les chambres, je faisais les repas et les changes de mon couloir, et nous faisions le point toutes les deux "
    "heures. Tous les soins ont été faits ; il aurait fallu prévenir plus tôt la cadre."
)
VAGUE = "J'aime aider les gens, c'est un beau métier."
MEDIUM_DAY = (
    "On s'occupe des toilettes et des repas des personnes âgées, et on travaille avec l'infirmière. Je pense que "
    "c'est fatigant."
)
MEDIUM_PRACTICAL = "Je prendrai le bus, il faut une heure. Je n'ai pas encore regardé pour le financement."

DEMO_CANDIDATES: tuple[DemoCandidate, ...] = (
    DemoCandidate(
        pseudonym="C-DEM2A1",
        commune="Metz",
        lat=49.1193,
        lon=6.1757,
        max_travel_km=30,
        quiz="right",
        default=DETAILED_CASE,
        answers={
            "job_knowledge": DETAILED_DAY,
            "project_coherence": DETAILED_PROJECT,
            "practical_readiness": DETAILED_PRACTICAL,
            "commitment": DETAILED_COMMITMENT,
            "parcours-motivation": DETAILED_PROJECT,
            "journee-type": DETAILED_DAY,
            "rougeur-talon": DETAILED_PRESSURE_SORE,
            "situation-stress": DETAILED_CALM,
            "travail-en-equipe": DETAILED_TEAM,
        },
    ),
    DemoCandidate(
        pseudonym="C-DEM2B2",
        commune="Nancy",
        lat=48.6921,
        lon=6.1844,
        max_travel_km=60,
        quiz="mixed",
        default=VAGUE,
        answers={
            "job_knowledge": MEDIUM_DAY,
            "project_coherence": DETAILED_PROJECT,
            "practical_readiness": MEDIUM_PRACTICAL,
            "journee-type": MEDIUM_DAY,
        },
        follow_up="Par exemple, j'ai aidé ma voisine âgée pour ses courses pendant un hiver.",
    ),
    DemoCandidate(
        pseudonym="C-DEM2C3",
        commune="Thionville",
        lat=49.3579,
        lon=6.1683,
        max_travel_km=40,
        quiz="wrong",
        default=VAGUE,
        flows=(Flow.QUIZ, Flow.MOTIVATION),
    ),
    DemoCandidate(  # lives too far from Metz for the distance they accept: on the not-eligible list, with why
        pseudonym="C-DEM2D4",
        commune="Strasbourg",
        lat=48.5734,
        lon=7.7521,
        max_travel_km=20,
        quiz="right",
        default=DETAILED_CASE,
        answers={"job_knowledge": DETAILED_DAY, "commitment": DETAILED_COMMITMENT},
        flows=(Flow.QUIZ, Flow.MOTIVATION),
    ),
)


def demo_texts() -> list[str]:
    """Every text a demo candidate types (what the tests check with the real scrubber)."""
    return sorted(
        {text for c in DEMO_CANDIDATES for text in (c.default, c.follow_up, *c.answers.values())}
        | {"accept", "je ne sais pas"}
    )


def seed_demo_candidates(engine: Engine, organisation_id: int) -> int:
    """Take the demo candidates that are missing (or unfinished) through their assessment; returns how many.

    A candidate left half-way by an interrupted run resumes where its checkpoint stands."""
    with Session(engine) as db:
        reported = {
            candidate.pseudonym
            for candidate, row in db.exec(
                select(Candidate, AssessmentSession).where(AssessmentSession.candidate_id == Candidate.id)
            ).all()
            if candidate.organisation_id == organisation_id and load_report(db, row.id) is not None
        }
    todo = [candidate for candidate in DEMO_CANDIDATES if candidate.pseudonym not in reported]
    if not todo:
        return 0
    # Imported here: the flows and the embedding model take seconds to load, and a complete demo needs neither.
    from app.assessment.scoring.cues import get_cues
    from app.assessment.scoring.scorer import TranscriptScorer
    from app.assessment.scoring.screening import get_screening
    from app.assessment.scoring.similarity import EmbeddingCache
    from app.assessment.session_report import SessionReporter
    from app.checkpoints import open_checkpointer
    from app.conversation import Conversation
    from app.embeddings import get_embedder
    from app.llm.gateway import RULES, LLMGateway
    from app.prompts import get_prompt_registry
    from flows import session as session_flow

    audit = DatabaseAuditSink(engine, actor="seed-demo")
    scrubber = SyntheticTextScrubber()
    gateway = LLMGateway(chat_model=None, provider=RULES, model_name=RULES, scrubber=scrubber, audit=audit)
    # One cache for the flows and the scorer: the demo's answers repeat, and embedding is most of the time spent.
    embedder = _CachedEmbedder(EmbeddingCache(get_embedder()), get_embedder().dimension)
    scorer = TranscriptScorer(
        gateway=gateway,
        rubrics=get_rubrics(),
        scrubber=scrubber,
        embeddings=EmbeddingCache(embedder),
        prompts=get_prompt_registry(),
        screening=get_screening(),
        cues=get_cues(),
    )
    reporter = SessionReporter(engine=engine, scorer=scorer, audit=audit)
    with open_checkpointer() as saver:
        graph = session_flow.build_graph(
            llm=gateway, rubrics=get_rubrics(), scrubber=scrubber, scorer=scorer, embedder=embedder, checkpointer=saver
        )
        conversation = Conversation(graph=graph, engine=engine, audit=audit, scrubber=scrubber, on_completed=reporter)
        for candidate in todo:
            session_id = _session_of(engine, organisation_id, candidate)
            _take_assessment(conversation, session_id, candidate)
            with Session(engine) as db:
                if load_report(db, session_id) is None:  # completed by an earlier run that stopped while scoring
                    reporter(session_id, conversation.values(session_id))
    return len(todo)


def _session_of(engine: Engine, organisation_id: int, demo: DemoCandidate) -> str:
    """The demo candidate's session, created with their matching profile on first use."""
    with Session(engine) as db, db.begin():
        candidate = db.exec(select(Candidate).where(Candidate.pseudonym == demo.pseudonym)).first()
        if candidate is not None:
            row = db.exec(select(AssessmentSession).where(AssessmentSession.candidate_id == candidate.id)).one()
            return row.id
        rubric = get_rubrics()[DEMO_RUBRIC]
        candidate = Candidate(organisation_id=organisation_id, pseudonym=demo.pseudonym)
        db.add(candidate)
        db.flush()
        row = AssessmentSession(
            candidate_id=candidate.id,
            rubric_id=rubric.id,
            rubric_version=rubric.version,
            flows=list(demo.flows),
        )
        today = date.today()
        profile = CandidateMatchingProfile(
            candidate_id=candidate.id,
            commune=demo.commune,
            lat=demo.lat,
            lon=demo.lon,
            max_travel_km=demo.max_travel_km,
            available_from=today,
            schedule=CandidateSchedule.ANY,
            diploma_level=3,
            driving_licence=True,
            registered_on=today - timedelta(days=20),
        )
        db.add_all([row, profile])
        db.flush()
        return row.id


def _take_assessment(conversation: Conversation, session_id: str, demo: DemoCandidate) -> None:
    items = {item.id: item for item in get_rubrics()[DEMO_RUBRIC].quiz.items}
    view = conversation.open(session_id)
    for rank in range(200):
        question = view.question
        if question is None:
            return
        item_id = question.get("item_id", "")
        if question["kind"] == "consent":
            text = "accept"
        elif question["kind"] == "quiz_item":
            right = demo.quiz == "right" or (demo.quiz == "mixed" and rank % 3 != 0)
            text = _quiz_answer(items[item_id], right=right)
        else:
            topic, _, follow_up_rank = item_id.partition("#")
            text = demo.answers.get(topic, demo.default) if follow_up_rank in ("", "0") else demo.follow_up
        view = conversation.answer(session_id, text, question_id=view.question_id)
    raise RuntimeError(f"the demo assessment of {demo.pseudonym} did not end")


def _quiz_answer(item: QuizItem, *, right: bool) -> str:
    if isinstance(item, SingleChoiceItem):
        choice = item.answer if right else (item.answer + 1) % len(item.choices)
        return chr(ord("A") + choice)
    if isinstance(item, NumericItem):
        value = item.answer.value if right else item.answer.value * 2 + 1
        text = f"{value:g}".replace(".", ",")  # French decimal comma
        return f"{text} {item.answer.unit}" if item.answer.unit else text
    assert isinstance(item, FreeTextItem)
    return " et ".join(group[0].rstrip("*") for group in item.answer.expected) if right else "je ne sais pas"
