// params: rows
// After the redirects are written: the records' moves are settled.
UNWIND $rows AS row
MATCH (r:Record {key: row.key})
REMOVE r.moved_from
