"""The report and shortlist pages through the real application, logged in through the login form: access per
role and organisation, exports and their audit events, decisions recorded and shown, bad forms answered in
French with nothing lost, hostile transcript text escaped."""

from __future__ import annotations

import json
from collections.abc import Callable
from html import unescape

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.assessment.report import save_report
from app.db.models import (
    AssessmentSession,
    AuditEvent,
    Candidate,
    CandidateMatchingProfile,
    Decision,
    Message,
    MessageRole,
    Report,
    Shortlist,
)
from app.review import wording
from app.web.auth import CSRF_HEADER
from tests.referent.conftest import StaffClient
from tests.referent.world import World
from tests.review.conftest import BOLD, SCRIPT, Scored

Clients = Callable[[str | None], StaffClient]


def _events(engine: Engine, event_type: str) -> list[AuditEvent]:
    with Session(engine) as db:
        return list(db.exec(select(AuditEvent).where(AuditEvent.event_type == event_type).order_by(col(AuditEvent.id))))


def _routes(world: World) -> list[tuple[str, str, int]]:
    """(method, path of organisation A's objects, status for A's referent)."""
    a = world.a
    return [
        ("GET", f"/reports/{a.session_id}", 200),
        ("GET", f"/reports/{a.session_id}.pdf", 200),
        ("GET", f"/reports/{a.session_id}.json", 200),
        ("POST", f"/reports/{a.session_id}/decisions", 303),
        ("GET", f"/offers/{a.offer_id}/shortlist", 200),
        ("POST", f"/offers/{a.offer_id}/shortlist/decisions", 303),
        ("POST", f"/offers/{a.offer_id}/shortlist/refresh", 303),  # last: it replaces the shortlist decided on
    ]


def _valid_form(world: World, path: str) -> dict[str, str]:
    if path.endswith("/reports/" + world.a.session_id + "/decisions"):
        return {"target": "recommendation", "action": "accept", "reason_code": "evidence_supports"}
    if path.endswith("/shortlist/decisions"):
        return {
            "shortlist_id": str(world.a.shortlist_id),
            "target": f"candidate:{world.a.pseudonym}",
            "action": "accept",
            "reason_code": "evidence_supports",
        }
    return {}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        pytest.param("referent_a", None, id="own-organisation"),
        pytest.param("referent_b", 404, id="other-organisation"),
        pytest.param("admin", 403, id="admin"),
        pytest.param("auditor", 403, id="auditor"),
        pytest.param(None, 303, id="anonymous"),
    ],
)
def test_every_route_answers_by_role_and_organisation(
    client_for: Clients,
    world: World,
    app_engine: Engine,
    who: str | None,
    expected: int | None,
) -> None:
    client = client_for(who)
    for method, path, own in _routes(world):
        response = client.request(method, path, data=_valid_form(world, path) if method == "POST" else None)
        assert response.status_code == (expected or own), (method, path, response.text[:300])
        if expected == 404:
            assert world.a.quote not in response.text
            assert world.a.pseudonym not in response.text
            assert "Page introuvable" in response.text
        if expected is None and method == "GET" and not path.endswith(".pdf"):
            assert world.a.pseudonym in response.text
        if who is None:
            assert response.headers["location"].startswith("/login?next=")
    with Session(app_engine) as db:
        decisions = db.exec(select(Decision)).all()
    assert len(decisions) == (2 if expected is None else 0)


