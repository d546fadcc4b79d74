"""Proves the README's first command: the app starts in a venv built from requirements.txt alone.

Run with the interpreter of that venv, from anywhere:
    .venv-app/bin/python scripts/quickstart_check.py                 # every stage
    .venv-app/bin/python scripts/quickstart_check.py --imports-only  # stages 1-2 (setup.sh's stamp check)

Stages:
1. every requirement of requirements.txt is installed and its modules import;
2. every module of the app (models/, board/, infra/, views/, exports/, services/, cli/) imports;
3. the start path on a temporary SQLite database: init-db, seed-demo, every page through
   AppTest, export pdf, export html, digest, and push to a fake WeCom server on 127.0.0.1.

Only the standard library and the app's own runtime packages are used here: a test package
imported by this script would hide exactly the gap it exists to find.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import os
import re
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_PACKAGES = ("models", "board", "infra", "views", "exports", "services", "cli")
DEMO_VILLAGE = "DEMO"


class CheckFailed(Exception):
    pass


def say(message: str) -> None:
    print(f"[quickstart] {message}", flush=True)


def requirement_names(path: Path) -> list[str]:
    """Distribution names in a requirements file (extras and version bounds dropped)."""
    names = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        names.append(re.split(r"[\[<>=!~;\s]", line, maxsplit=1)[0])
    return names


def modules_of(distribution: str) -> list[str]:
    """Top-level import names that a distribution provides."""
    wanted = re.sub(r"[-_.]+", "-", distribution).lower()
    provided = importlib.metadata.packages_distributions()
    return sorted(
        module
        for module, dists in provided.items()
        if any(re.sub(r"[-_.]+", "-", d).lower() == wanted for d in dists)
        and module.isidentifier()
        and not module.startswith("_")
    )


def check_requirements(requirements: Path) -> None:
    problems = []
    for name in requirement_names(requirements):
        try:
            importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            problems.append(f"{name}: not installed")
            continue
        modules = modules_of(name)
        if not modules:
            problems.append(f"{name}: installed but provides no importable module")
        for module in modules:
            try:
                importlib.import_module(module)
            except Exception as exc:  # an import can fail in any way (wechatpy raises Exception)
                problems.append(f"{name}: import {module} failed: {type(exc).__name__}: {exc}")
    if problems:
        raise CheckFailed("requirements.txt is not fully installed:\n  " + "\n  ".join(problems))


def check_app_imports() -> None:
    problems = []
    for package in APP_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            if module.endswith("__main__"):
                continue
            try:
                importlib.import_module(module.removesuffix(".__init__"))
            except Exception as exc:
                problems.append(f"{module}: {type(exc).__name__}: {exc}")
    if problems:
        raise CheckFailed(
            "the app imports something that requirements.txt does not provide:\n  " + "\n  ".join(problems)
        )


def run_cli(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "board", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=600,
    )
    if result.returncode != 0:
        raise CheckFailed(f"`python -m board {' '.join(args)}` exited {result.returncode}:\n{result.stderr[-3000:]}")
    return result.stdout


def check_pages(database_url: str) -> None:
    from streamlit.testing.v1 import AppTest

    from models import Role
    from pages.shared.session import USER_KEY, StaffUser

    os.environ["DATABASE_URL"] = database_url
    app = str(ROOT / "app.py")
    runs = [(str(path.relative_to(ROOT)), None) for path in sorted((ROOT / "pages" / "public").glob("*.py"))]
    runs.append(("pages/staff/login.py", None))
    runs += [
        (str(path.relative_to(ROOT)), StaffUser("admin", "系统管理员", Role.admin))
        for path in sorted((ROOT / "pages" / "staff").glob("*.py"))
        if path.name != "login.py"
    ]
    for script, user in runs:
        at = AppTest.from_file(app, default_timeout=120)
        at.query_params["village"] = DEMO_VILLAGE
        if user is not None:
            at.session_state[USER_KEY] = user
        at.run()
        at.switch_page(script).run()
        if at.exception:
            raise CheckFailed(f"page {script} raised: {at.exception[0].value}")
        say(f"page ok: {script}")


def newest_published_month(database_url: str) -> str:
    from board.public import published_periods
    from board.villages import get_village
    from infra.db import get_engine, unit_of_work

    with unit_of_work(get_engine(database_url)) as session:
        months = published_periods(session, get_village(session, DEMO_VILLAGE))
    if not months:
        raise CheckFailed("seed-demo published no month")
    return months[0]


def check_start_path() -> None:
    sys.path.insert(0, str(ROOT))
    from tests.wechat.fake_wecom import FakeWeCom  # standard library only

    robot_key = "quickstart-robot-key"
    fake = FakeWeCom(robot_keys=(robot_key,))
    try:
        with tempfile.TemporaryDirectory(prefix="sanwu-quickstart-") as tmp:
            database_url = f"sqlite:///{tmp}/sanwu.db"
            env = {
                **os.environ,
                "DATABASE_URL": database_url,
                "WECOM_API_BASE": fake.url,
                "QUICKSTART_ROBOT_KEY": robot_key,
                "SANWU_SECRETS_FILE": f"{tmp}/no-secrets.toml",
            }
            run_cli(env, "init-db")
            run_cli(env, "seed-demo", "--if-empty")
            say("init-db and seed-demo ok")
            check_pages(database_url)
            month = newest_published_month(database_url)
            pdf = Path(tmp, "board.pdf")
            run_cli(env, "export", "pdf", "--village", DEMO_VILLAGE, "--period", month, "-o", str(pdf))
            if not pdf.read_bytes().startswith(b"%PDF"):
                raise CheckFailed("export pdf wrote no PDF")
            site = Path(tmp, "site")
            run_cli(env, "export", "html", "--village", DEMO_VILLAGE, "--period", month, "-o", str(site))
            if not any(site.rglob("*.html")):
                raise CheckFailed("export html wrote no page")
            if "【钱】" not in run_cli(env, "digest", "--village", DEMO_VILLAGE, "--period", month):
                raise CheckFailed("digest printed no money section")
            run_cli(
                env,
                "grid",
                "add",
                "--village",
                DEMO_VILLAGE,
                "--name",
                "一网格",
                "--channel",
                "robot",
                "--key-ref",
                "QUICKSTART_ROBOT_KEY",
            )
            run_cli(env, "push", "--village", DEMO_VILLAGE, "--period", month)
            if not fake.delivered("webhook/send"):
                raise CheckFailed("push delivered nothing to the fake WeCom server")
            say(f"export pdf, export html, digest and push ok ({month})")
    finally:
        fake.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--imports-only", action="store_true", help="stages 1-2 only")
    parser.add_argument(
        "--requirements",
        type=Path,
        default=ROOT / "requirements.txt",
        help="the requirements file the venv was built from (default: the project's)",
    )
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    try:
        check_requirements(args.requirements.resolve())
        check_app_imports()
        say(f"runtime imports ok ({sys.prefix})")
        if not args.imports_only:
            check_start_path()
            say("the quick start works in this venv")
    except CheckFailed as failure:
        print(f"[quickstart] FAILED: {failure}", file=sys.stderr)
        return 1
    except Exception:
        traceback.print_exc()
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
