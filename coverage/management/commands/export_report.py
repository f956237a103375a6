"""``manage.py export_report``: the monthly PDF summary of one scope, written to a file."""

import atexit
import gc
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coverage.summaries import SummaryError, parse_basis, parse_period


class Command(BaseCommand):
    help = "Ringkasan cakupan bulanan sebagai PDF (A4)."
    # A read-only export: the system checks would import the whole URLconf (views,
    # forms, openpyxl), ~0.1-0.15 s of each run, to check nothing this command uses.
    # `manage.py check`, runserver and migrate still run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="Periode TTTT-BB, mis. 2025-04.")
        parser.add_argument(
            "--scope", default="53", help="53 (provinsi), kode cabang, atau kode BPS wilayah."
        )
        parser.add_argument("--basis", default="UCJ", help="UCJ (default) atau BPS_AK.")
        parser.add_argument("--lang", choices=["id", "en"], default="id")
        parser.add_argument(
            "--output", required=True, help="Berkas PDF tujuan, mis. ringkasan.pdf."
        )

    def run_from_argv(self, argv: list[str]) -> None:
        """``manage.py export_report``: one report, then (usually) the process ends.

        Python's cyclic garbage collector walks every object it tracks on each full
        collection, and the interpreter's shutdown runs full collections too: ~0.3 s of
        this command over the ~170 000 objects of Django, pandas, matplotlib and
        WeasyPrint, to free memory the exit frees anyway. So the report runs with the
        collector off, and at the exit, before the shutdown's collections, the objects
        are frozen (moved where collections do not look). A caller that goes on in
        this process gets its collector back as it was. ``call_command`` does not come
        here.
        """
        collecting = gc.isenabled()
        gc.disable()
        atexit.register(gc.freeze)
        try:
            super().run_from_argv(argv)  # closes the database connections at its end
        finally:
            if collecting:
                gc.enable()

    def handle(self, *args: Any, **options: Any) -> None:
        from coverage.reports import build_report  # here: matplotlib only when a PDF is made

        with translation.override(options["lang"]):
            output = Path(options["output"]).expanduser()
            check_writable(output)
            try:
                report = build_report(
                    period=parse_period(options["period"]),
                    scope_code=options["scope"],
                    basis=parse_basis(options["basis"]),
                    lang=options["lang"],
                )
            except SummaryError as error:
                raise CommandError(error.message) from None
            try:
                output.write_bytes(report.pdf)
            except OSError as error:
                raise CommandError(
                    _("Tidak dapat menulis %(path)s: %(reason)s.")
                    % {"path": output, "reason": error.strerror or error}
                ) from None
            self.stdout.write(
                ngettext(
                    "PDF ditulis ke %(path)s (%(pages)s halaman).",
                    "PDF ditulis ke %(path)s (%(pages)s halaman).",
                    report.pages,
                )
                % {"path": output.resolve(), "pages": report.pages}
            )


def check_writable(output: Path) -> None:
    """Fail before the (slow) rendering when the PDF could not be written anyway."""
    folder = output.parent if str(output.parent) else Path(".")
    if output.is_dir():
        raise CommandError(_("%(path)s adalah folder, bukan berkas.") % {"path": output})
    if not folder.is_dir():
        raise CommandError(_("Folder %(path)s tidak ada.") % {"path": folder})
    if not os.access(output if output.exists() else folder, os.W_OK):
        raise CommandError(_("Tidak ada izin menulis ke %(path)s.") % {"path": output})
