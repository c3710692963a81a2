"""What the pages share and is never a page: caches, the workspace, the session, controls,
charts, cards and notices. Nothing here computes a recommendation: that is recsys/."""
