// Remove every node and relationship (tracegraph load --replace). Runs in an auto-commit
// transaction, in batches, so large graphs do not need one huge transaction.
MATCH (n)
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
