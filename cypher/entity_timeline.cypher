// An entity's timeline: how many papers mention it per month, and in how many of those it is
// proposed. Papers without a date are left out.
// @param name = "LoRA" -- entity name or alias (case, space and hyphen blind)
// @example kg query -f cypher/entity_timeline.cypher --param name=GRPO
MATCH (p:Paper)-[m:MENTIONS]->(e:Entity)
WHERE replace(replace(replace(lower($name), ' ', ''), '-', ''), '_', '') IN e.keys AND p.date <> ''
RETURN e.name AS entity, left(p.date, 7) AS month, count(p) AS papers,
       sum(CASE WHEN m.role = 'proposes' THEN 1 ELSE 0 END) AS proposing
ORDER BY entity, month
