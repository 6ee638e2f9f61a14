// Pairs of entities that may be the same (scored below the merge threshold): review them
MATCH (a:Entity)-[s:POSSIBLY_SAME_AS]-(b:Entity)
WHERE elementId(a) < elementId(b)
RETURN a.name AS entity, b.name AS possibly_same_as, s.probability AS probability
ORDER BY s.probability DESC
LIMIT 50
