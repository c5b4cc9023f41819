// Trending entities: those whose share of papers rose in the last days, against the papers before.
// The window is the newest $days days that have papers in the graph (Daily Papers appear on
// weekdays, so 5 is about a week), or every day from $since when it is set (YYYY-MM-DD).
// papers_in_window / papers_before count the papers mentioning the entity; pct_* are the
// shares of all dated papers in each period, and gain is how many percentage points the share
// rose (an entity new in the window gains its whole share). Undated papers are left out.
// @param days = 7 -- how many of the newest days with papers form the window
// @param since = "" -- or the first day of the window (YYYY-MM-DD); "" to use days
// @param min_papers = 2 -- only entities that at least this many papers in the window mention
// @param limit = 20 -- how many entities to list
// @example kg query -f cypher/trending_entities.cypher
// @example kg query -f cypher/trending_entities.cypher --param days=5 --param min_papers=3
// @example kg query -f cypher/trending_entities.cypher --param since=2025-01-06
MATCH (d:Paper)
WHERE d.date > ''
// The newest $days days: those with fewer than $days newer days (LadybugDB drops the order
// of an ORDER BY ... LIMIT before an aggregate, so the days are ranked by counting).
WITH collect(DISTINCT left(d.date, 10)) AS days
UNWIND days AS day
UNWIND days AS other
WITH day, sum(CASE WHEN other > day THEN 1 ELSE 0 END) AS newer
WHERE newer < $days
WITH min(day) AS oldest
WITH CASE WHEN $since <> '' THEN $since ELSE oldest END AS first_day
MATCH (q:Paper)
WHERE q.date > ''
WITH first_day,
     sum(CASE WHEN left(q.date, 10) >= first_day THEN 1 ELSE 0 END) AS window_total,
     sum(CASE WHEN left(q.date, 10) < first_day THEN 1 ELSE 0 END) AS before_total
MATCH (e:Entity)<-[:MENTIONS]-(p:Paper)
WHERE p.date > ''
WITH first_day, window_total, before_total, e,
     sum(CASE WHEN left(p.date, 10) >= first_day THEN 1 ELSE 0 END) AS in_window,
     sum(CASE WHEN left(p.date, 10) < first_day THEN 1 ELSE 0 END) AS before
WHERE in_window >= $min_papers AND in_window > 0
WITH first_day, e, in_window, before,
     1.0 * in_window / window_total AS share_window,
     CASE WHEN before_total > 0 THEN 1.0 * before / before_total ELSE 0.0 END AS share_before
WHERE share_window > share_before
RETURN e.name AS entity, e.type AS type, in_window AS papers_in_window, before AS papers_before,
       round(100.0 * share_window, 1) AS pct_window, round(100.0 * share_before, 1) AS pct_before,
       round(100.0 * (share_window - share_before), 1) AS gain, first_day AS window_start, e.key AS key
ORDER BY gain DESC, papers_in_window DESC, entity, key
LIMIT $limit
