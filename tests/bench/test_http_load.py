"""Smoke run of bench/http_load.py at a tiny size: it runs, completes every step over HTTP, prints its figures."""
import os

import pytest

from bench import http_load

SIZE = 8

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="bench/http_load.py is PostgreSQL-only (gunicorn on a database of its own); set DATABASE_URL to run it")


def test_a_tiny_run_completes_every_step_without_errors(tmp_path, capsys):
    report = http_load.main(["--size", str(SIZE), "--workers", "2", "--clients", "2", "--session-gets", "5",
                             "--url", os.environ["DATABASE_URL"], "--out", str(tmp_path)])

    printed = {line.split()[1]: line.split()[2] for line in capsys.readouterr().out.splitlines()
               if line.startswith("figure ")}
    expected = SIZE * len(http_load.STEPS)
    assert report["http"]["completions"] == expected and printed["http.completions"] == str(expected)
    assert report["http"]["non_200"] == {} and printed["http.errors"] == "0"
    assert report["open_tasks_left"] == 0
    assert {name for name, _value, _unit in http_load.figures(report)} <= set(printed)
    assert (tmp_path / "http_load.json").exists()
