"""``python -m recsys.benchmark --cloud-install``: what Streamlit Community Cloud would install
and run, measured here.

Cloud installs ``requirements.txt`` into a fresh environment with ``uv pip install`` and falls
back to ``pip install`` where uv fails (Streamlit's "App dependencies" page). This does the
same in a fresh venv, as a machine with internet would: uv without any of this machine's
uv settings, pip with ``--isolated`` (so neither sees the local wheels, find-links or file
indexes this machine's pip is set up with), each with an empty cache, from the repository
root (where uv reads ``[tool.uv.pip]`` in ``pyproject.toml``). It prints which installer did
the work and how long it took, the torch build it got, the environment's size on disk, and,
serving the app from that venv to headless chromium, the server's memory after the first
visitor's list and after a default Simulation lab run.

What it gets depends on what this machine reaches. Where download.pytorch.org cannot be
reached, uv stops at that index and pip (told ``--retries 0``, so that the unreachable index
costs nothing Cloud would not pay) takes torch from PyPI: the CUDA build. With
``--cloud-cpu-wheels DIR`` a second install follows in which a server on 127.0.0.1 stands in
for the CPU index, serving the wheels in DIR (this machine's copy of the CPU wheel), which is
what Cloud, reaching the real index, would install. Slow (a multi-GB download): never part
of the default run or the tests.
"""

from __future__ import annotations

import contextlib
import functools
import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
#: Measured in the fresh venv's own Python, from the repository root (tests/e2e drives it).
SERVE_IN_VENV = "from recsys.benchmark.cloud import serve_and_measure; serve_and_measure()"
TORCH_REPORT = (
    "import importlib.metadata as m, torch; "
    "nvidia = [d for d in m.distributions() if (d.metadata['Name'] or '').startswith('nvidia')]; "
    "print(torch.__version__, torch.version.cuda or '-', len(nvidia))"
)


@dataclass(frozen=True)
class Installed:
    """How a fresh venv was installed: the installer that succeeded and the seconds spent,
    including a failed uv attempt before pip."""

    installer: str
    seconds: float
    uv_failure: str | None = None  # uv's last error lines, where pip had to take over
    uv_seconds: float = 0.0


def installer_env() -> dict[str, str]:
    """This process's environment without pip's and uv's settings (PIP_FIND_LINKS and the
    like), as on a machine that has none of this one's."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_"))}


def make_venv(folder: Path, python: str) -> Path:
    """A fresh venv in ``folder`` made by ``python``; returns its interpreter."""
    subprocess.run([python, "-m", "venv", str(folder)], check=True)
    return folder / "bin" / "python"


def find_uv(scratch: Path) -> Path:
    """``uv`` from PATH, else installed from PyPI into a tool venv of its own under
    ``scratch`` (never into the measured venv, whose size it would change)."""
    found = shutil.which("uv")
    if found:
        return Path(found)
    python = make_venv(scratch / "uv-tool", sys.executable)
    command = [str(python), "-m", "pip", "install", "--isolated", "--quiet"]
    command += ["--disable-pip-version-check", "uv"]
    subprocess.run(command, check=True, env=installer_env())
    return python.parent / "uv"


def last_error_lines(text: str, lines: int = 3) -> str:
    """The last ``lines`` non-empty lines of an installer's output, joined by " | "."""
    kept = [line.strip() for line in text.splitlines() if line.strip()]
    return " | ".join(kept[-lines:])


