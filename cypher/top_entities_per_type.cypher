// The k most-mentioned entities of each type, ranked by how many papers mention them.
// Ties are broken by entity key, so the ranking is total.
// @param k = 3 -- how many entities per type
// @example kg query -f cypher/top_entities_per_type.cypher --param k=5
MATCH (e:Entity)<-[:MENTIONS]-(p:Paper)
WITH e, count(p) AS papers
MATCH (o:Entity)<-[:MENTIONS]-(q:Paper)
WHERE o.type = e.type
WITH e, papers, o, count(q) AS other_papers
WITH e, papers,
     sum(CASE WHEN other_papers > papers OR (other_papers = papers AND o.key < e.key) THEN 1 ELSE 0 END) AS ahead
WHERE ahead < $k
RETURN e.type AS type, ahead + 1 AS rank, e.name AS entity, papers
ORDER BY type, rank, entity
