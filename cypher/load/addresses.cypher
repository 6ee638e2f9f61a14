// params: rows
UNWIND $rows AS row
MERGE (a:Address {id: row.id})
SET a.text = row.text, a.country = row.country, a.standard = row.standard
