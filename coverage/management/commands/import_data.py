"""``manage.py import_data KIND FILE [--dry-run] [--lang en]``: all or nothing.

Every problem in the file is listed (``baris N, kolom C: …``) and nothing is
written unless the whole file is valid. Parsing lives in ``coverage.importers``
so that the web upload reports exactly the same errors.
"""

from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coverage.importers import KINDS, RowError, parse_file, parse_programme_file, size_error
from coverage.models import ChangeSource
from coverage.programme_records import ProgrammeImportRecord
from coverage.services import (
    PROGRAMME_KINDS,
    LockedPeriodError,
    WriteContext,
    WriteResult,
    apply_import,
    programme_apply_import,
)


class Command(BaseCommand):
    help = (
        "Mengimpor jumlah peserta, data angkatan kerja atau target dari file CSV/XLSX. "
        "Semua atau tidak sama sekali: bila ada satu baris salah, tidak ada yang disimpan."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = KINDS + PROGRAMME_KINDS
        parser.add_argument("kind", choices=kinds, help="Jenis data: " + ", ".join(kinds) + ".")
        parser.add_argument("file", help="File .csv (UTF-8) atau .xlsx.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Hanya memeriksa dan menampilkan apa yang akan berubah; tidak menyimpan apa pun.",
        )
        parser.add_argument(
            "--lang",
            choices=[code for code, _name in settings.LANGUAGES],
            default="id",
            help="Bahasa pesan: id (bawaan) atau en.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["lang"]):
            self._import(options["kind"], Path(options["file"]), dry_run=options["dry_run"])

    def _import(self, kind: str, path: Path, *, dry_run: bool) -> None:
        programme = kind in PROGRAMME_KINDS
        parse = parse_programme_file if programme else parse_file
        result = parse(kind, name=path.name, data=_read(path))
        for warning in result.warnings:
            self.stdout.write(
                self.style.WARNING(_("Peringatan: %(warning)s") % {"warning": warning})
            )
        if result.errors:
            raise CommandError(_failure_message(path, result.errors))
        context = WriteContext(source=ChangeSource.CLI, source_detail=path.name)
        try:
            if programme:
                records = cast(list[ProgrammeImportRecord], result.records)
                written = programme_apply_import(kind, records, dry_run=dry_run, context=context)
            else:
                written = apply_import(kind, result.records, dry_run=dry_run, context=context)
        except LockedPeriodError as error:
            raise CommandError(error.message) from None
        counts = _counts(written)
        if dry_run:
            self.stdout.write(
                ngettext(
                    "Uji coba, tidak ada yang disimpan: %(rows)s baris %(kind)s dari %(file)s "
                    "akan menghasilkan %(counts)s",
                    "Uji coba, tidak ada yang disimpan: %(rows)s baris %(kind)s dari %(file)s "
                    "akan menghasilkan %(counts)s",
                    len(result.records),
                )
                % {"rows": len(result.records), "kind": kind, "file": path.name, "counts": counts}
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    ngettext(
                        "Impor %(kind)s dari %(file)s berhasil: %(rows)s baris, %(counts)s",
                        "Impor %(kind)s dari %(file)s berhasil: %(rows)s baris, %(counts)s",
                        len(result.records),
                    )
                    % {
                        "rows": len(result.records),
                        "kind": kind,
                        "file": path.name,
                        "counts": counts,
                    }
                )
            )


def _read(path: Path) -> bytes:
    """The file's bytes; refuses before reading anything over the size limit."""
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise CommandError(_("File %(file)s tidak ditemukan.") % {"file": path}) from exc
    except OSError as exc:
        raise CommandError(_unreadable(path, exc)) from exc
    too_large = size_error(size)
    if too_large:
        raise CommandError(_failure_message(path, [too_large]))
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(_unreadable(path, exc)) from exc


def _unreadable(path: Path, exc: OSError) -> str:
    reason = exc.strerror or exc.__class__.__name__
    return _("File %(file)s tidak dapat dibaca: %(reason)s.") % {"file": path, "reason": reason}


def _counts(written: WriteResult) -> str:
    return _("%(created)s baru, %(updated)s diperbarui, %(unchanged)s tetap.") % {
        "created": written.created,
        "updated": written.updated,
        "unchanged": written.unchanged,
    }


def _failure_message(path: Path, errors: list[RowError]) -> str:
    heading = _("File %(file)s tidak diimpor, tidak ada yang disimpan. Kesalahan (%(count)s):") % {
        "file": path.name,
        "count": len(errors),
    }
    return "\n".join([heading, *(str(error) for error in errors)])
