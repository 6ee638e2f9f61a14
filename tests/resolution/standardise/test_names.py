import pytest

from resolution.standardise.names import (
    legal_form_kind,
    name_keys,
    standardise_address,
    standardise_name,
    typo_keys,
    typo_keys_sql,
)


def test_legal_forms_and_scripts_meet_in_one_compact_form() -> None:
    variants = [
        "Dandong Hongxiang Industrial Development Co., Ltd.",
        "DANDONG HONGXIANG IND DEV CO LTD",
        "Dandong Hongxiang Industrial Development Company Limited",
        "Dandong Hongxiang Shiye Fazhan Youxian Gongsi",
        "丹东鸿祥实业发展有限公司",
    ]
    compacts = {standardise_name(v).compact for v in variants}
    assert compacts == {"dandonghongxiangindustrialdevelopment"}


def test_legal_form_is_kept_apart() -> None:
    assert standardise_name("Korea Kumsan Trading Corporation").legal_form == "corporation"
    assert standardise_name("丹东鸿祥贸易有限公司").legal_form == "co ltd"
    assert standardise_name("Some Name").legal_form is None


def test_sibling_firms_stay_distinct() -> None:
    trading = standardise_name("Dandong Hongxiang Trading Co., Ltd.").compact
    industrial = standardise_name("Dandong Hongxiang Industrial Co., Ltd.").compact
    assert trading != industrial


def test_person_names_in_any_order_or_script_share_a_key() -> None:
    keys = [set(name_keys([n], organisation=False)) for n in ("MA Xiaohong", "Xiaohong Ma", "马晓红", "MA, Xiao-hong")]
    common = set.intersection(*keys)
    assert "maxiaohong" in common


def test_person_names_keep_legal_words() -> None:
    assert standardise_name("Li Co", organisation=False).standard == "li co"


def test_address_abbreviations() -> None:
    assert standardise_address("No. 51 Binjiang Rd., Dandong") == standardise_address("51 BINJIANG ROAD DANDONG")
    assert standardise_address("  ") is None


def test_han_script_in_mixed_text_romanises_once_per_distinct_run() -> None:
    from resolution.standardise.names import _pinyin

    assert standardise_address("丹东市 Binjiang Road 51") == "dandongshi binjiang road 51"
    hits = _pinyin.cache_info().hits
    assert standardise_address("丹东市 Jiangcheng Street 7") == "dandongshi jiangcheng street 7"
    assert _pinyin.cache_info().hits == hits + 1  # the run 丹东市 was romanised before
    assert standardise_address("Binjiang Road 51, Dandong") == "binjiang road 51 dandong"  # no Han: as it was


@pytest.mark.parametrize(("han", "latin"), [
    ("上海路益国际贸易有限公司", "Shanghai Luyi International Trading Co., Ltd."),
    ("青岛鑫强国际有限公司", "QINGDAO XINQIANG INTL CO LTD"),
    ("丹东开天实业发展有限公司", "Dandong Kaitian Industrial Development Company Limited"),
])
def test_a_han_script_firm_name_splits_into_words_like_its_latin_spelling(han: str, latin: str) -> None:
    script, written = standardise_name(han), standardise_name(latin)
    assert script.standard == written.standard  # place and trade name are two tokens, not one
    assert script.sorted_compact == written.sorted_compact


def test_two_firms_of_one_city_are_not_a_typo_of_each_other_in_han_script() -> None:
    from rapidfuzz.distance import JaroWinkler

    from resolution.link.company import TYPO_TOKEN_SIMILARITY

    # written as one token, "shanghailuyi" and "shanghaiboyuan" passed the company model's typo
    # level on their shared place name
    luyi, boyuan = standardise_name("上海路益国际贸易有限公司"), standardise_name("上海博源国际贸易有限公司")
    tokens = list(zip(luyi.standard.split(), boyuan.standard.split(), strict=True))
    assert min(JaroWinkler.similarity(a, b) for a, b in tokens) < TYPO_TOKEN_SIMILARITY


@pytest.mark.parametrize(("typo", "clean"), [
    ("Nampo Kangbong General Corporaaion", "NAMPO KANGBONG GENERAL CORP"),
    ("Chongjin Kalma Shipping oCmpany", "Chongjin Kalma Shipping Co"),
    ("Wonsan Hyoksin Technology Coproration", "WONSAN HYOKSIN TECHNOLOGY CORP"),
    ("Dandong Pacific Co Limitde", "Dandong Pacific Co., Ltd."),
])
def test_a_typo_in_the_legal_form_still_strips_it(typo: str, clean: str) -> None:
    assert standardise_name(typo).standard == standardise_name(clean).standard


