import pytest

from board.privacy import (
    find_pii,
    id_check_digit,
    id_checksum_ok,
    luhn_ok,
    mask_id_number,
    mask_phone,
    mask_text,
)

VALID_ID = "11010519491231002X"  # the GB 11643 standard's own example
VALID_ID_2 = "32128319900101" + "001"  # body; check digit computed below


def test_id_checksum():
    assert id_checksum_ok(VALID_ID)
    assert id_checksum_ok(VALID_ID.lower())
    assert not id_checksum_ok("110105194912310021")  # wrong check digit
    assert not id_checksum_ok("11010519491231002")  # 17 digits
    full = VALID_ID_2 + id_check_digit(VALID_ID_2)
    assert id_checksum_ok(full)


def test_luhn():
    assert luhn_ok("4111111111111111")
    assert not luhn_ok("4111111111111112")


def test_masks():
    assert mask_id_number(VALID_ID) == "1101**********002X"
    assert mask_id_number("3213" + "0" * 10 + "123x") == "3213**********123X"
    assert mask_phone("13812345678") == "138****5678"


def test_find_pii_in_free_text():
    text = f"张三 身份证{VALID_ID}，电话13812345678，卡号4111111111111111，凭证号2026100300001"
    kinds = [m.kind for m in find_pii(text)]
    assert kinds == ["身份证号", "手机号", "银行卡号"]
    masked = mask_text(text)
    assert VALID_ID not in masked and "13812345678" not in masked and "4111111111111111" not in masked
    assert "1101**********002X" in masked and "138****5678" in masked


@pytest.mark.parametrize(
    "text",
    [
        "金额12345678901元",  # 11 digits not starting with 1[3-9]
        "23812345678",
        "电话0523-88886600",  # landline
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
    ],
)
def test_no_false_positives(text):
    assert find_pii(text) == []


@pytest.mark.parametrize(
    "text, kind, masked",
    [
        ("电话138-1234-5678", "手机号", "138****5678"),
        ("电话 138 1234 5678 找我", "手机号", "138****5678"),
        ("+8613812345678", "手机号", "138****5678"),
        ("+86 138 1234 5678", "手机号", "138****5678"),
        ("手机１３８１２３４５６７８", "手机号", "138****5678"),
        ("110105 19491231 002X", "身份证号", "1101**********002X"),
        ("身份证１１０１０５１９４９１２３１００２Ｘ", "身份证号", "1101**********002X"),
        ("卡号 4111 1111 1111 1111", "银行卡号", "4111********1111"),
        ("4111-1111-1111-1111", "银行卡号", "4111********1111"),
    ],
)
def test_grouped_and_full_width_numbers_are_found_and_masked(text, kind, masked):
    assert [m.kind for m in find_pii(text)] == [kind]
    result = mask_text(text)
    assert masked in result and not find_pii(result)


@pytest.mark.parametrize("text", ["日期 2026-10-03 金额 1,234.50", "凭证 记10-001 至 记10-059"])
def test_grouping_does_not_invent_numbers(text):
    assert find_pii(text) == []


def test_bad_check_digit_with_real_region_and_date_is_a_suspected_id():
    [match] = find_pii("110105194912310021")
    assert (match.kind, match.suspect, match.message) == ("身份证号", True, "像是身份证号，请核对")


def test_other_unicode_digits_are_read_as_digits():
    assert [m.kind for m in find_pii("١٣٨١٢٣٤٥٦٧٨")] == ["手机号"]


@pytest.mark.parametrize(
    "text, number",
    [
        ("张三13812345678", "13812345678"),
        ("联系王五138 1234 5678", "138 1234 5678"),
        ("刘七11010519491231002X", "11010519491231002X"),
        ("付老二6222021234567890128劳务费", "6222021234567890128"),
        ("第一13812345678", "13812345678"),
    ],
)
def test_a_name_ending_in_a_chinese_numeral_does_not_hide_the_number_after_it(text, number):
    assert find_pii(text), text
    assert number not in mask_text(text)


def test_a_credit_code_ending_in_a_letter_is_no_card():
    assert find_pii("承包方 91110000600037341L 合作社") == []
    assert find_pii("卡号 6222021234567890128") != []  # a real card next to it is still found


def test_a_number_touching_latin_letters_is_still_personal():
    # A WeChat ID is often a letter and the mobile; nothing hex-looking is exempt in clerk text
    # (the published hashes are kept out of masking by the digest itself, see board.digest).
    for text in ("微信号a13800138000", "电话13800138000abc", "卡号6222021234567890128a"):
        assert find_pii(text) != [], text
        assert "13800138000" not in mask_text(text) and "6222021234567890128" not in mask_text(text)
