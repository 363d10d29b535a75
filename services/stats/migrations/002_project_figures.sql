-- One project's figures across periods (the project's page, OC4IDS metrics) without scanning every period.
CREATE INDEX monthly_reports_by_project ON stats.monthly_reports (project_id, period, version);
