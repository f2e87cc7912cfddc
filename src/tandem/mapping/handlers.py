"""What the mapping does when its own events are delivered by the worker."""

from __future__ import annotations

from tandem.core import events
from tandem.core.models import Event
from tandem.mapping.actions.review import open_review_work, open_rework_work
from tandem.mapping.queries.answers import get_answer, get_submitted_answers_without_review
from tandem.mapping.queries.rounds import get_round
from tandem.mapping.work_rules import ANSWER_RETURNED, ANSWER_SUBMITTED, ANSWERS_IMPORTED


@events.subscribe(ANSWER_SUBMITTED)
def ask_reviewers_to_review(event: Event) -> None:
    """A submitted answer becomes work for the reviewers of its country, as long as it is
    still the answer that was submitted (not returned, changed and submitted again since)."""
    answer = get_answer(int(event.subject_id))
    if answer is None or answer.version != event.payload.get("version"):
        return
    open_review_work(answer, event=event)


@events.subscribe(ANSWERS_IMPORTED)
def ask_reviewers_to_review_imported_answers(event: Event) -> None:
    """Every answer an import submitted waits for review, like one submitted on the web."""
    survey_round = get_round(int(event.payload["round"]))
    if survey_round is None:
        return
    for answer in get_submitted_answers_without_review(survey_round):
        open_review_work(answer, event=event)


@events.subscribe(ANSWER_RETURNED)
def ask_authors_to_rework(event: Event) -> None:
    """A returned answer becomes work for the provider's coordinators, as long as it is still
    the answer that was returned (not corrected and submitted again since)."""
    answer = get_answer(int(event.subject_id))
    if answer is None or answer.version != event.payload.get("version"):
        return
    open_rework_work(answer, event=event)
