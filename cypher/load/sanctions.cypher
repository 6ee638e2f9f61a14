// params: rows
UNWIND $rows AS row
MERGE (s:Sanction {id: row.id})
SET s += row.props
