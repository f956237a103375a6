"""The monthly entry grid's rules: what a typed cell means, and what needs a second look.

Errors stop a save (not a whole non-negative number, emptying a stored count, a
new cell whose non-active count is missing while last month had one).
Warnings do not: a change of more than ±30% from last month, or a regency's
segment total more than 3 standard deviations from its own history, needs a tick
("Saya sudah memeriksa") and a comment, and is then saved like any other value.
No Django here beyond translation and number formats, so the rules are tested
without a request. The upload preview applies the same rules to a file
(``check_grid`` per regency and month): one rule, two faces.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

from django.utils.formats import get_format
from django.utils.translation import gettext as _

from ..formatting import HYPHEN, number
from ..importers import MAX_COUNT

CHANGE_LIMIT = 0.30
Z_LIMIT = 3.0
Z_MIN_HISTORY = 4
HISTORY_MONTHS = 24

Cell = tuple[str, str]  # (sector code, segment code)

_WHOLE_RE = re.compile(r"^\d+$")


# The grid's messages cut decimals off (a mean of 1.234,7 is "1.234"), as they always have.
_n = partial(number, truncate=True, minus=HYPHEN)


def parse_cell(text: str) -> tuple[int | None, str | None]:
    """``(value, error)`` of a typed cell; an empty cell is ``(None, None)``.

    Digits with or without the reader's thousands marks (``12.345`` in Indonesian,
    ``12,345`` in English) are accepted because the grid formats numbers that way
    while they are typed; a decimal mark or a fraction is not a whole number.
    """
    mark = str(get_format("THOUSAND_SEPARATOR"))
    text = text.strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        return None, None
    grouped = re.compile(r"^-?\d{1,3}(?:" + re.escape(mark) + r"\d{3})+$")
    if mark and grouped.match(text):
        text = text.replace(mark, "")
    if text.startswith("-") and _WHOLE_RE.match(text[1:]):
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
    nonactive: dict[Cell, int] = field(default_factory=dict)
    errors: dict[Cell, str] = field(default_factory=dict)
    nonactive_errors: dict[Cell, str] = field(default_factory=dict)
    warnings: dict[Cell, str] = field(default_factory=dict)
    column_warnings: dict[str, str] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.values)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.nonactive_errors)

    @property
    def has_warnings(self) -> bool:
        return bool(self.warnings or self.column_warnings)


def check_grid(
    *,
    typed: Mapping[Cell, str],
    stored: Mapping[Cell, int],
    previous: Mapping[Cell, int],
    history: Mapping[str, Sequence[int]],
    typed_nonactive: Mapping[Cell, str] | None = None,
    stored_nonactive: Mapping[Cell, int] | None = None,
    previous_nonactive: Mapping[Cell, int] | None = None,
) -> GridCheck:
    """Check the typed cells against the stored month, last month and the regency's history.

    ``values`` (active) and ``nonactive`` hold only cells whose pair differs from
    what is stored (new or changed); only changed active counts are warned about.
    A non-active count that was not typed keeps its stored value; a new cell needs
    one when last month had non-active participants, so nothing becomes 0 unseen.
    ``history`` is, per segment, the regency's monthly totals (all sectors) of the
    months before this one.
    """
    typed_nonactive = typed_nonactive or {}
    stored_nonactive = stored_nonactive or {}
    previous_nonactive = previous_nonactive or {}
    check = GridCheck()
    for cell in sorted(set(typed) | set(typed_nonactive)):
        value, error = parse_cell(typed.get(cell, ""))
        if cell not in typed and cell in stored:
            value = stored[cell]
        if error:
            check.errors[cell] = error
        elif value is None and cell in stored:
            check.errors[cell] = _("tidak boleh dikosongkan; isi 0 bila tidak ada peserta")
        nonactive = _nonactive_of(
            cell,
            typed_nonactive.get(cell),
            stored=stored_nonactive,
            previous=previous_nonactive,
            active_given=value is not None,
            check=check,
        )
        if cell in check.errors or cell in check.nonactive_errors or value is None:
            continue
        if stored.get(cell) == value and stored_nonactive.get(cell, 0) == nonactive:
            continue
        check.values[cell] = value
        check.nonactive[cell] = nonactive
        before = previous.get(cell)
        if before and stored.get(cell) != value:
            change = (value - before) / before
            if abs(change) > CHANGE_LIMIT:
                check.warnings[cell] = _(
                    "berubah %(change)s%% dari bulan lalu (%(before)s); periksa kembali"
                ) % {
                    "change": ("+" if change > 0 else "−") + _n(abs(change) * 100),
                    "before": _n(before),
                }
    if check.has_errors:
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
                "z": _n(z, 1),
                "mean": _n(statistics.fmean(series)),
            }
    return check


def _nonactive_of(
    cell: Cell,
    text: str | None,
    *,
    stored: Mapping[Cell, int],
    previous: Mapping[Cell, int],
    active_given: bool,
    check: GridCheck,
) -> int:
    """The non-active count to save with ``cell`` (errors go to ``check``)."""
    value, error = parse_cell(text or "")
    if error:
        check.nonactive_errors[cell] = error
        return 0
    if value is not None:
        if not active_given:
            check.nonactive_errors[cell] = _("isi juga jumlah peserta aktif sel ini")
        return value
    if cell in stored:
        if text is not None:
            check.nonactive_errors[cell] = _(
                "tidak boleh dikosongkan; isi 0 bila tidak ada peserta nonaktif"
            )
        return stored[cell]
    before = previous.get(cell, 0)
    if active_given and before:
        check.nonactive_errors[cell] = _(
            "isi jumlah peserta nonaktif (bulan lalu %(before)s); isi 0 bila tidak ada"
        ) % {"before": _n(before)}
    return 0


# --- the same rules over an uploaded file ----------------------------------------------------

RegionMonth = tuple[int, int, str]  # (year, month, region code)


@dataclass
class RegionMonthCheck:
    """One regency-month of an upload: its totals before and after, and what needs a look."""

    year: int
    month: int
    region_code: str
    total: int
    previous_total: int | None
    changed_cells: int
    warnings: list[str] = field(default_factory=list)

    @property
    def period(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def change_pct(self) -> float | None:
        """Change of the regency's total from last month, in percent (None: no last month)."""
        if not self.previous_total:
            return None
        return 100 * (self.total - self.previous_total) / self.previous_total

    @property
    def flagged(self) -> bool:
        return bool(self.warnings)

    @property
    def ack_name(self) -> str:
        """The form field of its tick; its comment is ``note-`` + the same suffix."""
        return f"ack-{self.period}-{self.region_code}"

    @property
    def note_name(self) -> str:
        return f"note-{self.period}-{self.region_code}"


