"""``tandem outcomes pool``, ``tandem outcomes benchmark`` and ``tandem outcomes contribute``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tandem import cli
from tandem.core.models import AuditEntry, Organisation
from tandem.core.roles import OrganisationKind, Role
from tandem.outcomes.pool import CODEBOOK, DATASET
from tandem.outcomes.pool_models import Contribution
from tests import factories
from tests.conftest import World
from tests.outcomes.pool_support import agreement, history, staff

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def provider(module_world: World) -> Organisation:
    made = factories.organisation(name="Command-line provider", kind=OrganisationKind.PROGRAMME_PROVIDER)
    for role in (Role.COORDINATOR, Role.FACILITATOR, Role.SURVIVOR_WORKER, Role.ORG_ADMIN):
        staff(made, role)
    for n in range(3):
        history(
            made, name=f"Fatmir Rama {n}", partner_name=f"Lule Rama {n}", his={"start": 2, "end": 1}, hers={"start": 1}
        )
    agreement(made)
    return made


@pytest.fixture(autouse=True)
def pool_dir(settings: Any, tmp_path: Path) -> Path:
    settings.TANDEM_POOL_DIR = str(tmp_path / "pool")
    return tmp_path / "pool"


def _one_line_refusal(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exited:
        cli.main(argv)
    assert exited.value.code == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1
    return error


def test_tandem_outcomes_contribute_contributes_as_the_system(
    db: None, provider: Organisation, pool_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["outcomes", "contribute", "--programme", str(provider.pk)]) == 0
    made = Contribution.objects.get(organisation=provider)
    assert (pool_dir / made.file_name).is_file()
    assert made.sha256 in capsys.readouterr().out
    entry = AuditEntry.objects.get(action="outcomes.pool_contributed", object_id=str(made.pk))
    assert (entry.actor_id, entry.actor_label) == (None, "background worker")


def test_tandem_outcomes_contribute_refuses_a_provider_without_an_agreement_in_one_line(
    db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    other = factories.organisation(name="Provider without agreement", kind=OrganisationKind.PROGRAMME_PROVIDER)
    error = _one_line_refusal(["outcomes", "contribute", "--programme", str(other.pk)], capsys)
    assert "agreement" in error
    assert not Contribution.objects.filter(organisation=other).exists()


def test_tandem_outcomes_contribute_refuses_an_organisation_that_is_no_provider(
    db: None, world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    error = _one_line_refusal(["outcomes", "contribute", "--programme", str(world.network.pk)], capsys)
    assert f"--programme {world.network.pk}" in error


def test_tandem_outcomes_pool_writes_the_dataset_and_its_codebook(
    db: None, provider: Organisation, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["outcomes", "contribute", "--programme", str(provider.pk)]) == 0
    made = Contribution.objects.get(organisation=provider)
    output = tmp_path / "pooled"
    assert cli.main(["outcomes", "pool", "--output", str(output)]) == 0
    with duckdb.connect() as connection:
        counted = connection.execute("SELECT count(*) FROM read_parquet(?)", [str(output / DATASET)]).fetchone()
    codebook = json.loads((output / CODEBOOK).read_text(encoding="utf-8"))
    # As many rows as the contribution, less those of respondents who would stand out.
    assert counted is not None and codebook["rows"] == counted[0] <= made.rows
    assert {column["name"] for column in codebook["columns"]} >= {"case_key", "subscale", "value", "period"}
    assert str(output / DATASET) in capsys.readouterr().out
    entry = AuditEntry.objects.get(action="outcomes.pool_dataset_exported")
    assert entry.actor_label == "command line"
    assert json.loads(entry.detail) == {"rows": counted[0], "programmes": 1}


def test_tandem_outcomes_pool_with_nothing_contributed_writes_an_empty_dataset(db: None, tmp_path: Path) -> None:
    assert cli.main(["outcomes", "pool", "--output", str(tmp_path / "pooled")]) == 0
    with duckdb.connect() as connection:
        relation = connection.read_parquet(str(tmp_path / "pooled" / DATASET))
        assert relation.fetchall() == []
        assert "case_key" in relation.columns


def test_tandem_outcomes_pool_refuses_a_file_for_a_folder_in_one_line(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = tmp_path / "a-file"
    existing.write_text("")
    error = _one_line_refusal(["outcomes", "pool", "--output", str(existing)], capsys)
    assert str(existing) in error


def test_tandem_outcomes_benchmark_prints_the_benchmarks_as_json(
    db: None, provider: Organisation, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["outcomes", "contribute", "--programme", str(provider.pk)]) == 0
    capsys.readouterr()
    assert cli.main(["outcomes", "benchmark", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert set(document) == {"small_number", "programmes", "response", "attrition", "change", "no_violence"}
    assert document["programmes"] == [Contribution.objects.get(organisation=provider).programme]
    assert provider.name not in json.dumps(document)
    assert AuditEntry.objects.filter(action="outcomes.pool_benchmarks_exported", actor_label="command line").exists()


def test_tandem_outcomes_benchmark_suppresses_a_programme_of_too_few_people(
    db: None, provider: Organisation, capsys: pytest.CaptureFixture[str]
) -> None:
    # Three men and three partners, under the installation's threshold of five.
    assert cli.main(["outcomes", "contribute", "--programme", str(provider.pk)]) == 0
    capsys.readouterr()
    assert cli.main(["outcomes", "benchmark", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    figures = [figure for kind in ("response", "attrition", "change", "no_violence") for figure in document[kind]]
    assert figures and all(figure["suppressed"] for figure in figures)
    assert all(figure.get("count") is None and figure.get("n") is None for figure in figures)


def test_tandem_outcomes_benchmark_writes_to_a_file(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "benchmarks.json"
    assert cli.main(["outcomes", "benchmark", "--format", "json", "--output", str(output)]) == 0
    assert json.loads(output.read_text(encoding="utf-8"))["programmes"] == []
    assert str(output) in capsys.readouterr().out


def test_tandem_outcomes_benchmark_refuses_a_missing_folder_in_one_line(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "missing" / "benchmarks.json"
    error = _one_line_refusal(["outcomes", "benchmark", "--format", "json", "--output", str(output)], capsys)
    assert str(output.parent) in error
