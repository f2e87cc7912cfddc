"""Curricula as data, and what a man's attendance amounts to against one.

A curriculum is versioned JSON in ``groups/curricula/<key>-<version>.json``::

    {"key", "version", "title": {lang: text}, "description": {lang: text}, "sources": [text],
     "weeks": number of weeks the programme runs,
     "minimum_attendance": {"sessions": n} or {"share": 0.85},
     "rolling_entry_points": [session numbers where a rolling group admits men],
     "modules": [{"key", "title": {lang: text}, "sessions": [
         {"number", "key", "title": {lang: text}, "aims": {lang: text}, "duration": minutes,
          "materials": [{lang: text}], "catch_up": true or false}]}]}

The languages of a curriculum are those of its title, and every other text must give exactly
those: a facilitator running a group in Albanian never meets one session left in English.
Sessions are numbered 1, 2, 3… across the modules in the order they are run, so that attendance
is recorded against the same numbers whichever module a man joined at.

A man completes when he attended (or made up) at least the minimum number of sessions and made
up every session marked ``catch_up``: those carry what cannot be skipped safely, such as the
limits of confidentiality or his plan to stop. A rolling group admits men only at the start of a
module, so each module stands on its own. Completion is an attendance fact, not proof that she
is safer; what it means for her is for her worker to explain.

Everything here is pure: the schedule, the attendance page and the fidelity figures count the
same way.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

from tandem.core.catalogues import CatalogueError, is_number, key_of, read_catalogue, required, text_in, texts

CURRICULA_DIR = Path(__file__).resolve().parent.parent / "curricula"


class CurriculumError(CatalogueError):
    """A curriculum file that does not have the curriculum format; the message names the field."""


@dataclass(frozen=True)
class Session:
    number: int
    key: str
    module: str
    title: Mapping[str, str]
    aims: Mapping[str, str]
    duration: int  # minutes
    materials: tuple[Mapping[str, str], ...]
    catch_up: bool  # must be made up when missed

    def text(self, language: str | None = None) -> str:
        return text_in(self.title, language)

    def aims_text(self, language: str | None = None) -> str:
        return text_in(self.aims, language)

    def materials_text(self, language: str | None = None) -> list[str]:
        return [text_in(material, language) for material in self.materials]


@dataclass(frozen=True)
class Module:
    key: str
    title: Mapping[str, str]
    sessions: tuple[Session, ...]

    def text(self, language: str | None = None) -> str:
        return text_in(self.title, language)

    @property
    def first(self) -> int:
        return self.sessions[0].number


@dataclass(frozen=True)
class Curriculum:
    key: str
    version: int
    title: Mapping[str, str]
    description: Mapping[str, str]
    sources: tuple[str, ...]
    weeks: int
    minimum_sessions: int  # sessions to attend for completion, whichever way the file states it
    minimum_share: float | None  # the share as written, when the file states the rule as one
    rolling_entry_points: tuple[int, ...]
    modules: tuple[Module, ...]

    def text(self, language: str | None = None) -> str:
        return text_in(self.title, language)

    def description_text(self, language: str | None = None) -> str:
        return text_in(self.description, language)

    @property
    def name(self) -> str:
        """The "<key>-<version>" name, as the shipped file is named and a group records it."""
        return f"{self.key}-{self.version}"

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.title)

    @property
    def sessions(self) -> tuple[Session, ...]:
        return tuple(session for module in self.modules for session in module.sessions)

    def session(self, number: int) -> Session | None:
        sessions = self.sessions
        return sessions[number - 1] if 1 <= number <= len(sessions) else None


@dataclass(frozen=True)
class Dosage:
    sessions_attended: int
    sessions_total: int
    modules_covered: int  # modules of which every session was attended or made up
    share: float  # sessions attended of the curriculum, 0 to 1


# --- What attendance amounts to -----------------------------------------------------------------
# ``attended`` holds the numbers of the curriculum's sessions a man attended in his group or made
# up in a catch-up; the caller decides which attendance codes count as attended.


def completes(curriculum: Curriculum, attended: Iterable[int]) -> bool:
    """Whether the attendance meets the curriculum's rule for completion."""
    numbers = _checked(curriculum, attended)
    return len(numbers) >= curriculum.minimum_sessions and not missed_catch_ups(curriculum, numbers)


def missed_catch_ups(curriculum: Curriculum, attended: Iterable[int]) -> list[Session]:
    """The sessions that must be made up and have not been, in the curriculum's order."""
    numbers = _checked(curriculum, attended)
    return [session for session in curriculum.sessions if session.catch_up and session.number not in numbers]


