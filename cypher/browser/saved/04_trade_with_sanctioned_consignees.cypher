// Shipments to sanctioned consignees, largest first
MATCH (c:Company)-[t:TRADED_WITH]->(k:Company:Sanctioned)
RETURN c.name AS shipper, k.name AS consignee, t.shipments AS shipments, t.value_usd AS value_usd,
       t.first_date AS first, t.last_date AS last, t.hs_codes AS hs_codes
ORDER BY t.value_usd DESC
LIMIT 50
