"""The forms that create, rename, unlock, protect and delete a profile.

Each runs its change through the task runner and shows mistakes inside the form.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtWidgets import QLineEdit, QPushButton, QWidget

from app.core.changes import Change
from app.core.opening import OpenProfile, open_profile
from app.core.passwords import is_bcrypt
from app.core.profile_changes import change_password, rename, trash_profile
from app.core.profiles import Profile, create_profile
from app.errors import UserError, WrongPassword
from app.paths import DataLocations
from app.ui.dialogs.forms import WorkDialog, password_field
from app.ui.tasks import TaskRunner, WorkFn


@dataclass(frozen=True)
class ProfileEdited:
    """A profile's file changed; `profile` is None after a delete."""

    profile: Profile | None
    changes: Change = field(default_factory=lambda: Change.PROFILE)


def _passwords(first: QLineEdit, second: QLineEdit, dialog: WorkDialog) -> tuple[bool, str | None]:
    """(ok, password or None); a mismatch is shown in the dialog."""
    if first.text() != second.text():
        dialog.show_error("The two passwords are not the same; type them again.")
        second.clear()
        second.setFocus()
        return False, None
    return True, first.text() or None


class NewProfileDialog(WorkDialog):
    def __init__(self, runner: TaskRunner, locations: DataLocations, parent: QWidget | None = None):
        super().__init__(runner, "New Profile", "Create", "Creating the profile", parent)
        self.locations = locations
        self.set_intro(
            "Each person who studies on this computer can have their own profile. A password "
            "is optional: it keeps others on this computer out of the profile."
        )
        self.name = QLineEdit()
        self.name.setPlaceholderText("For example, your first name")
        self.password = password_field()
        self.password.setPlaceholderText("Optional")
        self.repeat = password_field()
        self.form.addRow("Name:", self.name)
        self.form.addRow("Password:", self.password)
        self.form.addRow("Repeat password:", self.repeat)

    def work(self) -> WorkFn | None:
        ok, password = _passwords(self.password, self.repeat, self)
        if not ok:
            return None
        name, locations = self.name.text(), self.locations
        return lambda _progress: ProfileEdited(create_profile(locations, name, password=password))


class RenameProfileDialog(WorkDialog):
    """A locked profile asks for its password; `opened` is the profile this window has open."""

    def __init__(
        self,
        runner: TaskRunner,
        locations: DataLocations,
        profile: Profile,
        parent: QWidget | None = None,
        *,
        opened: OpenProfile | None = None,
    ) -> None:
        super().__init__(runner, "Rename Profile", "Rename", "Renaming the profile", parent)
        self.locations, self.profile, self.opened = locations, profile, opened
        self.name = QLineEdit(profile.name)
        self.name.selectAll()
        self.form.addRow("New name:", self.name)
        self.password = password_field()
        if profile.locked:
            self.set_intro(f"“{profile.name}” is protected by a password.")
            self.form.addRow("Password:", self.password)

    def work(self) -> WorkFn | None:
        locations, profile, opened = self.locations, self.profile, self.opened
        name, password = self.name.text(), self.password.text() if profile.locked else None

        def rename_it(_progress: object) -> ProfileEdited:
            return ProfileEdited(rename(locations, profile, name, password=password, opened=opened))

        return rename_it

    def shows_inline(self, error: UserError) -> bool:
        if isinstance(error, WrongPassword):
            self.password.clear()
            self.password.setFocus()
        return True


class PasswordDialog(WorkDialog):
    """Set, change or remove a profile's password; a locked profile asks for the current one."""

    def __init__(self, runner: TaskRunner, profile: Profile, parent: QWidget | None = None):
        super().__init__(runner, "Profile Password", "Save", "Saving the password", parent)
        self.profile = profile
        self.set_intro(
            f"The password is asked for whenever “{profile.name}” is opened. It keeps others "
            "on this computer out; it does not encrypt the file. Leave both new fields empty "
            "to remove it."
        )
        self.current = password_field()
        if profile.locked:
            self.form.addRow("Current password:", self.current)
        self.password = password_field()
        self.repeat = password_field()
        self.form.addRow("New password:", self.password)
        self.form.addRow("Repeat new password:", self.repeat)

    def work(self) -> WorkFn | None:
        ok, new = _passwords(self.password, self.repeat, self)
        if not ok:
            return None
        profile, current = self.profile, self.current.text()
        return lambda _progress: ProfileEdited(change_password(profile, current=current, new=new))


class DeleteLockedDialog(WorkDialog):
    """Deleting a profile with a password needs that password."""

    def __init__(
        self,
        runner: TaskRunner,
        locations: DataLocations,
        profile: Profile,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            runner, "Delete Profile", "Delete", "Moving the profile to the trash", parent
        )
        self.locations, self.profile = locations, profile
        self.set_intro(trash_text(locations, profile) + "\n\nEnter its password to go ahead.")
        self.password = password_field()
        self.form.addRow("Password:", self.password)

    def work(self) -> WorkFn | None:
        locations, profile, password = self.locations, self.profile, self.password.text()

        def delete(_progress: object) -> ProfileEdited:
            trash_profile(locations, profile, password=password)
            return ProfileEdited(None)

        return delete


def trash_text(locations: DataLocations, profile: Profile) -> str:
    return (
        f"Delete the profile “{profile.name}”? Its study data and backups will be moved to "
        f"the trash folder\n{locations.trash_dir}\nNothing is erased: you can get them back "
        "from there."
    )


def unlock_intro(profile: Profile) -> str:
    """What the password form says; for a learner of the older app whose password is still
    that app's, that it is the one to give (and which account it was)."""
    intro = f"“{profile.name}” is protected by a password."
    if profile.legacy_user_id and profile.password_hash and is_bcrypt(profile.password_hash):
        account = f" (as {profile.legacy_email})" if profile.legacy_email else ""
        intro += f" It came from the older app: use the password you had there{account}."
    return intro


class UnlockDialog(WorkDialog):
    """Asks for a locked profile's password and opens it; succeeded carries the OpenProfile.

    A wrong password is said inside the form so the learner can retry; anything else (the
    profile is open elsewhere, its file is damaged) closes the form with `failed`.
    """

    def __init__(
        self,
        runner: TaskRunner,
        locations: DataLocations,
        profile: Profile,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            runner, f"Open {profile.name}", "Open", f"Opening “{profile.name}”", parent
        )
        self.locations, self.profile = locations, profile
        self.set_intro(unlock_intro(profile))
        self.password = password_field()
        self.form.addRow("Password:", self.password)
        self.other = QPushButton("Other Profile…")
        self.buttons.addButton(self.other, self.buttons.ButtonRole.ResetRole)
        self.other.clicked.connect(self.reject)
        self.buttons.button(self.buttons.StandardButton.Cancel).hide()

    def work(self) -> WorkFn | None:
        locations, profile, password = self.locations, self.profile, self.password.text()
        return lambda _progress: open_profile(locations, profile, password=password)

    def shows_inline(self, error: UserError) -> bool:
        if isinstance(error, WrongPassword):
            self.password.clear()
            self.password.setFocus()
            return True
        return False
