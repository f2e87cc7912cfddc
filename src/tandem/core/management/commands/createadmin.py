import getpass
import os
import sys
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from tandem.core import audit
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
        user = User(username=username, email=options["email"], is_staff=True, is_superuser=True)
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise CommandError("the password is too weak: " + " ".join(error.messages), returncode=2) from None
        user.set_password(password)
        with transaction.atomic():
            user.save()
            audit.record(
                "account.created",
                actor=None,
                actor_label="tandem createadmin",
                obj=user,
                detail={"platform_admin": True},
            )
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
