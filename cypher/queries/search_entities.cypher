// params: lucene, types, countries, skip, limit
// Fulltext search over names and aliases, ranked by score; $types / $countries empty = any.
CALL db.index.fulltext.queryNodes("entity_names", $lucene) YIELD node, score
WHERE (size($types) = 0 OR node.type IN $types)
  AND (size($countries) = 0 OR node.country IN $countries)
RETURN properties(node) AS entity, labels(node) AS labels, score
ORDER BY score DESC, node.id
SKIP $skip
LIMIT $limit
