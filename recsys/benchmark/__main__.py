"""``python -m recsys.benchmark``: print this machine's figures for the README's table.

Without options it measures everything the README reports except the two long runs:
compute figures, then in a real browser (Debian chromium) the cold start, the thumbs round
trip against a trivial Streamlit page's, the server's memory after start and after a
300-click session, and the map page. ``--load`` adds ten concurrent visitors for two minutes,
``--upload`` a 5,000-row upload; ``--no-browser`` keeps to the compute figures;
``--relevance`` prints only the relevance table (``recsys.benchmark.relevance``);
``--cloud-install`` prints only what Community Cloud would install and run: a fresh venv
installed as Cloud's installer does, the torch build, the size, the server's memory
(``recsys.benchmark.cloud``; slow, a multi-GB download).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

from recsys.benchmark.cloud import bench_cloud_install
from recsys.benchmark.compute import (
    bench_model,
    bench_ranking,
    bench_recommend,
    bench_simulation,
    bench_upload,
)
from recsys.benchmark.relevance import bench_relevance
from recsys.encoder import one_blas_thread


def browser_benchmark():
    """``tests/e2e/benchmark.py``, which drives the browser with the browser tests' tooling:
    imported only when browser figures are asked for, so ``--no-browser`` needs neither
    playwright nor tests/."""
    try:
        from tests.e2e import benchmark
    except ModuleNotFoundError as missing:
        if missing.name not in ("tests", "tests.e2e", "tests.e2e.benchmark"):
            raise
        raise SystemExit(
            "The browser figures need tests/e2e/ from this repository: run the command from "
            "the repository root, or add --no-browser."
        ) from missing
    return benchmark


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m recsys.benchmark", description=__doc__)
    parser.add_argument("--repeat", type=int, default=200, help="timed runs per figure")
    parser.add_argument("--clicks", type=int, default=40, help="thumbs clicks to time")
    parser.add_argument("--soak", type=int, default=300, help="clicks in the memory soak")
    parser.add_argument("--no-browser", action="store_true", help="skip the browser figures")
    parser.add_argument("--load", action="store_true", help="add 10 visitors for 2 minutes")
    parser.add_argument("--upload", action="store_true", help="add a 5,000-row upload")
    parser.add_argument(
        "--relevance",
        action="store_true",
        help="only the relevance table: the old single-vector pipeline against the new one",
    )
    parser.add_argument(
        "--cloud-install",
        action="store_true",
        help="only what Community Cloud installs: a fresh venv, uv then pip, no local wheels",
    )
    parser.add_argument(
        "--cloud-python",
        default=sys.executable,
        help="the Python that makes the --cloud-install venv (Cloud's default is 3.12)",
    )
    parser.add_argument(
        "--cloud-cpu-wheels",
        type=Path,
        metavar="DIR",
        help="with --cloud-install, install again with DIR's wheels served on 127.0.0.1 "
        "in place of the unreachable CPU index",
    )
    args = parser.parse_args(argv)
    if args.cloud_install:
        bench_cloud_install(args.cloud_python, args.cloud_cpu_wheels)
        return 0
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    one_blas_thread()  # as the app runs (recsys.encoder.one_blas_thread)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    if args.relevance:
        bench_relevance()
        return 0
    bench_model(args.repeat)
    bench_ranking(args.repeat, np.random.default_rng(0))
    bench_recommend(args.repeat)
    bench_simulation()
    if args.upload:
        bench_upload(np.random.default_rng(1))
    if not args.no_browser:
        browser_benchmark().bench_browser(args.clicks, args.soak)
    if args.load:
        browser_benchmark().bench_load(10, 120.0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
