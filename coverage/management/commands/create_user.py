"""``manage.py create_user USERNAME --role viewer|admin|manager [--branch CODE…]``."""

import getpass
import os
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from coverage.access import ensure_role_groups
from coverage.models import Branch, Role, UserScope

PASSWORD_ENV = "JAMSOSTEK_USER_PASSWORD"
# A spreadsheet reads a cell starting with one of these as a formula (OWASP).
FORMULA_STARTS = ("+", "-", "@", "=")


class Command(BaseCommand):
    help = (
        "Membuat atau memperbarui pengguna dengan peran dan kantor cabangnya. Tanpa --branch, "
        "pengguna berwenang atas seluruh provinsi."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument(
            "--branch", nargs="*", default=[], help="Kode kantor cabang, mis. KUPANG ENDE."
        )
        parser.add_argument(
            "--password-from-env",
            action="store_true",
            help=f"Ambil kata sandi dari variabel lingkungan {PASSWORD_ENV}.",
        )
        parser.add_argument("--email", default="")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        codes = [code.strip().upper() for code in options["branch"]]
        known = set(Branch.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise CommandError(f"Kode kantor cabang tidak dikenal: {', '.join(unknown)}.")
        username = self._username(options["username"])
        password = self._password(options)
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(username=username)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError("Kata sandi ditolak: " + " ".join(error.messages)) from None
        user.set_password(password)
        if options["email"]:
            user.email = options["email"]
        user.is_staff = options["role"] in (Role.ADMIN, Role.MANAGER)
        user.save()
        ensure_role_groups()
        user.groups.set([Group.objects.get(name=options["role"])])
        scope, _created = UserScope.objects.get_or_create(user=user)
        scope.whole_province = not codes
        scope.save()
        scope.branches.set(codes)
        where = ", ".join(codes) if codes else "seluruh provinsi"
        verb = "dibuat" if created else "diperbarui"
        self.stdout.write(f"Pengguna {user.username} {verb}: peran {options['role']}, {where}.")

    def _username(self, username: str) -> str:
        """Django's own rule: letters, digits and @ . + - _ only, at most 150 characters.

        So no markup, no spaces and nothing a spreadsheet would read as a formula reach
        the pages, the change log or an export.
        """
        field = get_user_model()._meta.get_field("username")
        try:
            field.run_validators(username)
            if not username or username[0] in FORMULA_STARTS:
                raise ValidationError(username)
        except ValidationError:
            raise CommandError(
                _(
                    "Nama pengguna %(username)r ditolak: gunakan 1 sampai 150 huruf, angka, atau "
                    "tanda @ . + - _ saja, tanpa spasi, dan awali dengan huruf, angka, atau _."
                )
                % {"username": username}
            ) from None
        return username

    def _password(self, options: dict[str, Any]) -> str:
        if options["password_from_env"]:
            password = os.environ.get(PASSWORD_ENV, "")
            if not password:
                raise CommandError(f"Variabel lingkungan {PASSWORD_ENV} kosong.")
            return password
        if not os.isatty(0):
            raise CommandError(
                f"Tidak ada terminal untuk menanyakan kata sandi: gunakan --password-from-env "
                f"dengan {PASSWORD_ENV}."
            )
        first = getpass.getpass("Kata sandi: ")
        if first != getpass.getpass("Ulangi kata sandi: "):
            raise CommandError("Kedua kata sandi tidak sama.")
        return first
