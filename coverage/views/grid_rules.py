"""The monthly entry grid's rules: what a typed cell means, and what needs a second look.

Errors stop a save (not a whole non-negative number, emptying a stored count).
Warnings do not: a change of more than ±30% from last month, or a regency's
segment total more than 3 standard deviations from its own history, needs a tick
("Saya sudah memeriksa") and a comment, and is then saved like any other value.
No Django here beyond translation, so the rules are tested without a request.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ..importers import MAX_COUNT

CHANGE_LIMIT = 0.30
Z_LIMIT = 3.0
Z_MIN_HISTORY = 4
HISTORY_MONTHS = 24

Cell = tuple[str, str]  # (sector code, segment code)

_WHOLE_RE = re.compile(r"^\d+$")
_GROUPED_RE = re.compile(r"^\d{1,3}(?:\.\d{3})+$")


def _n(value: float) -> str:
    return number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)


def parse_cell(text: str) -> tuple[int | None, str | None]:
    """``(value, error)`` of a typed cell; an empty cell is ``(None, None)``.

    Indonesian thousands marks (``12.345``) are accepted because the grid shows
    numbers that way; a comma or a fraction is not a whole number.
    """
    text = text.strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        return None, None
    if _GROUPED_RE.match(text):
        text = text.replace(".", "")
    if text.startswith("-") and _WHOLE_RE.match(text[1:].replace(".", "")):
        return None, _("tidak boleh negatif")
    if not _WHOLE_RE.match(text):
        return None, _("harus bilangan bulat tanpa pecahan, misalnya 1250")
    value = int(text)
    if value > MAX_COUNT:
        return None, _("terlalu besar (paling besar %(limit)s)") % {"limit": _n(MAX_COUNT)}
    return value, None


@dataclass
class GridCheck:
    """The outcome of checking one submitted grid."""

    values: dict[Cell, int] = field(default_factory=dict)
    errors: dict[Cell, str] = field(default_factory=dict)
    warnings: dict[Cell, str] = field(default_factory=dict)
    column_warnings: dict[str, str] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.values)

    @property
    def has_warnings(self) -> bool:
        return bool(self.warnings or self.column_warnings)


def check_grid(
    *,
    typed: Mapping[Cell, str],
    stored: Mapping[Cell, int],
    previous: Mapping[Cell, int],
    history: Mapping[str, Sequence[int]],
) -> GridCheck:
    """Check the typed cells against the stored month, last month and the regency's history.

    ``values`` holds only cells whose value differs from what is stored (new or
    changed); only those are warned about. ``history`` is, per segment, the
    regency's monthly totals (all sectors) of the months before this one.
    """
    check = GridCheck()
    for cell, text in typed.items():
        value, error = parse_cell(text)
        if error:
            check.errors[cell] = error
            continue
        if value is None:
            if cell in stored:
                check.errors[cell] = _("tidak boleh dikosongkan; isi 0 bila tidak ada peserta")
            continue
        if stored.get(cell) == value:
            continue
        check.values[cell] = value
        before = previous.get(cell)
        if before:
            change = (value - before) / before
            if abs(change) > CHANGE_LIMIT:
                check.warnings[cell] = _(
                    "berubah %(change)s%% dari bulan lalu (%(before)s); periksa kembali"
                ) % {
                    "change": ("+" if change > 0 else "−")
                    + number_format(abs(change) * 100, decimal_pos=0),
                    "before": _n(before),
                }
    if check.errors:
        return check
    for segment in sorted({segment for _sector, segment in check.values}):
        series = list(history.get(segment, ()))
        if len(series) < Z_MIN_HISTORY:
            continue
        spread = statistics.pstdev(series)
        if spread == 0:
            continue
        total = sum(
            check.values.get(cell, stored.get(cell, 0))
            for cell in set(stored) | set(check.values)
            if cell[1] == segment
        )
        z = (total - statistics.fmean(series)) / spread
        if abs(z) > Z_LIMIT:
            check.column_warnings[segment] = _(
                "total segmen %(segment)s (%(total)s) menyimpang %(z)s simpangan baku dari "
                "riwayat kabupaten/kota ini (rata-rata %(mean)s)"
            ) % {
                "segment": segment,
                "total": _n(total),
                "z": number_format(z, decimal_pos=1),
                "mean": _n(statistics.fmean(series)),
            }
    return check
