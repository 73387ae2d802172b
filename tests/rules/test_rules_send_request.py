"""The send request of each plan (rules/api.yaml `endpoints` and `form_roles`): endpoint, form
fields in the order xoxzo.cloudpy posts them, flags as the string `true`, and a body that a plain
HTTP client posts byte for byte (checked against a loopback stub server).

Record: W-docs / W-docs-old (message, recipient, sender required; jp_kp, jp_kpl the string
`true`; jp_kp_sender mandatory with a flag), cloudpy 0.4.1 (`send_sms(message, recipient,
sender, callbackurl=None)`) and its unreleased kwargs version (`…&sender=XOXZO&jp_kpl=true&
jp_kp_sender=0312341234`).
"""

from __future__ import annotations

import datetime as dt
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qsl

import pytest

from simulator.rules.api_request import api_request, given_values
from simulator.rules.ruleset import RuleSet

D = dt.date.fromisoformat
KP_SENDER = "0312341234"
SENDER = "XOXZO"
JAPANESE = "明日10時に配達します。変更は https://ex.jp/a?b=1&c=2 まで"


def request_of(
    ruleset: RuleSet,
    defaults: dict[str, str],
    plan: str,
    on: str,
    *,
    message: str | None = "hello",
    recipient: str | None = "+818011234567",
    sender: str | None = SENDER,
    kp_sender: str | None = KP_SENDER,
) -> dict[str, object]:
    given = given_values(
        ruleset, message=message, recipient=recipient, sender=sender, kp_sender=kp_sender
    )
    request = api_request(ruleset, plan, D(on), defaults, given)["request"]
    assert isinstance(request, dict)
    return request


def pairs(request: dict[str, object]) -> list[tuple[str, str | None]]:
    fields = request["fields"]
    assert isinstance(fields, list)
    return [(f["name"], f["value"]) for f in fields]


@pytest.mark.parametrize(
    ("plan", "on", "expected"),
    [
        pytest.param(
            "lite", "2024-01-01",
            [("message", "hello"), ("recipient", "+818011234567"), ("sender", SENDER),
             ("jp_kpl", "true"), ("jp_kp_sender", KP_SENDER)],
            id="lite-jp_kpl-and-jp_kp_sender",
        ),
        pytest.param(
            "full", "2024-01-01",
            [("message", "hello"), ("recipient", "+818011234567"), ("sender", SENDER),
             ("jp_kp", "true"), ("jp_kp_sender", KP_SENDER)],
            id="full-jp_kp-and-jp_kp_sender",
        ),
        pytest.param(
            "standard", "2024-01-01",
            [("message", "hello"), ("recipient", "+818011234567"), ("sender", SENDER)],
            id="standard-no-flag-no-registered-sender",
        ),
        # blog parameter-update 2020-08-25 / 2020-10-01: jp_kddi_sender until 2020-09-30
        pytest.param(
            "full", "2019-01-01",
            [("message", "hello"), ("recipient", "+818011234567"), ("sender", SENDER),
             ("jp_kp", "true"), ("jp_kddi_sender", KP_SENDER)],
            id="full-2019-jp_kddi_sender",
        ),
        # blog k-premium-parameter-change 2017-07-31: dashed names before
        pytest.param(
            "full", "2016-01-01",
            [("message", "hello"), ("recipient", "+818011234567"), ("sender", SENDER),
             ("jp-kp", "true"), ("jp-kddi-sender", KP_SENDER)],
            id="full-2016-dashed-names",
        ),
    ],
)  # fmt: skip
def test_request_fields_follow_the_dated_names_in_form_order(
    ruleset: RuleSet,
    defaults: dict[str, str],
    plan: str,
    on: str,
    expected: list[tuple[str, str]],
) -> None:
    assert pairs(request_of(ruleset, defaults, plan, on)) == expected


def test_request_posts_form_encoded_to_the_sms_endpoint(
    ruleset: RuleSet, defaults: dict[str, str]
) -> None:
    request = request_of(ruleset, defaults, "lite", "2024-01-01")
    assert request["method"] == "POST"
    assert request["url"] == "https://api.xoxzo.com/sms/messages/"
    assert request["content_type"] == "application/x-www-form-urlencoded"
    assert request["missing"] == []
    assert request["body"] == (
        "message=hello&recipient=%2B818011234567&sender=XOXZO&jp_kpl=true&jp_kp_sender=0312341234"
    )


