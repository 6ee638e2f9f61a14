// params: source, target, max_hops, k, relation_types
// hop ceilings: 2, 4, 6, 8
// Up to $k shortest paths between two entities through entities and shared addresses.
// Read as one statement per ceiling (the API uses the smallest that covers max_hops), so a search
// with no path stops at the asked depth. The static type list lets Neo4j follow only those
// relationship chains of dense nodes (records' RESOLVED_TO and MATCHED are never touched);
// $relation_types narrows it further.
MATCH (a:Entity {id: $source})
MATCH (b:Entity {id: $target})
MATCH p = SHORTEST 5 (a)(()-[r:OWNER_OF|DIRECTOR_OF|SHAREHOLDER_OF|OPERATOR_OF|MANAGER_OF|TRADED_WITH|FAMILY_OF|ASSOCIATE_OF|REGISTERED_AT|POSSIBLY_SAME_AS]-()
                         WHERE type(r) IN $relation_types){1,HOP_CEILING}(b)
WHERE length(p) <= $max_hops
WITH p
ORDER BY length(p)
LIMIT $k
RETURN [n IN nodes(p) | {id: n.id, labels: labels(n), props: properties(n)}] AS nodes,
       [x IN relationships(p) | {
           id: elementId(x), type: type(x),
           start: startNode(x).id, end: endNode(x).id, props: properties(x)
       }] AS relationships
