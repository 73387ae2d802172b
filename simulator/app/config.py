"""What one `kpsim app` run was started with: where it listens, its token and its limits."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from simulator.i18n import Lang

DEFAULT_UPLOAD_LIMIT_MB = 200
LOOPBACK = ("127.0.0.1", "::1", "localhost")


def new_token() -> str:
    """A random per-run secret (32 bytes, URL-safe): another local user or a web page cannot
    guess it, so cannot drive the app."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class AppConfig:
    """A run's settings; `allowed_hosts` are the Host headers accepted (DNS rebinding)."""

    host: str
    port: int
    scratch: Path
    token: str = field(default_factory=new_token)
    upload_limit: int = DEFAULT_UPLOAD_LIMIT_MB * 1024 * 1024
    lang: Lang | None = None
    rules_dir: Path | None = None

    @property
    def origin(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def allowed_hosts(self) -> frozenset[str]:
        names = {self.host, "localhost", "127.0.0.1"} if self.host in LOOPBACK else {self.host}
        return frozenset(
            f"[{name}]:{self.port}" if ":" in name else f"{name}:{self.port}" for name in names
        )

    def url(self, path: str = "/") -> str:
        return f"{self.origin}{path}?token={self.token}"
