"""Splink model for companies: names (with aliases, pinyin and legal forms removed), country,
registration number and address."""

from __future__ import annotations

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.internals.comparison_level_creator import ComparisonLevelCreator
from splink.internals.dialects import SplinkDialect

from resolution.link.conflicts import Exclusive
from resolution.link.identifiers import fixed_exact
from resolution.link.key_groups import KeyGroups
from resolution.link.lone_records import LoneRule
from resolution.link.model import ModelSpec, input_columns
from resolution.link.name_frequency import at_most_exact
from resolution.standardise.names import typo_keys_sql

# Every aligned token of the two names is close (a typo), with the same number of tokens. Unlike
# Jaro-Winkler on the whole name, this keeps look-alike siblings apart: "Dandong Guangmei
# Shipping" and "Dandong Guangmei Technology" share a long prefix but differ in one whole token.
# Splink has no level for it, and list lambdas are spelt differently per engine: one SQL per dialect.
TOKENWISE_CLOSE = {
    "duckdb": (
        "len(name_tokens_l) = len(name_tokens_r) AND list_min(list_transform("
        "range(1, len(name_tokens_l) + 1), "
        "lambda i: jaro_winkler_similarity(name_tokens_l[i], name_tokens_r[i]))) >= {threshold}"
    ),
    "spark": (
        "size(name_tokens_l) = size(name_tokens_r) AND array_min(zip_with("
        "name_tokens_l, name_tokens_r, (a, b) -> jaro_winkler(a, b))) >= {threshold}"
    ),
}


# Jaro-Winkler every aligned token must reach for the typo level ("shiping" for "shipping").
TYPO_TOKEN_SIMILARITY = 0.88


class TokenwiseCloseLevel(ComparisonLevelCreator):
    """Every aligned name token has Jaro-Winkler similarity >= ``threshold`` (same token count)."""

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold

    def create_sql(self, sql_dialect: SplinkDialect) -> str:
        template = TOKENWISE_CLOSE.get(sql_dialect.sql_dialect_str)
        if template is None:
            raise ValueError(f"no token-wise name level for the {sql_dialect.sql_dialect_str} dialect")
        return template.format(threshold=self.threshold)

    def create_label_for_charts(self) -> str:
        return "every token close (typo)"


def name_comparison() -> cl.CustomComparison:
    """Organisation names: exact compact form, any shared alias key, token-wise typos, else.

    The m probabilities are fixed from domain knowledge: the only label-free way to train them
    would be EM blocked on another field, and the obvious one (address) is shared by look-alike
    sibling firms, which teaches EM that matches often have different names.
    """
    return cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("name_compact"),
            cll.ExactMatchLevel("name_compact", term_frequency_adjustments=True).configure(
                m_probability=0.8, fix_m_probability=True
            ),
            # a name or alias in common: not adjusted, since the key two records share need not be
            # either one's name, and the frequency Splink has is the name's (a record naming one
            # firm with another's alias weighed by the first name's frequency lost its bridge)
            cll.ArrayIntersectLevel("name_keys", min_intersection=1).configure(
                m_probability=0.08, fix_m_probability=True
            ),
            # a looser level marked at_most_exact never weighs more than the exact one for the same name
            at_most_exact(TokenwiseCloseLevel(TYPO_TOKEN_SIMILARITY), "name_compact").configure(
                m_probability=0.08, fix_m_probability=True
            ),
            at_most_exact(cll.JaroWinklerLevel("name_compact", 0.97), "name_compact").configure(
                m_probability=0.02, fix_m_probability=True
            ),
            cll.ElseLevel().configure(m_probability=0.02, fix_m_probability=True),
        ],
    )


def legal_form_comparison() -> cl.CustomComparison:
    """The kind of legal form (``co ltd``, ``corp``, ``co``...; see ``legal_form_kind``): firms that
    share a name but not a form ("Hamhung Jinsan Trading Corporation" and "... Company") are often
    two firms, and a record with the name alone must not bridge them. A firm's sources mostly
    write its form one way, but not always (customs abbreviates): m is fixed so that a different
    form weighs against a match without vetoing it."""
    return cl.CustomComparison(
        output_column_name="legal_form",
        comparison_levels=[
            cll.NullLevel("legal_form"),
            cll.ExactMatchLevel("legal_form").configure(m_probability=0.9, fix_m_probability=True),
            cll.ElseLevel().configure(m_probability=0.1, fix_m_probability=True),
        ],
    )


