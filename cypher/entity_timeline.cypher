// An entity's timeline: how many papers mention it per month, and in how many of those it is
// proposed. Papers without a date are left out.
// @param name = "LoRA" -- entity name or alias (case, space and hyphen blind)
// @example kg query -f cypher/entity_timeline.cypher --param name=GRPO
MATCH (e:Entity)
WHERE replace(replace(replace(lower($name), ' ', ''), '-', ''), '_', '') IN e.keys
MATCH (e)<-[m:MENTIONS]-(p:Paper)
// Undated papers are dropped after counting, not in the MATCH: there Neo4j would take
// `p.date <> ''` as a reason to start from every paper instead of from the one entity.
WITH e.name AS entity, left(p.date, 7) AS month, count(p) AS papers,
     sum(CASE WHEN m.role = 'proposes' THEN 1 ELSE 0 END) AS proposing
WHERE month <> ''
RETURN entity, month, papers, proposing
ORDER BY entity, month
