"""Why a candidate is not eligible for an offer: the hard constraints, as bit flags and as French sentences.

The vectorised ranker keeps one small integer per pair (the OR of the flags of every failed constraint), so
nothing is lost and nobody is dropped; the sentences are written only when a result is shown.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date


class Reason(enum.IntFlag):
    TOO_FAR = 1
    AVAILABLE_AFTER_START = 2
    SCHEDULE_MISMATCH = 4
    DIPLOMA_BELOW_MINIMUM = 8
    LICENCE_MISSING = 16
    PREREQUISITES_NOT_MET = 32
    NO_ASSESSMENT = 64


REASON_CODES: dict[Reason, str] = {
    Reason.TOO_FAR: "too_far",
    Reason.AVAILABLE_AFTER_START: "available_after_start",
    Reason.SCHEDULE_MISMATCH: "schedule_mismatch",
    Reason.DIPLOMA_BELOW_MINIMUM: "diploma_below_minimum",
    Reason.LICENCE_MISSING: "licence_missing",
    Reason.PREREQUISITES_NOT_MET: "prerequisites_not_met",
    Reason.NO_ASSESSMENT: "no_assessment",
}

_SCHEDULES_FR = {"full_time": "à temps plein", "part_time": "à temps partiel", "any": "sans préférence"}


@dataclass(frozen=True)
class PairFacts:
    """The measured values a reason sentence quotes."""

    distance_km: float
    max_travel_km: float
    available_from: date
    start_date: date
    candidate_schedule: str
    offer_schedule: str
    diploma_level: int
    min_diploma_level: int
    rubric: str


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def describe(reason: Reason, facts: PairFacts) -> str:
    """One French sentence for one failed constraint."""
    match reason:
        case Reason.TOO_FAR:
            return (
                f"Trop loin : {facts.distance_km:.0f} km à vol d'oiseau, "
                f"pour {facts.max_travel_km:.0f} km de déplacement accepté au plus."
            )
        case Reason.AVAILABLE_AFTER_START:
            return (
                f"Disponible à partir du {_day(facts.available_from)}, "
                f"après le début de la formation ({_day(facts.start_date)})."
            )
        case Reason.SCHEDULE_MISMATCH:
            return (
                f"Rythme incompatible : recherche une formation {_SCHEDULES_FR[facts.candidate_schedule]}, "
                f"celle-ci est {_SCHEDULES_FR[facts.offer_schedule]}."
            )
        case Reason.DIPLOMA_BELOW_MINIMUM:
            return f"Niveau de diplôme {facts.diploma_level} inférieur au niveau {facts.min_diploma_level} exigé."
        case Reason.LICENCE_MISSING:
            return "Permis de conduire exigé, non déclaré."
        case Reason.PREREQUISITES_NOT_MET:
            return "Prérequis du quiz non atteints, alors que cette formation les exige."
        case Reason.NO_ASSESSMENT:
            return f"Pas d'évaluation pour le référentiel « {facts.rubric} »."
    raise ValueError(f"not a single reason: {reason!r}")


_SPLIT = [tuple(reason for reason in Reason if mask & reason) for mask in range(1 << len(Reason))]


def split(mask: int) -> tuple[Reason, ...]:
    """The single reasons of a mask, in declaration order."""
    return _SPLIT[mask]
