"""``manage.py load_demo``: the synthetic demo series ("Data contoh"). Idempotent."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from coverage import demo, services
from coverage.models import ChangeSource


class Command(BaseCommand):
    help = "Memuat data contoh (sintetis) Januari 2023 – April 2025 beserta target 2025."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2025, help="Benih acak (default 2025).")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        counts = demo.demo_counts(seed=options["seed"])
        workforce = demo.demo_workforce()
        targets = demo.demo_targets()
        context = services.WriteContext(source=ChangeSource.DEMO, source_detail="load_demo")
        programmes, quotas, enrolment, commitments = demo.demo_programmes(seed=options["seed"])
        for label, result in (
            ("jumlah peserta", services.participant_counts_save(records=counts, context=context)),
            ("angkatan kerja", services.workforce_figures_save(records=workforce, context=context)),
            ("target", services.targets_save(records=targets, context=context)),
            ("program pemda", services.programmes_save(records=programmes, context=context)),
            ("kuota program", services.programme_quotas_save(records=quotas, context=context)),
            (
                "kepesertaan program",
                services.programme_enrolment_save(records=enrolment, context=context),
            ),
            ("komitmen pemda", services.commitments_save(records=commitments, context=context)),
        ):
            self.stdout.write(
                f"Data contoh {label}: {result.created} baru, {result.updated} diperbarui, "
                f"{result.unchanged} tetap."
            )
