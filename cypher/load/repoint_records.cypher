// params: rows
// Before records are (re)loaded: drop RESOLVED_TO links that point at another entity than this
// run says, and report the old entity ids (candidates for redirects).
UNWIND $rows AS row
MATCH (r:Record {key: row.key})-[x:RESOLVED_TO]->(old:Entity)
WHERE old.id <> row.entity_id
DELETE x
RETURN DISTINCT old.id AS old_id, row.entity_id AS new_id
