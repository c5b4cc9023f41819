// Entities first seen on a date: entities whose earliest mentioning paper (by date) has that date,
// with the papers of that day that mention them. Papers without a date are ignored.
// @param date = "2024-03-01" -- an ISO date, YYYY-MM-DD
// @example kg query -f cypher/entities_first_seen.cypher --param date=2024-09-02
MATCH (p:Paper)-[:MENTIONS]->(e:Entity)
WHERE p.date <> ''
WITH e, min(p.date) AS first_seen
WHERE first_seen = $date
MATCH (q:Paper)-[m:MENTIONS]->(e)
WHERE q.date = first_seen
RETURN e.name AS entity, e.type AS type, q.id AS paper, m.role AS role
ORDER BY type, entity, paper
