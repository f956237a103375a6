"""Write what the product shows on the demo data to a folder, to compare two commits.

A refactor that must not change a byte of the output (issue #13) is checked by running
this on the commit before and after and diffing the folders::

    DATABASE_URL=sqlite:////tmp/s.db .venv/bin/python scripts/snapshot_outputs.py /tmp/before

It loads the demo data into the (fresh) database named by ``DATABASE_URL``, then saves
pages (Indonesian and English), API answers, the JSON/CSV/XLSX exports, the PDFs (as
``pdftotext -layout`` text) and the command-line summaries. CSRF tokens, the PDF's
creation time and other per-run values are masked so that only real differences show.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jamsostek_dashboard.settings")
os.environ.setdefault("JAMSOSTEK_USER_PASSWORD", "snapshot-Pa55word!")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

_MASKS = (
    (
        re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'),
        'name="csrfmiddlewaretoken" value="X"',
    ),
    (re.compile(r"csrftoken=[A-Za-z0-9]+"), "csrftoken=X"),
    (re.compile(r'nonce="[^"]+"'), 'nonce="X"'),
    (re.compile(r"\b\d{1,2} \w+ \d{4}(,| at| pukul)? \d{2}[:.]\d{2}\b"), "DATETIME"),
    (re.compile(r"\b[0-9a-f]{32}\b"), "UUID"),
    (re.compile(r"/berhenti/\d+/[^/\"]+/"), "/berhenti/N/TOKEN/"),
)


def _mask(text: str) -> str:
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    return text


def _save(out: Path, name: str, content: bytes, content_type: str) -> None:
    target = out / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if "pdf" in content_type:
        pdf = target.with_suffix(".pdf")
        pdf.write_bytes(content)
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True
        ).stdout
        target.with_suffix(".pdf.txt").write_text(_mask(text.decode("utf-8")), encoding="utf-8")
        pdf.unlink()
        return
    if "spreadsheetml" in content_type:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = sorted(n for n in archive.namelist() if n.startswith("xl/"))
            dump = b"".join(
                n.encode()
                + b"\n"
                + re.sub(rb"<dcterms:\w+[^>]*>[^<]*<", b"<", archive.read(n))
                + b"\n"
                for n in parts
            )
        target.with_suffix(".xlsx.txt").write_bytes(dump)
        return
    target.write_text(_mask(content.decode("utf-8")), encoding="utf-8")


def _urls(branches: list[str], regions: list[str]) -> list[tuple[str, str]]:
    """(file name, URL) for everything a manager can read."""
    urls: list[tuple[str, str]] = [
        ("overview.html", "/"),
        ("overview-2025-03.html", "/?period=2025-03"),
        ("overview-bps.html", "/?basis=BPS_AK"),
        ("api-coverage.json", "/api/coverage"),
        ("api-coverage-2025-02.json", "/api/coverage?period=2025-02"),
        ("api-coverage-bps.json", "/api/coverage?basis=BPS_AK"),
        ("api-programmes.json", "/api/programmes"),
        ("planner.html", "/simulasi/"),
        ("programmes.html", "/program-pemda/"),
        ("league.html", "/peringkat/"),
        ("reporting.html", "/laporan-kelengkapan/"),
        ("methods.html", "/metode/"),
        ("approval.html", "/persetujuan/"),
        ("history.html", "/riwayat/"),
        ("initiatives.html", "/inisiatif/"),
        ("entry.html", "/isian/?period=2025-04"),
        ("upload.html", "/unggah/"),
        ("subscriptions.html", "/langganan/"),
    ]
    for code in branches:
        urls.append((f"branch-{code}.html", f"/cabang/{code}/"))
        urls.append((f"api-coverage-{code}.json", f"/api/coverage?branch={code}"))
    for code in regions:
        urls.append((f"region-{code}.html", f"/wilayah/{code}/"))
        urls.append((f"api-coverage-{code}.json", f"/api/coverage?region={code}"))
    for scope in ["53", *branches, regions[0]]:
        for period in ("2025-04", "2025-01"):
            urls.append((f"pdf-{scope}-{period}", f"/laporan/{scope}/{period}.pdf"))
            urls.append(
                (f"summary-{scope}-{period}.json", f"/ekspor/ringkasan/{scope}/{period}.json")
            )
            for table in ("by_branch", "by_region", "by_sector", "by_segment", "gap"):
                for fmt in ("csv", "xlsx"):
                    urls.append(
                        (
                            f"export-{table}-{scope}-{period}.{fmt}",
                            f"/ekspor/{table}/{scope}/{period}.{fmt}",
                        )
                    )
    return urls


def main(out: Path) -> None:
    from coverage.models import Branch, Region

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("loaddata", "reference", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    call_command(
        "create_user", "snapmanager", role="manager", password_from_env=True, stdout=io.StringIO()
    )
    branches = sorted(Branch.objects.values_list("code", flat=True))
    regions = sorted(Region.objects.values_list("bps_code", flat=True))
    out.mkdir(parents=True, exist_ok=True)
    failures = 0
    for language in ("id", "en"):
        client = Client(HTTP_HOST="127.0.0.1")
        client.login(username="snapmanager", password=os.environ["JAMSOSTEK_USER_PASSWORD"])
        client.cookies["django_language"] = language
        for name, url in _urls(branches, regions):
            if language == "en" and not (name.endswith(".html") or name.startswith("pdf-")):
                continue
            response = client.get(url)
            if response.status_code != 200:
                failures += 1
                print(f"{language} {url}: HTTP {response.status_code}", file=sys.stderr)
                continue
            content = response.getvalue()  # joins a streaming response too
            _save(out / language, name, content, response.get("Content-Type", ""))
    for language in ("id", "en"):
        for fmt in ("json", "table"):
            for scope in (["--period", "2025-04"], ["--period", "2025-01"], []):
                for area in ("53", branches[0], regions[0]):
                    text = io.StringIO()
                    call_command(
                        "coverage_summary",
                        *scope,
                        scope=area,
                        format=fmt,
                        lang=language,
                        stdout=text,
                    )
                    label = scope[1] if scope else "default"
                    (out / language / f"cli-summary-{area}-{label}.{fmt}.txt").write_text(
                        text.getvalue()
                    )
    print(f"{out}: saved; {failures} failures")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
