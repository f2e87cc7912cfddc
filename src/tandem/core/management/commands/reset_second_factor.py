"""Remove the authenticators of an account whose owner lost them."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.core.actions import reset_second_factor_on_server
from tandem.core.audit import AuditContext
from tandem.core.models import User


class Command(BaseCommand):
    help = "Remove every authenticator of an account; its owner sets up a new one at her next sign-in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"].strip()
        person = User.objects.filter(username__iexact=username).first()
        if person is None:
            raise CommandError(f"no account is named {username!r}", returncode=2)
        removed = reset_second_factor_on_server(
            person=person, context=AuditContext(channel="tandem reset-second-factor")
        )
        self.stdout.write(
            f"{removed} authenticator(s) of {person.get_username()!r} removed. Make sure it is really her asking: "
            "at the next sign-in, whoever has the password sets up the new authenticator."
        )
