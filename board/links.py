"""Public links to the board, used by the PDF's QR code, the digest and the static export."""

from __future__ import annotations

from urllib.parse import urlencode


def board_url(base_url: str, village_code: str, period: str | None = None, *, kiosk: bool = False) -> str:
    params = {"village": village_code}
    if period:
        params["period"] = period
    if kiosk:
        params["kiosk"] = "1"
    return f"{base_url.rstrip('/')}/?{urlencode(params)}"


def policy_url(base_url: str, village_code: str, explainer_id: int) -> str:
    """A 政策问答 on the village's board page (it opens that explainer first)."""
    return f"{board_url(base_url, village_code)}&{urlencode({'policy': explainer_id})}"
