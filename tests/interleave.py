"""Two writers of one regency-month at once, in a fixed order (PostgreSQL only: SQLite
lets one transaction write the whole database at a time)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.db import connection, transaction


def interleave(first: Callable[[], object], second: Callable[[], object]) -> list[object]:
    """Run ``first`` in a transaction that stays open until ``second``, in another
    thread, has been inside its own write for half a second; then let ``first`` commit.

    Returns what each returned, or the exception it raised, in that order.
    """
    first_wrote, release = threading.Event(), threading.Event()
    outcomes: list[object] = [None, None]

    def run_first() -> None:
        try:
            with transaction.atomic():
                outcomes[0] = first()
                first_wrote.set()
                release.wait(10)
        except BaseException as error:  # reported by the caller's assertions
            outcomes[0] = error
            first_wrote.set()
        finally:
            connection.close()

    def run_second() -> None:
        try:
            outcomes[1] = second()
        except BaseException as error:
            outcomes[1] = error
        finally:
            connection.close()

    one = threading.Thread(target=run_first)
    one.start()
    assert first_wrote.wait(10)
    two = threading.Thread(target=run_second)
    two.start()
    time.sleep(0.5)  # the second writer is now inside its save, waiting or colliding
    release.set()
    one.join(20)
    two.join(20)
    return outcomes
