"""Which profile receives which legacy record.

Each legacy user becomes a profile (found again on re-import by legacy user id, then by email).
Documents with no user go to the default profile. A profile also receives the shared syllabi its
progress and copies point at, so its own database is complete.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.importers.legacy_records import CourseRecord, LegacyPlan, LegacyUser, Problem
from app.importers.legacy_write import ProfileShare
from app.importers.source import SourceFile

DEFAULT = "default"


@dataclass
class Routing:
    shares: dict[str, ProfileShare] = field(default_factory=dict)  # by target key
    users: dict[str, LegacyUser] = field(default_factory=dict)  # target key -> its legacy user

    def share(self, key: str) -> ProfileShare:
        return self.shares.setdefault(key, ProfileShare())


def user_key(user_id: str) -> str:
    return f"user:{user_id}"


@dataclass
class LearnerDirectory:
    """Legacy learners known from the files and from profiles made by earlier imports."""

    by_id: dict[str, str] = field(default_factory=dict)  # legacy user id -> target key
    by_email: dict[str, str] = field(default_factory=dict)  # folded email -> target key

    def add(self, key: str, user_id: str | None, email: str | None) -> None:
        if user_id:
            self.by_id.setdefault(user_id, key)
        if email:
            self.by_email.setdefault(email.casefold(), key)

    def user_id_for_email(self, email: str) -> str | None:
        """The legacy user id of the learner with this email, if one is known."""
        key = self.by_email.get(email.casefold())
        return next((uid for uid, k in self.by_id.items() if k == key), None) if key else None

    def target(self, user: str | None) -> str | None:
        """The target key of a record's user; DEFAULT for none; None for an unknown learner."""
        if user is None:
            return DEFAULT
        if user.startswith("email:"):
            return self.by_email.get(user[len("email:") :])
        return self.by_id.get(user)


def route(
    plans: list[LegacyPlan], sources: dict[str, SourceFile], directory: LearnerDirectory
) -> Routing:
    """Split the plans by target key; `directory` must already hold every plan's users."""
    routing = Routing()
    for plan in plans:
        for user in plan.users:
            key = directory.target(user.user_id) or user_key(user.user_id)
            routing.users.setdefault(key, user)
            routing.share(key)
    courses = {c.id: c for plan in plans for c in plan.courses}

    def give_course(key: str, course: CourseRecord | None) -> None:
        share = routing.share(key)
        while course is not None and course.id not in share.courses:
            share.courses[course.id] = course
            course = courses.get(course.master_id) if course.master_id else None

    for plan in plans:
        for course in plan.courses:
            give_course(directory.target(course.owner) or DEFAULT, course)
        for record in plan.progress:
            key = directory.target(record.user) or DEFAULT
            give_course(key, courses.get(record.course_id))
            routing.share(key).progress.append(record)
        for assessment in plan.assessments:
            routing.share(directory.target(assessment.user) or DEFAULT).assessments.append(
                assessment
            )
        default = routing.share(DEFAULT)
        default.questions.extend(plan.questions)
        default.question_files.update((q.id, plan.file) for q in plan.questions)
        default.notes.extend(plan.notes)
        for document in plan.verbatim:
            share = routing.share(directory.target(document.user) or DEFAULT)
            share.verbatim.append((plan.file, document))
            share.problems.append(
                Problem(plan.file, document.table, document.doc_id, document.reason)
            )
        for remark in plan.remarks:
            routing.share(directory.target(remark.user) or DEFAULT).remarks.append(remark)
    holders: dict[str, list[ProfileShare]] = {}  # course id -> the shares that have it
    for share in routing.shares.values():
        for course_id in share.courses:
            holders.setdefault(course_id, []).append(share)
    for plan in plans:
        for content in plan.contents:
            for share in holders.get(content.course_id, ()):
                share.contents.append(content)
    for share in routing.shares.values():
        share.sources.update({plan.file: sources[plan.file] for plan in plans})
    return routing
