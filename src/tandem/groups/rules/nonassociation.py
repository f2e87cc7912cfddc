"""Non-associations: men who must not be placed in the same group.

Co-defendants can collude or intimidate each other; relatives bring the family into the room;
two men whose partners are related can carry what is said in the group back to the women, and
put one of them at risk. A non-association is recorded on one man's case and binds both men, so
it is found whichever of the two cases holds it.

A refusal must say why without handing the other man's identity to someone who may not see his
case: a worker allocating a man to a group may not be allowed to read every case of the
programme, and "he cannot join because of Marko P., his co-defendant" tells her what his
file would not. Such a reader learns only that a recorded non-association prevents the
allocation and that the coordinator can explain.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _, pgettext_lazy


class NonAssociationKind(models.TextChoices):
    CO_DEFENDANTS = "co_defendants", pgettext_lazy("non-association", "Co-defendants")
    RELATIVES = "relatives", pgettext_lazy("non-association", "Relatives")
    PARTNERS_RELATED = "partners_related", pgettext_lazy("non-association", "Their partners are related")
    OTHER = "other", pgettext_lazy("non-association", "Other recorded reason")


_KIND_ORDER = {kind: position for position, kind in enumerate(NonAssociationKind)}


@dataclass(frozen=True)
class NonAssociation:
    """Recorded on ``case_id``'s case, about the man of ``other_case_id``."""

    case_id: int
    other_case_id: int
    kind: NonAssociationKind

    def __post_init__(self) -> None:
        if self.case_id == self.other_case_id:
            raise ValueError("a non-association is between two different cases")

    def partner_of(self, case_id: int) -> int | None:
        """The other case of the pair when ``case_id`` is one of its two cases."""
        if case_id == self.case_id:
            return self.other_case_id
        if case_id == self.other_case_id:
            return self.case_id
        return None


@dataclass(frozen=True)
class Conflict:
    """Placing ``case_id``'s man in the group would put him with ``other_case_id``'s man."""

    case_id: int
    other_case_id: int
    kind: NonAssociationKind


@dataclass(frozen=True)
class OtherCase:
    """What a reader allowed to see the other man's case is told about him."""

    name: str
    reference: str


def conflicts(
    candidate_case_id: int,
    group_member_case_ids: Iterable[int],
    non_associations: Iterable[NonAssociation],
) -> list[Conflict]:
    """Every non-association between the candidate and a man already in the group.

    One conflict per other man and kind, however many times it was recorded (on both cases, or
    twice on one), ordered by case and kind so that messages come out the same every time.
    """
    members = set(group_member_case_ids) - {candidate_case_id}
    found: set[tuple[int, NonAssociationKind]] = set()
    for record in non_associations:
        other = record.partner_of(candidate_case_id)
        if other is not None and other in members:
            found.add((other, NonAssociationKind(record.kind)))
    return [
        Conflict(case_id=candidate_case_id, other_case_id=other, kind=kind)
        for other, kind in sorted(found, key=lambda pair: (pair[0], _KIND_ORDER[pair[1]]))
    ]


def _named(conflict: Conflict, other: OtherCase) -> str:
    values = {"name": other.name, "reference": other.reference}
    if conflict.kind == NonAssociationKind.CO_DEFENDANTS:
        return (
            _("%(name)s (case %(reference)s) is in this group and is this man's co-defendant. Choose another group.")
            % values
        )
    if conflict.kind == NonAssociationKind.RELATIVES:
        return (
            _("%(name)s (case %(reference)s) is in this group and is related to this man. Choose another group.")
            % values
        )
    if conflict.kind == NonAssociationKind.PARTNERS_RELATED:
        return (
            _(
                "%(name)s (case %(reference)s) is in this group, and his partner is related to this man's partner. "
                "Choose another group."
            )
            % values
        )
    return (
        _(
            "%(name)s (case %(reference)s) is in this group, and a non-association with this man is recorded. "
            "Choose another group."
        )
        % values
    )


def refusal_messages(
    found: Sequence[Conflict],
    *,
    visible: Mapping[int, OtherCase],
    coordinator: str = "",
) -> tuple[str, ...]:
    """Why the allocation is refused, told to one reader: one message for each conflict with a
    man whose case she may see, and one for all the others together.

    ``visible`` holds the other cases this reader may see (built by the caller from the cases
    visible to her); a conflict with any other case is told without the man's name, case number
    or the kind of non-association, since the kind alone (a relative, a co-defendant) can point
    to him. However many such conflicts there are, she reads one message, so that their number
    does not tell her anything either. ``coordinator`` names whom to ask, when known.
    """
    named = [
        _named(conflict, visible[conflict.other_case_id]) for conflict in found if conflict.other_case_id in visible
    ]
    if all(conflict.other_case_id in visible for conflict in found):
        return tuple(named)
    if coordinator:
        hidden = _(
            "A recorded non-association with a man in this group prevents this allocation. "
            "Ask %(coordinator)s, the programme coordinator, for details, or choose another group."
        ) % {"coordinator": coordinator}
    else:
        hidden = _(
            "A recorded non-association with a man in this group prevents this allocation. "
            "Ask the programme coordinator for details, or choose another group."
        )
    return (*named, hidden)
