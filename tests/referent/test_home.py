"""The referent's home page: their candidates with status and links, their offers, and the invitation form."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.db.models import AssessmentSession, AuditEvent, Candidate
from app.invitations import COOKIE as INVITATION_COOKIE
from app.web.auth import CSRF_HEADER
from tests.referent.conftest import StaffClient
from tests.referent.world import World


def _sessions(engine: Engine, organisation_id: int) -> list[AssessmentSession]:
    with Session(engine) as db:
        return list(
            db.exec(
                select(AssessmentSession)
                .join(Candidate, col(Candidate.id) == AssessmentSession.candidate_id)
                .where(Candidate.organisation_id == organisation_id)
            )
        )


def test_home_lists_the_organisation_candidates_offers_and_links(
    client_for: Callable[[str | None], StaffClient], world: World
) -> None:
    page = client_for("referent_a").get("/")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert world.a.pseudonym in text
    assert f'href="/reports/{world.a.session_id}"' in text  # finished: its report
    assert "Terminée" in text
    assert "Invitation envoyée" in text
    assert f'href="/offers/{world.a.offer_id}/shortlist"' in text
    assert f'action="/candidates/{world.a.candidate_id}/export"' in text  # the candidate's rights, from the list
    assert f'href="/candidates/{world.a.candidate_id}/erase"' in text
    assert "Formation de l'organisation A" in text
    # The invited candidate's link is visible without JavaScript, with a copy button that the script reveals.
    links = re.findall(r'value="(http://testserver/invitation/[^"]+)" readonly', page.text)
    assert len(links) == 1
    assert 'data-copy="link-' in page.text
    assert '<script src="/static/copy-link.js"' in page.text
    # The candidate's link opens the chat for them.
    assert client_for(None).get(links[0].removeprefix("http://testserver")).status_code == 303


def test_static_copy_script_is_served(client_for: Callable[[str | None], StaffClient]) -> None:
    response = client_for(None).get("/static/copy-link.js")
    assert response.status_code == 200
    assert "navigator.clipboard" in response.text


def test_an_invitation_is_created_audited_and_shown_with_its_link(
    client_for: Callable[[str | None], StaffClient], world: World, app_engine: Engine
) -> None:
    client = client_for("referent_a")
    before = {s.id for s in _sessions(app_engine, world.a.organisation_id)}
    del client.headers[CSRF_HEADER]  # as a browser's form does: the token in a hidden field
    response = client.post(
        "/invitations", data={"rubric": "aide-soignant", "flows": ["quiz"], "days": "3", "csrf_token": client.csrf}
    )
    assert response.status_code == 303, response.text
    [new] = [s for s in _sessions(app_engine, world.a.organisation_id) if s.id not in before]
    assert response.headers["location"] == f"/?invitation={new.id}"
    assert (new.rubric_id, [str(f) for f in new.flows], new.status.value) == ("aide-soignant", ["quiz"], "invited")
    assert new.invitation_expires_at is not None
    assert 2 < (new.invitation_expires_at - new.started_at).total_seconds() / 86400 <= 3
    with Session(app_engine) as db:
        [event] = db.exec(select(AuditEvent).where(AuditEvent.event_type == "invitation.created")).all()
    assert (event.session_id, event.actor) == (new.id, f"user:{world.accounts['referent_a'].id}")
    page = client.get(response.headers["location"])
    assert "Invitation créée pour" in html.unescape(page.text)
    match = re.search(r'id="created-link" value="http://testserver(/invitation/[^"]+)"', page.text)
    assert match is not None
    candidate = client_for(None)
    assert candidate.get(match.group(1)).status_code == 303
    assert INVITATION_COOKIE in candidate.cookies


def test_the_banner_ignores_another_organisation_session(
    client_for: Callable[[str | None], StaffClient], world: World
) -> None:
    page = client_for("referent_a").get(f"/?invitation={world.b.invited_session_id}")
    assert page.status_code == 200
    assert "Invitation créée" not in page.text
    assert world.b.invited_session_id not in page.text


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"flows": ["quiz"], "days": "14"}, "Choisissez la formation visée dans la liste."),
        ({"rubric": "plombier", "flows": ["quiz"], "days": "14"}, "Choisissez la formation visée dans la liste."),
        ({"rubric": "aide-soignant", "days": "14"}, "Cochez au moins une étape d'évaluation."),
        ({"rubric": "aide-soignant", "flows": ["danse"], "days": "14"}, "n'est pas disponible"),
        ({"rubric": "aide-soignant", "flows": ["quiz"], "days": "0"}, "entre 1 et 60"),
        ({"rubric": "aide-soignant", "flows": ["quiz"], "days": "61"}, "entre 1 et 60"),
        ({"rubric": "aide-soignant", "flows": ["quiz"], "days": "deux"}, "entre 1 et 60"),
    ],
    ids=["no rubric", "unknown rubric", "no step", "unknown step", "0 days", "61 days", "not a number"],
)
def test_bad_invitations_are_refused_in_french_and_nothing_is_created(
    client_for: Callable[[str | None], StaffClient],
    world: World,
    app_engine: Engine,
    form: dict[str, object],
    message: str,
) -> None:
    client = client_for("referent_a")
    before = len(_sessions(app_engine, world.a.organisation_id))
    response = client.post("/invitations", data=form)
    assert response.status_code == 400
    text = html.unescape(response.text)
    assert "L'invitation n'a pas été créée" in text
    assert message in text
    assert f'value="{form["days"]}"' in response.text  # what was typed is kept
    assert len(_sessions(app_engine, world.a.organisation_id)) == before
