"""Macedonian: Django's module pads the day with a zero in the date ("03 Декември 2026") but
puts a dot after it in the date and time ("3. Декември 2026 11:36"), so one report showed
the same day twice in two ways.

Macedonian writes the day as it is said, with no dot, and the month in lower case:
"3 декември 2026". The lower-case names come from Tandem's catalogue
(``tandem.core.month_names``), not from here."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j.m.Y"
SHORT_DATETIME_FORMAT = "j.m.Y H:i"
FIRST_DAY_OF_WEEK = 1
