// params: rows
// Redirects the resolver wrote (redirects.csv of an incremental run): an id merged into another
// keeps answering with the survivor, even in a database that never held the old entity. An old
// entity still in the graph is deleted when no record resolves to it any more.
UNWIND $rows AS row
CALL (row) {
    MATCH (old:Entity {id: row.old_id})
    WHERE NOT EXISTS { (:Record)-[:RESOLVED_TO]->(old) }
    DETACH DELETE old
}
MERGE (x:Redirect {from_id: row.old_id})
SET x.to_id = row.new_id
