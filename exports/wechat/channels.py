"""WeCom channels: group robot webhook, application group chat, customer-group mass send.

Each call returns a ``SendResult``; nothing here retries on its own except the single
token refresh after 40014/42001.  wechatpy's ``auto_retry`` (unbounded) is off, its
hard-coded ``gettoken`` URL is bypassed by our ``TokenProvider``, and files are passed
as bytes so a retried upload carries the whole file.  Every error text is scrubbed.
"""

from __future__ import annotations

import hashlib
import random
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeGuard

import requests
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from wechatpy.enterprise import WeChatClient
from wechatpy.exceptions import WeChatClientException

from exports.wechat.scrub import describe_error, scrub
from infra.db import unit_of_work
from models import Channel, OutboxStatus, WecomToken

DEFAULT_TIMEOUT = (5.0, 15.0)  # (connect, read) seconds; wechatpy's default is to wait forever
TOKEN_CODES = frozenset({40014, 42001})
RATE_LIMITED = 45009
CONCURRENCY_LIMITED = 45033
BUSY = -1
BAD_MEDIA_ID = 40007
ROBOT_PER_MINUTE = 20

# Permanent errors: a human must fix something; retrying cannot help.
PERMANENT_ERRORS = {
    40001: "企业微信应用密钥不对，请管理员检查密钥配置",
    40004: "文件类型不被企业微信接受",
    40006: "文件大小不符合要求（须大于 5 字节、不超过 20MB）",
    40058: "消息太长，超过了企业微信群机器人的字数限制",
    45002: "消息太长，超过了企业微信的字数限制",
    48002: "这个企业微信接口没有授权给应用",
    60011: "应用没有权限：请把应用可见范围设为根部门",
    60020: "服务器的出口 IP 不在企业微信“企业可信IP”名单里，请管理员添加",
    93000: "群机器人的 key 无效或机器人已被移出群，请更换 key",
}


@dataclass(frozen=True)
class SendResult:
    status: OutboxStatus  # sent | retry | failed | ambiguous | manual_pending
    errcode: int | None = None
    error: str = ""  # Chinese, scrubbed
    retry_after_s: float | None = None
    provider_ref: str = ""


@dataclass(frozen=True)
class Limits:
    text_bytes: int = 2048
    md_bytes: int = 4096
    per_min: int | None = None
    file_bytes: int = 20 * 1024 * 1024


class ChannelError(Exception):
    """A step failed before anything reached the group; carries the result to record."""

    def __init__(self, result: SendResult):
        super().__init__(result.error)
        self.result = result


def _errcode_result(errcode: int, errmsg: str, secrets: tuple[str, ...]) -> SendResult:
    if errcode == RATE_LIMITED:
        return SendResult(OutboxStatus.retry, errcode, "企业微信提示发送太频繁，稍后自动重试")
    if errcode == CONCURRENCY_LIMITED:
        return SendResult(
            OutboxStatus.retry, errcode, "企业微信提示并发太多，稍后自动重试", retry_after_s=random.uniform(1, 5)
        )
    if errcode == BUSY:
        return SendResult(OutboxStatus.retry, errcode, "企业微信系统繁忙，稍后自动重试")
    if errcode == BAD_MEDIA_ID:
        return SendResult(OutboxStatus.retry, errcode, "文件编号已失效，将重新上传")
    if errcode in TOKEN_CODES:
        return SendResult(OutboxStatus.failed, errcode, "企业微信访问令牌刷新后仍然无效，请管理员检查应用配置")
    if errcode in PERMANENT_ERRORS:
        return SendResult(OutboxStatus.failed, errcode, PERMANENT_ERRORS[errcode])
    return SendResult(OutboxStatus.failed, errcode, scrub(f"企业微信返回错误码 {errcode}：{errmsg}", secrets)[:300])


def _http_result(status_code: int) -> SendResult:
    if status_code >= 500:
        return SendResult(OutboxStatus.retry, None, f"企业微信服务器繁忙（HTTP {status_code}），稍后自动重试")
    return SendResult(OutboxStatus.failed, None, f"企业微信拒绝了请求（HTTP {status_code}）")


def _exception_result(exc: requests.RequestException, *, delivers: bool, secrets: tuple[str, ...]) -> SendResult:
    """Map a transport error; only a step that ``delivers`` can leave the outcome unknown."""
    detail = describe_error(exc, secrets)
    if isinstance(exc, requests.ConnectTimeout):
        return SendResult(OutboxStatus.retry, None, f"连接企业微信超时，稍后自动重试（{detail}）")
    if isinstance(exc, requests.Timeout):
        if delivers:
            return SendResult(
                OutboxStatus.ambiguous, None, f"等待企业微信回复超时，消息可能已经发出，请到群里确认（{detail}）"
            )
        return SendResult(OutboxStatus.retry, None, f"等待企业微信回复超时，稍后自动重试（{detail}）")
    return SendResult(OutboxStatus.retry, None, f"连接企业微信失败，稍后自动重试（{detail}）")


