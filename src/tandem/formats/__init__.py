"""Date, time and number formats where Django's own locale modules do not fit the region.

Django looks here first (``FORMAT_MODULE_PATH``) and falls back to its own module, then to
the global defaults, setting by setting. Those global defaults are American (``m/d/Y``,
a 12-hour clock), so a language whose Django module leaves a setting out gets it here.
"""
