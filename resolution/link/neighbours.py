"""Typo blocking at prediction time over pairs of distinct names instead of shared deletion keys.

The company model blocks on ``name_typo_keys``: the compact name and each form of it with one
letter deleted. Splink explodes that array and joins the records on it, so two records of one
name meet once per key (n + 1 times for an n-letter name) before the first rule's exclusion
discards them, and a firm written the same way in 40 records of a 25-letter name makes 40,000
joined rows that all go. At a million records that join made 35M rows for 3.9M new pairs and was
a third of the company prediction; at three million, where a name has three times the records, it
made most of it.

For a full run the rule is swapped, after the model is saved, for one that gives the same
candidate pairs once each: every two *distinct* names that share a deletion key get a pair id;
the records of the alphabetically lower name hold ``+id``, those of the higher ``-id``, and the
rule joins ``l.pairs = -r.pairs``. Two records share a deletion key exactly when their names are
equal (the first rule's pairs, which Splink's exclusion removes from this rule either way) or
form such a pair, so the pairs scored, and the scores, are the same. The saved model keeps the
deletion-key rule: screening and incremental runs score a record against an existing set, where
the keys of one record are all there is."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
from splink import Linker
from splink.blocking_rule_library import CustomRule
from splink.internals.blocking import BlockingRule, ExplodingBlockingRule

_PAIRS_SQL = """
with names as (  -- one row per distinct name: its deletion keys are a function of the name
    select {name} as name, any_value({keys}) as keys
    from rows where {keys} is not null and {name} is not null group by {name}
), name_keys as (
    select name, unnest(keys) as key from names
), shared as (  -- a key no other name holds pairs nothing
    select key from name_keys group by key having count(*) > 1
), pairs as (
    select distinct a.name as low, b.name as high
    from name_keys a join shared using (key) join name_keys b on a.key = b.key and a.name < b.name
), numbered as (
    select row_number() over (order by low, high) as id, low, high from pairs
)
select name, list(id order by id) as ids
from (select low as name, id from numbered union all select high as name, -id from numbered)
group by name
"""


@dataclass(frozen=True)
class NeighbourPairs:
    """Which prediction rule to swap: the exploded deletion keys ``keys`` of ``name``, replaced by
    the signed pair ids of ``pairs`` (a column this module adds)."""

    name: str = "name_compact"
    keys: str = "name_typo_keys"
    pairs: str = "name_typo_pairs"


def with_neighbour_pairs(table: pa.Table, neighbours: NeighbourPairs, *, memory_limit: str = "4GB") -> pa.Table:
    """``table`` with the column ``neighbours.pairs``: per row, the signed ids of the pairs of
    distinct names its name belongs to (null for none). Rows keep their order."""
    import duckdb  # Splink's own dependency; used whatever the backend, on this table alone

    con = duckdb.connect(config={"memory_limit": memory_limit})
    try:
        con.register("rows", table.select([neighbours.name, neighbours.keys]))
        sql = _PAIRS_SQL.format(name=f'"{neighbours.name}"', keys=f'"{neighbours.keys}"')
        by_name = con.sql(sql).to_arrow_table()
    finally:
        con.close()
    ids = by_name.column("ids").combine_chunks() if by_name.num_rows else pa.array([], pa.list_(pa.int64()))
    positions = pc.index_in(table.column(neighbours.name), value_set=by_name.column("name"))
    return table.append_column(neighbours.pairs, pc.take(ids.cast(pa.list_(pa.int64())), positions))


def neighbour_rule(neighbours: NeighbourPairs, sql_dialect: str) -> BlockingRule:
    """The blocking rule that pairs records of two names one edit apart, each pair once."""
    column = neighbours.pairs
    return CustomRule(f"l.{column} = -r.{column}", arrays_to_explode=[column]).get_blocking_rule(sql_dialect)


def swap_in_neighbour_rule(linker: Linker, neighbours: NeighbourPairs) -> bool:
    """Replace, in ``linker``'s prediction rules, the rule exploding ``neighbours.keys`` by
    ``neighbour_rule`` at the same position (so each pair keeps its ``match_key``). The records
    must carry ``neighbours.pairs`` (``with_neighbour_pairs``). False when there is no such rule."""
    rules = linker._settings_obj._blocking_rules_to_generate_predictions  # noqa: SLF001 (Splink 5 has no setter)
    for position, rule in enumerate(rules):
        if isinstance(rule, ExplodingBlockingRule) and rule.array_columns_to_explode == [neighbours.keys]:
            rules[position] = neighbour_rule(neighbours, rule._sql_dialect_str)  # noqa: SLF001
            BlockingRule._add_preceding_rules_to_each_blocking_rule(rules)  # noqa: SLF001
            return True
    return False
