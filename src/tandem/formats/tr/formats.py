"""Turkish: Django's module pads the day with a zero ("03 Aralık 2026"); Turkish writes it as
it is said, "3 Aralık 2026". The month keeps its capital, as Turkish spells it."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y H:i"
FIRST_DAY_OF_WEEK = 1
