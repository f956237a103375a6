"""``services.user_save``: the write behind ``create_user``, refusing bad input itself."""

import pytest
from django.contrib.auth.models import User

from coverage import services
from coverage.models import UserScope

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
