"""Independent jobs on a few threads, with the results in order and the first failure raised.

An import writes the profiles it makes on two threads: each is a file of its own, and most of the
work (SQLite inserting rows, syncing the file) runs without Python's global lock, so one thread
prepares rows while the other's database is busy. The jobs share nothing but the progress.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import TypeVar

T = TypeVar("T")


def run_jobs(jobs: Sequence[Callable[[], T]], workers: int) -> list[T]:
    """Run each job once, `workers` at a time; their results in the order of `jobs`.

    When a job fails, the jobs not started yet never start, the ones running finish, and the
    failure of the first failed job (in the order of `jobs`) is raised.
    """
    if workers <= 1 or len(jobs) <= 1:
        return [job() for job in jobs]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="import-writer") as pool:
        futures = [pool.submit(job) for job in jobs]
        _done, pending = wait(futures, return_when=FIRST_EXCEPTION)
        for future in pending:
            future.cancel()
        wait(futures)
    for future in futures:
        if not future.cancelled() and future.exception() is not None:
            future.result()  # raises the job's own exception
    return [future.result() for future in futures]
