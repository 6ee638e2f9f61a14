// Key executives: people who direct or own the most firms, with those firms
MATCH (p:Person)-[:DIRECTOR_OF|SHAREHOLDER_OF|OWNER_OF]->(c:Company)
WITH p, collect(c) AS firms
WHERE size(firms) >= 3
RETURN p, firms
ORDER BY size(firms) DESC
LIMIT 10
