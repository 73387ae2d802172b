"""Helpers of the report tests: a forecast's report files, headless Chromium, the DOM as text."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

import simulator
from simulator.report.outputs import write_report_files
from simulator.result.forecast import Forecast

REPO = Path(__file__).resolve().parents[2]
DATASETS = REPO / "datasets"
ARTIFACTS = REPO / "tests" / "artifacts"
"""Screenshots the browser tests keep (ignored by git)."""
INSTALL = "apt-get update && apt-get install -y chromium fonts-noto-cjk"
BROWSER_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)
JAPANESE_HEADER = "顧客番号,氏名,電話番号"
JAPANESE_TEMPLATE = "{氏名}様、冬のセール開催中！会員様限定で全品20%オフ。配信停止はSTOP"


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def require_chromium() -> str:
    """The browser; skipped without one, except under CI where that is a failure."""
    found = chromium()
    if found is None:
        reason = f"no chromium to render report.html in; install it with: {INSTALL}"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {reason}")
        pytest.skip(reason)
    return found


def run_browser(browser: str, page: Path, profile: Path, *args: str) -> str:
    """Headless Chromium on `page` with a throwaway profile; its stdout."""
    done = subprocess.run(
        [browser, *BROWSER_FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def dump_dom(browser: str, page: Path, profile: Path) -> str:
    return run_browser(browser, page, profile, "--dump-dom")


def screenshot(browser: str, page: Path, profile: Path, png: Path, height: int = 4200) -> Path:
    png.parent.mkdir(parents=True, exist_ok=True)
    run_browser(browser, page, profile, f"--window-size=1200,{height}", f"--screenshot={png}")
    assert png.is_file() and png.stat().st_size > 10_000, f"no screenshot at {png}"
    return png


@dataclass
class Page:
    """The text of a rendered page: all of it, and every table row by section id."""

    text: str = ""
    rows: dict[str, list[list[str]]] = field(default_factory=dict)
    links: list[tuple[str, str]] = field(default_factory=list)
    images: list[str] = field(default_factory=list)

    def row(self, section: str, label: str) -> list[str]:
        """The cells after the header cell `label` of a row in `section`."""
        for cells in self.rows.get(section, []):
            if cells and cells[0] == label:
                return cells[1:]
        raise AssertionError(f"no row {label!r} in #{section}: {self.rows.get(section)}")


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.section = ""
        self.cells: list[str] | None = None
        self.cell: list[str] | None = None
        self.skip = 0
        self.link: tuple[str, list[str]] | None = None
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("style", "script", "title"):
            self.skip += 1
        elif tag == "section":
            self.section = a.get("id") or ""
        elif tag == "tr":
            self.cells = []
        elif tag in ("td", "th") and self.cells is not None:
            self.cell = []
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")
        elif tag == "a":
            self.link = (a.get("href") or "", [])
        elif tag == "img":
            self.page.images.append(a.get("src") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "title"):
            self.skip -= 1
        elif tag in ("td", "th") and self.cell is not None and self.cells is not None:
            self.cells.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.cells is not None:
            self.page.rows.setdefault(self.section, []).append(self.cells)
            self.cells = None
        elif tag == "a" and self.link is not None:
            self.page.links.append((self.link[0], "".join(self.link[1]).strip()))
            self.link = None

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        self.chunks.append(data)
        if self.cell is not None:
            self.cell.append(data)
        if self.link is not None:
            self.link[1].append(data)


def read_page(html: str) -> Page:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    reader.page.text = " ".join("".join(reader.chunks).split())
    return reader.page


def sample_forecast(**options: object) -> Forecast:
    """The README's forecast of the shipped sample list, with a registered sender ID."""
    message = (DATASETS / "sample_message.txt").read_text(encoding="utf-8").strip()
    options.setdefault("kp_sender", "SOTOBA")
    return simulator.forecast(
        DATASETS / "sample_recipients.csv", message=message, as_of="2026-12-01", **options
    ).summary


def japanese_list(folder: Path) -> Path:
    """The CP932 sample list under a Japanese file name with Japanese column names."""
    lines = (DATASETS / "sample_recipients_cp932.csv").read_bytes().split(b"\n")
    lines[0] = JAPANESE_HEADER.encode("cp932") + (b"\r" if lines[0].endswith(b"\r") else b"")
    path = folder / "顧客リスト_冬のセール.csv"
    path.write_bytes(b"\n".join(lines))
    return path


def japanese_forecast(folder: Path) -> Forecast:
    return simulator.forecast(
        japanese_list(folder), message=JAPANESE_TEMPLATE, as_of="2026-12-01", kp_sender="ソトバ"
    ).summary


def write_report(summary: Forecast, out_dir: Path) -> Path:
    """summary.json, charts and report.html as `forecast --out` writes them; the page."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return write_report_files(out_dir, summary)["report"]
