"""Standard-library logging, configured once per process (Streamlit app start, CLI start).

Modules log through ``logging.getLogger(__name__)``; what they log (publishing, imports,
pushes, failed logins, refusals) passes one filter on its way out that masks personal
numbers with board/privacy.py's detector and blanks anything that looks like a secret, so
no log line carries an ID number, a mobile, a password or a token.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
from typing import TextIO

from board.privacy import mask_text

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# key=value or key: value pairs whose value is a credential, and passwords inside database URLs.
_SECRET_PAIR = re.compile(
    r"(?i)\b(password|passwd|pwd|secret|corpsecret|token|access_token|api_key|key)(\s*[=:]\s*)([^\s&,;]+)"
)
_URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^:/@\s]+):[^@\s]+@")

_configured = False
_lock = threading.Lock()


def scrub(text: str) -> str:
    """``text`` with personal numbers masked and secrets blanked."""
    text = _SECRET_PAIR.sub(r"\1\2***", text)
    text = _URL_PASSWORD.sub(r"\1:***@", text)
    return mask_text(text)


class PrivacyFilter(logging.Filter):
    """Rewrites each record's final message (and traceback) through ``scrub``."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def privacy_handler(stream: TextIO | None = None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(PrivacyFilter())
    return handler


def configure_logging(level: str | None = None) -> None:
    """Our packages log at ``level`` (default ``SANWU_LOG_LEVEL`` or INFO) to stderr; idempotent."""
    global _configured
    with _lock:
        if _configured:
            return
        handler = privacy_handler()
        for name in ("board", "services", "infra", "exports", "views", "cli", "pages"):
            logger = logging.getLogger(name)
            logger.addHandler(handler)
            logger.setLevel((level or os.environ.get("SANWU_LOG_LEVEL") or "INFO").upper())
            logger.propagate = False  # Streamlit's root handler would print it again, unfiltered
        _configured = True
