// One node, if the database holds any (an empty database gets a first load with CREATE).
MATCH (n) RETURN 1 AS found LIMIT 1
