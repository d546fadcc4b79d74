"""One settings object: environment first, then ``.streamlit/secrets.toml`` (optional)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "sanwu.db"


def _secrets_file() -> Path:
    return Path(os.environ.get("SANWU_SECRETS_FILE", PROJECT_ROOT / ".streamlit" / "secrets.toml"))


def load_secrets() -> dict:
    """The secrets file as a dict; a missing file is normal (a fresh clone has none)."""
    path = _secrets_file()
    if not path.is_file():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh)


@dataclass(frozen=True)
class Settings:
    database_url: str
    public_base_url: str
    font_path: str
    wecom_api_base: str
    deadline_day: int = 10  # 公开期限: day of the following month (local practice, configurable)
    # Reverse proxies whose X-Forwarded-For is believed (the resident's address for rate limits).
    trusted_proxies: frozenset[str] = frozenset()
    # The demo's staff accounts (published password) keep working after a real village exists.
    demo_logins: bool = False
    # Rendered PDFs and downloads, keyed by snapshot hash (exports/cache.py); safe to delete.
    cache_dir: Path = DEFAULT_DB_PATH.parent / "cache"
    secrets: dict = field(default_factory=dict, repr=False)

    def secret(self, name: str) -> str | None:
        """A credential referenced by name (env var or secrets entry); never logged or shown."""
        value = os.environ.get(name)
        if value:
            return value
        value = self.secrets.get(name)
        if value is None:
            value = self.secrets.get("wecom", {}).get(name)
        return str(value) if value else None


def get_settings() -> Settings:
    secrets = load_secrets()

    def pick(name: str, default: str) -> str:
        return os.environ.get(name) or str(secrets.get(name, "") or "") or default

    return Settings(
        database_url=pick("DATABASE_URL", f"sqlite:///{DEFAULT_DB_PATH}"),
        public_base_url=pick("PUBLIC_BASE_URL", "http://localhost:8501").rstrip("/"),
        font_path=pick("SANWU_FONT_PATH", ""),
        wecom_api_base=pick("WECOM_API_BASE", "https://qyapi.weixin.qq.com").rstrip("/"),
        deadline_day=int(pick("SANWU_DEADLINE_DAY", "10")),
        trusted_proxies=frozenset(p.strip() for p in pick("SANWU_TRUSTED_PROXIES", "").split(",") if p.strip()),
        cache_dir=Path(pick("SANWU_CACHE_DIR", str(DEFAULT_DB_PATH.parent / "cache"))),
        demo_logins=pick("SANWU_DEMO_LOGINS", "").strip().lower() in ("1", "true", "yes", "on"),
        secrets=secrets,
    )