def uv_error(text: str) -> str:
    """uv's error in one line: its first two lines (what failed, and where) and its root
    cause, joined by " | "."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    lines = lines[next((n for n, line in enumerate(lines) if line.startswith("error")), 0) :]
    return " | ".join(lines[:2] + lines[-1:] if len(lines) > 3 else lines)


def cloud_install(python: Path, requirements: Path, uv: Path, cache: Path) -> Installed:
    """``uv pip install -r requirements`` into ``python``'s venv, and where uv fails,
    ``pip install -r requirements`` as Cloud falls back to it; both with a fresh cache and
    none of this machine's settings. Raises RuntimeError with pip's last lines if both fail."""
    env = installer_env()
    uv_command = [str(uv), "pip", "install", "--python", str(python)]
    uv_command += ["--cache-dir", str(cache / "uv"), "-r", str(requirements)]
    started = time.perf_counter()
    uv_run = subprocess.run(uv_command, cwd=ROOT, env=env, capture_output=True, text=True)
    uv_seconds = time.perf_counter() - started
    if uv_run.returncode == 0:
        return Installed(f"uv ({uv_version(uv)})", uv_seconds)
    pip_command = [str(python), "-m", "pip", "install", "--isolated", "--no-cache-dir"]
    pip_command += ["--disable-pip-version-check", "--retries", "0", "-r", str(requirements)]
    pip_run = subprocess.run(pip_command, cwd=ROOT, env=env, capture_output=True, text=True)
    if pip_run.returncode != 0:
        raise RuntimeError(f"pip failed too: {last_error_lines(pip_run.stdout + pip_run.stderr)}")
    return Installed(
        f"pip ({pip_version(python)})",
        time.perf_counter() - started,
        uv_failure=uv_error(uv_run.stderr),
        uv_seconds=uv_seconds,
    )


def uv_version(uv: Path) -> str:
    return subprocess.run([str(uv), "--version"], capture_output=True, text=True).stdout.strip()


def pip_version(python: Path) -> str:
    command = [str(python), "-m", "pip", "--version"]
    return " ".join(subprocess.run(command, capture_output=True, text=True).stdout.split()[:2])


def torch_build(python: Path) -> str:
    """The torch the venv got: its version, the CUDA it was built for, and how many
    NVIDIA packages came with it."""
    run = subprocess.run([str(python), "-c", TORCH_REPORT], capture_output=True, text=True)
    if run.returncode != 0:
        return f"torch does not import: {last_error_lines(run.stderr, 1)}"
    version, cuda, nvidia = run.stdout.split()
    built = "a CPU build" if cuda == "-" else f"built for CUDA {cuda}"
    return f"torch {version}, {built}, {nvidia} NVIDIA packages installed with it"


def disk_mb(path: Path) -> float:
    """What ``path`` takes on disk (allocated blocks, as ``du``), in MB: each file once
    however many hard links it has, symbolic links not followed."""
    seen: set[tuple[int, int]] = set()
    blocks = 0
    for folder, _, files in os.walk(path):
        for name in files:
            stat = os.lstat(os.path.join(folder, name))
            if (stat.st_dev, stat.st_ino) not in seen:
                seen.add((stat.st_dev, stat.st_ino))
                blocks += stat.st_blocks
    return blocks * 512 / 1e6


def environment_size(venv: Path) -> str:
    """The venv's size on disk, with torch's and the NVIDIA libraries' shares."""
    site = next(venv.glob("lib/python*/site-packages"))
    parts = [
        f"{name} {disk_mb(site / name):,.0f} MB"
        for name in ("torch", "nvidia", "triton")
        if (site / name).exists()
    ]
    return f"{disk_mb(venv):,.0f} MB in all ({', '.join(parts)})"


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants, from /proc (Linux)."""
    tree, waiting = [], [pid]
    while waiting:
        current = waiting.pop()
        tree.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            with contextlib.suppress(OSError):
                waiting += [int(child) for child in (task / "children").read_text().split()]
    return tree


def tree_resident_mb(pid: int) -> float:
    """Resident memory (VmRSS) of ``pid`` and its descendants, in MB."""
    total_kb = 0
    for member in process_tree(pid):
        with contextlib.suppress(OSError):
            status = Path(f"/proc/{member}/status").read_text()
            found = re.search(r"^VmRSS:\s+(\d+)", status, re.MULTILINE)
            total_kb += int(found.group(1)) if found else 0
    return total_kb / 1024


def serve_and_measure(first_page_s: float = 600.0) -> None:
    """Run in the fresh venv's Python (``SERVE_IN_VENV``): serve the app from that venv, and
    a first visitor's list and a default lab run in headless chromium, as
    ``tests/e2e/benchmark.py`` takes the README's figures, plus the server's whole process
    tree. A fresh venv's first start reads every file from disk for the first time, so the
    first page may take ``first_page_s``; where it fails, the server's log says why."""
    from tests.e2e.benchmark import lab_run_memory
    from tests.e2e.serve import chromium_browser, resident_memory_mb, served_app
    from tests.e2e.visitors import VIEWPORT, type_interests

    print(f"  served by {sys.executable}", flush=True)
    with chromium_browser() as browser, served_app(timeout=first_page_s) as app:
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.set_default_timeout(first_page_s * 1000)
            started = time.perf_counter()
            page.goto(app.url)
            type_interests(page, "jazz, hiking, Italian cooking")
            cold, up = app.started_in + time.perf_counter() - started, app.started_in
            print(f"  cold start to first list {cold:.1f} s (server up {up:.1f} s)")
            memory, tree = resident_memory_mb(app.pid), tree_resident_mb(app.pid)
            print(f"  server memory after the first list {memory:.0f} MB (tree {tree:.0f} MB)")
            page.set_default_timeout(120_000)
            lab_run_memory(page, app)
            print(f"  process tree after the lab run {tree_resident_mb(app.pid):.0f} MB")
        except Exception:
            print(f"  the server's log ends:\n{app.log()[-3000:]}")
            raise


