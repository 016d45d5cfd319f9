"""Info.plist entries of Study Desk.app (read by packaging/studydesk.spec's BUNDLE on macOS):
its name, version, category, and the document types it opens. Finder then offers Study Desk for
.sdcourse and .sdqbank (their owner) and .apkg (an alternative: Anki, if installed, keeps it).
Plain data and no PyInstaller, so tests/packaging/test_installers.py checks it on any system.
"""

from __future__ import annotations

from typing import Any

APP_ID = "org.studydesk.StudyDesk"
COURSE_UTI = f"{APP_ID}.course"
QBANK_UTI = f"{APP_ID}.qbank"
APKG_UTI = "net.ankiweb.apkg"


def _document_type(name: str, extension: str, uti: str, rank: str) -> dict[str, Any]:
    return {
        "CFBundleTypeName": name,
        "CFBundleTypeRole": "Viewer",  # Study Desk imports the file; it never writes it
        "LSHandlerRank": rank,
        "LSItemContentTypes": [uti],
        "CFBundleTypeExtensions": [extension],
    }


def _uti(identifier: str, description: str, extension: str) -> dict[str, Any]:
    return {
        "UTTypeIdentifier": identifier,
        "UTTypeDescription": description,
        "UTTypeConformsTo": ["public.zip-archive", "public.data"],
        "UTTypeTagSpecification": {"public.filename-extension": [extension]},
    }


def info_plist(version: str) -> dict[str, Any]:
    return {
        "CFBundleName": "Study Desk",
        "CFBundleDisplayName": "Study Desk",
        "CFBundleIdentifier": APP_ID,
        "CFBundleShortVersionString": version,
        "CFBundleVersion": version,
        "LSApplicationCategoryType": "public.app-category.education",
        "LSMinimumSystemVersion": "12.0",
        "NSHighResolutionCapable": True,
        "NSHumanReadableCopyright": "The Study Desk authors (MIT). Bundled components: see "
        "Help > About > Licences.",
        "CFBundleDocumentTypes": [
            _document_type("Anki deck package", "apkg", APKG_UTI, "Alternate"),
            _document_type("Study Desk course pack", "sdcourse", COURSE_UTI, "Owner"),
            _document_type("Study Desk question pack", "sdqbank", QBANK_UTI, "Owner"),
        ],
        "UTExportedTypeDeclarations": [
            _uti(COURSE_UTI, "Study Desk course pack", "sdcourse"),
            _uti(QBANK_UTI, "Study Desk question pack", "sdqbank"),
        ],
        # Anki's type, declared here too for Macs without Anki (Anki's own declaration wins).
        "UTImportedTypeDeclarations": [_uti(APKG_UTI, "Anki deck package", "apkg")],
    }
