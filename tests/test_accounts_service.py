"""``services.user_save``: the write behind ``create_user``, refusing bad input itself."""

import pytest
from django.contrib.auth.models import User

from coverage import services
from coverage.models import ChangeLog, UserScope

PASSWORD = "Kupang-Tenggara-2025!"


def test_user_save_creates_then_updates_one_user(reference: None) -> None:
    first = services.user_save(
        username="petugas", role="admin", branch_codes=["ENDE"], password=PASSWORD,
        email="petugas@example.org",
    )  # fmt: skip
    assert first.created
    again = services.user_save(
        username="petugas", role="manager", branch_codes=[], password=PASSWORD
    )
    assert not again.created
    user = User.objects.get(username="petugas")
    assert (user.email, user.is_staff) == ("petugas@example.org", True)
    assert list(user.groups.values_list("name", flat=True)) == ["manager"]
    scope = UserScope.objects.get(user=user)
    assert scope.whole_province
    assert list(scope.branches.all()) == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"username": "x", "branch_codes": ["BAJAWA"]},
            "Kode kantor cabang tidak dikenal: BAJAWA.",
        ),
        ({"username": "=SUM(1)", "branch_codes": []}, "Nama pengguna '=SUM(1)' ditolak"),
        ({"username": "y", "branch_codes": [], "password": "123"}, "Kata sandi ditolak: "),
    ],
)
def test_user_save_refuses_bad_input_and_writes_nothing(
    reference: None, fields: dict[str, object], message: str
) -> None:
    values: dict[str, object] = {"role": "viewer", "password": PASSWORD, **fields}
    with pytest.raises(services.AccountInputError) as refused:
        services.user_save(**values)  # type: ignore[arg-type]
    assert refused.value.message.startswith(message)
    assert not User.objects.exists()
    assert not UserScope.objects.exists()


def test_user_save_is_in_the_change_log_without_the_password(reference: None) -> None:
    services.user_save(
        username="petugas", role="admin", branch_codes=["ENDE", "KUPANG"], password=PASSWORD,
        email="petugas@example.org",
    )  # fmt: skip
    services.user_save(username="petugas", role="manager", branch_codes=[], password=PASSWORD)
    rows = list(
        ChangeLog.objects.filter(entity=ChangeLog.Entity.USER).order_by("id").values_list(
            "source", "source_detail", "key", "field", "old_value", "new_value"
        )
    )  # fmt: skip
    assert rows == [
        ("cli", "create_user", "user/petugas", "account", "",
         "admin | ENDE,KUPANG | petugas@example.org | staf"),
        ("cli", "create_user", "user/petugas", "password", "", "(kata sandi diatur)"),
        ("cli", "create_user", "user/petugas", "account",
         "admin | ENDE,KUPANG | petugas@example.org | staf",
         "manager | 53 | petugas@example.org | staf"),
        ("cli", "create_user", "user/petugas", "password", "", "(kata sandi diatur)"),
    ]  # fmt: skip
    logged = " ".join(
        v for pair in ChangeLog.objects.values_list("old_value", "new_value") for v in pair
    )
    assert PASSWORD not in logged and User.objects.get().password not in logged


def test_a_refused_user_save_logs_nothing(reference: None) -> None:
    with pytest.raises(services.AccountInputError):
        services.user_save(username="z", role="admin", branch_codes=[], password="123")
    assert not ChangeLog.objects.exists()
    assert not User.objects.exists()
