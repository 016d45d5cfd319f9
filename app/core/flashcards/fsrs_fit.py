"""The FSRS fit itself, run in a child process of its own (see `optimise`).

fsrs-rs keeps Python's global lock for the whole fit, so on a thread it would freeze the window
for as long as it takes (seconds on a large collection). In a child process it cannot, and a
cancel can stop it at once. This module imports only `fsrs_rs_python`, so the child starts fast.
"""

from __future__ import annotations

from multiprocessing.connection import Connection

import fsrs_rs_python as fsrs_rs

History = list[tuple[int, int]]  # (rating, days since the previous review), oldest first


def training_items(histories: list[History]) -> list[fsrs_rs.FSRSItem]:
    """One item per review that came on a later day than the one before it, holding the
    history up to that review (as Anki trains: same-day steps are part of a history, never the
    outcome to predict)."""
    items = []
    for history in histories:
        reviews = [fsrs_rs.FSRSReview(rating, days) for rating, days in history]
        for index in range(1, len(history)):
            if history[index][1] > 0:
                items.append(fsrs_rs.FSRSItem(reviews[: index + 1]))
    return items


def fit(histories: list[History], current: list[float]) -> tuple[list[float], list[float]]:
    """The fitted parameters, and (log loss, RMSE) of the current then the fitted ones."""
    items = training_items(histories)
    fitted = [float(p) for p in fsrs_rs.FSRS(current).compute_parameters(items)]
    before = fsrs_rs.FSRS(current).evaluate(items)
    after = fsrs_rs.FSRS(fitted).evaluate(items)
    scores = [before.log_loss, before.rmse_bins, after.log_loss, after.rmse_bins]
    return fitted, [float(score) for score in scores]


def fit_in_child(
    answer: Connection, histories: list[History], current: list[float]
) -> None:  # pragma: no cover - runs in the child process
    """The child's whole life: fit, send ("ok", result) or ("error", message), exit."""
    try:
        answer.send(("ok", fit(histories, current)))
    except BaseException as error:  # a Rust panic is a BaseException
        answer.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        answer.close()