def _malformed(delivers: bool) -> SendResult:
    if delivers:
        return SendResult(OutboxStatus.ambiguous, None, "企业微信的回复无法识别，消息可能已经发出，请到群里确认")
    return SendResult(OutboxStatus.retry, None, "企业微信的回复无法识别，稍后自动重试")


def _json_or_result(response: requests.Response, *, delivers: bool, secrets: tuple[str, ...]) -> dict:
    if response.status_code >= 400:
        raise ChannelError(_http_result(response.status_code))
    try:
        data = response.json()
    except ValueError:
        raise ChannelError(_malformed(delivers)) from None
    if not isinstance(data, dict):
        raise ChannelError(_malformed(delivers))
    errcode = data.get("errcode", 0)
    if errcode:
        raise ChannelError(_errcode_result(int(errcode), str(data.get("errmsg", "")), secrets))
    return data


class RobotWebhookChannel:
    """企业微信群机器人: plain ``requests``; the key is a credential and never leaves this object."""

    name = Channel.robot
    limits = Limits(per_min=ROBOT_PER_MINUTE)

    def __init__(self, *, api_base: str, key: str, timeout=DEFAULT_TIMEOUT):
        self._base = api_base.rstrip("/") + "/cgi-bin/webhook/"
        self._key = key
        self._timeout = timeout
        self._http = requests.Session()

    def _post(self, endpoint: str, *, delivers: bool, params: dict | None = None, **kwargs) -> dict:
        secrets = (self._key,)
        try:
            response = self._http.post(
                self._base + endpoint, params={"key": self._key, **(params or {})}, timeout=self._timeout, **kwargs
            )
        except requests.RequestException as exc:
            raise ChannelError(_exception_result(exc, delivers=delivers, secrets=secrets)) from None
        return _json_or_result(response, delivers=delivers, secrets=secrets)

    def send_text(self, text: str) -> SendResult:
        try:
            self._post("send", delivers=True, json={"msgtype": "text", "text": {"content": text}})
        except ChannelError as err:
            return err.result
        return SendResult(OutboxStatus.sent)

    def send_file(self, filename: str, data: bytes, mime: str) -> SendResult:
        try:
            uploaded = self._post(
                "upload_media", delivers=False, params={"type": "file"}, files={"media": (filename, data, mime)}
            )
            media_id = str(uploaded.get("media_id") or "")
            if not media_id:
                return _malformed(False)
            self._post("send", delivers=True, json={"msgtype": "file", "file": {"media_id": media_id}})
        except ChannelError as err:
            return err.result
        return SendResult(OutboxStatus.sent, provider_ref=media_id[:100])


_token_locks: dict[str, threading.Lock] = {}
_token_locks_guard = threading.Lock()


def _utcnow() -> datetime:
    return datetime.now(UTC)


class TokenProvider:
    """Access tokens cached in the database as (token, expires_at) under a hashed app key.

    Refreshes when fewer than five minutes remain, or when the server rejected the token we
    hold (compare-and-invalidate: if another process already replaced it, use theirs).
    One refresh at a time per app in this process; on PostgreSQL the row lock serialises
    processes too.
    """

    REFRESH_MARGIN = timedelta(seconds=300)

    def __init__(
        self, engine: Engine, *, api_base: str, corp_id: str, secret: str, secret_name: str, timeout=DEFAULT_TIMEOUT
    ):
        self._engine = engine
        self._url = api_base.rstrip("/") + "/cgi-bin/gettoken"
        self._corp_id = corp_id
        self._secret = secret
        self._timeout = timeout
        self.app_key = hashlib.sha256(f"{corp_id}|{secret_name}".encode()).hexdigest()
        with _token_locks_guard:
            self._lock = _token_locks.setdefault(self.app_key, threading.Lock())

    def _fresh(self, row: WecomToken | None) -> TypeGuard[WecomToken]:
        return row is not None and row.expires_at - _utcnow() > self.REFRESH_MARGIN

    def token(self) -> str:
        with unit_of_work(self._engine) as session:
            row = session.exec(select(WecomToken).where(WecomToken.app_key == self.app_key)).first()
            if self._fresh(row):
                return row.token
            stale = row.token if row else None
        return self.refresh(stale)

    def refresh(self, stale: str | None) -> str:
        """A new token, unless someone already replaced ``stale`` with a fresh one."""
        with self._lock:
            for _ in range(2):
                with unit_of_work(self._engine) as session:
                    row = session.exec(
                        select(WecomToken).where(WecomToken.app_key == self.app_key).with_for_update()
                    ).first()
                    if row is not None and row.token != stale and self._fresh(row):
                        return row.token
                    token, expires_in = self._fetch()
                    expires_at = _utcnow() + timedelta(seconds=expires_in)
                    if row is None:
                        session.add(WecomToken(app_key=self.app_key, token=token, expires_at=expires_at))
                    else:
                        row.token, row.expires_at = token, expires_at
                        session.add(row)
                    try:
                        session.commit()
                    except IntegrityError:  # another process stored the first token meanwhile
                        session.rollback()
                        stale = token
                        continue
                    return token
            return token

    def _fetch(self) -> tuple[str, int]:
        secrets = (self._secret,)
        try:
            response = requests.get(
                self._url, params={"corpid": self._corp_id, "corpsecret": self._secret}, timeout=self._timeout
            )
        except requests.RequestException as exc:
            raise ChannelError(_exception_result(exc, delivers=False, secrets=secrets)) from None
        data = _json_or_result(response, delivers=False, secrets=secrets)
        token = data.get("access_token")
        if not token:
            raise ChannelError(_malformed(False))
        return str(token), int(data.get("expires_in") or 7200)


