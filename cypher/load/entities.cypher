// params: rows
// rows: {id, labels: ["Company"|"Person"|"Vessel", ("Sanctioned")], props: {...}}
// Labels come from a fixed set chosen in Python (resolution.graph.loader), never from input text.
UNWIND $rows AS row
MERGE (e:Entity {id: row.id})
SET e += row.props
SET e:$(row.labels)
