// params: rows
UNWIND $rows AS row
MATCH (e:Entity {id: row.from_id})
MATCH (s:Sanction {id: row.to_id})
MERGE (e)-[r:LISTED_ON]->(s)
SET r += row.props
