"""Django's words on the password form of the account page, as Django's own source spells them
(``django.contrib.auth.password_validation`` and ``django.contrib.auth.forms``).

Django ships no catalogue for Montenegrin (cnr), and its Macedonian, Bosnian and Croatian
catalogues lack some of these, so the form would explain the password rules in English.
Marking the same words here puts them in Tandem's catalogue, which Django consults before its
own, and every language gets them translated. Nothing imports this module: it is read only
when the catalogues are made, and a test checks that the words still match Django's.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop, ngettext_lazy

# The rules listed under the new password (one per validator in AUTH_PASSWORD_VALIDATORS).
HELP_TEXTS = (
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop("Enter the same password as before, for verification."),
)
MINIMUM_LENGTH_HELP_TEXT = ngettext_lazy(
    "Your password must contain at least %(min_length)d character.",
    "Your password must contain at least %(min_length)d characters.",
)

# What the form says when a password is refused.
ERRORS = (
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("This password is too common."),
    gettext_noop("This password is entirely numeric."),
    gettext_noop("The two password fields didn’t match."),
    gettext_noop("Your old password was entered incorrectly. Please enter it again."),
)
TOO_SHORT_ERROR = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
)

LABELS = (
    gettext_noop("Old password"),
    gettext_noop("New password"),
    gettext_noop("New password confirmation"),
)
