// Firms within three hops of a sanctioned vessel (trade, ownership, control)
MATCH p = (c:Company)-[:OWNER_OF|OPERATOR_OF|MANAGER_OF|SHAREHOLDER_OF|DIRECTOR_OF|TRADED_WITH*1..3]-(v:Vessel:Sanctioned)
WHERE NOT c:Sanctioned
RETURN p
LIMIT 50