def check_upload(
    *,
    uploaded: Mapping[RegionMonth, Mapping[Cell, tuple[int, int]]],
    stored: Mapping[RegionMonth, Mapping[Cell, tuple[int, int]]],
    history: Mapping[RegionMonth, Mapping[str, Sequence[int]]],
) -> list[RegionMonthCheck]:
    """The grid's checks (``check_grid``) for each regency-month of a file.

    ``uploaded`` and ``stored`` map a regency-month to ``{cell: (active, nonactive)}``;
    ``stored`` also holds the months before the uploaded ones. Last month is the
    stored month overlaid with the file's rows for it, so a file of several months
    is checked month against month. ``history`` is, per regency-month, each
    segment's monthly totals of the months before (as for the grid).
    """
    checks = []
    for key in sorted(uploaded):
        year, month, region = key
        before_key = (year - 1, 12, region) if month == 1 else (year, month - 1, region)
        rows = uploaded[key]
        now = dict(stored.get(key, {}))
        previous = {**stored.get(before_key, {}), **uploaded.get(before_key, {})}
        result = check_grid(
            typed={cell: str(pair[0]) for cell, pair in rows.items()},
            stored={cell: pair[0] for cell, pair in now.items()},
            previous={cell: pair[0] for cell, pair in previous.items()},
            history=history.get(key, {}),
            typed_nonactive={cell: str(pair[1]) for cell, pair in rows.items()},
            stored_nonactive={cell: pair[1] for cell, pair in now.items()},
            previous_nonactive={cell: pair[1] for cell, pair in previous.items()},
        )
        warnings = [
            _("sel %(sector)s/%(segment)s: %(warning)s")
            % {"sector": cell[0], "segment": cell[1], "warning": text}
            for cell, text in sorted(result.warnings.items())
        ]
        warnings += [text for _segment, text in sorted(result.column_warnings.items())]
        zeroed = sorted(
            cell
            for cell in result.values
            if result.nonactive[cell] == 0 and previous.get(cell, (0, 0))[1] > 0
        )
        if zeroed:
            # A file may leave ``nonactive`` blank (read as 0): never erase them unseen.
            sector, segment = zeroed[0]
            warnings.append(
                _(
                    "%(count)s sel nonaktif menjadi 0 padahal bulan lalu terisi (mis. "
                    "%(sector)s/%(segment)s: %(before)s); periksa kolom nonactive"
                )
                % {
                    "count": len(zeroed),
                    "sector": sector,
                    "segment": segment,
                    "before": _n(previous[zeroed[0]][1]),
                }
            )
        after = {cell: pair[0] for cell, pair in now.items()} | {
            cell: pair[0] for cell, pair in rows.items()
        }
        checks.append(
            RegionMonthCheck(
                year=year,
                month=month,
                region_code=region,
                total=sum(after.values()),
                previous_total=sum(pair[0] for pair in previous.values()) if previous else None,
                changed_cells=len(result.values),
                warnings=warnings,
            )
        )
    return checks
