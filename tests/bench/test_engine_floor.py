"""Smoke run of bench/engine_throughput.py at a tiny size on PostgreSQL: the floor side runs beside the others and
prints its figures (GovFlow over the floor, GovFlow's statements per step). No timing is asserted.

The floor is one psycopg transaction per step, so it needs PostgreSQL: DATABASE_URL names the server (the script
makes and drops a database of its own there).
"""
import json
import os
import re

import pytest

from bench import engine_throughput


def test_the_floor_side_runs_and_prints_its_figures(tmp_path, capsys):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("the durable floor is measured on PostgreSQL (psycopg); set DATABASE_URL")
    out = tmp_path / "engine_throughput.json"

    report = engine_throughput.main(["--db", "postgresql", "--url", url, "--items", "4", "--rounds", "2",
                                     "--out", str(out)])

    result = report["databases"]["postgresql"]
    assert result["items"] == 4 and result["floor_items_per_s"] > 0 and result["govflow_over_floor"] > 0
    figures = dict(re.findall(r"^figure (\S+) (\S+ \S+)$", capsys.readouterr().out, re.MULTILINE))
    ratio, unit = figures["engine.govflow_over_floor"].split()
    assert unit == "x" and float(ratio) == result["govflow_over_floor"]
    count, unit = figures["engine.sql_per_step"].split()
    # GovFlow's steps send statements, and the count is per step: more than the floor's 6 to 8, not thousands.
    assert unit == "statements" and 5 < float(count) < 200
    assert "engine.postgresql.floor_ms_per_step" in figures
    assert json.loads(out.read_text(encoding="utf-8"))["databases"]["postgresql"]["sql_per_step"] == float(count)
