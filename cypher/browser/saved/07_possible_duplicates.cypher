// Pairs of entities that may be the same (scored below the merge threshold, or over it but kept
// apart because they hold two dates of birth, identity numbers, IMO or registration numbers): review them
MATCH (a:Entity)-[s:POSSIBLY_SAME_AS]-(b:Entity)
WHERE elementId(a) < elementId(b)
RETURN a.name AS entity, b.name AS possibly_same_as, s.probability AS probability,
       s.kept_apart AS kept_apart_because
ORDER BY s.probability DESC
LIMIT 50
