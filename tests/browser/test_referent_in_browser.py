"""The referent's area in a real browser, on the demo data `tremplin seed-demo` creates: log in through the form,
open a candidate's report from the home page, override a criterion and see both levels, download the PDF, and
read an offer's shortlist. Screenshots at phone and desktop widths go to var/artifacts/screenshots/."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from app.review.wording import level_label
from tests.browser.support import SCREENSHOTS, Served
from tests.live_server import TREMPLIN, live_server

EMAIL = "referente.navigateur@demo.tremplin.local"
PASSWORD = "un-mot-de-passe-de-test-assez-long"
STRONG, FAR_AWAY = "C-DEM2A1", "C-DEM2D4"  # app/db/demo_candidates.py
WIDTHS = (360, 1280)
# English words that would betray an untranslated code or label (the "Versions" table holds technical ids;
# inline styles and scripts are not text).
ENGLISH = {"report", "shortlist", "submit", "login", "password", "none", "true", "false", "null", "rule", "decision"}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A server on the demo data with its assessed demo candidates (the shared fixture leaves them out)."""
    data_dir = tmp_path_factory.mktemp("referent-var")
    with live_server(data_dir, tmp_path_factory.mktemp("referent-log"), seed=True, demo_candidates=True) as base:
        yield Served(base=base, data_dir=data_dir)


@pytest.fixture(scope="module")
def referent(served: Served) -> str:
    """A referent of the demo organisation, added with the product's own command (the password on stdin)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TREMPLIN_")}
    env |= {"TREMPLIN_DATA_DIR": str(served.data_dir), "TREMPLIN_LLM_PROVIDER": "rules"}
    added = subprocess.run(
        [TREMPLIN, "users", "add", "--email", EMAIL, "--name", "Référente du test", "--role", "referent"],
        input=f"{PASSWORD}\n",
        env=env,
        capture_output=True,
        text=True,
    )
    assert added.returncode == 0, added.stderr
    return EMAIL


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(locale="fr-FR", accept_downloads=True, viewport={"width": 1280, "height": 900})
    yield context
    context.close()


def _log_in(page: Page, server: str, email: str) -> None:
    page.goto(f"{server}/")
    expect(page).to_have_url(f"{server}/login?next=%2F")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(f"{server}/")


def _screenshots(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}px.png"), full_page=True)
        # Nothing may be wider than a phone's screen: tables scroll inside their own box.
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} at {width} px is {overflow} px too wide"
    page.set_viewport_size({"width": 1280, "height": 900})


def _no_english(page: Page) -> None:
    text = page.evaluate(
        "() => { const main = document.querySelector('main').cloneNode(true);"
        " main.querySelectorAll('.versions, style, script').forEach((node) => node.remove());"
        " return main.textContent; }"
    )
    words = {word.lower() for word in re.findall(r"[A-Za-zÀ-ÿ]+", text)}
    assert not words & ENGLISH, words & ENGLISH


def test_a_referent_overrides_a_criterion_and_downloads_the_pdf(
    context: BrowserContext, server: str, referent: str
) -> None:
    page = context.new_page()
    _log_in(page, server, referent)
    for pseudonym in (STRONG, FAR_AWAY):  # the demo candidates are on the home page
        expect(page.get_by_text(pseudonym).first).to_be_visible()

    page.get_by_role("link", name=f"Voir le rapport de {STRONG}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Rapport d'évaluation — candidat {STRONG}")
    expect(page.get_by_role("heading", name="Recommandation de l'outil")).to_be_visible()
    _no_english(page)
    _screenshots(page, "report")

    criterion = page.locator("section.criterion").first
    original = criterion.locator(".level").inner_text()
    assert original.startswith("niveau ")
    new = next(level_label(level) for level in (1, 2, 3, 0) if level_label(level) != original)
    criterion.locator("summary").click()
    criterion.get_by_role("radio", name="Modifier").check()
    criterion.get_by_role("combobox", name=re.compile("^Nouvelle valeur")).select_option(label=new)
    reason = criterion.get_by_role("combobox", name=re.compile("^Motif"))
    reason.select_option(label="Éléments connus en dehors de l'évaluation (dossier, rencontre)")
    comment = "Rencontrée en entretien : son stage est plus court que ce qu'elle décrit."
    criterion.get_by_role("textbox", name=re.compile("^Commentaire")).fill(comment)
    criterion.get_by_role("button", name="Enregistrer la décision").click()

    criterion = page.locator("section.criterion").first
    expect(criterion.locator(".level")).to_have_text(original)  # the tool's level stays shown...
    decision = criterion.locator(".decision-box")
    expect(decision).to_contain_text(f"Modifier → {new}")  # ...next to the referent's
    expect(decision).to_contain_text(comment)
    history = page.locator("table").filter(has_text="Proposition de l'outil").locator("tbody tr").first
    expect(history).to_contain_text(original)
    expect(history).to_contain_text(new)
    page.screenshot(path=str(SCREENSHOTS / "report-after-override-1280px.png"), full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF", exact=True).click()
    pdf = download_info.value.path().read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 10_000, len(pdf)
    assert download_info.value.suggested_filename.endswith(".pdf")


def test_a_referent_reads_the_shortlist_of_an_offer(context: BrowserContext, server: str, referent: str) -> None:
    page = context.new_page()
    _log_in(page, server, referent)
    page.get_by_role("link", name="Voir le classement pour Diplôme d'État d'aide-soignant (DEAS)").click()
    expect(page.get_by_role("heading", name="Candidats classés")).to_be_visible()
    first = page.locator("tbody tr").first
    expect(first).to_contain_text(STRONG)
    expect(first.locator(".bars li").first).to_be_visible()  # each factor's contribution as a bar
    excluded = page.locator("table").filter(has_text="Raisons").locator(f"#candidate-{FAR_AWAY}")
    expect(excluded).to_contain_text("Trop loin")  # on the not-eligible list, with its reason
    _no_english(page)
    _screenshots(page, "shortlist")
