"""DuckDB SQL of the entity builder (``resolution.entities.build``): the resolved tables, and the
run folder's JSON lines made from them.

Every line is what ``resolution.run_folder.write_jsonl`` made of the Python rows before: keys in
name order (each struct below lists its fields so), absent values left out where the rows left
``None`` out (``json_merge_patch`` drops a null member, nested ones too), floats in their
shortest form. The inputs are the tables of ``resolution.entities.tables`` registered as
``records_in`` (then ``members``, see ``MEMBERS``), ``places_in``, ``relations_in``, ``listings_in``, ``clusters_in``,
``probabilities_in``, ``chosen_in`` and ``review_in``."""

from __future__ import annotations

from resolution.entities.ids import TYPE_PREFIX

MACROS = """
-- the first 16 hex digits of the SHA-1 of parts joined by the unit separator (ids._digest)
create or replace temp macro digest(parts) as sha1(array_to_string(parts, chr(31)))[1:16];
-- a CSV field as Python's csv.writer writes it (QUOTE_MINIMAL, lines ending in CR LF): quoted, its
-- quotes doubled, when it holds a comma, a quote, a CR or a LF; null as nothing
create or replace temp macro csv_field(value) as case
    when value is null then ''
    when regexp_matches(value, '[,"\r\n]') then '"' || replace(value, '"', '""') || '"'
    else value end;
"""

_PREFIX = " ".join(f"when '{kind}' then '{prefix}'" for kind, prefix in TYPE_PREFIX.items())

MEMBERS = f"""
with keyed as (
    select pos, entity_type, address, country, source || ':' || record_id as key from records_in
),
labelled as (
    select k.pos, k.key, k.entity_type, coalesce(c.label, k.key) as label,
        coalesce(p.probability, 1.0) as probability, a.address_id, a.standard as address_standard
    from keyed k left join clusters_in c on c.key = k.key left join probabilities_in p on p.key = k.key
    left join places_in a on a.address = k.address and coalesce(a.country, '') = coalesce(k.country, '')
),
entities as (
    select label, min(key) as first_key, any_value(entity_type) as entity_type from labelled group by label
),
named as (
    select e.label, coalesce(nullif(ch.entity_id, ''),
        'tg-' || (case e.entity_type {_PREFIX} end) || '-' || digest([e.entity_type, e.first_key])) as entity_id
    from entities e left join chosen_in ch on ch.label = e.label
)
select l.pos, l.key, n.entity_id, l.probability, l.address_id, l.address_standard
from labelled l join named n using (label) order by l.key
"""
"""Per record, in key order: its position in ``records_in``, key, entity id, probability and
address; the builder puts these beside the records' own columns in that order as ``members``."""

_CANDIDATES = ("country", "registration_number", "incorporation_date", "date_of_birth", "nationality", "id_number",
               "imo", "mmsi", "call_sign", "flag", "name", "full_date_of_birth", "latin_name", "mixed_case_name")
"""The fields whose most frequent value is taken per entity (``candidates`` below): the record's
own, and the three name and two birth date candidates the golden name and date are chosen from."""
_GOLDEN_VALUES = ",\n        ".join(f"any_value(value) filter (where field = '{field}') as {field}" for field in _CANDIDATES)