def dosage(curriculum: Curriculum, attended: Iterable[int]) -> Dosage:
    numbers = _checked(curriculum, attended)
    total = len(curriculum.sessions)
    covered = sum(all(session.number in numbers for session in module.sessions) for module in curriculum.modules)
    return Dosage(
        sessions_attended=len(numbers), sessions_total=total, modules_covered=covered, share=len(numbers) / total
    )


def entry_points(curriculum: Curriculum) -> list[int]:
    """The session numbers at which a rolling group admits men, earliest first."""
    return sorted(curriculum.rolling_entry_points)


def _checked(curriculum: Curriculum, attended: Iterable[int]) -> frozenset[int]:
    # A number outside the curriculum is a recording fault; counting it would overstate his dosage.
    numbers = frozenset(attended)
    total = len(curriculum.sessions)
    strays = sorted(number for number in numbers if not (isinstance(number, int) and 1 <= number <= total))
    if strays:
        shown = ", ".join(str(number) for number in strays)
        raise ValueError(f"{curriculum.name} has sessions 1 to {total}, not {shown}")
    return numbers


# --- Reading curricula --------------------------------------------------------------------------


def curriculum_files() -> dict[str, Path]:
    """The shipped curricula by "<key>-<version>"."""
    return {path.stem: path for path in sorted(CURRICULA_DIR.glob("*.json"))}


@cache
def shipped_curriculum(name: str) -> Curriculum:
    """A shipped curriculum by "<key>-<version>", or by key alone for its highest version."""
    files = curriculum_files()
    path = files.get(name)
    if path is None:
        versions = sorted((p for stem, p in files.items() if stem.rsplit("-", 1)[0] == name), key=_version)
        if not versions:
            raise CurriculumError(f"no curriculum {name!r} (shipped: {', '.join(files) or 'none'})")
        path = versions[-1]
    curriculum = parse_curriculum(read_catalogue(path, CurriculumError), origin=path.name)
    # Groups record the curriculum by its file name; a file whose content says otherwise would
    # make a group silently follow another version than the one it names.
    if curriculum.name != path.stem:
        raise CurriculumError(f"{path.name}: holds {curriculum.name}, so the file must be named {curriculum.name}.json")
    return curriculum


def _version(path: Path) -> int:
    suffix = path.stem.rsplit("-", 1)[-1]
    return int(suffix) if suffix.isdigit() else 0


def parse_curriculum(data: Any, *, origin: str = "curriculum") -> Curriculum:
    """Check the shape of a curriculum and build it; CurriculumError names the first problem."""
    try:
        return _parse(data, origin)
    except CurriculumError:
        raise
    except CatalogueError as error:
        raise CurriculumError(str(error)) from None


def _parse(data: Any, origin: str) -> Curriculum:
    fields = (
        "key",
        "version",
        "title",
        "description",
        "sources",
        "weeks",
        "minimum_attendance",
        "rolling_entry_points",
        "modules",
    )
    data = required(data, fields, origin)
    key = key_of(data, origin)
    version = data["version"]
    if not _whole(version) or version < 1:
        raise CurriculumError(f"{origin}: 'version' must be a whole number from 1")
    title = texts(data["title"], f"{origin}: title")
    languages = tuple(title)
    sources = data["sources"]
    if not isinstance(sources, list) or not sources or not all(isinstance(s, str) and s.strip() for s in sources):
        raise CurriculumError(f"{origin}: 'sources' must list the standards and research the curriculum follows")
    modules = _modules(data["modules"], languages, origin)
    total = sum(len(module.sessions) for module in modules)
    weeks = data["weeks"]
    if not _whole(weeks) or weeks < total:
        raise CurriculumError(f"{origin}: 'weeks' must be a whole number of at least {total}, one session a week")
    minimum_sessions, minimum_share = _minimum(data["minimum_attendance"], total, origin)
    return Curriculum(
        key=key,
        version=version,
        title=title,
        description=_texts(data["description"], languages, f"{origin}: description"),
        sources=tuple(sources),
        weeks=weeks,
        minimum_sessions=minimum_sessions,
        minimum_share=minimum_share,
        rolling_entry_points=_entry_points(data["rolling_entry_points"], modules, origin),
        modules=modules,
    )


