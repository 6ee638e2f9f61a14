// Vessels known under several names or flags, with their owners and operators
MATCH (v:Vessel)
WHERE size(v.aliases) >= 1 OR size(v.flags) >= 2
OPTIONAL MATCH (c:Company)-[:OWNER_OF|OPERATOR_OF]->(v)
RETURN v, collect(c) AS companies
LIMIT 25
