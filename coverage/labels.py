"""The words for the product's codes: statuses, bases, target sources, lever and segment
kinds and the months of the period pickers, each in every form the product uses.

One table per concept, with the Indonesian msgids (``gettext_noop``) translated when
read, so a label follows the active language and each msgid lives in one place.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

from .completeness import Completeness
from .formatting import month_year

# status → (as a badge shows it, as a sentence says it)
STATUS: dict[str, tuple[str, str]] = {
    "achieved": (gettext_noop("Tercapai"), gettext_noop("tercapai")),
    "on_track": (gettext_noop("Sesuai jalur"), gettext_noop("sesuai jalur")),
    "at_risk": (gettext_noop("Berisiko"), gettext_noop("berisiko")),
    "off_track": (gettext_noop("Tertinggal"), gettext_noop("tertinggal")),
    "missed": (gettext_noop("Tidak tercapai"), gettext_noop("tidak tercapai")),
    "insufficient_data": (gettext_noop("Data belum cukup"), gettext_noop("data belum cukup")),
    "incomplete": (gettext_noop("Belum lengkap"), gettext_noop("data belum lengkap")),
    "no_target": (gettext_noop("Belum ada target"), gettext_noop("belum ada target")),
}

# basis → (in a sentence or a title, short as a source note says it, in the basis picker);
# any other code reads as the BPS labour force
BASIS: dict[str, tuple[str, str, str]] = {
    "UCJ": (gettext_noop("basis UCJ"), gettext_noop("UCJ"), gettext_noop("UCJ")),
    "BPS_AK": (
        gettext_noop("angkatan kerja BPS"),
        gettext_noop("angkatan kerja BPS"),
        gettext_noop("Angkatan kerja BPS"),
    ),
}

# where a scope's target comes from
TARGET_SOURCE: dict[str, str] = {
    "set": gettext_noop("ditetapkan"),
    "allocated": gettext_noop("dialokasikan"),
}

# a planner lever's kind (``coverage.scenarios.LEVER_KINDS``), as its form offers it
LEVER_KIND: dict[str, str] = {
    "rei": gettext_noop("Kemitraan REI (PU, F dan L)"),
    "informal": gettext_noop("Gerakan informal BPU (cabang)"),
    "pemprov": gettext_noop("Program Pemprov NTT"),
    "custom": gettext_noop("Pengungkit lain"),
}

# whether a segment is formal employment
SEGMENT_KIND: dict[bool, str] = {True: gettext_noop("formal"), False: gettext_noop("informal")}


def status_label(status: str) -> str:
    """The status as a badge shows it: Sesuai jalur."""
    return gettext(STATUS[status][0]) if status in STATUS else status


def status_words(status: str) -> str:
    """The status as a sentence says it: sesuai jalur."""
    return gettext(STATUS[status][1]) if status in STATUS else status


def _basis(basis: str) -> tuple[str, str, str]:
    return BASIS["UCJ"] if basis == "UCJ" else BASIS["BPS_AK"]


def basis_phrase(basis: str) -> str:
    """The basis in a sentence or a title: basis UCJ, angkatan kerja BPS."""
    return gettext(_basis(basis)[0])


def basis_short(basis: str) -> str:
    """The basis as a source note names it: UCJ, angkatan kerja BPS."""
    return gettext(_basis(basis)[1])


def basis_choices() -> list[tuple[str, str]]:
    """The basis picker: (code, label) per basis."""
    return [(code, gettext(forms[2])) for code, forms in BASIS.items()]


def target_source(source: str | None) -> str:
    """ "ditetapkan" or "dialokasikan" (from the target above); nothing without a source."""
    return gettext(TARGET_SOURCE[source]) if source in TARGET_SOURCE else ""


def segment_kind(formal: bool) -> str:
    """ "formal" or "informal"."""
    return gettext(SEGMENT_KIND[bool(formal)])


def lever_kind_choices() -> list[tuple[str, str]]:
    """The lever form's kinds: (code, label)."""
    return [(kind, gettext(label)) for kind, label in LEVER_KIND.items()]


def period_label(choice: Completeness) -> str:
    """A month as a picker lists it: "Mei 2025", or "Mei 2025 — belum lengkap, 1/22"."""
    if choice.complete:
        return month_year(choice.period)
    return gettext("%(month)s — belum lengkap, %(reported)s/%(expected)s") % {
        "month": month_year(choice.period),
        "reported": choice.regions_reported,
        "expected": choice.regions_expected,
    }
