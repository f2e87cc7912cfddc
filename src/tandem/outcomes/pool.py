"""The pooled outcome dataset: its folder and key, the Parquet files of the providers'
contributions, the merged dataset with its codebook, and the benchmarks computed over it with
DuckDB.

Each provider's contribution is one Parquet file in the pool folder (``TANDEM_POOL_DIR``, by
default ``pool`` in the data folder). The pool reads the newest contribution of every provider
whose data-sharing agreement is in force; older files stay on disk and in the log.

The benchmarks set each programme, under its pseudonym, beside the whole pool: response by time
point, how the men's cases ended, matched change per sub-scale from the start to the end and to
each follow-up, and the share of partners who report no physical and no sexual violence. Every
figure counts people; a figure over fewer people than the small-number threshold is suppressed,
and where a single programme's figure would be, another goes with it so that the pool's figure
cannot give it away. Nothing here is about one person.
"""

from __future__ import annotations

import csv
import hashlib
import json
import secrets
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from tandem.core import clock
from tandem.core.suppression import installation_threshold, share
from tandem.outcomes.pool_models import Contribution
from tandem.outcomes.queries import pool as queries
from tandem.outcomes.rules import pooling
from tandem.outcomes.rules.analysis import POINT_ORDER
from tandem.outcomes.rules.instruments import ANY, PARTNER, shipped_instruments

DATASET = "outcomes.parquet"
CODEBOOK = "codebook.json"
CHANGE_TO = ("end", "follow_up_6", "follow_up_12")
POOL = "pool"  # the scope of a figure over the whole pool
ORDER = ("programme", "case_key", "respondent", "respondent_key", "time_point", "subscale")


class PoolError(Exception):
    """The pool cannot be read or written as asked; the message says what to fix."""


