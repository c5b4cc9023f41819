// The k most-mentioned entities of each type, ranked by how many papers mention them.
// Ties are broken by entity key, so the ranking is total.
// @param k = 3 -- how many entities per type
// @example kg query -f cypher/top_entities_per_type.cypher --param k=5
MATCH (e:Entity)
// Every MENTIONS starts at a Paper: on Neo4j this count is the node's degree.
WITH e, COUNT { MATCH (e)<-[:MENTIONS]-() } AS papers
WHERE papers > 0
// Rank by counting who is ahead over groups of equally mentioned entities, not over pairs of
// entities: the cost grows with the entities, (distinct counts per type)^2 and the square of
// the tie group at the cut, not with (entities per type)^2.
WITH e.type AS type, papers, collect(e.key) AS keys
WITH type, collect({papers: papers, keys: keys}) AS groups
UNWIND groups AS g
UNWIND groups AS h
WITH type, g, sum(CASE WHEN h.papers > g.papers THEN size(h.keys) ELSE 0 END) AS above
WHERE above < $k
UNWIND g.keys AS key
UNWIND g.keys AS other
WITH type, g.papers AS papers, key, above, sum(CASE WHEN other < key THEN 1 ELSE 0 END) AS tied
WITH type, papers, key, above + tied AS ahead
WHERE ahead < $k
MATCH (e:Entity {key: key})
RETURN type, ahead + 1 AS rank, e.name AS entity, papers
ORDER BY type, rank, entity
