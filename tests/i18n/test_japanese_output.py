"""Japanese output: the terminal table, reject meanings, warnings, report.html and charts speak
the language in force (`KPSIM_LANG`, `--lang`, or `i18n.language`), while JSON stays English."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure

import simulator
from simulator import i18n
from simulator.i18n import language, t
from simulator.report import charts
from simulator.report.html import render_html
from simulator.report.words import plan_reason, warning_texts
from simulator.result.forecast import Forecast
from simulator.rules.reasons import REJECT_REASONS, REPAIRS, describe

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "report"))
from report_support import DATASETS, japanese_forecast, sample_forecast


@pytest.fixture(scope="module")
def sample() -> Forecast:
    return sample_forecast()


def has_japanese(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize("code", sorted({**REJECT_REASONS, **REPAIRS}))
def test_every_reject_reason_and_repair_has_a_japanese_meaning_and_the_english_source(
    code: str,
) -> None:
    english = {**REJECT_REASONS, **REPAIRS}[code]
    assert t(f"reason.{code}", lang="en") == english
    assert describe(code) == english
    assert has_japanese(describe(code, "ja"))


def test_every_warning_of_the_sample_has_a_code_and_japanese_words(sample: Forecast) -> None:
    assert sample.warnings and len(sample.notices) == len(sample.warnings)
    assert [n.text for n in sample.notices] == sample.warnings
    assert all(i18n.has(f"warning.{n.code}") for n in sample.notices)
    with language("ja"):
        japanese = warning_texts(sample)
    assert all(has_japanese(w) for w in japanese)
    with language("en"):
        assert warning_texts(sample) == sample.warnings


def test_an_assumption_that_is_not_modelled_is_warned_in_japanese() -> None:
    summary = sample_forecast(assume={"tax_rate_date": "purchase_date"})
    (n,) = [n for n in summary.notices if n.code == "assumption_not_modelled"]
    assert n.fields["name"] == "tax_rate_date" and n.fields["value"] == "purchase_date"
    with language("ja"):
        assert t("warning.assumption_not_modelled", **n.fields) in warning_texts(summary)


def test_kpsim_forecast_under_kpsim_lang_ja_prints_japanese_labels_and_the_same_figures() -> None:
    args = [
        *("forecast", str(DATASETS / "sample_recipients.csv")),
        *("--message-file", str(DATASETS / "sample_message.txt"), "--as-of", "2026-12-01"),
    ]
    kpsim = [sys.executable, "-c", "from simulator.cli.main import run; run()"]

    def printed(lang: str) -> str:
        env = {**os.environ, "KPSIM_LANG": lang, "COLUMNS": "250"}
        done = subprocess.run(
            [*kpsim, *args], capture_output=True, text=True, env=env, check=True, timeout=300
        )
        return done.stdout

    ja, en = printed("ja"), printed("en")
    for key in ("report.text.sendable", "report.text.total_incl_tax", "report.text.fees"):
        assert t(key, lang="ja") in ja
        assert t(key, lang="ja") not in en and t(key, lang="en") in en
    assert t("report.text.rejects_title", lang="ja") in ja
    assert t("reason.two_numbers", lang="ja") in ja
    yen = re.compile(r"¥[\d,.]+")
    assert yen.findall(ja)[:30] == yen.findall(en)[:30]  # the table's figures, unchanged


def test_json_stays_english_in_a_japanese_session(sample: Forecast) -> None:
    with language("ja"):
        again = sample_forecast()
    assert again.warnings == sample.warnings
    assert again.reject_meanings == sample.reject_meanings


def test_the_report_is_lang_ja_with_japanese_headings_when_japanese(sample: Forecast) -> None:
    with language("ja"):
        page = render_html(sample, {})
    assert '<html lang="ja">' in page
    for key in ("report.html.plans_side_by_side", "report.html.rows_not_sent", "reason.landline"):
        assert t(key, lang="ja") in page
    assert t("report.html.plans_side_by_side", lang="en") not in page
    with language("en"):
        assert '<html lang="en">' in render_html(sample, {})


def test_the_stylesheet_puts_a_japanese_font_first_for_japanese_pages() -> None:
    css = (Path(charts.__file__).parent / "templates" / "report.css").read_text(encoding="utf-8")
    ja_rule = css.split(":root:lang(ja)")[1].split("}")[0]
    assert ja_rule.split("font-family:")[1].strip().startswith('"Noto Sans CJK JP"')


def draw(fig: Figure) -> None:
    with charts.chart_fonts():
        fig.savefig(io.BytesIO(), format="png")


@pytest.mark.parametrize("make", list(charts.CHARTS.values()), ids=list(charts.CHARTS))
def test_japanese_charts_draw_every_glyph_with_the_font_a_dependency_ships(
    make: charts.Callable[[Forecast], Figure], sample: Forecast
) -> None:
    with language("ja"), warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)"
        fig = make(sample)
        draw(fig)
    (ax,) = fig.axes[:1]
    assert has_japanese(ax.get_title())
    family = ax.title.get_fontproperties().get_family()
    assert family[0] == charts.japanese_font()
    path = font_manager.findfont(font_manager.FontProperties(family=family[0]))
    assert "matplotlib_fontja" in path


def test_japanese_text_in_an_english_chart_falls_back_to_the_japanese_font(tmp_path: Path) -> None:
    summary = japanese_forecast(tmp_path)
    with language("en"), warnings.catch_warnings():
        warnings.simplefilter("error")
        with charts.chart_fonts():
            fig = charts.cost_by_plan_and_carrier(summary)
            fig.axes[0].set_xlabel(summary.input.file or "")
        draw(fig)
    assert has_japanese(fig.axes[0].get_xlabel())


def test_importing_the_font_leaves_matplotlibs_global_font_alone() -> None:
    import matplotlib

    before = list(matplotlib.rcParams["font.family"])
    charts.japanese_font.cache_clear()
    charts.japanese_font()
    assert list(matplotlib.rcParams["font.family"]) == before


def test_a_plan_the_message_is_too_long_for_says_why_in_japanese() -> None:
    summary = simulator.forecast(
        DATASETS / "sample_recipients.csv", message="あ" * 80, as_of="2026-12-01"
    ).summary
    lite = summary.plans["lite"]
    assert not lite.sendable and lite.reason
    with language("ja"):
        said = plan_reason(lite.reason)
        page = render_html(summary, {})
        shown = warning_texts(summary)
    limit = t("report.html.limit_single", lang="ja", n=70)
    assert said.startswith(t("report.message_too_long", lang="ja", n=80, limit="")[:-1])
    assert limit in said and "in one part" not in said
    assert said in page
    assert any(said in w for w in shown)
