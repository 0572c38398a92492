-- Running agents: budgets per campaign, how many runs of one agent may go at once, the
-- records a run's result offered that could not be stored, and an index for the run queue.

-- +goose Up
ALTER TABLE campaigns ADD COLUMN daily_budget_usd REAL;
ALTER TABLE campaigns ADD COLUMN monthly_budget_usd REAL;
-- The day and the month (YYYY-MM-DD, YYYY-MM in the campaign's zone) the feed was last
-- warned of spending 80 % of each budget, so that it is warned once.
ALTER TABLE campaigns ADD COLUMN budget_warned_day TEXT;
ALTER TABLE campaigns ADD COLUMN budget_warned_month TEXT;

ALTER TABLE agents ADD COLUMN max_concurrent_runs INTEGER NOT NULL DEFAULT 1
    CHECK (max_concurrent_runs BETWEEN 1 AND 100);

ALTER TABLE runs ADD COLUMN rejected_records TEXT NOT NULL DEFAULT '[]';
ALTER TABLE runs ADD COLUMN log_bytes INTEGER NOT NULL DEFAULT 0;
-- Runs waiting or going, oldest first, across campaigns: the queue the engine draws from and
-- what a restart finds interrupted.
CREATE INDEX runs_active_idx ON runs (status, created_at) WHERE status IN ('pending', 'running');
-- A campaign's spending by time, for its budgets.
CREATE INDEX runs_campaign_cost_idx ON runs (campaign_id, created_at, cost_usd);

-- +goose Down
DROP INDEX runs_campaign_cost_idx;
DROP INDEX runs_active_idx;
ALTER TABLE runs DROP COLUMN log_bytes;
ALTER TABLE runs DROP COLUMN rejected_records;
ALTER TABLE agents DROP COLUMN max_concurrent_runs;
ALTER TABLE campaigns DROP COLUMN budget_warned_month;
ALTER TABLE campaigns DROP COLUMN budget_warned_day;
ALTER TABLE campaigns DROP COLUMN monthly_budget_usd;
ALTER TABLE campaigns DROP COLUMN daily_budget_usd;
