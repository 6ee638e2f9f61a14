// params: limit
// The people and companies that control the largest share of trade through ownership,
// shareholding, directorship or management ("a few key executives behind many firms").
CALL () {
  MATCH ()-[t:TRADED_WITH]->()
  RETURN coalesce(sum(t.value_usd), 0.0) AS total_trade
}
MATCH (c:Entity)-[:OWNER_OF|SHAREHOLDER_OF|DIRECTOR_OF|MANAGER_OF]->(f:Company)
WITH DISTINCT total_trade, c, f
CALL (f) {
  OPTIONAL MATCH (f)-[t:TRADED_WITH]-()
  RETURN coalesce(sum(t.value_usd), 0.0) AS firm_trade, coalesce(sum(t.shipments), 0) AS firm_shipments
}
WITH total_trade, c, f, firm_trade, firm_shipments
ORDER BY firm_trade DESC
WITH total_trade, c,
     collect({id: f.id, name: f.name, trade_usd: firm_trade, sanctioned: f:Sanctioned}) AS firms,
     sum(firm_trade) AS trade_usd, sum(firm_shipments) AS shipments
ORDER BY trade_usd DESC, size(firms) DESC, c.id
LIMIT $limit
RETURN properties(c) AS controller, labels(c) AS labels, size(firms) AS firm_count, trade_usd,
       shipments, CASE WHEN total_trade > 0 THEN trade_usd / total_trade ELSE 0.0 END AS share,
       firms[0..25] AS firms
