"""Exploded-key blocking at prediction time over groups of records instead of single keys.

Every model blocks on a key array that Splink explodes and joins on: the name keys (compact and
sorted forms of a name and its aliases) and, for companies, the typo keys (the compact name with
each letter deleted). Two records of one name meet once per key they share, before Splink's
exclusion of the earlier rules' pairs (the exact name rule has them all) throws the row away: a
firm written one way in 40 records of a 25-letter name makes 40,000 joined rows on its typo keys
that all go. At a million records the typo-key join made 35M rows for 3.9M new pairs, and building
it was a third of the company prediction; at three million records, with three times the records
per name, the company prediction took 3.5 times as long as with the rule below. (The person name
keys made 20M rows for 132 new pairs at a million records, but DuckDB makes short work of those:
grouping them gained nothing clear.)

For a full run each such rule is swapped, after the model is saved, for one that yields the same
candidate pairs with one joined row per pair. Records are grouped by their key array (or by a
column the array is a function of, e.g. the compact name for the typo keys; the model can give
that function as SQL, and then the arrays are computed once per group and the records need not
carry them: a full run's company rows have no typo keys). Every two groups
whose arrays share a key get a pair id: the records of the lower group hold ``+id``, those of the
higher ``-id``, and the rule joins ``l.pairs = -r.pairs``. The records of one group share all their
keys: when they all agree on the column of an earlier exact rule (``covered_by``), that rule has
their pairs already and the group needs no id of its own; otherwise it gets an id its records hold
as both ``+id`` and ``-id``. Two records share a key exactly when they are in one group or in two
paired groups, so the pairs scored, and the scores, are the same; Splink still excludes the
earlier rules' pairs as before.

The saved model keeps the key rules: screening and incremental runs score a record against an
existing set, where the keys of that one record are all there is. Each model names the rules to
group (``ModelSpec.key_groups``): only the company typo keys are, because grouping the name keys
of any type was measured without a clear gain (docs/benchmarks.md)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pyarrow as pa
from splink import Linker, block_on
from splink.blocking_rule_library import CustomRule
from splink.internals.blocking import BlockingRule, ExplodingBlockingRule

from resolution.link.sql import identifier

log = logging.getLogger(__name__)

_GROUP_PAIRS_SQL = """
with grouped as (
    select {group} as grp, {carried_keys} as keys, count(*) > 1 and ({covered_by_differs}) as own_id
    from rows where {rows_with_keys} group by {group}
), keyed as materialized (  -- once per group: a filter on the keys pushed below the grouping computed them per row
    select grp, {group_keys} as keys, own_id from grouped
), numbered as (
    select row_number() over (order by grp) as gid, keys, own_id, grp from keyed where len(keys) > 0
), group_keys as (
    select gid, unnest(keys) as key from numbered
), shared as (  -- a key no other group holds pairs nothing
    select key from group_keys group by key having count(*) > 1
), pairs as (
    select distinct a.gid as low, b.gid as high
    from group_keys a semi join shared using (key) join group_keys b on a.key = b.key and a.gid < b.gid
), ids as (
    select row_number() over (order by low, high) as id, low, high from pairs
), own as (
    select (select count(*) from pairs) + row_number() over (order by gid) as id, gid from numbered where own_id
), signed as (
    select low as gid, id from ids union all select high, -id from ids
    union all select gid, id from own union all select gid, -id from own
), by_group as (
    select n.grp, list(s.id order by s.id) as ids from signed s join numbered n using (gid) group by n.grp
)
select r.pos, b.ids from rows r left join by_group b on r.{group} = b.grp order by r.pos
"""


@dataclass(frozen=True)
class KeyGroups:
    """One exploded key rule to predict over groups: ``keys`` is the array it explodes, ``pairs``
    the column this module adds; ``group`` a column the array is a function of (``None``: the array
    itself); ``covered_by`` the column of an exact rule that comes before it, if any;
    ``keys_of_group`` makes the DuckDB expression that computes the array from ``group`` (given the
    column's SQL, e.g. ``typo_keys_sql``): then the keys are computed once per group and the rows
    need not carry them (their ``keys`` column may be null or absent)."""

    keys: str
    pairs: str
    group: str | None = None
    covered_by: str | None = None
    keys_of_group: Callable[[str], str] | None = None


def _sql(groups: KeyGroups) -> str:
    keys = identifier(groups.keys)
    group = identifier(groups.group) if groups.group else keys
    if groups.covered_by:
        covered = identifier(groups.covered_by)
        differs = f"count(distinct {covered}) > 1 or count({covered}) < count(*)"
    else:
        differs = "true"
    if groups.keys_of_group:
        if not groups.group:
            raise ValueError(f"keys computed per group need a group column ({groups.keys})")
        carried_keys, group_keys = "null", groups.keys_of_group("grp")
        rows_with_keys = f"{group} is not null"
    else:
        carried_keys, group_keys = f"any_value({keys})", "keys"
        rows_with_keys = f"{keys} is not null and len({keys}) > 0 and {group} is not null"
    return _GROUP_PAIRS_SQL.format(group=group, carried_keys=carried_keys, group_keys=group_keys,
                                   rows_with_keys=rows_with_keys, covered_by_differs=differs)


def with_group_pairs(table: pa.Table, groups: KeyGroups, *, memory_limit: str = "4GB") -> pa.Table:
    """``table`` with the column ``groups.pairs``: per row, the signed ids of its group's pairs
    (null for none). Rows keep their order."""
    import duckdb  # Splink's own dependency; used whatever the backend, on this table alone

    keys = None if groups.keys_of_group else groups.keys
    columns = [c for c in dict.fromkeys((keys, groups.group, groups.covered_by)) if c]
    rows = table.select(columns).append_column("pos", pa.array(range(table.num_rows), pa.int64()))
    con = duckdb.connect(config={"memory_limit": memory_limit})
    try:
        con.register("rows", rows)
        ids = con.sql(_sql(groups)).to_arrow_table().column("ids")
    finally:
        con.close()
    return table.append_column(groups.pairs, ids.cast(pa.list_(pa.int64())))


def group_pair_rule(groups: KeyGroups, sql_dialect: str) -> BlockingRule:
    """The blocking rule joining the records of paired groups (and of a group with its own id)."""
    column = groups.pairs
    return CustomRule(f"l.{column} = -r.{column}", arrays_to_explode=[column]).get_blocking_rule(sql_dialect)


def swap_in_group_pair_rules(linker: Linker, all_groups: Sequence[KeyGroups]) -> None:
    """Replace, in ``linker``'s prediction rules, each rule exploding ``groups.keys`` alone by
    ``group_pair_rule`` at the same position (so each pair keeps its ``match_key``). The records
    must carry the ``pairs`` columns (``with_group_pairs``). A rule whose ``covered_by`` is not an
    exact rule before it stays as it is, with a warning (the groups would miss pairs)."""
    rules = linker._settings_obj._blocking_rules_to_generate_predictions  # noqa: SLF001 (Splink 5 has no setter)
    for groups in all_groups:
        for position, rule in enumerate(rules):
            if not (isinstance(rule, ExplodingBlockingRule) and rule.array_columns_to_explode == [groups.keys]):
                continue
            dialect = rule._sql_dialect_str  # noqa: SLF001
            if groups.covered_by:
                exact = block_on(groups.covered_by).get_blocking_rule(dialect).blocking_rule_sql
                if not any(earlier.blocking_rule_sql == exact for earlier in rules[:position]):
                    log.warning("the %s rule is kept: no exact rule on %s before it", groups.keys, groups.covered_by)
                    break
            rules[position] = group_pair_rule(groups, dialect)
            break
    BlockingRule._add_preceding_rules_to_each_blocking_rule(rules)  # noqa: SLF001
