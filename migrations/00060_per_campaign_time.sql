-- The overview counts each campaign's new leads and contacts through the tables'
-- (campaign_id, created_at) indexes, so the indexes by time alone are no longer read, and
-- every lead or contact stored no longer pays for one.

-- +goose Up
DROP INDEX leads_time_idx;
DROP INDEX hoa_contacts_time_idx;

-- +goose Down
CREATE INDEX leads_time_idx ON leads (created_at, campaign_id);
CREATE INDEX hoa_contacts_time_idx ON hoa_contacts (created_at, campaign_id);
