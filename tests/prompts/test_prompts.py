"""The prompt registry: shipped prompts match their snapshots, bad files fail at load, bad requests fail clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import ConfigError
from app.prompts import PromptError, PromptMessage, PromptRegistry, RenderedPrompt, get_prompt_registry
from app.settings import PROJECT_ROOT, get_settings
from tests.snapshot import assert_snapshot

HERE = Path(__file__).parent
SNAPSHOTS = HERE / "snapshots"
SHIPPED = PROJECT_ROOT / "prompts"

# Fixed variables per shipped prompt name: a new prompt needs an entry here (and a snapshot).
SNAPSHOT_VARIABLES: dict[str, dict[str, object]] = {
    "chat/greeting": {"training_title": "Aide-soignant·e"},
    "chat/reply": {
        "training_title": "Aide-soignant·e",
        "history": [
            PromptMessage("assistant", "Bonjour ! Je suis l'assistant de Tremplin. Êtes-vous prêt à commencer ?"),
            PromptMessage("user", "Oui. C'est quoi, le quiz ?"),
        ],
    },
    "smoke/json_object": {},
    "scoring/criterion": {
        "training_title": "Aide-soignant·e",
        "flow_label": "entretien de motivation",
        "criterion": {
            "title": "Préparation pratique",
            "levels": [
                {"score": 0, "descriptor": "Rien de pertinent.", "anchors": ["Je verrai bien."]},
                {"score": 1, "descriptor": "Réponse vague.", "anchors": []},
                {"score": 2, "descriptor": "Un élément concret.", "anchors": ["J'ai le permis et une voiture."]},
                {"score": 3, "descriptor": "Plusieurs éléments vérifiables.", "anchors": []},
            ],
            "expected": [],
        },
        "questions": ["Comment allez-vous vous rendre à l'institut ?"],
        "answer": "Il y a un bus direct, 35 minutes de trajet.",
    },
    "interview/question": {
        "training_title": "Aide-soignant·e",
        "interviewer": "un conseiller ou une conseillère qui mène un entretien de motivation bienveillant",
        "topic": "Préparation pratique",
        "bank_question": "Comment allez-vous vous rendre à l'institut ?",
        "previous_answer": "En bus, je pense.",
        "follow_up": True,
        "simple_french": True,
    },
    "interview/feedback": {
        "training_title": "Aide-soignant·e",
        "exchanges": [
            {
                "question": "Que faites-vous si un résident refuse sa toilette ?",
                "answer": "Je respecte son refus et je repasse plus tard, et je le dis à l'infirmière.",
                "expected": ["Le respect du refus.", "La transmission à l'équipe."],
            }
        ],
        "simple_french": False,
    },
}
SHIPPED_VERSIONS = [
    (name, version) for name, versions in PromptRegistry.load(SHIPPED).versions().items() for version in versions
]


def as_text(prompt: RenderedPrompt) -> str:
    parts = [f"# {prompt.name} {prompt.version} (output: {prompt.output})\n"]
    parts += [f"\n=== {message.role} ===\n{message.content}\n" for message in prompt.messages]
    return "".join(parts)


@pytest.mark.parametrize(("name", "version"), SHIPPED_VERSIONS, ids=[f"{n}.{v}" for n, v in SHIPPED_VERSIONS])
def test_shipped_prompt_matches_its_snapshot(name: str, version: str) -> None:
    rendered = get_prompt_registry().render(name, version=version, **SNAPSHOT_VARIABLES[name])
    assert_snapshot(SNAPSHOTS / f"{name}.{version}.txt", as_text(rendered))


def test_every_snapshot_belongs_to_a_shipped_prompt() -> None:
    expected = {SNAPSHOTS / f"{name}.{version}.txt" for name, version in SHIPPED_VERSIONS}
    assert set(SNAPSHOTS.rglob("*.txt")) == expected


def test_the_default_registry_is_cached_and_lists_versions() -> None:
    registry = get_prompt_registry()
    assert get_prompt_registry() is registry
    assert registry.versions() == {
        "chat/greeting": ["v1"],
        "chat/reply": ["v1"],
        "interview/feedback": ["v1"],
        "interview/question": ["v1"],
        "scoring/criterion": ["v1"],
        "smoke/json_object": ["v1"],
    }


@pytest.mark.parametrize(
    ("name", "output", "roles"),
    [
        ("chat/greeting", "text", ("system", "user")),
        ("chat/reply", "text", ("system", "user")),
        ("smoke/json_object", "json", ("system", "user")),
        ("scoring/criterion", "json", ("system", "user")),
        ("interview/question", "text", ("system", "user")),
        ("interview/feedback", "json", ("system", "user")),
    ],
)
def test_shipped_prompt_shape(name: str, output: str, roles: tuple[str, ...]) -> None:
    rendered = get_prompt_registry().render(name, version=None, **SNAPSHOT_VARIABLES[name])
    assert (rendered.output, tuple(m.role for m in rendered.messages)) == (output, roles)


def test_the_default_registry_reads_the_configured_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TREMPLIN_PROMPTS_DIR", str(HERE / "good"))
    get_settings.cache_clear()
    assert list(get_prompt_registry().versions()) == ["demo/hello"]


# --- the registry's behaviour, on tests/prompts/good (demo/hello v1, v2, v10) ---


@pytest.fixture(scope="module")
def demo() -> PromptRegistry:
    return PromptRegistry.load(HERE / "good")


def test_versions_are_sorted_as_numbers(demo: PromptRegistry) -> None:
    assert demo.versions() == {"demo/hello": ["v1", "v2", "v10"]}


def test_latest_version_by_default(demo: PromptRegistry) -> None:
    rendered = demo.render("demo/hello", who="Léa", items=[{"label": "un"}, {"label": "deux"}])
    assert rendered == RenderedPrompt(
        name="demo/hello",
        version="v10",
        output="json",
        messages=(
            PromptMessage("system", "Réponds en JSON."),
            PromptMessage("user", 'Bonjour Léa <3 & "amis".\n- un\n- deux'),  # not HTML-escaped
            PromptMessage("assistant", '{"ok": true}'),
        ),
    )


def test_a_chosen_version(demo: PromptRegistry) -> None:
    rendered = demo.render("demo/hello", version="v2", who="Léa")
    assert (rendered.version, rendered.output, rendered.messages) == (
        "v2",
        "text",
        (PromptMessage("user", "Salut Léa."),),
    )


@pytest.mark.parametrize(
    ("name", "version", "variables", "message"),
    [
        ("demo/bye", None, {}, "unknown prompt 'demo/bye'; available: demo/hello"),
        ("demo/hello", "v3", {"who": "x"}, "prompt 'demo/hello' has no version 'v3'; available: v1, v2, v10"),
        ("demo/hello", "2", {"who": "x"}, "prompt 'demo/hello' has no version '2'; available: v1, v2, v10"),
        ("demo/hello", "v1", {}, "prompt demo/hello v1: missing variable(s): who"),
        ("demo/hello", "v1", {"who": "x", "whom": "y"}, "prompt demo/hello v1: unexpected variable(s): whom"),
        ("demo/hello", "v10", {"who": "x", "items": [{"name": "a"}]}, "prompt demo/hello v10: 'dict object' has no"),
    ],
    ids=["unknown-name", "unknown-version", "malformed-version", "missing", "unexpected", "undefined-attribute"],
)
def test_bad_requests_raise_prompt_error(
    demo: PromptRegistry, name: str, version: str | None, variables: dict[str, object], message: str
) -> None:
    with pytest.raises(PromptError) as caught:
        demo.render(name, version=version, **variables)
    assert str(caught.value).startswith(message)


# --- bad files: tests/prompts/bad/<case>/ each fails to load with file, line when known, and the problem ---

BAD_CASES = [
    ("no-front-matter", "p.v1.md.j2:1: a prompt file starts with a '---' line"),
    ("unclosed-front-matter", "p.v1.md.j2:1: the front matter is not closed by a '---' line"),
    ("front-matter-unknown-key", "p.v1.md.j2:4: model: Extra inputs are not permitted"),
    ("front-matter-wrong-type", "p.v1.md.j2:3: variables: Input should be a valid list"),
    ("front-matter-bad-output", "p.v1.md.j2:4: output: Input should be 'text' or 'json'"),
    ("front-matter-missing-description", "p.v1.md.j2:2: description: Field required"),
    ("front-matter-invalid-yaml", "p.v1.md.j2:4: invalid YAML: expected ',' or ']'"),
    ("reserved-variable", "p.v1.md.j2:3: variables: 'version' is reserved"),
    ("syntax-error", "p.v1.md.j2:10: template syntax error: Unexpected end of template"),
    ("duplicate-version", "p.v1.md.j2: duplicate prompt p v1 (also defined by"),
    ("unknown-role", "p.v1.md.j2:8: unknown role 'narrator' (expected one of: system, user, assistant)"),
    ("text-before-first-marker", "p.v1.md.j2:5: text before the first '{# role: ... #}' marker"),
    ("no-message", "p.v1.md.j2: no message; open each one with a '{# role: system|user|assistant #}' line"),
    ("empty-message", "p.v1.md.j2:5: empty system message"),
    ("undeclared-variable", "p.v1.md.j2:9: uses variable(s) missing from the front matter: training"),
    ("unused-variable", "p.v1.md.j2: declares unused variable(s): training"),
    ("include", "p.v1.md.j2:10: include/import/extends are not supported"),
    ("bad-file-name", "chat/greeting.md.j2: a prompt file must be named <name>.v<N>.md.j2"),
    ("bad-directory-name", "Chat/p.v1.md.j2: a prompt file must be named <name>.v<N>.md.j2"),
]


@pytest.mark.parametrize(("case", "message"), BAD_CASES, ids=[case for case, _ in BAD_CASES])
def test_bad_prompt_file_fails_at_load(case: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        PromptRegistry.load(HERE / "bad" / case)
    assert str(caught.value).startswith(f"{HERE / 'bad' / case}/{message}")
    assert "\n" not in str(caught.value)


def test_every_bad_case_is_in_the_table() -> None:
    assert {path.name for path in (HERE / "bad").iterdir()} == {case for case, _ in BAD_CASES}


def test_missing_directory_fails_at_load(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="prompt directory not found"):
        PromptRegistry.load(tmp_path / "absent")


def test_file_not_in_utf8_fails_at_load(tmp_path: Path) -> None:
    (tmp_path / "p.v1.md.j2").write_bytes(b"---\ndescription: caf\xe9\n---\n")
    with pytest.raises(ConfigError, match=r"p\.v1\.md\.j2: not valid UTF-8"):
        PromptRegistry.load(tmp_path)
