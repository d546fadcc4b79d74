"""The plain-language checker: each rule, the editable word list, the score, before and after rewriting."""

from __future__ import annotations

from datetime import date

import pytest

from board.policy_check import MAX_SENTENCE_CHARS, check_document, check_explainer, check_text, load_words
from board.policy_extract import parse_markdown
from tests.policy.documents import NOTICES


def kinds(text: str) -> list[str]:
    return [f.kind for f in check_text(text)]


def test_jargon_is_found_with_its_everyday_replacement():
    findings = check_text("参保人员须按缴费基数缴费。")
    jargon = [f for f in findings if f.kind == "难懂的词"]
    words = ["参保人员", "缴费基数", "缴费"]
    assert [w for w in words if any(f"“{w}”" in f.message for f in jargon)] == words
    assert "按多少钱来算交费" in jargon[1].message  # the longer word wins over 缴费


def test_long_sentences_and_short_ones():
    short = "每人交400元。"
    long = "具有本镇户籍且未参加职工基本医疗保险的城乡居民以及在本镇居住满半年的外来人员家庭成员都可以参加。"
    assert len(long) > MAX_SENTENCE_CHARS
    assert "句子太长" not in kinds(short)
    assert kinds(long).count("句子太长") == 1


@pytest.mark.parametrize(
    "text", ["关于做好医保缴费工作的通知", "进一步做好宣传", "为深入贯彻落实会议精神", "现将有关事项通知如下"]
)
def test_bureaucratic_stacks(text):
    assert "公文腔" in kinds(text)


def test_numbers_without_units_but_not_phones_dates_or_list_numbers():
    assert kinds("补贴60，按3档发放。").count("数字没单位") == 1
    fine = "一、每人每月50元，80至89周岁，2026年12月31日，3.5%，电话0523-8888 1234，12345热线，1.填表"
    assert "数字没单位" not in kinds(fine)


def test_deadlines_without_a_date():
    assert "截止没日期" in kinds("请于规定时间内及时办理。")
    assert "截止没日期" in kinds("逾期不予补缴。")
    assert "截止没日期" not in kinds("2026年12月31日截止。")


def test_personal_numbers_are_flagged_never_copied():
    findings = [f for f in check_text("联系人张三 13812345678") if f.kind == "个人信息"]
    assert len(findings) == 1 and "13812345678" not in findings[0].excerpt + findings[0].message


def test_unanswered_questions_and_missing_deadline():
    result = check_explainer(
        {"title": "医保缴费", "one_sentence": "明年看病能报销。", "q_what": "居民医保。", "q_deadline": "尽快"}
    )
    missing = {f.label for f in result.findings if f.kind == "问题没回答"}
    assert missing == {"谁能办、谁能领", "能得到什么（钱数、标准）", "要带什么材料", "去哪里办、怎么办", "找谁问"}
    assert any(f.kind == "截止没日期" and f.field == "q_deadline" for f in result.findings)
    dated = check_explainer({"q_deadline": "按通知办理"}, deadline_on=date(2026, 12, 31))
    assert not any(f.kind == "截止没日期" for f in dated.findings)


def test_the_word_list_is_a_data_file_anyone_can_edit(tmp_path):
    path = tmp_path / "words.toml"
    path.write_text('[jargon]\n"一网通办" = "在一个网站上就能办"\n[units]\nwords = ["元"]\n', encoding="utf-8")
    words = load_words(path)
    findings = check_text("可以一网通办，补贴60元。", words=words)
    assert [f.kind for f in findings] == ["难懂的词"]
    assert "在一个网站上就能办" in findings[0].message


@pytest.mark.parametrize("name", list(NOTICES))
def test_rewriting_raises_the_score(name):
    original, plain = NOTICES[name]
    before = check_document("\n".join(original))
    draft = parse_markdown(plain)
    after = check_explainer({"title": draft.title, **draft.answers}, deadline_on=draft.deadline_on)
    assert before.score < 70 and after.score >= 85, (before.summary, after.summary)
    assert len(after.findings) <= 2
    assert after.grade == "好懂"
    assert check_document("\n".join(original)) == before  # deterministic


def test_summary_and_rows_are_chinese():
    result = check_document("请参保人员及时缴纳。")
    assert result.summary.startswith(f"{result.score} 分（")
    assert set(result.rows()[0]) == {"位置", "问题", "原文", "怎么改"}


def test_a_long_one_sentence_is_flagged_even_when_its_clauses_are_short():
    fields = {**parse_markdown(NOTICES["医保缴费"][1]).answers, "title": "明年的医保"}
    assert "一句话太长" not in [f.kind for f in check_explainer(fields).findings]
    long = check_explainer({**fields, "one_sentence": "每人交400元，" * 200})
    assert [f.kind for f in long.findings].count("一句话太长") == 1
    assert long.grade != "好懂" and "一句话太长 1 处" in long.summary
