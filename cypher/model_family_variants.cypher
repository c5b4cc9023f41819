// Variants of a model family (VARIANT_OF links), with how many papers mention each variant.
// @param family = "" -- family name, e.g. "Llama-3"; empty for every family
// @example kg query -f cypher/model_family_variants.cypher --param family=Qwen2.5
MATCH (v:Entity)-[:VARIANT_OF]->(f:Entity)
WHERE $family = '' OR f.name = $family
OPTIONAL MATCH (v)<-[:MENTIONS]-(p:Paper)
RETURN f.name AS family, v.name AS variant, count(p) AS papers
ORDER BY family, papers DESC, variant
