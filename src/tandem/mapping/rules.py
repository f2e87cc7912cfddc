"""Pure rules of the registry."""

from __future__ import annotations

from collections.abc import Iterable

from tandem.mapping.models import Funding, LegalBasis, ReferralRoute, Status, TargetGroup

# The list fields of a programme and the values each may hold.
LIST_CHOICES: dict[str, type[object]] = {
    "legal_bases": LegalBasis,
    "referral_routes": ReferralRoute,
    "target_groups": TargetGroup,
    "funding_sources": Funding,
}


def unknown_values(values: Iterable[str], allowed: Iterable[str]) -> list[str]:
    """The values that are not among the allowed ones, in the order given."""
    permitted = set(allowed)
    return [value for value in values if value not in permitted]


def is_public(*, status: str, publish: bool) -> bool:
    """The public directory lists programmes that function and may be published."""
    return publish and status == Status.FUNCTIONING
