"""The questionnaire versions shipped with Tandem, stored after every migrate."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from tandem.mapping.models import (
    Questionnaire,
)
from tandem.mapping.rules.questionnaire import (
    Definition,
    shipped_definitions,
)


def _structure(data: Mapping[str, Any]) -> str:
    """What a questionnaire asks, without its wording: names, types, choices and limits."""
    definition = Definition.from_json(data)
    shape = (
        [(q.name, q.type, q.choices, q.required, q.min, q.max, q.section) for q in definition.questions],
        {name: [c.name for c in items] for name, items in definition.choice_lists.items()},
    )
    return json.dumps(shape, sort_keys=True, default=str)


def load_shipped_questionnaires(*, using: str = "default") -> int:
    """Store the questionnaire versions shipped with Tandem. A version already stored gets the
    shipped wording (translations improve), but never a changed structure: a different
    question is a new version."""
    loaded = 0
    for data in shipped_definitions():
        stored = Questionnaire.objects.using(using).filter(key=data["key"], version=data["version"]).first()
        if stored is None:
            Definition.from_json(data)
            Questionnaire.objects.using(using).create(key=data["key"], version=data["version"], definition=data)
            loaded += 1
        elif stored.definition != data:
            if _structure(stored.definition) != _structure(data):
                raise ValueError(
                    f"questionnaire {data['key']} v{data['version']} changed its questions; ship it as a new version"
                )
            stored.definition = data
            stored.save(update_fields=["definition"])
    return loaded
