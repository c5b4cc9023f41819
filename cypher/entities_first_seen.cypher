// Entities first seen on a date: entities whose earliest mentioning paper (by date) has that date,
// with the papers of that day that mention them. Papers without a date are ignored.
// @param date = "2026-03-14" -- an ISO date, YYYY-MM-DD (default: the day of examples/)
// @example kg query -f cypher/entities_first_seen.cypher --param date=2026-03-14
MATCH (q:Paper)-[m:MENTIONS]->(e:Entity)
WHERE q.date = $date AND q.date <> ''
// Only the entities of that day's papers, each kept unless an earlier paper mentions it.
WITH e, collect({paper: q.id, role: m.role}) AS mentions
WHERE NOT EXISTS { MATCH (e)<-[:MENTIONS]-(o:Paper) WHERE o.date <> '' AND o.date < $date }
UNWIND mentions AS x
RETURN e.name AS entity, e.type AS type, x.paper AS paper, x.role AS role
ORDER BY type, entity, paper
