"""A synthetic, seeded Grand-Est population of training offers and candidates, for demos, the fairness audit
and the benchmark.

Offers are sessions of the catalogue's trainings in the region's larger towns. Candidates live around real
communes (weighted by population), with plausible diplomas, mobility (licence and travel limit), waiting times,
availability and assessment results (quiz ability loosely tied to the diploma, interview levels), and they
mostly get assessed for trainings offered within their reach. Their protected attributes come from a random
stream of their own, independent of everything else, so any disparity the fairness audit finds is the
ranker's doing, not the data's.

Same seed, same sizes and same reference day: same population, byte for byte.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from app.matching.demo.catalogue import Training, demo_catalogue
from app.matching.demo.communes import Commune, grand_est_communes
from app.matching.geo import haversine_km
from app.matching.inputs import MOTIVATION_CRITERIA, CandidateRecord, Offer, Requirements
from app.matching.rules import RankingRules

DEMO_REFERENCE_DAY = date(2027, 1, 4)
_MIN_TRAINING_TOWN = 5000  # inhabitants

# (value, probability) tables. Diploma levels: 0 = none, 3 = CAP/BEP, 4 = bac, 5 = bac+2, 6 = licence, 7 = master.
_DIPLOMAS = ((0, 0.14), (3, 0.38), (4, 0.28), (5, 0.12), (6, 0.06), (7, 0.02))
_SCHEDULES = (("any", 0.5), ("full_time", 0.35), ("part_time", 0.15))
_TRAVEL_WITH_LICENCE = ((20.0, 0.25), (30.0, 0.35), (40.0, 0.25), (60.0, 0.15))
_TRAVEL_WITHOUT_LICENCE = ((10.0, 0.3), (15.0, 0.3), (20.0, 0.25), (30.0, 0.15))
_ASSESSMENT_COUNTS = ((0, 0.05), (1, 0.6), (2, 0.28), (3, 0.07))
_SEX = (("F", 0.55), ("M", 0.45))
_AGE_BANDS = (("16-25", 0.3), ("26-44", 0.45), ("45+", 0.25))
_NATIONALITY = (("french", 0.85), ("eu", 0.04), ("non_eu", 0.11))
_QPV_SHARE = 0.18
_DISABILITY_SHARE = 0.08
_UNASSESSED_CRITERION = 0.08
_NEARBY_BOOST = np.log(8.0)  # odds multiplier for a training offered within reach


@dataclass(frozen=True)
class Population:
    reference_day: date
    seed: int
    offers: list[Offer]
    candidates: list[CandidateRecord]


def _pick(rng: np.random.Generator, table: tuple[tuple[Any, float], ...], size: int) -> list[Any]:
    values = [value for value, _ in table]
    indices = rng.choice(len(values), size=size, p=[p for _, p in table])
    return [values[i] for i in indices]


def _weights(values: list[float]) -> np.ndarray[Any, np.dtype[np.float64]]:
    array = np.array(values, dtype=np.float64)
    return np.asarray(array / array.sum(), dtype=np.float64)


def _offers(rng: np.random.Generator, count: int, reference_day: date) -> list[Offer]:
    trainings = demo_catalogue().trainings
    towns = [c for c in grand_est_communes() if c.population >= _MIN_TRAINING_TOWN]
    training_index = rng.choice(len(trainings), size=count, p=_weights([t.popularity for t in trainings]))
    town_index = rng.choice(len(towns), size=count, p=_weights([float(t.population) for t in towns]))
    offers = []
    for number, (t_index, c_index) in enumerate(zip(training_index, town_index, strict=True), start=1):
        training: Training = trainings[t_index]
        town: Commune = towns[c_index]
        start = reference_day + timedelta(days=int(rng.integers(21, 240)))
        offers.append(
            Offer(
                id=f"OF-{number:04d}",
                title=training.title,
                rubric=training.rubric,
                sector=training.sector,
                commune=town.name,
                lat=town.lat,
                lon=town.lon,
                start_date=start,
                end_date=start + timedelta(days=30 * training.months),
                schedule="part_time" if rng.random() < training.part_time_share else "full_time",
                seats=int(rng.integers(training.seats[0], training.seats[1] + 1)),
                requirements=Requirements(
                    min_diploma_level=training.min_diploma_level,
                    driving_licence=training.driving_licence,
                    prerequisites_required=training.prerequisites_required,
                ),
            )
        )
    return offers


def _assessment(theta: float, levels: Any, unassessed: Any, threshold: float) -> dict[str, Any]:
    theta = round(theta, 2)
    return {
        "prerequisites_met": theta >= threshold,
        "theta": theta,
        "motivation": {
            criterion: None if skip else int(level)
            for criterion, level, skip in zip(MOTIVATION_CRITERIA, levels, unassessed, strict=True)
        },
    }


def _reachable_rubrics(offers: list[Offer], rubrics: list[str], travel_km: Any) -> Any:
    """For each commune and each travel limit: which rubrics have an offer within reach, shape (c, t, r)."""
    communes = grand_est_communes()
    distance = haversine_km(
        np.array([c.lat for c in communes])[:, None],
        np.array([c.lon for c in communes])[:, None],
        np.array([o.lat for o in offers])[None, :],
        np.array([o.lon for o in offers])[None, :],
    )
    offer_rubric = np.array([rubrics.index(o.rubric) for o in offers])
    reachable = np.zeros((len(communes), len(travel_km), len(rubrics)), dtype=np.bool_)
    for t, limit in enumerate(travel_km):
        for c, o in zip(*np.nonzero(distance <= limit), strict=True):
            reachable[c, t, offer_rubric[o]] = True
    return reachable


def _candidates(
    rng: np.random.Generator,
    protected_rng: np.random.Generator,
    count: int,
    offers: list[Offer],
    reference_day: date,
    rules: RankingRules,
) -> list[CandidateRecord]:
    """Every random draw is made up front, in bulk (fast and independent of the loop's order)."""
    communes = grand_est_communes()
    rubrics = [training.rubric for training in demo_catalogue().trainings]
    thresholds = [rules.threshold(rubric).theta for rubric in rubrics]
    most = max(n for n, _ in _ASSESSMENT_COUNTS)
    criteria = len(MOTIVATION_CRITERIA)

    home = rng.choice(len(communes), size=count, p=_weights([float(c.population) for c in communes]))
    jitter = rng.normal(0.0, 0.02, size=(count, 2))  # about 2 km around the town centre
    diplomas = _pick(rng, _DIPLOMAS, count)
    licence = rng.random(count) < 0.6
    schedules = _pick(rng, _SCHEDULES, count)
    travel_with = _pick(rng, _TRAVEL_WITH_LICENCE, count)
    travel_without = _pick(rng, _TRAVEL_WITHOUT_LICENCE, count)
    waited = np.minimum(rng.exponential(240.0, size=count), 5 * 365).astype(int)
    available_in = np.where(rng.random(count) < 0.6, -rng.integers(0, 120, count), rng.integers(0, 180, count))
    assessed_counts = _pick(rng, _ASSESSMENT_COUNTS, count)
    # Rubrics drawn without replacement, in proportion to popularity (Gumbel top-k).
    # Rubrics drawn without replacement (Gumbel top-k), in proportion to popularity, and more often for
    # trainings offered within the candidate's reach, as people mostly apply to what they can attend.
    travel = np.where(licence, travel_with, travel_without)
    travel_km = sorted(set(travel.tolist()))
    reachable = _reachable_rubrics(offers, rubrics, travel_km)[home, np.searchsorted(travel_km, travel)]
    preference = np.log(_weights([t.popularity for t in demo_catalogue().trainings])) + _NEARBY_BOOST * reachable
    rubric_order = np.argsort(-(preference + rng.gumbel(size=(count, len(rubrics)))), axis=1)[:, :most]
    ability = 0.35 * (np.maximum(np.array(diplomas), 2) - 3)
    theta = np.clip(ability[:, None] + rng.normal(0.0, 1.0, size=(count, most)), -4.0, 4.0)
    drive = rng.normal(0.0, 1.0, size=(count, most, 1))
    levels = np.clip(np.rint(1.6 + 0.8 * drive + rng.normal(0.0, 0.6, size=(count, most, criteria))), 0, 3)
    unassessed = rng.random((count, most, criteria)) < _UNASSESSED_CRITERION

    sexes = _pick(protected_rng, _SEX, count)
    ages = _pick(protected_rng, _AGE_BANDS, count)
    qpv = protected_rng.random(count) < _QPV_SHARE
    disability = protected_rng.random(count) < _DISABILITY_SHARE
    nationality = _pick(protected_rng, _NATIONALITY, count)

    records = []
    for i in range(count):
        commune = communes[home[i]]
        chosen = sorted(rubric_order[i, : assessed_counts[i]], key=lambda j: rubrics[j])
        record = {
            "id": f"C-{i + 1:06d}",
            "commune": commune.name,
            "lat": round(commune.lat + float(jitter[i, 0]), 4),
            "lon": round(commune.lon + float(jitter[i, 1]), 4),
            "max_travel_km": float(travel[i]),
            "available_from": (reference_day + timedelta(days=int(available_in[i]))).isoformat(),
            "schedule": schedules[i],
            "diploma_level": diplomas[i],
            "driving_licence": bool(licence[i]),
            "registered_on": (reference_day - timedelta(days=int(waited[i]))).isoformat(),
            "assessments": {
                rubrics[j]: _assessment(float(theta[i, k]), levels[i, k], unassessed[i, k], thresholds[j])
                for k, j in enumerate(chosen)
            },
            "protected": {
                "sex": sexes[i],
                "age_band": ages[i],
                "qpv": bool(qpv[i]),
                "disability": bool(disability[i]),
                "nationality_group": nationality[i],
            },
        }
        records.append(CandidateRecord.model_validate(record))
    return records


def generate_population(
    *,
    candidates: int,
    offers: int,
    seed: int,
    rules: RankingRules,
    reference_day: date = DEMO_REFERENCE_DAY,
) -> Population:
    """`rules` supplies the quiz thresholds that decide `prerequisites_met`, as the assessment engine would."""
    merit_stream, protected_stream = np.random.SeedSequence(seed).spawn(2)
    rng = np.random.default_rng(merit_stream)
    offer_list = _offers(rng, offers, reference_day)
    protected_rng = np.random.default_rng(protected_stream)
    return Population(
        reference_day=reference_day,
        seed=seed,
        offers=offer_list,
        candidates=_candidates(rng, protected_rng, candidates, offer_list, reference_day, rules),
    )


def _json_lines(items: list[dict[str, Any]]) -> str:
    """A JSON list with one record per line: compact, yet readable and diffable."""
    body = ",\n".join(json.dumps(item, ensure_ascii=False, separators=(",", ":")) for item in items)
    return f"[\n{body}\n]\n"


def write_population(population: Population, directory: Path) -> tuple[Path, Path]:
    """Write `offers.json` and `candidates.json` (the `tremplin rank` input files) into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    offers_path, candidates_path = directory / "offers.json", directory / "candidates.json"
    offers_path.write_text(_json_lines([o.model_dump(mode="json") for o in population.offers]), encoding="utf-8")
    candidates_path.write_text(
        _json_lines([c.model_dump(mode="json") for c in population.candidates]), encoding="utf-8"
    )
    return offers_path, candidates_path
