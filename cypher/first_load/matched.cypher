// params: rows
// First load into an empty database: CREATE the merge evidence between two records
// (the loader passes each pair once).
UNWIND $rows AS row
MATCH (a:Record {key: row.record_l})
MATCH (b:Record {key: row.record_r})
CREATE (a)-[:MATCHED {match_probability: row.match_probability, match_weight: row.match_weight,
                      comparisons: row.comparisons, weights: row.weights,
                      source_keys: [row.record_l, row.record_r]}]->(b)