def pool_dir() -> Path:
    configured = getattr(settings, "TANDEM_POOL_DIR", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "pool"


def pool_key() -> bytes:
    """The key of the case pseudonyms. ``TANDEM_POOL_KEY`` when set; else derived from the
    installation's secret key, for a purpose of its own. Set ``TANDEM_POOL_KEY`` before a
    change of secret key: a new key makes new pseudonyms, and the same case no longer links
    across contributions."""
    configured = getattr(settings, "TANDEM_POOL_KEY", None)
    if configured:
        return str(configured).encode()
    return salted_hmac("tandem.outcomes.pool", "case pseudonyms", algorithm="sha256").digest()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_records(rows: Iterable[pooling.Record], target: Path) -> None:
    """Write records as a Parquet file at ``target``: through a CSV file written row by row
    (no list of a hundred thousand rows kept twice) that DuckDB reads with the columns' types."""
    with tempfile.TemporaryDirectory(prefix="tandem-pool-") as folder:
        staged = Path(folder) / "records.csv"
        with staged.open("w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(pooling.COLUMN_NAMES)
            writer.writerows(rows)
        with duckdb.connect() as connection:
            records = connection.read_csv(
                str(staged),
                header=True,
                sep=",",
                quotechar='"',
                na_values="",
                dtype={column.name: column.sql_type for column in pooling.COLUMNS},
            )
            records.project(", ".join(pooling.COLUMN_NAMES)).write_parquet(str(target))


# --- The pool's files --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PooledFile:
    path: Path
    programme: str
    organisation_id: int
    threshold: int  # the programme's own small-number threshold (never below the installation's)
    sha256: str
    contribution: Contribution


def pooled_files(today: date | None = None) -> list[PooledFile]:
    """The files the pool reads: the newest contribution of each provider in force today."""
    floor = installation_threshold()
    found = []
    for contribution in queries.pooled_contributions(today or clock.today()):
        path = pool_dir() / contribution.file_name
        if not path.is_file():
            raise PoolError(_("%(path)s: the file of a contribution is missing from the pool folder.") % {"path": path})
        own = contribution.organisation.suppression_threshold or 0
        found.append(
            PooledFile(
                path,
                contribution.programme,
                contribution.organisation_id,
                max(floor, own),
                contribution.sha256,
                contribution,
            )
        )
    return found


def _source(connection: duckdb.DuckDBPyConnection, files: Sequence[PooledFile]) -> None:
    """A view ``pool`` over the files (an empty one of the same columns when there are none)."""
    if files:
        connection.read_parquet([str(file.path) for file in files], union_by_name=True).create_view("pool")
    else:
        columns = ", ".join(f"{column.name} {column.sql_type}" for column in pooling.COLUMNS)
        connection.execute(f"CREATE TABLE pool ({columns})")


@dataclass(frozen=True)
class PoolExport:
    dataset: Path
    codebook: Path
    rows: int
    programmes: int


@dataclass(frozen=True)
class ExportedProgramme:
    """What the export holds of one programme, and how coarse it is."""

    file: PooledFile
    coarse: pooling.Coarsening
    men: int
    partners: int


def _exported(files: Sequence[PooledFile], key: bytes, done: list[ExportedProgramme]) -> Iterator[pooling.Record]:
    """Every programme's records as exported (``pooling.anonymised``), one programme at a time."""
    with duckdb.connect() as connection:
        for file in files:
            relation = connection.read_parquet(str(file.path))
            if set(pooling.COLUMN_NAMES) - set(relation.columns):
                raise PoolError(
                    _("%(path)s: the file was written by an earlier version of Tandem; contribute again.")
                    % {"path": file.path}
                )
            rows = relation.project(", ".join(pooling.COLUMN_NAMES)).fetchall()
            written, coarse = pooling.anonymised(rows, threshold=file.threshold, key=key)
            at = pooling.COLUMN_NAMES.index
            people = {(row[at("respondent")], row[at("respondent_key")]) for row in written}
            done.append(
                ExportedProgramme(
                    file,
                    coarse,
                    sum(1 for kind, _key in people if kind == pooling.MAN),
                    sum(1 for kind, _key in people if kind == pooling.PARTNER),
                )
            )
            yield from written


def write_pool(output_dir: Path, today: date | None = None) -> PoolExport:
    """The pooled dataset of the newest contributions as one Parquet file, anonymised programme by
    programme (``pooling.anonymised``: no respondent in it stands out from fewer than the
    small-number threshold of others), with a codebook that describes every column, the
    questionnaires' sub-scales and how coarse each programme's records are. A file that is not the
    one contributed (its SHA-256 differs from the log's) stops the export."""
    files = pooled_files(today)
    for file in files:
        if sha256_of(file.path) != file.sha256:
            raise PoolError(
                _("%(path)s: the file differs from the one contributed (its SHA-256 does not match the log).")
                % {"path": file.path}
            )
    output_dir.mkdir(parents=True, exist_ok=True)
    dataset, codebook = output_dir / DATASET, output_dir / CODEBOOK
    staged = output_dir / f".{DATASET}.part"
    done: list[ExportedProgramme] = []
    try:
        with tempfile.TemporaryDirectory(prefix="tandem-pool-export-") as folder:
            unsorted = Path(folder) / "exported.parquet"
            # A key of its own for each export: its pseudonyms match no other export's.
            write_records(_exported(files, secrets.token_bytes(32), done), unsorted)
            with duckdb.connect() as connection:
                exported = connection.read_parquet(str(unsorted)).project(", ".join(pooling.COLUMN_NAMES))
                exported.sort(*ORDER).write_parquet(str(staged))
                counted = connection.execute("SELECT count(*) FROM read_parquet(?)", [str(staged)]).fetchone()
                rows = int(counted[0]) if counted else 0
        staged.replace(dataset)
    finally:
        staged.unlink(missing_ok=True)
    document = codebook_of(rows, done)
    codebook.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    return PoolExport(dataset, codebook, rows, len(files))


def codebook_of(rows: int, programmes: Sequence[ExportedProgramme]) -> dict[str, Any]:
    """The codebook of the pooled dataset: its columns, the questionnaires and their sub-scales,
    and what the export holds of each programme and how coarse (by pseudonym: no name, no file, no
    hash)."""
    return {
        "dataset": DATASET,
        "rows": rows,
        "format": _(
            "Long: one row per sub-scale score of an answered questionnaire, and one row per time point "
            "declined or not reached."
        ),
        "small_number": installation_threshold(),
        "anonymity": _(
            "Each programme's records are as coarse as needed for every case (the man and his partners "
            "together) to be alike, in age band, ending, and when, whether and how each questionnaire was "
            "answered, with at least the programme's small-number threshold of other cases: periods are "
            "months, quarters, half-years, years or none, ages bands, two wide bands or none; an ending too "
            "rare is left empty, and the few cases that would still stand out are left out. The people's "
            "pseudonyms are drawn anew for each export; the scores are as answered."
        ),
        "columns": [
            {
                "name": column.name,
                "type": column.sql_type,
                "description": str(column.description),
                "values": list(column.values),
            }
            for column in pooling.COLUMNS
        ],
        "time_points": list(POINT_ORDER),
        "instruments": [
            {
                "key": instrument.key,
                "version": instrument.version,
                "respondent": instrument.respondent,
                "title": instrument.text("en"),
                "languages": dict(instrument.languages),
                "subscales": [
                    {
                        "key": subscale.key,
                        "title": subscale.text("en"),
                        "measure": subscale.measure,
                        "score": subscale.score,
                        "better": subscale.better,
                        "items": len(subscale.items),
                    }
                    for subscale in instrument.subscales
                ],
            }
            for instrument in shipped_instruments()
        ],
        "programmes": [
            {
                "programme": programme.file.programme,
                "men": programme.men,
                "partners": programme.partners,
                "periods": programme.coarse.period,
                "ages": programme.coarse.age,
                "cases_without_ending": len(programme.coarse.hidden_endings),
                "cases_left_out": len(programme.coarse.left_out),
                "small_number": programme.file.threshold,
                "instruments": list(programme.file.contribution.instruments),
            }
            for programme in programmes
        ],
    }


# --- Benchmarks ----------------------------------------------------------------------------------------


@dataclass
class ShareFigure:
    """``count`` of ``total`` people, as a percentage. Suppressed: every number None."""

    scope: str  # POOL or a programme's pseudonym
    key: dict[str, str | None]
    count: int | None
    total: int | None
    percent: float | None
    suppressed: bool = False


@dataclass
class ChangeFigure:
    """Matched change of one sub-scale: the same people's mean score at the start and later."""

    scope: str
    key: dict[str, str | None]
    n: int | None
    mean_start: float | None
    mean_then: float | None
    mean_change: float | None
    better: str = ""
    suppressed: bool = False


@dataclass
class Benchmarks:
    small_number: int
    programmes: list[str]
    response: list[ShareFigure] = field(default_factory=list)
    attrition: list[ShareFigure] = field(default_factory=list)
    change: list[ChangeFigure] = field(default_factory=list)
    no_violence: list[ShareFigure] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def only(self, programmes: set[str]) -> Benchmarks:
        """The pool's figures and those of ``programmes``: what a provider sees of the benchmarks."""

        def keep(figures: list[Any]) -> list[Any]:
            return [figure for figure in figures if figure.scope == POOL or figure.scope in programmes]

        return Benchmarks(
            self.small_number,
            [name for name in self.programmes if name in programmes],
            keep(self.response),
            keep(self.attrition),
            keep(self.change),
            keep(self.no_violence),
        )

    def without_her_answers(self) -> Benchmarks:
        """The figures that count nothing of the partners' answers: what a provider's staff see.
        Her answers reach the programme's side only through its outcome report, which checks every
        figure against every figure it showed before; benchmarks read before and after one more
        contribution would give the answers of the few partners between them."""
        return Benchmarks(
            self.small_number,
            self.programmes,
            self.response,
            self.attrition,
            [figure for figure in self.change if figure.key.get("respondent") != PARTNER],
            [],
        )


def _share(
    scope: str, key: dict[str, str | None], count: int, total: int, threshold: int, *, both_sides: bool
) -> ShareFigure:
    """A share, suppressed when its total is small, or its count (or, for a yes-or-no figure,
    what is left of the total) is more than none but fewer than the threshold."""
    hidden = pooling.small(total, threshold) or pooling.small(count, threshold)
    if both_sides:
        # A yes-or-no figure about people: none of them, or all of them, tells each one's answer.
        hidden = hidden or count < threshold or total - count < threshold
    if hidden:
        return ShareFigure(scope, key, None, None, None, True)
    return ShareFigure(scope, key, count, total, share(count, total, threshold=threshold).percent)


def _protect(figures: list[Any], sizes: Mapping[tuple[str, tuple[tuple[str, str | None], ...]], int]) -> None:
    """Secondary suppression across programmes, key by key (``pooling.also_suppressed``)."""
    by_key: dict[tuple[tuple[str, str | None], ...], list[Any]] = defaultdict(list)
    for figure in figures:
        by_key[tuple(sorted(figure.key.items()))].append(figure)
    for key, group in by_key.items():
        pool_shown = any(figure.scope == POOL and not figure.suppressed for figure in group)
        programmes = [figure for figure in group if figure.scope != POOL]
        if not pool_shown:
            continue
        more = pooling.also_suppressed(
            {figure.scope: figure.suppressed for figure in programmes},
            {figure.scope: sizes.get((figure.scope, key), 0) for figure in programmes},
        )
        for figure in programmes:
            if figure.scope in more:
                _hide(figure)


def _hide(figure: Any) -> None:
    for name in ("count", "total", "percent", "n", "mean_start", "mean_then", "mean_change"):
        if hasattr(figure, name):
            setattr(figure, name, None)
    figure.suppressed = True


def _scope(programme: str | None) -> str:
    return programme if programme is not None else POOL


RESPONSE_SQL = """
SELECT programme, respondent, time_point,
       count(DISTINCT respondent_key) AS settled,
       count(DISTINCT respondent_key) FILTER (WHERE response = 'answered') AS answered
FROM pool
GROUP BY GROUPING SETS ((programme, respondent, time_point), (respondent, time_point))
"""

ATTRITION_SQL = """
SELECT programme, exit, count(DISTINCT case_key) AS men
FROM pool
GROUP BY GROUPING SETS ((programme, exit), (exit))
"""

CHANGE_SQL = """
WITH scored AS (
    SELECT programme, respondent, respondent_key, instrument, subscale, time_point, value
    FROM pool WHERE response = 'answered' AND subscale IS NOT NULL
), pairs AS (
    SELECT s.programme, s.respondent, s.subscale, t.time_point AS then_point, s.value AS v0, t.value AS v1
    FROM scored s JOIN scored t
      ON s.respondent_key = t.respondent_key AND s.instrument = t.instrument AND s.subscale = t.subscale
    WHERE s.time_point = 'start' AND t.time_point IN ('end', 'follow_up_6', 'follow_up_12')
)
SELECT programme, respondent, subscale, then_point, count(*) AS n, avg(v0), avg(v1), avg(v1 - v0)
FROM pairs
GROUP BY GROUPING SETS ((programme, respondent, subscale, then_point), (respondent, subscale, then_point))
"""

NO_VIOLENCE_SQL = """
SELECT programme, subscale, time_point,
       count(DISTINCT respondent_key) AS answered,
       count(DISTINCT respondent_key) FILTER (WHERE value = 0) AS none
FROM pool
WHERE respondent = 'partner' AND response = 'answered' AND subscale IN ({subscales})
GROUP BY GROUPING SETS ((programme, subscale, time_point), (subscale, time_point))
"""


def _occurrence_subscales() -> list[str]:
    """Her sub-scales that say whether violence of a kind happened at all (physical, sexual)."""
    found: list[str] = []
    for instrument in shipped_instruments():
        if instrument.respondent == PARTNER:
            found += [s.key for s in instrument.subscales if s.score == ANY and s.key not in found]
    return found


def _any_subscales() -> set[tuple[str, str]]:
    """(respondent, sub-scale) of every sub-scale, his or hers, scored as whether it happened at all."""
    return {
        (instrument.respondent, s.key)
        for instrument in shipped_instruments()
        for s in instrument.subscales
        if s.score == ANY
    }


def _better() -> dict[tuple[str, str], str]:
    return {
        (instrument.respondent, subscale.key): subscale.better
        for instrument in shipped_instruments()
        for subscale in instrument.subscales
    }


def _point_order(name: str) -> int:
    return POINT_ORDER.index(name) if name in POINT_ORDER else len(POINT_ORDER)


def benchmarks(files: Sequence[PooledFile] | None = None) -> Benchmarks:
    """Every benchmark of the pool, each programme under its pseudonym beside the whole pool."""
    files = pooled_files() if files is None else files
    floor = installation_threshold()
    thresholds = {file.programme: file.threshold for file in files}

    def threshold(scope: str) -> int:
        return thresholds.get(scope, floor)

    result = Benchmarks(floor, sorted(thresholds))
    occurrences = _occurrence_subscales()
    with duckdb.connect() as connection:
        _source(connection, files)
        response = connection.execute(RESPONSE_SQL).fetchall()
        attrition = connection.execute(ATTRITION_SQL).fetchall()
        change = connection.execute(CHANGE_SQL).fetchall()
        listed = ", ".join("'" + key.replace("'", "''") + "'" for key in occurrences) or "NULL"
        no_violence = connection.execute(NO_VIOLENCE_SQL.format(subscales=listed)).fetchall()

    sizes: dict[tuple[str, tuple[tuple[str, str | None], ...]], int] = {}

    def keyed(scope: str, key: dict[str, str | None], size: int) -> dict[str, str | None]:
        sizes[(scope, tuple(sorted(key.items())))] = size
        return key

    for programme, respondent, point, settled, answered in sorted(
        response, key=lambda row: (row[1], _point_order(row[2]), row[0] or "")
    ):
        scope = _scope(programme)
        key = keyed(scope, {"respondent": respondent, "time_point": point}, settled)
        result.response.append(_share(scope, key, answered, settled, threshold(scope), both_sides=True))

    men: dict[str, int] = defaultdict(int)
    for programme, _exit, count in attrition:
        men[_scope(programme)] += count
    for programme, exit_, count in sorted(
        attrition, key=lambda row: (pooling.EXITS.index(row[1]) if row[1] in pooling.EXITS else 99, row[0] or "")
    ):
        scope = _scope(programme)
        key = keyed(scope, {"exit": exit_}, count)
        result.attrition.append(_share(scope, key, count, men[scope], threshold(scope), both_sides=False))
    _within_scope(result.attrition)

    better = _better()
    yes_or_no = _any_subscales()
    for programme, respondent, subscale, point, n, start, then, mean in sorted(
        change, key=lambda row: (row[1], row[2], _point_order(row[3]), row[0] or "")
    ):
        scope = _scope(programme)
        key = keyed(scope, {"respondent": respondent, "subscale": subscale, "time_point": point}, n)
        figure = ChangeFigure(scope, key, n, start, then, mean, better.get((respondent, subscale), ""))
        if pooling.small(n, threshold(scope)) or (
            (respondent, subscale) in yes_or_no and _one_sided(n, (start, then), threshold(scope))
        ):
            _hide(figure)
        result.change.append(figure)

    for programme, subscale, point, answered, none in sorted(
        no_violence, key=lambda row: (occurrences.index(row[1]), _point_order(row[2]), row[0] or "")
    ):
        scope = _scope(programme)
        key = keyed(scope, {"subscale": subscale, "time_point": point}, answered)
        result.no_violence.append(_share(scope, key, none, answered, threshold(scope), both_sides=True))

    for figures in (result.response, result.attrition, result.change, result.no_violence):
        _protect(figures, sizes)
    return result


def _one_sided(n: int, shares: tuple[float | None, float | None], threshold: int) -> bool:
    """Whether the mean of an "any" sub-scale (the share who reported it) before or after is over
    fewer than ``threshold`` people on either side: none or all of them tells each one's answer."""
    for share_of in shares:
        if share_of is None:
            continue
        yes = round(share_of * n)
        if yes < threshold or n - yes < threshold:
            return True
    return False


def _within_scope(figures: list[ShareFigure]) -> None:
    """How the men's cases ended adds up to the men of the scope: a single suppressed ending
    could be worked out from the others, so the smallest other one is suppressed with it."""
    by_scope: dict[str, list[ShareFigure]] = defaultdict(list)
    for figure in figures:
        by_scope[figure.scope].append(figure)
    for group in by_scope.values():
        hidden = [figure for figure in group if figure.suppressed]
        shown = [figure for figure in group if not figure.suppressed and figure.count]
        if len(hidden) == 1 and shown:
            _hide(min(shown, key=lambda figure: (figure.count or 0, figure.key["exit"] or "")))


def benchmarks_json(result: Benchmarks) -> str:
    return json.dumps(result.as_dict(), indent=2, ensure_ascii=False)
