"""``/unggah/``: upload CSV/XLSX, preview (dry run), then apply exactly what was previewed.

The uploaded bytes are stored server-side under their SHA-256 (and the user's id)
in a staging directory; the preview and the confirmation both re-parse those
bytes, so what is applied is what was shown. A staged file expires after an hour.

Participant counts get the grid's care (``grid_rules.check_upload``, the grid's
own rules): a per-regency table of this month against last month, the ±30 % and
z > 3 warnings, each needing a tick and a comment before apply — enforced here,
on the server — and the rows that change (the first 200, filterable). A locked
month is reported as locked (by whom, since when, who can unlock it), not as a
fault of the file.

Who may upload what: participant counts only for the regencies in the user's
writable scope (other rows are errors); workforce figures and targets change
denominators and goals for everyone, so only an admin whose scope is the whole
province may upload them — a branch-scoped admin is refused with a message.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from .. import importers
from ..access import AuthenticatedHttpRequest, user_branch_codes, writable_region_codes
from ..calculations import Period
from ..exports import neutralise_sheet, neutralise_text
from ..forms import KIND_LABELS, UploadConfirmForm, UploadForm
from ..importers import KINDS, ImportResult, RowError, parse_file
from ..models import ChangeSource, MonthlyTotal, ParticipantCount, Region, Role
from ..records import ParticipantRecord
from ..services import LockedPeriodError, WriteContext, WriteResult, apply_import
from .grid_rules import HISTORY_MONTHS, Cell, RegionMonth, RegionMonthCheck, check_upload
from .guards import role_required

STAGING_SECONDS = 60 * 60
SHA256_RE = re.compile(r"[0-9a-f]{64}")
CHANGED_ROWS_SHOWN = 200
OUTSIDE_SCOPE = gettext_lazy("di luar wilayah kerja Anda")


def staging_dir() -> Path:
    """``settings.UPLOAD_STAGING_DIR`` if set, else a directory in the system temp dir."""
    configured = getattr(settings, "UPLOAD_STAGING_DIR", None)
    path = Path(configured) if configured else Path(tempfile.gettempdir()) / "jamsostek-unggah"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _staged_paths(user_id: int | None, sha256: str) -> tuple[Path, Path]:
    base = staging_dir() / f"{user_id}-{sha256}"
    return base.with_suffix(".bin"), base.with_suffix(".json")


def stage_upload(*, user_id: int | None, kind: str, name: str, data: bytes) -> str:
    """Keep the bytes for the preview and the confirmation; returns their SHA-256."""
    _remove_expired()
    sha256 = hashlib.sha256(data).hexdigest()
    blob, meta = _staged_paths(user_id, sha256)
    blob.write_bytes(data)
    meta.write_text(json.dumps({"kind": kind, "name": PurePath(name).name[:200]}))
    return sha256


@dataclass(frozen=True)
class StagedUpload:
    kind: str
    name: str
    data: bytes
    sha256: str


def staged_upload(*, user_id: int | None, sha256: str) -> StagedUpload | None:
    """The staged file, if it exists, is fresh and still hashes to ``sha256``."""
    if not SHA256_RE.fullmatch(sha256):
        return None
    blob, meta = _staged_paths(user_id, sha256)
    try:
        if time.time() - blob.stat().st_mtime > STAGING_SECONDS:
            return None
        data = blob.read_bytes()
        info = json.loads(meta.read_text())
    except (OSError, ValueError):
        return None
    if hashlib.sha256(data).hexdigest() != sha256:
        return None
    return StagedUpload(kind=info["kind"], name=info["name"], data=data, sha256=sha256)


def staged_discard(*, user_id: int | None, sha256: str) -> None:
    for path in _staged_paths(user_id, sha256):
        path.unlink(missing_ok=True)


def _remove_expired() -> None:
    cutoff = time.time() - STAGING_SECONDS
    for path in staging_dir().iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue


# --- evaluation (shared by the preview and the confirmation) ---------------------------------


@dataclass(frozen=True)
class ChangedRow:
    """One count the file changes: its cell, and (active, nonactive) before and after."""

    period: str
    region_code: str
    sector_code: str
    segment_code: str
    old: tuple[int, int] | None
    new: tuple[int, int]


@dataclass
class Evaluation:
    parsed: ImportResult
    errors: list[RowError] = field(default_factory=list)
    result: WriteResult | None = None
    locked: str = ""
    checks: list[RegionMonthCheck] = field(default_factory=list)
    changes: list[ChangedRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.locked and self.result is not None

    @property
    def flagged(self) -> list[RegionMonthCheck]:
        return [check for check in self.checks if check.flagged]


def preview_context(
    staged: StagedUpload, evaluation: Evaluation, *, kind_label: str
) -> dict[str, Any]:
    """What every upload preview shows of the file: its kind, size, errors and warnings."""
    return {
        "staged": staged,
        "kind_label": kind_label,
        "evaluation": evaluation,
        "errors": [str(error) for error in evaluation.errors],
        "warnings": evaluation.parsed.warnings,
        "size_kb": max(1, round(len(staged.data) / 1024)),
    }


def report_applied(request: HttpRequest, *, name: str, result: WriteResult) -> None:
    """Tell the uploader what applying the file ``name`` changed."""
    messages.success(
        request,
        ngettext(
            "Berkas %(name)s diterapkan: %(created)s baris baru, %(updated)s diubah, "
            "%(unchanged)s tidak berubah.",
            "Berkas %(name)s diterapkan: %(created)s baris baru, %(updated)s diubah, "
            "%(unchanged)s tidak berubah.",
            result.created,
        )
        % {
            "name": name,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        },
    )


def kind_refusal(user: Any, kind: str) -> str:
    """Why ``user`` may not upload ``kind`` (empty: allowed)."""
    if kind == "participants":
        return ""
    if user_branch_codes(user) is None:
        return ""
    return _(
        "Data angkatan kerja dan target hanya dapat diunggah oleh admin dengan wilayah kerja "
        "seluruh provinsi, karena mengubah penyebut dan sasaran semua wilayah."
    )


def _outside_scope_errors(*, name: str, data: bytes, writable: frozenset[str]) -> list[RowError]:
    """A participant row for a known regency outside the user's scope is an error on its row."""
    try:
        rows = importers.read_rows(name=name, data=data)
        header = next(rows, (1, []))[1]
        columns = [cell.strip().lower() for cell in header]
        if "region_code" not in columns:
            return []
        index = columns.index("region_code")
        known = importers.ReferenceCodes.load().regions
        errors = []
        for row, cells in rows:
            code = cells[index].strip() if index < len(cells) else ""
            if code in known and code not in writable:
                errors.append(RowError(row=row, column="region_code", message=str(OUTSIDE_SCOPE)))
        return errors
    except importers.FileProblem:
        return []  # parse_file reports the same problem


