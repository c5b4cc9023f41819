// The baselines papers compare against most: entities in the compares_to role, with how many
// papers compare to them and how many papers mention them at all.
// @param limit = 10 -- how many baselines
// @example kg query -f cypher/most_compared_baselines.cypher --param limit=20
MATCH (p:Paper)-[m:MENTIONS]->(e:Entity)
WHERE m.role = 'compares_to'
WITH e, count(p) AS compared
// Every MENTIONS starts at a Paper: Neo4j reads this count from the node's degree.
RETURN e.name AS baseline, e.type AS type, compared, COUNT { MATCH (e)<-[:MENTIONS]-() } AS papers
ORDER BY compared DESC, papers DESC, baseline
LIMIT $limit
