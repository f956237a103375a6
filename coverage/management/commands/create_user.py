"""``manage.py create_user USERNAME --role viewer|admin|manager [--branch CODE…]``.

The checks and the write are ``services.user_save``'s; this command only asks for
the password and reports.
"""

import getpass
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coverage import services
from coverage.models import Role

PASSWORD_ENV = "JAMSOSTEK_USER_PASSWORD"


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

    def handle(self, *args: Any, **options: Any) -> None:
        codes = [code.strip().upper() for code in options["branch"]]
        try:
            services.user_fields_check(username=options["username"], branch_codes=codes)
            saved = services.user_save(
                username=options["username"],
                role=options["role"],
                branch_codes=codes,
                password=self._password(options),
                email=options["email"],
            )
        except services.AccountInputError as error:
            raise CommandError(error.message) from None
        where = ", ".join(codes) if codes else "seluruh provinsi"
        verb = "dibuat" if saved.created else "diperbarui"
        self.stdout.write(
            f"Pengguna {saved.user.username} {verb}: peran {options['role']}, {where}."
        )

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
