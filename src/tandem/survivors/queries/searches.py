"""Whether a search made on the man's side names a partner recorded on the survivor side: the one
read of her records made by a rule and not by a person, for ``survivors.alerts``."""

from __future__ import annotations

from tandem.cases.rules.matching import Search
from tandem.survivors.models import Partner

# The most partners' records one search is compared with: one query, and at most this many names
# and addresses decrypted and compared. At the bound that is about a second on one core (5,000
# measured at 1.3 s, decryption half of it); a programme of the region's size, which records a
# few hundred partners a year, takes tens of milliseconds. Beyond it the records changed longest
# ago go unchecked: the search itself is never slowed further or refused.
SEARCH_BOUND = 5_000


def organisations_naming(organisation_ids: list[int], search: Search) -> set[int]:
    """The organisations among ``organisation_ids`` whose survivor side records a partner that a
    search made on the man's side names: every word typed is a whole word of her name (a slip
    allowed, in any script), or a whole word of her address.

    Whoever searched may not see these records, so no policy lets them in: they are read here
    without one, and nothing of her leaves this function but the id of an organisation the
    caller named. The read is not on the audit log as an opening of her record; the alert it
    may lead to is."""
    if not organisation_ids or not (search.words or search.text):
        return set()
    rows = (
        Partner._base_manager.filter(organisation_id__in=organisation_ids)
        .order_by("-updated_at", "-pk")
        .values_list("organisation_id", "name", "address")[:SEARCH_BOUND]
    )
    asked, named = set(organisation_ids), set[int]()
    # Read in chunks, each decrypted as it comes: once every organisation asked about is named,
    # the rest is neither decrypted nor compared.
    for organisation_id, name, address in rows.iterator(chunk_size=500):
        if organisation_id in named:
            continue
        if search.finds_name(name, beginnings=False) or search.finds_in_address(address):
            named.add(organisation_id)
            if named == asked:
                break
    return named
