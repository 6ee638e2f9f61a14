// params: rows
UNWIND $rows AS row
MATCH (e:Entity {id: row.from_id})
MATCH (a:Address {id: row.to_id})
MERGE (e)-[r:REGISTERED_AT]->(a)
SET r += row.props
