"""Reads of the mapping: the public directory, and survey rounds with their answers.

The registry holds organisational facts; what a provider asked not to publish never leaves
through the directory. Survey rounds, answers and import jobs are reached only through the
policy of ``tandem.core`` (their models are ``ScopedModel``s): a provider sees its own answers,
a reviewer those of the countries assigned to her in the round, and the organisation running
the round all of them. ``get_*`` functions read without a permission check, for actions and
the background worker; no view calls them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Cast

from tandem.core.audit import AuditContext
from tandem.core.models import User
from tandem.core.roles import CAPACITIES, Action, Capacity, OrganisationKind
from tandem.core.scoping import access, has_capacity, organisations_with
from tandem.geo.models import Country, Region
from tandem.mapping.models import (
    AnswerStatus,
    DeliveryLocation,
    ImportJob,
    Programme,
    RoundReviewer,
    Status,
    SurveyAnswer,
    SurveyRound,
)
from tandem.mapping.rules import AUTHOR, REVIEWER

# The kinds of organisation that run survey rounds (networks and government bodies).
ROUND_OWNER_KINDS: tuple[OrganisationKind, ...] = tuple(CAPACITIES[Capacity.RUN_SURVEYS])


def public_programmes(*, country: Country | None = None, region: Region | None = None) -> QuerySet[Programme]:
    """Functioning programmes that may be published, with only their public locations."""
    programmes = Programme.objects.filter(publish=True, status=Status.FUNCTIONING)
    if country is not None:
        programmes = programmes.filter(country=country)
    if region is not None:
        programmes = programmes.filter(regions_served=region)
    return (
        programmes.select_related("provider", "country")
        .prefetch_related(
            "regions_served",
            Prefetch("locations", queryset=DeliveryLocation.objects.filter(publish=True), to_attr="public_locations"),
        )
        .distinct()
        .order_by("country__code", "name")
    )


def access_public_programme(programme_id: int) -> Programme:
    """One programme of the public directory; 404 for one that is not public, as for one that
    does not exist. An attempt on a programme kept out of public view is recorded like any
    other refused attempt."""
    return access(Programme, None, programme_id, visible=public_programmes())


# --- Survey rounds and answers --------------------------------------------------------------


def managing_organisations(user: User | Any) -> list[int]:
    """The organisations whose rounds ``user`` runs."""
    return organisations_with(user, Capacity.RUN_SURVEYS)


def authoring_organisations(user: User | Any) -> list[int]:
    """The providers for whose programmes ``user`` fills in answers."""
    return organisations_with(user, Capacity.ANSWER_SURVEYS)


def get_reviewer(reviewer_id: int) -> RoundReviewer | None:
    """A reviewer assignment as stored, for the platform administrator's change of it."""
    return RoundReviewer._base_manager.select_related("round", "country", "user").filter(pk=reviewer_id).first()


def takes_part_in_surveys(user: User | Any) -> bool:
    """Whether the user has anything to do in survey rounds: runs them, answers for a
    programme, or reviews a country in one."""
    if managing_organisations(user) or authoring_organisations(user):
        return True
    return bool(getattr(user, "pk", None)) and RoundReviewer.objects.filter(user_id=user.pk).exists()


def answers_visible_to(user: User | Any, action: Action = Action.VIEW) -> QuerySet[SurveyAnswer]:
    return SurveyAnswer.objects.visible_to(user, action).select_related("round", "programme", "programme__country")


def party_of(user: User | Any, answer: SurveyAnswer) -> set[str]:
    """What ``user`` is to this answer: its author, its reviewer, or both (or nothing)."""
    parties: set[str] = set()
    if has_capacity(user, Capacity.ANSWER_SURVEYS, answer.programme.provider_id):
        parties.add(AUTHOR)
    if has_capacity(user, Capacity.RUN_SURVEYS, answer.round.owner_id) or is_reviewer_of(user, answer):
        parties.add(REVIEWER)
    return parties


def is_reviewer_of(user: User | Any, answer: SurveyAnswer) -> bool:
    if not getattr(user, "pk", None):
        return False
    return RoundReviewer.objects.filter(
        round_id=answer.round_id, country_id=answer.programme.country_id, user_id=user.pk
    ).exists()


def access_answer(
    user: User | Any, answer_id: int, *, context: AuditContext | None = None, action: Action = Action.VIEW
) -> SurveyAnswer:
    """One answer ``user`` may see (or, with ``Action.CHANGE``, work on); 404 otherwise, with
    an attempt on an existing answer written to the audit log."""
    return access(
        SurveyAnswer,
        user,
        answer_id,
        action=action,
        context=context,
        queryset=SurveyAnswer.objects.select_related(
            "round", "round__questionnaire", "programme", "programme__country"
        ),
    )