def evaluate(*, user: Any, kind: str, name: str, data: bytes) -> Evaluation:
    parsed = parse_file(kind, name=name, data=data)
    evaluation = Evaluation(parsed=parsed, errors=list(parsed.errors))
    if kind == "participants":
        outside = _outside_scope_errors(name=name, data=data, writable=writable_region_codes(user))
        evaluation.errors = sorted(
            evaluation.errors + outside, key=lambda e: (e.row or 0, e.column or "")
        )
    if evaluation.errors:
        return evaluation
    try:
        evaluation.result = apply_import(kind, parsed.records, dry_run=True)
    except LockedPeriodError as error:
        evaluation.locked = error.message
    if kind == "participants":
        counts = [r for r in parsed.records if isinstance(r, ParticipantRecord)]
        evaluation.checks, evaluation.changes = participant_review(counts)
    return evaluation


def participant_review(
    records: Sequence[ParticipantRecord],
) -> tuple[list[RegionMonthCheck], list[ChangedRow]]:
    """The grid's checks per regency-month of the file, and the rows that change."""
    uploaded: dict[RegionMonth, dict[Cell, tuple[int, int]]] = defaultdict(dict)
    for r in records:
        uploaded[(r.year, r.month, r.region_code)][(r.sector_code, r.segment_code)] = (
            r.active,
            r.nonactive,
        )
    regions = sorted({region for _y, _m, region in uploaded})
    periods = {Period(year, month) for year, month, _r in uploaded}
    stored = _stored_counts(periods | {p.shift(-1) for p in periods}, regions)
    history = _segment_histories(set(uploaded), regions)
    changes = [
        ChangedRow(
            period=f"{r.year}-{r.month:02d}",
            region_code=r.region_code,
            sector_code=r.sector_code,
            segment_code=r.segment_code,
            old=old,
            new=(r.active, r.nonactive),
        )
        for r in records
        if (
            old := stored.get((r.year, r.month, r.region_code), {}).get(
                (r.sector_code, r.segment_code)
            )
        )
        != (r.active, r.nonactive)
    ]
    return check_upload(uploaded=uploaded, stored=stored, history=history), changes


