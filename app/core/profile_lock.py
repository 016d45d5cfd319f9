"""One Study Desk at a time per profile: a lock file held while the profile is open.

The lock is an OS file lock (released by the OS even if the process dies), so a crash never
leaves a profile locked. In a folder that cannot be written (a read-only disk, no permission) the
lock file cannot be made: that is `FolderNotWritable`, and `app.core.opening` then opens the
profile read-only without the lock (nothing can write there, this process included).
"""

from __future__ import annotations

import errno
from types import TracebackType

from filelock import FileLock, Timeout

from app.core.profiles import Profile
from app.errors import FolderNotWritable, ProfileInUse

LOCK_NAME = ".studydesk.lock"
_NOT_WRITABLE = (errno.EROFS, errno.EACCES, errno.EPERM)


class ProfileLock:
    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self._lock = FileLock(profile.folder / LOCK_NAME, is_singleton=False, thread_local=False)

    def acquire(self) -> ProfileLock:
        """Take the lock now or raise ProfileInUse; never waits. Raises FolderNotWritable when
        the lock file cannot be made or opened (a read-only folder, no permission)."""
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            raise ProfileInUse(
                f"The profile {self.profile.name!r} is open in another Study Desk window or "
                "command. Close it there (or wait for the command to finish), then try again."
            ) from None
        except OSError as error:  # after Timeout, which is one
            if error.errno not in _NOT_WRITABLE:
                raise
            reason = (error.strerror or "it cannot be written").lower()
            raise FolderNotWritable(self.profile.folder, reason) from None
        return self

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release(force=True)

    @property
    def held(self) -> bool:
        return self._lock.is_locked

    def __enter__(self) -> ProfileLock:
        return self.acquire()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.release()
