"""The embedder loads offline (the network guard is active), returns unit float32 rows and ranks French sensibly."""

from __future__ import annotations

import numpy as np
import pytest

from app.embeddings import Embedder, UsemEmbedder, cosine, get_embedder

# (anchor, paraphrase, unrelated): the paraphrase must beat the unrelated sentence by MARGIN.
SEMANTIC_CASES = [
    ("aider les personnes âgées", "accompagner des seniors", "réparer des moteurs"),
    ("se laver les mains avant un soin", "l'hygiène des mains est importante", "le train est en retard"),
    ("j'aime travailler en équipe", "la collaboration avec mes collègues me plaît", "je cherche un appartement"),
]
MARGIN = 0.2


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return get_embedder()


def test_get_embedder_is_the_cached_usem_embedder(embedder: Embedder) -> None:
    assert isinstance(embedder, UsemEmbedder)
    assert get_embedder() is embedder
    assert embedder.dimension == 512


@pytest.mark.parametrize(
    "texts",
    [
        pytest.param(["Bonjour"], id="one"),
        pytest.param(["Bonjour", "Je voudrais devenir aide-soignant.", "Merci !"], id="several"),
        pytest.param([""], id="empty-string"),
        pytest.param(["   ", "a"], id="blank-and-short"),
    ],
)
def test_rows_are_unit_float32(embedder: Embedder, texts: list[str]) -> None:
    vectors = embedder.embed(texts)
    assert vectors.shape == (len(texts), 512)
    assert vectors.dtype == np.float32
    assert np.all(np.isfinite(vectors))
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize("texts", [pytest.param([], id="list"), pytest.param((), id="tuple")])
def test_empty_input_gives_an_empty_matrix(embedder: Embedder, texts: list[str]) -> None:
    vectors = embedder.embed(texts)
    assert vectors.shape == (0, 512)
    assert vectors.dtype == np.float32


def test_a_bare_string_is_refused(embedder: Embedder) -> None:
    with pytest.raises(TypeError, match="not a single string"):
        embedder.embed("Bonjour")


@pytest.mark.parametrize(("anchor", "close", "far"), SEMANTIC_CASES)
def test_french_paraphrases_are_closer_than_unrelated_sentences(
    embedder: Embedder, anchor: str, close: str, far: str
) -> None:
    a, c, f = embedder.embed([anchor, close, far])
    assert cosine(a, c) - cosine(a, f) > MARGIN


def test_same_text_gives_the_same_vector_alone_or_in_a_batch(embedder: Embedder) -> None:
    alone = embedder.embed(["accompagner des seniors"])[0]
    batched = embedder.embed(["réparer des moteurs", "accompagner des seniors"])[1]
    assert cosine(alone, batched) == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        pytest.param([1.0, 0.0], [2.0, 0.0], 1.0, id="same-direction"),
        pytest.param([1.0, 0.0], [0.0, 3.0], 0.0, id="orthogonal"),
        pytest.param([1.0, 1.0], [-1.0, -1.0], -1.0, id="opposite"),
        pytest.param([0.0, 0.0], [1.0, 0.0], 0.0, id="zero-vector"),
    ],
)
def test_cosine(a: list[float], b: list[float], expected: float) -> None:
    assert cosine(np.array(a), np.array(b)) == pytest.approx(expected)
