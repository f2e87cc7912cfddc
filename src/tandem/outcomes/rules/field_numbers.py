"""The number of a time point as staff copy it onto a questionnaire in the field: the point's own
number followed by a check digit (Damm's algorithm, which catches every single mistyped digit and
every swap of two neighbouring digits). A number copied wrong then names no time point at all,
instead of another man's or another partner's: her answers must never land on someone else's
record because of a slip of the pen."""

from __future__ import annotations

from stdnum import damm


def field_number(point_id: int) -> str:
    """The number printed beside a time point and asked for on its field form."""
    digits = str(point_id)
    return digits + str(damm.calc_check_digit(digits))


# The largest number a time point can have (the database's 64-bit keys): a longer one names none,
# and is never sent to the database, which could not hold it.
LARGEST_POINT = 2**63 - 1


def point_of(number: int) -> int | None:
    """The time point a field number names, or None when its check digit does not fit."""
    if not 10 <= number <= LARGEST_POINT * 10 + 9:
        return None
    digits = str(number)
    if not damm.is_valid(digits) or int(digits[:-1]) > LARGEST_POINT:
        return None
    return int(digits[:-1])
