// params: rows
// rows: {key, entity_id, probability, props: {...}}; each record points at its entity.
UNWIND $rows AS row
MERGE (r:Record {key: row.key})
SET r += row.props
WITH r, row
MATCH (e:Entity {id: row.entity_id})
MERGE (r)-[link:RESOLVED_TO]->(e)
SET link.probability = row.probability, link.source_keys = [row.key]
