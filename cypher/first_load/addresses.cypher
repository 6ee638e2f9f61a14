// params: rows
// First load into an empty database: CREATE each address (addresses.jsonl holds each id once).
UNWIND $rows AS row
CREATE (a:Address {id: row.id, text: row.text, country: row.country, standard: row.standard})
