// params: source, target, max_hops, k, relation_types
// Up to $k shortest paths between two entities through entities and shared addresses.
// Hop bounds cannot be parameters: the pattern has a fixed ceiling of 8 and 5 paths, and the
// API caps max_hops at 8 and k at 5; the WHERE keeps only paths within $max_hops.
MATCH (a:Entity {id: $source})
MATCH (b:Entity {id: $target})
MATCH p = SHORTEST 5 (a)(()-[r]-() WHERE type(r) IN $relation_types){1,8}(b)
WHERE length(p) <= $max_hops
WITH p
ORDER BY length(p)
LIMIT $k
RETURN [n IN nodes(p) | {id: n.id, labels: labels(n), props: properties(n)}] AS nodes,
       [x IN relationships(p) | {
           id: elementId(x), type: type(x),
           start: startNode(x).id, end: endNode(x).id, props: properties(x)
       }] AS relationships
