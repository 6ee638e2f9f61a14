"""Splink model for people: names in any order or script, date of birth (partial dates agree on
the year), nationality and identity number."""

from __future__ import annotations

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

from resolution.link.conflicts import Exclusive
from resolution.link.identifiers import fixed_exact
from resolution.link.lone_records import LoneRule
from resolution.link.model import ModelSpec, input_columns
from resolution.link.name_frequency import at_most_exact


def name_comparison() -> cl.CustomComparison:
    """Person names; m probabilities fixed from domain knowledge (see the company model)."""
    return cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("name_compact"),
            cll.ExactMatchLevel("name_compact", term_frequency_adjustments=True).configure(
                m_probability=0.5, fix_m_probability=True
            ),
            # a looser level marked at_most_exact never weighs more than the exact one for the same name
            at_most_exact(cll.ExactMatchLevel("name_sorted"), "name_compact").configure(
                m_probability=0.15, fix_m_probability=True
            ),
            # a name or alias in common: not adjusted, since the key two records share need not be
            # either one's name, and the frequency Splink has is the name's (a record naming one
            # firm with another's alias weighed by the first name's frequency lost its bridge)
            cll.ArrayIntersectLevel("name_keys", min_intersection=1).configure(
                m_probability=0.2, fix_m_probability=True
            ),
            at_most_exact(cll.JaroWinklerLevel("name_compact", 0.92), "name_compact").configure(
                m_probability=0.08, fix_m_probability=True
            ),
            # the same words in another order with a variation: Jaro-Winkler on the sorted words
            # alone also rewards two names with no word in common whose first words (in
            # alphabetical order) share a prefix ("Guo Gang" ~ "Xu Gangming")
            at_most_exact(cll.And(
                cll.JaroWinklerLevel("name_sorted", 0.88), cll.ArrayIntersectLevel("name_tokens", min_intersection=1)
            ), "name_compact").configure(m_probability=0.04, fix_m_probability=True),
            cll.ElseLevel().configure(m_probability=0.03, fix_m_probability=True),
        ],
    )


def dob_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.CustomLevel("length(dob_l) = 10 AND dob_l = dob_r", "full date equal").configure(
                m_probability=0.75, fix_m_probability=True
            ),
            # one side gives only the year: the year is all there is to compare
            cll.CustomLevel(
                "birth_year_l = birth_year_r AND (length(dob_l) < 10 OR length(dob_r) < 10)",
                "year equal, one date partial",
            ).configure(m_probability=0.22, fix_m_probability=True),
            # a different date of birth is strong evidence of a different person (namesakes), also
            # when the year is the same: two full dates that differ are two birthdays
            cll.ElseLevel().configure(m_probability=0.03, fix_m_probability=True),
        ],
    )


def spec() -> ModelSpec:
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            name_comparison(),
            dob_comparison(),
            fixed_exact("nationality", m_equal=0.97),
            fixed_exact("id_number", m_equal=0.95, term_frequencies=True),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("name_sorted"),
            block_on("name_keys", arrays_to_explode=["name_keys"]),
            block_on("id_number"),
            block_on("dob"),
            block_on("substr(name_compact, 1, 3)", "dob"),
        ],
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=["source"],
    )
    return ModelSpec(
        entity_type="person",
        settings=settings,
        deterministic_rules=[block_on("name_sorted", "dob"), block_on("id_number")],
        recall=0.6,
        em_blocking_rules=[block_on("name_sorted")],
        distinct_columns=("name_compact", "birth_year"),
        # two birthdays, two birth years or two identity numbers are two people, unless a merged
        # pair joins them directly (a typo the other fields outweigh; a second passport)
        exclusives=(Exclusive("date_of_birth", "dob", length=10), Exclusive("year_of_birth", "birth_year"),
                    Exclusive("id_number", "id_number")),
        # a name-only row is most likely the namesake who holds most records of that name (the one
        # executive behind forty firms, not one of four behind one each); names alike as sorted
        # (a typo in a two-syllable given name is as likely another person)
        lone_rule=LoneRule("name_sorted", edits=0, agree=("nationality",)),
        columns=input_columns("dob", "birth_year", "nationality", "id_number"),
    )
