// Benchmarks by how many papers evaluate on them, with how many distinct methods and models
// those papers use or propose.
// @param min_papers = 1 -- leave out benchmarks with fewer evaluating papers
// @example kg query -f cypher/benchmark_leaderboard.cypher --param min_papers=2
MATCH (p:Paper)-[ev:MENTIONS]->(b:Entity)
WHERE b.type = 'benchmark' AND ev.role = 'evaluates_on'
WITH b, count(DISTINCT p) AS papers
WHERE papers >= $min_papers
OPTIONAL MATCH (b)<-[ev2:MENTIONS]-(q:Paper)-[:MENTIONS]->(m:Entity)
WHERE ev2.role = 'evaluates_on' AND m.type IN ['method', 'model']
RETURN b.name AS benchmark, papers, count(DISTINCT m) AS systems
ORDER BY papers DESC, benchmark
