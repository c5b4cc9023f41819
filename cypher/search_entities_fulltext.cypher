// Neo4j only (uses the full-text index `entity_names`, which the embedded store lacks):
// entities whose name or aliases match a Lucene full-text query, best score first.
// @param q = "optimization" -- a Lucene query, e.g. "llama*" or "low rank"
// @param limit = 10 -- how many entities
// @example kg query -f cypher/search_entities_fulltext.cypher --neo4j-uri bolt://127.0.0.1:7687 --param q="qwen*"
CALL db.index.fulltext.queryNodes('entity_names', $q) YIELD node, score
RETURN node.name AS entity, node.type AS type, round(score, 4) AS score
ORDER BY score DESC, entity
LIMIT $limit