@contextlib.contextmanager
def local_index(wheels: Path) -> Iterator[str]:
    """A PEP 503 simple index on 127.0.0.1 serving the wheels in ``wheels`` (a 404 for every
    other project, as an index that lacks it answers); yields its URL."""
    with tempfile.TemporaryDirectory(prefix="recsys-index-") as folder:
        served = Path(folder)
        (served / "files").mkdir()
        projects: dict[str, list[str]] = {}
        for wheel in sorted(wheels.glob("*.whl")):
            (served / "files" / wheel.name).symlink_to(wheel.resolve())
            project = re.sub(r"[-_.]+", "-", wheel.name.split("-")[0]).lower()
            projects.setdefault(project, []).append(wheel.name)
        for project, names in projects.items():
            (served / "simple" / project).mkdir(parents=True)
            links = "".join(
                f'<a href="/files/{urllib.parse.quote(n)}">{html.escape(n)}</a>\n' for n in names
            )
            (served / "simple" / project / "index.html").write_text(f"<html><body>\n{links}")
        handler = functools.partial(QuietHandler, directory=folder)
        with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
            threading.Thread(target=server.serve_forever, daemon=True).start()
            try:
                yield f"http://127.0.0.1:{server.server_address[1]}/simple"
            finally:
                server.shutdown()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def with_index(requirements: Path, index_url: str, destination: Path) -> Path:
    """A copy of ``requirements`` whose CPU index line points at ``index_url`` instead."""
    text = requirements.read_text(encoding="utf-8")
    if CPU_INDEX not in text:
        raise ValueError(f"{requirements} does not name {CPU_INDEX}: nothing to stand in for")
    destination.write_text(text.replace(CPU_INDEX, index_url), encoding="utf-8")
    return destination


def measure_install(label: str, requirements: Path, python: str, uv: Path, scratch: Path) -> None:
    """One fresh venv installed as Cloud would, its figures printed, then removed."""
    venv = scratch / "venv"
    print(f"\n== cloud install, {label}", flush=True)
    venv_python = make_venv(venv, python)
    installed = cloud_install(venv_python, requirements, uv, scratch / "cache")
    if installed.uv_failure:
        print(f"  uv failed after {installed.uv_seconds:.1f} s: {installed.uv_failure}")
    print(f"  installed by {installed.installer} in {installed.seconds:.0f} s (all told)")
    print(f"  {torch_build(venv_python)}")
    print(f"  environment: {environment_size(venv)}", flush=True)
    shutil.rmtree(scratch / "cache", ignore_errors=True)
    unbuffered = {**os.environ, "PYTHONUNBUFFERED": "1"}  # its lines in order with ours
    subprocess.run([str(venv_python), "-c", SERVE_IN_VENV], cwd=ROOT, env=unbuffered, check=True)
    shutil.rmtree(venv)


def bench_cloud_install(python: str, cpu_wheels: Path | None) -> None:
    """The "what Cloud installs" figures: the install as this machine's internet gives it,
    and with ``cpu_wheels``, again with a local stand-in for the CPU index."""
    requirements = ROOT / "requirements.txt"
    with tempfile.TemporaryDirectory(prefix="recsys-cloud-") as folder:
        scratch = Path(folder)
        uv = find_uv(scratch)
        print(f"installers: {uv_version(uv)}; the venv's own pip; venvs made by {python}")
        measure_install("as this machine reaches the internet", requirements, python, uv, scratch)
        if cpu_wheels is not None:
            with local_index(cpu_wheels) as url:
                stand_in = with_index(requirements, url, scratch / "requirements-stand-in.txt")
                label = f"the CPU index stood in for by {url} serving {cpu_wheels}"
                measure_install(label, stand_in, python, uv, scratch)
