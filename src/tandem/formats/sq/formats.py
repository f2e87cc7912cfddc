"""Albanian: Django gives a 12-hour clock ("2.05.PM"), no date-and-time formats (so the
American defaults show through), a zero-padded day in the long date ("01 Shtator 2026") and a
thousands separator without a grouping size (so numbers are never grouped).

Albanian writes the day as it is said and the month in lower case: "1 shtator 2026". The
lower-case names come from Tandem's catalogue (``tandem.core.month_names``), not from here."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1

DATE_INPUT_FORMATS = [
    "%d.%m.%Y",  # '01.09.2026'
    "%d.%m.%y",  # '01.09.26'
    "%Y-%m-%d",  # '2026-09-01'
]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H:%M:%S",  # '01.09.2026 14:05:59'
    "%d.%m.%Y %H:%M:%S.%f",  # '01.09.2026 14:05:59.000200'
    "%d.%m.%Y %H:%M",  # '01.09.2026 14:05'
    "%d.%m.%y %H:%M",  # '01.09.26 14:05'
]

NUMBER_GROUPING = 3
