"""Delivery of plain-language digests to grid WeChat groups: channels, the outbox, the CLI.

Importing the package installs credential scrubbing for every log record in the process.
"""

from exports.wechat.scrub import install_log_scrubbing

install_log_scrubbing()
