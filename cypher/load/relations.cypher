// params: rows
// rows: {type, from_id, to_id, props}. Neo4j 5.26 takes the relationship type as a dynamic
// value, so one statement serves every entity-to-entity kind; the loader only passes types from
// resolution.models.RelationType (OWNER_OF, DIRECTOR_OF, ..., TRADED_WITH).
UNWIND $rows AS row
MATCH (a:Entity {id: row.from_id})
MATCH (b:Entity {id: row.to_id})
MERGE (a)-[r:$(row.type)]->(b)
SET r += row.props
