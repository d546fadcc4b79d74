"""The quick start's venv (requirements.txt alone) really is checked: take any package away and
the check fails; the app imports nothing that requirements.txt does not name."""

from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.quickstart_check import APP_PACKAGES, requirement_names
from tests.helpers import ROOT

APP_VENV = ROOT / ".venv-app"
REQUIREMENTS = requirement_names(ROOT / "requirements.txt")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@pytest.fixture(scope="module")
def app_site_packages() -> Path:
    """The app-only venv the test command builds (built here too when a developer runs pytest alone)."""
    subprocess.run(
        ["bash", "scripts/setup.sh"],
        cwd=ROOT,
        env={**os.environ, "SANWU_VENV": str(APP_VENV), "SANWU_CLEAN_VENV": "1"},
        check=True,
        capture_output=True,
    )
    (site,) = APP_VENV.glob("lib/python3.*/site-packages")
    return site


def venv_without(tmp_path: Path, site: Path, removed: str | None) -> Path:
    """A new venv whose site-packages links every entry of the app venv except one distribution's."""
    target = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(target)], check=True)
    (target_site,) = target.glob("lib/python3.*/site-packages")
    skip: set[str] = set()
    if removed is not None:
        (dist,) = [
            d
            for d in importlib.metadata.distributions(path=[str(site)])
            if normalise(d.metadata["Name"]) == normalise(removed)
        ]
        skip = {Path(str(f)).parts[0] for f in dist.files or () if not str(f).startswith("..")}
        assert skip, f"{removed} has no files in the app venv"
    for entry in site.iterdir():
        if entry.name not in skip:
            (target_site / entry.name).symlink_to(entry)
    return target / "bin" / "python"


def run_check(python: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(python), "scripts/quickstart_check.py", "--imports-only", *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_check_passes_with_every_package(tmp_path, app_site_packages):
    result = run_check(venv_without(tmp_path, app_site_packages, None))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("removed", REQUIREMENTS)
def test_removing_a_runtime_package_fails_the_check(removed, tmp_path, app_site_packages):
    result = run_check(venv_without(tmp_path, app_site_packages, removed))
    assert result.returncode == 1
    assert "FAILED" in result.stderr and removed in result.stderr


def requirements_without(tmp_path: Path, distribution: str) -> Path:
    path = tmp_path / "requirements.txt"
    kept = [
        line
        for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if not line.lower().startswith(distribution.lower())
    ]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return path


def test_the_original_bug_fails_the_check(tmp_path, app_site_packages):
    """wechatpy needs cryptography, which nothing declared: importing what is listed fails."""
    result = run_check(
        venv_without(tmp_path, app_site_packages, "cryptography"),
        "--requirements",
        str(requirements_without(tmp_path, "cryptography")),
    )
    assert result.returncode == 1 and "wechatpy" in result.stderr and "cryptography" in result.stderr


def test_a_package_only_the_app_imports_fails_the_app_import_stage(tmp_path, app_site_packages):
    """Nothing listed needs argon2 but the app does: only importing the app's modules finds it."""
    result = run_check(
        venv_without(tmp_path, app_site_packages, "argon2-cffi"),
        "--requirements",
        str(requirements_without(tmp_path, "argon2-cffi")),
    )
    assert result.returncode == 1
    assert "requirements.txt is not fully installed" not in result.stderr
    assert "the app imports something that requirements.txt does not provide" in result.stderr
    assert "board.auth" in result.stderr and "argon2" in result.stderr


def third_party_imports() -> dict[str, Path]:
    """Top-level modules imported anywhere in the app (not the tests), with one file importing each."""
    own = {*APP_PACKAGES, "pages", "app"}
    found: dict[str, Path] = {}
    files = [ROOT / "app.py", *(p for pkg in (*APP_PACKAGES, "pages") for p in (ROOT / pkg).rglob("*.py"))]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in own:
                    found.setdefault(top, path)
    return found


def test_requirements_name_every_package_the_app_imports():
    listed = {normalise(name) for name in REQUIREMENTS}
    providers = importlib.metadata.packages_distributions()
    imports = third_party_imports()
    assert "wechatpy" in imports and "streamlit" in imports  # the walk sees real imports
    unlisted = {
        module: f"{path.relative_to(ROOT)} (from {', '.join(providers.get(module, ['?']))})"
        for module, path in imports.items()
        if not {normalise(d) for d in providers.get(module, [])} & listed
    }
    assert not unlisted, f"imported but not in requirements.txt: {unlisted}"