def rounds_visible_to(user: User | Any) -> QuerySet[SurveyRound]:
    """Rounds the user runs, reviews, or can answer (a programme of theirs in its countries)."""
    return SurveyRound.objects.visible_to(user).select_related("owner", "questionnaire")


def access_round(user: User | Any, round_id: int, *, context: AuditContext | None = None) -> SurveyRound:
    return access(
        SurveyRound,
        user,
        round_id,
        context=context,
        queryset=SurveyRound.objects.select_related("owner", "questionnaire"),
    )


def access_managed_round(user: User | Any, round_id: int, *, context: AuditContext | None = None) -> SurveyRound:
    """A round ``user`` runs (to import answers or download its form); 404 otherwise."""
    return access(
        SurveyRound,
        user,
        round_id,
        action=Action.CHANGE,
        context=context,
        queryset=SurveyRound.objects.select_related("owner", "questionnaire"),
    )


def round_reviewers(survey_round: SurveyRound, user: User | Any) -> QuerySet[RoundReviewer]:
    return (
        RoundReviewer.objects.visible_to(user)
        .filter(round=survey_round)
        .select_related("country", "user")
        .order_by("country__code", "user__username")
    )


def answerable_programmes(user: User | Any, survey_round: SurveyRound) -> QuerySet[Programme]:
    """The user's own programmes in the round's countries."""
    return Programme.objects.filter(
        provider_id__in=authoring_organisations(user), country__in=survey_round.countries.all()
    ).order_by("name")


def access_answerable_programme(
    user: User | Any, survey_round: SurveyRound, programme_id: int, *, context: AuditContext | None = None
) -> Programme:
    """One of the user's programmes that can answer this round; 404 for another provider's
    programme (and the attempt is audited), as for one that does not exist."""
    return access(
        Programme,
        user,
        programme_id,
        action=Action.CHANGE,
        context=context,
        visible=answerable_programmes(user, survey_round),
    )


def round_choice_sets(survey_round: SurveyRound, *, country: Country | None = None) -> dict[str, list[str]]:
    """The dynamic choice lists of a round: the registry's programmes and the regions of its
    countries (or of one of them: a programme serves regions of its own country), by reference."""
    countries = list(survey_round.countries.values_list("pk", flat=True))
    if country is not None:
        countries = [pk for pk in countries if pk == country.pk]
    return {
        "programmes": list(
            Programme.objects.filter(country_id__in=countries).order_by("code").values_list("code", flat=True)
        ),
        "regions": list(
            Region.objects.filter(country_id__in=countries, coverage_unit=True)
            .order_by("code")
            .values_list("code", flat=True)
        ),
    }


def published_answers(
    *, survey_round: SurveyRound | None = None, country: Country | None = None
) -> QuerySet[SurveyAnswer]:
    """Published answers: the only ones indicators, coverage, the report and open data read.
    Once published an answer is public; aggregates built from them apply the small-number rule."""
    answers = SurveyAnswer._base_manager.filter(status=AnswerStatus.PUBLISHED)
    if survey_round is not None:
        answers = answers.filter(round=survey_round)
    if country is not None:
        answers = answers.filter(programme__country=country)
    return answers


def get_answer(answer_id: int) -> SurveyAnswer | None:
    """An answer for the background worker that acts on its events."""
    return (
        SurveyAnswer._base_manager.select_related("round", "round__owner", "programme", "programme__country")
        .filter(pk=answer_id)
        .first()
    )


def reviewers_of_answer(answer: SurveyAnswer) -> list[User]:
    """The people assigned to review the answers of its country in its round."""
    return [
        reviewer.user
        for reviewer in RoundReviewer._base_manager.filter(
            round_id=answer.round_id, country_id=answer.programme.country_id
        ).select_related("user")
    ]


def submitted_answers_of_country(survey_round: SurveyRound, country: Country) -> QuerySet[SurveyAnswer]:
    """The answers of one country waiting for review in a round (for the reviewer's work)."""
    return SurveyAnswer._base_manager.filter(
        round=survey_round, programme__country=country, status=AnswerStatus.SUBMITTED
    ).select_related("round", "round__owner", "programme", "programme__country")


def get_submitted_answers_without_review(survey_round: SurveyRound) -> QuerySet[SurveyAnswer]:
    """Submitted answers of a round for which no review work is open."""
    from tandem.core.models import WorkItem
    from tandem.mapping.work_rules import REVIEW_ANSWER

    open_review = WorkItem._base_manager.filter(
        rule=REVIEW_ANSWER.key,
        subject_type=SurveyAnswer._meta.label_lower,
        subject_id=Cast(OuterRef("pk"), output_field=CharField()),
        state=WorkItem.State.OPEN,
    )
    return (
        SurveyAnswer._base_manager.filter(round=survey_round, status=AnswerStatus.SUBMITTED)
        .exclude(Exists(open_review))
        .select_related("round", "round__owner", "programme", "programme__country")
    )


