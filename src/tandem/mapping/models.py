"""The registry of perpetrator programmes (what exists, where, on what basis, and whether it
actually functions) and the survey rounds that map them. Organisational facts only: no row
here is about a person. The registry is public but for what a provider keeps out of view
(``mapping.queries`` decides); survey rounds and their answers are not public until an answer
is published, and are reached through the policy of ``tandem.core`` (``ScopedModel``)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from tandem.core.models import Organisation
from tandem.core.policy import Grant, ScopedModel, organisations_with
from tandem.core.roles import Action, Capacity
from tandem.geo.models import Country, Region

# The organisation running a round sees and manages everything in it.
_RUNS_ROUND = Grant(Capacity.RUN_SURVEYS, "round__owner_id", frozenset({Action.VIEW, Action.CHANGE, Action.EXPORT}))


class LegalBasis(models.TextChoices):
    COURT_MANDATED = "court_mandated", _("Court-mandated")
    PROBATION = "probation", _("Probation")
    SOCIAL_SERVICES = "social_services", _("Social services")
    VOLUNTARY = "voluntary", _("Voluntary")


class ReferralRoute(models.TextChoices):
    COURT = "court", _("Court")
    PROSECUTOR = "prosecutor", _("Prosecutor")
    PROBATION = "probation", _("Probation service")
    SOCIAL_WORK_CENTRE = "social_work_centre", _("Centre for social work")
    POLICE = "police", _("Police")
    HEALTH = "health", _("Health service")
    SELF = "self", _("Self-referral")


class TargetGroup(models.TextChoices):
    MEN_PARTNER_VIOLENCE = "men_partner_violence", _("Men who use violence against a partner")
    YOUNG_MEN = "young_men", _("Young men")
    FATHERS = "fathers", _("Fathers")
    SEXUAL_OFFENDERS = "sexual_offenders", _("Sex offenders")


class Format(models.TextChoices):
    GROUP = "group", _("Group")
    INDIVIDUAL = "individual", _("Individual")
    BOTH = "both", _("Group and individual")


class Cost(models.TextChoices):
    FREE = "free", _("Free of charge")
    FEE = "fee", _("Fee")
    SLIDING = "sliding", _("Fee depending on income")


class Funding(models.TextChoices):
    STATE = "state", _("State")
    LOCAL = "local", _("Local government")
    INTERNATIONAL = "international", _("International donors")
    NONE = "none", _("None")


class Status(models.TextChoices):
    FUNCTIONING = "functioning", _("Functioning")
    ON_PAPER = "on_paper", _("On paper only")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class Programme(models.Model):
    provider = models.ForeignKey(
        Organisation, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="programmes"
    )
    # A short stable reference (e.g. "AL-TIR-01") used in survey forms, imports and open data.
    code = models.SlugField(_("reference"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT)
    regions_served = models.ManyToManyField(Region, verbose_name=_("regions served"), related_name="programmes")
    # Multiple choices are kept as lists of the choice values above (validated in ``rules``):
    # the same shape on SQLite and PostgreSQL, and the shape survey answers arrive in.
    legal_bases = models.JSONField(_("legal basis"), default=list, blank=True)
    referral_routes = models.JSONField(_("referral routes"), default=list, blank=True)
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    funding_sources = models.JSONField(_("funding sources"), default=list, blank=True)
    format = models.CharField(_("format"), max_length=16, choices=Format.choices)
    cost = models.CharField(_("cost to the participant"), max_length=16, choices=Cost.choices)
    disability_access = models.BooleanField(_("accessible to people with disabilities"), default=False)
    remote_delivery = models.BooleanField(_("remote delivery offered"), default=False)
    typical_weeks = models.PositiveSmallIntegerField(_("typical length in weeks"), null=True, blank=True)
    typical_sessions = models.PositiveSmallIntegerField(_("typical number of sessions"), null=True, blank=True)
    waiting_weeks = models.PositiveSmallIntegerField(_("typical waiting time in weeks"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    status_confirmed_on = models.DateField(_("status last confirmed on"))
    # Some programmes must not appear in public at all (for example where the location alone
    # would put people at risk); the rest choose per location.
    publish = models.BooleanField(_("show in the public directory"), default=True)

    class Meta:
        ordering = ["country__code", "name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [models.UniqueConstraint(fields=["provider", "name"], name="programme_unique_name")]

    def __str__(self) -> str:
        return self.name

    def legal_basis_labels(self) -> list[str]:
        return _labels(self.legal_bases, LegalBasis)

    def referral_route_labels(self) -> list[str]:
        return _labels(self.referral_routes, ReferralRoute)

    def target_group_labels(self) -> list[str]:
        return _labels(self.target_groups, TargetGroup)

    def funding_labels(self) -> list[str]:
        return _labels(self.funding_sources, Funding)

    def language_names(self) -> list[str]:
        from django.utils.translation import get_language_info

        names = []
        for code in self.languages:
            try:
                names.append(str(get_language_info(code)["name_translated"]))
            except KeyError:
                names.append(code)
        return names


def _labels(values: list[str], choices: type[models.TextChoices]) -> list[str]:
    known = dict(choices.choices)
    return [str(known.get(value, value)) for value in values]


class DeliveryLocation(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="locations")
    town = models.CharField(_("town"), max_length=120)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    publish = models.BooleanField(_("show this location in public"), default=True)

    class Meta:
        ordering = ["town"]
        verbose_name = _("delivery location")
        verbose_name_plural = _("delivery locations")

    def __str__(self) -> str:
        return self.town


# --- Survey rounds --------------------------------------------------------------------------


class Questionnaire(models.Model):
    """One version of a survey questionnaire. The questions, their choice lists and their
    labels in every language are data (``definition``), shipped as JSON files in
    ``mapping/questionnaires/`` and loaded by a migration. A version is never edited once a
    round uses it: a change is a new version."""

    key = models.SlugField(_("key"), max_length=64)
    version = models.PositiveSmallIntegerField(_("version"))
    definition = models.JSONField(_("definition"))
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)

    class Meta:
        ordering = ["key", "-version"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [models.UniqueConstraint(fields=["key", "version"], name="questionnaire_unique_version")]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"


class SurveyRound(ScopedModel):
    """A mapping survey, e.g. "Western Balkans 2027": one questionnaire, a set of countries,
    an opening and closing date, and per-country reviewers. The owner (a network or a
    government body) runs it: its analysts and administrators manage the round. Its reviewers
    see it, and so do the providers with a programme in one of its countries."""

    grants = (Grant(Capacity.RUN_SURVEYS, "owner_id", frozenset({Action.VIEW, Action.CHANGE, Action.EXPORT})),)

    name = models.CharField(_("name"), max_length=120, unique=True)
    owner = models.ForeignKey(
        Organisation, verbose_name=_("run by"), on_delete=models.PROTECT, related_name="survey_rounds"
    )
    questionnaire = models.ForeignKey(Questionnaire, verbose_name=_("questionnaire"), on_delete=models.PROTECT)
    countries = models.ManyToManyField(Country, verbose_name=_("countries"), related_name="survey_rounds")
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "name"]
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="round_closes_after_opening"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def relation_scope(cls, user: Any, action: Action) -> Q | None:
        if action != Action.VIEW:
            return None
        reviews = Exists(RoundReviewer._base_manager.filter(round=OuterRef("pk"), user_id=user.pk))
        authors = organisations_with(user, Capacity.ANSWER_SURVEYS)
        if not authors:
            return Q(reviews)
        answers_here = Exists(
            SurveyRound.countries.through._base_manager.filter(
                surveyround_id=OuterRef("pk"), country__programme__provider_id__in=authors
            )
        )
        return Q(reviews) | Q(answers_here)


class RoundReviewer(ScopedModel):
    """A person who reviews the answers of one country in one round. The organisation running
    the round sees its reviewers; a reviewer sees her own assignments."""

    grants = (_RUNS_ROUND,)

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="reviewers")
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT)
    user = models.ForeignKey("core.User", verbose_name=_("reviewer"), on_delete=models.CASCADE)

    class Meta:
        ordering = ["country__code", "user__username"]
        verbose_name = _("reviewer")
        verbose_name_plural = _("reviewers")
        constraints = [models.UniqueConstraint(fields=["round", "country", "user"], name="reviewer_unique_assignment")]

    def __str__(self) -> str:
        return f"{self.user} ({self.country.code})"

    @classmethod
    def relation_scope(cls, user: Any, action: Action) -> Q | None:
        return Q(user_id=user.pk) if action == Action.VIEW else None


class AnswerStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned with comments")
    ACCEPTED = "accepted", _("Accepted")
    PUBLISHED = "published", _("Published")


class AnswerSource(models.TextChoices):
    WEB = "web", _("Filled in on Tandem")
    IMPORT = "import", _("Imported from a file")


class SurveyAnswer(ScopedModel):
    """A programme's answer to a round. ``values`` maps question names to values in the
    shape the questionnaire defines (a number, a choice, a list of choices, a text); a
    question left blank or answered "n/a" is absent. ``version`` grows with every change so
    that two people editing the same answer cannot overwrite each other unnoticed.

    Before it is published an answer is seen by its provider's coordinators and
    administrators (its authors), by the reviewers of its country in the round and by the
    organisation running the round; once published, by every reviewer of the round too."""

    grants = (
        _RUNS_ROUND,
        Grant(Capacity.ANSWER_SURVEYS, "programme__provider_id", frozenset({Action.VIEW, Action.CHANGE})),
    )

    round = models.ForeignKey(SurveyRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="answers")
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="survey_answers"
    )
    status = models.CharField(_("status"), max_length=16, choices=AnswerStatus.choices, default=AnswerStatus.DRAFT)
    values = models.JSONField(_("answers"), default=dict, blank=True)
    review_comment = models.TextField(_("reviewer's comments"), blank=True)
    source = models.CharField(_("source"), max_length=16, choices=AnswerSource.choices, default=AnswerSource.WEB)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    # The reviewer who last accepted or returned it (with ``review_comment`` and ``reviewed_at``).
    reviewed_by = models.ForeignKey(
        "core.User",
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["round", "programme__country__code", "programme__name"]
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [models.UniqueConstraint(fields=["round", "programme"], name="answer_unique_per_round")]
        indexes = [models.Index(fields=["round", "status"], name="answer_round_status")]

    def __str__(self) -> str:
        return f"{self.programme} — {self.round}"

    @classmethod
    def relation_scope(cls, user: Any, action: Action) -> Q | None:
        reviewers = RoundReviewer._base_manager.filter(round=OuterRef("round"), user_id=user.pk)
        of_its_country = Q(Exists(reviewers.filter(country=OuterRef("programme__country"))))
        if action == Action.CHANGE:
            return of_its_country
        if action == Action.VIEW:
            return of_its_country | Q(Exists(reviewers), status=AnswerStatus.PUBLISHED)
        return None


class ImportBatch(ScopedModel):
    """One imported file. The same file imported into the same round again changes nothing."""

    grants = (_RUNS_ROUND,)

    round = models.ForeignKey(SurveyRound, on_delete=models.PROTECT, related_name="imports")
    sha256 = models.CharField(max_length=64)
    filename = models.CharField(_("file"), max_length=255)
    rows = models.PositiveIntegerField(_("rows"))
    imported_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        constraints = [models.UniqueConstraint(fields=["round", "sha256"], name="import_unique_file")]

    def __str__(self) -> str:
        return self.filename


class ImportJob(ScopedModel):
    """A file uploaded for import on the web, worked through by the background worker so that
    the page can show its progress. The file is kept only until the job ends."""

    grants = (_RUNS_ROUND,)

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Not imported")

    round = models.ForeignKey(SurveyRound, on_delete=models.PROTECT, related_name="import_jobs")
    uploaded_by = models.ForeignKey("core.User", null=True, on_delete=models.SET_NULL)
    filename = models.CharField(_("file"), max_length=255)
    content = models.BinaryField(_("content"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows checked"), default=0)
    # How often a worker started on it (more than once when a worker was stopped mid-way).
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The first problems found (``rules.import_checks.MAX_PROBLEMS``): [{"row", "column", "message", "allowed"}];
    # the summary counts them all.
    problems = models.JSONField(_("problems"), default=list, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return self.filename

    @property
    def percent(self) -> int:
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0
