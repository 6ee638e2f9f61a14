// params: rows
// Entities left without records after a re-load were merged into others: delete them and leave
// a redirect to the entity that now holds most of their records.
UNWIND $rows AS row
MATCH (old:Entity {id: row.old_id})
WHERE NOT EXISTS { (:Record)-[:RESOLVED_TO]->(old) }
DETACH DELETE old
MERGE (x:Redirect {from_id: row.old_id})
SET x.to_id = row.new_id
