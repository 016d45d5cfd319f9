"""One Study Desk at a time per profile, and a crash never leaves a profile locked."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.opening import open_profile
from app.core.profile_lock import ProfileLock
from app.core.profiles import create_profile
from app.errors import ProfileInUse
from app.paths import DataLocations

ROOT = Path(__file__).resolve().parents[2]

HOLD_LOCK = """
import sys, time
from pathlib import Path
from app.core.profiles import _read_meta
from app.core.profile_lock import ProfileLock
lock = ProfileLock(_read_meta(Path(sys.argv[1]))).acquire()  # kept referenced: GC would release it
print("locked", flush=True)
time.sleep(60)
"""


def test_a_second_open_of_the_same_profile_is_refused_until_the_first_closes(
    locations: DataLocations,
):
    ana = create_profile(locations, "Ana")
    first = open_profile(locations, ana)
    try:
        with pytest.raises(ProfileInUse, match="'Ana' is open in another"):
            open_profile(locations, ana)
        assert first.lock.held
    finally:
        first.close()
    assert not first.lock.held
    open_profile(locations, ana).close()


def test_another_profile_can_be_open_at_the_same_time(locations: DataLocations):
    ana = open_profile(locations, create_profile(locations, "Ana"))
    bob = open_profile(locations, create_profile(locations, "Bob"))
    try:
        assert ana.lock.held and bob.lock.held
        assert ana.profile.db_file.is_file() and bob.profile.db_file.is_file()
    finally:
        ana.close()
        bob.close()
    assert not ana.lock.held and not bob.lock.held


def test_a_lock_held_by_a_killed_process_is_released(locations: DataLocations):
    ana = create_profile(locations, "Ana")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(ana.folder)],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(ProfileInUse):
            ProfileLock(ana).acquire()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
        if holder.stdout is not None:
            holder.stdout.close()
    assert holder.returncode == -signal.SIGKILL
    lock = ProfileLock(ana).acquire()
    assert lock.held
    lock.release()
