"""Group the change log by operation: one id per grid save, upload, import or approval.

Rows written before the field existed get an id per (user, second, source): the
writes of one action share their timestamp, so that is the best grouping history allows.
"""

import uuid

from django.db import migrations, models


def group_existing_rows(apps: object, schema_editor: object) -> None:
    change_log = apps.get_model("coverage", "ChangeLog")  # type: ignore[attr-defined]
    groups: dict[tuple[object, ...], list[int]] = {}
    rows = change_log.objects.filter(operation=None).values_list(
        "id", "user_id", "created_at", "source"
    )
    for pk, user_id, created_at, source in rows.iterator(chunk_size=5000):
        key = (user_id, created_at.replace(microsecond=0), source)
        groups.setdefault(key, []).append(pk)
    for ids in groups.values():
        operation = uuid.uuid4().hex
        for start in range(0, len(ids), 900):
            change_log.objects.filter(pk__in=ids[start : start + 900]).update(operation=operation)


class Migration(migrations.Migration):
    dependencies = [
        ("coverage", "0008_programmes"),
    ]

    operations = [
        migrations.AddField(
            model_name="changelog",
            name="operation",
            field=models.CharField(
                blank=True, db_index=True, max_length=36, null=True, verbose_name="operasi"
            ),
        ),
        migrations.RunPython(group_existing_rows, migrations.RunPython.noop, elidable=True),
    ]
