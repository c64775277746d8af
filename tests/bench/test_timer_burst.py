"""Smoke run of bench/timer_burst.py at a tiny size with real RQ workers: every timer fired once, none lost.

Runs on the suite's database kind: PostgreSQL when DATABASE_URL is set (the script creates and drops
databases of its own on that server), SQLite otherwise. No timing is asserted.
"""
import json
import os
import re

from bench import timer_burst


def test_small_burst_fires_every_timer_once(tmp_path, capsys):
    url = os.environ.get("DATABASE_URL", "")
    kind = ["--db", "postgresql", "--url", url] if url.startswith("postgres") else ["--db", "sqlite"]

    report = timer_burst.main([*kind, "--pending", "50", "--burst", "20", "--spread", "1", "--profile", "20",
                               "--out", str(tmp_path)])

    for side in ("baseline", "loaded"):
        row = report["sides"][side]
        assert (row["fired"], row["double"], row["lost"]) == (20, 0, 0), row
        assert row["timer_events"] == 20 and row["fired_without_event"] == 0 and row["not_completed"] == 0
    assert report["sides"]["loaded"]["pending_still_armed"] == 50
    figures = dict(re.findall(r"^figure (\S+) (\S+) \S+$", capsys.readouterr().out, re.MULTILINE))
    for side in ("baseline", "loaded"):
        assert figures[f"timer_burst.{side}.fired"] == "20"
        assert figures[f"timer_burst.{side}.double"] == "0"
        assert figures[f"timer_burst.{side}.lost"] == "0"
        assert f"timer_burst.{side}.lag_p99_ms" in figures
    assert "timer_burst.loaded_to_baseline.lag_p99_ms" in figures
    assert "memory.rq_worker_rss_max_mb" in figures
    written = json.loads((tmp_path / f"timer_burst-{report['database']}.json").read_text(encoding="utf-8"))
    assert written["sides"]["loaded"]["fired"] == 20
