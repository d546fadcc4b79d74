"""Public links: the one place that knows the static site's layout.

The site (``exports.site``) writes its files under these paths and every public link — the
PDF's QR code, the digest, WeCom messages, the share page — is built here, so a link always
lands on the page that exists.  A month link names its version: a resident scanning a printed
PDF sees exactly what was printed, and the page points on to any later correction.
"""

from __future__ import annotations

from urllib.parse import urlsplit

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", ""}


def village_path(village_code: str) -> str:
    return f"{village_code}/"


def month_path(village_code: str, period: str, version: int | None = None) -> str:
    """A month's folder: the newest version at ``CODE/YYYY-MM/``, each version at ``CODE/YYYY-MM/vN/``."""
    if version is None:
        return f"{village_code}/{period}/"
    return f"{village_code}/{period}/v{version}/"


def kiosk_path(village_code: str) -> str:
    return f"{village_code}/kiosk/"


def policy_path(village_code: str) -> str:
    return f"{village_code}/policy/"


def _join(base_url: str, path: str) -> str:
    return f"{base_url.rstrip('/')}/{path}"


def board_url(
    base_url: str, village_code: str, period: str | None = None, *, version: int | None = None, kiosk: bool = False
) -> str:
    """The public page of a village, of a month, or of one version of a month."""
    if kiosk:
        return _join(base_url, kiosk_path(village_code))
    if period is None:
        return _join(base_url, village_path(village_code))
    return _join(base_url, month_path(village_code, period, version))


def qr_link(url: str, chain_head: str) -> str:
    """``url`` as printed in a QR code: with the chain head of the day in its fragment (``#head=…``)."""
    return f"{url}#head={chain_head}" if chain_head else url


def policy_url(base_url: str, village_code: str, explainer_id: int) -> str:
    """A 政策问答 on the village's static 政策问答 page."""
    return f"{_join(base_url, policy_path(village_code))}#policy-{explainer_id}"


def is_local_url(base_url: str) -> bool:
    """True when residents cannot reach the address (unset, localhost or a loopback address)."""
    host = urlsplit(base_url or "").hostname or ""
    return host in LOCAL_HOSTS or host.startswith("127.")
