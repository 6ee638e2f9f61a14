// params: rows
// Merge evidence: a scored pair of records that was merged, with each comparison's weight.
UNWIND $rows AS row
MATCH (a:Record {key: row.record_l})
MATCH (b:Record {key: row.record_r})
MERGE (a)-[m:MATCHED]->(b)
SET m.match_probability = row.match_probability, m.match_weight = row.match_weight,
    m.comparisons = row.comparisons, m.weights = row.weights, m.source_keys = [row.record_l, row.record_r]
