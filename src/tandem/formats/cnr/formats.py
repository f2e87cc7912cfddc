"""Montenegrin: Django has no module for it, so without this one every setting would be
the American default. It follows Serbian written in Latin script, with a zero-padded
short date as on Montenegrin documents ("01.09.2026.")."""

DATE_FORMAT = "j. F Y."
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j. F Y. H:i"
YEAR_MONTH_FORMAT = "F Y."
MONTH_DAY_FORMAT = "j. F"
SHORT_DATE_FORMAT = "d.m.Y."
SHORT_DATETIME_FORMAT = "d.m.Y. H:i"
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

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
