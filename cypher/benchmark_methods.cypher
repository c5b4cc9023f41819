// Benchmarks and the methods or models evaluated on them: for each benchmark, what the papers
// evaluating on it propose, with how many such papers.
// @param benchmark = "" -- restrict to one benchmark name; empty for all
// @example kg query -f cypher/benchmark_methods.cypher --param benchmark=MMLU
MATCH (b:Entity)
WHERE b.type = 'benchmark' AND ($benchmark = '' OR b.name = $benchmark)
MATCH (b)<-[ev:MENTIONS]-(p:Paper)
WHERE ev.role = 'evaluates_on'
// The filters sit in WITHs on purpose: LadybugDB 0.22 gets the rows wrong when a MATCH that
// filters a relationship property is followed directly by a MATCH from its nodes, and drops
// `pr.role = ...` when it shares a MATCH's WHERE with `m.type IN [...]`.
WITH b, p
MATCH (p)-[pr:MENTIONS]->(m:Entity)
WITH b, p, pr, m
WHERE pr.role = 'proposes' AND m.type IN ['method', 'model']
RETURN b.name AS benchmark, m.name AS proposed, m.type AS type, count(DISTINCT p) AS papers
ORDER BY benchmark, papers DESC, proposed