@pytest.mark.parametrize("name", ["Ocean Compass", "Star Limo Services", "Pacific Compound"])
def test_words_two_edits_from_a_legal_form_stay(name: str) -> None:
    assert standardise_name(name).standard == name.lower()


def test_place_names_and_exonyms_romanise_as_firms_write_them() -> None:
    assert standardise_name("珲春泉荣科技有限公司").compact == standardise_name("Hunchun Quanrong Technology Co., Ltd.").compact
    assert standardise_name("香港德嘉国际贸易有限公司").compact == standardise_name("Hong Kong De Jia International Trading Co Ltd").compact


@pytest.mark.parametrize(("han", "pinyin"), [("吴明华", "Wu Minghua"), ("欧阳明华", "Ouyang Minghua"), ("王伟", "WANG Wei")])
def test_a_han_script_person_name_splits_its_surname_like_its_pinyin_spelling(han: str, pinyin: str) -> None:
    script, latin = standardise_name(han, organisation=False), standardise_name(pinyin, organisation=False)
    assert script.standard == latin.standard
    assert script.sorted_compact == latin.sorted_compact


def test_only_short_all_han_person_names_are_split() -> None:
    assert standardise_name("吴明华贸易有限公司").compact == standardise_name("Wu Minghua Trading Co Ltd").compact
    assert standardise_name("吴明华 (Wu)", organisation=False).standard == "wuminghua wu"


@pytest.mark.parametrize(
    ("name", "typo"),
    [
        ("dandonghongxiangtrading", "dandonghognxiangtrading"),  # transposition
        ("dandonghongxiangtrading", "dandonghongxianstrading"),  # substitution
        ("dandonghongxiangtrading", "dandonghongxiangtradng"),  # deletion
        ("dandonghongxiangtrading", "ddandonghongxiangtrading"),  # insertion at the front
    ],
)
def test_names_one_edit_apart_share_a_typo_key(name: str, typo: str) -> None:
    assert set(typo_keys(name)) & set(typo_keys(typo))


def test_names_two_letters_apart_or_short_share_no_typo_key() -> None:
    assert not set(typo_keys("dandonghongxiangtrading")) & set(typo_keys("dandongguangmeitrading"))
    assert not set(typo_keys("dandonghongxiangtrading")) & set(typo_keys("dandonghongxiangshipping"))
    assert typo_keys("kkbank") == ()  # too short: its deletions would match unrelated names
    keys = typo_keys("chinapoly")
    assert "chinapoly" in keys and "hinapoly" in keys and "chinapol" in keys and len(keys) == len(set(keys))


def test_the_engine_computes_the_same_typo_keys_as_python() -> None:
    import duckdb

    names = ["chinapoly", "kkbank", "shortnm", "eightchr", "aaaaaaaaaa", "abababababab", "dandonghongxiangtrading",
             "korearyonhamachinery", "zhongguo\u00e9x\u00f1kaitian", "\u4e39\u4e1c\u9e3f\u7965\u8d38\u6613ab", "", None]
    computed = duckdb.sql(f"select {typo_keys_sql('c')} from (select unnest($names) as c)",
                          params={"names": names}).fetchall()
    assert len(computed) == len(names)
    for name, (keys,) in zip(names, computed, strict=True):
        # what a feature row carries: the keys, or None for a name too short (or none)
        assert keys == (list(typo_keys(name)) or None if name else None), name


@pytest.mark.parametrize(
    ("names", "kind"),
    [
        (["Dandong X Co., Ltd.", "DANDONG X COMPANY LIMITED", "丹东鸿祥贸易有限公司", "Dalian X Youxian Gongsi",
          "X Limited Company", "X Co Limitde"], "co ltd"),
        (["Hamhung X Corporation", "HAMHUNG X CORP", "X Corporaiton"], "corp"),
        (["Hamhung X Company", "HAMHUNG X CO", "Foo Comapny"], "co"),
        (["X Limited Liability Company", "X LLC"], "llc"),
    ],
)
def test_spellings_of_one_legal_form_are_one_kind(names: list[str], kind: str) -> None:
    assert {legal_form_kind(standardise_name(n).legal_form) for n in names} == {kind}


def test_a_name_without_a_legal_form_has_no_kind() -> None:
    assert legal_form_kind(standardise_name("Korea Kumsan Trading").legal_form) is None
    assert legal_form_kind(None) is None
