"""Log lines never carry a personal number or a secret; logging is configured once."""

from __future__ import annotations

import io
import logging

from infra.logging import configure_logging, privacy_handler, scrub


def _logged(*args) -> str:
    stream = io.StringIO()
    handler = privacy_handler(stream)
    logger = logging.getLogger("board.test_logging")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        logger.warning(*args)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_an_id_number_in_a_log_line_comes_out_masked():
    line = _logged("import refused for %s: 身份证号 %s", "V1", "110101199003074514")
    assert "110101199003074514" not in line
    assert "1101**********4514" in line and "import refused for V1" in line


def test_mobiles_in_messages_and_tracebacks_are_masked():
    stream = io.StringIO()
    handler = privacy_handler(stream)
    logger = logging.getLogger("board.test_logging")
    logger.addHandler(handler)
    try:
        try:
            raise ValueError("bad phone 13812345678")
        except ValueError:
            logger.exception("save failed for 138 1234 5678")
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert "13812345678" not in text and "138 1234 5678" not in text
    # The message, the source line in the traceback and the exception text.
    assert text.count("138****5678") == 3 and "ValueError" in text


def test_secrets_are_blanked():
    assert scrub("token refresh: access_token=abc123XYZ&x=1") == "token refresh: access_token=***&x=1"
    assert scrub("corpsecret: s3cr3t") == "corpsecret: ***"
    assert scrub("connect postgresql+psycopg://sanwu:hunter2@db:5432/sanwu") == (
        "connect postgresql+psycopg://sanwu:***@db:5432/sanwu"
    )
    assert "hunter2" not in _logged("login with password=%s", "hunter2")


def test_configured_once():
    configure_logging()
    configure_logging()
    board = logging.getLogger("board")
    assert sum(1 for h in board.handlers if any(type(f).__name__ == "PrivacyFilter" for f in h.filters)) == 1
    assert board.propagate is False
