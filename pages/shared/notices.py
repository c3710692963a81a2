"""What the pages say alongside their content: setup notices, progress bars, plain text."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

import streamlit as st

from recsys import CatalogueEmbeddings, EncoderLoad

_MARKDOWN_SPECIALS = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-.!|<>~$:"})


def plain(text: str) -> str:
    """``text`` escaped so ``st.markdown`` shows it literally (no links, maths, HTML, icons)."""
    return str(text).translate(_MARKDOWN_SPECIALS)


def setup_notices(loaded: EncoderLoad, embeddings: CatalogueEmbeddings, uploaded: bool) -> None:
    """Say plainly when the page does not run on the bundled model, or on the shipped
    embeddings of the shipped catalogue (they were found corrupt or made for something else)."""
    if loaded.encoder is None:
        st.warning(f"**TF-IDF mode.** {loaded.message}", icon=":material/warning:")
        return
    if loaded.message:
        st.info(loaded.message, icon=":material/info:")
    if not uploaded and embeddings.origin != "shipped":
        where = "on this server" if embeddings.origin == "built" else "(from this server's cache)"
        st.info(
            f"**Embeddings rebuilt.** The shipped embeddings were not trusted: "
            f"{plain(embeddings.note)}. Recommendations use embeddings rebuilt from the "
            f"catalogue {where}.",
            icon=":material/build:",
        )


@contextlib.contextmanager
def progress_bar(label: str) -> Iterator[Callable[[float], None]]:
    """A progress callback for recsys; its bar appears on the first report and goes at the
    end, so a build that never reports (shipped embeddings found) draws nothing."""
    bar: list = []

    def progress(fraction: float) -> None:
        if not bar:
            bar.append(st.progress(0.0))
        bar[0].progress(fraction, text=f"{label} {fraction:.0%}")

    try:
        yield progress
    finally:
        if bar:
            bar[0].empty()


def _time_left(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


def throttled_progress(bar, label: str = "Simulating…") -> Callable[[float], None]:
    """A progress callback that redraws ``bar`` only when the whole percent changes (every
    round of every strategy would be hundreds of messages to the browser), with the time left
    extrapolated from the time so far once there is enough of it to go on."""
    shown = [-1]
    started = time.perf_counter()
    stem = label.rstrip("…")

    def report(share: float) -> None:
        percent = int(share * 100)
        if percent == shown[0]:
            return
        shown[0] = percent
        elapsed = time.perf_counter() - started
        text = f"{stem}… {percent}%"
        if share >= 0.02 and elapsed >= 1.0:
            text += f", about {_time_left(elapsed * (1 - share) / share)} left"
        bar.progress(share, text=text)

    return report
