// params: types, countries, after, limit
// Entities in id order after the cursor $after (keyset pagination), when there is no search text.
MATCH (node:Entity)
WHERE node.id > $after
  AND (size($types) = 0 OR node.type IN $types)
  AND (size($countries) = 0 OR node.country IN $countries)
RETURN properties(node) AS entity, labels(node) AS labels, null AS score
ORDER BY node.id
LIMIT $limit
