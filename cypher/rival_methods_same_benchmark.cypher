// Papers proposing a method that is evaluated on the same benchmark as a given paper:
// rivals of that paper, with the shared benchmark.
// @param paper = "2405.00044" -- the paper id
// @example kg query -f cypher/rival_methods_same_benchmark.cypher --param paper=2409.01234
MATCH (a:Paper)-[ea:MENTIONS]->(b:Entity)
WHERE a.id = $paper AND b.type = 'benchmark' AND ea.role = 'evaluates_on'
MATCH (q:Paper)-[eq:MENTIONS]->(b)
WHERE q.id <> a.id AND eq.role = 'evaluates_on'
MATCH (q)-[pr:MENTIONS]->(m:Entity)
WHERE pr.role = 'proposes' AND m.type = 'method'
RETURN q.id AS paper, q.title AS title, m.name AS method, b.name AS benchmark
ORDER BY paper, method, benchmark
