"""Reading the older apps' files: peak memory and the longest time the progress stands still.

Run on its own (not part of the test suite):

    .venv/bin/python tests/perf/bench_legacy_read.py

Builds, in a scratch folder, a 400 MB file of random bytes named .json and a 48 MB export of
the real TechTree sample's shape (shared/fixtures/legacy, its documents repeated with new ids);
then, each in a fresh process so that its peak memory is its own (VmHWM; ru_maxrss after exec
would count this process's): `read_source` of
each (peak MB, seconds, refused or read), and a whole import of the export with the longest gap
between two progress reports (what the progress window would show standing still).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT.parent / "shared" / "fixtures" / "legacy" / "techtree_db.reconstructed-164e153.json"

CHILD = """
import sys, tempfile, time
from pathlib import Path
what, path = sys.argv[1], Path(sys.argv[2])
from app.errors import UserError
from app.importers.source import read_source
start = time.perf_counter()
if what == "read":
    try:
        outcome = f"read, {read_source(path).size:,} bytes"
    except UserError as error:
        outcome = "refused: " + str(error).split(", so")[0].replace(str(path), path.name)
    gap = ""
else:
    from app.core.profiles import create_profile
    from app.core.progress import Progress
    from app.importers.legacy_import import import_legacy
    from app.paths import data_locations
    locations = data_locations(Path(tempfile.mkdtemp()))
    default = create_profile(locations, "Default")
    marks = [time.perf_counter()]
    progress = Progress(on_change=lambda *_: marks.append(time.perf_counter()))
    import_legacy(locations, [path], default_profile=default, progress=progress)
    marks.append(time.perf_counter())
    gap = f", longest still progress {max(b - a for a, b in zip(marks, marks[1:])):.2f} s"
    outcome = "imported"
status = Path("/proc/self/status").read_text()  # VmHWM: ru_maxrss counts the parent too
peak = int(status.split("VmHWM:")[1].split()[0]) / 1024
seconds = time.perf_counter() - start
print(f"{what} {path.name}: {outcome}; {seconds:.2f} s, peak {peak:.0f} MB{gap}")
"""


def export_like_sample(path: Path, size: int = 48_000_000) -> None:
    sample = json.loads(SAMPLE.read_text(encoding="utf-8"))
    tables: dict[str, dict[str, object]] = {name: {} for name in sample}
    for number in range(size // len(json.dumps(sample))):
        ids = {
            "syllabus_id": str(uuid.UUID(int=number + 1)),
            "lesson_id": str(uuid.UUID(int=10**9 + number)),
            "progress_id": str(uuid.UUID(int=2 * 10**9 + number)),
        }
        for name, documents in sample.items():
            for document in documents.values():
                renewed = {key: ids.get(key, value) for key, value in document.items()}
                tables[name][str(len(tables[name]) + 1)] = renewed
    path.write_text(json.dumps(tables), encoding="utf-8")


def main() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory(prefix="sd-bench-read-") as scratch:
        noise = Path(scratch) / "random.json"
        with noise.open("wb") as handle:
            for _ in range(400):
                handle.write(os.urandom(1 << 20))
        export = Path(scratch) / "techtree_db.json"
        export_like_sample(export)
        for what, path in (("read", noise), ("read", export), ("import", export)):
            os.sync()
            subprocess.run([sys.executable, "-c", CHILD, what, str(path)], env=env, check=True)


if __name__ == "__main__":
    main()