def answers_waiting_for_review(user: User | Any) -> QuerySet[SurveyAnswer]:
    """Submitted answers that ``user`` is to decide on: those of the countries she reviews,
    and every one of the rounds she runs."""
    reviews_country = Exists(
        RoundReviewer._base_manager.filter(
            round=OuterRef("round"), country=OuterRef("programme__country"), user_id=getattr(user, "pk", 0) or 0
        )
    )
    return (
        answers_visible_to(user, Action.CHANGE)
        .filter(Q(reviews_country) | Q(round__owner_id__in=managing_organisations(user)), status=AnswerStatus.SUBMITTED)
        .order_by("submitted_at", "pk")
    )


def review_due_dates(user: User | Any, answers: list[SurveyAnswer]) -> dict[int, Any]:
    """When the user's review of each of these answers is due (from her open work)."""
    from tandem.core.queries import open_work_of
    from tandem.mapping.work_rules import REVIEW_ANSWER

    ids = [str(answer.pk) for answer in answers]
    if not ids:
        return {}
    items = open_work_of(user).filter(
        rule=REVIEW_ANSWER.key, subject_type=SurveyAnswer._meta.label_lower, subject_id__in=ids
    )
    due: dict[int, Any] = {}
    for subject_id, due_at in items.values_list("subject_id", "due_at"):
        due.setdefault(int(subject_id), due_at)
    return due


def get_answers_of_round(survey_round: SurveyRound, *, lock: bool) -> QuerySet[SurveyAnswer]:
    """Every answer of a round, for an import that replaces them; locked until the import's
    transaction ends when ``lock``."""
    answers = SurveyAnswer._base_manager.filter(round=survey_round)
    return answers.select_for_update() if lock else answers


def latest_published_round() -> SurveyRound | None:
    """The round that opened last among those with at least one published answer."""
    has_published = Exists(published_answers().filter(round=OuterRef("pk")))
    return SurveyRound._base_manager.filter(has_published).order_by("-opens_on", "-pk").first()


def previous_round(survey_round: SurveyRound, country: Country | None = None) -> SurveyRound | None:
    """The round of the same organisation that opened last before this one and has published
    answers (with the country in it, for a country's report)."""
    has_published = Exists(published_answers().filter(round=OuterRef("pk")))
    rounds = SurveyRound._base_manager.filter(
        has_published, owner_id=survey_round.owner_id, opens_on__lt=survey_round.opens_on
    ).exclude(pk=survey_round.pk)
    if country is not None:
        rounds = rounds.filter(countries=country)
    return rounds.order_by("-opens_on", "-pk").first()


def get_round(round_id: int) -> SurveyRound | None:
    """A round by id for the command line, which runs with access to the whole database."""
    return SurveyRound._base_manager.select_related("owner", "questionnaire").filter(pk=round_id).first()


# --- Import jobs ------------------------------------------------------------------------------


def access_import_job(
    user: User | Any, round_id: int, job_id: int, *, context: AuditContext | None = None
) -> ImportJob:
    """An import job of a round ``user`` runs; 404 otherwise (also for a job of another round)."""
    survey_round = access_managed_round(user, round_id, context=context)
    return access(
        ImportJob,
        user,
        job_id,
        action=Action.CHANGE,
        context=context,
        queryset=ImportJob.objects.filter(round=survey_round).select_related("round"),
    )


def recent_import_jobs(survey_round: SurveyRound, user: User | Any, *, limit: int = 10) -> list[ImportJob]:
    jobs = ImportJob.objects.visible_to(user, Action.CHANGE).filter(round=survey_round).defer("content")
    return list(jobs.order_by("-created_at")[:limit])


def get_import_job(job_id: int) -> ImportJob | None:
    """A job for the background worker that works through it."""
    return (
        ImportJob._base_manager.select_related("round", "round__questionnaire", "uploaded_by").filter(pk=job_id).first()
    )


def get_import_batch_exists(survey_round: SurveyRound, sha256: str) -> bool:
    from tandem.mapping.models import ImportBatch

    return ImportBatch._base_manager.filter(round=survey_round, sha256=sha256).exists()


def all_rounds_for_command_line() -> QuerySet[SurveyRound]:
    """Every survey round, newest first, with its owner, its countries (by code) and
    ``answers_<status>`` counts, in two queries. Only for the command line, which runs with
    access to the whole database; a person on the web sees ``rounds_visible_to`` instead."""
    counts = {f"answers_{status}": Count("answers", filter=Q(answers__status=status)) for status in AnswerStatus.values}
    return (
        SurveyRound._base_manager.select_related("owner")
        .prefetch_related(Prefetch("countries", queryset=Country.objects.order_by("code")))
        .annotate(**counts)
        .order_by("-opens_on", "name")
    )
