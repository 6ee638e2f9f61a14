// Why were these records merged? Set :param entity_id => "tg-co-..." first
// A record with no merged pair and a probability below 1 joined alone through its name (attached.csv).
MATCH (r:Record)-[link:RESOLVED_TO]->(e:Entity {id: $entity_id})
OPTIONAL MATCH (r)-[m:MATCHED]->(o:Record)
RETURN r.source AS source, r.name AS name, link.probability AS resolved_probability, o.name AS merged_with,
       m.match_probability AS probability, m.comparisons AS comparisons, m.weights AS weights
