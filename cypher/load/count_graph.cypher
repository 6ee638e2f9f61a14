// Node and relationship counts by kind, to report after a load.
CALL () { MATCH (n) UNWIND labels(n) AS label RETURN label AS kind, count(*) AS n }
RETURN kind, n
UNION ALL
CALL () { MATCH ()-[r]->() RETURN type(r) AS kind, count(*) AS n }
RETURN kind, n
