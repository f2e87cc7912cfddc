"""English as written in Europe: day before month, a 24-hour clock, Monday first.

Short dates spell the month ("1 Sep 2026"): in an all-digit date with slashes, readers used
to American software and readers used to British usage see different days. Typed dates
are accepted only in forms that cannot be read both ways, for the same reason.
"""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
FIRST_DAY_OF_WEEK = 1

# The first format is the one date widgets show; ISO cannot be misread.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2026-09-01'
    "%d.%m.%Y",  # '01.09.2026'
    "%d %b %Y",  # '1 Sep 2026'
    "%d %b, %Y",  # '1 Sep, 2026'
    "%d %B %Y",  # '1 September 2026'
    "%d %B, %Y",  # '1 September, 2026'
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",  # '2026-09-01 14:05:59'
    "%Y-%m-%d %H:%M:%S.%f",  # '2026-09-01 14:05:59.000200'
    "%Y-%m-%d %H:%M",  # '2026-09-01 14:05'
    "%d.%m.%Y %H:%M:%S",  # '01.09.2026 14:05:59'
    "%d.%m.%Y %H:%M",  # '01.09.2026 14:05'
    "%d %b %Y %H:%M",  # '1 Sep 2026 14:05'
    "%d %B %Y %H:%M",  # '1 September 2026 14:05'
]
