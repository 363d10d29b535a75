-- monthly_reports keeps one index, its primary key (period, project_id, version). An import writes its rows in
-- period order; the second index, led by the project (002), took each row to another place in it: a
-- 1,000,000-row import spent longer on that index than on the whole rest of its COPY (stats_bench: 3.2 s against
-- 2.0 s without it). A project's figures across periods are read period by period through the primary key instead
-- (StatsStatements: list_official, list_latest, project_months), one probe per month.
DROP INDEX IF EXISTS stats.monthly_reports_by_project;
