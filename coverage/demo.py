"""Synthetic but plausible demo data ("Data contoh"), built as plain records.

No real per-region participant series is public. These figures follow the public
province totals (≈ 550 thousand active in early 2025 on a UCJ base of ≈ 1.63
million; BPS labour force 3.12 million), spread over regions by population, over
segments with informal (BPU) far below formal, and over sectors with agriculture
the largest workforce and the lowest coverage. The series is deterministic for a
given seed so that screenshots and tests are repeatable.
"""

from __future__ import annotations

import csv
import math
from decimal import Decimal
from pathlib import Path

import numpy as np

from .calculations import Period
from .programme_records import CommitmentRecord, EnrolmentRecord, ProgrammeRecord, QuotaRecord
from .records import ParticipantRecord, TargetRecord, WorkforceRecord

FIRST_PERIOD = Period(2023, 1)
LAST_PERIOD = Period(2025, 4)
DEMO_SOURCE = "Data contoh (sintetis)"

# BPS mid-2024 population as reported in the press; only used to spread demo data.
POPULATION = {
    "5301": 155_013, "5302": 259_261, "5303": 380_212, "5304": 481_281, "5305": 275_439,
    "5306": 235_709, "5307": 225_020, "5308": 143_345, "5309": 292_523, "5310": 340_327,
    "5311": 281_371, "5312": 174_088, "5313": 334_464, "5314": 152_950, "5315": 276_284,
    "5316": 92_354, "5317": 328_771, "5318": 168_355, "5319": 296_174, "5320": 94_797,
    "5321": 193_510, "5371": 474_801,
}  # fmt: skip

# How much more (or less) enrolled a region is than its population suggests:
# the city and the border regency Belu far ahead, Malaka far behind (press reports).
REGION_PROPENSITY = {
    "5371": 3.2, "5306": 2.6, "5311": 1.55, "5310": 1.3, "5315": 1.35, "5321": 0.12,
    "5317": 0.55, "5304": 0.65, "5316": 0.5, "5320": 0.6, "5319": 0.7, "5314": 0.8,
    "5308": 0.9, "5307": 0.85, "5309": 1.1, "5312": 1.15, "5318": 0.95, "5303": 0.9,
    "5305": 0.8, "5302": 1.05, "5301": 0.75, "5313": 1.0,
}  # fmt: skip

# Share of the BPS labour force by KBLI section (NTT: about half in agriculture,
# trade ≈ 12.5 %, manufacturing ≈ 9.4 %).
WORKFORCE_SECTOR_SHARE = {
    "A": 0.50, "B": 0.010, "C": 0.094, "D": 0.002, "E": 0.003, "F": 0.040, "G": 0.125,
    "H": 0.030, "I": 0.030, "J": 0.005, "K": 0.007, "L": 0.002, "M": 0.004, "N": 0.006,
    "O": 0.040, "P": 0.052, "Q": 0.018, "R": 0.003, "S": 0.025, "T": 0.003, "U": 0.001,
}  # fmt: skip

# Participants by segment and sector (weights within a segment, each set summing to 1),
# chosen so that no sector's participants exceed its BPS labour force.
SEGMENT_SHARE = {"PU": 0.655, "BPU": 0.255, "JAKON": 0.065, "PMI": 0.025}
SEGMENT_SECTORS = {
    "PU": {
        "A": 0.06, "B": 0.01, "C": 0.102, "D": 0.008, "E": 0.01, "F": 0.04, "G": 0.17, "H": 0.05,
        "I": 0.06, "J": 0.03, "K": 0.04, "L": 0.01, "M": 0.02, "N": 0.04, "O": 0.14, "P": 0.12,
        "Q": 0.07, "R": 0.01, "S": 0.01,
    },
    "BPU": {"A": 0.42, "C": 0.10, "G": 0.22, "H": 0.12, "I": 0.06, "S": 0.08},
    "JAKON": {"F": 1.0},
    "PMI": {"A": 0.35, "C": 0.25, "T": 0.40},
}  # fmt: skip

PROVINCE_ACTIVE_START = 381_000  # January 2023
MONTHLY_GROWTH = 0.0115
NONACTIVE_SHARE = 0.16


def _periods() -> list[Period]:
    return [Period.from_index(i) for i in range(FIRST_PERIOD.index, LAST_PERIOD.index + 1)]


def _season(month: int) -> float:
    """January loses contract workers that are not renewed; December adds year-end hires."""
    return {1: 0.985, 2: 0.992, 6: 1.004, 12: 1.008}.get(month, 1.0)


def region_weights() -> dict[str, float]:
    raw = {code: pop * REGION_PROPENSITY.get(code, 1.0) for code, pop in POPULATION.items()}
    total = sum(raw.values())
    return {code: value / total for code, value in raw.items()}


