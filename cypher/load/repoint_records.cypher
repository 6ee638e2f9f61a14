// params: rows
// Before records are (re)loaded: drop RESOLVED_TO links that point at another entity than this
// run says. The record keeps the old entity id in `moved_from` until the load has retired the
// entities left empty, so a load interrupted after this step still leaves its redirects when it
// is run again.
UNWIND $rows AS row
MATCH (r:Record {key: row.key})-[x:RESOLVED_TO]->(old:Entity)
WHERE old.id <> row.entity_id
SET r.moved_from = old.id
DELETE x
