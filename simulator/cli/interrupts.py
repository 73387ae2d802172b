"""SIGINT and SIGTERM in a `kpsim` process: clean up and exit at once, with one line.

Light on imports on purpose: `python -m simulator` installs this before loading the rest.
"""

from __future__ import annotations

import os
import signal
import threading

from simulator import scratch

_installed = False

INTERRUPT_EXIT = {signal.SIGINT: 130, signal.SIGTERM: 143}
"""Exit codes of an interrupted run: 128 + the signal's number, as a shell reports it."""


def _on_interrupt(signum: int, wants_json: bool) -> None:
    """Clean up and end the process at once: scratch folder and staging of `--out` removed, one
    line on stderr (and `{"error"}` on stdout with `--json`), exit 130 (SIGINT) or 143 (SIGTERM).
    Runs on a watcher thread, so it works while the main thread is inside polars (a Python
    handler there would wait for the query, or raise inside polars' callbacks and panic)."""
    try:
        scratch.cleanup()
    finally:
        name = signal.Signals(signum).name
        code = INTERRUPT_EXIT.get(signal.Signals(signum), 128 + signum)
        line = f"kpsim: interrupted ({name}); no partial output was left"
        if wants_json:
            error = {"error": line.removeprefix("kpsim: "), "kind": "interrupted"}
            from simulator.result.document import to_json

            document = {**error, "code": name.lower(), "exit_code": code}
            os.write(1, to_json(document).encode())
        os.write(2, (line + "\n").encode())
        os._exit(code)


def install(wants_json: bool = False) -> None:
    """SIGINT and SIGTERM end the run cleanly (`_on_interrupt`); only for a real `kpsim`
    process (the main thread of a POSIX process), never inside a host such as pytest."""
    global _installed
    if _installed or os.name != "posix":
        return
    if threading.current_thread() is not threading.main_thread():
        return
    _installed = True
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    for signum in INTERRUPT_EXIT:
        signal.signal(signum, lambda *_: None)
    signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)

    def watch() -> None:
        data = os.read(read_end, 1)
        if data:
            _on_interrupt(data[0], wants_json)

    threading.Thread(target=watch, name="kpsim-interrupt", daemon=True).start()
