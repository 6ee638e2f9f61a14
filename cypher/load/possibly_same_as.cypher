// params: rows
// Entity pairs scored below the merge threshold but inside the review band, or over it but kept
// apart (row.props.kept_apart says why: two values of a field one entity holds once).
UNWIND $rows AS row
MATCH (a:Entity {id: row.from_id})
MATCH (b:Entity {id: row.to_id})
MERGE (a)-[r:POSSIBLY_SAME_AS]->(b)
SET r += row.props
