// Entity co-occurrence: pairs of entities mentioned together by at least min_papers papers,
// most frequent first.
// @param min_papers = 2 -- minimum number of papers mentioning both
// @param limit = 25 -- how many pairs
// @example kg query -f cypher/cooccurring_entities.cypher --param min_papers=2 --param limit=5
MATCH (a:Entity)<-[:MENTIONS]-(p:Paper)-[:MENTIONS]->(b:Entity)
WHERE a.key < b.key
WITH a, b, count(p) AS papers
WHERE papers >= $min_papers
RETURN a.name AS entity_a, a.type AS type_a, b.name AS entity_b, b.type AS type_b, papers
ORDER BY papers DESC, entity_a, entity_b
LIMIT $limit
