"""`kpsim app` over HTTP (Starlette's TestClient): the token, the host and origin checks, the
upload limit, hostile names and cells, masking, and the files a run offers."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from app_support import SAMPLE, download_links, finished_run, make_client, upload

from simulator.cli.app_cmd import check_host
from simulator.errors import UsageError

FULL_NUMBER = "09059253108"
DIGITS = "9059253108"
"""The number's digits without the trunk 0: in the list's form and in E.164 alike."""


@pytest.fixture
def app(tmp_path: Path):  # type: ignore[no-untyped-def]
    return make_client(tmp_path)


def test_every_request_needs_the_runs_token(app) -> None:  # type: ignore[no-untyped-def]
    client, config = app
    assert client.get("/").status_code == 403
    assert client.get("/?token=wrong").status_code == 403
    assert client.get(f"/?token={config.token[:-1]}").status_code == 403
    assert (
        client.post("/upload?token=wrong", files={"file": ("a.csv", b"phone\n")}).status_code == 403
    )
    assert client.get(f"/?token={config.token}").status_code == 200


def test_another_host_name_is_refused(app) -> None:  # type: ignore[no-untyped-def]
    client, config = app
    response = client.get(f"/?token={config.token}", headers={"host": "evil.example:8765"})
    assert response.status_code == 403


def test_a_form_posted_from_another_origin_is_refused(app) -> None:  # type: ignore[no-untyped-def]
    client, config = app
    files = {"file": ("a.csv", SAMPLE.read_bytes())}
    hostile = client.post(
        f"/upload?token={config.token}", files=files, headers={"origin": "http://evil.example"}
    )
    assert hostile.status_code == 403
    cross_site = client.post(
        f"/upload?token={config.token}", files=files, headers={"sec-fetch-site": "cross-site"}
    )
    assert cross_site.status_code == 403


def test_pages_carry_a_strict_content_security_policy(app) -> None:  # type: ignore[no-untyped-def]
    client, config = app
    headers = client.get(f"/?token={config.token}").headers
    assert "default-src 'none'" in headers["content-security-policy"]
    assert headers["referrer-policy"] == "same-origin"  # no token leaves in a Referer


def test_an_upload_beyond_the_limit_is_413(tmp_path: Path) -> None:
    client, config = make_client(tmp_path, upload_limit=10_000)
    big = b"phone\n" + b"09059253108\n" * 2_000
    response = client.post(f"/upload?token={config.token}", files={"file": ("big.csv", big)})
    assert response.status_code == 413
    assert not list((tmp_path / "scratch").glob("list-*"))


def test_a_streamed_upload_beyond_the_limit_is_413(tmp_path: Path) -> None:
    client, config = make_client(tmp_path, upload_limit=10_000)

    def chunks():  # type: ignore[no-untyped-def]
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n'
        for _ in range(100):
            yield b"09059253108\n" * 100

    response = client.post(
        f"/upload?token={config.token}",
        content=chunks(),
        headers={"content-type": "multipart/form-data; boundary=b"},
    )
    assert response.status_code == 413


def test_an_uploaded_name_is_never_a_path_and_is_shown_escaped(app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    client, config = app
    name = '../../<img src=x onerror=alert(1)>"evil.csv'
    list_id = upload(client, config, name, SAMPLE.read_bytes())
    stored = [p.name for p in (tmp_path / "scratch").iterdir()]
    assert stored == [p for p in stored if p.startswith(("list-", "run-"))]
    assert not (tmp_path / "evil.csv").exists() and not Path("evil.csv").exists()
    page = client.get(f"/list/{list_id}?token={config.token}").text
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_markup_looking_cell_and_header_are_escaped(app) -> None:  # type: ignore[no-untyped-def]
    client, config = app
    data = b"phone,<b>name</b>\n<script>alert(1)</script>,x\n09059253108,y\n"
    list_id = upload(client, config, "cells.csv", data)
    page = client.get(f"/list/{list_id}?token={config.token}").text
    assert "<script>alert(1)" not in page and "<b>name</b>" not in page
    assert "&lt;b&gt;name&lt;/b&gt;" in page
    result = finished_run(client, config, list_id, message="Hi {<b>name</b>}", as_of="2026-12-01")
    assert "<script>alert(1)" not in result and "<b>name</b>" not in result


def test_the_list_step_gives_the_same_row_accounting_as_the_cli(app) -> None:  # type: ignore[no-untyped-def]
    client, config = app
    list_id = upload(client, config, "sample.csv", SAMPLE.read_bytes())
    page = client.get(f"/list/{list_id}?token={config.token}").text
    done = subprocess.run(
        [sys.executable, "-m", "simulator", "recipients", "check", str(SAMPLE), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    import json

    counts = json.loads(done.stdout)
    assert f'data-figure="rows_in">{counts["rows_in"]:,}<' in page
    assert f'data-figure="rows_rejected">{counts["rejected"]:,}<' in page
    for reason in counts["rejects_by_reason"]:
        assert f"<code>{reason}</code>" in page


def test_an_ambiguous_phone_column_offers_a_choice(app) -> None:  # type: ignore[no-untyped-def]
    client, config = app
    data = b"phone,Phone\n09059253108,08031554646\n"
    list_id = upload(client, config, "two.csv", data)
    page = client.get(f"/list/{list_id}?token={config.token}").text
    assert '<option value="Phone">' in page and '<option value="phone">' in page
    chosen = client.post(
        f"/list/{list_id}/read?token={config.token}", data={"phone_column": "Phone"}
    )
    assert chosen.status_code == 303
    page = client.get(f"/list/{list_id}?token={config.token}").text
    assert 'data-figure="rows_in">1<' in page


def test_numbers_are_masked_on_every_page_and_download(app) -> None:  # type: ignore[no-untyped-def]
    client, config = app
    data = f"phone,note\n{FULL_NUMBER},call {FULL_NUMBER}\n0312345678901234,x\n".encode()
    list_id = upload(client, config, "mask.csv", data)
    assert DIGITS not in client.get(f"/list/{list_id}?token={config.token}").text
    result = finished_run(client, config, list_id, message="Hello", as_of="2026-12-01")
    assert DIGITS not in result
    for link in download_links(result):
        body = client.get(link).content
        if link.split("?")[0].endswith(".parquet"):
            body = pl.read_parquet(io.BytesIO(body)).write_csv().encode()
        assert DIGITS.encode() not in body, link


def test_full_numbers_reach_the_per_recipient_file_only_when_ticked(app) -> None:  # type: ignore[no-untyped-def]
    client, config = app
    list_id = upload(client, config, "mask.csv", f"phone\n{FULL_NUMBER}\n".encode())
    result = finished_run(
        client, config, list_id, message="Hello", as_of="2026-12-01", full_numbers="on"
    )
    assert DIGITS not in result
    link = next(x for x in download_links(result) if "recipients.parquet" in x)
    frame = pl.read_parquet(io.BytesIO(client.get(link).content))
    assert frame["e164"].to_list()[0] == "+81" + DIGITS


def test_the_result_offers_every_file_the_writer_wrote(app) -> None:  # type: ignore[no-untyped-def]
    client, config = app
    list_id = upload(client, config, "sample.csv", SAMPLE.read_bytes())
    result = finished_run(client, config, list_id, message="Your code is 1234", as_of="2026-12-01")
    links = download_links(result)
    assert any("/file/report.html?" in link for link in links)
    for link in links:
        response = client.get(link)
        assert response.status_code == 200 and response.content, link
    report = client.get(next(x for x in links if "/file/report.html?" in x)).text
    assert report.startswith("<!doctype html>")
    assert 'id="comparison"' in result


def test_a_file_outside_the_runs_list_is_404(app) -> None:  # type: ignore[no-untyped-def]
    client, config = app
    list_id = upload(client, config, "sample.csv", SAMPLE.read_bytes())
    result = finished_run(client, config, list_id, message="Hi", as_of="2026-12-01")
    run = download_links(result)[0].split("/file/")[0]
    for name in ["..%2F..%2Fetc%2Fpasswd", "summary.json.bak", "%2Fetc%2Fpasswd"]:
        assert client.get(f"{run}/file/{name}?token={config.token}").status_code == 404


def test_a_placeholder_naming_no_column_is_refused_before_any_work(app) -> None:  # type: ignore[no-untyped-def]
    client, config = app
    list_id = upload(client, config, "sample.csv", SAMPLE.read_bytes())
    response = client.post(
        f"/list/{list_id}/forecast?token={config.token}&lang=en",
        data={"message": "Hi {nickname}", "as_of": "2026-12-01"},
    )
    assert response.status_code == 400
    assert "nickname" in response.text


def test_the_live_count_gives_parts_per_plan(app) -> None:  # type: ignore[no-untyped-def]
    client, config = app
    list_id = upload(client, config, "sample.csv", SAMPLE.read_bytes())
    info = client.post(
        f"/list/{list_id}/fit?token={config.token}",
        data={"message": "あ" * 71, "as_of": "2026-12-01"},
    ).json()
    assert info["characters"] == 71
    assert info["plans"]["standard"]["parts"] == 2
    assert info["plans"]["lite"]["too_long"] is True
    missing = client.post(
        f"/list/{list_id}/fit?token={config.token}", data={"message": "{name} {nope}"}
    ).json()
    assert missing["missing_columns"] == ["nope"]


@pytest.mark.parametrize(
    ("accept", "lang"), [("ja,en;q=0.5", "ja"), ("en-US,en;q=0.9,ja;q=0.8", "en"), ("", "en")]
)
def test_the_browser_language_chooses_the_pages_language(app, accept: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    client, config = app
    page = client.get(f"/?token={config.token}", headers={"accept-language": accept}).text
    assert f'<html lang="{lang}">' in page


def test_kpsim_app_refuses_a_non_loopback_host_without_allow_remote() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "simulator", "app", "--host", "0.0.0.0", "--no-browser"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "--allow-remote" in done.stderr
    with pytest.raises(UsageError) as refused:
        check_host("0.0.0.0", allow_remote=False)
    assert refused.value.code == "remote_host"


def test_allow_remote_lets_another_host_through_with_a_warning(capsys) -> None:  # type: ignore[no-untyped-def]
    check_host("0.0.0.0", allow_remote=True)
    assert "0.0.0.0" in capsys.readouterr().err
    check_host("127.0.0.1", allow_remote=False)
