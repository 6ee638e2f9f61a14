// params: rows
// First load into an empty database: CREATE each entity-to-entity relationship (relations.jsonl
// holds one row per type and entity pair). The type is a dynamic value checked by the loader.
UNWIND $rows AS row
MATCH (a:Entity {id: row.from_id})
MATCH (b:Entity {id: row.to_id})
CREATE (a)-[r:$(row.type)]->(b)
SET r = row.props
