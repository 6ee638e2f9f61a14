// Records re-pointed by this load (or by an earlier one that was interrupted): the entity each
// left and the entity it resolves to now.
MATCH (r:Record)-[:RESOLVED_TO]->(e:Entity)
WHERE r.moved_from IS NOT NULL
RETURN r.key AS key, r.moved_from AS old_id, e.id AS new_id
