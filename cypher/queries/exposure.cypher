// params: id, max_hops, relation_types, limit
// The nearest sanctioned parties: for each, one shortest path (ceiling 6 hops; the API caps
// max_hops at 6), sorted by distance.
MATCH (a:Entity {id: $id})
MATCH p = SHORTEST 1 (a)(()-[r]-() WHERE type(r) IN $relation_types){1,6}(s:Sanctioned)
WHERE length(p) <= $max_hops AND s.id <> $id
WITH p, s
ORDER BY length(p), s.id
LIMIT $limit
RETURN s.id AS sanctioned_id,
       [n IN nodes(p) | {id: n.id, labels: labels(n), props: properties(n)}] AS nodes,
       [x IN relationships(p) | {
           id: elementId(x), type: type(x),
           start: startNode(x).id, end: endNode(x).id, props: properties(x)
       }] AS relationships
