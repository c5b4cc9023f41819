// A paper's neighbourhood: every entity it mentions (with its role) and the other papers that
// mention the same entity; an entity no other paper mentions appears once with an empty paper.
// @param paper = "t-166e7710c33ffbfb" -- the paper id (default: a paper of examples/)
// @example kg query -f cypher/paper_neighbourhood.cypher --param paper=t-d09f21832ff1a931
MATCH (p:Paper {id: $paper})-[m:MENTIONS]->(e:Entity)
OPTIONAL MATCH (e)<-[:MENTIONS]-(o:Paper)
WHERE o.id <> p.id
RETURN e.type AS type, e.name AS entity, m.role AS role, o.id AS other_paper, o.title AS other_title
ORDER BY type, entity, other_paper
