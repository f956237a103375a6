"""A coverage summary told in words: the paragraphs at the top of the monthly PDF.

Pure functions over a ``CoverageSummary`` (no ORM, no I/O). Every sentence is built
from the same figures the tables show and is chosen by comparing those figures, not
by the status alone, so that no sentence can contradict a number beside it (for
example, a small gap can leave the December projection above the target while the
contract still calls the scope *off track*; the text then says both, plainly).

Numbers and months go through ``coverage.formatting``: in Indonesian 1.000.000,
35,9% and "April 2025"; in English 1,000,000, 35.9% and "April 2025". Indonesian has
one form for every count ("peserta", "bulan"); where English needs "1 month" /
"2 months" the sentence goes through ``ngettext``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import formatting
from .calculations import (
    BreakdownRow,
    CoverageSummary,
    Period,
    ScopeMetrics,
)
from .completeness import Completeness
from .formatting import month_year, number, percent, rate
from .labels import basis_phrase, status_words
from .presentation import Chance, chance, furthest_behind, gap_rows, implied_denominator

LAGGARDS = 3
# DOMAIN.md "Horizon of the reached month": the reached month is looked for at most
# this many months after the reported month; further out it is said in words.
REACHED_HORIZON_MONTHS = 120


# --- words ----------------------------------------------------------------------------


def join_words(items: Sequence[str]) -> str:
    """``A, B dan C`` (``A, B and C``)."""
    if len(items) <= 1:
        return "".join(items)
    return _("%(first)s dan %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


# --- the reached month and its horizon ------------------------------------------------------


def reached_beyond_horizon(m: ScopeMetrics) -> bool:
    """Whether the target is reached only more than 120 months after the reported month.

    Read from the metrics, never recomputed: the summary's own flag, or (for a summary
    that predates the flag) a reached month further out than the horizon.
    """
    if m.reached_beyond_horizon:
        return True
    reached = m.projected_month_reached
    return reached is not None and reached.index - m.period.index > REACHED_HORIZON_MONTHS


def beyond_horizon_words() -> str:
    return _("lebih dari 10 tahun lagi dengan laju saat ini")


def beyond_horizon_sentence() -> str:
    return _("Target baru akan tercapai lebih dari 10 tahun lagi dengan laju saat ini.")


def reached_month_text(m: ScopeMetrics) -> str:
    """The month the target is reached, in words ("Mei 2027"; beyond the horizon "lebih
    dari 10 tahun lagi dengan laju saat ini"); empty when it is not reached at all."""
    if reached_beyond_horizon(m):
        return beyond_horizon_words()
    if m.projected_month_reached is None:
        return ""
    return month_year(m.projected_month_reached)


# --- reporting completeness ---------------------------------------------------------------


def reported_phrase(choice: Completeness) -> str:
    """ "1 dari 22 kabupaten/kota sudah melapor" for ``choice``'s scope."""
    return ngettext(
        "%(reported)s dari %(expected)s kabupaten/kota sudah melapor",
        "%(reported)s dari %(expected)s kabupaten/kota sudah melapor",
        choice.regions_expected,
    ) % {"reported": choice.regions_reported, "expected": choice.regions_expected}


def incomplete_warning(choice: Completeness) -> str:
    """Why the figures of an incomplete month must not be read as a fall in coverage."""
    return _(
        "Data %(month)s belum lengkap: baru %(reported)s. Angka bulan ini adalah jumlah "
        "sementara, bukan penurunan cakupan; laju dan proyeksi tidak dihitung."
    ) % {"month": month_year(choice.period), "reported": reported_phrase(choice)}


def missing_sentence(names: Sequence[str]) -> str:
    """ "Belum melapor: Sumba Barat, Kupang dan Alor." (empty when none is missing)."""
    if not names:
        return ""
    return _("Belum melapor: %(names)s.") % {"names": join_words(names)}


# --- the paragraphs -----------------------------------------------------------------------


def narrative_paragraphs(
    summary: CoverageSummary,
    *,
    bps: CoverageSummary | None = None,
    run_rate_months: int | None = None,
    laggards: int = LAGGARDS,
) -> list[str]:
    """The summary in a few paragraphs, in the active language.

    ``bps`` is the same scope on the BPS labour-force basis (its coverage is quoted
    beside the headline one); ``run_rate_months`` is how many months the run rate
    spans (3 unless data is missing), so the text never claims three months when
    the contract fell back to two or one.
    """
    m = summary.metrics
    paragraphs = [_headline_sentence(summary, bps), _progress_paragraph(m, run_rate_months)]
    behind = _laggards_paragraph(summary, laggards=laggards)
    if behind:
        paragraphs.append(behind)
    implied = implied_denominator_sentence(m, basis=summary.basis)
    if implied:
        paragraphs.append(implied)
    return paragraphs


def _headline_sentence(summary: CoverageSummary, bps: CoverageSummary | None) -> str:
    m = summary.metrics
    values = {
        "period": month_year(m.period),
        "scope": summary.scope.name,
        "active": number(m.active),
        "nonactive": number(m.nonactive),
        "basis": basis_phrase(summary.basis),
    }
    shares = []
    if m.coverage_pct is not None:
        shares.append(_("%(pct)s dari %(basis)s") % {"pct": percent(m.coverage_pct, 1), **values})
    if bps is not None and bps.basis != summary.basis and bps.metrics.coverage_pct is not None:
        shares.append(
            _("%(pct)s dari %(basis)s")
            % {"pct": percent(bps.metrics.coverage_pct, 1), "basis": basis_phrase(bps.basis)}
        )
    if shares:
        text = _("Per %(period)s, %(scope)s mencatat %(active)s peserta aktif (%(shares)s).") % {
            **values,
            "shares": "; ".join(shares),
        }
    else:
        text = (
            _(
                "Per %(period)s, %(scope)s mencatat %(active)s peserta aktif; penyebut %(basis)s "
                "belum tersedia sehingga cakupan belum dapat dihitung."
            )
            % values
        )
    return (
        text
        + " "
        + _("Peserta nonaktif berjumlah %(nonactive)s dan tidak dihitung dalam cakupan.") % values
    )


def _rate_span(run_rate_months: int | None) -> str:
    if run_rate_months == 1:
        return _("sebulan terakhir")
    if run_rate_months == 2:
        return _("dua bulan terakhir")
    return _("tiga bulan terakhir")


def run_rate_sentence(m: ScopeMetrics, run_rate_months: int | None = None) -> str:
    """What the run rate says, in a sentence of its own (none: says why)."""
    span = _rate_span(run_rate_months)
    if m.run_rate is None:
        return _(
            "Laju bulanan belum dapat dihitung karena belum ada data untuk tiga bulan "
            "sebelumnya, sehingga belum ada proyeksi."
        )
    if m.run_rate > 0:
        return _("Dalam %(span)s jumlah peserta aktif bertambah rata-rata %(rate)s per bulan.") % {
            "span": span,
            "rate": rate(m.run_rate),
        }
    if m.run_rate < 0:
        return _("Dalam %(span)s jumlah peserta aktif turun rata-rata %(rate)s per bulan.") % {
            "span": span,
            "rate": rate(-m.run_rate),
        }
    return _("Dalam %(span)s jumlah peserta aktif tidak berubah.") % {"span": span}


def _progress_paragraph(m: ScopeMetrics, run_rate_months: int | None) -> str:
    target = m.target
    december = Period(m.period.year, 12)
    values = {
        "target": number(target.count) if target.count is not None else "",
        "target_pct": percent(target.pct, 1) if target.pct is not None else "",
        "december": month_year(december),
        "year": str(m.period.year),
        "gap": number(m.gap_count or 0),
        "pace": number(m.required_monthly_pace or 0),
        "months": number(m.months_remaining),
        "projection": (
            number(m.projected_at_deadline) if m.projected_at_deadline is not None else ""
        ),
        "status": status_words(m.status),
    }
    if target.source == "allocated":
        target_text = (
            _("%(target)s peserta (%(target_pct)s) (dialokasikan dari target cakupan di atasnya)")
            if target.pct is not None
            else _("%(target)s peserta (dialokasikan dari target cakupan di atasnya)")
        )
    else:
        target_text = (
            _("%(target)s peserta (%(target_pct)s)")
            if target.pct is not None
            else _("%(target)s peserta")
        )
    values["target_text"] = target_text % values
    sentences: list[str] = []

    if m.status == "incomplete":
        return _(
            "Data bulan ini belum lengkap, sehingga kekurangan di atas adalah angka sementara "
            "dan laju, proyeksi serta status belum dihitung."
        )

    if m.status == "no_target":
        sentences.append(
            _(
                "Belum ada target untuk tahun %(year)s, sehingga kekurangan, laju yang "
                "diperlukan dan status belum dapat dihitung."
            )
            % values
        )
        sentences.append(run_rate_sentence(m, run_rate_months))
        if m.projected_at_deadline is not None and m.months_remaining > 0:
            sentences.append(
                _(
                    "Bila laju ini berlanjut, jumlah peserta aktif pada %(december)s sekitar "
                    "%(projection)s."
                )
                % values
            )
        return " ".join(sentences)

    if m.status == "achieved":
        surplus = m.active - (target.count or 0)
        if surplus > 0:
            sentences.append(
                _(
                    "Target %(target_text)s sudah tercapai: peserta aktif melampaui target "
                    "sebanyak %(surplus)s."
                )
                % {**values, "surplus": number(surplus)}
            )
        else:
            sentences.append(_("Target %(target_text)s sudah tercapai tepat.") % values)
        sentences.append(run_rate_sentence(m, run_rate_months))
        if (
            m.run_rate is not None
            and m.run_rate < 0
            and m.projected_at_deadline is not None
            and m.months_remaining > 0
        ):
            below = (target.count or 0) - m.projected_at_deadline
            if below > 0:
                sentences.append(
                    _(
                        "Bila penurunan ini berlanjut, pada %(december)s peserta aktif tinggal "
                        "%(projection)s, %(below)s di bawah target."
                    )
                    % {**values, "below": number(below)}
                )
            else:
                sentences.append(
                    _(
                        "Bila penurunan ini berlanjut, pada %(december)s peserta aktif masih "
                        "%(projection)s, tetap di atas target."
                    )
                    % values
                )
        sentences.append(_("Status: %(status)s.") % values)
        return " ".join(sentences)

    if m.status == "missed":
        if m.gap_pp is not None:
            sentences.append(
                _(
                    "Per %(december)s target %(target_text)s tidak tercapai: masih kurang "
                    "%(gap)s peserta (%(pp)s poin persen)."
                )
                % {**values, "pp": number(m.gap_pp, 1)}
            )
        else:
            sentences.append(
                _(
                    "Per %(december)s target %(target_text)s tidak tercapai: masih kurang "
                    "%(gap)s peserta."
                )
                % values
            )
        sentences.append(run_rate_sentence(m, run_rate_months))
        if reached_beyond_horizon(m):
            sentences.append(beyond_horizon_sentence())
        elif m.projected_month_reached is not None:
            sentences.append(
                _("Dengan laju ini target baru akan tercapai pada %(month)s.")
                % {"month": month_year(m.projected_month_reached)}
            )
        sentences.append(_("Status: %(status)s.") % values)
        return " ".join(sentences)

    sentences.append(
        ngettext(
            "Untuk mencapai target %(target_text)s pada %(december)s masih kurang %(gap)s peserta, "
            "sehingga diperlukan tambahan bersih rata-rata %(pace)s peserta per bulan selama "
            "%(months)s bulan tersisa.",
            "Untuk mencapai target %(target_text)s pada %(december)s masih kurang %(gap)s peserta, "
            "sehingga diperlukan tambahan bersih rata-rata %(pace)s peserta per bulan selama "
            "%(months)s bulan tersisa.",
            m.months_remaining,
        )
        % values
    )
    sentences.append(run_rate_sentence(m, run_rate_months))
    if m.run_rate is not None and m.projected_at_deadline is not None:
        sentences.append(_projection_sentence(m, values))
    said = probability_sentence(chance(m))
    if said:
        sentences.append(said)
    sentences.append(_status_sentence(m, values))
    return " ".join(sentences)


def probability_sentence(said: Chance) -> str:
    """The probability of reaching the target in one sentence, with the figures the
    cards show (``coverage.presentation.chance``) and no verdict of its own: a number
    and the 80 % band cannot contradict the projection or the status beside them.

    Without a probability it says why when the reason is the data (too few complete
    monthly changes); otherwise (incomplete month, no target) the paragraph already
    says so, and this sentence is empty.
    """
    if said.kind == "few_changes" and said.target_count is not None:
        return _(
            "Peluang mencapai %(target)s pada %(december)s belum dihitung: baru %(n)s "
            "perubahan bulanan dari bulan lengkap, perlu setidaknya %(min)s."
        ) % {
            "target": number(said.target_count),
            "december": month_year(said.deadline),
            "n": number(said.changes),
            "min": number(said.min_changes),
        }
    if said.kind != "value" or said.target_count is None:
        return ""
    values = {
        "target": number(said.target_count),
        "december": month_year(said.deadline),
        "probability": formatting.chance(said, empty=""),
    }
    if said.p10 is None or said.p90 is None:
        return (
            _(
                "Dari perubahan bulanan setahun terakhir, peluang mencapai %(target)s pada "
                "%(december)s adalah %(probability)s."
            )
            % values
        )
    return _(
        "Dari perubahan bulanan setahun terakhir, peluang mencapai %(target)s pada "
        "%(december)s adalah %(probability)s; 8 dari 10 simulasi berakhir antara %(low)s "
        "dan %(high)s peserta."
    ) % {**values, "low": number(said.p10), "high": number(said.p90)}


def _projection_sentence(m: ScopeMetrics, values: dict[str, str]) -> str:
    """The December projection against the target, and when the target would be reached."""
    target_count = m.target.count or 0
    projection = m.projected_at_deadline or 0
    reached = m.projected_month_reached
    if projection >= target_count:
        text = (
            _(
                "Bila laju ini berlanjut, proyeksi %(december)s adalah %(projection)s peserta, "
                "sudah mencapai target."
            )
            % values
        )
        if reached is not None:
            text += " " + _("Target tercapai pada %(month)s.") % {"month": month_year(reached)}
        return text
    text = _(
        "Bila laju ini berlanjut, proyeksi %(december)s hanya %(projection)s peserta, "
        "kurang %(short)s dari target."
    ) % {
        **values,
        "short": number(target_count - projection),
    }
    if reached_beyond_horizon(m):
        text += " " + beyond_horizon_sentence()
    elif reached is not None:
        text += " " + _("Dengan laju ini target baru tercapai pada %(month)s.") % {
            "month": month_year(reached)
        }
    elif m.run_rate is not None and m.run_rate <= 0:
        text += " " + _("Dengan laju ini target tidak akan tercapai.")
    return text


def _status_sentence(m: ScopeMetrics, values: dict[str, str]) -> str:
    if m.status == "on_track":
        return (
            _("Status: %(status)s (laju saat ini setidaknya sama dengan laju yang diperlukan).")
            % values
        )
    if m.status == "at_risk" and m.pace_ratio is not None:
        share = math.floor(100 * m.pace_ratio)  # the pace ratio of the cards, in whole percent
        return _(
            "Status: %(status)s (laju saat ini baru %(share)s%% dari laju yang diperlukan)."
        ) % {
            **values,
            "share": number(share),
        }
    if m.status == "off_track":
        if m.run_rate is not None and m.run_rate < 0:
            return _("Status: %(status)s (jumlah peserta justru menurun).") % values
        return (
            _("Status: %(status)s (laju saat ini di bawah 75%% dari laju yang diperlukan).")
            % values
        )
    return _("Status: %(status)s.") % values


def _laggard_items(rows: Sequence[BreakdownRow], *, limit: int, months_remaining: int) -> list[str]:
    """The ``limit`` rows furthest behind (``presentation.furthest_behind``), in words."""
    items = []
    lines = gap_rows(rows, months_remaining=months_remaining)
    for row in furthest_behind(lines, limit=limit):
        pace = row.monthly_pace
        values = {"name": row.area.name, "gap": number(row.area.gap_count or 0)}
        if pace is None:
            items.append(_("%(name)s (kurang %(gap)s)") % values)
        else:
            items.append(
                _("%(name)s (kurang %(gap)s; perlu %(pace)s per bulan)")
                % {**values, "pace": number(pace)}
            )
    return items


def _laggards_paragraph(summary: CoverageSummary, *, laggards: int) -> str:
    """Who is furthest behind: branches (on a province page) and regencies."""
    remaining = summary.metrics.months_remaining
    sentences = []
    if summary.scope.kind == "province":
        branches = _laggard_items(summary.by_branch, limit=laggards, months_remaining=remaining)
        if branches:
            sentences.append(
                _("Kekurangan terbesar per kantor cabang: %(items)s.")
                % {"items": join_words(branches)}
            )
    if summary.scope.kind != "region":
        regions = _laggard_items(summary.by_region, limit=laggards, months_remaining=remaining)
        if regions:
            sentences.append(_("Per kabupaten/kota: %(items)s.") % {"items": join_words(regions)})
    return " ".join(sentences)


def implied_denominator_sentence(m: ScopeMetrics, *, basis: str) -> str:
    """The denominator a target implies when it states both a count and a percentage."""
    implied = implied_denominator(m)
    if implied is None:
        return ""
    values = {
        "count": number(implied.count),
        "pct": percent(implied.pct, 2),
        "implied": number(implied.implied),
        "basis": basis_phrase(basis),
    }
    text = (
        _(
            "Target menyebut %(count)s peserta sekaligus %(pct)s; keduanya hanya cocok dengan "
            "penyebut %(implied)s pekerja."
        )
        % values
    )
    stored, difference = implied.stored, implied.difference
    if stored is None or difference is None:
        return text
    values.update(
        stored=number(stored),
        difference=percent(abs(difference), 1),
    )
    if difference > 0:
        text += (
            " "
            + _("Angka itu %(difference)s di atas penyebut %(basis)s yang tersimpan (%(stored)s).")
            % values
        )
    elif difference < 0:
        text += (
            " "
            + _("Angka itu %(difference)s di bawah penyebut %(basis)s yang tersimpan (%(stored)s).")
            % values
        )
    else:
        text += " " + _("Angka itu sama dengan penyebut %(basis)s yang tersimpan.") % values
    if implied.mismatch:
        text += " " + _(
            "Selisih lebih dari 5%: target dan penyebut kemungkinan memakai basis yang berbeda."
        )
    else:
        text += " " + _("Selisihnya masih dalam batas 5%.")
    return text
