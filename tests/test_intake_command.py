"""``frontdoor import FILE [--json]``: the summary, and the exit codes 0, 3, 1 and 2."""

from __future__ import annotations

import json

import pytest

from frontdoor_app.cli import main
from tests.intake_feedkit import SAMPLE_FEED, notification, write_csv


def run(db_url, *args):
    return main(["--database", db_url, "import", *map(str, args)])


def test_clean_file_exits_0_with_the_json_summary(db_url, tmp_path, capsys):
    path = tmp_path / "feed-2026-11-23.csv"
    path.write_text(SAMPLE_FEED, encoding="utf-8")
    assert run(db_url, path, "--json") == 0
    out = capsys.readouterr().out
    assert json.loads(out) == {
        "file": "feed-2026-11-23.csv",
        "imported": 4,
        "updated": 0,
        "unchanged": 0,
        "quarantined": 0,
        "flagged_no_child": 1,
        "problems": [],
    }
    assert out.count("\n") == 1  # one JSON object, one line
    assert run(db_url, path, "--json") == 0
    assert json.loads(capsys.readouterr().out)["unchanged"] == 4


def test_quarantine_exits_3_and_names_each_problem(db_url, tmp_path, capsys):
    path = write_csv(
        tmp_path, "feed.csv", [notification("OK-1"), notification("13260451234", postcode="LS99")]
    )
    assert run(db_url, path, "--json") == 3
    summary = json.loads(capsys.readouterr().out)
    assert (summary["imported"], summary["quarantined"]) == (1, 1)
    assert summary["problems"] == [
        {
            "police_ref": "13260451234",
            "lines": [5, 6, 7],
            "messages": [
                {
                    "field": "postcode",
                    "value": "LS99",
                    "message": "expected a UK postcode like LS9 8AB",
                }
            ],
        }
    ]
    path2 = write_csv(tmp_path, "feed2.csv", [notification("13260459999", dash_risk="extreme")])
    assert run(db_url, path2) == 3
    words = capsys.readouterr().out
    assert "quarantined 1" in words and "13260459999" in words and "dash_risk 'extreme'" in words


def test_unreadable_file_exits_1_with_the_message_on_stderr(db_url, tmp_path, capsys):
    path = tmp_path / "feed.csv"
    path.write_bytes(b"")
    assert run(db_url, path, "--json") == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "feed.csv is empty" in captured.err
    assert run(db_url, tmp_path / "missing.csv") == 1
    assert "no such file" in capsys.readouterr().err


def test_usage_error_exits_2(db_url, capsys):
    with pytest.raises(SystemExit) as caught:
        main(["--database", db_url, "import"])
    assert caught.value.code == 2
    assert "FILE" in capsys.readouterr().err
