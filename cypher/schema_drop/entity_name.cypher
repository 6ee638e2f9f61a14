// A replacing load drops this query index before it writes and creates it again after
// (one population instead of an update in every write transaction); see resolution.graph.loader.
DROP INDEX entity_name IF EXISTS
