"""Serving the app for a measurement or a browser test: ``streamlit run`` on a free localhost
port, headless Debian chromium through playwright, and the server's resident memory.

Chromium is the system's (``/usr/bin/chromium``, or ``$RECSYS_CHROMIUM``), launched with the
flags below; ``playwright install`` is never needed.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_PATH = os.environ.get("RECSYS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

#: The yardstick for our click round trip: a page with one thumbs widget and a counter, the
#: least a Streamlit app can do per click. Like the app's cards, each thumb is a new widget.
TRIVIAL_PAGE = '''"""One thumbs widget and a counter: Streamlit's own round trip, for comparison."""

import streamlit as st

st.session_state.setdefault("rated", 0)


def _rated() -> None:
    st.session_state.rated += 1


st.feedback("thumbs", key=f"fb_{st.session_state.rated}", on_change=_rated)
st.markdown(f"Rated {st.session_state.rated}")
'''


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class ServedApp:
    """A running server: its address, process id, start-up time and log file."""

    url: str
    pid: int
    started_in: float  # seconds from launch until the health endpoint answered
    log_path: Path

    def log(self) -> str:
        """What the server has written to stdout and stderr so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@contextlib.contextmanager
def served_app(
    script: str | Path = "app.py",
    env: dict[str, str] | None = None,
    timeout: float = 120.0,
    cwd: Path = ROOT,
) -> Iterator[ServedApp]:
    """``streamlit run script`` (relative to ``cwd``) on a free localhost port; stopped on
    exit. The server's output goes to a file, so a long run never blocks on a full pipe."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    with tempfile.TemporaryDirectory(prefix="recsys-serve-") as folder:
        log_path = Path(folder) / "server.log"
        with log_path.open("w", encoding="utf-8") as log_file:
            started = time.perf_counter()
            process = subprocess.Popen(
                command,
                cwd=cwd,
                env={**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})},
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
            url = f"http://127.0.0.1:{port}"
            try:
                _wait_for_health(process, url, started, timeout, log_path)
                yield ServedApp(url, process.pid, time.perf_counter() - started, log_path)
            finally:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def _wait_for_health(
    process: subprocess.Popen, url: str, started: float, timeout: float, log_path: Path
) -> None:
    while True:
        if process.poll() is not None:
            tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise RuntimeError(f"streamlit exited early: {tail}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        if time.perf_counter() - started > timeout:
            raise TimeoutError(f"streamlit did not answer on {url} within {timeout} s")
        time.sleep(0.1)


@contextlib.contextmanager
def served_trivial_page() -> Iterator[ServedApp]:
    """``TRIVIAL_PAGE`` served like the app (same config folder, same flags)."""
    with tempfile.TemporaryDirectory(prefix="recsys-trivial-") as folder:
        script = Path(folder) / "trivial_page.py"
        script.write_text(TRIVIAL_PAGE, encoding="utf-8")
        with served_app(script) as app:
            yield app


@contextlib.contextmanager
def chromium_browser() -> Iterator[object]:
    """Headless Debian chromium through playwright's sync API."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_FLAGS
        )
        try:
            yield browser
        finally:
            browser.close()


def resident_memory_mb(pid: int) -> float:
    """VmRSS of a process, from /proc, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used, from /proc, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
