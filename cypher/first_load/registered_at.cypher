// params: rows
// First load into an empty database: CREATE each entity's link to an address (one row per pair).
UNWIND $rows AS row
MATCH (e:Entity {id: row.from_id})
MATCH (a:Address {id: row.to_id})
CREATE (e)-[r:REGISTERED_AT]->(a)
SET r = row.props