class _WeComClient(WeChatClient):
    """wechatpy's client pointed at our API base, with tokens from our ``TokenProvider``.

    wechatpy never sees the secret: the token is handed in, ``fetch_access_token`` asks
    the provider (wechatpy's own hard-codes qyapi.weixin.qq.com and ignores timeouts), and
    the session key is the hashed app key instead of one holding part of the secret.
    """

    def __init__(self, *, api_base: str, corp_id: str, tokens: TokenProvider, token: str, timeout):
        self.API_BASE_URL = api_base.rstrip("/") + "/cgi-bin/"
        self._tokens = tokens
        super().__init__(corp_id, "", access_token=token, timeout=timeout, auto_retry=False)

    @property
    def access_token_key(self) -> str:
        return f"wecom_{self._tokens.app_key}_access_token"

    def fetch_access_token(self) -> dict:
        token = self._tokens.refresh(self.session.get(self.access_token_key))
        self.session.set(self.access_token_key, token)
        return {"access_token": token}


class _AppChannel:
    """Shared token handling for the channels that use a self-built app's credentials."""

    def __init__(
        self, engine: Engine, *, api_base: str, corp_id: str, secret: str, secret_name: str, timeout=DEFAULT_TIMEOUT
    ):
        self._api_base = api_base
        self._corp_id = corp_id
        self._timeout = timeout
        self._secrets = (secret,)
        self._tokens = TokenProvider(
            engine, api_base=api_base, corp_id=corp_id, secret=secret, secret_name=secret_name, timeout=timeout
        )

    def _client(self, token: str) -> _WeComClient:
        return _WeComClient(
            api_base=self._api_base, corp_id=self._corp_id, tokens=self._tokens, token=token, timeout=self._timeout
        )

    def _call(self, step, *, delivers: bool) -> dict:
        """Run ``step(client)``; after 40014/42001 refresh the token once and run it once more."""
        token = self._tokens.token()
        for attempt in range(2):
            try:
                result = step(self._client(token))
            except WeChatClientException as exc:
                if exc.errcode in TOKEN_CODES and attempt == 0:
                    token = self._tokens.refresh(token)
                    continue
                if exc.errcode is None:
                    status = exc.response.status_code if exc.response is not None else 500
                    raise ChannelError(_http_result(status)) from None
                raise ChannelError(_errcode_result(int(exc.errcode), str(exc.errmsg), self._secrets)) from None
            except requests.RequestException as exc:
                raise ChannelError(_exception_result(exc, delivers=delivers, secrets=self._secrets)) from None
            if not isinstance(result, dict):  # wechatpy hands back the raw response when JSON fails
                raise ChannelError(_malformed(delivers))
            return result
        raise AssertionError("unreachable")  # pragma: no cover


class AppChatChannel(_AppChannel):
    """企业微信应用群聊 (``appchat/send``) through wechatpy."""

    name = Channel.appchat
    limits = Limits()

    def send_text(self, chat_id: str, text: str) -> SendResult:
        try:
            self._call(lambda c: c.appchat.send(chat_id, "text", content=text), delivers=True)
        except ChannelError as err:
            return err.result
        return SendResult(OutboxStatus.sent)

    def send_file(self, chat_id: str, filename: str, data: bytes, mime: str) -> SendResult:
        try:
            uploaded = self._call(lambda c: c.media.upload("file", (filename, data, mime)), delivers=False)
            media_id = str(uploaded.get("media_id") or "")
            if not media_id:
                return _malformed(False)
            self._call(lambda c: c.appchat.send(chat_id, "file", media_id=media_id), delivers=True)
        except ChannelError as err:
            return err.result
        return SendResult(OutboxStatus.sent, provider_ref=media_id[:100])


class CustomerGroupChannel(_AppChannel):
    """企业微信客户群群发: creates a task the grid worker confirms in WeCom (``add_msg_template``)."""

    name = "customer_group"
    limits = Limits(text_bytes=4000)

    def create_task(self, *, sender: str, chat_ids: list[str], text: str, title: str, url: str) -> SendResult:
        template = {
            "chat_type": "group",
            "sender": sender,
            "text": {"content": text},
            "attachments": [{"msgtype": "link", "link": {"title": title, "url": url}}],
        }
        if chat_ids:
            template["chat_id_list"] = chat_ids
        try:
            result = self._call(lambda c: c.external_contact.add_msg_template(template), delivers=True)
        except ChannelError as err:
            return err.result
        msgid = str(result.get("msgid") or "")
        if not msgid:
            return _malformed(True)
        return SendResult(OutboxStatus.manual_pending, provider_ref=msgid[:100])
