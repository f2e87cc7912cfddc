"""Her questionnaire link: made by her support worker for a channel she agreed to, answered by
her alone, once, on a page that names nobody, keeps nothing in her browser and has a quick exit."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from tandem.core import clock, events
from tandem.core.models import AuditEntry
from tandem.outcomes.actions import OutcomeRefused, close_without_answers
from tandem.outcomes.forms import answer_field_name
from tandem.outcomes.link_actions import answer_through_link, issue_link, withdraw_link
from tandem.outcomes.models import Mode, PartnerResponse, PointState, QuestionnaireLink
from tandem.outcomes.queries import links as link_queries
from tandem.outcomes.rules.instruments import PARTNER, current_instrument
from tandem.survivors.actions.consent import withdraw_consent
from tests import factories
from tests.conftest import World, signed_in_client
from tests.outcomes.support import her_points, started

pytestmark = pytest.mark.django_db

NAME = "Canary-Q7 Mirjeta Berisha"
GONE = "This link no longer works. If you want to answer, ask the person who sent it for a new one."


def _all(value: int | None) -> dict[str, int | None]:
    return {item.key: value for item in current_instrument(PARTNER).items}


def _form(value: str = "1") -> dict[str, str]:
    return {answer_field_name(item.key): value for item in current_instrument(PARTNER).items}


def _page(token: str) -> str:
    return reverse("respond:page", kwargs={"token": token})


@pytest.fixture
def her(world: World) -> Any:
    """A partner who agreed to outcome questionnaires by SMS, and her due start point."""
    case = started(world.org)
    partner = factories.partner(case, name=NAME)
    consent = factories.consent(partner, channel="sms", purpose="questionnaires")
    events.deliver_pending()
    return partner, consent, her_points(partner)["start"]


@pytest.fixture
def issued(world: World, her: Any) -> tuple[QuestionnaireLink, str]:
    _partner, _consent, point = her
    return issue_link(point=point, channel="sms", language="sq", acting_user=world.survivor_worker)


def _responses(point: Any) -> int:
    return PartnerResponse._base_manager.filter(point=point).count()


# --- Issuing ------------------------------------------------------------------------------------


def test_only_the_hash_of_the_token_is_kept(issued: tuple[QuestionnaireLink, str]) -> None:
    link, token = issued
    link.refresh_from_db()
    assert link.token_hash == link_queries.token_hash(token)
    assert token not in json.dumps([str(value) for value in vars(link).values()])


def test_a_link_needs_her_consent_to_questionnaires_on_its_channel(world: World, her: Any) -> None:
    _partner, _consent, point = her
    with pytest.raises(OutcomeRefused) as refused:
        issue_link(point=point, channel="email", language="sq", acting_user=world.survivor_worker)
    assert refused.value.rule == "consent"
    assert not QuestionnaireLink._base_manager.filter(point=point).exists()


def test_a_link_cannot_be_given_by_phone_even_with_her_consent(world: World, her: Any) -> None:
    partner, _consent, point = her
    factories.consent(partner, channel="phone", purpose="questionnaires")
    with pytest.raises(ValidationError) as refused:
        issue_link(point=point, channel="phone", language="sq", acting_user=world.survivor_worker)
    assert "channel" in refused.value.message_dict


def test_a_link_is_in_a_language_her_questionnaire_is_written_in(world: World, her: Any) -> None:
    _partner, _consent, point = her
    with pytest.raises(ValidationError) as refused:
        issue_link(point=point, channel="sms", language="de", acting_user=world.survivor_worker)
    assert "language" in refused.value.message_dict


def test_only_her_support_workers_issue_a_link(world: World, her: Any) -> None:
    _partner, _consent, point = her
    for person in (world.facilitator, world.coordinator, world.outsider):
        with pytest.raises(OutcomeRefused) as refused:
            issue_link(point=point, channel="sms", language="sq", acting_user=person)
        assert refused.value.rule == "allowed"
    assert AuditEntry.objects.filter(action="access.denied", actor=world.facilitator).exists()


def test_no_link_is_issued_for_a_closed_point(world: World, her: Any) -> None:
    _partner, _consent, point = her
    _link, token = issue_link(point=point, channel="sms", language="sq", acting_user=world.survivor_worker)
    answer_through_link(token=token, answers=_all(1))
    point.refresh_from_db()
    with pytest.raises(OutcomeRefused) as refused:
        issue_link(point=point, channel="sms", language="sq", acting_user=world.survivor_worker)
    assert refused.value.rule == "closed"


def test_a_link_expires_after_the_configured_days(world: World, her: Any, settings: Any) -> None:
    _partner, _consent, point = her
    settings.TANDEM_OUTCOME_LINK_DAYS = 3
    link, _token = issue_link(point=point, channel="sms", language="sq", acting_user=world.survivor_worker)
    assert link.expires_at - link.issued_at == timedelta(days=3)


def test_a_link_never_outlives_its_time_point(world: World, her: Any) -> None:
    _partner, _consent, point = her
    two_days_before = timezone.make_aware(datetime.combine(point.closes_on - timedelta(days=2), time(12)))
    with clock.frozen(two_days_before):
        link, _token = issue_link(point=point, channel="sms", language="sq", acting_user=world.survivor_worker)
    last = timezone.make_aware(datetime.combine(point.closes_on, time.max))
    assert link.expires_at == last


def test_a_new_link_withdraws_the_earlier_unused_one(world: World, her: Any) -> None:
    _partner, _consent, point = her
    first, first_token = issue_link(point=point, channel="sms", language="sq", acting_user=world.survivor_worker)
    second, second_token = issue_link(point=point, channel="sms", language="en", acting_user=world.survivor_worker)
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert link_queries.usable_link(first_token) is None
    assert link_queries.usable_link(second_token) == second


def test_issuing_is_audited_in_the_survivor_compartment_without_the_token(
    world: World, issued: tuple[QuestionnaireLink, str]
) -> None:
    link, token = issued
    entry = AuditEntry.objects.get(action="outcomes.link_issued", object_id=str(link.pk))
    assert (entry.actor, entry.compartment) == (world.survivor_worker, "survivor")
    assert token not in entry.detail


# --- Her answers ---------------------------------------------------------------------------------


def test_her_answers_through_the_link_are_hers(issued: tuple[QuestionnaireLink, str]) -> None:
    link, token = issued
    response = answer_through_link(token=token, answers=_all(1))
    assert (response.mode, response.language, response.recorded_by) == (Mode.LINK, "sq", None)
    response.point.refresh_from_db()
    assert response.point.state == PointState.ANSWERED
    link.refresh_from_db()
    assert link.used_at is not None


def test_a_link_is_used_once_and_nothing_is_saved_twice(issued: tuple[QuestionnaireLink, str]) -> None:
    link, token = issued
    answer_through_link(token=token, answers=_all(1))
    with pytest.raises(OutcomeRefused) as refused:
        answer_through_link(token=token, answers=_all(2))
    assert refused.value.rule == "link"
    assert _responses(link.point) == 1


def test_of_two_answers_sent_at_once_only_the_first_is_kept(
    issued: tuple[QuestionnaireLink, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    link, token = issued
    # The second submit read the link while it still worked, just before the first used it.
    read_before = link_queries.usable_link(token)
    answer_through_link(token=token, answers=_all(1))
    monkeypatch.setattr(link_queries, "usable_link", lambda _token: read_before)
    with pytest.raises(OutcomeRefused):
        answer_through_link(token=token, answers=_all(2))
    assert _responses(link.point) == 1


def test_an_expired_link_is_refused(issued: tuple[QuestionnaireLink, str]) -> None:
    link, token = issued
    with clock.frozen(link.expires_at + timedelta(seconds=1)), pytest.raises(OutcomeRefused) as refused:
        answer_through_link(token=token, answers=_all(1))
    assert refused.value.rule == "link"
    assert _responses(link.point) == 0


def test_a_withdrawn_link_is_refused(world: World, issued: tuple[QuestionnaireLink, str]) -> None:
    link, token = issued
    withdraw_link(link=link, acting_user=world.survivor_worker)
    with pytest.raises(OutcomeRefused):
        answer_through_link(token=token, answers=_all(1))
    assert _responses(link.point) == 0


def test_a_link_is_refused_once_she_withdraws_her_consent(
    world: World, her: Any, issued: tuple[QuestionnaireLink, str]
) -> None:
    _partner, consent, _point = her
    link, token = issued
    withdraw_consent(consent=consent, acting_user=world.survivor_worker)
    with pytest.raises(OutcomeRefused):
        answer_through_link(token=token, answers=_all(1))
    assert _responses(link.point) == 0


def test_a_link_no_longer_works_once_its_point_is_closed_another_way(
    world: World, issued: tuple[QuestionnaireLink, str]
) -> None:
    link, token = issued
    close_without_answers(
        point=link.point,
        state=PointState.DECLINED,
        note="She said so on the phone.",
        expected_version=link.point.version,
        acting_user=world.survivor_worker,
    )
    assert link_queries.usable_link(token) is None
    with pytest.raises(OutcomeRefused):
        answer_through_link(token=token, answers=_all(1))


def test_an_answer_off_the_scale_is_refused_and_the_link_still_works(issued: tuple[QuestionnaireLink, str]) -> None:
    link, token = issued
    with pytest.raises(ValidationError):
        answer_through_link(token=token, answers={**_all(1), current_instrument(PARTNER).items[0].key: 9})
    link.refresh_from_db()
    assert link.used_at is None
    answer_through_link(token=token, answers=_all(1))
    assert _responses(link.point) == 1


def test_an_unknown_token_is_refused_without_writing_anything(issued: tuple[QuestionnaireLink, str]) -> None:
    with CaptureQueriesContext(connection) as queries, pytest.raises(OutcomeRefused):
        answer_through_link(token="guessed-" + "x" * 35, answers=_all(1))
    written = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert written == []


def test_her_answers_are_on_the_audit_log_without_her_address(
    issued: tuple[QuestionnaireLink, str],
) -> None:
    link, token = issued
    answer_through_link(token=token, answers=_all(1))
    used = AuditEntry.objects.get(action="outcomes.link_used", object_id=str(link.pk))
    answers = AuditEntry.objects.get(action="outcomes.her_answers")
    for entry in (used, answers):
        assert (entry.actor, entry.compartment, entry.ip) == (None, "survivor", "")


def test_a_used_link_cannot_be_withdrawn(world: World, issued: tuple[QuestionnaireLink, str]) -> None:
    link, token = issued
    answer_through_link(token=token, answers=_all(1))
    link.refresh_from_db()
    with pytest.raises(OutcomeRefused) as refused:
        withdraw_link(link=link, acting_user=world.survivor_worker)
    assert refused.value.rule == "used"


def test_withdrawing_is_audited(world: World, issued: tuple[QuestionnaireLink, str]) -> None:
    link, _token = issued
    withdraw_link(link=link, acting_user=world.survivor_worker)
    entry = AuditEntry.objects.get(action="outcomes.link_withdrawn", object_id=str(link.pk))
    assert (entry.actor, entry.compartment) == (world.survivor_worker, "survivor")


# --- Her page ------------------------------------------------------------------------------------


def test_her_page_opens_without_signing_in_and_sets_no_cookie(issued: tuple[QuestionnaireLink, str]) -> None:
    _link, token = issued
    client = Client()
    response = client.get(_page(token))
    assert response.status_code == 200
    assert response.cookies == {}
    assert client.cookies == {}


def test_sending_her_answers_thanks_her_and_sets_no_cookie(issued: tuple[QuestionnaireLink, str]) -> None:
    link, token = issued
    client = Client(enforce_csrf_checks=True)
    response = client.post(_page(token), _form())
    assert response.status_code == 200
    with override("sq"):
        assert gettext("Your answers are sent. You can close this page now.") in response.content.decode()
    assert response.cookies == {}
    assert client.cookies == {}
    assert _responses(link.point) == 1


def test_her_page_is_not_kept_indexed_or_passed_on(issued: tuple[QuestionnaireLink, str]) -> None:
    _link, token = issued
    for response in (Client().get(_page(token)), Client().get(_page("unknown-token"))):
        assert "no-store" in response["Cache-Control"]
        assert response["Referrer-Policy"] == "no-referrer"
        assert "noindex" in response["X-Robots-Tag"]


def test_her_page_and_its_address_name_neither_tandem_nor_her(issued: tuple[QuestionnaireLink, str]) -> None:
    _link, token = issued
    url = _page(token)
    for word in ("tandem", "outcome", "survivor", "partner", "questionnaire"):
        assert word not in url.lower()
    client = Client()
    pages = [client.get(url), client.post(url, {**_form(), answer_field_name("nope"): "1"})]
    pages += [client.post(url, _form()), client.get(url)]
    for page in pages:
        text = page.content.decode()
        assert "tandem" not in text.lower()
        assert NAME not in text and "Berisha" not in text


def test_her_page_is_in_the_language_of_the_link(issued: tuple[QuestionnaireLink, str]) -> None:
    _link, token = issued
    text = Client().get(_page(token), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    first = current_instrument(PARTNER).items[0]
    assert '<html lang="sq">' in text
    assert first.wording("sq") in text


def test_every_link_that_no_longer_works_gets_the_same_page(world: World, her: Any) -> None:
    _partner, _consent, point = her
    worker = world.survivor_worker
    withdrawn, withdrawn_token = issue_link(point=point, channel="sms", language="sq", acting_user=worker)
    withdraw_link(link=withdrawn, acting_user=worker)
    expired, expired_token = issue_link(point=point, channel="sms", language="tr", acting_user=worker)
    another = factories.partner(started(world.org), name="Another partner")
    factories.consent(another, channel="sms", purpose="questionnaires")
    events.deliver_pending()
    _used, used_token = issue_link(point=her_points(another)["start"], channel="sms", language="hr", acting_user=worker)
    answer_through_link(token=used_token, answers=_all(1))
    seen = set()
    with clock.frozen(expired.expires_at + timedelta(minutes=1)):
        for token in ("never-issued", withdrawn_token, expired_token, used_token):
            response = Client().get(_page(token), HTTP_ACCEPT_LANGUAGE="en")
            seen.add((response.status_code, response.content))
    assert len(seen) == 1
    status, content = seen.pop()
    assert status == 404
    assert GONE in content.decode()


def test_an_answer_off_the_scale_keeps_her_other_answers_and_saves_nothing(
    issued: tuple[QuestionnaireLink, str],
) -> None:
    link, token = issued
    first, second = current_instrument(PARTNER).items[:2]
    data = {**_form(), answer_field_name(first.key): "9"}
    response = Client().post(_page(token), data)
    assert response.status_code == 422
    text = response.content.decode()
    assert 'class="error"' in text
    kept = answer_field_name(second.key)
    assert f'name="{kept}" value="1" id="id_{kept}_1" checked>' in text
    assert _responses(link.point) == 0
    assert link_queries.usable_link(token) is not None


def test_sending_nothing_answered_says_what_to_do(issued: tuple[QuestionnaireLink, str]) -> None:
    link, token = issued
    response = Client().post(_page(token), _form(""), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert _responses(link.point) == 0
    assert link_queries.usable_link(token) is not None


def test_the_quick_exit_leaves_for_a_neutral_site_without_a_referrer(
    issued: tuple[QuestionnaireLink, str], settings: Any
) -> None:
    _link, token = issued
    settings.TANDEM_QUICK_EXIT_URL = "https://weather.example/"
    for response in (Client().get(_page(token)), Client().get(_page("unknown"))):
        text = response.content.decode()
        assert '<a class="quick-exit" href="https://weather.example/" rel="noreferrer" data-quick-exit>' in text


# --- Her worker's pages --------------------------------------------------------------------------


def test_her_worker_sends_a_link_from_her_outcomes_page_and_sees_it_once(world: World, her: Any) -> None:
    partner, _consent, point = her
    client = signed_in_client(world.survivor_worker)
    outcomes = client.get(reverse("outcomes:partner_outcomes", args=[partner.pk])).content.decode()
    assert reverse("outcomes:issue_link", args=[point.pk]) in outcomes
    response = client.post(reverse("outcomes:issue_link", args=[point.pk]), {"channel": "sms", "language": "sq"})
    assert response.status_code == 200
    link = QuestionnaireLink._base_manager.get(point=point)
    text = response.content.decode()
    assert "http://testserver/q/" in text
    assert "Tandem does not send it" in text
    after = client.get(reverse("outcomes:partner_outcomes", args=[partner.pk])).content.decode()
    assert "/q/" not in after
    assert reverse("outcomes:withdraw_link", args=[link.pk]) in after


def test_her_worker_is_told_what_is_missing_without_her_consent(world: World, her: Any) -> None:
    _partner, _consent, point = her
    client = signed_in_client(world.survivor_worker)
    response = client.post(
        reverse("outcomes:issue_link", args=[point.pk]), {"channel": "email", "language": "sq"}, follow=True
    )
    assert "Record her consent first" in response.content.decode()
    assert not QuestionnaireLink._base_manager.filter(point=point).exists()


def test_her_worker_withdraws_a_link_from_her_outcomes_page(
    world: World, issued: tuple[QuestionnaireLink, str]
) -> None:
    link, token = issued
    client = signed_in_client(world.survivor_worker)
    response = client.post(reverse("outcomes:withdraw_link", args=[link.pk]), follow=True)
    assert "The link is withdrawn" in response.content.decode()
    assert link_queries.usable_link(token) is None


def test_her_outcomes_page_offers_a_link_only_for_open_points_and_consented_channels(world: World, her: Any) -> None:
    partner, _consent, point = her
    later = her_points(partner)["midway"]
    page = signed_in_client(world.survivor_worker).get(reverse("outcomes:partner_outcomes", args=[partner.pk]))
    text = page.content.decode()
    assert reverse("outcomes:issue_link", args=[point.pk]) in text
    assert reverse("outcomes:issue_link", args=[later.pk]) not in text
    assert f'id="link-channel-{point.pk}-sms"' in text
    assert f'id="link-channel-{point.pk}-email"' not in text


def test_a_post_too_large_to_read_gets_her_neutral_page_and_leaves_the_link_usable(
    issued: tuple[QuestionnaireLink, str], client: Client, settings: Any
) -> None:
    _link, token = issued
    body = "&".join(f"f{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 10))
    response = client.post(
        reverse("respond:page", kwargs={"token": token}), body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert b"Tandem" not in response.content
    assert client.get(reverse("respond:page", kwargs={"token": token})).status_code == 200
