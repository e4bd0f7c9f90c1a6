from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from onevisit import clock
from onevisit.accounts.models import User
from onevisit.accounts.selectors import api_tokens_of
from onevisit.accounts.services import api_token_create, api_token_revoke
from onevisit.errors import DomainError


class Command(BaseCommand):
    help = ("API bearer tokens: `create USERNAME` prints a new token (shown only once), "
            "`list [USERNAME]` shows them, `revoke ID` ends one at once.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="create a token for a user and print it")
        create.add_argument("username")
        create.add_argument("--name", default="cli", help="a label for the token")
        create.add_argument("--days", type=int, default=None,
                            help="lifetime in days (default ONEVISIT_API_TOKEN_DAYS)")
        listing = actions.add_parser("list", help="the tokens, newest first")
        listing.add_argument("username", nargs="?", default="")
        revoke = actions.add_parser("revoke", help="revoke a token by its id")
        revoke.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username!r}")
        return user

    def _create(self, options: dict[str, Any]) -> None:
        user = self._user(options["username"])
        self.stdout.write(api_token_create(user=user, name=options["name"], days=options["days"]))

    def _list(self, options: dict[str, Any]) -> None:
        user = self._user(options["username"]) if options["username"] else None
        now = clock.now()
        for token in api_tokens_of(user=user):
            state = ("revoked" if token.revoked_at else
                     "expired" if token.expires_at <= now else "active")
            used = (f"{timezone.localtime(token.last_used_at):%Y-%m-%d %H:%M}"
                    if token.last_used_at else "never")
            self.stdout.write(
                f"{token.pk}\t{token.user.username}\t{token.name}\t{token.prefix}…\t{state}\t"
                f"expires {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}\tused {used}"
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        token = api_token_revoke(token_id=options["id"])
        self.stdout.write(f"token {token.pk} ({token.user.username}, {token.name}) revoked")
