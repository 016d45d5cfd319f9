; Study Desk's Windows installer (NSIS 3): a per-user install, no administrator rights.
;
;   makensis -DPAYLOAD=dist\studydesk -DVERSION=0.1.0 -DICON=build\icons\studydesk.ico ^
;            -DOUTFILE=dist\StudyDesk-0.1.0-setup.exe packaging\windows\studydesk.nsi
;
; PAYLOAD is the PyInstaller onedir bundle (packaging/studydesk.spec: studydesk.exe and
; _internal\); ICON is optional (packaging/make_icons.py writes it). The Windows job of
; .github/workflows/release.yml runs both; makensis also compiles it on Linux (apt's nsis:
; tests/packaging/test_installers.py builds it around a dummy payload).
;
; - Installs into %LOCALAPPDATA%\Programs\StudyDesk (RequestExecutionLevel user: no UAC prompt).
; - A Start menu entry, and an entry in Settings > Apps (HKCU) with its uninstaller.
; - .apkg, .sdcourse and .sdqbank open in Study Desk (HKCU\Software\Classes; .apkg only as an
;   "Open with" choice, so an installed Anki keeps it), each as `studydesk.exe "%1"`.
; - Installing over an older version replaces the program files only; while Study Desk is
;   running it asks to close it first (Windows locks a running program's files).
; - The uninstaller removes the program files, shortcuts and registry entries it made, and never
;   the learner's data: %LOCALAPPDATA%\StudyDesk (profiles, backups, settings, logs) stays.

Unicode true
ManifestDPIAware true

!ifndef PAYLOAD
  !error "Give the bundle folder: makensis -DPAYLOAD=dist\studydesk -DVERSION=x.y.z ..."
!endif
!ifndef VERSION
  !error "Give the version: makensis -DVERSION=x.y.z ..."
!endif
!ifndef OUTFILE
  !define OUTFILE "StudyDesk-${VERSION}-setup.exe"
!endif

!define APP_NAME "Study Desk"
!define APP_KEY "StudyDesk"
!define EXE "studydesk.exe"
!define UNINSTALLER "Uninstall Study Desk.exe"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_KEY}"
!define CLASSES "Software\Classes"
!define SHCNE_ASSOCCHANGED 0x08000000
!define SHCNF_IDLIST 0

Name "${APP_NAME}"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\${APP_KEY}"
InstallDirRegKey HKCU "Software\${APP_KEY}" "InstallDir"
SetCompressor /SOLID lzma
BrandingText "${APP_NAME} ${VERSION}"

VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${APP_NAME}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "${APP_NAME} installer"
VIAddVersionKey "LegalCopyright" "the Study Desk authors (MIT); bundled components: see licences"

!include "MUI2.nsh"
!include "LogicLib.nsh"

!ifdef ICON
  !define MUI_ICON "${ICON}"
  !define MUI_UNICON "${ICON}"
!endif
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Open ${APP_NAME}"
!define MUI_UNCONFIRMPAGE_TEXT_TOP "${APP_NAME} will be removed from this computer. Your \
profiles, cards, notes and backups in $LOCALAPPDATA\${APP_KEY} are kept."

!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

; Study Desk must not be running while its files are replaced or removed: Windows refuses to
; overwrite a running program. Renaming the executable fails exactly then, and changes nothing.
!macro WAIT_UNTIL_CLOSED
  ${Do}
    ${IfNot} ${FileExists} "$INSTDIR\${EXE}"
      ${Break}
    ${EndIf}
    ClearErrors
    Rename "$INSTDIR\${EXE}" "$INSTDIR\${EXE}.closing"
    ${IfNot} ${Errors}
      Rename "$INSTDIR\${EXE}.closing" "$INSTDIR\${EXE}"
      ${Break}
    ${EndIf}
    MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "${APP_NAME} is open. Close it (your work \
is saved as you go), then choose Retry." /SD IDCANCEL IDRETRY +2
    Abort "${APP_NAME} is still open; nothing was changed."
  ${Loop}
!macroend

