"""Keep WeCom credentials out of logs, exception text and the database.

wechatpy and requests put ``corpsecret=``, ``access_token=`` and the robot ``key=`` in
URLs, exception messages and urllib3's DEBUG lines; every text leaving this package goes
through ``scrub`` first, and every log record in the process is scrubbed when created.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterable

_PARAM = re.compile(r"(?<![A-Za-z0-9_])(key|access_token|corpsecret)=[^&\s\"'<>]+", re.IGNORECASE)
MASK = "***"


def scrub(text: object, secrets: Iterable[str] = ()) -> str:
    """``text`` with credential parameters and any of the given secret values masked."""
    out = _PARAM.sub(lambda m: f"{m.group(1)}={MASK}", str(text))
    for secret in secrets:
        if secret:
            out = out.replace(secret, MASK)
    return out


def describe_error(exc: BaseException, secrets: Iterable[str] = ()) -> str:
    """A short, scrubbed description of an exception (never the request URL)."""
    errcode = getattr(exc, "errcode", None)
    if errcode is not None:
        return scrub(f"errcode {errcode}: {getattr(exc, 'errmsg', '')}", secrets)[:300]
    return scrub(f"{type(exc).__name__}: {exc}", secrets)[:300]


class ScrubFilter(logging.Filter):
    """Masks credentials in a record's message and formatted traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "_sanwu_scrubbed", False):
            try:
                message = record.getMessage()
            except (TypeError, ValueError):  # bad %-args: logging would report it; keep the text
                message = f"{record.msg} {record.args}"
            record.msg = scrub(message)
            record.args = None
            if record.exc_info and not record.exc_text:
                record.exc_text = scrub("".join(traceback.format_exception(*record.exc_info)).rstrip())
            elif record.exc_text:
                record.exc_text = scrub(record.exc_text)
            record._sanwu_scrubbed = True
        return True


_installed = False


def install_log_scrubbing() -> None:
    """Scrub every log record at creation, whatever logger or handler sees it (idempotent).

    A filter on a logger does not see records propagated from child loggers
    (``urllib3.connectionpool``), and handlers come and go (pytest, Streamlit), so the
    filter runs from the record factory.  urllib3 stays at WARNING: its DEBUG lines are URLs.
    """
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()
    scrubber = ScrubFilter()

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        scrubber.filter(record)
        return record

    logging.setLogRecordFactory(factory)
    logging.getLogger("urllib3").setLevel(logging.WARNING)
    _installed = True
