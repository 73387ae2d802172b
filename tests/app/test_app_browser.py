"""`kpsim app` in a real browser: the command is started on a loopback port, headless Chromium
(Debian's /usr/bin/chromium through Playwright, nothing downloaded) uploads a CP932 list with
Japanese headers and an .xlsx list, types the message, and the figures on the page equal
`kpsim forecast --json` for the same inputs.

Without Chromium or Playwright these tests skip with the install line; with `CI` set they fail.
`KPSIM_APP_SCREENSHOTS=docs/img` keeps a screenshot of each step in both languages there."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from app_support import DATASETS, SAMPLE

from simulator.i18n import Lang, t
from simulator.pricing.money import fmt_jpy

CHROMIUM = "/usr/bin/chromium"
INSTALL = "apt-get install -y chromium fonts-noto-cjk && pip install -e '.[test]'"
JAPANESE_HEADER = "顧客番号,氏名,電話番号"
TEMPLATE = "{氏名}様、冬のセール開催中！会員様限定で全品20%オフ。配信停止はSTOP"
AS_OF = "2026-12-01"
KP_SENDER = "ソトバ"
SHOTS = os.environ.get("KPSIM_APP_SCREENSHOTS")


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {reason}")
    pytest.skip(f"{reason}; install with: {INSTALL}")


@pytest.fixture(scope="module")
def playwright_chromium() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_or_fail("playwright is not installed")
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        _skip_or_fail(f"no chromium at {CHROMIUM}")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            args=["--no-sandbox"],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`kpsim app --no-browser` running; its URL (with the token). SIGTERM stops it."""
    tmp = tmp_path_factory.mktemp("app-tmp")
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "TMPDIR": str(tmp), "KPSIM_LANG": "en"}
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator", "app", "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:\d+/\?token=\S+", line)
    assert match is not None, line + (process.stderr.read() if process.stderr else "")
    yield match.group()
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    left = [p for p in tmp.rglob("*") if p.is_file()]
    assert not left, f"scratch files left after SIGTERM: {left}"


def japanese_list(folder: Path) -> Path:
    """The CP932 sample list under a Japanese file name with Japanese column names."""
    lines = (DATASETS / "sample_recipients_cp932.csv").read_bytes().split(b"\n")
    lines[0] = JAPANESE_HEADER.encode("cp932") + (b"\r" if lines[0].endswith(b"\r") else b"")
    path = folder / "顧客リスト_冬のセール.csv"
    path.write_bytes(b"\n".join(lines))
    return path


def excel_list(folder: Path) -> Path:
    path = folder / "customers.xlsx"
    pl.read_csv(SAMPLE, infer_schema=False).write_excel(path)
    return path


def cli_forecast(path: Path, message: str) -> dict[str, Any]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "simulator",
            "forecast",
            str(path),
            "--message",
            message,
            "--as-of",
            AS_OF,
            "--kp-sender",
            KP_SENDER,
            "--json",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
        timeout=300,
    )
    return dict(json.loads(done.stdout))


def shot(page: Any, name: str, *, full: bool = True, keep: bool = True) -> None:
    if SHOTS and keep:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=full)


def comparison(page: Any) -> dict[str, list[str]]:
    rows = page.eval_on_selector_all(
        "#comparison tbody tr",
        "rows => rows.map(r => [r.querySelector('th').innerText,"
        " ...Array.from(r.querySelectorAll('td')).map(td => td.innerText.trim())])",
    )
    return {row[0]: row[1:] for row in rows}


def drive(page: Any, url: str, lang: Lang, path: Path, message: str, *, shots: bool) -> None:
    """The three steps: upload, type the message, set the date and sender, compare."""
    page.goto(f"{url}&lang={lang}")
    page.wait_for_selector("#upload-form")
    shot(page, f"app_{lang}_1_list", keep=shots)
    page.set_input_files("#file", str(path))
    page.click("#upload-button")
    page.wait_for_selector("#step-message")
    page.fill("#message", message)
    page.fill("#as_of", AS_OF)
    page.fill("#registered_sender", KP_SENDER)
    page.wait_for_function(
        "n => document.getElementById('live-count').textContent.startsWith(n + ' ')",
        arg=len(message),
    )
    page.wait_for_selector("#parts tbody tr")
    shot(page, f"app_{lang}_2_message", keep=shots)
    page.click("#forecast-button")
    page.wait_for_selector("#report", timeout=120_000)
    shot(page, f"app_{lang}_3_result", full=False, keep=shots)


def assert_page_matches_the_cli(page: Any, document: dict[str, Any], lang: Lang) -> None:
    table = comparison(page)
    plans = document["plans"]
    for key, field, shown in [
        ("report.html.recipients_sent", "recipients", lambda v: f"{v:,}"),
        ("report.html.message_parts", "parts", lambda v: f"{v:,}"),
        ("report.html.fees", "fixed_fees_jpy", fmt_jpy),
        ("report.html.total_excl_tax", "total_jpy_excl_tax", fmt_jpy),
        ("report.html.total_incl_tax", "total_jpy_incl_tax", fmt_jpy),
    ]:
        label = t(key, lang=lang)
        assert table[label] == [
            shown(p[field]) if p["sendable"] else "–" for p in plans.values()
        ], label
    text = page.inner_text("#report")
    assert f"{document['rows_in']:,}" in text
    links = page.eval_on_selector_all(
        "#downloads a[download] small", "names => names.map(n => n.innerText)"
    )
    assert "report.html" in links


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_cp932_list_with_japanese_headers_gives_the_clis_figures(
    playwright_chromium: Any, app_url: str, tmp_path: Path, lang: Lang
) -> None:
    path = japanese_list(tmp_path)
    page = playwright_chromium.new_page(viewport={"width": 1280, "height": 1000}, locale=lang)
    drive(page, app_url, lang, path, TEMPLATE, shots=True)
    assert "顧客リスト_冬のセール.csv" in page.inner_text("#report")
    assert_page_matches_the_cli(page, cli_forecast(path, TEMPLATE), lang)
    page.close()


def test_an_excel_list_gives_the_clis_figures(
    playwright_chromium: Any, app_url: str, tmp_path: Path
) -> None:
    path = excel_list(tmp_path)
    page = playwright_chromium.new_page(viewport={"width": 1280, "height": 1000})
    message = "Your code is 1234"
    drive(page, app_url, "en", path, message, shots=False)
    assert_page_matches_the_cli(page, cli_forecast(path, message), "en")
    page.close()
