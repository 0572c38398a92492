-- Indexes for cross-campaign reads. By time alone, for the cross-campaign overview: it sums the last two weeks of every
-- visible campaign in one pass per table instead of one probe per campaign and column.

-- +goose Up
-- The campaign list walks names in order and filters on status without visiting the table.
DROP INDEX campaigns_name_idx;
CREATE INDEX campaigns_name_idx ON campaigns (name, id, status);
CREATE INDEX runs_time_idx ON runs (created_at, campaign_id);
CREATE INDEX leads_time_idx ON leads (created_at, campaign_id);
CREATE INDEX hoa_contacts_time_idx ON hoa_contacts (created_at, campaign_id);
CREATE INDEX campaign_metrics_date_idx ON campaign_metrics (date, campaign_id);

-- +goose Down
DROP INDEX campaigns_name_idx;
CREATE INDEX campaigns_name_idx ON campaigns (name, id);
DROP INDEX campaign_metrics_date_idx;
DROP INDEX hoa_contacts_time_idx;
DROP INDEX leads_time_idx;
DROP INDEX runs_time_idx;