def _stored_counts(
    periods: set[Period], regions: list[str]
) -> dict[RegionMonth, dict[Cell, tuple[int, int]]]:
    stored: dict[RegionMonth, dict[Cell, tuple[int, int]]] = defaultdict(dict)
    if not periods or not regions:
        return stored
    condition = Q()
    for period in periods:
        condition |= Q(year=period.year, month=period.month)
    rows = (
        ParticipantCount.objects.filter(condition, region_id__in=regions)
        .values_list("year", "month", "region_id", "sector_id", "segment_id", "active", "nonactive")
        .iterator(chunk_size=5000)
    )
    for year, month, region, sector, segment, active, nonactive in rows:
        stored[(year, month, region)][(sector, segment)] = (active, nonactive)
    return stored


def _segment_histories(
    keys: set[RegionMonth], regions: list[str]
) -> dict[RegionMonth, dict[str, list[int]]]:
    """Per regency-month, each segment's monthly totals over the ``HISTORY_MONTHS`` before."""
    if not keys:
        return {}
    first = min(Period(year, month) for year, month, _r in keys).shift(-HISTORY_MONTHS)
    totals: dict[str, list[tuple[Period, str, int]]] = defaultdict(list)
    rows = (
        MonthlyTotal.objects.filter(region_id__in=regions, year__gte=first.year)
        .order_by("year", "month", "segment_id")
        .values_list("year", "month", "region_id", "segment_id", "active")
    )
    for year, month, region, segment, active in rows:
        totals[region].append((Period(year, month), segment, int(active)))
    histories: dict[RegionMonth, dict[str, list[int]]] = {}
    for year, month, region in keys:
        period = Period(year, month)
        start = period.shift(-HISTORY_MONTHS)
        series: dict[str, list[int]] = defaultdict(list)
        for when, segment, active in totals[region]:
            if start <= when < period:
                series[segment].append(active)
        histories[(year, month, region)] = series
    return histories


def missing_acknowledgements(
    evaluation: Evaluation, post: Any
) -> tuple[list[RegionMonthCheck], dict[str, str]]:
    """The flagged regency-months without both a tick and a comment, and the comments given."""
    missing = []
    notes: dict[str, str] = {}
    for check in evaluation.flagged:
        note = str(post.get(check.note_name, "")).strip()[:200]
        if note:
            notes[f"{check.region_code} {check.period}"] = note
        if not (post.get(check.ack_name) and note):
            missing.append(check)
    return missing, notes


# --- views --------------------------------------------------------------------------------


def _upload_page(
    request: AuthenticatedHttpRequest, form: UploadForm, *, status: int = 200, problem: str = ""
) -> HttpResponse:
    context = {
        "form": form,
        "problem": problem,
        "kinds": [(kind, KIND_LABELS[kind]) for kind in KINDS],
        "province_wide": user_branch_codes(request.user) is None,
    }
    return render(request, "entry/upload.html", context, status=status)


@role_required(Role.ADMIN)
@require_http_methods(["GET", "HEAD", "POST"])
def upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _upload_page(request, UploadForm(initial={"kind": request.GET.get("kind")}))
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, form, status=400)
    kind = form.cleaned_data["kind"]
    refusal = kind_refusal(request.user, kind)
    if refusal:
        return _upload_page(request, form, status=403, problem=refusal)
    upload_file = form.cleaned_data["file"]
    data = upload_file.read()
    sha256 = stage_upload(user_id=request.user.pk, kind=kind, name=upload_file.name, data=data)
    return redirect("coverage:upload_preview", sha256=sha256)


EXPIRED = gettext_lazy(
    "Berkas yang dipratinjau tidak ditemukan atau sudah kedaluwarsa (lebih dari 1 jam), atau "
    "kodenya tidak cocok. Unggah ulang berkasnya."
)


@role_required(Role.ADMIN)
@require_safe
def upload_preview(request: AuthenticatedHttpRequest, sha256: str) -> HttpResponse:
    staged = staged_upload(user_id=request.user.pk, sha256=sha256)
    if staged is None:
        return _upload_page(request, UploadForm(), status=410, problem=str(EXPIRED))
    refusal = kind_refusal(request.user, staged.kind)
    if refusal:
        return _upload_page(request, UploadForm(), status=403, problem=refusal)
    evaluation = evaluate(user=request.user, kind=staged.kind, name=staged.name, data=staged.data)
    return _preview_page(request, staged, evaluation, status=200)


