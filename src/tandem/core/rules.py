"""Pure rules about roles and memberships (no database access)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from tandem.core.roles import PROGRAMME_FACING, ROLES_BY_KIND, SURVIVOR_REACHING, OrganisationKind, Role


def role_problem(*, kind: OrganisationKind, role: Role, roles_elsewhere: Iterable[Role]) -> str | None:
    """Why ``role`` cannot be given in an organisation of ``kind`` to someone who holds
    ``roles_elsewhere`` in other organisations; None when it can."""
    if role not in ROLES_BY_KIND[kind]:
        return _("An organisation of this kind (%(kind)s) cannot give this role: %(role)s.") % {
            "kind": kind.label,
            "role": role.label,
        }
    for other in roles_elsewhere:
        if (role in PROGRAMME_FACING and other in SURVIVOR_REACHING) or (
            role in SURVIVOR_REACHING and other in PROGRAMME_FACING
        ):
            return _(
                "This person has a role in another organisation that does not go with this one: %(other)s. "
                "To keep survivors' information away from the work with perpetrators, nobody may hold both "
                "kinds of role."
            ) % {"other": other.label}
    return None
