"""Endurance in a real browser: one visitor's 300 thumbs, and ten visitors at once."""

import json

from recsys.benchmark.compute import median_p95
from tests.e2e.load import UPLOADERS, run_load
from tests.e2e.visitors import soak, type_interests


def test_300_thumbs_in_one_session_lose_nothing_and_memory_settles(page, served, reports):
    type_interests(page, "science fiction novels, space exploration, telescopes")
    report = soak(page, served.pid, clicks=300, settle_after=50)

    assert report.problems() == []
    assert len(report.session["feedback_log"]) == 300
    assert len({item for item, _ in report.clicked}) == 300  # a rated item never comes back
    assert page.get_by_text("Rated (300)").is_visible()
    median, p95 = median_p95(report.latencies_ms)
    (reports / "soak.json").write_text(
        json.dumps(
            {
                "clicks": 300,
                "click_median_ms": median,
                "click_p95_ms": p95,
                "memory_settled_mb": report.settled_mb,
                "memory_peak_after_settling_mb": report.peak_after_settling_mb,
                "memory_mb": report.memory_mb,
            },
            indent=2,
        )
    )


def test_ten_visitors_at_once_for_two_minutes_stay_apart(browser, served, reports):
    report = run_load(served, sessions=10, seconds=120)

    assert report.clicking_seconds >= 120
    assert report.problems() == []
    uploaders = [v for v in report.visitors if v.number in UPLOADERS]
    assert uploaders and all(v.own_ids and v.seen_ids for v in uploaders)
    assert all(len(v.clicked) >= 10 for v in report.visitors)
    median, p95 = median_p95(report.latencies_ms)
    (reports / "load.json").write_text(
        json.dumps(
            {
                "summary": report.summary(),
                "click_median_ms": median,
                "click_p95_ms": p95,
                "clicks_per_visitor": [len(v.clicked) for v in report.visitors],
                "memory_mb": report.memory_mb,
            },
            indent=2,
        )
    )
    print(report.summary())
