"""Setting up survey rounds and their reviewers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tandem.core import audit
from tandem.core.audit import AuditContext
from tandem.core.models import Organisation, User
from tandem.core.roles import OrganisationKind
from tandem.geo.models import Country
from tandem.mapping.actions.review import cancel_review_work_of, open_review_work
from tandem.mapping.models import (
    Questionnaire,
    RoundReviewer,
    SurveyRound,
)
from tandem.mapping.queries.answers import submitted_answers_of_country
from tandem.mapping.queries.parties import ROUND_OWNER_KINDS
from tandem.mapping.queries.rounds import reviewer_refusal_for


@transaction.atomic
def open_round(
    *,
    owner: Organisation,
    name: str,
    questionnaire: Questionnaire,
    countries: Iterable[Country],
    opens_on: date,
    closes_on: date,
    acting_user: User | None,
    context: AuditContext | None = None,
) -> SurveyRound:
    """Set up a survey round run by a network or a government body."""
    if OrganisationKind(owner.kind) not in ROUND_OWNER_KINDS:
        raise ValidationError(_("A survey round is run by a network or a government body."))
    survey_round = SurveyRound(
        owner=owner, name=name, questionnaire=questionnaire, opens_on=opens_on, closes_on=closes_on
    )
    survey_round.full_clean()
    survey_round.save()
    survey_round.countries.set(list(countries))
    audit.record(
        "mapping.round.created",
        actor=acting_user,
        obj=survey_round,
        organisation=owner,
        context=context,
        detail={"fields": ["closes_on", "countries", "name", "opens_on", "owner", "questionnaire"]},
    )
    return survey_round


@transaction.atomic
def assign_reviewer(
    *,
    survey_round: SurveyRound,
    country: Country,
    user: User,
    acting_user: User | None,
    context: AuditContext | None = None,
) -> RoundReviewer:
    """Ask a person to review the answers of one country in a round. She sees them from now
    on, and answers already waiting become her work."""
    refusal = reviewer_refusal_for(user, country)
    if refusal is not None:
        raise ValidationError({"user": refusal})
    reviewer = RoundReviewer(round=survey_round, country=country, user=user)
    reviewer.full_clean()
    reviewer.save()
    audit.record(
        "mapping.reviewer.assigned",
        actor=acting_user,
        obj=reviewer,
        organisation=survey_round.owner_id,
        context=context,
        detail={"round": survey_round.pk, "country": country.code, "user": user.get_username()},
    )
    for answer in submitted_answers_of_country(survey_round, country):
        open_review_work(answer, only_for=user)
    return reviewer


@transaction.atomic
def remove_reviewer(*, reviewer: RoundReviewer, acting_user: User | None, context: AuditContext | None = None) -> None:
    """Withdraw a reviewer: she no longer sees the country's unpublished answers, and her open
    review work ends."""
    survey_round, country, user = reviewer.round, reviewer.country, reviewer.user
    audit.record(
        "mapping.reviewer.removed",
        actor=acting_user,
        organisation=survey_round.owner_id,
        context=context,
        detail={"round": survey_round.pk, "country": country.code, "user": user.get_username()},
    )
    reviewer.delete()
    for answer in submitted_answers_of_country(survey_round, country):
        cancel_review_work_of(answer, user, reason="mapping.reviewer.removed", acting_user=acting_user, context=context)
