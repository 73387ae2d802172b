"""The ASGI app of one run (`create_app`) and serving it on a loopback socket (`serve`)."""

from __future__ import annotations

import socket
from collections.abc import Callable

from starlette.applications import Starlette

from simulator import scratch
from simulator.app.config import AppConfig
from simulator.app.guard import Guard
from simulator.app.pages import Pages


def create_app(config: AppConfig) -> Guard:
    """The app: the page's routes behind the guard (token, host, origin, size, headers)."""
    config.scratch.mkdir(mode=0o700, parents=True, exist_ok=True)
    return Guard(Starlette(routes=Pages(config).routes()), config)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on `host` (port 0: a free one the system picks)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


def serve(config: AppConfig, sock: socket.socket, on_ready: Callable[[], None]) -> None:
    """Serve until interrupted (Ctrl-C, SIGTERM); the scratch folder is removed afterwards."""
    import uvicorn

    server = uvicorn.Server(
        uvicorn.Config(create_app(config), log_level="warning", access_log=False, lifespan="off")
    )
    original = server.startup

    async def startup(sockets: list[socket.socket] | None = None) -> None:
        await original(sockets=sockets)
        on_ready()

    server.startup = startup  # type: ignore[method-assign]
    try:
        server.run(sockets=[sock])
    finally:
        scratch.remove(config.scratch)
