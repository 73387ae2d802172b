"""kpsim works without a network: every command runs with sockets disabled, and importing any
simulator module opens no socket."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import pytest_socket
from robustness_support import AS_OF, kpsim_here, python, write_list

pytestmark = pytest.mark.slow


@pytest.fixture
def no_network() -> Iterator[None]:
    pytest_socket.disable_socket(allow_unix_socket=False)
    try:
        yield
    finally:
        pytest_socket.enable_socket()


@pytest.mark.filterwarnings("ignore:A test tried to use socket.socket")
def test_sockets_are_really_disabled_by_the_fixture(no_network: None) -> None:
    with pytest.raises(pytest_socket.SocketBlockedError):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)


def test_every_command_runs_with_sockets_disabled(no_network: None, tmp_path: Path) -> None:
    listed = write_list(tmp_path / "list.csv", 200, seed=3)
    commands = [
        ["rules", "lint"],
        ["rules", "show", "--as-of", AS_OF],
        ["rules", "history", "--plan", "lite"],
        ["explain", "090-1234-5678", "--plan", "lite", "--as-of", AS_OF],
        ["recipients", "check", listed, "--as-of", AS_OF, "--out", tmp_path / "check"],
        ["forecast", listed, "--message", "hello", "--as-of", AS_OF, "--out", tmp_path / "fc"],
        ["diff", listed, "--from", "2019-01-01", "--to", AS_OF, "--out", tmp_path / "diff"],
    ]
    for args in commands:
        run = kpsim_here(*args)
        assert run.code == 0, (args, run.err)
    assert (tmp_path / "fc" / "report.html").is_file()
    assert (tmp_path / "diff" / "changes.parquet").is_file()


IMPORT_EVERYTHING = """
import importlib, pkgutil, socket

class NoSocket(socket.socket):
    def __init__(self, *args, **kwargs):
        raise RuntimeError("a socket was opened")

def refuse(*args, **kwargs):
    raise RuntimeError("the network was used")

socket.socket = NoSocket
socket.create_connection = refuse
socket.getaddrinfo = refuse

import simulator

names = sorted(
    m.name for m in pkgutil.walk_packages(simulator.__path__, "simulator.")
    if not m.name.endswith("__main__")
)
for name in names:
    importlib.import_module(name)
print(len(names))
"""


def test_importing_every_simulator_module_opens_no_socket() -> None:
    """In a fresh interpreter, so that every module really executes its imports."""
    done = python("-c", IMPORT_EVERYTHING)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) >= 40
