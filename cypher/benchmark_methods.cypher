// Benchmarks and the methods or models evaluated on them: for each benchmark, what the papers
// evaluating on it propose, with how many such papers.
// @param benchmark = "" -- restrict to one benchmark name; empty for all
// @example kg query -f cypher/benchmark_methods.cypher --param benchmark=MMLU
MATCH (p:Paper)-[ev:MENTIONS]->(b:Entity)
WHERE b.type = 'benchmark' AND ev.role = 'evaluates_on' AND ($benchmark = '' OR b.name = $benchmark)
MATCH (p)-[pr:MENTIONS]->(m:Entity)
// The filter sits in a WITH on purpose: LadybugDB 0.22 drops `pr.role = ...` when it shares
// a MATCH's WHERE with `m.type IN [...]` here, returning papers that merely use the method.
WITH b, p, pr, m
WHERE pr.role = 'proposes' AND m.type IN ['method', 'model']
RETURN b.name AS benchmark, m.name AS proposed, m.type AS type, count(DISTINCT p) AS papers
ORDER BY benchmark, papers DESC, proposed
