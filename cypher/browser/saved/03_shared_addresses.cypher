// Addresses shared by several firms (front companies, look-alike siblings)
MATCH (a:Address)<-[:REGISTERED_AT]-(c:Company)
WITH a, collect(c) AS firms
WHERE size(firms) >= 2
RETURN a, firms
ORDER BY size(firms) DESC
LIMIT 25
