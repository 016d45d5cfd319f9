"""Profiles written two at a time: results in order, the first failure raised, nothing after it."""

from __future__ import annotations

import threading
import time

import pytest

from app.importers.parallel_jobs import run_jobs


def test_results_come_back_in_the_order_of_the_jobs():
    jobs = [lambda n=n: (time.sleep(0.01 * (5 - n)), n)[1] for n in range(6)]
    assert run_jobs(jobs, 2) == list(range(6))
    assert run_jobs(jobs, 1) == list(range(6))


def test_a_failure_is_raised_and_the_jobs_not_started_never_start():
    started: list[int] = []
    lock = threading.Lock()

    def job(n: int) -> int:
        with lock:
            started.append(n)
        if n == 1:
            raise ValueError("job 1 failed")
        time.sleep(0.05)
        return n

    with pytest.raises(ValueError, match="job 1 failed"):
        run_jobs([lambda n=n: job(n) for n in range(20)], 2)
    assert len(started) < 20


def test_the_first_failure_in_job_order_is_the_one_raised():
    def slow_failure() -> int:
        time.sleep(0.05)
        raise KeyError("first")

    def quick_failure() -> int:
        raise ValueError("second")

    with pytest.raises(KeyError):
        run_jobs([slow_failure, quick_failure], 2)
