"""Croatian: Django's module names the month in the genitive in a date ("3. prosinca 2026.")
but in the nominative after a day without the year ("3. prosinac"); the day of a month is
always in the genitive. Everything else is Django's."""

MONTH_DAY_FORMAT = "j. E"
