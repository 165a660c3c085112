"""One closing line per test pass, read from pytest's JUnit XML: 'sqlite: 252 passed, 0 failed, 3 skipped'.

Run by `make test` after both passes; exits non-zero when a pass failed, errored, ran no test,
or left no report (it crashed before pytest wrote one).
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def summary(name: str, report: Path) -> tuple[str, bool]:
    if not report.exists():
        return f"{name}: no report (the pass did not run to the end)", False
    suites = ET.parse(report).getroot()
    suite = suites if suites.tag == "testsuite" else suites.find("testsuite")
    if suite is None:
        return f"{name}: empty report", False
    tests, failures, errors, skipped = (
        int(suite.get(k, 0)) for k in ("tests", "failures", "errors", "skipped")
    )
    failed = failures + errors
    passed = tests - failed - skipped
    return f"{name}: {passed} passed, {failed} failed, {skipped} skipped", failed == 0 and passed > 0


def main(args: list[str]) -> int:
    ok = True
    for arg in args:
        name, _, path = arg.partition("=")
        line, good = summary(name, Path(path))
        print(line)
        ok = ok and good
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
