"""Each distinct profile scored once: records alike in every column the model reads score alike.

A model's comparisons and blocking rules read a record's feature columns, never its id or its
source. Two records equal in all of those (a profile) make the same candidate pairs with the same
scores against any third record, and a pair of them scores what the profile scores against an
equal copy of itself. So a full run predicts over one row per profile, scores each profile of two
or more records once against its own copy (its "twin": the same row under its second record's id,
blocked on the profile alone), and spreads the scored pairs to the records afterwards. At a million
records the 245,762 people are 108,901 profiles, and the names they share make 6.1M record pairs
against 0.95M profile pairs (docs/benchmarks.md): namesakes grow as the square of the records.

The records' pairs and scores are the same as predicting over the records (tests compare both
ways): the scores of Splink's comparisons do not depend on which side a record is on, so a spread
pair is written with its smaller id on the left, as Splink writes a pair. The run's training still
reads the records; term frequencies come from the distinct rows as before.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from resolution.link.sql import identifier

PROFILE_ID = "profile_id"
MAX_PROFILE_SHARE = 0.9
"""Records are grouped into profiles only when there are at most this many profiles per record:
otherwise each record is its own profile and nothing is spread (at a million records the 57,806
vessels are 56,759 profiles, and their prediction took 1.0 s over profiles against 0.6 s over
the records; docs/benchmarks.md)."""
# the columns no comparison or blocking rule reads (a test checks each model): the record's id, and
# its source, which the pairs retain but nothing scores
NOT_COMPARED = ("unique_id", "source")


@dataclass(frozen=True)
class Profiles:
    """One entity type's records grouped by profile.

    ``table`` has one row per profile, the profile's smallest record id as its ``unique_id``;
    ``twins`` has each profile of two or more records twice, under its smallest and its second
    smallest record id, both with the ``profile_id`` (the smallest); ``members`` gives each
    record's ``profile_id``."""

    table: pa.Table
    twins: pa.Table
    members: pa.Table

    @property
    def record_count(self) -> int:
        return self.members.num_rows

    @property
    def one_per_record(self) -> bool:
        """Each record is its own profile (no twins): the profiles' pairs are the records'."""
        return self.table.num_rows == self.members.num_rows

    @classmethod
    def each_record(cls, table: pa.Table) -> Profiles:
        """Each record of ``table`` its own profile."""
        ids = table.column("unique_id")
        return cls(table, table.slice(0, 0).append_column(PROFILE_ID, ids.slice(0, 0)),
                   pa.table({"unique_id": ids, PROFILE_ID: ids}))


def record_profiles(table: pa.Table, *, memory_limit: str = "4GB") -> Profiles:
    """Group ``table``'s records (a model's feature rows) by every column but ``NOT_COMPARED``;
    nulls group with nulls. Profiles are ordered by their id. With more than
    ``MAX_PROFILE_SHARE`` profiles per record, each record is its own profile."""
    import duckdb  # Splink's own dependency; used whatever the backend, on this table alone

    profile = ", ".join(identifier(c) for c in table.column_names if c not in NOT_COMPARED)
    con = duckdb.connect(config={"memory_limit": memory_limit})
    try:
        con.register("records", table)
        con.execute(
            f"create temp table ranked as select *, "
            f"row_number() over profile as rank, count(*) over profile as size, "
            f"min(unique_id) over profile as {PROFILE_ID} "
            f"from records window profile as (partition by {profile} order by unique_id "
            f"rows between unbounded preceding and unbounded following)"
        )
        original = ", ".join(identifier(c) for c in table.column_names)
        profiles = con.sql(f"select {original} from ranked where rank = 1 order by unique_id").to_arrow_table()
        twins = con.sql(
            f"select {original}, {PROFILE_ID} from ranked where rank <= 2 and size > 1 order by unique_id"
        ).to_arrow_table()
        members = con.sql(f"select unique_id, {PROFILE_ID} from ranked").to_arrow_table()
    finally:
        con.close()
    if profiles.num_rows > MAX_PROFILE_SHARE * table.num_rows:
        return Profiles.each_record(table)
    return Profiles(profiles.cast(table.schema), twins, members)


def spread_pairs(profile_pairs: pa.Table, twin_pairs: pa.Table | None, profiles: Profiles, *,
                 memory_limit: str = "4GB") -> pa.Table:
    """The records' scored pairs from their profiles': each pair of two profiles for every two of
    their records, each twin pair (a profile against its copy; None for no twins) for every two
    records of the profile. Columns as in ``profile_pairs``; the smaller id on the left; ordered by
    the ids."""
    import duckdb

    if profiles.one_per_record:  # Splink's pairs are the records' (smaller id on the left)
        return profile_pairs.sort_by([("unique_id_l", "ascending"), ("unique_id_r", "ascending")])
    if twin_pairs is None:
        twin_pairs = profile_pairs.slice(0, 0)
    others = ", ".join(identifier(c) for c in profile_pairs.column_names if c not in ("unique_id_l", "unique_id_r"))
    more = f", {others}" if others else ""
    con = duckdb.connect(config={"memory_limit": memory_limit, "preserve_insertion_order": False})
    try:
        con.register("profile_pairs", profile_pairs)
        con.register("twin_pairs", twin_pairs.select(profile_pairs.column_names))
        con.register("members", profiles.members)
        spread = con.sql(f"""
            with spread as (
                select a.unique_id as one, b.unique_id as other{more}
                from profile_pairs p
                join members a on a.{PROFILE_ID} = p.unique_id_l
                join members b on b.{PROFILE_ID} = p.unique_id_r
                union all
                select a.unique_id as one, b.unique_id as other{more}
                from twin_pairs p
                join members a on a.{PROFILE_ID} = p.unique_id_l
                join members b on b.{PROFILE_ID} = p.unique_id_l and a.unique_id < b.unique_id
            )
            select least(one, other) as unique_id_l, greatest(one, other) as unique_id_r{more}
            from spread order by unique_id_l, unique_id_r
        """).to_arrow_table()
    finally:
        con.close()
    return spread.cast(profile_pairs.schema)
