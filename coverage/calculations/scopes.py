"""The areas a summary is about (province, branch, region) and the frames that name them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import pandas as pd

PROVINCE_CODE = "53"

ScopeKind = Literal["province", "branch", "region"]


@dataclass(frozen=True)
class Scope:
    """The province, a branch or a region, with the regions it is made of."""

    kind: ScopeKind
    code: str
    name: str
    region_codes: frozenset[str]
    branch_code: str | None = None  # the branch a region belongs to


@dataclass(frozen=True)
class ReferenceFrames:
    """What the summary needs to know about the organisation, as frames."""

    regions: pd.DataFrame  # region_code, name, branch_code
    branches: pd.DataFrame  # branch_code, name
    sectors: pd.DataFrame  # sector_code, name
    segments: pd.DataFrame  # segment_code, name, is_formal

    @cached_property
    def _regions_by_branch(self) -> dict[str, frozenset[str]]:
        grouped: dict[str, set[str]] = {}
        for code, branch in zip(
            self.regions["region_code"], self.regions["branch_code"], strict=True
        ):
            grouped.setdefault(str(branch), set()).add(str(code))
        return {branch: frozenset(codes) for branch, codes in grouped.items()}

    def region_codes_of_branch(self, branch_code: str) -> frozenset[str]:
        return self._regions_by_branch.get(branch_code, frozenset())

    def province(self) -> Scope:
        return Scope(
            kind="province",
            code=PROVINCE_CODE,
            name="Nusa Tenggara Timur",
            region_codes=frozenset(str(code) for code in self.regions["region_code"]),
        )

    @cached_property
    def _branch_names(self) -> dict[str, str]:
        return {
            str(code): str(name)
            for code, name in zip(self.branches["branch_code"], self.branches["name"], strict=True)
        }

    @cached_property
    def _region_info(self) -> dict[str, tuple[str, str]]:
        """Region code → (name, branch code)."""
        return {
            str(code): (str(name), str(branch))
            for code, name, branch in zip(
                self.regions["region_code"],
                self.regions["name"],
                self.regions["branch_code"],
                strict=True,
            )
        }

    def scope(self, code: str) -> Scope | None:
        """The scope named by ``code``: ``53``, a branch code or a region's BPS code."""
        code = code.strip()
        if code == PROVINCE_CODE:
            return self.province()
        branch_name = self._branch_names.get(code.upper())
        if branch_name is not None:
            return Scope(
                kind="branch",
                code=code.upper(),
                name=branch_name,
                region_codes=self.region_codes_of_branch(code.upper()),
            )
        region = self._region_info.get(code)
        if region is not None:
            return Scope(
                kind="region",
                code=code,
                name=region[0],
                region_codes=frozenset([code]),
                branch_code=region[1],
            )
        return None
