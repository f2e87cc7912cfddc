"""The perpetrator-facing view of a case: everything a report to the referrer may say, and
nothing else.

It holds what the programme knows of the man himself: his name and date of birth, how and by
whom he was referred, the state of his case and each step of it with its date, and the reasons
given for an exclusion or a dropout (said of him, to him). It has no field for anything the
survivor side records, for the partner's reference, for case notes or for risk answers, so a
report built from it cannot carry them. A report stores the view as JSON when it is made
(``CaseReport.facts``) and is always rendered from that snapshot.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tandem.cases.models import ReferralRoute
from tandem.cases.rules.lifecycle import TRANSITIONS, State

FORMAT = 1
# The steps whose reason a report gives: why he was excluded, or why he left.
REASONS_SHOWN = frozenset({"exclude", "drop_out"})


@dataclass(frozen=True)
class StepFact:
    event: str  # the lifecycle's move (``rules.lifecycle.TRANSITIONS``)
    to_state: str
    on: date
    reason: str = ""

    @property
    def label(self) -> str:
        transition = TRANSITIONS.get(self.event)
        return str(transition.label) if transition is not None else self.event

    @property
    def state_label(self) -> str:
        return _state_label(self.to_state)


@dataclass(frozen=True)
class PerpetratorView:
    case: int
    provider: str
    participant_name: str
    birth_date: date | None
    route: str  # a ReferralRoute, or "" for a case without a referral
    agency: str  # the referring organisation's name, or "" when staff entered the referral
    referred_on: date | None
    opened_on: date
    state: str
    state_since: date
    steps: tuple[StepFact, ...]
    unacceptable_absences: int
    made_at: datetime

    @property
    def route_label(self) -> str:
        return str(ReferralRoute(self.route).label) if self.route in ReferralRoute.values else ""

    @property
    def state_label(self) -> str:
        return _state_label(self.state)

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "case": self.case,
                "provider": self.provider,
                "participant_name": self.participant_name,
                "birth_date": _day(self.birth_date),
                "route": self.route,
                "agency": self.agency,
                "referred_on": _day(self.referred_on),
                "opened_on": self.opened_on.isoformat(),
                "state": self.state,
                "state_since": self.state_since.isoformat(),
                "steps": [
                    {"event": s.event, "to_state": s.to_state, "on": s.on.isoformat(), "reason": s.reason}
                    for s in self.steps
                ],
                "unacceptable_absences": self.unacceptable_absences,
                "made_at": self.made_at.isoformat(),
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> PerpetratorView:
        data: dict[str, Any] = json.loads(text)
        return cls(
            case=int(data["case"]),
            provider=str(data["provider"]),
            participant_name=str(data["participant_name"]),
            birth_date=_parse_day(data.get("birth_date")),
            route=str(data.get("route") or ""),
            agency=str(data.get("agency") or ""),
            referred_on=_parse_day(data.get("referred_on")),
            opened_on=date.fromisoformat(data["opened_on"]),
            state=str(data["state"]),
            state_since=date.fromisoformat(data["state_since"]),
            steps=tuple(
                StepFact(
                    event=str(step["event"]),
                    to_state=str(step["to_state"]),
                    on=date.fromisoformat(step["on"]),
                    reason=str(step.get("reason") or ""),
                )
                for step in data.get("steps", [])
            ),
            unacceptable_absences=int(data.get("unacceptable_absences", 0)),
            made_at=datetime.fromisoformat(data["made_at"]),
        )


def _state_label(value: str) -> str:
    return str(State(value).label) if value in State.values else value


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None
