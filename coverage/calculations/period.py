"""The reported month: ``Period``, parsed from ``YYYY-MM`` and shifted by whole months."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")


class InvalidPeriod(ValueError):
    """A period string that is not ``YYYY-MM`` with a month from 01 to 12."""


@dataclass(frozen=True, order=True)
class Period:
    """A reported month; counts are end-of-month stocks."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD_RE.match(text.strip())
        if not match:
            raise InvalidPeriod(text)
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12 or year < 2000:
            raise InvalidPeriod(text)
        return cls(year, month)

    @classmethod
    def from_index(cls, index: int) -> Period:
        # Periods are immutable: one instance per month, built once. A summary
        # shifts and looks up months some thousands of times (run rates, monthly
        # changes of thirty areas); building a frozen dataclass each time showed.
        period = _PERIODS_BY_INDEX.get(index)
        if period is None:
            period = _PERIODS_BY_INDEX.setdefault(index, cls(index // 12, index % 12 + 1))
        return period

    @property
    def index(self) -> int:
        """Months since year 0, so that consecutive months differ by one."""
        return self.year * 12 + self.month - 1

    def shift(self, months: int) -> Period:
        return Period.from_index(self.index + months)

    def __hash__(self) -> int:
        # Equal periods have equal indexes; cheaper than hashing a (year, month) tuple.
        return self.year * 12 + self.month

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


_PERIODS_BY_INDEX: dict[int, Period] = {}
