"""Django's words on invalid form fields that its Bosnian catalogue lacks, as Django's own source
spells them (``django.core.validators`` and ``django.forms.fields``).

As with ``password_texts``: marking them here puts them in Tandem's catalogue, which Django
consults before its own, so that a too long text or a tampered hidden field is explained in
every language. Nothing imports this module; a test checks the words still match Django's.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop, ngettext_lazy

TOO_LONG = ngettext_lazy(
    "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
    "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
    "limit_value",
)
INVALID_UUID = gettext_noop("Enter a valid UUID.")
