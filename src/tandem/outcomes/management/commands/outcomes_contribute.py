"""``tandem outcomes contribute --programme ID``: a provider's contribution to the pool, made by
the system (for a scheduled run) under the provider's agreement in force, and audited as the
background worker's."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tandem.core import audit
from tandem.outcomes.actions import OutcomeRefused
from tandem.outcomes.pool import PoolError
from tandem.outcomes.pool_actions import contribute
from tandem.outcomes.queries.pool import get_provider


class Command(BaseCommand):
    help = "Contribute a programme provider's pseudonymised outcome records to the pool."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--programme", required=True, type=int, metavar="ID", help="the programme provider (organisation id)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        provider = get_provider(options["programme"])
        if provider is None:
            raise CommandError(
                _("--programme %(id)s: no such programme provider.") % {"id": options["programme"]}, returncode=2
            )
        try:
            contribution = contribute(organisation=provider, acting_user=None, context=audit.WORKER)
        except OutcomeRefused as refused:
            raise CommandError(refused.message, returncode=2) from None
        except (PoolError, OSError) as error:
            raise CommandError(str(error), returncode=2) from None
        self.stdout.write(
            _(
                "%(provider)s contributed %(rows)d rows (%(men)d men, %(partners)d partners) as %(file)s, "
                "SHA-256 %(hash)s."
            )
            % {
                "provider": provider.name,
                "rows": contribution.rows,
                "men": contribution.men,
                "partners": contribution.partners,
                "file": contribution.file_name,
                "hash": contribution.sha256,
            }
        )
