"""One settings object: environment first, then ``.streamlit/secrets.toml`` (optional).

Validated when built: a bad value stops the program with a Chinese message naming the
variable, instead of a traceback deep inside a renderer.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

from board.errors import BoardError
from board.links import is_local_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "sanwu.db"
DEFAULT_PUBLIC_DIR = PROJECT_ROOT / "data" / "public"
DEFAULT_PUBLIC_PORT = 8502  # `board serve`; Streamlit (staff) stays on 8501

# Field → the variable people set (in the environment or in secrets.toml), and its Chinese name.
VARIABLES = {
    "database_url": ("DATABASE_URL", "数据库地址"),
    "public_base_url": ("PUBLIC_BASE_URL", "公开网址"),
    "public_dir": ("SANWU_PUBLIC_DIR", "公开网页目录"),
    "font_path": ("SANWU_FONT_PATH", "字体文件"),
    "wecom_api_base": ("WECOM_API_BASE", "企业微信接口地址"),
    "deadline_day": ("SANWU_DEADLINE_DAY", "公开期限（次月几日）"),
    "trusted_proxies": ("SANWU_TRUSTED_PROXIES", "可信代理地址"),
    "demo_logins": ("SANWU_DEMO_LOGINS", "保留演示账号"),
    "cache_dir": ("SANWU_CACHE_DIR", "下载文件缓存目录"),
}


class SettingsError(BoardError):
    """A setting with a value the program cannot use."""


def _secrets_file() -> Path:
    return Path(os.environ.get("SANWU_SECRETS_FILE", PROJECT_ROOT / ".streamlit" / "secrets.toml"))


def load_secrets() -> dict:
    """The secrets file as a dict; a missing file is normal (a fresh clone has none)."""
    path = _secrets_file()
    if not path.is_file():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh)


class _SecretsSource(PydanticBaseSettingsSource):
    """Top-level entries of secrets.toml under the same names as the environment variables."""

    def __init__(self, settings_cls: type[BaseSettings], secrets: dict):
        super().__init__(settings_cls)
        self._secrets = secrets

    def get_field_value(self, field, field_name):  # pragma: no cover - __call__ does the work
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        found = {}
        for variable, _ in VARIABLES.values():
            value = self._secrets.get(variable)
            if value not in (None, ""):
                found[variable] = value
        return found


class Settings(BaseSettings):
    model_config = SettingsConfigDict(frozen=True, env_ignore_empty=True, populate_by_name=True, extra="ignore")

    database_url: str = Field(f"sqlite:///{DEFAULT_DB_PATH}", validation_alias="DATABASE_URL")
    # Where residents reach the static site (`board serve` or nginx): QR codes and links use it.
    public_base_url: str = Field(f"http://localhost:{DEFAULT_PUBLIC_PORT}", validation_alias="PUBLIC_BASE_URL")
    public_dir: Path = Field(DEFAULT_PUBLIC_DIR, validation_alias="SANWU_PUBLIC_DIR")
    font_path: str = Field("", validation_alias="SANWU_FONT_PATH")
    wecom_api_base: str = Field("https://qyapi.weixin.qq.com", validation_alias="WECOM_API_BASE")
    # 公开期限: day of the following month (local practice, configurable).
    deadline_day: int = Field(10, ge=1, le=28, validation_alias="SANWU_DEADLINE_DAY")
    # Reverse proxies whose X-Forwarded-For is believed (the resident's address for rate limits).
    trusted_proxies: Annotated[frozenset[str], NoDecode] = Field(frozenset(), validation_alias="SANWU_TRUSTED_PROXIES")
    # The demo's staff accounts (published password) keep working after a real village exists.
    demo_logins: bool = Field(False, validation_alias="SANWU_DEMO_LOGINS")
    # Rendered PDFs and downloads, keyed by snapshot (exports/cache.py); safe to delete.
    cache_dir: Path = Field(DEFAULT_DB_PATH.parent / "cache", validation_alias="SANWU_CACHE_DIR")
    secrets: dict = Field(default_factory=dict, repr=False, exclude=True)

    @field_validator("public_base_url", "wecom_api_base")
    @classmethod
    def _web_address(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("应以 http:// 或 https:// 开头")
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _address_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return frozenset(p.strip() for p in value.split(",") if p.strip())
        return value

    @classmethod
    def settings_customise_sources(
        cls, settings_cls, init_settings, env_settings, dotenv_settings, file_secret_settings
    ):
        secrets = load_secrets()
        return (init_settings, env_settings, _SecretsSource(settings_cls, secrets))

    @property
    def public_url_is_local(self) -> bool:
        """Residents cannot open links to this address (unset, or localhost)."""
        return is_local_url(self.public_base_url)

    def secret(self, name: str) -> str | None:
        """A credential referenced by name (env var or secrets entry); never logged or shown."""
        value = os.environ.get(name)
        if value:
            return value
        value = self.secrets.get(name)
        if value is None:
            value = self.secrets.get("wecom", {}).get(name)
        return str(value) if value else None


LOCAL_LINK_WARNING = (
    "公开网址（PUBLIC_BASE_URL）还没有设置，或指向本机（{url}）：打印的公开栏上的二维码、"
    "网格转发和企业微信推送里的链接，在居民的手机上都打不开。"
    "请设置为居民能访问的网址，例如 https://gongkai.example.cn。"
)


def local_link_warning(settings: Settings) -> str | None:
    """The warning staff see before printing or pushing a link residents cannot open."""
    return LOCAL_LINK_WARNING.format(url=settings.public_base_url) if settings.public_url_is_local else None


def _problem(error: ValidationError) -> str:
    aliases = {variable: (variable, label) for variable, label in VARIABLES.values()}
    lines = []
    for item in error.errors():
        key = str(item["loc"][0]) if item["loc"] else ""
        variable, label = aliases.get(key) or VARIABLES.get(key, (key, key))
        value = item.get("input")
        message = item["msg"].removeprefix("Value error, ")
        if item["type"].startswith(("int", "greater", "less")):
            message = "应为 1 到 28 之间的整数" if variable == "SANWU_DEADLINE_DAY" else "应为整数"
        lines.append(f"设置 {variable}（{label}）的值“{value}”不可用：{message}")
    return "；".join(lines)


def get_settings() -> Settings:
    """The settings, validated; a bad value raises ``SettingsError`` with a Chinese message."""
    try:
        return Settings(secrets=load_secrets())
    except ValidationError as error:
        raise SettingsError(_problem(error), field="设置") from None
