"""Shared helpers of the app's tests: an app on a scratch folder, uploads, a finished run."""

from __future__ import annotations

import re
import time
from pathlib import Path

from starlette.testclient import TestClient

from simulator.app.config import AppConfig
from simulator.app.server import create_app

PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
DATASETS = Path(__file__).resolve().parents[2] / "datasets"
SAMPLE = DATASETS / "sample_recipients.csv"


def make_client(folder: Path, **overrides: object) -> tuple[TestClient, AppConfig]:
    config = AppConfig(host="127.0.0.1", port=PORT, scratch=folder / "scratch", **overrides)  # type: ignore[arg-type]
    return TestClient(create_app(config), base_url=BASE, follow_redirects=False), config


def upload(client: TestClient, config: AppConfig, name: str, data: bytes, **form: str) -> str:
    """Upload a list; the id of the list's page."""
    response = client.post(
        f"/upload?token={config.token}&lang=en", files={"file": (name, data)}, data=form
    )
    assert response.status_code == 303, response.text
    match = re.search(r"/list/([0-9a-f]+)\?", response.headers["location"])
    assert match is not None
    return match.group(1)


def finished_run(client: TestClient, config: AppConfig, list_id: str, **form: object) -> str:
    """Start a forecast of the list and wait until it is done; the run's page HTML."""
    response = client.post(f"/list/{list_id}/forecast?token={config.token}&lang=en", data=form)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    run_id = re.search(r"/run/([0-9a-f]+)\?", location).group(1)  # type: ignore[union-attr]
    for _ in range(240):
        if client.get(f"/run/{run_id}/status?token={config.token}").json()["done"]:
            break
        time.sleep(0.25)
    return client.get(location).text


def download_links(html: str) -> list[str]:
    return [
        m.replace("&amp;", "&") for m in re.findall(r'href="(/run/[0-9a-f]+/file/[^"]+)"', html)
    ]
