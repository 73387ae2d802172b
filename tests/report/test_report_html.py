"""report.html as markup: built from the typed Forecast with autoescaping, self-contained, with
the tables an analyst hands on (no browser needed; see test_report_browser.py for one)."""

from __future__ import annotations

import re
from pathlib import Path

from report_support import DATASETS, read_page, sample_forecast

import simulator
from simulator.report.html import render_html


def test_every_user_supplied_string_shows_as_text_not_markup(tmp_path: Path) -> None:
    csv = tmp_path / "list.csv"
    csv.write_text("phone\n090-1234-5678\n", encoding="utf-8")
    summary = simulator.forecast(
        csv,
        message="<b>x</b> abc[/b] & <script>alert(1)</script>",
        as_of="2026-12-01",
        input_name="<b>x</b>.csv",
        kp_sender="<i>ID</i>",
    ).summary
    html = render_html(summary, {})
    assert "<b>x</b>" not in html and "<script>alert" not in html and "<i>ID" not in html
    assert "&lt;b&gt;x&lt;/b&gt; abc[/b] &amp; &lt;script&gt;" in html
    page = read_page(html)
    assert "<b>x</b> abc[/b] & <script>alert(1)</script>" in page.text
    assert "<b>x</b>.csv" in page.text


def test_the_report_loads_nothing_from_outside(tmp_path: Path) -> None:
    html = render_html(sample_forecast(), {})
    assert "<script" not in html and "<link" not in html and "@import" not in html
    assert not re.search(r"""(src|srcset)=["'](?!data:)""", html)
    assert "url(" not in html


def test_the_comparison_is_a_real_table_with_cheapest_and_difference_rows() -> None:
    summary = sample_forecast()
    page = read_page(render_html(summary, {}))
    assert page.rows["comparison"][0] == ["", "standard cheapest", "lite", "full"]
    assert page.row("comparison", "Total excl. tax") == ["¥18,580", "¥69,917", "¥70,438"]
    assert page.row("comparison", "Difference to standard") == ["±¥0", "+¥51,337", "+¥51,858"]
    assert page.row("comparison", "All-in per message (with fees)") == ["¥10", "¥37.63", "¥37.91"]


def test_fees_show_their_arithmetic_over_started_30_day_periods() -> None:
    summary = sample_forecast(period_days=31, sender_ids=2)
    page = read_page(render_html(summary, {}))
    assert page.row("fees", "lite") == [
        "registration_fee".replace("_", " "),
        "¥200,000",
        "¥200,000 = 2 started 30-day periods (31 days) × 2 sender IDs × ¥50,000",
    ]


def test_rejects_are_listed_by_reason_with_their_meaning_and_masked_examples() -> None:
    summary = sample_forecast()
    page = read_page(render_html(summary, {}))
    landline = page.row("rejects", "landline")
    assert landline[0] == "52"
    assert landline[1] == "A fixed-line (0AB-J) number: cannot receive SMS."
    assert all("****" in e for e in landline[2].split(", "))


def test_prices_used_name_amount_unit_basis_date_and_a_titled_source_link() -> None:
    summary = sample_forecast()
    page = read_page(render_html(summary, {}))
    standard = page.row("prices", "standard")  # past its last source: assumed unchanged (M7)
    assert standard[:4] == ["¥10", "message part", "assumed unchanged", "2025-09-27"]
    k_premium = page.row("prices", "k_premium")
    assert k_premium[:4] == ["¥11", "message part", "upper bound", "2025-03-01"]
    assert page.row("prices", "consumption tax")[0] == "10%"
    ref = summary.prices.items["k_premium"].source_refs[0]
    assert ref.url.startswith("https://") and (ref.url, ref.title) in page.links


def test_the_page_declares_its_language_and_a_japanese_font_stack() -> None:
    html = render_html(sample_forecast(), {})
    assert '<html lang="en">' in html
    for font in ("Noto Sans CJK JP", "Hiragino", "Yu Gothic", "Meiryo"):
        assert font in html


def test_a_message_too_long_for_k_premium_shows_the_plans_limit_and_no_yen_total() -> None:
    long = simulator.forecast(
        DATASETS / "sample_recipients.csv", message="あ" * 80, as_of="2026-12-01"
    ).summary
    page = read_page(render_html(long, {}))
    assert page.row("message", "lite") == [
        "non ascii",
        "80",
        "too long",
        "non ascii: 70 in one part, no splitting",
    ]
    assert page.row("message", "standard")[2] == "2"
    assert page.row("comparison", "Total excl. tax")[1:] == ["–", "–"]
    assert page.row("comparison", "Sendable")[1] == (
        "no: none of 1,858 recipients; too long: 80 characters, cut 10"
    )
    assert page.row("comparison", "Message length")[1] == "80 (limit 140 ascii / 70 non ascii)"


def test_an_unknown_price_reads_unknown_and_a_plan_not_yet_available_says_so() -> None:
    summary = simulator.forecast(
        DATASETS / "sample_recipients.csv", message="Hello", as_of="2017-06-01"
    ).summary
    page = read_page(render_html(summary, {}))
    assert page.row("comparison", "Sendable") == ["yes", "no: plan starts 2018-06-25", "yes"]
    assert page.row("comparison", "Message charges") == ["¥18,530", "–", "unknown"]
    assert page.row("comparison", "Total excl. tax") == ["¥18,530", "–", "unknown"]
    assert [r[0] for r in page.rows["message"][1:]] == ["standard", "full"]
    assert "None" not in page.text and "NaN" not in page.text
