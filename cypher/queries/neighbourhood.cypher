// params: id, depth, limit, relation_types
// The subgraph within $depth hops (ceiling 3) of one entity, bounded by $limit paths.
MATCH (a:Entity {id: $id})
MATCH p = (a)(()-[r]-() WHERE type(r) IN $relation_types){1,3}(x)
WHERE length(p) <= $depth
WITH p
ORDER BY length(p)
LIMIT $limit
RETURN [n IN nodes(p) | {id: n.id, labels: labels(n), props: properties(n)}] AS nodes,
       [x IN relationships(p) | {
           id: elementId(x), type: type(x),
           start: startNode(x).id, end: endNode(x).id, props: properties(x)
       }] AS relationships
