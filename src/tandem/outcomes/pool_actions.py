"""The pooled outcome dataset's business events: a provider's data-sharing agreement recorded
and ended, and a contribution of its pseudonymised outcome records to the pool. Each takes
``acting_user`` (None for the system, on a schedule) and is audited."""

from __future__ import annotations

import secrets
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tandem.core import audit, clock
from tandem.core.audit import AuditContext
from tandem.core.models import Organisation, User
from tandem.core.policy import has_role
from tandem.core.roles import OrganisationKind
from tandem.core.versions import save_if_unchanged
from tandem.outcomes import pool
from tandem.outcomes.actions import OutcomeRefused
from tandem.outcomes.pool_models import Contribution, SharingAgreement
from tandem.outcomes.queries import pool as queries
from tandem.outcomes.rules import pooling

MAX_REFERENCE = 100
MAX_SCOPE = 2_000


def _provider(organisation: Organisation) -> None:
    if organisation.kind != OrganisationKind.PROGRAMME_PROVIDER:
        raise OutcomeRefused(_("Only a programme provider pools its outcome data."), rule="allowed")


def _administers(user: User, organisation: Organisation) -> None:
    _provider(organisation)
    if not has_role(user, organisation.pk, *queries.AGREEMENT_ROLES):
        raise OutcomeRefused(
            _("Only the organisation's administrators record and end its data-sharing agreements."), rule="allowed"
        )


def record_agreement(
    *,
    organisation: Organisation,
    reference: str,
    signed_on: date,
    starts_on: date,
    ends_on: date | None,
    scope: str,
    acting_user: User,
    context: AuditContext | None = None,
) -> SharingAgreement:
    """A provider's signed agreement to pool its outcome data, as its administrator records it:
    the provider contributes only while an agreement is in force."""
    _administers(acting_user, organisation)
    reference, scope = reference.strip(), scope.strip()
    errors: dict[str, str] = {}
    if not reference:
        errors["reference"] = _("Give the agreement's reference, as written on it.")
    elif len(reference) > MAX_REFERENCE:
        errors["reference"] = _("Keep the reference under %(count)s characters.") % {"count": MAX_REFERENCE}
    if not scope:
        errors["scope"] = _("Say what the agreement allows the pooled data to be used for.")
    elif len(scope) > MAX_SCOPE:
        errors["scope"] = _("Keep the purpose and scope under %(count)s characters.") % {"count": MAX_SCOPE}
    if signed_on > clock.today():
        errors["signed_on"] = _(
            "An agreement is recorded once it is signed: the day of signing cannot be in the future."
        )
    if starts_on < signed_on:
        errors["starts_on"] = _("An agreement comes into force on the day it is signed or later.")
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("The agreement cannot end before it comes into force.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        agreement = SharingAgreement.objects.create(
            organisation=organisation,
            reference=reference,
            signed_on=signed_on,
            starts_on=starts_on,
            ends_on=ends_on,
            scope=scope,
            recorded_by=acting_user,
            recorded_at=clock.now(),
        )
        audit.record(
            "outcomes.agreement_recorded",
            actor=acting_user,
            obj=agreement,
            organisation=organisation,
            context=context,
            detail={
                "reference": reference,
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat() if ends_on else None,
            },
        )
    return agreement


def end_agreement(
    *,
    agreement: SharingAgreement,
    expected_version: int,
    acting_user: User,
    context: AuditContext | None = None,
) -> SharingAgreement:
    """The provider ends its agreement: it contributes no more, and its data leaves the pool
    (the benchmarks and the pooled dataset no longer read it; the log still lists it)."""
    _administers(acting_user, agreement.organisation)
    if agreement.ended_at is not None:
        raise OutcomeRefused(_("This agreement has ended already."), rule="closed")
    with transaction.atomic():
        if not save_if_unchanged(agreement, expected_version, ended_at=clock.now()):
            raise OutcomeRefused(_("Someone else changed this agreement meanwhile. Open it again."), rule="version")
        audit.record(
            "outcomes.agreement_ended",
            actor=acting_user,
            obj=agreement,
            organisation=agreement.organisation_id,
            context=context,
            detail={"reference": agreement.reference},
        )
    return agreement


