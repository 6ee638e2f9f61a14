// Exact look-ups by display name (Browser queries, analytics).
CREATE INDEX entity_name IF NOT EXISTS FOR (e:Entity) ON (e.name)
