"""``manage.py rebuild_totals``: recompute the monthly totals from every count.

Only needed after counts were loaded behind the application's back (SQL ``COPY``,
a restored dump); every write through the application keeps them current.
"""

from typing import Any

from django.core.management.base import BaseCommand

from coverage.models import MonthlyTotal
from coverage.services import rebuild_monthly_totals


class Command(BaseCommand):
    help = "Menghitung ulang total bulanan dari seluruh jumlah peserta."

    def handle(self, *args: Any, **options: Any) -> None:
        rebuild_monthly_totals()
        self.stdout.write(f"Total bulanan dihitung ulang: {MonthlyTotal.objects.count()} baris.")
