// Papers that mention an entity, with the role it plays in each (proposes, uses, evaluates_on,
// compares_to, code) and the sentence that shows it. The name matches the entity's name or any
// alias, blind to case, spaces, hyphens and underscores (like `kg lookup`).
// @param name = "LoRA" -- entity name or alias
// @example kg query -f cypher/papers_mentioning_entity.cypher --param name="Low-Rank Adaptation"
MATCH (p:Paper)-[m:MENTIONS]->(e:Entity)
WHERE replace(replace(replace(lower($name), ' ', ''), '-', ''), '_', '') IN e.keys
RETURN e.name AS entity, p.id AS paper, p.title AS title, p.date AS date, m.role AS role,
       m.evidence AS evidence
ORDER BY date DESC, paper, entity
