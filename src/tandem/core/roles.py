"""Roles, compartments and what each role may do: the policy as data.

Everything that decides who sees personal data reads these tables, through
``tandem.core.scoping``. A role that is not listed for a compartment sees nothing in it:
the policy fails closed.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FACILITATOR = "facilitator", _("Facilitator")
    SURVIVOR_WORKER = "survivor_worker", _("Survivor-support worker")
    COORDINATOR = "coordinator", _("Coordinator")
    ORG_ADMIN = "org_admin", _("Organisation administrator")
    REFERRER = "referrer", _("Referrer")
    ANALYST = "analyst", _("Network analyst")
    GOV_VIEWER = "gov_viewer", _("Government viewer")
    AUDITOR = "auditor", _("Auditor")


class Compartment(models.TextChoices):
    """The two compartments of personal data. The survivor compartment holds her contact
    details and disclosures; nobody who works with or for him may enter it."""

    PROGRAMME = "programme", _("Programme (the man's case)")
    SURVIVOR = "survivor", _("Survivor (partner contact and support)")


class Action(models.TextChoices):
    VIEW = "view", _("view")
    CHANGE = "change", _("change")
    EXPORT = "export", _("export")


ALL_ACTIONS = frozenset(Action)

# Which compartments' records each role reaches inside its own organisation, and for what.
# Referrers reach only the rows a later rule grants them explicitly (their own referrals);
# analysts, government viewers and auditors never reach a row about a person.
ROLE_ACCESS: dict[Role, dict[Compartment, frozenset[Action]]] = {
    Role.FACILITATOR: {Compartment.PROGRAMME: frozenset({Action.VIEW, Action.CHANGE})},
    Role.SURVIVOR_WORKER: {Compartment.SURVIVOR: frozenset({Action.VIEW, Action.CHANGE})},
    Role.COORDINATOR: {
        Compartment.PROGRAMME: ALL_ACTIONS,
        Compartment.SURVIVOR: ALL_ACTIONS,
    },
    Role.ORG_ADMIN: {},
    Role.REFERRER: {},
    Role.ANALYST: {},
    Role.GOV_VIEWER: {},
    Role.AUDITOR: {},
}

# Roles whose members must sign in with a second factor. That is every role: each reaches
# personal data, grants access to it, inspects sampled files, or (analysts and government
# viewers, as reviewers or organisers of a survey round) reads answers before they are
# published and publishes them.
TWO_FACTOR_ROLES = frozenset(Role)


class OrganisationKind(models.TextChoices):
    PROGRAMME_PROVIDER = "programme_provider", _("Programme provider")
    SURVIVOR_SERVICE = "survivor_service", _("Survivor support service")
    COURT = "court", _("Court")
    PROBATION = "probation", _("Probation service")
    SOCIAL_WORK_CENTRE = "social_work_centre", _("Centre for social work")
    POLICE = "police", _("Police")
    NETWORK = "network", _("Network")
    GOVERNMENT = "government", _("Government body")

    @classmethod
    def referring_agencies(cls) -> frozenset[OrganisationKind]:
        return frozenset({cls.COURT, cls.PROBATION, cls.SOCIAL_WORK_CENTRE, cls.POLICE})


# The roles an organisation of each kind can give. A court has referrers, not facilitators;
# a survivor service has survivor-support workers, not facilitators.
ROLES_BY_KIND: dict[OrganisationKind, frozenset[Role]] = {
    OrganisationKind.PROGRAMME_PROVIDER: frozenset(
        {Role.FACILITATOR, Role.SURVIVOR_WORKER, Role.COORDINATOR, Role.ORG_ADMIN}
    ),
    OrganisationKind.SURVIVOR_SERVICE: frozenset({Role.SURVIVOR_WORKER, Role.COORDINATOR, Role.ORG_ADMIN}),
    OrganisationKind.COURT: frozenset({Role.REFERRER, Role.ORG_ADMIN}),
    OrganisationKind.PROBATION: frozenset({Role.REFERRER, Role.ORG_ADMIN}),
    OrganisationKind.SOCIAL_WORK_CENTRE: frozenset({Role.REFERRER, Role.ORG_ADMIN}),
    OrganisationKind.POLICE: frozenset({Role.REFERRER, Role.ORG_ADMIN}),
    OrganisationKind.NETWORK: frozenset({Role.ANALYST, Role.AUDITOR, Role.ORG_ADMIN}),
    OrganisationKind.GOVERNMENT: frozenset({Role.GOV_VIEWER, Role.AUDITOR, Role.ORG_ADMIN}),
}

# Roles that work with or for the man, and roles that reach the survivor compartment. One
# person may not hold one of each in two different organisations: what she confides in one
# place must not travel, in somebody's head or browser, to the people working with him in
# another. (Within one organisation a coordinator holds both by design.)
PROGRAMME_FACING = frozenset({Role.FACILITATOR, Role.REFERRER, Role.COORDINATOR})
SURVIVOR_REACHING = frozenset({Role.SURVIVOR_WORKER, Role.COORDINATOR})


class Capacity(StrEnum):
    """What a person does for her organisation outside the two compartments of personal data.
    It follows from her role there and from the kind of organisation, as the table below says;
    records that are not about a person but are not public either (a survey answer before it
    is published, a member list) are granted through it."""

    # See and manage the organisation's members and invitations.
    ADMINISTER = "administer"
    # Run the organisation's survey rounds: import answers, review and publish them.
    RUN_SURVEYS = "run_surveys"
    # Fill in and submit the survey answers of the organisation's programmes.
    ANSWER_SURVEYS = "answer_surveys"
    # Be asked to review the answers of a country in a survey round run by someone else.
    REVIEW_SURVEYS = "review_surveys"


CAPACITIES: dict[Capacity, dict[OrganisationKind, frozenset[Role]]] = {
    Capacity.ADMINISTER: {kind: frozenset({Role.ORG_ADMIN}) for kind in OrganisationKind},
    # A survey round is run by a network or a government body.
    Capacity.RUN_SURVEYS: {
        OrganisationKind.NETWORK: frozenset({Role.ANALYST, Role.ORG_ADMIN}),
        OrganisationKind.GOVERNMENT: frozenset({Role.ORG_ADMIN}),
    },
    # Reviewers come from the bodies that oversee programmes, never from a provider.
    Capacity.REVIEW_SURVEYS: {
        OrganisationKind.NETWORK: frozenset({Role.ANALYST, Role.AUDITOR, Role.ORG_ADMIN}),
        OrganisationKind.GOVERNMENT: frozenset({Role.GOV_VIEWER, Role.AUDITOR, Role.ORG_ADMIN}),
    },
    # A provider's coordinators and administrators answer for its programmes; its
    # facilitators and survivor-support workers do not.
    Capacity.ANSWER_SURVEYS: {
        OrganisationKind.PROGRAMME_PROVIDER: frozenset({Role.COORDINATOR, Role.ORG_ADMIN}),
    },
}


def capacity_granted(capacity: Capacity, kind: OrganisationKind, role: Role) -> bool:
    return role in CAPACITIES[capacity].get(kind, frozenset())
