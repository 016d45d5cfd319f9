"""`studydesk questions|block|analytics` and `import|export qbank`: the JSON a script reads,
the exit codes; MS2 questions brought in by `import questions`, refused ones listed by id."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from app.cli import run

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "legacy"


def cli(data_dir: Path, *args: str) -> int:
    return run(["--data-dir", str(data_dir), *args])


def out_json(capsys: pytest.CaptureFixture[str]) -> Any:
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    assert run(["--data-dir", str(root), "profile", "create", "Maya"]) == 0
    return root


def test_questions_blocks_and_analytics(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert cli(data, "questions", "list", "--subject", "Physiology", "--json") == 0
    listed = out_json(capsys)
    assert listed["total"] == 5 and {q["subject"] for q in listed["questions"]} == {"Physiology"}
    assert (
        cli(
            data,
            "block",
            "create",
            "--count",
            "3",
            "--mode",
            "timed",
            "--subject",
            "Pharmacology",
            "--json",
        )
        == 0
    )
    made = out_json(capsys)
    block, questions = made["block"], made["questions"]
    assert len(questions) == 3 and all(q.startswith("sd_sample_") for q in questions)
    assert cli(data, "block", "answer", block[:13], questions[0], "A") == 0
    assert cli(data, "block", "answer", block, questions[1], "Z") == 1
    assert "has no choice 'Z'" in capsys.readouterr().err
    assert cli(data, "block", "list", "--json") == 0
    [summary] = out_json(capsys)
    assert summary["status"] == "in_progress" and summary["answered"] == 1
    assert summary["remaining_s"] == 270
    assert cli(data, "block", "submit", block, "--json") == 0
    score = out_json(capsys)
    assert score["total"] == 3 and score["omitted"] == 2
    assert score["correct"] + score["incorrect"] == 1
    assert [r["question"] for r in score["results"]] == questions
    assert cli(data, "block", "submit", block) == 1
    assert "submitted" in capsys.readouterr().err
    assert cli(data, "analytics", "--json", "--min-attempts", "1") == 0
    figures = out_json(capsys)
    assert figures["total"]["attempts"] == 3 and figures["by_subject"][0]["name"] == "Pharmacology"
    assert len(figures["by_subject"][0]["interval_95"]) == 2 and "no cohort" in figures["note"]
    assert (
        cli(data, "block", "create", "--count", "3", "--mode", "tutor", "--system", "Nervous") == 1
    )
    assert "system Nervous" in capsys.readouterr().err


def test_qbank_export_and_import(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "bank.sdqbank"
    assert cli(data, "export", "qbank", str(target)) == 0
    assert "Wrote 10 questions" in capsys.readouterr().out
    assert cli(data, "export", "qbank", str(target)) == 1
    assert cli(data, "import", "qbank", str(target), "--json") == 0
    report = out_json(capsys)
    assert (report["added"], report["unchanged"], report["refused"]) == (0, 10, [])


def test_ms2_questions_imported_and_refused_by_id(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = json.loads((FIXTURES / "ms2_question.schema.json").read_text())
    sample = json.loads((FIXTURES / "ms2_sample_questions.json").read_text())
    for question in sample:  # the fixture is what the schema describes (its required parts)
        assert set(schema["required"]) <= set(question)
        assert re.fullmatch(schema["properties"]["id"]["pattern"].strip("^$"), question["id"])
        meta = schema["properties"]["metadata"]
        assert set(meta["required"]) <= set(question["metadata"])
        assert question["metadata"]["subject"] in meta["properties"]["subject"]["enum"]
    bad = [
        {**sample[0], "id": "q_0000000a", "answer": "Z"},
        {**sample[0], "id": "q_0000000b", "choices": sample[0]["choices"][:1]},
        {key: value for key, value in sample[0].items() if key != "answer"} | {"id": "q_0000000c"},
        sample[1],  # a second time in the same file
    ]
    path = tmp_path / "ms2.json"
    path.write_text(json.dumps(sample + bad))
    capsys.readouterr()
    assert cli(data, "import", "questions", str(path), "--json") in (0, 1)
    report = out_json(capsys)
    problems = {
        p["doc_id"]: p["reason"] for profile in report["profiles"] for p in profile["problems"]
    }
    assert set(problems) >= {"q_0000000a", "q_0000000b", "q_0000000c", sample[1]["id"]}
    assert "not one of the choices" in problems["q_0000000a"]
    assert cli(data, "questions", "list", "--json") == 0
    ids = {q["id"] for q in out_json(capsys)["questions"]}
    assert {q["id"] for q in sample} <= ids and "q_0000000a" not in ids
    assert (
        cli(
            data,
            "block",
            "create",
            "--count",
            "2",
            "--mode",
            "tutor",
            "--subject",
            sample[0]["metadata"]["subject"],
            "--json",
        )
        == 0
    )
    made = out_json(capsys)
    assert sample[0]["id"] in made["questions"]
