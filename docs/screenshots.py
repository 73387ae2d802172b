"""Regenerate the report screenshots the README shows: `python docs/screenshots.py`.

Forecasts the shipped sample list (English message file, as in the README's quick start) and a
Japanese-named CP932 list with a `{氏名}様` template (that one in Japanese), writes each report.html as
`kpsim forecast --out` does, and has headless Chromium (`apt-get install chromium
fonts-noto-cjk`) take a screenshot of each into docs/img/.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "report"))

from report_support import (  # noqa: E402  (the test helpers build the same two reports)
    chromium,
    japanese_forecast,
    sample_forecast,
    screenshot,
    write_report,
)

from simulator.i18n import language  # noqa: E402

SHOTS = {
    "report_en.png": ("en", "sample list, English report"),
    "report_ja.png": ("ja", "Japanese CP932 list, {氏名}様 template, Japanese report"),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "img")
    parser.add_argument("--height", type=int, default=2400, help="window height in pixels")
    args = parser.parse_args()
    browser = chromium()
    if browser is None:
        print("no chromium: apt-get install -y chromium fonts-noto-cjk", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        summaries = {
            "report_en.png": sample_forecast(),
            "report_ja.png": japanese_forecast(work),
        }
        for name, summary in summaries.items():
            lang, what = SHOTS[name]
            with language(lang):
                page = write_report(summary, work / name.removesuffix(".png"))
            png = screenshot(browser, page, work / "profile", args.out / name, args.height)
            print(f"{png.relative_to(REPO) if png.is_relative_to(REPO) else png}: {what}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
