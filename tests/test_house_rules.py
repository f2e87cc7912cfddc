"""House rules that no linter knows: records that are not for everyone are scoped, and read only
through the doors of their app.

Every model of Tandem is named below, either as scoped (it holds personal data or records that
are not public, and is reached through the policy of ``tandem.core``) or as not scoped, with the
reason. A new model fails the first test until someone decides which it is; a scoped model
that loses its policy fails the second.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps
from django.db import models

from tandem.core.crypto import EncryptedTextField
from tandem.core.policy import ScopedModel, declares_a_policy

SRC = Path(__file__).resolve().parents[1] / "src" / "tandem"

# Personal data, or organisational records that are not public: each a ScopedModel whose rows
# are reached through ``visible_to`` and ``scoping.access``.
SCOPED = {
    "core.Membership": "who works where, in which role: seen by the organisation's administrators",
    "core.Invitation": "the name of a person invited: seen by the organisation's administrators",
    "core.WorkItem": "work about people and answers: seen by its owner, team, escalation and coordinators",
    "core.AuthenticatorDevice": "the secret of a person's authenticator app: reached by herself only",
    "cases.Referral": "the referred man and what is known of him: the provider's programme staff, the referring agency",
    "cases.Participant": "the man, recorded once per provider: the provider's programme staff",
    "cases.Case": "his case through the programme: the provider's programme staff",
    "cases.CaseStep": "the moves of his case, with their reasons: the provider's programme staff",
    "cases.Intake": "his intake and suitability assessment: the provider's programme staff",
    "cases.Child": "the children in his case: the provider's programme staff",
    "cases.CaseNote": "notes on his case: the provider's programme staff",
    "cases.CaseDocument": "documents of his case: the provider's programme staff",
    "cases.CaseReport": "reports to the referrer: the programme staff, and the referring agency once sent",
    "risk.RiskAssessment": "the risk he poses, assessed: the provider's programme staff",
    "groups.FacilitatorProfile": "staff data used to plan groups: the provider's programme staff",
    "groups.FacilitatorNote": "supervision notes about a facilitator: the coordinators and herself (queries)",
    "groups.CalendarFeed": "the hash of a facilitator's calendar address: the provider's programme staff",
    "groups.Group": "a group and its venue: the provider's programme staff",
    "groups.GroupFacilitator": "a group's planned team: the provider's programme staff",
    "groups.GroupSession": "when and by whom a group met: the provider's programme staff",
    "groups.SessionFacilitator": "who ran a session: the provider's programme staff",
    "groups.Membership": "which man is in which group: the provider's programme staff",
    "groups.Attendance": "his attendance and what he said: the provider's programme staff",
    "groups.CatchUp": "his catch-up sessions: the provider's programme staff",
    "groups.NonAssociation": "men who must be kept apart: the provider's programme staff",
    "survivors.PartnerContact": "contact with his partner: the survivor compartment only",
    "survivors.SafetySignal": "her safety as her support worker knows it: the survivor compartment only",
    "survivors.Partner": "who she is and how she may be reached: the survivor compartment only",
    "survivors.PartnerLink": "which man's partner she is: the survivor compartment only",
    "survivors.Consent": "her consent per channel and purpose: the survivor compartment only",
    "survivors.ContactEntry": "contact with her and what was said: the survivor compartment only",
    "survivors.InformationSheet": "what a programme tells partners it can and cannot do: her side's workers",
    "survivors.BreakGlass": "a coordinator's access to her record outside the rule: the survivor compartment only",
    "survivors.ServiceShare": "her record shared with a survivor service she chose: the survivor compartment only",
    "survivors.SharedItem": "what her worker shared for risk management: the man's programme staff, her workers",
    "survivors.SafetyPlan": "her safety plan: the survivor compartment only",
    "survivors.SafetyPlanReview": "the reviews of her safety plan: the survivor compartment only",
    "survivors.JointReview": "a joint case review: the provider's staff and the survivor service's workers",
    "survivors.JointReviewItem": "an item of a joint review: the side it names (programme, survivor, both)",
    "survivors.ConferenceReferral": "a risk conference referral: the survivor compartment (coordinators, her workers)",
    "survivors.ConferenceMeeting": "the conference that heard a referral: the survivor compartment",
    "survivors.ConferenceAction": "actions agreed at the conference: the survivor compartment",
    "outcomes.CasePoint": "when his questionnaire is due and whether he answered: the provider's programme staff",
    "outcomes.ManResponse": "his questionnaire answers: the provider's programme staff",
    "outcomes.ManScore": "his sub-scale scores: the provider's programme staff",
    "outcomes.PartnerPoint": "when her questionnaire is due: the survivor compartment only",
    "outcomes.PartnerResponse": "her questionnaire answers: the survivor compartment only",
    "outcomes.PartnerScore": "her sub-scale scores: the survivor compartment only, aggregates of 5 or more elsewhere",
    "outcomes.QuestionnaireLink": "the hash of her single-use questionnaire link: the survivor compartment only",
    "mapping.SurveyRound": "seen by those who run, review or answer it",
    "mapping.RoundReviewer": "who reviews which country: seen by the round's organisers and the reviewer",
    "mapping.SurveyAnswer": "unpublished until published: seen by its authors, reviewers and organisers",
    "mapping.ImportBatch": "who imported which file: seen by the round's organisers",
    "mapping.ImportJob": "an uploaded file of unpublished answers: seen by the round's organisers",
}

# Everything else, and why it needs no scoping.
NOT_SCOPED = {
    "core.User": "accounts: a person reaches her own, administrators reach members through Membership",
    "core.Organisation": "organisations are named in the directory and the registry",
    "core.SiteSettings": "one row of deployment wording, shown on every page",
    "core.AuditEntry": "read only by the platform administrator and 'tandem audit verify'",
    "core.Event": "ids and codes for the worker's handlers; no page shows it",
    "core.EventDelivery": "the worker's own bookkeeping",
    "core.EventFailure": "the worker's own bookkeeping",
    "core.WorkerBeat": "the worker's own bookkeeping",
    "geo.Country": "reference data",
    "geo.Region": "reference data",
    "mapping.Questionnaire": "the published questionnaire",
    "mapping.Programme": "the registry: public, and what a provider keeps out of view is filtered by its queries",
    "mapping.DeliveryLocation": "the registry: public locations are published, private ones filtered by its queries",
    "outcomes.SharingAgreement": "holds no person: a provider's agreement to pool, read by its pool pages' own checks",
    "outcomes.Contribution": "holds no person: counts, months and the file hash of a contribution to the pool",
    "outcomes.ShownFigure": "the outcome report's ledger of figures shown: which case and partner numbers each "
    "aggregate counted, never an answer; read and written only by the report",
}

# Modules that may read scoped models directly: the doors (``queries.py`` or a ``queries``
# package), the policy behind them, and the models, whose relation rules (``relation_scope``)
# are part of that policy.
DOORS = {"queries.py", "scoping.py", "policy.py", "crypto.py", "models.py"}
# Calls that end a chain with a change: actions write, they do not read around the doors.
WRITES = {"create", "bulk_create", "bulk_update", "update", "delete", "get_or_create", "update_or_create"}
MANAGERS = {"objects", "_base_manager", "_default_manager"}


def tandem_models() -> dict[str, type[models.Model]]:
    return {
        f"{model._meta.app_label}.{model.__name__}": model
        for model in apps.get_models()
        if model.__module__.startswith("tandem.")
    }


def test_every_model_of_tandem_is_declared_scoped_or_not_with_a_reason() -> None:
    found = set(tandem_models())
    assert sorted(found - set(SCOPED) - set(NOT_SCOPED)) == []
    assert sorted((set(SCOPED) | set(NOT_SCOPED)) - found) == []
    assert set(SCOPED).isdisjoint(NOT_SCOPED)


def test_every_model_declared_scoped_is_reached_only_through_the_policy() -> None:
    real = tandem_models()
    unscoped = [name for name in SCOPED if not declares_a_policy(real[name])]
    assert unscoped == []


def test_the_check_fails_for_a_model_taken_out_of_scoping() -> None:
    # A model that stops being a ScopedModel, or stays one but declares no way to be
    # reached, is named by the check above.
    from tests.testapp.models import ProgrammeRecord, UndeclaredRecord

    assert declares_a_policy(ProgrammeRecord)
    assert not declares_a_policy(UndeclaredRecord)
    assert not declares_a_policy(apps.get_model("core", "AuditEntry"))


def test_a_model_with_encrypted_fields_or_a_compartment_is_scoped() -> None:
    for name, model in tandem_models().items():
        encrypted = any(isinstance(field, EncryptedTextField) for field in model._meta.get_fields())
        compartment = getattr(model, "compartment", None) is not None and issubclass(model, ScopedModel)
        if encrypted or compartment:
            assert name in SCOPED, name


def scoped_model_names() -> set[str]:
    return {m.__name__ for m in apps.get_models() if issubclass(m, ScopedModel)}


def reads_outside_the_doors(tree: ast.AST, names: set[str]) -> list[int]:
    """Lines that read a scoped model through its manager (``Model.objects.filter(...)``),
    unless the chain ends in a write (``...filter(pk=1).update(...)``, ``objects.create``)."""
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    lines = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and node.attr in MANAGERS):
            continue
        if not (isinstance(node.value, ast.Name) and node.value.id in names):
            continue
        last_method = ""
        current: ast.AST = node
        while True:
            parent = parents.get(current)
            if isinstance(parent, ast.Attribute) and parent.value is current:
                last_method, current = parent.attr, parent
            elif isinstance(parent, ast.Call) and parent.func is current:
                current = parent
            else:
                break
        if last_method not in WRITES:
            lines.append(node.lineno)
    return lines


def test_scoped_models_are_read_only_through_the_doors() -> None:
    names = scoped_model_names()
    assert {"SurvivorRecord", "SurveyAnswer", "WorkItem"} <= names
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.name in DOORS or {"queries", "models", "migrations"} & set(path.parts):
            continue
        for line in reads_outside_the_doors(ast.parse(path.read_text()), names):
            offenders.append(f"{path.relative_to(SRC)}:{line}")
    assert offenders == []


def test_the_rule_catches_a_direct_read() -> None:
    assert reads_outside_the_doors(ast.parse("SurvivorRecord.objects.filter(pk=1)"), {"SurvivorRecord"}) == [1]
    assert reads_outside_the_doors(
        ast.parse("x = SurvivorRecord._base_manager.get(pk=1).name"), {"SurvivorRecord"}
    ) == [1]


def test_the_rule_lets_an_action_write() -> None:
    tree = ast.parse(
        "SurvivorRecord.objects.filter(pk=1, version=2).update(version=3)\nSurvivorRecord.objects.create()"
    )
    assert reads_outside_the_doors(tree, {"SurvivorRecord"}) == []