def _preview_page(
    request: HttpRequest,
    staged: StagedUpload,
    evaluation: Evaluation,
    *,
    status: int,
    problem: str = "",
    missing: Sequence[RegionMonthCheck] = (),
) -> HttpResponse:
    names = dict(Region.objects.values_list("bps_code", "name"))
    filters = {name: request.GET.get(name, "").strip() for name in ("region", "sector", "segment")}
    changes = [
        change
        for change in evaluation.changes
        if (not filters["region"] or change.region_code == filters["region"])
        and (not filters["sector"] or change.sector_code == filters["sector"])
        and (not filters["segment"] or change.segment_code == filters["segment"])
    ]
    missing_names = {check.ack_name for check in missing}
    context = {
        **preview_context(staged, evaluation, kind_label=KIND_LABELS[staged.kind]),
        "problem": problem,
        "checks": [
            {
                "check": check,
                "name": names.get(check.region_code, check.region_code),
                "missing": check.ack_name in missing_names,
                "acked": bool(request.POST.get(check.ack_name)),
                "note": request.POST.get(check.note_name, ""),
            }
            for check in evaluation.checks
        ],
        "changes": [
            {"change": change, "name": names.get(change.region_code, change.region_code)}
            for change in changes[:CHANGED_ROWS_SHOWN]
        ],
        "changes_total": len(changes),
        "changes_all": len(evaluation.changes),
        "changes_shown": CHANGED_ROWS_SHOWN,
        "filters": filters,
        "filter_choices": {
            "regions": sorted(
                {(c.region_code, names.get(c.region_code, "")) for c in evaluation.changes}
            ),
            "sectors": sorted({c.sector_code for c in evaluation.changes}),
            "segments": sorted({c.segment_code for c in evaluation.changes}),
        },
    }
    return render(request, "entry/upload_preview.html", context, status=status)


