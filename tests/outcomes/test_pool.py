"""The pooled outcome dataset: what a contribution writes (pseudonymised, minimised, no
identifier), when a provider may contribute, the log of contributions, and the benchmarks over
the pool (aggregates only, small cells suppressed)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
from django.test import override_settings

from tandem.cases.rules.lifecycle import State as CaseState
from tandem.core import clock
from tandem.core.models import AuditEntry, Organisation, User
from tandem.core.roles import OrganisationKind, Role
from tandem.geo.models import Country
from tandem.outcomes import pool
from tandem.outcomes.actions import OutcomeRefused
from tandem.outcomes.pool_actions import contribute, end_agreement, record_agreement
from tandem.outcomes.pool_models import Contribution, SharingAgreement
from tandem.outcomes.queries import pool as pool_queries
from tandem.outcomes.rules import pooling
from tandem.outcomes.rules.instruments import MAN, PARTNER
from tests import factories
from tests.conftest import World, signed_in_client
from tests.outcomes.pool_support import DECLINED, History, agreement, back_then, history, scores, staff

pytestmark = pytest.mark.django_db

THRESHOLD = 3
# Sign-in, memberships, site settings and the header take the first queries of every page.
LOG_QUERIES, PROVIDER_QUERIES, BENCHMARK_QUERIES = 10, 13, 11
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
IDENTIFYING = ("name", "address", "phone", "email", "mail", "id", "date", "birth", "note", "text")


@dataclass
class Pool:
    world: World
    a: Organisation  # seven men who completed and one who dropped out, each with a partner
    b: Organisation  # one man
    c: Organisation  # three men
    histories: list[History]

    def people(self, provider: Organisation) -> list[History]:
        return [h for h in self.histories if h.case.organisation_id == provider.pk]


def _provider(name: str, country: str, regions: list[str]) -> Organisation:
    provider = factories.organisation(
        name=name, kind=OrganisationKind.PROGRAMME_PROVIDER, country=Country.objects.get(code=country)
    )
    if regions:
        factories.programme(f"{name} programme", provider=provider, country=country, regions=regions)
    for role in (Role.COORDINATOR, Role.FACILITATOR, Role.SURVIVOR_WORKER, Role.ORG_ADMIN):
        staff(provider, role)
    return provider


COMPLETED = {"his": {"start": 3, "end": 1, "follow_up_6": 1}, "hers": {"start": 3, "end": 0, "follow_up_6": 0}}
# C's partners are not asked six months after: three alike there would be hidden, and beside the
# pool a lone hidden programme takes the next smallest (A) with it.
COMPLETED_C = {"his": COMPLETED["his"], "hers": {"start": 3, "end": 0}}
# Men who answered nothing, whose partners reported no violence at the start but violence later.
UNANSWERED = {"his": {}, "hers": {"start": 0, "follow_up_6": 3}}


@pytest.fixture(scope="module")
def module_pool(module_world: World) -> Pool:
    a = _provider("Pool provider A", "AL", ["AL-11"])
    b = _provider("Pool provider B", "AL", [])
    c = _provider("Pool provider C", "BA", ["BA-C01", "BA-C03"])
    histories = [
        history(a, name=f"Arben Krasniqi {n}", partner_name=f"Drita Hoxha {n}", **COMPLETED)  # type: ignore[arg-type]
        for n in range(4)
    ]
    histories += [
        history(a, name=f"Agron Morina {n}", partner_name=f"Blerta Morina {n}", **UNANSWERED)  # type: ignore[arg-type]
        for n in range(3)
    ]
    histories.append(
        history(
            a,
            name="Besnik Gashi",
            partner_name="Vjosa Berisha",
            how=CaseState.DROPPED_OUT,
            his={"start": 3},
            hers={"start": DECLINED},
        )
    )
    histories.append(
        history(
            b, name="Dragan Petrović", partner_name="Milica Jovanović", his={"start": 2, "end": 1}, hers={"start": 2}
        )
    )
    histories += [
        history(c, name=f"Emir Hodžić {n}", partner_name=f"Amra Begić {n}", **COMPLETED_C)  # type: ignore[arg-type]
        for n in range(3)
    ]
    for provider in (a, b, c):
        agreement(provider)
    return Pool(module_world, a, b, c, histories)


@pytest.fixture
def world_pool(module_pool: Pool, world: World, settings: Any, tmp_path: Path) -> Pool:
    settings.TANDEM_POOL_DIR = str(tmp_path / "pool")
    settings.TANDEM_SMALL_NUMBER = THRESHOLD
    return replace(module_pool, world=world)


def _admin(provider: Organisation) -> User:
    return staff(provider, Role.ORG_ADMIN)


def _contribute(provider: Organisation) -> Contribution:
    return contribute(organisation=provider, acting_user=_admin(provider))


def _rows(path: Path) -> tuple[list[str], list[tuple[Any, ...]]]:
    with duckdb.connect() as connection:
        relation = connection.read_parquet(str(path))
        return list(relation.columns), relation.fetchall()


def _file(contribution: Contribution) -> Path:
    return pool.pool_dir() / contribution.file_name


def _column(path: Path, name: str) -> list[Any]:
    columns, rows = _rows(path)
    at = columns.index(name)
    return [row[at] for row in rows]


# --- What a contribution writes ----------------------------------------------------------------------


def test_no_column_of_the_contribution_is_named_for_an_identifier(world_pool: Pool) -> None:
    columns, _unused = _rows(_file(_contribute(world_pool.a)))
    assert columns == list(pooling.COLUMN_NAMES)
    assert [column for column in columns if any(word in column.lower() for word in IDENTIFYING)] == []


def test_no_value_of_the_contribution_is_a_record_id_a_name_or_an_exact_date(world_pool: Pool) -> None:
    columns, rows = _rows(_file(_contribute(world_pool.a)))
    texts = [value for row in rows for value in row if isinstance(value, str)]
    people = world_pool.people(world_pool.a)
    ids = (
        {str(h.case.pk) for h in people}
        | {str(h.partner.pk) for h in people}
        | {str(h.case.participant_id) for h in people}
    )
    names = [h.name for h in people] + [h.partner_name for h in people] + [world_pool.a.name]
    assert not ids & set(texts)
    assert [text for text in texts if any(name in text for name in names)] == []
    assert [text for text in texts if DATE.search(text)] == []
    # The numbers are questionnaire versions and scores, nothing else.
    numbers = {columns[at] for row in rows for at, value in enumerate(row) if isinstance(value, int | float)}
    assert numbers == {"instrument_version", "translation_version", "value"}


def test_a_contribution_file_is_readable_by_tandems_own_user_only(world_pool: Pool) -> None:
    assert _file(_contribute(world_pool.a)).stat().st_mode & 0o777 == 0o600


def test_months_are_written_as_year_and_month_only(world_pool: Pool) -> None:
    months = _column(_file(_contribute(world_pool.a)), "period")
    assert months and all(re.fullmatch(r"\d{4}-\d{2}", month) for month in months)
    assert {pooling.month_of(back_then().date()), pooling.month_of(back_then(190).date())} <= set(months)


def test_the_case_pseudonym_is_not_the_case_id_and_is_new_in_every_contribution(world_pool: Pool) -> None:
    first = set(_column(_file(_contribute(world_pool.a)), "case_key"))
    second = set(_column(_file(_contribute(world_pool.a)), "case_key"))
    assert len(first) == len(second) == len(world_pool.people(world_pool.a))
    # Nothing links a case across contributions: two of them cannot be joined.
    assert first.isdisjoint(second)
    assert not first & {str(h.case.pk) for h in world_pool.histories}
    assert all(re.fullmatch(r"[0-9a-f]{64}", key) for key in first)


def test_the_programme_pseudonym_stays_the_same_across_contributions(world_pool: Pool) -> None:
    first = set(_column(_file(_contribute(world_pool.a)), "programme"))
    second = set(_column(_file(_contribute(world_pool.a)), "programme"))
    assert first == second and len(first) == 1


def test_another_pooling_key_gives_other_pseudonyms(world_pool: Pool) -> None:
    before = set(_column(_file(_contribute(world_pool.a)), "case_key"))
    with override_settings(TANDEM_POOL_KEY="another installation's pooling key"):
        after = set(_column(_file(_contribute(world_pool.a)), "case_key"))
    assert before.isdisjoint(after)


def test_her_answers_and_his_are_told_apart_by_respondent_but_share_the_case(world_pool: Pool) -> None:
    columns, rows = _rows(_file(_contribute(world_pool.b)))
    at = {name: columns.index(name) for name in ("respondent", "case_key", "respondent_key")}
    cases = {row[at["case_key"]] for row in rows}
    respondents = {(row[at["respondent"]], row[at["respondent_key"]]) for row in rows}
    assert len(cases) == 1
    assert {respondent for respondent, _key in respondents} == {MAN, PARTNER}
    assert len({key for _respondent, key in respondents}) == 2


def test_a_record_carries_country_first_level_region_age_band_and_how_the_case_ended(world_pool: Pool) -> None:
    columns, rows = _rows(_file(_contribute(world_pool.c)))
    records = [dict(zip(columns, row, strict=True)) for row in rows]
    assert {(r["country"], r["region"]) for r in records} == {("BA", "BA-BIH")}
    assert {r["age_band"] for r in records} == {"35-44"}  # born in May 1984, his case opened 400 days ago
    assert {r["exit"] for r in records} == {"completed"}


def test_a_dropout_and_her_declined_questionnaire_are_pooled_for_attrition(world_pool: Pool) -> None:
    columns, rows = _rows(_file(_contribute(world_pool.a)))
    records = [dict(zip(columns, row, strict=True)) for row in rows]
    assert {r["exit"] for r in records} == {"completed", "dropped_out"}
    declined = [r for r in records if r["response"] == pooling.DECLINED]
    assert [(r["respondent"], r["time_point"], r["subscale"], r["value"]) for r in declined] == [
        (PARTNER, "start", None, None)
    ]


def test_a_point_still_open_is_not_pooled(world_pool: Pool) -> None:
    # The twelve-month follow-up opened a month ago and closes in a week: nothing is settled yet.
    points = set(_column(_file(_contribute(world_pool.a)), "time_point"))
    assert "follow_up_12" not in points


def test_his_scores_are_pooled_as_scored(world_pool: Pool) -> None:
    columns, rows = _rows(_file(_contribute(world_pool.b)))
    records = [dict(zip(columns, row, strict=True)) for row in rows]
    his_start = {r["subscale"]: r["value"] for r in records if r["respondent"] == MAN and r["time_point"] == "start"}
    assert his_start == {key: value for key, value in scores(MAN, 2).items() if value is not None}


# --- When a provider may contribute ----------------------------------------------------------------------


def test_a_contribution_is_refused_without_an_agreement_in_force(world_pool: Pool) -> None:
    provider = _provider("Pool provider D", "AL", [])
    history(provider, name="Gentian Hoxha", partner_name="Albana Hoxha", his={"start": 1})
    agreement(provider, signed_on=clock.today(), starts_on=clock.today() + timedelta(days=30))
    with pytest.raises(OutcomeRefused) as refused:
        _contribute(provider)
    assert refused.value.rule == "agreement"
    assert not Contribution.objects.filter(organisation=provider).exists()


def test_a_contribution_is_refused_after_the_agreement_ended(world_pool: Pool) -> None:
    signed = pool_queries.agreement_in_force(world_pool.b, clock.today())
    assert signed is not None
    end_agreement(agreement=signed, expected_version=signed.version, acting_user=_admin(world_pool.b))
    with pytest.raises(OutcomeRefused) as refused:
        _contribute(world_pool.b)
    assert refused.value.rule == "agreement"


def test_an_agreement_past_its_end_date_is_no_longer_in_force(world_pool: Pool) -> None:
    provider = _provider("Pool provider E", "AL", [])
    signed = clock.today() - timedelta(days=100)
    agreement(provider, signed_on=signed, ends_on=clock.today() - timedelta(days=1))
    assert pool_queries.agreement_in_force(provider, clock.today()) is None


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.SURVIVOR_WORKER])
def test_only_administrators_and_coordinators_contribute(world_pool: Pool, role: Role) -> None:
    with pytest.raises(OutcomeRefused) as refused:
        contribute(organisation=world_pool.a, acting_user=staff(world_pool.a, role))
    assert refused.value.rule == "allowed"


def test_a_coordinator_contributes(world_pool: Pool) -> None:
    made = contribute(organisation=world_pool.a, acting_user=staff(world_pool.a, Role.COORDINATOR))
    assert _file(made).is_file()


def test_another_providers_administrator_cannot_contribute_for_it(world_pool: Pool) -> None:
    with pytest.raises(OutcomeRefused):
        contribute(organisation=world_pool.a, acting_user=_admin(world_pool.b))


def test_only_the_providers_administrators_record_an_agreement(world_pool: Pool) -> None:
    with pytest.raises(OutcomeRefused):
        agreement(world_pool.a, acting_user=staff(world_pool.a, Role.COORDINATOR))


def test_an_agreement_cannot_come_into_force_before_it_is_signed(world_pool: Pool) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as invalid:
        record_agreement(
            organisation=world_pool.a,
            reference="DSA-2",
            signed_on=clock.today(),
            starts_on=clock.today() - timedelta(days=1),
            ends_on=None,
            scope="Benchmarks.",
            acting_user=_admin(world_pool.a),
        )
    assert "starts_on" in invalid.value.message_dict


def test_ending_an_agreement_twice_is_refused(world_pool: Pool) -> None:
    signed = pool_queries.agreement_in_force(world_pool.a, clock.today())
    assert signed is not None
    end_agreement(agreement=signed, expected_version=signed.version, acting_user=_admin(world_pool.a))
    with pytest.raises(OutcomeRefused):
        end_agreement(agreement=signed, expected_version=signed.version, acting_user=_admin(world_pool.a))


def test_the_agreement_and_its_end_are_audited(world_pool: Pool) -> None:
    made = agreement(world_pool.a, reference="DSA-2026-07")
    end_agreement(agreement=made, expected_version=made.version, acting_user=_admin(world_pool.a))
    actions = list(
        AuditEntry.objects.filter(object_type="outcomes.sharingagreement", object_id=str(made.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions == ["outcomes.agreement_recorded", "outcomes.agreement_ended"]


# --- The log ----------------------------------------------------------------------------------------------


def test_a_contribution_is_logged_with_its_counts_months_and_the_hash_of_its_file(world_pool: Pool) -> None:
    made = _contribute(world_pool.a)
    _unused, rows = _rows(_file(made))
    assert (made.men, made.partners, made.rows) == (8, 8, len(rows))
    # His start, end and 6-month answers for four men and the start of the dropout, and hers
    # likewise but for the dropout's partner's start, which she declined; none of the three men who
    # answered nothing, and their partners' start and 6-month answers.
    assert made.questionnaires == 4 * 3 + 1 + 4 * 3 + 3 * 2
    assert made.sha256 == pool.sha256_of(_file(made))
    assert made.first_month <= made.last_month
    assert made.agreement == pool_queries.agreement_in_force(world_pool.a, clock.today())
    assert made.instruments == ["tandem-outcomes-man-1", "tandem-outcomes-partner-1"]


def test_a_contribution_is_audited_with_its_file_and_counts(world_pool: Pool) -> None:
    made = _contribute(world_pool.a)
    entry = AuditEntry.objects.get(action="outcomes.pool_contributed", object_id=str(made.pk))
    assert entry.actor_id == _admin(world_pool.a).pk
    assert json.loads(entry.detail)["sha256"] == made.sha256


def test_the_system_contributes_on_a_schedule_as_the_worker(world_pool: Pool) -> None:
    made = contribute(organisation=world_pool.a, acting_user=None)
    entry = AuditEntry.objects.get(action="outcomes.pool_contributed", object_id=str(made.pk))
    assert (entry.actor_id, entry.actor_label) == (None, "background worker")


def test_a_newer_contribution_supersedes_the_older_in_the_pool_and_both_stay_in_the_log(world_pool: Pool) -> None:
    older = _contribute(world_pool.a)
    newer = _contribute(world_pool.a)
    assert [f.path for f in pool.pooled_files() if f.organisation_id == world_pool.a.pk] == [_file(newer)]
    assert {older, newer} <= set(pool_queries.contribution_log())
    assert _file(older).is_file()


def test_ending_the_agreement_takes_the_providers_data_out_of_the_pool(world_pool: Pool) -> None:
    _contribute(world_pool.a)
    _contribute(world_pool.b)
    signed = pool_queries.agreement_in_force(world_pool.a, clock.today())
    assert signed is not None
    end_agreement(agreement=signed, expected_version=signed.version, acting_user=_admin(world_pool.a))
    assert {f.organisation_id for f in pool.pooled_files()} == {world_pool.b.pk}


# --- All or nothing ---------------------------------------------------------------------------------------


def test_a_failure_after_the_file_is_written_leaves_no_file_and_no_contribution(
    world_pool: Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the audit log could not be written")

    monkeypatch.setattr("tandem.core.audit.record", broken)
    with pytest.raises(RuntimeError):
        _contribute(world_pool.a)
    assert not Contribution.objects.filter(organisation=world_pool.a).exists()
    assert list(pool.pool_dir().iterdir()) == []


def test_a_write_that_fails_halfway_leaves_no_partial_file(world_pool: Pool, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(rows: Any, target: Path) -> None:
        target.write_bytes(b"PAR1 half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pool, "write_records", disk_full)
    with pytest.raises(OSError):
        _contribute(world_pool.a)
    assert not Contribution.objects.filter(organisation=world_pool.a).exists()
    assert list(pool.pool_dir().iterdir()) == []


# --- Reads ----------------------------------------------------------------------------------------------


def test_the_sources_of_a_contribution_cost_the_same_queries_however_many_cases(
    world_pool: Pool, django_assert_num_queries: Any
) -> None:
    provider = Organisation.objects.get(pk=world_pool.a.pk)
    with django_assert_num_queries(8):
        pool_queries.pool_sources(provider)
    history(world_pool.a, name="Ilir Shala", partner_name="Teuta Shala", his={"start": 2}, hers={"start": 1})
    provider = Organisation.objects.get(pk=world_pool.a.pk)
    with django_assert_num_queries(8):
        pool_queries.pool_sources(provider)


def test_the_sources_hold_no_other_providers_points(world_pool: Pool) -> None:
    sources = pool_queries.pool_sources(world_pool.b)
    assert {point.case_id for point in sources.points} == {h.case.pk for h in world_pool.people(world_pool.b)}


# --- The pooled dataset -----------------------------------------------------------------------------------


def test_the_pooled_dataset_merges_the_newest_contributions_with_a_codebook_of_every_column(
    world_pool: Pool, tmp_path: Path
) -> None:
    made = [_contribute(provider) for provider in (world_pool.a, world_pool.b, world_pool.c)]
    written = pool.write_pool(tmp_path / "out")
    columns, rows = _rows(written.dataset)
    codebook = json.loads(written.codebook.read_text(encoding="utf-8"))
    # Those who stand out whatever is coarsened (B's lone man and his partner) are left out.
    assert written.rows == len(rows) < sum(contribution.rows for contribution in made)
    assert [column["name"] for column in codebook["columns"]] == columns
    assert all(column["description"] for column in codebook["columns"])
    assert {entry["programme"] for entry in codebook["programmes"]} == {c.programme for c in made}
    text = written.codebook.read_text(encoding="utf-8")
    assert not any(c.sha256 in text or c.file_name in text for c in made)
    assert not any(provider.name in text for provider in (world_pool.a, world_pool.b, world_pool.c))


def _exported(tmp_path: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    written = pool.write_pool(tmp_path / "out")
    columns, rows = _rows(written.dataset)
    return [dict(zip(columns, row, strict=True)) for row in rows], json.loads(written.codebook.read_text())


def test_no_case_of_the_export_stands_out_from_fewer_than_the_threshold(world_pool: Pool, tmp_path: Path) -> None:
    for provider in (world_pool.a, world_pool.b, world_pool.c):
        _contribute(provider)
    records, _codebook = _exported(tmp_path)
    # Everything a row says but the scores, gathered per case: the man and his partners together.
    cases: dict[tuple[str, str], set[tuple[Any, ...]]] = {}
    for r in records:
        row = tuple(value for name, value in r.items() if name not in ("case_key", "respondent_key", "value"))
        cases.setdefault((r["programme"], r["case_key"]), set()).add(row)
    classes: dict[tuple[Any, ...], int] = {}
    for (programme, _case), rows in cases.items():
        key = (programme, tuple(sorted(rows, key=str)))
        classes[key] = classes.get(key, 0) + 1
    assert records and min(classes.values()) >= THRESHOLD


def test_three_men_alike_keep_their_months_and_age_band_in_the_export(world_pool: Pool, tmp_path: Path) -> None:
    programme = _contribute(world_pool.c).programme
    records, codebook = _exported(tmp_path)
    own = [r for r in records if r["programme"] == programme]
    assert {r["age_band"] for r in own} == {"35-44"} and {r["exit"] for r in own} == {"completed"}
    assert all(re.fullmatch(r"\d{4}-\d{2}", r["period"]) for r in own)
    (entry,) = codebook["programmes"]
    assert (entry["periods"], entry["ages"], entry["men"], entry["cases_left_out"]) == ("month", "band", 3, 0)


def test_a_lone_man_and_his_partner_are_left_out_of_the_export(world_pool: Pool, tmp_path: Path) -> None:
    programme = _contribute(world_pool.b).programme
    records, codebook = _exported(tmp_path)
    assert records == []
    (entry,) = codebook["programmes"]
    assert (entry["programme"], entry["men"], entry["partners"], entry["cases_left_out"]) == (programme, 0, 0, 1)


def test_a_rare_ending_is_left_empty_in_the_export_with_another_to_hide_it(world_pool: Pool, tmp_path: Path) -> None:
    # In A one man of eight dropped out: no coarsening of dates or ages hides him, so his ending is
    # not written, nor, to hide him among them, the ending of the next rarest.
    _contribute(world_pool.a)
    records, _codebook = _exported(tmp_path)
    assert "dropped_out" not in {r["exit"] for r in records}
    assert None in {r["exit"] for r in records}


def test_two_exports_cannot_be_joined_on_the_peoples_pseudonyms(world_pool: Pool, tmp_path: Path) -> None:
    _contribute(world_pool.c)
    first, _codebook = _exported(tmp_path / "first")
    second, _codebook = _exported(tmp_path / "second")
    assert {r["case_key"] for r in first}.isdisjoint({r["case_key"] for r in second})
    assert len({r["case_key"] for r in first}) == 3


def test_a_contributed_file_that_was_changed_stops_the_pooled_dataset(world_pool: Pool, tmp_path: Path) -> None:
    made = _contribute(world_pool.a)
    _file(made).write_bytes(_file(made).read_bytes() + b"\0")
    with pytest.raises(pool.PoolError):
        pool.write_pool(tmp_path / "out")


# --- Benchmarks -----------------------------------------------------------------------------------------


def _everyone(world_pool: Pool) -> dict[str, str]:
    """Pseudonyms of the three providers, having contributed."""
    return {
        _contribute(provider).programme: name
        for provider, name in ((world_pool.a, "a"), (world_pool.b, "b"), (world_pool.c, "c"))
    }


def _figure(figures: list[Any], scope: str, **key: str) -> Any:
    return next(figure for figure in figures if figure.scope == scope and figure.key == key)


def test_matched_change_compares_the_same_people_at_the_start_and_the_end(world_pool: Pool) -> None:
    names = {name: scope for scope, name in _everyone(world_pool).items()}
    result = pool.benchmarks()
    figure = _figure(result.change, names["a"], respondent=MAN, subscale="psychological", time_point="end")
    expected = scores(MAN, 1)["psychological"] - scores(MAN, 3)["psychological"]  # type: ignore[operator]
    assert figure.n == 4
    assert figure.mean_change == pytest.approx(expected)
    assert figure.better == "lower"


def test_a_programme_with_fewer_people_than_the_threshold_is_suppressed(world_pool: Pool) -> None:
    names = {name: scope for scope, name in _everyone(world_pool).items()}
    result = pool.benchmarks()
    figure = _figure(result.change, names["b"], respondent=MAN, subscale="psychological", time_point="end")
    assert figure.suppressed
    assert (figure.n, figure.mean_change, figure.mean_start, figure.mean_then) == (None, None, None, None)


def test_a_single_suppressed_programme_takes_the_next_smallest_with_it_beside_the_pool(world_pool: Pool) -> None:
    names = {name: scope for scope, name in _everyone(world_pool).items()}
    result = pool.benchmarks()
    key = {"respondent": MAN, "subscale": "psychological", "time_point": "end"}
    assert not _figure(result.change, pool.POOL, **key).suppressed
    assert _figure(result.change, names["c"], **key).suppressed
    assert not _figure(result.change, names["a"], **key).suppressed


def test_a_single_small_ending_takes_another_ending_with_it() -> None:
    figures = [
        pool.ShareFigure("P-1", {"exit": "completed"}, 7, 9, 77.8),
        pool.ShareFigure("P-1", {"exit": "dropped_out"}, None, None, None, suppressed=True),
        pool.ShareFigure("P-1", {"exit": "excluded"}, 0, 9, 0.0),
        pool.ShareFigure("P-1", {"exit": None}, 1, 9, 11.1),
    ]
    pool._within_scope(figures)
    assert [figure.suppressed for figure in figures] == [False, True, False, True]


def test_a_single_small_ending_of_the_pool_takes_another_ending_with_it(world_pool: Pool) -> None:
    names = {name: scope for scope, name in _everyone(world_pool).items()}
    result = pool.benchmarks()
    own = [figure for figure in result.attrition if figure.scope == names["a"]]
    assert {figure.key["exit"]: figure.suppressed for figure in own} == {"completed": True, "dropped_out": True}


def test_partners_reporting_no_physical_violence_at_the_follow_up(world_pool: Pool) -> None:
    names = {name: scope for scope, name in _everyone(world_pool).items()}
    result = pool.benchmarks()
    at_start = _figure(result.no_violence, names["a"], subscale="physical", time_point="start")
    later = _figure(result.no_violence, names["a"], subscale="physical", time_point="follow_up_6")
    # Three of seven report none at the start (the four others violence), four of seven six months after.
    assert (at_start.count, at_start.total, at_start.percent) == (3, 7, pytest.approx(100 * 3 / 7, abs=0.05))
    assert (later.count, later.total, later.percent) == (4, 7, pytest.approx(100 * 4 / 7, abs=0.05))
    assert {figure.key["subscale"] for figure in result.no_violence} == {"physical", "sexual"}


def test_response_counts_the_settled_points_of_each_time_point(world_pool: Pool) -> None:
    names = {name: scope for scope, name in _everyone(world_pool).items()}
    result = pool.benchmarks()
    # Five of eight men answered at the start; three were not reached.
    his_start = _figure(result.response, names["a"], respondent=MAN, time_point="start")
    assert (his_start.count, his_start.total) == (5, 8)
    # Seven of eight partners answered at the start, one declined: too few declined to show.
    assert _figure(result.response, names["a"], respondent=PARTNER, time_point="start").suppressed


def test_a_response_of_none_is_not_shown(world_pool: Pool) -> None:
    # No man of any programme answered halfway through: "none of them" tells each one's answer.
    names = {name: scope for scope, name in _everyone(world_pool).items()}
    result = pool.benchmarks()
    for scope in (pool.POOL, names["a"]):
        figure = _figure(result.response, scope, respondent=MAN, time_point="midway")
        assert figure.suppressed
        assert (figure.count, figure.total, figure.percent) == (None, None, None)


def test_a_share_of_all_reporting_no_violence_is_not_shown(world_pool: Pool) -> None:
    # Every partner who answered at the end reported no physical violence, four of them in A.
    names = {name: scope for scope, name in _everyone(world_pool).items()}
    result = pool.benchmarks()
    for scope in (pool.POOL, names["a"]):
        figure = _figure(result.no_violence, scope, subscale="physical", time_point="end")
        assert figure.suppressed
        assert (figure.count, figure.total, figure.percent) == (None, None, None)


def test_an_any_change_with_everyone_on_one_side_is_not_shown(world_pool: Pool) -> None:
    # The four partners in A who answered at the start and the end all reported physical violence
    # at the start: the share before is all of them.
    names = {name: scope for scope, name in _everyone(world_pool).items()}
    result = pool.benchmarks()
    for scope in (pool.POOL, names["a"]):
        figure = _figure(result.change, scope, respondent=PARTNER, subscale="physical", time_point="end")
        assert figure.suppressed
        assert (figure.n, figure.mean_start, figure.mean_then, figure.mean_change) == (None, None, None, None)


def test_the_benchmarks_hold_only_aggregates(world_pool: Pool) -> None:
    made = [_contribute(provider) for provider in (world_pool.a, world_pool.b, world_pool.c)]
    document = pool.benchmarks_json(pool.benchmarks())
    keys: set[str] = set()
    for contribution in made:
        columns, rows = _rows(_file(contribution))
        keys |= {row[columns.index(name)] for row in rows for name in ("case_key", "respondent_key")}
    assert not any(key in document for key in keys)
    data = json.loads(document)
    for kind in ("response", "attrition", "change", "no_violence"):
        for figure in data[kind]:
            assert figure["scope"] in {pool.POOL, *(c.programme for c in made)}
            assert set(figure["key"]) <= {"respondent", "time_point", "exit", "subscale"}
    assert not any(provider.name in document for provider in (world_pool.a, world_pool.b, world_pool.c))


# --- Pages ------------------------------------------------------------------------------------------------


def test_the_analyst_sees_every_programme_under_its_pseudonym_and_no_person(world_pool: Pool) -> None:
    scopes = _everyone(world_pool)
    page = signed_in_client(world_pool.world.analyst).get("/outcomes/pool/benchmarks/")
    text = page.content.decode()
    assert page.status_code == 200
    assert all(scope in text for scope in scopes)
    assert not any(provider.name in text for provider in (world_pool.a, world_pool.b, world_pool.c))
    assert not any(h.name in text or h.partner_name in text for h in world_pool.histories)


def test_a_providers_coordinator_sees_its_own_programme_by_name_beside_the_pool_only(world_pool: Pool) -> None:
    scopes = {name: scope for scope, name in _everyone(world_pool).items()}
    page = signed_in_client(staff(world_pool.a, Role.COORDINATOR)).get("/outcomes/pool/benchmarks/")
    text = page.content.decode()
    assert world_pool.a.name in text
    assert scopes["a"] not in text
    assert scopes["b"] not in text and scopes["c"] not in text
    assert world_pool.b.name not in text


def test_a_providers_coordinator_sees_no_figure_of_the_partners_answers(world_pool: Pool) -> None:
    _everyone(world_pool)
    coordinator = signed_in_client(staff(world_pool.a, Role.COORDINATOR)).get("/outcomes/pool/benchmarks/")
    analyst = signed_in_client(world_pool.world.analyst).get("/outcomes/pool/benchmarks/")
    for page, shown in ((coordinator, False), (analyst, True)):
        text = page.content.decode()
        assert ("Partners reporting no violence of a kind" in text) is shown
        change = text.split('id="table-change"', 1)[1].split("</section>", 1)[0]
        assert ("Her answers" in change) is shown
        assert "His answers" in change


def test_the_contribution_log_names_each_contribution_with_its_hash(world_pool: Pool) -> None:
    made = _contribute(world_pool.a)
    page = signed_in_client(world_pool.world.analyst).get("/outcomes/pool/log/")
    assert made.sha256 in page.content.decode()
    assert world_pool.a.name in page.content.decode()


def test_the_providers_page_lists_its_agreements_and_contributions(world_pool: Pool) -> None:
    made = _contribute(world_pool.a)
    page = signed_in_client(_admin(world_pool.a)).get(f"/outcomes/pool/providers/{world_pool.a.pk}/")
    text = page.content.decode()
    assert "DSA-2025-01" in text
    assert made.sha256 in text


def test_contributing_from_the_page_writes_the_file_and_logs_it(world_pool: Pool) -> None:
    client = signed_in_client(staff(world_pool.a, Role.COORDINATOR))
    response = client.post(f"/outcomes/pool/providers/{world_pool.a.pk}/contribute/")
    assert response.status_code == 302
    made = Contribution.objects.get(organisation=world_pool.a)
    assert _file(made).is_file()


def test_recording_an_agreement_from_the_page(world_pool: Pool) -> None:
    today = clock.today().isoformat()
    response = signed_in_client(_admin(world_pool.b)).post(
        f"/outcomes/pool/providers/{world_pool.b.pk}/",
        {"reference": "DSA-B-2", "signed_on": today, "starts_on": today, "ends_on": "", "scope": "Benchmarks."},
    )
    assert response.status_code == 302
    assert SharingAgreement.objects.filter(organisation=world_pool.b, reference="DSA-B-2").exists()


# --- Pure rules -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "on", "band"),
    [
        (date(2000, 6, 2), date(2024, 6, 1), "18-24"),
        (date(2000, 6, 1), date(2025, 6, 1), "25-34"),
        (date(1960, 1, 1), date(2025, 6, 1), "55+"),
        (None, date(2025, 6, 1), None),
    ],
)
def test_age_bands_count_whole_years(born: date | None, on: date, band: str | None) -> None:
    assert pooling.age_band(born, on) == band


def test_a_case_taken_on_again_after_a_transfer_ends_as_it_last_ended() -> None:
    assert pooling.ending_of(["transferred", "dropped_out"]) == "dropped_out"
    assert pooling.ending_of([]) == pooling.ONGOING


def test_the_pseudonym_of_a_case_depends_on_the_key() -> None:
    assert pooling.pseudonym(b"one", "case", 1, 7) != pooling.pseudonym(b"two", "case", 1, 7)
    assert pooling.pseudonym(b"one", "case", 1, 7) == pooling.pseudonym(b"one", "case", 1, 7)


def test_a_single_suppressed_programme_is_joined_by_the_smallest_other() -> None:
    assert pooling.also_suppressed({"P-1": True, "P-2": False, "P-3": False}, {"P-1": 2, "P-2": 9, "P-3": 4}) == {"P-3"}
    assert pooling.also_suppressed({"P-1": True, "P-2": True, "P-3": False}, {"P-1": 2, "P-2": 1, "P-3": 4}) == set()


# --- Query counts -------------------------------------------------------------------------------------------


def _page_queries(client: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_contribution_log_reads_the_same_queries_however_many_contributions(world_pool: Pool) -> None:
    client = signed_in_client(world_pool.world.analyst)
    _contribute(world_pool.a)
    before = _page_queries(client, "/outcomes/pool/log/")
    _contribute(world_pool.b)
    contribute(organisation=world_pool.c, acting_user=None)
    assert (before, _page_queries(client, "/outcomes/pool/log/")) == (LOG_QUERIES, LOG_QUERIES)


def test_the_providers_page_reads_the_same_queries_however_many_agreements_and_contributions(
    world_pool: Pool,
) -> None:
    client = signed_in_client(_admin(world_pool.a))
    url = f"/outcomes/pool/providers/{world_pool.a.pk}/"
    _contribute(world_pool.a)
    before = _page_queries(client, url)
    agreement(world_pool.a, reference="DSA-2026-02")
    _contribute(world_pool.a)
    contribute(organisation=world_pool.a, acting_user=None)
    assert (before, _page_queries(client, url)) == (PROVIDER_QUERIES, PROVIDER_QUERIES)


def test_the_benchmarks_page_reads_the_same_queries_however_many_programmes(world_pool: Pool) -> None:
    client = signed_in_client(world_pool.world.analyst)
    _contribute(world_pool.a)
    before = _page_queries(client, "/outcomes/pool/benchmarks/")
    _contribute(world_pool.b)
    _contribute(world_pool.c)
    assert (before, _page_queries(client, "/outcomes/pool/benchmarks/")) == (BENCHMARK_QUERIES, BENCHMARK_QUERIES)
