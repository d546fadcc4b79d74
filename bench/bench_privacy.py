"""Personal-data detector: speed, publishing time before/after, confusion matrices against referees.

Run: .venv/bin/python bench/bench_privacy.py [--baseline REV] [--cases N]
Needs the test-only referees (python-stdnum, phonenumbers: requirements-dev.txt).
Publishing is timed on the demo's last month (amend, submit, approve, then publish; median of
10) here and, for the baseline, in a `git archive` of REV (default: the merge base with main)
run by the same interpreter.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter
from io import BytesIO
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
ROOT = Path(os.environ.get("BENCH_ROOT", HERE))
sys.path.insert(0, str(ROOT))

END = "2026-10"


def publish_median(repeat: int = 10) -> float:
    from board.auth import get_user
    from board.villages import get_village
    from board.workflow import amend_period, approve_period, publish_period, submit_period
    from infra.db import get_engine, migrate, unit_of_work
    from infra.demo import seed_demo

    with tempfile.TemporaryDirectory() as tmp:
        engine = get_engine(f"sqlite:///{tmp}/bench.db")
        migrate(engine)
        with unit_of_work(engine) as session:
            seed_demo(session, end_period=END)
            session.commit()
        times = []
        for i in range(repeat):
            with unit_of_work(engine) as session:
                village = get_village(session, "DEMO")
                clerk, supervisor = get_user(session, "wenshu"), get_user(session, "jiandu")
                amend_period(session, village=village, period=END, user=clerk, reason=f"基准测试第{i + 1}次更正")
                submit_period(session, village=village, period=END, user=clerk)
                approve_period(session, village=village, period=END, user=supervisor)
                start = time.perf_counter()
                publish_period(session, village=village, period=END, user=supervisor)
                session.commit()
                times.append(time.perf_counter() - start)
        engine.dispose()
    return statistics.median(times)


def baseline_publish(rev: str) -> float:
    archive = subprocess.run(["git", "archive", rev], cwd=HERE, check=True, capture_output=True).stdout
    with tempfile.TemporaryDirectory() as tmp:
        tarfile.open(fileobj=BytesIO(archive)).extractall(tmp, filter="data")
        out = subprocess.run(
            [sys.executable, __file__, "--publish-only"],
            env={**os.environ, "BENCH_ROOT": tmp},
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    return float(out.strip().splitlines()[-1])


def texts_per_second(fn, texts: list[str], rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for t in texts:
            fn(t)
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


def demo_texts() -> list[str]:
    """Every string of the demo's published months: what publishing actually scans."""
    from board.public import published_periods, published_snapshot
    from board.villages import get_village
    from infra.db import get_engine, migrate, unit_of_work
    from infra.demo import seed_demo

    def strings(value):
        if isinstance(value, dict):
            for v in value.values():
                yield from strings(v)
        elif isinstance(value, list):
            for v in value:
                yield from strings(v)
        elif isinstance(value, str):
            yield value

    with tempfile.TemporaryDirectory() as tmp:
        engine = get_engine(f"sqlite:///{tmp}/demo.db")
        migrate(engine)
        with unit_of_work(engine) as session:
            seed_demo(session, end_period=END)
            session.commit()
            village = get_village(session, "DEMO")
            texts = [
                s for p in published_periods(session, village) for s in strings(published_snapshot(session, village, p))
            ]
        engine.dispose()
    return texts


def print_matrix(title: str, counts: Counter, rows: list[str], cols: list[str]) -> None:
    print(f"\n{title}")
    print("| referee \\ ours | " + " | ".join(cols) + " |")
    print("| --- | " + " | ".join("---" for _ in cols) + " |")
    for r in rows:
        print(f"| {r} | " + " | ".join(f"{counts[(r, c)]:,}" for c in cols) + " |")


