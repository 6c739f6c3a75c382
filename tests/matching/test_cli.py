"""`tremplin rank` and `tremplin demo-data` as a user runs them: the installed entry point, in a subprocess."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from app.matching import FACTORS
from tests.matching.support import NANCY, candidate_data, offer_data
from tests.test_cli import assert_one_line_error, run


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    offers = [offer_data(), offer_data(id="OF-2", requirements__driving_licence=True)]
    candidates = [
        candidate_data(id="C-far", lat=NANCY[0], lon=NANCY[1]),
        candidate_data(id="C-best", assessment__theta=1.2),
        candidate_data(id="C-base"),
    ]
    offers_path, candidates_path = tmp_path / "offers.json", tmp_path / "candidates.json"
    offers_path.write_text(json.dumps(offers))
    candidates_path.write_text(json.dumps(candidates))
    return offers_path, candidates_path


def rank_json(files: tuple[Path, Path], *args: str) -> dict[str, Any]:
    result = run(
        "rank", "--offers", str(files[0]), "--candidates", str(files[1]), "--as-of", "2027-01-04", "--json", *args
    )
    assert result.returncode == 0, result.stderr
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def test_rank_candidates_for_an_offer_prints_the_contract(files: tuple[Path, Path]) -> None:
    result = rank_json(files, "--offer", "OF-1")

    assert list(result) == ["offer", "weights_version", "ranked", "excluded", "trace"]
    assert result["offer"] == "OF-1"
    assert result["weights_version"] == "v1"
    assert [item["candidate"] for item in result["ranked"]] == ["C-best", "C-base"]
    for item in result["ranked"]:
        assert list(item) == ["candidate", "score", "factors"]
        assert list(item["factors"]) == list(FACTORS)
        for factor in item["factors"].values():
            assert list(factor) == ["value", "weight", "contribution", "detail"]
    assert result["ranked"][1]["score"] == 0.6395  # worked out by hand in test_factors.py
    assert result["excluded"] == [
        {
            "candidate": "C-far",
            "reasons": ["Trop loin : 48 km à vol d'oiseau, pour 30 km de déplacement accepté au plus."],
        }
    ]
    trace = result["trace"]
    assert trace["as_of"] == "2027-01-04"
    assert trace["inputs"]["offers"]["file"] == "offers.json"
    assert trace["inputs"]["candidates"]["sha256"] == hashlib.sha256(files[1].read_bytes()).hexdigest()
    assert (trace["eligible"], trace["excluded"], trace["shown"]) == (2, 1, 2)


def test_top_limits_the_ranked_list_but_never_the_excluded(files: tuple[Path, Path]) -> None:
    result = rank_json(files, "--offer", "OF-1", "--top", "1")
    assert [item["candidate"] for item in result["ranked"]] == ["C-best"]
    assert [item["candidate"] for item in result["excluded"]] == ["C-far"]
    assert (result["trace"]["eligible"], result["trace"]["shown"]) == (2, 1)


def test_rank_offers_for_a_candidate(files: tuple[Path, Path]) -> None:
    result = rank_json(files, "--candidate", "C-base")
    assert list(result) == ["candidate", "weights_version", "ranked", "excluded", "trace"]
    assert [item["offer"] for item in result["ranked"]] == ["OF-1"]
    assert result["excluded"] == [{"offer": "OF-2", "reasons": ["Permis de conduire exigé, non déclaré."]}]


def test_text_output_summarises_in_french(files: tuple[Path, Path]) -> None:
    result = run(
        "rank", "--offers", str(files[0]), "--candidates", str(files[1]), "--offer", "OF-1", "--as-of", "2027-01-04"
    )
    assert result.returncode == 0, result.stderr
    assert "Offre OF-1 — pondérations v1, au 04/01/2027 : 2 candidat·es éligibles, 1 non éligibles" in result.stdout
    assert "Non éligibles, par motif : too_far 1" in result.stdout


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("--offer", "OF-1", "--candidate", "C-base"), ("give exactly one of --offer ID",)),
        ((), ("give exactly one of --offer ID",)),
        (("--offer", "OF-9"), ("offers.json: no offer with id 'OF-9' (2 in the file: OF-1, OF-2)",)),
        (("--candidate", "C-9"), ("candidates.json: no candidate with id 'C-9'",)),
        (("--offer", "OF-1", "--as-of", "04/01/2027"), ("--as-of: expected a date as YYYY-MM-DD",)),
        (("--offer", "OF-1", "--weights", "v7"), ("weights version 'v7': unknown",)),
    ],
)
def test_bad_arguments_exit_2_with_one_line(
    files: tuple[Path, Path],
    args: tuple[str, ...],
    fragments: tuple[str, ...],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # In process, through the entry point's own function, to spare a process start per case.
    argv = ["tremplin", "rank", "--offers", str(files[0]), "--candidates", str(files[1]), *args]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exited:
        main()
    out, err = capsys.readouterr()
    assert_one_line_error(subprocess.CompletedProcess(argv, int(str(exited.value.code)), out, err), *fragments)


def test_bad_file_exits_2_naming_record_and_field(files: tuple[Path, Path]) -> None:
    records = json.loads(files[1].read_text())
    records[2]["assessments"]["aide-soignant"]["theta"] = "high"
    files[1].write_text(json.dumps(records))
    result = run("rank", "--offers", str(files[0]), "--candidates", str(files[1]), "--offer", "OF-1")
    assert_one_line_error(
        result, 'records[2] (id "C-base"): assessments.aide-soignant.theta: Input should be a valid number'
    )


def test_demo_data_is_reproducible_and_rankable(tmp_path: Path) -> None:
    first, again = tmp_path / "a", tmp_path / "b"
    for out in (first, again):
        result = run("demo-data", "--out", str(out), "--candidates", "300", "--offers", "8", "--seed", "3")
        assert result.returncode == 0, result.stderr
    for name in ("offers.json", "candidates.json"):
        assert (first / name).read_bytes() == (again / name).read_bytes()

    ranked = rank_json((first / "offers.json", first / "candidates.json"), "--offer", "OF-0001")
    assert ranked["trace"]["eligible"] + ranked["trace"]["excluded"] == 300