def test_unknown_ids_are_404_pages_in_french(client_for: Clients) -> None:
    client = client_for("referent_a")
    for path in (
        "/reports/no-such-session",
        "/reports/no-such-session.pdf",
        "/offers/999999/shortlist",
        "/offers/x/shortlist",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Page introuvable" in response.text


def test_posts_without_the_csrf_token_are_refused(client_for: Clients, world: World, app_engine: Engine) -> None:
    client = client_for("referent_a")
    del client.headers[CSRF_HEADER]
    for method, path, _ in _routes(world):
        if method == "POST":
            response = client.post(path, data=_valid_form(world, path))
            assert response.status_code == 403, path
            assert "jeton de sécurité" in response.text
    with Session(app_engine) as db:
        assert db.exec(select(Decision)).all() == []
        assert len(db.exec(select(Shortlist)).all()) == 2  # the two of the world, none recomputed


def test_the_report_page_and_its_exports(
    client_for: Clients,
    world: World,
    app_engine: Engine,
) -> None:
    client = client_for("referent_a")
    page = client.get(f"/reports/{world.a.session_id}")
    assert page.status_code == 200
    text = page.text
    assert text.index("Recommandation de l'outil") < text.index("Critères évalués") < text.index("Transcription")
    assert "Prêt pour la formation" in text
    assert "niveau 2 sur 3" in text
    assert f"<mark>{world.a.quote}<sup>C1,C2,C3,C4</sup></mark>" in text
    assert wording.DECISION_REMINDER.split(" :")[0] in text
    assert 'name="csrf_token" value="' + client.csrf + '"' in text

    pdf = client.get(f"/reports/{world.a.session_id}.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert f'filename="rapport-{world.a.pseudonym}.pdf"' in pdf.headers["content-disposition"]

    exported = client.get(f"/reports/{world.a.session_id}.json")
    body = json.loads(exported.content)
    assert body["candidate"] == world.a.pseudonym
    assert body["report"]["recommendation"] == "ready"
    assert body["transcript"] == [{"seq": 0, "role": "candidate", "content_scrubbed": world.a.quote}]
    assert body["decisions"] == []

    events = _events(app_engine, "report.exported")
    user_id = world.accounts["referent_a"].id
    assert [(e.payload["format"], e.actor, e.session_id, e.payload["user_id"]) for e in events] == [
        ("pdf", f"user:{user_id}", world.a.session_id, user_id),
        ("json", f"user:{user_id}", world.a.session_id, user_id),
    ]
    assert events[1].payload["bytes"] == len(exported.content)


def test_hostile_transcript_text_renders_as_text_on_the_page(
    client_for: Clients,
    world: World,
    app_engine: Engine,
    hostile_report: Scored,
) -> None:
    with Session(app_engine) as db:
        for message in db.exec(select(Message).where(Message.session_id == world.a.session_id)):
            db.delete(message)
        db.flush()
        for seq, (role, _, content) in enumerate(hostile_report.turns):
            db.add(Message(session_id=world.a.session_id, seq=seq, role=MessageRole(role), content_scrubbed=content))
        save_report(db, hostile_report.for_session(world.a.session_id))
        db.commit()

    client = client_for("referent_a")
    page = client.get(f"/reports/{world.a.session_id}")
    assert page.status_code == 200
    assert "<script>alert" not in page.text
    assert BOLD not in page.text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page.text
    assert "non évalué" in page.text
    exported = json.loads(client.get(f"/reports/{world.a.session_id}.json").content)
    assert any(SCRIPT in turn["content_scrubbed"] for turn in exported["transcript"])  # JSON keeps the exact text
    assert client.get(f"/reports/{world.a.session_id}.pdf").content.startswith(b"%PDF-")


def test_a_decision_is_recorded_shown_beside_the_original_and_audited(
    client_for: Clients,
    world: World,
    app_engine: Engine,
) -> None:
    client = client_for("referent_a")
    path = f"/reports/{world.a.session_id}/decisions"
    response = client.post(
        path,
        data={
            "target": "criterion:motivation_interview:commitment",
            "action": "override",
            "new_value": "1",
            "reason_code": "known_outside_assessment",
            "comment": "Rencontré le 12/11 : projet encore flou.",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith(f"/reports/{world.a.session_id}#decision-")

    with Session(app_engine) as db:
        stored = db.exec(select(Report).where(Report.session_id == world.a.session_id)).one()
        assert [c["level"] for c in stored.report_json["criteria"]] == [2, 2, 2, 2]  # the original is untouched
    page = client.get(f"/reports/{world.a.session_id}").text
    history = page.split("Historique des décisions", 1)[1]
    assert "Modifier" in history
    assert "niveau 2 sur 3" in history
    assert "niveau 1 sur 3" in history
    assert "Rencontré le 12/11 : projet encore flou." in history
    assert "Compte referente.a" in history  # who decided, by name, for colleagues

    user_id = world.accounts["referent_a"].id
    [event] = _events(app_engine, "decision.recorded")
    assert event.actor == f"user:{user_id}"
    assert event.session_id == world.a.session_id
    assert (event.payload["user_id"], event.payload["original_value"], event.payload["new_value"]) == (
        user_id,
        "2",
        "1",
    )


@pytest.mark.parametrize(
    ("form", "message"),
    [
        pytest.param(
            {"action": "override", "new_value": "", "reason_code": "other"},
            "choisissez la nouvelle valeur",
            id="no-value",
        ),
        pytest.param(
            {"action": "override", "new_value": "3", "reason_code": ""}, "Choisissez un motif", id="no-reason"
        ),
        pytest.param(
            {"action": "override", "new_value": "9", "reason_code": "other"},
            "choisissez la nouvelle valeur",
            id="bad-level",
        ),
        pytest.param({"action": "maybe", "reason_code": "other"}, "Choisissez ce que vous décidez", id="bad-action"),
    ],
)
def test_a_bad_decision_form_comes_back_in_french_with_nothing_lost(
    client_for: Clients,
    world: World,
    app_engine: Engine,
    form: dict[str, str],
    message: str,
) -> None:
    client = client_for("referent_a")
    comment = "Mon commentaire <i>important</i> à garder"
    target = "criterion:motivation_interview:job_knowledge"
    response = client.post(
        f"/reports/{world.a.session_id}/decisions", data={"target": target, "comment": comment, **form}
    )
    assert response.status_code == 400
    assert message in response.text
    assert "Mon commentaire &lt;i&gt;important&lt;/i&gt; à garder</textarea>" in response.text
    with Session(app_engine) as db:
        assert db.exec(select(Decision)).all() == []


def test_the_shortlist_page_recompute_filters_and_decisions(
    client_for: Clients,
    world: World,
    app_engine: Engine,
) -> None:
    with Session(app_engine) as db:
        profile = db.get(CandidateMatchingProfile, world.a.candidate_id)
        assert profile is not None
        profile.assessments = {
            "aide-soignant": {
                "prerequisites_met": True,
                "theta": 0.8,
                "motivation": {"job_knowledge": 2, "project_coherence": 3, "practical_readiness": 2, "commitment": 2},
            }
        }
        db.add(profile)
        invited = db.get(AssessmentSession, world.a.invited_session_id)
        assert invited is not None
        unassessed = db.get(Candidate, invited.candidate_id)
        assert unassessed is not None
        unassessed_pseudonym = unassessed.pseudonym
        db.add(
            CandidateMatchingProfile(
                **{**profile.model_dump(), "candidate_id": invited.candidate_id, "assessments": {}}
            )
        )
        db.commit()
    client = client_for("referent_a")
    assert client.post(f"/offers/{world.a.offer_id}/shortlist/refresh").status_code == 303
    [created] = _events(app_engine, "shortlist.created")
    assert created.actor == f"user:{world.accounts['referent_a'].id}"

    page = unescape(client.get(f"/offers/{world.a.offer_id}/shortlist").text)
    ranked, excluded = page.split("Candidats non admissibles", 1)
    assert world.a.pseudonym in ranked
    assert f'href="/reports/{world.a.session_id}"' in ranked
    assert all(label in ranked for label in wording.FACTORS.values())
    assert 'class="fill" style="width:' in ranked
    # The invited candidate has no assessment yet: listed as not eligible, with the reason, without a report link.
    assert unassessed_pseudonym in excluded
    assert "Pas d'évaluation pour le référentiel" in excluded
    assert "/reports/" not in excluded.split("Historique des décisions", 1)[0]
    assert world.b.pseudonym not in page  # rankings never mix organisations

    filtered = client.get(f"/offers/{world.a.offer_id}/shortlist", params={"show": "excluded"}).text
    assert "<h2>Candidats classés" not in filtered
    assert "1 candidat masqué par les filtres" in filtered
    high = client.get(f"/offers/{world.a.offer_id}/shortlist", params={"min_score": "0,99"}).text
    assert "Aucun candidat classé ne correspond aux filtres." in high
    assert "masqué" in high

    bad = client.get(f"/offers/{world.a.offer_id}/shortlist", params={"min_score": "beaucoup", "sort": "age"})
    assert bad.status_code == 400
    assert "Score minimum « beaucoup » non compris" in bad.text
    assert "Tri inconnu" in bad.text
    assert world.a.pseudonym in bad.text  # the list is still shown, unfiltered

    with Session(app_engine) as db:
        latest = db.exec(
            select(Shortlist).where(Shortlist.offer_id == world.a.offer_id).order_by(col(Shortlist.id).desc())
        ).first()
        assert latest is not None
    form = {
        "shortlist_id": str(latest.id),
        "target": f"candidate:{unassessed_pseudonym}",
        "action": "override",
        "new_value": "include",
        "reason_code": "eligibility_exception",
        "comment": "Évaluation prévue la semaine prochaine.",
    }
    stale = client.post(
        f"/offers/{world.a.offer_id}/shortlist/decisions", data={**form, "shortlist_id": str(world.a.shortlist_id)}
    )
    assert stale.status_code == 400
    assert "La liste a été recalculée" in stale.text
    assert client.post(f"/offers/{world.a.offer_id}/shortlist/decisions", data=form).status_code == 303

    page = unescape(client.get(f"/offers/{world.a.offer_id}/shortlist").text)
    row = page.split(f'id="candidate-{unassessed_pseudonym}"', 1)[1].split("</tr>", 1)[0]
    assert "non admissible" in page.split("Historique des décisions", 1)[1]
    assert "retenu malgré tout" in row
    assert "Pas d'évaluation pour le référentiel" in row
    [event] = _events(app_engine, "decision.recorded")
    assert (event.payload["subject"], event.payload["original_value"], event.payload["new_value"]) == (
        "shortlist_entry",
        "excluded",
        "include",
    )
