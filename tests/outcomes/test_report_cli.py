"""``tandem outcomes report``: the outcome report of a programme as a file, from the command line,
with one-line reasons for mistakes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from tandem import cli
from tandem.core.models import AuditEntry, Organisation
from tests.conftest import World
from tests.outcomes.report_worlds import hers, his, pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(world: World) -> Organisation:
    found = pair(world.org, name="Kanarina Clivzq")
    his(found, "start", physical=1)
    hers(found, "start", physical=1)
    return world.org


def outcomes(*arguments: str) -> None:
    """The command line's own parsing and wiring, run in this process against the test database."""
    cli._run_outcomes(cli.build_parser().parse_args(["outcomes", *arguments]))


def test_the_report_is_written_as_json_with_the_period_asked_for(provider: Organisation, tmp_path: Path) -> None:
    output = tmp_path / "report.json"
    outcomes(
        "report",
        "--programme",
        str(provider.pk),
        "--format",
        "json",
        "--output",
        str(output),
        "--from",
        "2020-01",
        "--to",
        "2021-06",
    )
    document = json.loads(output.read_text())
    assert document["programme"]["id"] == provider.pk
    assert document["period"] == {"from": "2020-01-01", "to": "2021-06-30"}


def test_the_html_file_stands_alone_and_holds_no_name(provider: Organisation, tmp_path: Path) -> None:
    output = tmp_path / "report.html"
    outcomes("report", "--programme", str(provider.pk), "--format", "html", "--output", str(output))
    html = output.read_text()
    assert 'href="data:text/css;base64,' in html
    assert "Kanarina" not in html


def test_the_pdf_is_written_and_on_the_record_as_the_command_lines(provider: Organisation, tmp_path: Path) -> None:
    output = tmp_path / "report.pdf"
    outcomes("report", "--programme", str(provider.pk), "--format", "pdf", "--output", str(output))
    assert output.read_bytes().startswith(b"%PDF")
    entry = AuditEntry.objects.filter(action="outcomes.report_exported").latest("seq")
    assert (entry.actor_id, entry.actor_label, json.loads(entry.detail)["format"]) == (None, "command line", "pdf")


def test_the_report_is_written_in_the_language_asked_for(provider: Organisation, tmp_path: Path) -> None:
    output = tmp_path / "raport.json"
    outcomes("report", "--programme", str(provider.pk), "--format", "json", "--output", str(output), "--language", "sq")
    assert json.loads(output.read_text())["language"] == "sq"


def test_a_programme_that_is_not_a_provider_is_refused(world: World, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as refused:
        outcomes("report", "--programme", str(world.agency.pk), "--format", "json", "--output", str(tmp_path / "x"))
    assert refused.value.returncode == 2
    assert "no programme provider has this id" in str(refused.value)
    # It names those that are, to choose from.
    assert f"{world.org.pk} {world.org.name}" in str(refused.value)
    assert world.agency.name not in str(refused.value)
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    ("period", "reason"),
    [
        (["--from", "2025-13"], "give a month as YYYY-MM"),
        (["--from", "2025-06", "--to", "2025-01"], "--to comes before --from"),
        (["--from", "2001-01", "--to", "2025-01"], "at most ten years"),
    ],
)
def test_a_period_that_does_not_hold_is_refused_with_its_reason(
    provider: Organisation, tmp_path: Path, period: list[str], reason: str
) -> None:
    with pytest.raises(CommandError, match=reason):
        outcomes(
            "report", "--programme", str(provider.pk), "--format", "json", "--output", str(tmp_path / "x"), *period
        )


def test_an_output_folder_that_does_not_exist_is_refused(provider: Organisation, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="does not exist"):
        outcomes("report", "--programme", str(provider.pk), "--format", "json", "--output", str(tmp_path / "no" / "x"))


def _tandem(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tandem.cli", *arguments],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=Path(__file__).parent,
    )


def test_the_outcomes_group_alone_prints_its_actions_and_exits_2() -> None:
    result = _tandem("outcomes")
    assert result.returncode == 2
    assert result.stdout.startswith("usage: tandem outcomes")
    assert "report" in result.stdout


def test_the_report_has_its_own_help_in_plain_words() -> None:
    result = _tandem("outcomes", "report", "--help")
    assert result.returncode == 0
    assert "--programme ID" in result.stdout and "YYYY-MM" in result.stdout


def test_a_report_without_a_format_exits_2_with_one_line() -> None:
    result = _tandem("outcomes", "report", "--programme", "1", "--output", "x.pdf")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "--format" in result.stderr
