// params: id, depth, limit, relation_types
// hop ceilings: 1, 2, 3
// The subgraph within $depth hops of one entity, bounded by $limit paths (one statement per
// ceiling: the API uses the one equal to depth, so depth 1 never expands to 3).
MATCH (a:Entity {id: $id})
MATCH p = (a)(()-[r:OWNER_OF|DIRECTOR_OF|SHAREHOLDER_OF|OPERATOR_OF|MANAGER_OF|TRADED_WITH|FAMILY_OF|ASSOCIATE_OF|REGISTERED_AT|POSSIBLY_SAME_AS]-()
              WHERE type(r) IN $relation_types){1,HOP_CEILING}(x)
WHERE length(p) <= $depth
WITH p
ORDER BY length(p)
LIMIT $limit
RETURN [n IN nodes(p) | {id: n.id, labels: labels(n), props: properties(n)}] AS nodes,
       [x IN relationships(p) | {
           id: elementId(x), type: type(x),
           start: startNode(x).id, end: endNode(x).id, props: properties(x)
       }] AS relationships
