// params: id, skip, limit
// Member records of an entity with the probability that tied each in, and the merged pairs
// (evidence) between members with every comparison's match weight.
MATCH (r:Record)-[link:RESOLVED_TO]->(e:Entity {id: $id})
WITH e, r, link
ORDER BY r.key
SKIP $skip
LIMIT $limit
OPTIONAL MATCH (r)-[m:MATCHED]->(other:Record)-[:RESOLVED_TO]->(e)
WITH r, link, collect(CASE WHEN m IS NULL THEN null ELSE {
    other: other.key, match_probability: m.match_probability, match_weight: m.match_weight,
    comparisons: m.comparisons, weights: m.weights
} END) AS evidence
RETURN properties(r) AS record, link.probability AS probability, evidence
