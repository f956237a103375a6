"""Clean, validated records: what importers produce and services write.

Plain frozen dataclasses so that parsing (``importers``), demo data (``demo``) and
writing (``services``) share one vocabulary without depending on each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class ParticipantRecord:
    year: int
    month: int
    region_code: str
    sector_code: str
    segment_code: str
    active: int
    nonactive: int = 0

    @property
    def key(self) -> tuple[int, int, str, str, str]:
        return (self.year, self.month, self.region_code, self.sector_code, self.segment_code)


@dataclass(frozen=True)
class WorkforceRecord:
    year: int
    region_code: str | None  # None: the whole province
    sector_code: str | None  # None: all sectors
    basis: str
    workers: int
    source: str

    @property
    def key(self) -> tuple[int, str | None, str | None, str]:
        return (self.year, self.region_code, self.sector_code, self.basis)


@dataclass(frozen=True)
class TargetRecord:
    year: int
    scope_type: str  # province | branch | region
    scope_code: str
    basis: str
    target_count: int | None
    target_pct: Decimal | None
    note: str = ""

    @property
    def key(self) -> tuple[int, str, str, str]:
        return (self.year, self.scope_type, self.scope_code, self.basis)