!macro ASSOCIATE SUFFIX PROGID DESCRIPTION OWN
  WriteRegStr HKCU "${CLASSES}\${PROGID}" "" "${DESCRIPTION}"
  WriteRegStr HKCU "${CLASSES}\${PROGID}\DefaultIcon" "" "$INSTDIR\${EXE},0"
  WriteRegStr HKCU "${CLASSES}\${PROGID}\shell\open\command" "" '"$INSTDIR\${EXE}" "%1"'
  WriteRegStr HKCU "${CLASSES}\${SUFFIX}\OpenWithProgids" "${PROGID}" ""
  !if ${OWN} == 1
    WriteRegStr HKCU "${CLASSES}\${SUFFIX}" "" "${PROGID}"
  !endif
  WriteRegStr HKCU "${CLASSES}\Applications\${EXE}\SupportedTypes" "${SUFFIX}" ""
!macroend

!macro DISSOCIATE SUFFIX PROGID
  DeleteRegKey HKCU "${CLASSES}\${PROGID}"
  DeleteRegValue HKCU "${CLASSES}\${SUFFIX}\OpenWithProgids" "${PROGID}"
  ReadRegStr $0 HKCU "${CLASSES}\${SUFFIX}" ""
  ${If} $0 == "${PROGID}"
    DeleteRegValue HKCU "${CLASSES}\${SUFFIX}" ""
  ${EndIf}
  DeleteRegKey /ifempty HKCU "${CLASSES}\${SUFFIX}\OpenWithProgids"
  DeleteRegKey /ifempty HKCU "${CLASSES}\${SUFFIX}"
!macroend

Section "${APP_NAME}" SecMain
  SectionIn RO
  SetShellVarContext current
  !insertmacro WAIT_UNTIL_CLOSED
  SetOutPath "$INSTDIR"
  ; An older version's program files go first (its modules must not mix with these); the
  ; learner's data is elsewhere ($LOCALAPPDATA\${APP_KEY}) and is not touched.
  RMDir /r "$INSTDIR\_internal"
  File /r "${PAYLOAD}\*.*"
  WriteUninstaller "$INSTDIR\${UNINSTALLER}"

  CreateShortcut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0 \
    SW_SHOWNORMAL "" "Lessons, flashcards, videos and notes, offline"

  !insertmacro ASSOCIATE ".apkg" "${APP_KEY}.apkg" "Anki deck package" 0
  !insertmacro ASSOCIATE ".sdcourse" "${APP_KEY}.sdcourse" "Study Desk course pack" 1
  !insertmacro ASSOCIATE ".sdqbank" "${APP_KEY}.sdqbank" "Study Desk question pack" 1
  WriteRegStr HKCU "${CLASSES}\Applications\${EXE}" "FriendlyAppName" "${APP_NAME}"
  WriteRegStr HKCU "${CLASSES}\Applications\${EXE}\shell\open\command" "" \
    '"$INSTDIR\${EXE}" "%1"'
  System::Call 'shell32::SHChangeNotify(i ${SHCNE_ASSOCCHANGED}, i ${SHCNF_IDLIST}, p 0, p 0)'

  WriteRegStr HKCU "Software\${APP_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "the Study Desk authors"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${EXE},0"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\${UNINSTALLER}"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\${UNINSTALLER}" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  !insertmacro WAIT_UNTIL_CLOSED
  ; Program files only, by name: never RMDir /r "$INSTDIR" (a learner may have put a
  ; --data-dir folder inside it) and never $LOCALAPPDATA\${APP_KEY}, their data.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${EXE}"
  Delete "$INSTDIR\${UNINSTALLER}"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${APP_NAME}.lnk"

  !insertmacro DISSOCIATE ".apkg" "${APP_KEY}.apkg"
  !insertmacro DISSOCIATE ".sdcourse" "${APP_KEY}.sdcourse"
  !insertmacro DISSOCIATE ".sdqbank" "${APP_KEY}.sdqbank"
  DeleteRegKey HKCU "${CLASSES}\Applications\${EXE}"
  System::Call 'shell32::SHChangeNotify(i ${SHCNE_ASSOCCHANGED}, i ${SHCNF_IDLIST}, p 0, p 0)'

  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "Software\${APP_KEY}"
SectionEnd
