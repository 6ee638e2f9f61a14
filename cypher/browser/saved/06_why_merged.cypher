// Why were these records merged? Set :param entity_id => "tg-co-..." first
MATCH (r:Record)-[:RESOLVED_TO]->(e:Entity {id: $entity_id})
OPTIONAL MATCH (r)-[m:MATCHED]->(o:Record)
RETURN r.source AS source, r.name AS name, o.name AS merged_with, m.match_probability AS probability,
       m.comparisons AS comparisons, m.weights AS weights
