"""report.html in a real browser: headless Chromium renders it, the text it shows is checked
against the summary, and the screenshot is kept under tests/artifacts/ (ignored by git).

Without Chromium these tests skip with the install line; with `CI` set they fail instead."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_support import (
    ARTIFACTS,
    JAPANESE_TEMPLATE,
    Page,
    dump_dom,
    japanese_forecast,
    read_page,
    require_chromium,
    sample_forecast,
    screenshot,
    write_report,
)

from simulator.i18n import Lang, language, t
from simulator.pricing.money import fmt_jpy
from simulator.result.forecast import Forecast

FORBIDDEN = ("None", "null", "NaN", "undefined", "\ufffd")


@pytest.fixture(scope="module")
def browser() -> str:
    return require_chromium()


def rendered(
    browser: str, summary: Forecast, folder: Path, name: str, lang: Lang = "en"
) -> tuple[Page, dict, Path]:
    with language(lang):
        page = write_report(summary, folder / "out")
    dom = dump_dom(browser, page, folder / "profile")
    assert f'<html lang="{lang}">' in dom
    png = screenshot(browser, page, folder / "profile", ARTIFACTS / f"report_{name}.png")
    print(f"screenshot of report.html kept at {png}")
    document = json.loads((folder / "out" / "summary.json").read_text(encoding="utf-8"))
    return read_page(dom), document, png


def assert_figures_match_the_json(page: Page, document: dict) -> None:
    plans = document["plans"]
    for label, key in [
        ("Recipients sent", "recipients"),
        ("Message parts", "parts"),
    ]:
        assert page.row("comparison", label) == [
            f"{p[key]:,}" if p["sendable"] else "–" for p in plans.values()
        ]
    for label, key in [
        ("Sender-ID fees", "fixed_fees_jpy"),
        ("Total excl. tax", "total_jpy_excl_tax"),
        ("Total incl. tax", "total_jpy_incl_tax"),
    ]:
        assert page.row("comparison", label) == [
            fmt_jpy(p[key]) if p["sendable"] else "–" for p in plans.values()
        ]
    totals = {n: p["total_jpy_excl_tax"] for n, p in plans.items() if p["sendable"]}
    cheapest = min(totals, key=lambda n: totals[n])
    assert page.row("comparison", "Cheapest") == [f"✔ {n}" if n == cheapest else "–" for n in plans]
    assert f"{document['rows_in']:,}" in page.text
    assert page.row("rejects", "Total") == [f"{document['rows_rejected']:,}", ""]


def assert_prices_shown(page: Page, document: dict) -> None:
    for name, item in document["prices"]["items"].items():
        cells = page.row("prices", name)
        assert cells[0] == fmt_jpy(item["amount_jpy"])
        for ref in item["source_refs"]:
            assert (ref["url"], ref["title"]) in page.links


def assert_clean(page: Page) -> None:
    for word in FORBIDDEN:
        assert word not in page.text, f"{word!r} shows in the rendered report"
    assert page.images and all(src.startswith("data:image/png;base64,") for src in page.images)


def test_the_sample_report_shows_the_summary_figures_prices_and_message_in_a_browser(
    browser: str, tmp_path: Path
) -> None:
    summary = sample_forecast()
    page, document, _ = rendered(browser, summary, tmp_path, "sample_en")
    assert_figures_match_the_json(page, document)
    assert_prices_shown(page, document)
    assert_clean(page)
    assert document["message"]["text"] in page.text
    assert page.row("message", "lite")[-1] == "non ascii: 70 in one part, no splitting"
    assert "¥50,000 = 1 started 30-day period (30 days) × 1 sender ID × ¥50,000" in page.text
    docomo = page.row("senders", "docomo")
    assert docomo[-1].startswith("SOTOBA your registered sender ID")


def test_a_japanese_cp932_list_with_a_template_renders_without_tofu_or_mojibake(
    browser: str, tmp_path: Path
) -> None:
    summary = japanese_forecast(tmp_path)
    page, document, png = rendered(browser, summary, tmp_path, "japanese_template")
    assert_figures_match_the_json(page, document)
    assert_clean(page)
    assert "顧客リスト_冬のセール.csv" in page.text
    assert JAPANESE_TEMPLATE in page.text
    assert "ソトバ" in page.row("senders", "au")[-1]
    assert png.stat().st_size > 10_000


def test_a_japanese_report_shows_japanese_labels_and_the_same_figures_in_a_browser(
    browser: str, tmp_path: Path
) -> None:
    summary = japanese_forecast(tmp_path)
    page, document, _ = rendered(browser, summary, tmp_path, "japanese_ja", lang="ja")
    assert_clean(page)
    plans = document["plans"]
    for key, field in [
        ("report.html.fees", "fixed_fees_jpy"),
        ("report.html.total_excl_tax", "total_jpy_excl_tax"),
        ("report.html.total_incl_tax", "total_jpy_incl_tax"),
    ]:
        assert page.row("comparison", t(key, lang="ja")) == [
            fmt_jpy(p[field]) if p["sendable"] else "–" for p in plans.values()
        ]
    assert page.row("rejects", t("report.html.total", lang="ja"))[0] == (
        f"{document['rows_rejected']:,}"
    )
    for key in ("report.html.plans_side_by_side", "report.html.warnings", "reason.landline"):
        assert t(key, lang="ja") in page.text
    assert t("report.html.plans_side_by_side", lang="en") not in page.text
    assert "顧客リスト_冬のセール.csv" in page.text
    assert document["warnings"] == summary.warnings  # summary.json stays English
