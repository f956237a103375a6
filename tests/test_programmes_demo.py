"""The demo Pemda programmes: plausible, labelled "Data contoh", idempotent to load."""

from io import StringIO

from django.core.management import call_command

from coverage import demo
from coverage.models import (
    ChangeLog,
    Programme,
    ProgrammeEnrolment,
    ProgrammeQuota,
    RegencyCommitment,
)
from coverage.programme_selectors import latest_enrolment_period, programme_statuses


def test_demo_quotas_spread_100000_workers_over_the_22_regencies_by_population() -> None:
    quotas = demo.demo_programme_quotas()
    assert len(quotas) == 22
    assert sum(quotas.values()) == 100_000
    assert max(quotas, key=lambda code: quotas[code]) == "5304"  # TTS, the most populous
    assert min(quotas, key=lambda code: quotas[code]) == "5316"  # Sumba Tengah


def test_demo_enrolment_ramps_up_and_stays_within_quota() -> None:
    _programmes, quotas, enrolment, _commitments = demo.demo_programmes()
    quota = {(q.programme_code, q.region_code): q.quota for q in quotas}
    totals: dict[int, int] = {}
    for row in enrolment:
        assert row.enrolled <= quota[(row.programme_code, row.region_code)]
        if row.programme_code == demo.DEMO_PROGRAMME_CODE:
            totals[row.month] = totals.get(row.month, 0) + row.enrolled
    assert totals[2] < totals[3] < totals[4]


def test_load_demo_adds_labelled_programmes_once(reference: None) -> None:
    call_command("load_demo", stdout=StringIO())
    logged = ChangeLog.objects.count()
    call_command("load_demo", stdout=StringIO())
    assert ChangeLog.objects.count() == logged  # nothing changed the second time
    assert Programme.objects.count() == 2
    assert all("Data contoh" in name for name in Programme.objects.values_list("name", flat=True))
    assert ProgrammeQuota.objects.filter(programme__code=demo.DEMO_PROGRAMME_CODE).count() == 22
    assert ProgrammeEnrolment.objects.exists()
    period = latest_enrolment_period()
    assert period is not None
    province = programme_statuses(period=period)[0]
    assert province.terms.funder_code == "53" and province.quota == 100_000
    assert province.terms.contribution_idr == 16_800
    assert province.remaining_idr > 0


def test_the_demo_commitments_file_is_a_valid_commitments_import(reference: None) -> None:
    """fixtures/demo_commitments.csv is read by load_demo and follows the import format, so
    ``import_data commitments`` takes it as it is (and load_demo then changes nothing)."""
    out = StringIO()
    call_command("import_data", "commitments", str(demo.DEMO_COMMITMENTS_CSV), stdout=out)
    assert RegencyCommitment.objects.count() == 12
    sikka = RegencyCommitment.objects.get(year=2025, region_id="5310")
    assert (sikka.budget_idr, sikka.village_apparatus_total, sikka.village_apparatus_covered) == (
        322_560_000,
        1_600,
        1_465,
    )
    assert sikka.regulation == "Perbup Sikka No. 12 Tahun 2024 (contoh)"
    assert RegencyCommitment.objects.get(year=2025, region_id="5302").regulation == ""
    _programmes, _quotas, _enrolment, commitments = demo.demo_programmes()
    assert {(c.region_code, c.budget_idr) for c in commitments} == set(
        RegencyCommitment.objects.values_list("region_id", "budget_idr")
    )
