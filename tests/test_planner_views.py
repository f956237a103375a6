"""``/simulasi/``: anyone logged in computes, managers save/delete, compare 2–3 scenarios."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from coverage import services
from coverage.models import Scenario
from coverage.records import TargetRecord
from tests.factories import make_user, pu_counts


@pytest.fixture
def small_data(reference: None) -> None:
    """Province: 1,500 in January, 1,860 in April 2025 (run rate 120); target 6,000."""
    services.participant_counts_save(
        records=pu_counts(2025, 1, {"5306": 1_000, "5305": 500}, nonactive=0)
        + pu_counts(2025, 4, {"5306": 1_300, "5305": 560}, nonactive=0)
    )
    services.targets_save(
        records=[TargetRecord(2025, "province", "53", "UCJ", 6_000, Decimal("60"), "Target uji")]
    )


def lever_post(rows: list[dict[str, Any]], **extra: str) -> dict[str, str]:
    data = {
        "scope": "53",
        "target_count": "",
        "lever-TOTAL_FORMS": str(len(rows)),
        "lever-INITIAL_FORMS": "0",
        "lever-MIN_NUM_FORMS": "0",
        "lever-MAX_NUM_FORMS": "8",
    }
    for index, row in enumerate(rows):
        for key in ("kind", "label", "monthly", "start", "segment", "sectors", "branch"):
            data[f"lever-{index}-{key}"] = str(row.get(key, ""))
    data.update(extra)
    return data


REI = {"kind": "rei", "monthly": "500", "start": "2025-06"}
DRIVE = {"kind": "informal", "monthly": "100", "start": "2025-05", "branch": "ATAMBUA"}


def figure_of(response: Any) -> dict[str, Any]:
    html = response.content.decode()
    start = html.index('<script id="planner-figure" type="application/json">')
    body = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    return dict(json.loads(body))


def test_anonymous_is_sent_to_login(small_data: None, client: Client) -> None:
    response = client.get("/simulasi/")
    assert response.status_code == 302 and response["Location"].startswith("/masuk/")


def test_viewer_sees_the_baseline(small_data: None, client: Client) -> None:
    client.force_login(make_user("staf", "viewer"))
    response = client.get("/simulasi/")
    assert response.status_code == 200
    assert response.context["result"].baseline_at_deadline == 1_860 + 8 * 120
    assert "Simpan skenario" not in response.content.decode()


def test_viewer_computes_but_cannot_save(small_data: None, client: Client) -> None:
    client.force_login(make_user("staf", "viewer"))
    response = client.post("/simulasi/", lever_post([REI], aksi="hitung"))
    assert response.status_code == 200
    result = response.context["result"]
    assert result.scenario_at_deadline == 2_820 + 7 * 500
    names = [trace["name"] for trace in figure_of(response)["data"]]
    assert names[:2] == ["Peserta aktif", "Laju saat ini (tanpa pengungkit)"]
    saving = client.post("/simulasi/", lever_post([REI], aksi="simpan", name="Coba"))
    assert saving.status_code == 403
    assert not Scenario.objects.exists()


def test_manager_saves_and_reopens_a_scenario(small_data: None, client: Client) -> None:
    manager = make_user("kepala", "manager")
    client.force_login(manager)
    post = lever_post([REI, DRIVE], aksi="simpan", name="REI + BPU Atambua", target_count="5000")
    response = client.post("/simulasi/", post)
    scenario = Scenario.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/simulasi/{scenario.pk}/"
    assert scenario.year == 2025 and scenario.scope_code == "53"
    assert scenario.target_count == 5_000 and scenario.created_by == manager
    assert scenario.levers[0] == {
        "label": "Kemitraan REI", "kind": "rei", "monthly": 500, "start": "2025-06",
        "segment": "PU", "sectors": ["F", "L"], "branch": "",
    }  # fmt: skip
    assert scenario.levers[1]["segment"] == "BPU"
    assert scenario.levers[1]["label"] == "Pekerja informal Atambua"
    page = client.get(f"/simulasi/{scenario.pk}/")
    result = page.context["result"]
    assert result.target_count == 5_000
    assert result.scenario_at_deadline == 2_820 + 3_500 + 8 * 100


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"kind": "custom", "monthly": "10", "start": "2025-06"}, "Beri nama pengungkit ini."),
        ({"kind": "informal", "monthly": "10", "start": "2025-06"}, "Pilih kantor cabang"),
        ({"kind": "pemprov", "monthly": "0", "start": "2025-06"}, "minimal 1 peserta"),
        ({"kind": "pemprov", "monthly": "10", "start": "Juni"}, "format TTTT-BB"),
        ({"kind": "pemprov", "monthly": "10", "start": ""}, "Pilih bulan mulai"),
        ({"kind": "rei", "monthly": "10", "start": "2025-06", "sectors": "F, Z"}, "tidak dikenal"),
    ],
)
def test_lever_errors_are_in_indonesian(
    small_data: None, client: Client, row: dict[str, str], message: str
) -> None:
    client.force_login(make_user("kepala", "manager"))
    response = client.post("/simulasi/", lever_post([row], aksi="simpan", name="X"))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Scenario.objects.exists()


def test_scenario_name_is_unique_per_year(small_data: None, client: Client) -> None:
    client.force_login(make_user("kepala", "manager"))
    Scenario.objects.create(name="Optimis", year=2025, levers=[])
    response = client.post("/simulasi/", lever_post([REI], aksi="simpan", name="optimis"))
    assert "sudah dipakai untuk tahun 2025" in response.content.decode()
    empty = client.post("/simulasi/", lever_post([], aksi="simpan", name="Kosong"))
    assert "Isi setidaknya satu pengungkit" in empty.content.decode()
    nameless = client.post("/simulasi/", lever_post([REI], aksi="simpan", name=""))
    assert "Beri nama skenario ini." in nameless.content.decode()
    assert Scenario.objects.count() == 1


def test_compare_two_scenarios(small_data: None, client: Client) -> None:
    client.force_login(make_user("staf", "viewer"))
    lever = {"label": "REI", "kind": "rei", "monthly": 500, "start": "2025-06"}
    one = Scenario.objects.create(name="Satu", year=2025, levers=[lever])
    two = Scenario.objects.create(name="Dua", year=2025, levers=[lever, lever])
    response = client.get(f"/simulasi/banding/?skenario={one.pk}&skenario={two.pk}")
    assert response.status_code == 200
    results = response.context["results"]
    assert [result.scenario_at_deadline for _item, result, _monthly, _chance in results] == [
        6_320,
        9_820,
    ]
    html = response.content.decode()
    assert "Satu" in html and "Dua" in html
    assert "Unduh PDF" not in html  # the PDF is for managers
    single = client.get(f"/simulasi/banding/?skenario={one.pk}")
    assert single.status_code == 400
    assert "Pilih dua atau tiga skenario" in single.content.decode()


def test_only_managers_delete(small_data: None, client: Client) -> None:
    scenario = Scenario.objects.create(name="Hapus saya", year=2025, levers=[])
    client.force_login(make_user("admin_data", "admin"))
    assert client.post(f"/simulasi/{scenario.pk}/hapus/").status_code == 403
    client.force_login(make_user("kepala", "manager"))
    assert client.post(f"/simulasi/{scenario.pk}/hapus/").status_code == 302
    assert not Scenario.objects.exists()