TABLES = f"""
create temp table record_listings as
select l.*, m.entity_id, l.source || ':' || l.record_id as key,
    'sanc-' || digest([l.source, l.record_id, l.list_name, coalesce(l.program, '')]) as sanction_id
from listings_in l join members m on m.key = l.source || ':' || l.record_id;

create temp table relations_of_entities as
select r.*, f.entity_id as from_id, t.entity_id as to_id,
    r.source || ':' || r.from_record_id || '->' || r.to_record_id as source_key
from relations_in r
join members f on f.key = r.source || ':' || r.from_record_id
join members t on t.key = r.source || ':' || r.to_record_id;

create temp table golden as
with flagged as (
    select *, regexp_full_match(name, '[[:ascii:]]*') as latin,
        regexp_matches(name, '[A-Z]') and not regexp_matches(name, '[a-z]') as capitals
    from members
),
candidates as (  -- each value that may be golden, one row per record and field (nulls left out)
    unpivot (
        select entity_id, country, registration_number, incorporation_date, date_of_birth, nationality,
            id_number, imo, mmsi, call_sign, flag, name,
            case when length(date_of_birth) = 10 then date_of_birth end as full_date_of_birth,
            case when latin then name end as latin_name,
            case when latin and not capitals then name end as mixed_case_name
        from flagged
    ) on columns(* exclude (entity_id)) into name field value value
),
counted as (
    select entity_id, field, value, count(*) as c from candidates where value <> '' group by all
),
most_common as (  -- the most frequent value of each field, the smallest of those tied
    select entity_id, field, arg_min(value, {{'c': -c, 'v': value}}) as value from counted group by all
),
golden_values as (
    select entity_id,
        {_GOLDEN_VALUES}
    from most_common group by entity_id
),
aggregated as (
    select entity_id, any_value(entity_type) as type, count(*) as record_count,
        list_distinct(flatten(list(list_prepend(name, aliases)))) as names,
        list_sort(list_distinct(list(source))) as sources,
        coalesce(list_sort(list_distinct(list(flag) filter (where flag <> ''))), []) as flags
    from members group by entity_id
),
listed as (
    select entity_id, list_sort(list_distinct(list(program) filter (where program <> ''))) as programs
    from record_listings group by entity_id
)
select a.*, coalesce(g.mixed_case_name, g.latin_name, g.name) as name,
    coalesce(g.full_date_of_birth, g.date_of_birth) as date_of_birth,
    g.* exclude (entity_id, name, date_of_birth, full_date_of_birth, latin_name, mixed_case_name),
    l.entity_id is not null as sanctioned, coalesce(l.programs, []) as programs
from aggregated a join golden_values g using (entity_id) left join listed l using (entity_id);
"""

ENTITY_LINES = """
select json_merge_patch('{}', to_json({
    'aliases': list_sort(list_filter(names, lambda n: n <> name)),
    'call_sign': case when type = 'vessel' then call_sign end,
    'country': country,
    'date_of_birth': case when type = 'person' then date_of_birth end,
    'flag': case when type = 'vessel' then flag end,
    'flags': case when type = 'vessel' then flags end,
    'id': entity_id,
    'id_number': case when type = 'person' then id_number end,
    'imo': case when type = 'vessel' then imo end,
    'incorporation_date': case when type = 'company' then incorporation_date end,
    'mmsi': case when type = 'vessel' then mmsi end,
    'name': name,
    'nationality': case when type = 'person' then nationality end,
    'programs': programs,
    'record_count': record_count,
    'registration_number': case when type = 'company' then registration_number end,
    'sanctioned': sanctioned,
    'sources': sources,
    'type': type
})) || chr(10) as line
from golden order by entity_id
"""

_RECORD_FIELDS = ("address", "aliases", "call_sign", "country", "date_of_birth", "entity_type", "flag",
                  "id_number", "imo", "incorporation_date", "mmsi", "name", "nationality", "record_id",
                  "registration_number", "source")
_PROPS = ", ".join(f"'{name}': {name}" for name in _RECORD_FIELDS)
_PROP_ENTRIES = ", ".join(f"{{'k': '{name}', 'v': to_json({name})}}" for name in _RECORD_FIELDS)

RECORD_LINES = f"""
select json_merge_patch('{{}}', to_json({{
    'entity_id': entity_id, 'key': key, 'probability': probability,
    'props': case when cardinality(attributes) = 0 then to_json({{{_PROPS}}})
        else to_json(map_from_entries(list_sort(list_concat(
            list_filter([{_PROP_ENTRIES}], lambda e: e.v is not null),
            list_transform(map_entries(attributes), lambda e: {{'k': 'attr_' || e.key, 'v': to_json(e.value)}})))))
        end
}})) || chr(10) as line
from members
"""

CLUSTER_ROWS = "select source, record_id, entity_id from members"

CLUSTER_LINES = """
select csv_field(source) || ',' || csv_field(record_id) || ',' || csv_field(entity_id) || chr(13) || chr(10) as line
from members
"""
"""``clusters.csv``'s lines after its header, in the order of ``CLUSTER_ROWS``: what
``csv.writer`` writes of those rows."""

