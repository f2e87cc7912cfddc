"""Bosnian, written as in Serbian and Croatian: Django's module abbreviates the month, adds
the time zone's name to date-and-time, orders the short date year first ("2026 Sep. 1"),
has no short date-and-time (so the American default shows through) and gives a thousands
separator without a grouping size (so numbers are never grouped)."""

DATE_FORMAT = "j. F Y."
DATETIME_FORMAT = "j. F Y. G:i"
SHORT_DATE_FORMAT = "d.m.Y."
SHORT_DATETIME_FORMAT = "d.m.Y. G:i"
FIRST_DAY_OF_WEEK = 1

DATE_INPUT_FORMATS = [
    "%d.%m.%Y.",  # '01.09.2026.'
    "%d.%m.%y.",  # '01.09.26.'
    "%d. %m. %Y.",  # '01. 09. 2026.'
    "%d. %m. %y.",  # '01. 09. 26.'
    "%d.%m.%Y",  # '01.09.2026'
]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y. %H:%M:%S",  # '01.09.2026. 14:05:59'
    "%d.%m.%Y. %H:%M:%S.%f",  # '01.09.2026. 14:05:59.000200'
    "%d.%m.%Y. %H:%M",  # '01.09.2026. 14:05'
    "%d. %m. %Y. %H:%M",  # '01. 09. 2026. 14:05'
    "%d.%m.%Y %H:%M",  # '01.09.2026 14:05'
]

NUMBER_GROUPING = 3
