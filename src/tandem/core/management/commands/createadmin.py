import getpass
import os
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.core.actions import create_platform_admin
from tandem.core.audit import AuditContext
from tandem.core.models import User


class Command(BaseCommand):
    help = "Create a platform administrator (password from TANDEM_ADMIN_PASSWORD or asked for)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"].strip()
        if not username:
            raise CommandError("the user name may not be empty", returncode=2)
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"a user named {username!r} exists already; choose another name", returncode=2)
        password = os.environ.get("TANDEM_ADMIN_PASSWORD") or self._ask_password()
        try:
            create_platform_admin(
                username=username,
                password=password,
                email=options["email"],
                context=AuditContext(channel="tandem createadmin"),
            )
        except ValidationError as error:
            raise CommandError("the password is too weak: " + " ".join(error.messages), returncode=2) from None
        self.stdout.write(
            f"Platform administrator {username!r} created. On first sign-in they will set up a second factor."
        )

    def _ask_password(self) -> str:
        if not sys.stdin.isatty():
            raise CommandError("no password given: set TANDEM_ADMIN_PASSWORD or run this in a terminal", returncode=2)
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password again: "):
            raise CommandError("the two passwords differ", returncode=2)
        return first