def demo_counts(seed: int = 2025) -> list[ParticipantRecord]:
    """Monthly counts from January 2023 to April 2025 for every region × sector × segment."""
    rng = np.random.default_rng(seed)
    weights = region_weights()
    counts: list[ParticipantRecord] = []
    # Informal (BPU) grows a little faster than formal: the drive for informal workers.
    segment_growth = {"PU": 1.0, "BPU": 1.25, "JAKON": 1.1, "PMI": 0.8}
    for step, period in enumerate(_periods()):
        for region_code, region_weight in weights.items():
            region_trend = 1.0 + rng.normal(0.0, 0.002)
            for segment_code, segment_share in SEGMENT_SHARE.items():
                # Kota Kupang is mostly formal; rural regencies lean informal.
                formal_tilt = 1.25 if region_code == "5371" and segment_code != "BPU" else 1.0
                growth = (1.0 + MONTHLY_GROWTH * segment_growth[segment_code]) ** step
                for sector_code, sector_share in SEGMENT_SECTORS[segment_code].items():
                    expected = (
                        PROVINCE_ACTIVE_START
                        * region_weight
                        * segment_share
                        * sector_share
                        * formal_tilt
                        * growth
                        * _season(period.month)
                        * region_trend
                    )
                    active = max(int(round(expected * (1.0 + rng.normal(0.0, 0.004)))), 0)
                    nonactive = int(round(active * NONACTIVE_SHARE * (1.0 + rng.normal(0.0, 0.05))))
                    counts.append(
                        ParticipantRecord(
                            year=period.year,
                            month=period.month,
                            region_code=region_code,
                            sector_code=sector_code,
                            segment_code=segment_code,
                            active=active,
                            nonactive=max(nonactive, 0),
                        )
                    )
    return counts


def demo_workforce() -> list[WorkforceRecord]:
    """Province and region denominators on both bases, plus BPS figures by sector.

    BPS labour force has no 2025 row on purpose: 2025 coverage on that basis uses
    the August 2024 figure (3.12 million), and the pages say so.
    """
    province_bps = {2023: 3_050_000, 2024: 3_120_000}
    province_ucj = {2023: 1_500_000, 2024: 1_548_600, 2025: 1_626_300}
    population = sum(POPULATION.values())
    rows: list[WorkforceRecord] = []

    def add(
        year: int, area: str | None, sector: str | None, basis: str, workers: float, source: str
    ) -> None:
        """One figure, rounded to whole workers."""
        rows.append(WorkforceRecord(year, area, sector, basis, round(workers), source))

    for year, workers in province_bps.items():
        add(year, None, None, "BPS_AK", workers, f"BPS Sakernas Agustus {year}")
        by_sector = f"BPS Sakernas Agustus {year}, menurut lapangan usaha (contoh)"
        for sector_code, share in WORKFORCE_SECTOR_SHARE.items():
            add(year, None, sector_code, "BPS_AK", workers * share, by_sector)
    for year, workers in province_ucj.items():
        add(year, None, None, "UCJ", workers, f"BPJS Ketenagakerjaan, basis UCJ {year}")
    for region_code, pop in POPULATION.items():
        share = pop / population
        # Towns have fewer farmers and more wage earners eligible under UCJ.
        ucj_tilt = 1.6 if region_code == "5371" else 1.0
        for year, workers in province_bps.items():
            source = f"Sebaran {DEMO_SOURCE} dari BPS {year}"
            add(year, region_code, None, "BPS_AK", workers * share, source)
        for year, workers in province_ucj.items():
            eligible = workers * share * ucj_tilt / _ucj_tilt_norm()
            source = f"Sebaran {DEMO_SOURCE} dari basis UCJ {year}"
            add(year, region_code, None, "UCJ", eligible, source)
    return rows


def _ucj_tilt_norm() -> float:
    population = sum(POPULATION.values())
    return (population + 0.6 * POPULATION["5371"]) / population


def demo_targets() -> list[TargetRecord]:
    """2025: 1,000,000 participants / 60 % (UCJ) for the province, as announced on
    29 April 2025; branch targets that add up to it, and a few regency targets."""
    branch_counts = {
        "KUPANG": 430_000,
        "ATAMBUA": 150_000,
        "LABUAN_BAJO": 130_000,
        "MAUMERE": 115_000,
        "ENDE": 95_000,
        "WAINGAPU": 80_000,
    }
    targets = [
        TargetRecord(2025, "province", "53", "UCJ", 1_000_000, Decimal("60"),
                   "Target Kepala Cabang BP Jamsostek NTT, 29 April 2025"),
        TargetRecord(2024, "province", "53", "UCJ", 660_000, None, "Target 2024 (contoh)"),
        TargetRecord(2023, "province", "53", "UCJ", 560_000, None, "Target 2023 (contoh)"),
        TargetRecord(2025, "region", "5371", "UCJ", 190_000, None, "Target Kota Kupang (contoh)"),
        TargetRecord(2025, "region", "5306", "UCJ", None, Decimal("95"), "Target Belu (contoh)"),
    ]  # fmt: skip
    for code, count in branch_counts.items():
        targets.append(
            TargetRecord(2025, "branch", code, "UCJ", count, None, "Target cabang (contoh)")
        )
    return targets


def expected_province_active(period: Period) -> int:
    """Rough size of the province total, for sanity checks in tests."""
    step = period.index - FIRST_PERIOD.index
    return int(PROVINCE_ACTIVE_START * math.pow(1 + MONTHLY_GROWTH, step))


