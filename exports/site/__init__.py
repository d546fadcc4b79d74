"""The public board as files: phone pages per month and version, a kiosk page, indexes, latest.json.

Layout (``board.links`` builds every link to it)::

    index.html                   the villages
    robots.txt, 404.html
    CODE/index.html              the village's months, newest first
    CODE/latest.json             the newest month and the chain head, polled by kiosks
    CODE/kiosk/index.html        the big screen
    CODE/YYYY-MM/index.html      the month as it stands (its newest version)
    CODE/YYYY-MM/vN/index.html   each published version, for ever (a printed QR code lands here)
    CODE/policy/index.html       政策问答, when the village has any

Rendered from published ``PublicRecord``s only, through Jinja2 templates with autoescape on.
Files are written atomically (temporary file, then rename) and only when their bytes change,
each text file with a ``.gz`` twin so `board serve` and nginx's ``gzip_static`` send it compressed.
"""

from exports.site.build import SiteExport, VillageExport, export_site, render_month_page

__all__ = ["SiteExport", "VillageExport", "export_site", "render_month_page"]
