"""Filters on what the server writes to its log.

A partner's questionnaire link (``/q/<token>/``) is a key to her page until it is used or expires:
a path holding it must never reach a log file, where anyone who reads the server's logs could
open her questionnaire or learn that she was sent one."""

from __future__ import annotations

import logging
import re

LINK_PATH = re.compile(r"/q/[^/\s\"'?#]+")
HIDDEN = "/q/…"


def _hidden(value: object) -> object:
    return LINK_PATH.sub(HIDDEN, value) if isinstance(value, str) else value


class HideLinkTokens(logging.Filter):
    """Replaces the token of any questionnaire link in a record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _hidden(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_hidden(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _hidden(value) for key, value in record.args.items()}
        return True
