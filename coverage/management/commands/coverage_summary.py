"""``manage.py coverage_summary``: the same result as ``/api/coverage``, on the terminal."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from coverage.calculations import summary_as_dict
from coverage.summaries import SummaryError, load_coverage_summary, parse_basis, parse_period


class Command(BaseCommand):
    help = "Ringkasan cakupan kepesertaan satu periode (JSON atau tabel)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="Periode TTTT-BB, mis. 2025-04.")
        parser.add_argument(
            "--scope", default="53", help="53 (provinsi), kode cabang, atau kode BPS wilayah."
        )
        parser.add_argument("--basis", default="UCJ", help="UCJ (default) atau BPS_AK.")
        parser.add_argument("--format", choices=["json", "table"], default="table")
        parser.add_argument("--lang", choices=["id", "en"], default="id")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["lang"]):
            try:
                summary = load_coverage_summary(
                    period=parse_period(options["period"]),
                    scope_code=options["scope"],
                    basis=parse_basis(options["basis"]),
                )
            except SummaryError as error:
                raise CommandError(error.message) from None
            data = summary_as_dict(summary)
            if options["format"] == "json":
                self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            else:
                self.stdout.write(render_table(data))


def _fmt(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if isinstance(value, int | float):
        return formats.number_format(
            value,
            decimal_pos=2 if isinstance(value, float) else 0,
            use_l10n=True,
            force_grouping=True,
        )
    return str(value)


def render_table(data: dict[str, Any]) -> str:
    """Headline figures as label–value lines, then each breakdown as a small table."""
    labels = [
        ("period", _("Periode")),
        ("scope", pgettext("scope", "Cakupan")),
        ("scope_name", _("Nama")),
        ("basis", _("Basis")),
        ("active", _("Peserta aktif")),
        ("nonactive", _("Peserta nonaktif")),
        ("denominator", _("Penyebut (pekerja)")),
        ("denominator_year", _("Tahun penyebut")),
        ("coverage_pct", _("Cakupan (%)")),
        ("target_count", _("Target peserta")),
        ("target_pct", _("Target cakupan (%)")),
        ("target_source", _("Sumber target")),
        ("implied_denominator", _("Penyebut tersirat")),
        ("denominator_mismatch", _("Selisih penyebut > 5%")),
        ("gap_count", _("Kekurangan peserta")),
        ("gap_pp", _("Kekurangan (poin persen)")),
        ("months_remaining", _("Sisa bulan")),
        ("required_monthly_pace", _("Laju yang diperlukan per bulan")),
        ("run_rate", _("Laju 3 bulan terakhir per bulan")),
        ("projected_at_deadline", _("Proyeksi Desember")),
        ("projected_month_reached", _("Bulan target tercapai")),
        ("status", _("Status")),
    ]
    width = max(len(label) for _key, label in labels)
    lines = [
        f"{label:<{width}}  {_fmt(data[key]) if key != 'denominator_year' else data[key] or '–'}"
        for key, label in labels
    ]
    for key, title in (
        ("by_branch", _("Per kantor cabang")),
        ("by_region", _("Per kabupaten/kota")),
        ("by_sector", _("Per sektor")),
        ("by_segment", _("Per segmen")),
    ):
        rows = data[key]
        if not rows:
            continue
        lines += ["", title]
        header = [
            _("Kode"),
            _("Nama"),
            _("Aktif"),
            _("Penyebut"),
            _("Cakupan %"),
            _("Target"),
            _("Kekurangan"),
        ]
        table = [header] + [
            [
                row["code"],
                row["name"][:32],
                _fmt(row["active"]),
                _fmt(row["denominator"]),
                _fmt(row["coverage_pct"]),
                _fmt(row["target_count"]),
                _fmt(row["gap_count"]),
            ]
            for row in rows
        ]
        widths = [max(len(str(r[i])) for r in table) for i in range(len(header))]
        for r in table:
            cells = [
                str(c).ljust(w) if i < 2 else str(c).rjust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            ]
            lines.append("  ".join(cells))
    return "\n".join(lines)
