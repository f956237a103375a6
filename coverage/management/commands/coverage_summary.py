"""``manage.py coverage_summary``: the same result as ``/api/coverage``, on the terminal."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from coverage.calculations import summary_as_dict
from coverage.formatting import HYPHEN, number
from coverage.summaries import (
    SummaryError,
    load_coverage_summary,
    parse_basis,
    resolve_period,
)


class Command(BaseCommand):
    help = "Ringkasan cakupan kepesertaan satu periode (JSON atau tabel)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--period",
            default="",
            help="Periode TTTT-BB, mis. 2025-04; tanpa periode: bulan lengkap terakhir cakupan.",
        )
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
                    period=resolve_period(options["period"], options["scope"]),
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


def _fmt(value: object, *, decimals: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if isinstance(value, int | float):
        # cut, not rounded, and a hyphen: the terminal table as it has always read
        return number(
            value, decimals if isinstance(value, float) else 0, truncate=True, minus=HYPHEN
        )
    return str(value)


def _probability(value: float | None) -> str:
    """A probability (0–1) as a percentage with one decimal: 0,031 → 3,1%."""
    if value is None:
        return "–"
    return f"{_fmt(value * 100, decimals=1)}%"


def _reached(data: dict[str, Any]) -> str:
    """The reached month, or the horizon sentence when it lies beyond 120 months."""
    if data["reached_beyond_horizon"]:
        return pgettext("cli", "lebih dari 10 tahun lagi dengan laju saat ini")
    return _fmt(data["projected_month_reached"])


def _reported(data: dict[str, Any]) -> str:
    """“N dari M” regencies reported, or a dash when unknown."""
    if data["regions_reported"] is None or data["regions_expected"] is None:
        return "–"
    return _("%(reported)s dari %(expected)s") % {
        "reported": _fmt(data["regions_reported"]),
        "expected": _fmt(data["regions_expected"]),
    }


def _band(data: dict[str, Any]) -> str:
    if data["projection_p10"] is None or data["projection_p90"] is None:
        return "–"
    return f"{_fmt(data['projection_p10'])} – {_fmt(data['projection_p90'])}"


def render_table(data: dict[str, Any]) -> str:
    """Headline figures as label–value lines, then each breakdown as a small table."""
    values = {
        "denominator_year": str(data["denominator_year"] or "–"),
        "projected_month_reached": _reached(data),
        "regions_reported": _reported(data),
        "probability_reaching_target": _probability(data["probability_reaching_target"]),
        "projection_band": _band(data),
    }
    labels = [
        ("period", _("Periode")),
        ("scope", pgettext("scope", "Cakupan")),
        ("scope_name", _("Nama")),
        ("basis", _("Basis")),
        ("complete", _("Bulan lengkap dilaporkan")),
        ("regions_reported", _("Kabupaten/kota yang melapor")),
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
        ("pace_ratio", _("Rasio laju terhadap kebutuhan")),
        ("projected_at_deadline", _("Proyeksi Desember")),
        ("projection_band", _("Rentang proyeksi Desember (P10–P90)")),
        ("probability_reaching_target", _("Peluang mencapai target pada Desember")),
        ("projected_month_reached", _("Bulan target tercapai")),
        ("status", _("Status")),
    ]
    width = max(len(label) for _key, label in labels)
    lines = [
        f"{label:<{width}}  {values[key] if key in values else _fmt(data[key])}"
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
        lines += _table(rows, with_metrics=key in ("by_branch", "by_region"))
    return "\n".join(lines)


def _table(rows: list[dict[str, Any]], *, with_metrics: bool) -> list[str]:
    """One breakdown as aligned columns; branch and region rows add their own
    status, rates, projection, probability and reporting."""
    header = [
        _("Kode"),
        _("Nama"),
        _("Aktif"),
        _("Penyebut"),
        _("Cakupan %"),
        _("Target"),
        _("Kekurangan"),
    ]
    if with_metrics:
        header += [
            _("Status"),
            _("Laju/bln"),
            _("Perlu/bln"),
            _("Proyeksi Des."),
            pgettext("cli", "Peluang"),
            _("Melapor"),
        ]
    table = [header]
    for row in rows:
        cells = [
            row["code"],
            row["name"][:32],
            _fmt(row["active"]),
            _fmt(row["denominator"]),
            _fmt(row["coverage_pct"]),
            _fmt(row["target_count"]),
            _fmt(row["gap_count"]),
        ]
        if with_metrics:
            cells += [
                str(row["status"]),
                _fmt(row["run_rate"]),
                _fmt(row["required_monthly_pace"]),
                _fmt(row["projected_at_deadline"]),
                _probability(row["probability_reaching_target"]),
                _reported(row),
            ]
        table.append(cells)
    widths = [max(len(str(r[i])) for r in table) for i in range(len(header))]
    lines = []
    for r in table:
        cells = [
            str(c).ljust(w) if i < 2 or (with_metrics and i == 7) else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return lines
