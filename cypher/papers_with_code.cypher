// Papers with code: papers that link a GitHub repository or a project URL as their code.
// @param type = "" -- "github" or "url" to keep one kind of link; empty for both
// @example kg query -f cypher/papers_with_code.cypher --param type=github
MATCH (p:Paper)-[m:MENTIONS]->(c:Entity)
WHERE m.role = 'code' AND c.type IN ['github', 'url'] AND ($type = '' OR c.type = $type)
RETURN p.id AS paper, p.title AS title, c.type AS kind, c.name AS code
ORDER BY paper, code
