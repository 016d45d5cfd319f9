"""Which profile receives which legacy record.

Each legacy user becomes a profile (found again on re-import by legacy user id, then by email).
What the older apps kept outside any one account (TechTree's shared syllabi, the lesson engine's
syllabi with no user, MS2's question bank, notes and articles) goes to the learner when the files
(with the profile the import is for, when that is a learner's too) hold one; with several or
none, to the profile the import is for (`default`). A document of no user kept verbatim is kept
once, in the first of those. Records of a user who
does not exist (orphans) go to the profile the import is for, and so does a placement check of
no user (one learner's result, whose is not known). A profile also receives the shared syllabi
its progress and copies point at, so its own database is complete.
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
    # Who received what belonged to no account (target keys), and what kinds of it there were
    # ("courses", "questions", "notes").
    shared_to: list[str] = field(default_factory=list)
    shared_kinds: set[str] = field(default_factory=set)

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
    plans: list[LegacyPlan],
    sources: dict[str, SourceFile],
    directory: LearnerDirectory,
    default: str = DEFAULT,
) -> Routing:
    """Split the plans by target key; `directory` must already hold every plan's users.

    `default` is the key of the profile the import is for: DEFAULT, or a learner's own key
    ("profile:<id>") when that profile came from the older app, so that one profile is one share.
    """
    routing = Routing()
    for plan in plans:
        for user in plan.users:
            key = directory.target(user.user_id) or user_key(user.user_id)
            routing.users.setdefault(key, user)
            routing.share(key)
    if plans:  # the profile the import is for is in the report, even with nothing new
        routing.share(default)
    learners = list(routing.users)
    if default != DEFAULT and default not in routing.users:
        learners.insert(0, default)  # the open profile is a learner's of the older app too
    # One learner: theirs. Several: one copy, in the profile the import is for (a copy in each
    # of 100 learners' profiles took 6 minutes and 1.2 million lessons instead of 5 s; each
    # learner still gets the shared courses their own progress is in, below).
    routing.shared_to = learners if len(learners) == 1 else [default]
    courses = {c.id: c for plan in plans for c in plan.courses}

    def owners(user: str | None, kind: str = "") -> list[str]:
        """The keys of the profiles receiving a record of this user (None: of no account)."""
        if user is None:
            if kind:
                routing.shared_kinds.add(kind)
            return routing.shared_to
        return [directory.target(user) or default]

    def give_course(key: str, course: CourseRecord | None) -> None:
        share = routing.share(key)
        while course is not None and course.id not in share.courses:
            share.courses[course.id] = course
            course = courses.get(course.master_id) if course.master_id else None

    for plan in plans:
        for course in plan.courses:
            for key in owners(course.owner, "courses"):
                give_course(key, course)
        for record in plan.progress:
            key = directory.target(record.user) or default
            give_course(key, courses.get(record.course_id))
            routing.share(key).progress.append(record)
        for assessment in plan.assessments:  # one learner's result: of no user, an orphan
            key = (directory.target(assessment.user) if assessment.user else None) or default
            routing.share(key).assessments.append(assessment)
        if plan.questions or plan.notes:  # MS2 had no accounts: its bank was everyone's
            routing.shared_kinds.update(k for k in ("questions", "notes") if getattr(plan, k))
            for key in owners(None):
                share = routing.share(key)
                share.questions.extend(plan.questions)
                share.question_files.update((q.id, plan.file) for q in plan.questions)
                share.notes.extend(plan.notes)
        for document in plan.verbatim:
            # Kept once: in the learner's profile, else in the first that has the shared content.
            share = routing.share(owners(document.user)[0])
            share.verbatim.append((plan.file, document))
            share.problems.append(
                Problem(plan.file, document.table, document.doc_id, document.reason)
            )
        for remark in plan.remarks:
            for key in owners(remark.user):
                routing.share(key).remarks.append(remark)
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
