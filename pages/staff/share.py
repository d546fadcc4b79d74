"""网格转发: the month's digest in chat-sized parts to copy, the PDF, the board QR, and the push record."""

from datetime import UTC, datetime

import streamlit as st

from board.errors import BoardError
from board.links import policy_url
from board.policy import today_shanghai
from board.snapshot import SHANGHAI
from infra.settings import get_settings
from models import Channel, OutboxStatus, Role
from pages.shared.plain import md
from pages.shared.session import choose_published_period, choose_village, engine, require_staff, show_error
from services.policy import load_public_explainers
from services.share import confirm_delivered, mark_forwarded, resend, share_pack, share_status
from views.policy_view import explainer_text, heading, is_expired

user = require_staff(Role.grid, Role.clerk)
st.title("网格转发")
st.caption("把本月公开内容转发到网格微信群：复制文字、发 PDF 和二维码，转发后点“已转发”。")


@st.cache_data(show_spinner="正在生成转发包…", ttl=300, max_entries=16)
def cached_pack(code: str, period: str, base_url: str, render_key: str):
    """``render_key`` only keys the cache: a redaction changes the pack at once, not after the ttl."""
    return share_pack(engine(), code, period, base_url=base_url)


def run(action, *args, **kwargs) -> None:
    try:
        action(engine(), *args, **kwargs)
    except BoardError as error:
        show_error(error)
        st.stop()
    st.rerun()


code = choose_village(user)
if code:
    period = choose_published_period(code)
    settings = get_settings()
    try:
        status = share_status(engine(), code, period)
        pack = cached_pack(code, period, settings.public_base_url, status["render_key"])
    except BoardError as error:
        show_error(error)
        st.stop()
    now = datetime.now(UTC)

    st.subheader(f"① 复制文字（共 {len(pack.parts)} 段）")
    st.caption("点每段右上角的复制按钮，按顺序粘贴到群里。")
    for part in pack.parts:
        st.code(part, language=None, wrap_lines=True)
    with st.expander("短版（一条消息）"):
        st.code(pack.short, language=None, wrap_lines=True)

    st.subheader("② 发 PDF 和二维码")
    left, right = st.columns(2)
    left.download_button("下载 PDF", pack.pdf, file_name=pack.pdf_name, mime="application/pdf", on_click="ignore")
    right.image(pack.qr_png, caption="扫码看完整公开栏", width=200)
    right.download_button(
        "下载二维码图片", pack.qr_png, file_name=f"{code}_{period}_二维码.png", mime="image/png", on_click="ignore"
    )

    st.subheader("③ 转发后点“已转发”")
    manual = [g for g in status["grids"] if g["channel"] == Channel.manual]
    forwarded = {
        m["grid"]
        for m in status["messages"]
        if m["status"] == OutboxStatus.manual_done and m["version"] == pack.version
    }
    if not manual:
        st.info("这个村/社区没有登记“手动转发”的网格。")
    for grid in manual:
        if grid["name"] in forwarded:
            st.success(f"{md(grid['name'])}：已转发")
        elif st.button(f"{md(grid['name'])}：已转发", key=f"fwd-{grid['id']}"):
            run(
                mark_forwarded,
                village_code=code,
                period=period,
                grid_id=grid["id"],
                by=user.username,
                base_url=settings.public_base_url,
                now=now,
            )

    st.subheader("推送记录")
    messages = status["messages"]
    if not messages:
        st.caption("本月还没有推送记录。")
    else:
        st.dataframe(
            [
                {
                    "网格": m["grid"],
                    "方式": m["channel_label"],
                    "版本": m["version"],
                    "内容": f"{m['kind_label']} {m['part_no']}/{m['part_total']}",
                    "状态": m["status_label"],
                    "尝试次数": m["attempts"],
                    "下次重试": m["next_attempt_at"].astimezone(SHANGHAI).strftime("%m-%d %H:%M")
                    if m["next_attempt_at"]
                    else "",
                    "说明": m["error"],
                }
                for m in messages
            ],
            hide_index=True,
            width="stretch",
        )
    for m in messages:
        if m["status"] not in (OutboxStatus.failed, OutboxStatus.ambiguous):
            continue
        label = f"{md(m['grid'])} {m['kind_label']} {m['part_no']}/{m['part_total']}"
        st.error(f"{label}：{m['status_label']}。{md(m['error'])}")
        cols = st.columns(2)
        if cols[0].button("重新发送", key=f"resend-{m['id']}", help="结果不确定时，请先确认群里确实没有收到"):
            run(resend, m["id"], by=user.username, now=now, settings=settings)
        if m["status"] == OutboxStatus.ambiguous and cols[1].button("群里已收到", key=f"seen-{m['id']}"):
            run(confirm_delivered, m["id"], by=user.username, now=now)

    open_explainers = [c for c in load_public_explainers(engine(), code) if not is_expired(c, today_shanghai())]
    if open_explainers:
        st.subheader("政策问答（复制转发）")
        st.caption("手动转发的群：复制下面的文字发到群里。自动推送在“政策问答”页。")
        for content in open_explainers:
            with st.expander(md(heading(content))):
                link = policy_url(settings.public_base_url, code, content["id"])
                st.code(explainer_text(content, link=link, today=today_shanghai()), language=None, wrap_lines=True)

    tasks = [
        m for m in messages if m["channel"] == Channel.customer_group and m["status"] == OutboxStatus.manual_pending
    ]
    for m in tasks:
        st.info(f"{md(m['grid'])}：客户群群发任务已建好，网格员在企业微信里点“发送”后，请在这里确认。")
        if st.button("已在企业微信确认发送", key=f"task-{m['id']}"):
            run(confirm_delivered, m["id"], by=user.username, now=now)