def contribute(
    *,
    organisation: Organisation,
    acting_user: User | None,
    context: AuditContext | None = None,
) -> Contribution:
    """The provider's outcome records, pseudonymised and minimised (``rules/pooling.py``),
    written to the pool as one Parquet file under the agreement in force, and logged with their
    counts and the file's SHA-256. It supersedes the provider's earlier contributions in the
    pool. Its administrators or coordinators contribute, or the system on a schedule (None).

    All or nothing: the file is written under a temporary name and renamed as the last step of
    the transaction that logs it; on any failure neither the file nor the log row remains."""
    _provider(organisation)
    if acting_user is not None and not has_role(acting_user, organisation.pk, *queries.CONTRIBUTOR_ROLES):
        raise OutcomeRefused(
            _("Only the organisation's administrators and coordinators contribute its outcome data."), rule="allowed"
        )
    today = clock.today()
    agreement = queries.agreement_in_force(organisation, today)
    if agreement is None:
        raise OutcomeRefused(
            _(
                "No data-sharing agreement of %(organisation)s is in force today: record the signed agreement "
                "before contributing outcome data."
            )
            % {"organisation": organisation.name},
            rule="agreement",
        )
    sources = queries.pool_sources(organisation)
    key = pool.pool_key()
    made_at = clock.now()
    folder = pool.pool_dir()
    folder.mkdir(parents=True, exist_ok=True)
    # The name says nothing of the provider: the log links the file to it.
    name = f"contribution-{made_at:%Y%m%dT%H%M%S}-{secrets.token_hex(6)}.parquet"
    staged, final = folder / f".{name}.part", folder / name
    tally = pooling.Tally()
    records = pooling.records(
        key=key,
        programme=sources.programme,
        cases=sources.cases,
        points=sources.points,
        scores=sources.scores,
        today=today,
        salt=secrets.token_bytes(16),
    )
    try:
        pool.write_records(tally.count(records), staged)
        staged.chmod(0o600)  # pseudonymised records of people: for Tandem's own user only
        summary = tally.summary()
        if summary.rows == 0:
            raise OutcomeRefused(
                _(
                    "There is nothing to contribute yet: no outcome questionnaire has been answered, declined "
                    "or missed."
                ),
                rule="empty",
            )
        with transaction.atomic():
            contribution = Contribution.objects.create(
                agreement=agreement,
                organisation=organisation,
                made_at=made_at,
                made_by=acting_user,
                programme=pooling.programme_pseudonym(key, organisation.pk),
                first_month=summary.first_month,
                last_month=summary.last_month,
                men=summary.men,
                partners=summary.partners,
                questionnaires=summary.questionnaires,
                rows=summary.rows,
                file_name=name,
                sha256=pool.sha256_of(staged),
                instruments=list(summary.instruments),
            )
            audit.record(
                "outcomes.pool_contributed",
                actor=acting_user,
                obj=contribution,
                organisation=organisation,
                context=context or (audit.WORKER if acting_user is None else None),
                detail={
                    "agreement": agreement.reference,
                    "file": name,
                    "sha256": contribution.sha256,
                    "men": summary.men,
                    "partners": summary.partners,
                    "questionnaires": summary.questionnaires,
                    "rows": summary.rows,
                },
            )
            staged.replace(final)
    except BaseException:
        staged.unlink(missing_ok=True)
        final.unlink(missing_ok=True)
        raise
    return contribution


def record_pool_export(
    *, kind: str, detail: dict[str, object], acting_user: User | None, context: AuditContext | None = None
) -> None:
    """What leaves Tandem of the pool is on the record: the pooled dataset (``dataset``) or the
    benchmarks (``benchmarks``), and how much of it."""
    audit.record(f"outcomes.pool_{kind}_exported", actor=acting_user, context=context, detail=detail)
