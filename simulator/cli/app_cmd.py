"""`kpsim app`: the local web page, on 127.0.0.1 with a random token in its URL."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import typer

from simulator import scratch
from simulator.app.config import DEFAULT_UPLOAD_LIMIT_MB, LOOPBACK, AppConfig
from simulator.cli import options as opt
from simulator.cli.common import stderr, stdout
from simulator.errors import UsageError
from simulator.i18n import parse_lang, t

EXAMPLES = opt.examples("app")


def check_host(host: str, allow_remote: bool) -> None:
    """Loopback only, unless `--allow-remote` (then a warning: anyone who can reach the
    port and knows the URL can use the app)."""
    if host in LOOPBACK:
        return
    if not allow_remote:
        raise UsageError(
            f"--host {host!r} would let other machines reach the app",
            hint="keep the default 127.0.0.1, or add --allow-remote if you really mean it",
            code="remote_host",
        )
    stderr.print(t("app.cli.remote_warning", host=host), markup=False)


def app_cmd(
    host: str = typer.Option(
        "127.0.0.1", "--host", metavar="HOST", help="Address to listen on (loopback)."
    ),
    port: int = typer.Option(
        0, "--port", metavar="PORT", min=0, max=65535, help="Port (0: a free one)."
    ),
    allow_remote: bool = typer.Option(
        False, "--allow-remote", help="Allow a non-loopback --host (not recommended)."
    ),
    no_browser: bool = typer.Option(False, "--no-browser", help="Do not open the browser."),
    lang: str | None = typer.Option(
        None, "--lang", metavar="LANG", help="ja or en (default: the browser's)."
    ),
    max_upload_mb: int = typer.Option(
        DEFAULT_UPLOAD_LIMIT_MB,
        "--max-upload-mb",
        metavar="MB",
        min=1,
        help="Largest list accepted (MB).",
    ),
    rules: Path | None = typer.Option(
        None, "--rules", metavar="DIR", readable=False, help="Rules directory."
    ),
) -> None:
    """Start the local web page: upload a list, type the message, compare the plans."""
    from simulator.app.server import bind, serve  # starlette loads only for `kpsim app`

    check_host(host, allow_remote)
    chosen = None if lang is None else parse_lang(lang)
    try:
        sock = bind(host, port)
    except OSError as exc:
        raise UsageError(
            f"cannot listen on {host}:{port} ({exc.strerror})",
            hint="pick another --port or leave it at 0",
            code="cannot_listen",
        ) from None
    config = AppConfig(
        host=host,
        port=sock.getsockname()[1],
        scratch=scratch.directory("app"),
        upload_limit=max_upload_mb * 1024 * 1024,
        lang=chosen,
        rules_dir=rules,
    )
    url = config.url("/") + (f"&lang={chosen}" if chosen else "")

    def ready() -> None:
        stdout.print(t("app.cli.listening", url=url), markup=False, soft_wrap=True)
        stdout.print(t("app.cli.stop"), markup=False)
        if not no_browser:
            webbrowser.open(url)

    serve(config, sock, ready)
