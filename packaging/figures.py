"""Issue 19's "speed and size" figures of the built (or installed) Linux app:

    .venv/bin/python packaging/figures.py [--app PATH] [--pairs N] [--build]

- installed size: the .deb's Installed-Size (dist/studydesk_<version>_<arch>.deb), and the
  bundle's size on disk;
- start-up of the installed app against the floor of tests/perf/bench_startup.py (this
  checkout's Python importing SQLAlchemy's ORM and painting a bare Qt window), interleaved pair
  by pair, each to its first painted window: the median of the pairs' ratios (target 1.3x) and
  the same in CPU time;
- the self-test's time (`studydesk --self-test --json`, the median of 3);
- the build time packaging/build.sh recorded (build/packages/figures.txt), or, with --build,
  a build now.

The app measured is --app, else /usr/bin/studydesk when the .deb is installed, else the .deb's
tree packaging/build.sh left in build/packages/deb (the files the .deb installs), else its
bundle. Runs offscreen unless QT_QPA_PLATFORM says otherwise.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build" / "packages"
# The .deb's tree as build.sh left it: the installed files exactly (stripped, as installed).
DEB_TREE_APP = next(iter(sorted(BUILD.glob("deb/studydesk_*/usr/lib/studydesk/studydesk"))), None)
BUNDLE_APP = BUILD / "bundle" / "studydesk" / "studydesk"
INSTALLED_APP = Path("/usr/bin/studydesk")
TARGET_RATIO = 1.3


def _bench() -> object:
    """tests/perf/bench_startup.py, for its FLOOR script (one definition of the floor)."""
    path = ROOT / "tests" / "perf" / "bench_startup.py"
    spec = importlib.util.spec_from_file_location("bench_startup", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "STUDYDESK_"))}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


def _painted(argv: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds from just before the start to the first paint, CPU seconds to it)."""
    start_epoch = time.time()
    result = subprocess.run(argv, env=_env(), cwd=cwd, capture_output=True, text=True, check=False)
    match = re.search(r"painted its window \(epoch ([0-9.]+), cpu ([0-9.]+) s\)", result.stdout)
    if result.returncode != 0 or match is None:
        raise SystemExit(f"{argv[:3]} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return float(match.group(1)) - start_epoch, float(match.group(2))


def _app() -> Path:
    for candidate in (INSTALLED_APP, DEB_TREE_APP, BUNDLE_APP):
        if candidate is not None and candidate.exists():
            return candidate
    raise SystemExit("no Study Desk to measure: run `bash packaging/build.sh`, or pass --app")


def _deb() -> Path | None:
    found = sorted((ROOT / "dist").glob("studydesk_*.deb"), key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None


def _folder_mb(folder: Path) -> float:
    files = (p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return sum(p.stat().st_size for p in files) / 1e6


def _recorded_build() -> dict[str, str]:
    path = BUILD / "figures.txt"
    if not path.exists():
        return {}
    pairs = (line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines())
    return {key: value for key, value in pairs}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--app", type=Path, help="the studydesk executable to measure")
    parser.add_argument("--pairs", type=int, default=11, help="interleaved floor/app pairs")
    parser.add_argument("--build", action="store_true", help="run packaging/build.sh first")
    args = parser.parse_args(argv)

    if args.build:
        started = time.monotonic()
        subprocess.run(["bash", str(ROOT / "packaging" / "build.sh")], cwd=ROOT, check=True)
        print(f"build.sh took {time.monotonic() - started:.0f} s")
    app = (args.app or _app()).resolve()
    print(f"Study Desk measured: {app}")
    print(
        f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, QT_QPA_PLATFORM="
        f"{_env()['QT_QPA_PLATFORM']}"
    )

    print("\n== size")
    deb = _deb()
    if deb is not None:
        installed_kb = subprocess.run(
            ["dpkg-deb", "-f", str(deb), "Installed-Size"], capture_output=True, text=True
        ).stdout.strip()
        print(
            f"{'installed size (.deb Installed-Size)':<44} {int(installed_kb) / 1000:7.0f} MB"
            f"   (target <= 180 MB)"
        )
        print(f"{'.deb file':<44} {deb.stat().st_size / 1e6:7.0f} MB   ({deb.name})")
    print(f"{'bundle on disk':<44} {_folder_mb(app.parent):7.0f} MB   ({app.parent})")

    with tempfile.TemporaryDirectory(prefix="sd-figures-") as scratch_name:
        scratch = Path(scratch_name)
        data = scratch / "data"
        _painted([str(app), "--data-dir", str(data), "--smoke"], scratch)  # the profile, made
        floor_argv = [sys.executable, "-c", _bench().FLOOR]  # type: ignore[attr-defined]
        app_argv = [str(app), "--data-dir", str(data), "--smoke"]
        _painted(floor_argv, scratch)  # both warm in the page cache
        floors, apps = [], []
        for _ in range(args.pairs):
            floors.append(_painted(floor_argv, scratch))
            apps.append(_painted(app_argv, scratch))
        ratios = [a[0] / f[0] for a, f in zip(apps, floors, strict=True)]
        cpu_ratios = [a[1] / f[1] for a, f in zip(apps, floors, strict=True)]
        print(f"\n== start-up to the first painted window ({args.pairs} interleaved pairs)")
        print(
            f"{'floor (SQLAlchemy ORM + bare Qt window)':<44} "
            f"{statistics.median(f[0] for f in floors):7.3f} s"
        )
        print(
            f"{'installed app --smoke, existing profile':<44} "
            f"{statistics.median(a[0] for a in apps):7.3f} s"
        )
        print(
            f"{'ratio app / floor (median of pairs)':<44} {statistics.median(ratios):7.2f}x"
            f"   (target <= {TARGET_RATIO}x)"
        )
        print(
            f"{'CPU to the first paint, app / floor':<44} {statistics.median(cpu_ratios):7.2f}x"
            f"   ({statistics.median(a[1] for a in apps):.3f} s / "
            f"{statistics.median(f[1] for f in floors):.3f} s)"
        )

        print("\n== self-test")
        times = []
        for _ in range(3):
            env = _env() | {"HOME": str(scratch / "home"), "TMPDIR": str(scratch)}
            (scratch / "home").mkdir(exist_ok=True)
            started = time.monotonic()
            result = subprocess.run(
                [str(app), "--self-test", "--json"],
                env=env,
                cwd=scratch,
                capture_output=True,
                text=True,
                check=False,
            )
            times.append(time.monotonic() - started)
            if result.returncode != 0:
                print(result.stdout, result.stderr, sep="\n")
                return 1
            slowest = max(json.loads(result.stdout)["checks"], key=lambda c: c.get("seconds", 0))
        print(
            f"{'studydesk --self-test --json (median of 3)':<44} "
            f"{statistics.median(times):7.1f} s   (slowest check: {slowest['name']})"
        )

    print("\n== build")
    recorded = _recorded_build()
    if recorded:
        print(
            f"{'packaging/build.sh, last run':<44} {int(recorded['total_s']):7d} s   "
            f"(PyInstaller {recorded['pyinstaller_s']} s, on {recorded['cores']} cores, "
            f"{recorded['date']})"
        )
    else:
        print("no build recorded: run `bash packaging/build.sh` (or this script with --build)")
    if shutil.which("lintian") is None:
        print("(lintian not installed here)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
