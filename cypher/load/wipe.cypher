// params: batch
// Remove up to $batch nodes with their relationships (tracegraph load --replace runs this until
// nothing is left; one bounded transaction each, so no transaction timeout is hit).
MATCH (n)
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
