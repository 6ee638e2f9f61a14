// params: source, target, max_hops, k, relation_types
// hop ceilings: 2, 4, 6, 8
// Up to $k shortest paths between two entities through entities and shared addresses, and whether
// each id names an entity (to tell an unknown id from no path): one row, one round trip.
// Read as one statement per ceiling (the API uses the smallest that covers max_hops), so a search
// with no path stops at the asked depth. The static type list lets Neo4j follow only those
// relationship chains of dense nodes (records' RESOLVED_TO and MATCHED are never touched);
// $relation_types narrows it further.
OPTIONAL MATCH (a:Entity {id: $source})
OPTIONAL MATCH (b:Entity {id: $target})
CALL (a, b) {
    WITH a, b
    WHERE a IS NOT NULL AND b IS NOT NULL AND a <> b
    MATCH p = SHORTEST 5 (a)(()-[r:OWNER_OF|DIRECTOR_OF|SHAREHOLDER_OF|OPERATOR_OF|MANAGER_OF|TRADED_WITH|FAMILY_OF|ASSOCIATE_OF|REGISTERED_AT|POSSIBLY_SAME_AS]-()
                             WHERE type(r) IN $relation_types){1,HOP_CEILING}(b)
    WHERE length(p) <= $max_hops
    WITH p
    ORDER BY length(p)
    LIMIT $k
    RETURN collect({
        nodes: [n IN nodes(p) | {id: n.id, labels: labels(n), props: properties(n)}],
        relationships: [x IN relationships(p) | {
            id: elementId(x), type: type(x),
            start: startNode(x).id, end: endNode(x).id, props: properties(x)
        }]
    }) AS paths
}
RETURN a IS NOT NULL AS source_found, b IS NOT NULL AS target_found, paths
