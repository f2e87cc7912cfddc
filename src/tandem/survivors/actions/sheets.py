"""The programme's information sheet for partners: a coordinator publishes a new version in a
language; the old ones stay, so that a contact keeps the version she was given."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tandem.core import audit, clock
from tandem.core.audit import AuditContext
from tandem.core.models import Organisation, User
from tandem.core.policy import has_role
from tandem.core.roles import Action, Compartment, Role
from tandem.core.scoping import record_denied
from tandem.survivors import queries
from tandem.survivors.actions import MAX_TEXT, SurvivorSideRefused
from tandem.survivors.models import InformationSheet

SHORTEST = 200  # a sheet says what the programme cannot do, what is shared and whom to call


def publish_sheet(
    *, organisation: Organisation, language: str, text: str, acting_user: User, context: AuditContext | None = None
) -> InformationSheet:
    if not has_role(acting_user, organisation.pk, Role.COORDINATOR):
        record_denied(
            acting_user, InformationSheet, "", Action.CHANGE, context, detail={"organisation": organisation.pk}
        )
        raise SurvivorSideRefused(_("Only the programme's coordinators publish its information sheet."))
    errors: dict[str, str] = {}
    if language not in dict(settings.LANGUAGES):
        errors["language"] = _("Choose one of the languages.")
    text = text.strip()
    if len(text) < SHORTEST:
        errors["text"] = _(
            "Say what the programme cannot do (his attendance does not mean she is safe), what will and will not "
            "be shared with her, and whom to call in an emergency: at least %(count)s characters."
        ) % {"count": SHORTEST}
    elif len(text) > MAX_TEXT:
        errors["text"] = _("At most %(count)s characters.") % {"count": MAX_TEXT}
    if errors:
        raise ValidationError(errors)
    latest = queries.latest_sheet(organisation.pk, language)
    try:
        with transaction.atomic():
            sheet = InformationSheet.objects.create(
                organisation=organisation,
                language=language,
                version=(latest.version if latest else 0) + 1,
                text=text,
                published_by=acting_user,
                published_at=clock.now(),
            )
            audit.record(
                "survivors.sheet.published",
                actor=acting_user,
                obj=sheet,
                organisation=organisation.pk,
                compartment=Compartment.SURVIVOR,
                context=context,
                detail={"language": language, "version": sheet.version},
            )
    except IntegrityError:
        raise SurvivorSideRefused(
            _("Someone published a version meanwhile. Open the sheets again."), rule="version"
        ) from None
    return sheet
