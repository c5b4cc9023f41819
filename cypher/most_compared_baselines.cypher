// The baselines papers compare against most: entities in the compares_to role, with how many
// papers compare to them and how many papers mention them at all.
// @param limit = 10 -- how many baselines
// @example kg query -f cypher/most_compared_baselines.cypher --param limit=20
MATCH (p:Paper)-[m:MENTIONS]->(e:Entity)
WHERE m.role = 'compares_to'
WITH e, count(p) AS compared
MATCH (e)<-[:MENTIONS]-(q:Paper)
RETURN e.name AS baseline, e.type AS type, compared, count(q) AS papers
ORDER BY compared DESC, papers DESC, baseline
LIMIT $limit