def address_comparison() -> cl.CustomComparison:
    """Addresses: equal once standardised; else spelt differently but with the same numbers; else
    different. Jaro-Winkler alone scored two buildings of one road ("No. 229 Huanghai Road" and
    "No. 217 Huanghai Road") as a near-certain spelling variant of one address, and with similar
    trade names (Jiahong, Jizhong) that merged neighbouring firms.

    m is fixed: a firm's records do carry different addresses (it moves; a third of the firms
    with an address in the real OFAC sample list several), but EM on generated data, where a firm
    never has two, learnt m = 5e-8 for "different" (-24 bits), which no name agreement overcomes."""
    return cl.CustomComparison(
        output_column_name="address",
        comparison_levels=[
            cll.NullLevel("address_std"),
            cll.ExactMatchLevel("address_std").configure(m_probability=0.8, fix_m_probability=True),
            cll.And(cll.ExactMatchLevel("address_numbers"), cll.JaroWinklerLevel("address_std", 0.9)).configure(
                m_probability=0.05, fix_m_probability=True
            ),
            cll.ElseLevel().configure(m_probability=0.15, fix_m_probability=True),
        ],
    )


def spec() -> ModelSpec:
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            name_comparison(),
            legal_form_comparison(),
            cl.ExactMatch("country"),
            fixed_exact("registration_number", m_equal=0.95, term_frequencies=True),
            address_comparison(),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("name_compact"),
            block_on("registration_number"),
            block_on("name_keys", arrays_to_explode=["name_keys"]),
            # a typo breaks the exact keys: names one edit apart share a one-letter deletion.
            # (This replaced a rule on the first 12 letters: at a million records it made 59M of
            # the 62M pairs scored and found typos only past the prefix; these keys make 3.5M and
            # find 2.5 times the typo pairs the other rules miss.)
            block_on("name_typo_keys", arrays_to_explode=["name_typo_keys"]),
            block_on("address_std"),
        ],
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=["source"],
    )
    return ModelSpec(
        entity_type="company",
        settings=settings,
        deterministic_rules=[block_on("name_compact"), block_on("registration_number")],
        recall=0.7,
        em_blocking_rules=[block_on("name_compact")],
        # a name's term frequency counts the firms that bear it: two firms of one name at two
        # addresses are two (a record without an address is not a third), so a record with the name
        # alone weighs less where it could be either of them
        distinct_columns=("name_compact", "country", "address_std"),
        # the typo-key rule, predicted over groups (same pairs, one joined row each): the keys are a
        # function of the compact name, so the groups are names and the pairs names one edit apart.
        # (Grouping the name keys too was measured: no gain at 1M or 3M, so they stay exploded.)
        # The keys are computed per name in the engine (a full run's rows need not carry them: at a
        # million records they were 17M strings, 450 MiB of Arrow, built one record at a time).
        key_groups=(
            KeyGroups(keys="name_typo_keys", pairs="name_typo_pairs", group="name_compact", covered_by="name_compact",
                      keys_of_group=typo_keys_sql),
        ),
        # two registration numbers are two legal persons (look-alike siblings at one address that
        # customs records without an address chain together)
        exclusives=(Exclusive("registration_number", "registration_number"),),
        # a customs party's name with a typo, alone: most likely the firm whose name is one edit
        # away, when no other firm's is (the typo level alone scores about 0.05 at a million
        # records, since unrelated firms are one edit apart too)
        lone_rule=LoneRule("name_compact", edits=1, agree=("country", "legal_form", "address_std")),
        columns=input_columns("registration_number", "address_std", "address_numbers", "legal_form")
        | {"name_typo_keys": "VARCHAR[]"},
    )
