"""Loaded data → everything a page, export, PDF or narrative shows, derived once (pure).

No Django, no ORM, no formatting: dataclasses of exact numbers (``int``,
``Fraction``, ``Period``) and codes. The views, the downloads, the PDF and
``coverage.narrative`` only translate and format what these return, so no two of
them can disagree on a figure.

- ``rows``: table rows (who is behind, gaps and paces, totals, sectors, segments);
- ``series``: the progress chart's lines and the 80 % band, the scenarios' paths;
- ``answers``: the answer sentence, the probability in words, the run rate's span,
  the implied denominator;
- ``completeness``: what is said about a half-reported month.
"""

from .answers import (
    Answer,
    Chance,
    ImpliedDenominator,
    answer,
    chance,
    implied_denominator,
    probability_bound,
    reached_after_deadline,
    run_rate_span,
)
from .completeness import ReportingNotice, incomplete_notice, region_names, reporting_notice
from .rows import (
    STATUS_TONES,
    BehindRow,
    GapRow,
    SectorRow,
    SegmentRow,
    Tone,
    TotalRow,
    behind_row,
    behind_rows,
    behind_sort_key,
    formal_codes,
    formal_split,
    furthest_behind,
    gap_rows,
    largest_gap_first,
    sector_rows,
    segment_order,
    segment_rows,
    share_pct,
    status_tone,
    target_pct,
    total_row,
)
from .series import (
    ProgressSeries,
    actual_series,
    band_series,
    points,
    progress_series,
    scenario_series,
)

__all__ = [
    "STATUS_TONES",
    "Answer",
    "BehindRow",
    "Chance",
    "GapRow",
    "ImpliedDenominator",
    "ProgressSeries",
    "ReportingNotice",
    "SectorRow",
    "SegmentRow",
    "Tone",
    "TotalRow",
    "actual_series",
    "answer",
    "band_series",
    "behind_row",
    "behind_rows",
    "behind_sort_key",
    "chance",
    "formal_codes",
    "formal_split",
    "furthest_behind",
    "gap_rows",
    "implied_denominator",
    "incomplete_notice",
    "largest_gap_first",
    "points",
    "probability_bound",
    "progress_series",
    "reached_after_deadline",
    "region_names",
    "reporting_notice",
    "run_rate_span",
    "scenario_series",
    "sector_rows",
    "segment_order",
    "segment_rows",
    "share_pct",
    "status_tone",
    "target_pct",
    "total_row",
]
