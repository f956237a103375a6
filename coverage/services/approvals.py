"""Approving (locking) a month for a branch or the province, and opening it again."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import selectors
from ..calculations import Period
from ..completeness import Completeness
from ..models import (
    PROVINCE_CODE,
    Branch,
    ChangeLog,
    ChangeSource,
    MonthApproval,
    Region,
    ScopeType,
)
from .context import Change, WriteContext, log_changes

APPROVAL_REASON_MIN_LENGTH = 10


class IncompleteApprovalError(Exception):
    """Approving a month that not every expected regency has reported needs a reason."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def approval_completeness(*, year: int, month: int, branch_code: str | None) -> Completeness:
    """How far ``year``-``month`` is reported for a branch (or the province)."""
    regions = Region.objects.all()
    if branch_code:
        regions = regions.filter(branch_id=branch_code)
    codes = [str(code) for code in regions.values_list("bps_code", flat=True)]
    since = Period(year, month)
    return selectors.reporting_ledger(since=since).completeness(since, codes)


@transaction.atomic
def month_approve(
    *, year: int, month: int, branch_code: str | None, user_id: int | None, reason: str = ""
) -> MonthApproval:
    """Approve and lock a month for a branch (or the province with ``branch_code`` None).

    A month that some expected regency has not reported yet is approved only with a
    reason of at least ten characters, kept in the change log beside the approval;
    without it ``IncompleteApprovalError`` is raised and nothing changes.
    """
    scope_type = ScopeType.BRANCH if branch_code else ScopeType.PROVINCE
    if branch_code and not Branch.objects.filter(code=branch_code).exists():
        raise ValueError(branch_code)
    reason = " ".join(reason.split())[:300]
    completeness = approval_completeness(year=year, month=month, branch_code=branch_code)
    rate = f"{completeness.regions_reported}/{completeness.regions_expected}"
    if not completeness.complete and len(reason) < APPROVAL_REASON_MIN_LENGTH:
        raise IncompleteApprovalError(
            _(
                "Bulan ini belum lengkap (%(rate)s kabupaten/kota sudah melapor): tulis alasan "
                "menyetujuinya, paling sedikit %(min)s karakter."
            )
            % {"rate": rate, "min": APPROVAL_REASON_MIN_LENGTH}
        )
    new_value = (
        _("disetujui dan dikunci")
        if completeness.complete
        else _("disetujui dan dikunci saat belum lengkap (%(rate)s): %(reason)s")
        % {"rate": rate, "reason": reason}
    )
    approval, _created = MonthApproval.objects.select_for_update().get_or_create(
        year=year,
        month=month,
        scope_type=scope_type,
        branch_id=branch_code,
        defaults={"approved_by_id": user_id, "approved_at": timezone.now()},
    )
    approval.locked = True
    approval.approved_by_id = user_id
    approval.approved_at = timezone.now()
    approval.save()
    _log_approval(approval, user_id=user_id, reason=reason, old="", new=new_value[:300])
    return approval


@transaction.atomic
def month_unlock(
    *, year: int, month: int, branch_code: str | None, user_id: int | None, reason: str
) -> MonthApproval:
    """Open a locked month again; the reason is required and kept in the change log."""
    reason = reason.strip()
    if not reason:
        raise ValueError(_("Alasan membuka kunci wajib diisi."))
    scope_type = ScopeType.BRANCH if branch_code else ScopeType.PROVINCE
    approval = MonthApproval.objects.select_for_update().get(
        year=year, month=month, scope_type=scope_type, branch_id=branch_code
    )
    approval.locked = False
    approval.unlocked_by_id = user_id
    approval.unlocked_at = timezone.now()
    approval.unlock_reason = reason[:500]
    approval.save()
    new = _("dibuka: %(reason)s") % {"reason": reason}
    _log_approval(approval, user_id=user_id, reason=reason, old=_("dikunci"), new=new)
    return approval


def _log_approval(
    approval: MonthApproval, *, user_id: int | None, reason: str, old: str, new: str
) -> None:
    """One change-log row for locking or opening a month; the reason as the source detail."""
    year, month, branch = approval.year, approval.month, approval.branch_id
    log_changes(
        WriteContext(user_id=user_id, source=ChangeSource.APPROVAL, source_detail=reason),
        entity=ChangeLog.Entity.APPROVAL,
        field="locked",
        changes=[
            Change(year, None, branch, f"{year}-{month:02d}/{branch or PROVINCE_CODE}", old, new,
                   month=month)
        ],
    )  # fmt: skip
