// params: id
// Where an entity id that was merged away now lives.
MATCH (x:Redirect {from_id: $id})
RETURN x.to_id AS to_id
