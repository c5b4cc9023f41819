// Papers sharing at least k entities with a given paper, ranked by rarity-weighted overlap:
// each shared entity adds 1 / (number of papers mentioning it), so rare shared entities count more.
// @param paper = "2403.00101" -- the paper id to compare against
// @param k = 2 -- minimum number of shared entities
// @example kg query -f cypher/similar_papers.cypher --param paper=2409.01234 --param k=3
MATCH (a:Paper)-[:MENTIONS]->(e:Entity)<-[:MENTIONS]-(b:Paper)
WHERE a.id = $paper AND b.id <> a.id
MATCH (e)<-[:MENTIONS]-(q:Paper)
WITH b, e, count(q) AS df
WITH b, count(e) AS shared, sum(1.0 / df) AS weight
WHERE shared >= $k
RETURN b.id AS paper, b.title AS title, shared, round(weight, 4) AS score
ORDER BY score DESC, shared DESC, paper