def test_flags_are_the_string_true_from_the_rules(ruleset: RuleSet) -> None:
    flags = [p for p in ruleset.api.parameters if p.role in {"full_flag", "lite_flag"}]
    assert flags and {p.value for p in flags} == {"true"}


@pytest.mark.parametrize(
    ("omitted", "missing"),
    [
        ({"message": None}, ["message"]),
        ({"recipient": None}, ["recipient"]),
        ({"sender": None, "kp_sender": None}, ["sender", "kp_sender"]),
    ],
)
def test_a_value_not_given_is_listed_as_missing_and_leaves_no_body(
    ruleset: RuleSet,
    defaults: dict[str, str],
    omitted: dict[str, None],
    missing: list[str],
) -> None:
    request = request_of(ruleset, defaults, "full", "2024-01-01", **omitted)  # type: ignore[arg-type]
    assert request["missing"] == missing
    assert request["body"] is None


def test_every_request_role_is_required_by_the_rules(ruleset: RuleSet) -> None:
    roles = ruleset.roles
    assert {roles.message, roles.recipient, roles.user_sender} <= set(roles.required)
    constraint = next(c for c in ruleset.api.constraints if c.id == "message-recipient-required")
    assert set(constraint.roles) == {roles.message, roles.recipient}


@dataclass
class Received:
    method: str = ""
    path: str = ""
    content_type: str = ""
    authorization: str = ""
    body: bytes = b""
    bodies: list[bytes] = field(default_factory=list)


@pytest.fixture
def stub_api() -> Iterator[tuple[str, Received]]:
    """A stub of the SMS endpoint on 127.0.0.1 that records what it is sent and answers 201."""
    received = Received()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.method = self.command
            received.path = self.path
            received.content_type = self.headers.get("Content-Type", "")
            received.authorization = self.headers.get("Authorization", "")
            received.body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            received.bodies.append(received.body)
            self.send_response(201)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'[{"msgid": "0123456789abcdef0123456789abcdef"}]')

        def log_message(self, format: str, *args: object) -> None:
            return

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def post(base: str, url: str, content_type: str, body: str) -> int:
    """POST `body` with urllib (any HTTP client) to the stub, at the endpoint's path."""
    path = url.split("://", 1)[1].split("/", 1)[1]
    req = urllib.request.Request(
        f"{base}/{path}",
        data=body.encode("ascii"),
        method="POST",
        headers={"Content-Type": content_type, "Authorization": "Basic U0lEOlRPS0VO"},
    )
    with urllib.request.urlopen(req, timeout=5) as response:
        status: int = response.status
        return status


@pytest.mark.allow_hosts(["127.0.0.1"])
def test_the_body_reaches_an_http_server_byte_for_byte(
    ruleset: RuleSet, defaults: dict[str, str], stub_api: tuple[str, Received]
) -> None:
    base, received = stub_api
    request = request_of(ruleset, defaults, "lite", "2026-12-03", message=JAPANESE)
    body = request["body"]
    assert isinstance(body, str)
    status = post(base, str(request["url"]), str(request["content_type"]), body)
    assert status == 201
    assert (received.method, received.path) == ("POST", "/sms/messages/")
    assert received.content_type == "application/x-www-form-urlencoded"
    assert received.body == (
        b"message=%E6%98%8E%E6%97%A510%E6%99%82%E3%81%AB%E9%85%8D%E9%81%94%E3%81%97%E3%81%BE"
        b"%E3%81%99%E3%80%82%E5%A4%89%E6%9B%B4%E3%81%AF+https%3A%2F%2Fex.jp%2Fa%3Fb%3D1%26c%3D2"
        b"+%E3%81%BE%E3%81%A7&recipient=%2B818011234567&sender=XOXZO&jp_kpl=true"
        b"&jp_kp_sender=0312341234"
    )
    assert parse_qsl(received.body.decode("ascii"), strict_parsing=True) == [
        ("message", JAPANESE),
        ("recipient", "+818011234567"),
        ("sender", SENDER),
        ("jp_kpl", "true"),
        ("jp_kp_sender", KP_SENDER),
    ]
