"""Name standardisation for companies, people and vessels.

Chinese script becomes pinyin (``pypinyin``; firm names word by word, ``rjieba``), other scripts
ASCII (``unidecode``); case, punctuation and diacritics go; legal forms (``Co., Ltd.``,
``Company Limited``, ``有限公司``...) are removed and kept apart; common abbreviations are expanded.
Each name yields:

* ``standard``: spaced tokens, e.g. ``dandong hongxiang industrial development``
* ``compact``: the same without spaces, so pinyin written with or without spaces agrees
* ``keys``: compact and token-sorted compact forms, used to compare aliases
* ``typo_keys``: the compact form with each letter deleted in turn, used to block on typos
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import rjieba
from pypinyin import lazy_pinyin, load_phrases_dict
from rapidfuzz.distance import OSA
from unidecode import unidecode

# Place names whose characters pypinyin reads wrongly out of context (珲 is "hun" in 珲春, not
# "hui"): registered as phrases so the romanisation is the one the town's firms write.
load_phrases_dict({"珲春": [["hún"], ["chūn"]]})

# Chinese legal forms, longest first, and common business words rendered in English so that
# "丹东鸿祥贸易有限公司" and "Dandong Hongxiang Trading Co., Ltd." meet.
_CHINESE_LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "集团公司", "公司", "集团")
_CHINESE_WORDS = {
    "香港": " hong kong ",  # English exonyms, as Hong Kong and Macau firms write their names
    "澳门": " macau ",
    "进出口": " import export ",
    "贸易": " trading ",
    "商贸": " trading ",
    "实业": " industrial ",
    "工业": " industrial ",
    "发展": " development ",
    "国际": " international ",
    "科技": " technology ",
    "物流": " logistics ",
    "船务": " shipping ",
    "海运": " shipping ",
    "航运": " shipping ",
    "投资": " investment ",
    "矿业": " mining ",
    "能源": " energy ",
    "电子": " electronics ",
    "机械": " machinery ",
    "化工": " chemical ",
}
_HAN = re.compile(r"[\u3400-\u9fff]+")

# Latin legal forms as token sequences (after lower-casing and punctuation removal).
_LEGAL_FORMS: tuple[tuple[str, ...], ...] = tuple(
    sorted(
        (
            tuple(form.split())
            for form in (
                "co ltd",
                "company ltd",
                "company limited",
                "co limited",
                "corp ltd",
                "limited liability company",
                "limited company",
                "pte ltd",
                "private limited",
                "pvt ltd",
                "limited",
                "ltd",
                "llc",
                "inc",
                "incorporated",
                "corp",
                "corporation",
                "company",
                "co",
                "plc",
                "gmbh",
                "ag",
                "sa",
                "sarl",
                "bv",
                "jsc",
                "ojsc",
                "pjsc",
                "cjsc",
                "ooo",
                "zao",
                "oao",
                "fze",
                "fzco",
                "llp",
                "lp",
                "youxian gongsi",
                "gongsi",
            )
        ),
        key=len,
        reverse=True,
    )
)
# the same forms by their last word, longest first as above: a name is checked only against the
# forms its last word can end
_LEGAL_FORMS_BY_LAST_WORD: dict[str, tuple[tuple[str, ...], ...]] = {
    last: tuple(form for form in _LEGAL_FORMS if form[-1] == last) for last in {form[-1] for form in _LEGAL_FORMS}
}
_ABBREVIATIONS = {
    "intl": "international",
    "int'l": "international",
    "dev": "development",
    "devt": "development",
    "ind": "industrial",
    "indus": "industrial",
    "imp": "import",
    "exp": "export",
    "trdg": "trading",
    "tech": "technology",
    "mfg": "manufacturing",
    "&": "and",
    "shiye": "industrial",
    "maoyi": "trading",
    "fazhan": "development",
    "guoji": "international",
    "jinchukou": "import export",
    "keji": "technology",
    "wuliu": "logistics",
    "chuanwu": "shipping",
    "haiyun": "shipping",
}
_PUNCT = re.compile(r"[^0-9a-z& ]+")
# One-word legal forms long enough that a one-edit typo (``Corporaaion``, ``Comapny``) cannot be
# another word of a name; a name's last token within one edit (transpositions count one) of one
# of them is taken as that legal form.
_TYPO_TOLERANT_FORMS = ("company", "limited", "corporation", "incorporated")


@dataclass(frozen=True)
class StandardName:
    standard: str
    compact: str
    sorted_compact: str
    legal_form: str | None


@lru_cache(maxsize=65_536)
def _pinyin(han: str) -> str:
    """One run of Han characters in pinyin (a million records hold far fewer distinct runs)."""
    return "".join(lazy_pinyin(han))


@lru_cache(maxsize=65_536)
def _pinyin_words(han: str) -> str:
    """One run of Han characters of a firm's name in pinyin, a token per word.

    A Chinese firm's name is a place, a trade name and an industry with no space between them
    (上海路益国际贸易). Romanised as one token, ``shanghailuyi`` and ``shanghaiboyuan`` (two firms
    of one address) shared so long a prefix that the model took one for a typo of the other.
    Words come from jieba's dictionary (``rjieba``): 上海路益 -> ``shanghai luyi``, as the firm
    writes itself in Latin letters. Characters the dictionary leaves single (鑫 强: a trade name
    it does not know) stay together as one token, ``xinqiang``."""
    tokens: list[str] = []
    singles = ""
    for word in rjieba.cut(han):
        if len(word) == 1:
            singles += word
            continue
        if singles:
            tokens.append(_pinyin(singles))
            singles = ""
        tokens.append(_pinyin(word))
    if singles:
        tokens.append(_pinyin(singles))
    return " ".join(tokens)


def _han_to_pinyin(text: str, *, words: bool) -> str:
    """Han script in ``text`` as pinyin. With ``words`` (firm names) Chinese legal forms are
    marked, business words put in English, and the rest split into words; otherwise each run of
    Han characters becomes one token."""
    if text.isascii():  # no Han character, and so no Chinese legal form or word, in it
        return text
    if not words:
        return _HAN.sub(lambda m: f" {_pinyin(m.group(0))} ", text)
    for form in _CHINESE_LEGAL_FORMS:
        if text.endswith(form):
            text = text[: -len(form)] + " __legal__ "
            break
    for word, english in _CHINESE_WORDS.items():
        text = text.replace(word, english)
    return _HAN.sub(lambda m: f" {_pinyin_words(m.group(0))} ", text)


def _strip_legal_form(tokens: list[str]) -> tuple[list[str], str | None]:
    for form in _LEGAL_FORMS_BY_LAST_WORD.get(tokens[-1], ()) if tokens else ():
        n = len(form)
        if len(tokens) > n and tuple(tokens[-n:]) == form:
            return tokens[:-n], " ".join(form)
    if len(tokens) > 1 and len(tokens[-1]) >= 6:
        for form_word in _TYPO_TOLERANT_FORMS:
            if OSA.distance(tokens[-1], form_word, score_cutoff=1) <= 1:
                stripped, earlier = _strip_legal_form(tokens[:-1])  # "co ltd" written "Co Limitde"
                return stripped, f"{earlier} {form_word}" if earlier else form_word
    return tokens, None


# Spellings of the same legal form, word by word, so that a form's kind can be compared:
# "Company Limited", "Co., Ltd.", "CO LTD", "Limited Company", 有限公司, "Youxian Gongsi" are one
# kind ("co ltd"); "Corporation" and "CORP" another ("corp"); "Company" and "CO" a third ("co").
_LEGAL_WORDS = {"company": "co", "limited": "ltd", "corporation": "corp", "incorporated": "inc",
                "private": "pte", "pvt": "pte", "gongsi": "co", "youxian": "ltd"}
_LEGAL_KINDS = {"limited liability company": "llc"}


@lru_cache(maxsize=1024)
def legal_form_kind(form: str | None) -> str | None:
    """The kind of a legal form as ``StandardName.legal_form`` gives it, written one way:
    ``company limited`` -> ``co ltd``, ``corporation`` -> ``corp``, ``youxian gongsi`` -> ``co ltd``."""
    if not form:
        return None
    if form in _LEGAL_KINDS:
        return _LEGAL_KINDS[form]
    return " ".join(sorted({_LEGAL_WORDS.get(word, word) for word in form.split()}))


# Two-character Chinese surnames; any other Han-script personal name starts with a one-character
# surname. (Enough to split a name written 吴明华 as "wu minghua", like its pinyin spelling.)
_COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 令狐 长孙 宇文 司徒 夏侯 轩辕 端木 独孤 南宫 西门 百里 呼延 澹台 "
    "歐陽 諸葛 東方 尉遲 長孫 軒轅 獨孤 南宮 司馬".split()
)
_HAN_PERSON_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")


def _split_han_surname(name: str) -> str:
    """``吴明华`` -> ``吴 明华``: surname and given name apart, as pinyin spellings write them,
    so the token-sorted forms agree too. Other names are returned unchanged."""
    text = name.strip()
    if not _HAN_PERSON_NAME.match(text):
        return name
    cut = 2 if text[:2] in _COMPOUND_SURNAMES and len(text) > 2 else 1
    return f"{text[:cut]} {text[cut:]}"


@lru_cache(maxsize=200_000)
def standardise_name(name: str, *, organisation: bool = True) -> StandardName:
    """Standard forms of one name. ``organisation`` enables legal-form and business-word rules;
    without it a Han-script name is split into surname and given name."""
    text = _han_to_pinyin(name if organisation else _split_han_surname(name), words=organisation)
    text = unidecode(text).lower().replace("__legal__", " __legal__ ")
    text = text.replace("'", "")
    text = _PUNCT.sub(" ", text.replace("__legal__", " zzlegalzz "))
    tokens = text.split()
    legal_form: str | None = None
    if "zzlegalzz" in tokens:
        tokens = [t for t in tokens if t != "zzlegalzz"]
        legal_form = "co ltd"
    if organisation:
        expanded: list[str] = []
        for token in tokens:
            expanded.extend(_ABBREVIATIONS.get(token, token).split())
        tokens, found = _strip_legal_form(expanded)
        legal_form = legal_form or found
        tokens = [t for t in tokens if t != "and"] or tokens
    standard = " ".join(tokens)
    compact = standard.replace(" ", "")
    return StandardName(
        standard=standard,
        compact=compact,
        sorted_compact="".join(sorted(tokens)),
        legal_form=legal_form,
    )


def name_keys(names: list[str], *, organisation: bool) -> list[str]:
    """Distinct comparison keys (compact and token-sorted compact) over a name and its aliases."""
    keys: set[str] = set()
    for raw in names:
        std = standardise_name(raw, organisation=organisation)
        if std.compact:
            keys.add(std.compact)
            keys.add(std.sorted_compact)
    return sorted(keys)


# Names shorter than this get no typo keys: their one-letter deletions are short strings that
# unrelated names share.
TYPO_KEY_MIN_LENGTH = 8


@lru_cache(maxsize=200_000)
def typo_keys(compact: str) -> tuple[str, ...]:
    """The name and each form of it with one letter deleted (symmetric-delete keys): two names one
    substitution, transposition, insertion or deletion apart share at least one key, so blocking
    on them finds typos anywhere in a name, not only past a fixed prefix."""
    if len(compact) < TYPO_KEY_MIN_LENGTH:
        return ()
    return tuple(sorted({compact, *(compact[:i] + compact[i + 1:] for i in range(len(compact)))}))


def typo_keys_sql(compact: str) -> str:
    """``typo_keys`` as a DuckDB expression over the text column ``compact`` (a quoted identifier):
    the same keys as a sorted list, or NULL for a name too short to have any. It lets the engine
    compute them once per distinct name instead of carrying them for every record; a test checks
    it against ``typo_keys``."""
    deletions = f"list_transform(range(1, length({compact}) + 1), " \
                f"lambda i: substr({compact}, 1, i - 1) || substr({compact}, i + 1))"
    return (f"case when length({compact}) >= {TYPO_KEY_MIN_LENGTH} "
            f"then list_sort(list_distinct(list_concat([{compact}], {deletions}))) end")


@lru_cache(maxsize=200_000)
def standardise_address(address: str | None) -> str | None:
    """Addresses compared as lower-case ASCII tokens with Chinese script in pinyin."""
    if not address:
        return None
    text = unidecode(_han_to_pinyin(address, words=False)).lower()
    text = re.sub(r"\b(rd)\b", "road", text)
    text = re.sub(r"\b(st)\b", "street", text)
    text = re.sub(r"\b(bldg)\b", "building", text)
    text = re.sub(r"\b(no)\b", "", text)
    tokens = _PUNCT.sub(" ", text).split()
    return " ".join(tokens) or None


_NUMBER = re.compile(r"\d+")


def address_numbers(address_std: str | None) -> str | None:
    """The numbers of a standardised address, in order (``229 huanghai road shenyang`` -> ``229``):
    two spellings of one address share them, two buildings of one street do not."""
    numbers = _NUMBER.findall(address_std or "")
    return " ".join(numbers) or None
