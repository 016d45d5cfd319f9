"""An import report as plain sentences, for the terminal and the GUI's report dialog."""

from __future__ import annotations

from app.importers.legacy_import import ImportReport

LABELS = {  # (one, several)
    "courses": ("course", "courses"),
    "modules": ("module", "modules"),
    "lessons": ("lesson", "lessons"),
    "lesson_contents": ("lesson text", "lesson texts"),
    "progress": ("progress record", "progress records"),
    "assessments": ("placement check", "placement checks"),
    "questions": ("question", "questions"),
    "notes": ("note or article", "notes and articles"),
    "kept_verbatim": ("document kept aside as it was", "documents kept aside as they were"),
}


SHARED_KINDS = {
    "courses": "shared courses",
    "questions": "the question bank",
    "notes": "notes and articles",
}


def shared_sentence(report: ImportReport) -> str | None:
    """Where what the older apps kept for every account went, when not only where the import
    was for (then it goes without saying); None otherwise."""
    if not report.shared_with:
        return None
    what = ", ".join(SHARED_KINDS[k] for k in report.shared_kinds) or "shared documents"
    names = ", ".join(repr(name) for name in report.shared_with)
    went = "would go" if report.dry_run else "went"
    said = f"What the older apps kept for every account ({what}) {went} to the profile {names}"
    if report.shared_once:  # one copy, not one in each of several learners' profiles
        said += "; each learner's profile has the shared courses they studied"
    return said + "."


def counted(key: str, number: int) -> str:
    one, several = LABELS[key]
    return f"{number:,} {one if number == 1 else several}"


def report_lines(
    report: ImportReport, *, max_problems: int = 20, unreadable: bool = True
) -> list[str]:
    lines = []
    if report.dry_run:
        lines.append("Dry run: nothing was written.")
    if (shared := shared_sentence(report)) is not None:
        lines.append(shared)
    for profile in report.profiles:
        made = " (new profile)" if profile.created else ""
        lines.append(f"Profile {profile.profile!r}{made}:")
        if profile.already_imported and not any(profile.counts.values()):
            lines.append("  already imported before; nothing new.")
            continue
        found = [counted(k, n) for k, n in profile.counts.items() if n]
        if found:
            lines.append("  " + ", ".join(found) + ".")
        elif profile.created:
            lines.append("  made for a learner of the older app; their old password opens it.")
        else:
            lines.append("  nothing new.")
        for problem in profile.problems[:max_problems]:
            lines.append(f"  kept aside: {problem.table} #{problem.doc_id}: {problem.reason}")
        if len(profile.problems) > max_problems:
            lines.append(f"  ... and {len(profile.problems) - max_problems} more kept aside.")
        for remark in profile.remarks[:max_problems]:
            lines.append(f"  note: {remark.table} #{remark.doc_id}: {remark.text}")
        if len(profile.remarks) > max_problems:
            lines.append(f"  ... and {len(profile.remarks) - max_problems} more notes.")
    lines.extend(f"Nothing to import: {message}" for _path, message in report.empty)
    if unreadable:
        lines.extend(f"Not imported: {reason}" for _path, reason in report.unreadable)
    return lines
