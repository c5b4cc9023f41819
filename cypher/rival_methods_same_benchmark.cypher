// Papers proposing a method that is evaluated on the same benchmark as a given paper:
// rivals of that paper, with the shared benchmark.
// @param paper = "t-166e7710c33ffbfb" -- the paper id (default: a paper of examples/)
// @example kg query -f cypher/rival_methods_same_benchmark.cypher --param paper=t-c185fca49447b5ff
MATCH (a:Paper {id: $paper})-[ea:MENTIONS]->(b:Entity)
WHERE b.type = 'benchmark'
MATCH (b)<-[eq:MENTIONS]-(q:Paper)
MATCH (q)-[pr:MENTIONS]->(m:Entity)
// All filters in one WITH after the MATCHes, on purpose: LadybugDB 0.22 drops rows when a
// MATCH that filters a relationship property is followed by a MATCH from its nodes.
WITH a, ea, b, eq, q, pr, m
WHERE ea.role = 'evaluates_on' AND q.id <> a.id AND eq.role = 'evaluates_on'
  AND pr.role = 'proposes' AND m.type = 'method'
RETURN q.id AS paper, q.title AS title, m.name AS method, b.name AS benchmark
ORDER BY paper, method, benchmark
