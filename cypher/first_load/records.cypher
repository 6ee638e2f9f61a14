// params: rows
// First load into an empty database: CREATE each record and its RESOLVED_TO link.
// rows: {key, entity_id, probability, props: {...}}
UNWIND $rows AS row
CREATE (r:Record {key: row.key})
SET r += row.props
WITH r, row
MATCH (e:Entity {id: row.entity_id})
CREATE (r)-[:RESOLVED_TO {probability: row.probability, source_keys: [row.key]}]->(e)
