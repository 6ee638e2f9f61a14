// params: rows
// First load into an empty database: CREATE what load/entities.cypher would MERGE.
// rows: {id, labels: ["Company"|"Person"|"Vessel", ("Sanctioned")], props: {...}}
UNWIND $rows AS row
CREATE (e:Entity {id: row.id})
SET e += row.props
SET e:$(row.labels)
