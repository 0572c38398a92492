-- Indexes for the daily metrics rollup, the activity feed and the audit log.

-- +goose Up
-- A run counts on the day it ended; a run imported without an end time counts on the day it
-- was created. The rollup reads one campaign-day of ended runs through this range.
CREATE INDEX runs_campaign_ended_idx ON runs (campaign_id, COALESCE(finished_at, created_at))
    WHERE status IN ('completed', 'failed', 'timeout', 'cancelled');
-- The admin's audit page filters by outcome, and failures are rare among many successes.
CREATE INDEX audit_log_outcome_idx ON audit_log (outcome, created_at, id);

-- +goose Down
DROP INDEX audit_log_outcome_idx;
DROP INDEX runs_campaign_ended_idx;
