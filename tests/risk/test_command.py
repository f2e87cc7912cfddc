"""``tandem risk score``: the scored result as JSON, and exit 2 naming the item of a bad answer.
It scores without a database or a configured installation."""

from __future__ import annotations

import json
from pathlib import Path

from tandem.risk.rules import shipped_instrument
from tests.core.test_cli import run


def answers_file(tmp_path: Path, **changes: str) -> Path:
    answers = {item.key: "no" for item in shipped_instrument("tandem-risk").items} | changes
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers))
    return path


def test_the_command_prints_the_scored_result_as_json(tmp_path: Path) -> None:
    path = answers_file(tmp_path, separation="yes", escalation="yes", weapon="yes", stalking_control="unknown")
    result = run("risk", "score", "tandem-risk", "--answers", str(path))
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed["instrument"] == {"key": "tandem-risk", "version": 1}
    assert (printed["score"], printed["level"], printed["forced_by"]) == (6, "medium", [])
    assert printed["unknown"] == ["stalking_control"]


def test_a_bad_answer_exits_2_naming_the_item(tmp_path: Path) -> None:
    path = answers_file(tmp_path, strangulation="perhaps")
    result = run("risk", "score", "tandem-risk", "--answers", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == (
        f'tandem: {path}: strangulation: "perhaps" is not one of its options (yes, no, unknown)'
    )


def test_an_unknown_instrument_exits_2_naming_the_shipped_ones(tmp_path: Path) -> None:
    result = run("risk", "score", "dash", "--answers", str(answers_file(tmp_path)))
    assert result.returncode == 2
    assert result.stderr.strip() == "tandem: no instrument 'dash' (shipped: tandem-risk-1)"


def test_a_file_that_is_not_json_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text("strangulation: yes")
    result = run("risk", "score", "tandem-risk", "--answers", str(path))
    assert result.returncode == 2
    assert result.stderr.startswith(f"tandem: {path}: not JSON")


def test_a_file_far_too_large_for_answers_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_bytes(b" " * (2 * 1024 * 1024))
    result = run("risk", "score", "tandem-risk", "--answers", str(path))
    assert result.returncode == 2
    assert "larger than 1 MB" in result.stderr


def test_json_nested_too_deeply_exits_2_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text("[" * 5000 + "]" * 5000)
    result = run("risk", "score", "tandem-risk", "--answers", str(path))
    assert result.returncode == 2
    assert result.stderr.strip() == f"tandem: {path}: not JSON (nested too deeply)"


def test_an_item_answered_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text('{"weapon": "no", "weapon": "yes"}')
    result = run("risk", "score", "tandem-risk", "--answers", str(path))
    assert result.returncode == 2
    assert result.stderr.strip() == f'tandem: {path}: not JSON ("weapon" is given twice)'


def test_nan_is_not_an_answer(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text('{"weapon": NaN}')
    result = run("risk", "score", "tandem-risk", "--answers", str(path))
    assert result.returncode == 2
    assert "NaN is not a JSON value" in result.stderr
