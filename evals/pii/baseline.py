"""Presidio's default French configuration, for the side-by-side: the spaCy `fr_core_news_md` engine with PER
and LOC mapped to PERSON and LOCATION (MISC and ORG ignored) and every predefined recognizer Presidio loads
for French, at its default threshold. Only what the offline setup requires is changed (no model download,
tldextract on its bundled suffix list; see ../shared/STACK.md)."""

from __future__ import annotations

from collections.abc import Sequence

import tldextract
import tldextract.tldextract
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import NlpEngineProvider

from evals.pii.metrics import Predicted

# Presidio's entity names in the vocabulary of recognizers.yaml, so both columns read the same.
TO_OUR_TYPES = {
    "PERSON": "PERSONNE",
    "PHONE_NUMBER": "TELEPHONE",
    "EMAIL_ADDRESS": "EMAIL",
    "IBAN_CODE": "IBAN",
    "URL": "URL",
    "LOCATION": "LIEU",
    "DATE_TIME": "DATE",
}


def offline_tldextract() -> None:
    """Presidio's email recognizer checks domains with tldextract, which downloads the public suffix list on
    first use; use the snapshot bundled with the package instead, with no cache directory."""
    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


class DefaultFrenchPresidio:
    def __init__(self) -> None:
        offline_tldextract()
        configuration = {
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "fr", "model_name": "fr_core_news_md"}],
            "ner_model_configuration": {
                "model_to_presidio_entity_mapping": {"PER": "PERSON", "LOC": "LOCATION"},
                "labels_to_ignore": ["MISC", "ORG"],
            },
        }
        nlp_engine = NlpEngineProvider(nlp_configuration=configuration).create_engine()
        registry = RecognizerRegistry(supported_languages=["fr"])
        registry.load_predefined_recognizers(languages=["fr"], nlp_engine=nlp_engine)
        self.engine = AnalyzerEngine(nlp_engine=nlp_engine, registry=registry, supported_languages=["fr"])

    def predict(self, text: str) -> list[Predicted]:
        return [
            Predicted(TO_OUR_TYPES.get(result.entity_type, result.entity_type), result.start, result.end)
            for result in self.engine.analyze(text=text, language="fr")
        ]

    def predict_many(self, texts: Sequence[str]) -> list[list[Predicted]]:
        return [self.predict(text) for text in texts]
