"""Entry script of the PyInstaller bundle (packaging/studydesk.spec)."""

from app.__main__ import main

raise SystemExit(main())