def _modules(data: Any, languages: tuple[str, ...], origin: str) -> tuple[Module, ...]:
    if not isinstance(data, list) or not data:
        raise CurriculumError(f"{origin}: 'modules' must be a non-empty list")
    modules: list[Module] = []
    module_keys: set[str] = set()
    session_keys: set[str] = set()
    for position, raw in enumerate(data, start=1):
        where = f"{origin}: module {position}"
        module = required(raw, ("key", "title", "sessions"), where)
        key = key_of(module, where)
        where = f"{origin}: module '{key}'"
        if key in module_keys:
            raise CurriculumError(f"{where}: the key is used twice")
        module_keys.add(key)
        title = _texts(module["title"], languages, f"{where}: title")
        if not isinstance(module["sessions"], list) or not module["sessions"]:
            raise CurriculumError(f"{where}: 'sessions' must be a non-empty list")
        sessions: list[Session] = []
        for raw_session in module["sessions"]:
            # Numbering runs on across modules: the next number follows every session so far.
            expected = sum(len(m.sessions) for m in modules) + len(sessions) + 1
            sessions.append(
                _session(
                    raw_session, module=key, expected=expected, languages=languages, seen=session_keys, where=where
                )
            )
        modules.append(Module(key, title, tuple(sessions)))
    return tuple(modules)


def _session(
    data: Any, *, module: str, expected: int, languages: tuple[str, ...], seen: set[str], where: str
) -> Session:
    fields = ("number", "key", "title", "aims", "duration", "materials", "catch_up")
    session = required(data, fields, f"{where}: session {expected}")
    key = key_of(session, f"{where}: session {expected}")
    where = f"{where}: session '{key}'"
    if key in seen:
        raise CurriculumError(f"{where}: the key is used twice")
    seen.add(key)
    if not _whole(session["number"]) or session["number"] != expected:
        raise CurriculumError(
            f"{where}: 'number' must be {expected} (sessions are numbered 1, 2, 3… in order across the modules)"
        )
    duration = session["duration"]
    if not _whole(duration) or duration < 1:
        raise CurriculumError(f"{where}: 'duration' must be a positive whole number of minutes")
    if not isinstance(session["materials"], list):
        raise CurriculumError(f"{where}: 'materials' must be a list of texts by language (it may be empty)")
    if not isinstance(session["catch_up"], bool):
        raise CurriculumError(f"{where}: 'catch_up' must be true or false")
    return Session(
        number=expected,
        key=key,
        module=module,
        title=_texts(session["title"], languages, f"{where}: title"),
        aims=_texts(session["aims"], languages, f"{where}: aims"),
        duration=duration,
        materials=tuple(_texts(m, languages, f"{where}: materials") for m in session["materials"]),
        catch_up=session["catch_up"],
    )


def _texts(data: Any, languages: tuple[str, ...], where: str) -> dict[str, str]:
    """Wording in exactly the curriculum's languages, those of its title."""
    wording = texts(data, where)
    missing = [language for language in languages if language not in wording]
    if missing:
        raise CurriculumError(f"{where}: no text in {', '.join(missing)} (the title has {', '.join(languages)})")
    extra = [language for language in wording if language not in languages]
    if extra:
        raise CurriculumError(f"{where}: {', '.join(extra)} is not a language of the title ({', '.join(languages)})")
    return wording


def _minimum(data: Any, total: int, origin: str) -> tuple[int, float | None]:
    where = f"{origin}: minimum_attendance"
    if not isinstance(data, dict) or len(data) != 1 or not {"sessions", "share"} >= set(data):
        raise CurriculumError(f"{where}: give either {{'sessions': n}} or {{'share': 0.85}}")
    if "sessions" in data:
        sessions = data["sessions"]
        if not _whole(sessions) or not 1 <= sessions <= total:
            raise CurriculumError(
                f"{where}: 'sessions' must be a whole number from 1 to {total}, the sessions there are"
            )
        return sessions, None
    share = data["share"]
    if not is_number(share) or not 0 < share <= 1:
        raise CurriculumError(f"{where}: 'share' must be a number above 0 and at most 1")
    # Exact arithmetic: 0.7 of 30 sessions is 21, where floating point would round it up to 22.
    return math.ceil(Fraction(str(share)) * total), float(share)


def _entry_points(data: Any, modules: tuple[Module, ...], origin: str) -> tuple[int, ...]:
    where = f"{origin}: rolling_entry_points"
    if not isinstance(data, list) or not data or not all(_whole(number) for number in data):
        raise CurriculumError(f"{where}: must list session numbers where a module starts")
    boundaries = [module.first for module in modules]
    for number in data:
        if number not in boundaries:
            shown = ", ".join(str(boundary) for boundary in boundaries)
            raise CurriculumError(f"{where}: {number} is not the first session of a module ({shown})")
    if len(set(data)) != len(data):
        raise CurriculumError(f"{where}: a session is listed twice")
    return tuple(sorted(data))


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
