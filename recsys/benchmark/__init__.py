"""The performance figures in the README, measured on this machine: ``python -m recsys.benchmark``.

- ``compute``: encoding, re-ranking at three catalogue sizes, the strategies, the simulation
  lab, and (``--upload``) a 5,000-row upload.

The browser figures use the browser tests' tooling in ``tests/e2e/``: ``serve`` (``streamlit
run`` on a free port, headless Debian chromium), ``visitors`` (one visitor driven in the
browser) and ``load`` (ten visitors at once).
"""