@role_required(Role.ADMIN)
@require_POST
def upload_apply(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = UploadConfirmForm(request.POST)
    staged = None
    if form.is_valid():
        staged = staged_upload(user_id=request.user.pk, sha256=form.cleaned_data["sha256"])
    if staged is None or staged.kind != form.cleaned_data.get("kind"):
        return _upload_page(request, UploadForm(), status=410, problem=str(EXPIRED))
    refusal = kind_refusal(request.user, staged.kind)
    if refusal:
        return _upload_page(request, UploadForm(), status=403, problem=refusal)
    evaluation = evaluate(user=request.user, kind=staged.kind, name=staged.name, data=staged.data)
    if not evaluation.ok:
        return _preview_page(request, staged, evaluation, status=409 if evaluation.locked else 400)
    missing, notes = missing_acknowledgements(evaluation, request.POST)
    if missing:
        problem = ngettext(
            "%(count)s kabupaten/kota-bulan ditandai perlu diperiksa dan belum dicentang serta "
            "diberi komentar; tidak ada yang disimpan.",
            "%(count)s kabupaten/kota-bulan ditandai perlu diperiksa dan belum dicentang serta "
            "diberi komentar; tidak ada yang disimpan.",
            len(missing),
        ) % {"count": len(missing)}
        return _preview_page(
            request, staged, evaluation, status=400, problem=problem, missing=missing
        )
    detail = staged.name
    if notes:
        detail += " — " + "; ".join(f"{key}: {note}" for key, note in sorted(notes.items()))
    context = WriteContext(
        user_id=request.user.pk, source=ChangeSource.UPLOAD, source_detail=detail
    )
    try:
        result = apply_import(
            staged.kind, evaluation.parsed.records, dry_run=False, context=context
        )
    except LockedPeriodError as error:
        evaluation.locked = error.message
        return _preview_page(request, staged, evaluation, status=409)
    staged_discard(user_id=request.user.pk, sha256=staged.sha256)
    report_applied(request, name=staged.name, result=result)
    return redirect(reverse("coverage:upload"))


# --- templates ----------------------------------------------------------------------------

EXAMPLES: dict[str, list[str | int]] = {
    "participants": ["2025-04", "5371", "G", "PU", 1250, 40],
    "workforce": [2025, "5371", "", "UCJ", 150000, "BPS Sakernas Agustus 2024"],
    "targets": [2025, "5371", "UCJ", 120000, "", "Target Kota Kupang"],
}


def _explanations(kind: str) -> list[tuple[str, str, str]]:
    """``(column, required?, explanation)`` for the template's "Penjelasan" sheet."""
    yes, no = _("wajib"), _("boleh kosong")
    common = {
        "region_code": (
            yes,
            _("Kode BPS kabupaten/kota, empat angka, misalnya 5371 (Kota Kupang)."),
        ),
        "sector_code": (
            yes,
            _("Huruf seksi KBLI 2020, A sampai U, misalnya A (pertanian) atau G (perdagangan)."),
        ),
        "basis": (
            yes,
            _(
                "UCJ (pekerja yang dapat dilindungi BPJS Ketenagakerjaan) atau BPS_AK "
                "(angkatan kerja BPS). Kedua basis tidak pernah dicampur."
            ),
        ),
    }
    table: dict[str, list[tuple[str, str, str]]] = {
        "participants": [
            ("period", yes, _("Bulan laporan, format TTTT-BB, misalnya 2025-04.")),
            ("region_code", *common["region_code"]),
            ("sector_code", *common["sector_code"]),
            ("segment", yes, _("Segmen kepesertaan: PU, BPU, JAKON atau PMI.")),
            (
                "active",
                yes,
                _("Peserta aktif akhir bulan, bilangan bulat tanpa titik atau koma."),
            ),
            ("nonactive", no, _("Peserta nonaktif akhir bulan; kosong dianggap 0.")),
        ],
        "workforce": [
            ("year", yes, _("Tahun data, empat angka, misalnya 2025.")),
            (
                "region_code",
                no,
                _("Kode BPS kabupaten/kota, atau 53 / kosong untuk seluruh provinsi."),
            ),
            ("sector_code", no, _("Huruf seksi KBLI 2020; kosong berarti semua sektor.")),
            ("basis", *common["basis"]),
            ("workers", yes, _("Jumlah pekerja (penyebut), bilangan bulat.")),
            ("source", yes, _("Sumber angka, misalnya BPS Sakernas Agustus 2024.")),
        ],
        "targets": [
            ("year", yes, _("Tahun target, misalnya 2025.")),
            (
                "scope",
                yes,
                _(
                    "53 untuk provinsi, kode kantor cabang (mis. KUPANG) atau kode BPS "
                    "kabupaten/kota (mis. 5371)."
                ),
            ),
            ("basis", *common["basis"]),
            ("target_count", no, _("Target jumlah peserta; isi ini, target_pct, atau keduanya.")),
            ("target_pct", no, _("Target cakupan dalam persen, misalnya 64,82.")),
            ("note", no, _("Catatan bebas, misalnya sumber pengumuman target.")),
        ],
    }
    return table[kind]


def _columns(kind: str) -> tuple[str, ...]:
    return importers.LAYOUTS[kind].columns


@role_required(Role.ADMIN)
@require_safe
def upload_template(request: AuthenticatedHttpRequest, kind: str, extension: str) -> HttpResponse:
    if kind not in KINDS or extension not in ("csv", "xlsx"):
        raise Http404
    filename = f"templat-{kind}.{extension}"
    if extension == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(_columns(kind))
        writer.writerow(
            [neutralise_text(cell) if isinstance(cell, str) else cell for cell in EXAMPLES[kind]]
        )
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            _xlsx_template(kind),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _xlsx_template(kind: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Data"
    header_fill = PatternFill("solid", fgColor="0D2B4E")
    sheet.append(list(_columns(kind)))
    sheet.append(EXAMPLES[kind])
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = header_fill
    for column_cells in sheet.columns:
        letter = column_cells[0].column_letter
        sheet.column_dimensions[letter].width = 18
        for cell in column_cells[1:]:
            cell.number_format = "@" if isinstance(cell.value, str) else "0"
    notes = workbook.create_sheet("Penjelasan")
    notes.append([_("Kolom"), _("Wajib?"), _("Penjelasan")])
    for cell in notes[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = header_fill
    for row in _explanations(kind):
        notes.append(list(row))
    notes.append([])
    notes.append(
        [
            _("Catatan"),
            "",
            _(
                "Lembar pertama (Data) yang dibaca. Ganti baris contoh dengan data Anda; "
                "jangan menulis rumus. Setiap unggahan ditampilkan dulu sebagai pratinjau "
                "sebelum diterapkan."
            ),
        ]
    )
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 14
    notes.column_dimensions["C"].width = 90
    for row_cells in notes.iter_rows(min_row=2):
        row_cells[2].alignment = Alignment(wrap_text=True, vertical="top")
    neutralise_sheet(sheet)
    neutralise_sheet(notes)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
