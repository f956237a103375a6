"""Clean records of the Pemda programme imports: what ``importers.programmes`` produces
and the programme services write (plain frozen dataclasses, like ``coverage.records``)."""

from __future__ import annotations

from dataclasses import dataclass

from .programmes import Commitment


@dataclass(frozen=True)
class ProgrammeRecord:
    code: str
    name: str
    funder_code: str  # "53" or a regency's BPS code
    year: int
    budget_idr: int
    contribution_idr: int
    start_year: int
    start_month: int
    end_year: int
    end_month: int

    @property
    def key(self) -> tuple[str]:
        return (self.code,)


@dataclass(frozen=True)
class QuotaRecord:
    programme_code: str
    region_code: str
    quota: int

    @property
    def key(self) -> tuple[str, str]:
        return (self.programme_code, self.region_code)


@dataclass(frozen=True)
class EnrolmentRecord:
    year: int
    month: int
    programme_code: str
    region_code: str
    enrolled: int

    @property
    def key(self) -> tuple[int, int, str, str]:
        return (self.year, self.month, self.programme_code, self.region_code)


@dataclass(frozen=True)
class CommitmentRecord(Commitment):
    """A regency's commitment (``programmes.Commitment``) for the year it is imported for."""

    year: int

    @property
    def key(self) -> tuple[int, str]:
        return (self.year, self.region_code)


ProgrammeImportRecord = ProgrammeRecord | QuotaRecord | EnrolmentRecord | CommitmentRecord
