// params: ids
// Which of the given ids name an entity (to tell "unknown id" from "no path").
UNWIND $ids AS id
OPTIONAL MATCH (e:Entity {id: id})
RETURN id, e IS NOT NULL AS found