def matrices(n: int) -> None:
    import phonenumbers
    from stdnum import luhn
    from stdnum.cn import ric
    from stdnum.exceptions import ValidationError

    from board.privacy import PROVINCES, find_pii, id_check_digit, normalise_id_number
    from tests.privacy_corpus import CARD_FORMATS, ID_FORMATS, MOBILE_FORMATS, TODAY, formatted_cases, gen_uscc

    def ric_ok(number: str) -> bool:
        try:
            if ric.calc_check_digit(number) != number[-1].upper():
                return False
            ric.get_birth_date(number)
        except (ValidationError, ValueError):
            return False
        return True

    def ours(text: str, kind: str) -> str:
        found = find_pii(text)
        if any(m.kind == kind and not m.suspect for m in found):
            return "found as " + kind
        if any(m.suspect for m in found):
            return "suspected ID"
        return "found as other kind" if found else "not found"

    cols = ["found as {}", "found as other kind", "suspected ID", "not found"]

    # IDs: valid ones in every format, and the same with a wrong check digit.
    rng = random.Random(31)
    counts = Counter()
    names = list(ID_FORMATS)
    for i, (_, number, _) in enumerate(formatted_cases("身份证号", n, seed=32)):
        if i % 2:
            number = number[:17] + rng.choice([c for c in "0123456789X" if c != number[17]])
        text = ID_FORMATS[names[i % len(names)]](number)
        counts[("stdnum valid" if ric_ok(number) else "stdnum invalid", ours(text, "身份证号"))] += 1
    print_matrix(
        f"身份证号 (18 digits), {n:,} cases over {len(names)} formats; half with a wrong check digit",
        counts,
        ["stdnum valid", "stdnum invalid"],
        [c.format("身份证号") for c in cols],
    )

    # Mobiles: real ones in every format, and 11-digit numbers that are not mobiles.
    counts = Counter()
    names = list(MOBILE_FORMATS)
    for i, (_, number, _) in enumerate(formatted_cases("手机号", n, seed=33)):
        if i % 2:
            number = rng.choice("0245") + number[1:]
        text = "电话" + MOBILE_FORMATS[names[i % len(names)]](number)
        referee = any(
            phonenumbers.national_significant_number(m.number) == number
            and phonenumbers.number_type(m.number) == phonenumbers.PhoneNumberType.MOBILE
            for m in phonenumbers.PhoneNumberMatcher(text, "CN")
        )
        counts[("phonenumbers: mobile" if referee else "phonenumbers: none", ours(text, "手机号"))] += 1
    print_matrix(
        f"手机号 in free text, {n:,} cases over {len(names)} formats; half not mobiles",
        counts,
        ["phonenumbers: mobile", "phonenumbers: none"],
        [c.format("手机号") for c in cols],
    )

    # Cards: Luhn-valid 16-19 digits in every format, and the same with the last digit changed.
    counts = Counter()
    names = list(CARD_FORMATS)
    for i, (_, number, _) in enumerate(formatted_cases("银行卡号", n, seed=34)):
        if i % 2:
            number = number[:-1] + str((int(number[-1]) + 1) % 10)
        text = "卡号" + CARD_FORMATS[names[i % len(names)]](number)
        counts[("luhn valid" if luhn.is_valid(number) else "luhn invalid", ours(text, "银行卡号"))] += 1
    print_matrix(
        f"银行卡号, {n:,} cases over {len(names)} formats; half failing Luhn",
        counts,
        ["luhn valid", "luhn invalid"],
        [c.format("银行卡号") for c in cols],
    )

    # Structured 身份证号 column: check digit right, any date (impossible, future, before 1900).
    counts = Counter()
    provinces = sorted(PROVINCES)
    for _ in range(n):
        body = (
            f"{rng.choice(provinces)}{rng.randrange(10_000):04d}{rng.randint(1890, 2030):04d}"
            f"{rng.randint(0, 13):02d}{rng.randint(0, 32):02d}{rng.randrange(1000):03d}"
        )
        number = body + id_check_digit(body)
        try:
            normalise_id_number(number, today=TODAY)
            verdict = "accepted"
        except ValueError:
            verdict = "refused"
        counts[("stdnum valid" if ric_ok(number) else "stdnum invalid", verdict)] += 1
    print_matrix(
        f"身份证号 column, {n:,} IDs with a right check digit and any date 1890-2030",
        counts,
        ["stdnum valid", "stdnum invalid"],
        ["accepted", "refused"],
    )
    print("(stdnum accepts future and pre-1900 birth dates; the column refuses them.)")

    alarms = {}
    for digits_only in (True, False):
        codes = [gen_uscc(rng, digits_only=digits_only) for _ in range(n)]
        alarms[digits_only] = sum(bool(find_pii(f"统一社会信用代码 {c}")) for c in codes) / n
    print(
        f"\n统一社会信用代码 false alarms: all-digit {alarms[True]:.3%}, with letters {alarms[False]:.3%} ({n:,} each)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--publish-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--baseline", default=None, help="git revision to compare publishing with")
    parser.add_argument("--cases", type=int, default=20_000)
    args = parser.parse_args()
    if args.publish_only:
        print(publish_median())
        return

    from board.privacy import find_pii, mask_text
    from tests.privacy_corpus import formatted_cases

    typical = demo_texts()
    hostile = [t for kind in ("身份证号", "手机号", "银行卡号") for _, _, t in formatted_cases(kind, 5_000, seed=41)]
    print(
        f"find_pii, demo texts ({len(typical):,} strings of 24 published months): "
        f"{texts_per_second(find_pii, typical):,.0f} texts/s"
    )
    print(
        f"find_pii, hostile corpus (15,000 formatted numbers in sentences): {texts_per_second(find_pii, hostile):,.0f} texts/s"
    )
    print(f"mask_text, hostile corpus: {texts_per_second(mask_text, hostile):,.0f} texts/s")

    rev = (
        args.baseline
        or subprocess.run(
            ["git", "merge-base", "HEAD", "main"], cwd=HERE, check=True, capture_output=True, text=True
        ).stdout.strip()
    )
    before = baseline_publish(rev)
    after = publish_median()
    print(
        f"publish one month (median of 10), before ({rev[:10]}): {before * 1000:.1f} ms, "
        f"after: {after * 1000:.1f} ms, ratio {after / before:.2f}×"
    )
    matrices(args.cases)


if __name__ == "__main__":
    main()
