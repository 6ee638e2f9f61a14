// params: id
// One entity with its labels, sanctions listings and counts of what hangs off it.
MATCH (e:Entity {id: $id})
OPTIONAL MATCH (e)-[:LISTED_ON]->(s:Sanction)
WITH e, collect(properties(s)) AS listings
RETURN properties(e) AS entity,
       labels(e) AS labels,
       listings,
       COUNT { (e)-[r]-(:Entity) WHERE NOT r:POSSIBLY_SAME_AS } AS relation_count,
       COUNT { (:Record)-[:RESOLVED_TO]->(e) } AS record_count,
       COUNT { (e)-[:POSSIBLY_SAME_AS]-(:Entity) } AS possible_duplicates
