"""The performance figures in the README, measured on this machine: ``python -m recsys.benchmark``.

- ``compute``: encoding, re-ranking at three catalogue sizes, the strategies, the simulation
  lab, and (``--upload``) a 5,000-row upload;
- ``serve``: ``streamlit run`` on a free port and headless Debian chromium, shared with the
  browser tests;
- ``visitors``: one visitor driven in the browser (a click timed inside the page, the
  300-click soak);
- ``load``: ten visitors at once, with the checks that none sees another's session.
"""