# --- Pemda programmes (Data contoh) -----------------------------------------------------

DEMO_PROGRAMME_CODE = "PEKERJA-RENTAN-2025"
DEMO_PROGRAMME_WORKERS = 100_000
DEMO_CONTRIBUTION_IDR = 16_800
# Share of the quota enrolled at the end of each month: sign-ups ramp up as the
# regencies' lists of pekerja rentan are verified.
DEMO_ENROLMENT_RAMP = {Period(2025, 2): 0.18, Period(2025, 3): 0.41, Period(2025, 4): 0.63}
DEMO_REGENCY_PROGRAMME_CODE = "PERANGKAT-DESA-SIKKA-2025"
DEMO_REGENCY_RAMP = {
    Period(2025, 1): 1_150,
    Period(2025, 2): 1_310,
    Period(2025, 3): 1_420,
    Period(2025, 4): 1_465,
}
# The Pemda commitments of 2025, as a ``commitments`` import file (docs/import-formats.md).
DEMO_COMMITMENTS_CSV = Path(__file__).resolve().parent.parent / "fixtures" / "demo_commitments.csv"


def demo_programme_quotas() -> dict[str, int]:
    """The 100.000 workers spread over the 22 regencies by population (largest remainder)."""
    total = sum(POPULATION.values())
    exact = {code: DEMO_PROGRAMME_WORKERS * pop / total for code, pop in POPULATION.items()}
    quotas = {code: math.floor(value) for code, value in exact.items()}
    short = DEMO_PROGRAMME_WORKERS - sum(quotas.values())
    for code in sorted(exact, key=lambda c: (quotas[c] - exact[c], c))[:short]:
        quotas[code] += 1
    return quotas


def demo_programmes(
    seed: int = 2025,
) -> tuple[list[ProgrammeRecord], list[QuotaRecord], list[EnrolmentRecord], list[CommitmentRecord]]:
    """Programmes, quotas, monthly enrolment and 2025 commitments, as programme records.

    A provincial programme for 100.000 pekerja rentan (February–December 2025,
    Rp16.800 a month, a budget of twelve months at full quota) and a regency-funded
    one for Sikka's perangkat desa; names say "Data contoh".
    """
    rng = np.random.default_rng(seed)
    programmes = [
        ProgrammeRecord(
            code=DEMO_PROGRAMME_CODE,
            name="Perlindungan 100.000 pekerja rentan (Data contoh)",
            funder_code="53",
            year=2025,
            budget_idr=DEMO_PROGRAMME_WORKERS * DEMO_CONTRIBUTION_IDR * 12,
            contribution_idr=DEMO_CONTRIBUTION_IDR,
            start_year=2025,
            start_month=2,
            end_year=2025,
            end_month=12,
        ),
        ProgrammeRecord(
            code=DEMO_REGENCY_PROGRAMME_CODE,
            name="Perangkat desa Kabupaten Sikka (Data contoh)",
            funder_code="5310",
            year=2025,
            budget_idr=1_600 * DEMO_CONTRIBUTION_IDR * 12,
            contribution_idr=DEMO_CONTRIBUTION_IDR,
            start_year=2025,
            start_month=1,
            end_year=2025,
            end_month=12,
        ),
    ]
    quotas = demo_programme_quotas()
    quota_records = [
        QuotaRecord(programme_code=DEMO_PROGRAMME_CODE, region_code=code, quota=quota)
        for code, quota in sorted(quotas.items())
    ]
    quota_records.append(
        QuotaRecord(programme_code=DEMO_REGENCY_PROGRAMME_CODE, region_code="5310", quota=1_600)
    )
    # Some regencies verify their lists faster than others; the pace holds month to month.
    speed = {code: float(np.clip(rng.normal(1.0, 0.22), 0.45, 1.45)) for code in sorted(quotas)}
    enrolment = [
        EnrolmentRecord(
            year=period.year,
            month=period.month,
            programme_code=DEMO_PROGRAMME_CODE,
            region_code=code,
            enrolled=min(quotas[code], int(round(quotas[code] * share * speed[code]))),
        )
        for period, share in DEMO_ENROLMENT_RAMP.items()
        for code in sorted(quotas)
    ]
    enrolment += [
        EnrolmentRecord(
            year=period.year,
            month=period.month,
            programme_code=DEMO_REGENCY_PROGRAMME_CODE,
            region_code="5310",
            enrolled=enrolled,
        )
        for period, enrolled in DEMO_REGENCY_RAMP.items()
    ]
    with DEMO_COMMITMENTS_CSV.open(encoding="utf-8", newline="") as file:
        commitments = [
            CommitmentRecord(
                year=int(row["year"]),
                region_code=row["region_code"],
                regulation=row["regulation"],
                budget_idr=int(row["budget_idr"]),
                village_apparatus_total=int(row["village_apparatus_total"]),
                village_apparatus_covered=int(row["village_apparatus_covered"]),
            )
            for row in csv.DictReader(file)
        ]
    return programmes, quota_records, enrolment, commitments
