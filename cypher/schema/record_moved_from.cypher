// Records re-pointed by a load carry `moved_from` until their redirects are written; the index
// holds only those (nulls are not indexed), so finding pending moves never scans every record.
CREATE INDEX record_moved_from IF NOT EXISTS FOR (r:Record) ON (r.moved_from)