ADDRESS_LINES = """
select to_json({'country': first.country, 'id': address_id, 'standard': first.standard, 'text': first.address})
    || chr(10) as line
from (select address_id, arg_min({'address': address, 'country': country, 'standard': address_standard}, key) as first
      from members where address_id is not null group by address_id)
order by address_id
"""

REGISTERED_AT_LINES = """
select to_json({'from_id': entity_id, 'props': {'source_keys': list_sort(list(key))}, 'to_id': address_id})
    || chr(10) as line
from members where address_id is not null
group by entity_id, address_id order by entity_id, address_id
"""

_LISTING_ORDER = "order by key, list_name, coalesce(program, ''), pos"

SANCTION_LINES = f"""
select json_merge_patch('{{}}', to_json({{'id': sanction_id, 'props': {{
    'list_name': list_name, 'listed_on': listed_on, 'program': program, 'record_id': record_id, 'source': source
}}}})) || chr(10) as line
from record_listings {_LISTING_ORDER}
"""

LISTED_ON_LINES = f"""
select to_json({{'from_id': entity_id, 'props': {{'source_keys': [key]}}, 'to_id': sanction_id}}) || chr(10) as line
from record_listings {_LISTING_ORDER}
"""

RELATION_LINES = """
select json_merge_patch('{}', to_json({
    'from_id': from_id,
    'props': case when relation = 'traded_with' then to_json({
            'first_date': min(start_date),
            'hs_codes': coalesce(list_sort(list_distinct(list(hs_code) filter (where hs_code <> ''))), []),
            'last_date': case when max(start_date) is not null then greatest(max(start_date), max(end_date)) end,
            'shipments': sum(coalesce(shipments, 1))::BIGINT,
            'source_keys': list_sort(list_distinct(list(source_key))),
            'value_usd': round(sum(value_usd), 2)
        }) else to_json({
            'end_date': max(end_date),
            'share_pct': max(share_pct),
            'source_keys': list_sort(list_distinct(list(source_key))),
            'start_date': min(start_date)
        }) end,
    'to_id': to_id,
    'type': upper(relation)
})) || chr(10) as line
from relations_of_entities
group by from_id, to_id, relation order by from_id, to_id, relation
"""

POSSIBLY_SAME_AS_LINES = """
with pairs as (
    select least(l.entity_id, r.entity_id) as a, greatest(l.entity_id, r.entity_id) as b,
        p.left_key || '~' || p.right_key as source_key, p.probability, p.kept_apart
    from review_in p join members l on l.key = p.left_key join members r on r.key = p.right_key
    where l.entity_id <> r.entity_id
)
select json_merge_patch('{}', to_json({'from_id': a, 'props': {
    'kept_apart': list_sort(list_distinct(list(kept_apart) filter (where kept_apart is not null))),
    'probability': greatest(max(probability), 0.0),
    'source_keys': list_sort(list(source_key))
}, 'to_id': b})) || chr(10) as line
from pairs group by a, b order by a, b
"""

RECORD_RELATION_LINES = """
select json_merge_patch('{}', to_json({
    'end_date': end_date, 'from_record_id': from_record_id, 'hs_code': hs_code, 'relation': relation,
    'share_pct': share_pct, 'shipments': shipments, 'source': source, 'start_date': start_date,
    'to_record_id': to_record_id, 'value_usd': value_usd
})) || chr(10) as line
from relations_in
"""
"""The record-level relations as read, in their order: each ``model_dump(exclude_none=True, mode="json")``
as ``write_jsonl`` writes it."""

ENTITY_SIZES = "select entity_id, type, record_count from golden order by entity_id"

LINES = {
    "entities": ENTITY_LINES,
    "records": RECORD_LINES,
    "addresses": ADDRESS_LINES,
    "registered_at": REGISTERED_AT_LINES,
    "sanctions": SANCTION_LINES,
    "listed_on": LISTED_ON_LINES,
    "relations": RELATION_LINES,
    "possibly_same_as": POSSIBLY_SAME_AS_LINES,
}
"""Per graph file of the run folder (``run_folder.GRAPH_FILES``), the query of its lines."""
