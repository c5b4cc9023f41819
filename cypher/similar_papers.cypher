// Papers sharing at least k entities with a given paper, ranked by rarity-weighted overlap:
// each shared entity adds 1 / (number of papers mentioning it), so rare shared entities count more.
// @param paper = "t-166e7710c33ffbfb" -- the paper id to compare against (default: a paper of examples/)
// @param k = 2 -- minimum number of shared entities
// @example kg query -f cypher/similar_papers.cypher --param paper=t-d09f21832ff1a931 --param k=1
MATCH (a:Paper {id: $paper})-[:MENTIONS]->(e:Entity)
MATCH (e)<-[:MENTIONS]-(q:Paper)
// Each shared entity's papers are found once: how many there are is its weight, and they
// are the candidates (the paper itself is among them, as it is in the count).
WITH a, e, collect(q.id) AS papers
UNWIND papers AS other
WITH a, other, e, size(papers) AS df
WHERE other <> a.id
WITH other, count(e) AS shared, sum(1.0 / df) AS weight
WHERE shared >= $k
MATCH (b:Paper {id: other})
RETURN b.id AS paper, b.title AS title, shared, round(weight, 4) AS score
ORDER BY score DESC, shared DESC, paper
