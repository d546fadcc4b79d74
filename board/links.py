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
