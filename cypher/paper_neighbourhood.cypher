// A paper's neighbourhood: every entity it mentions (with its role) and the other papers that
// mention the same entity; an entity no other paper mentions appears once with an empty paper.
// @param paper = "2405.00044" -- the paper id
// @example kg query -f cypher/paper_neighbourhood.cypher --param paper=2409.01234
MATCH (p:Paper {id: $paper})-[m:MENTIONS]->(e:Entity)
OPTIONAL MATCH (e)<-[:MENTIONS]-(o:Paper)
WHERE o.id <> p.id
RETURN e.type AS type, e.name AS entity, m.role AS role, o.id AS other_paper, o.title AS other_title
ORDER BY type, entity, other_paper
