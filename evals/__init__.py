"""Offline evaluation suites (agreement with human scores, PII leakage, prompt injection, fairness, stability).

A suite is a package `evals/<name>/` whose `run.py` defines `main(out_dir: Path) -> int`: it writes its report
under `out_dir`, prints a summary, and returns the process exit code (non-zero when a target is missed).
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Protocol, cast

from app.errors import ConfigError


class _SuiteModule(Protocol):
    def main(self, out_dir: Path) -> int: ...


def available_suites() -> list[str]:
    root = Path(__file__).parent
    return sorted(m.name for m in pkgutil.iter_modules([str(root)]) if m.ispkg and (root / m.name / "run.py").exists())


def run_suite(name: str, out_dir: Path) -> int:
    suites = available_suites()
    if name not in suites:
        raise ConfigError(f"eval suite {name!r}: unknown; available: {', '.join(suites) or 'none yet'}")
    module = cast(_SuiteModule, importlib.import_module(f"evals.{name}.run"))
    out_dir.mkdir(parents=True, exist_ok=True)
    return module.main(out_dir)
