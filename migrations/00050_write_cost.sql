-- Fewer index writes for every record stored.
--
-- Sparse indexes. Rows added through the API or an import have no source run, and most leads,
-- contacts, drafts and prospects have not yet been contacted, posted or emailed, so these
-- indexes leave out the rows whose column is NULL. Every query that reads them compares the
-- column with a value, which SQLite knows excludes NULL, and the foreign key's ON DELETE SET
-- NULL looks runs up by value too. Each index left out is one b-tree fewer for every insert.

-- +goose Up
DROP INDEX leads_source_run_idx;
CREATE INDEX leads_source_run_idx ON leads (source_run_id) WHERE source_run_id IS NOT NULL;
DROP INDEX hoa_contacts_source_run_idx;
CREATE INDEX hoa_contacts_source_run_idx ON hoa_contacts (source_run_id) WHERE source_run_id IS NOT NULL;
DROP INDEX content_queue_source_run_idx;
CREATE INDEX content_queue_source_run_idx ON content_queue (source_run_id) WHERE source_run_id IS NOT NULL;
DROP INDEX lg_engagement_queue_source_run_idx;
CREATE INDEX lg_engagement_queue_source_run_idx ON lg_engagement_queue (source_run_id) WHERE source_run_id IS NOT NULL;
DROP INDEX lg_community_accounts_source_run_idx;
CREATE INDEX lg_community_accounts_source_run_idx ON lg_community_accounts (source_run_id) WHERE source_run_id IS NOT NULL;
DROP INDEX linkedin_prospects_source_run_idx;
CREATE INDEX linkedin_prospects_source_run_idx ON linkedin_prospects (source_run_id) WHERE source_run_id IS NOT NULL;
DROP INDEX email_prospects_source_run_idx;
CREATE INDEX email_prospects_source_run_idx ON email_prospects (source_run_id) WHERE source_run_id IS NOT NULL;
DROP INDEX quora_questions_source_run_idx;
CREATE INDEX quora_questions_source_run_idx ON quora_questions (source_run_id) WHERE source_run_id IS NOT NULL;
DROP INDEX webinars_source_run_idx;
CREATE INDEX webinars_source_run_idx ON webinars (source_run_id) WHERE source_run_id IS NOT NULL;
DROP INDEX referral_partners_source_run_idx;
CREATE INDEX referral_partners_source_run_idx ON referral_partners (source_run_id) WHERE source_run_id IS NOT NULL;
DROP INDEX leads_campaign_contacted_idx;
CREATE INDEX leads_campaign_contacted_idx ON leads (campaign_id, last_contacted_at) WHERE last_contacted_at IS NOT NULL;
DROP INDEX hoa_contacts_campaign_contacted_idx;
CREATE INDEX hoa_contacts_campaign_contacted_idx ON hoa_contacts (campaign_id, last_contacted_at) WHERE last_contacted_at IS NOT NULL;
DROP INDEX content_queue_campaign_posted_idx;
CREATE INDEX content_queue_campaign_posted_idx ON content_queue (campaign_id, posted_at) WHERE posted_at IS NOT NULL;
DROP INDEX email_prospects_campaign_first_email_idx;
CREATE INDEX email_prospects_campaign_first_email_idx ON email_prospects (campaign_id, first_email_sent_at) WHERE first_email_sent_at IS NOT NULL;
-- The word index without its own indexes of two- and three-letter prefixes: they tripled the
-- index's writes for every record stored. A search for a short prefix that is common walks the
-- listing instead of the index (see data.planSearch), and one that is rare reads the few terms
-- that start with it.
DROP TABLE search_fts;
CREATE VIRTUAL TABLE search_fts USING fts4 (content="search_docs", body);
INSERT INTO search_fts (search_fts) VALUES ('rebuild');

-- +goose Down
DROP INDEX leads_source_run_idx;
CREATE INDEX leads_source_run_idx ON leads (source_run_id);
DROP INDEX hoa_contacts_source_run_idx;
CREATE INDEX hoa_contacts_source_run_idx ON hoa_contacts (source_run_id);
DROP INDEX content_queue_source_run_idx;
CREATE INDEX content_queue_source_run_idx ON content_queue (source_run_id);
DROP INDEX lg_engagement_queue_source_run_idx;
CREATE INDEX lg_engagement_queue_source_run_idx ON lg_engagement_queue (source_run_id);
DROP INDEX lg_community_accounts_source_run_idx;
CREATE INDEX lg_community_accounts_source_run_idx ON lg_community_accounts (source_run_id);
DROP INDEX linkedin_prospects_source_run_idx;
CREATE INDEX linkedin_prospects_source_run_idx ON linkedin_prospects (source_run_id);
DROP INDEX email_prospects_source_run_idx;
CREATE INDEX email_prospects_source_run_idx ON email_prospects (source_run_id);
DROP INDEX quora_questions_source_run_idx;
CREATE INDEX quora_questions_source_run_idx ON quora_questions (source_run_id);
DROP INDEX webinars_source_run_idx;
CREATE INDEX webinars_source_run_idx ON webinars (source_run_id);
DROP INDEX referral_partners_source_run_idx;
CREATE INDEX referral_partners_source_run_idx ON referral_partners (source_run_id);
DROP INDEX leads_campaign_contacted_idx;
CREATE INDEX leads_campaign_contacted_idx ON leads (campaign_id, last_contacted_at);
DROP INDEX hoa_contacts_campaign_contacted_idx;
CREATE INDEX hoa_contacts_campaign_contacted_idx ON hoa_contacts (campaign_id, last_contacted_at);
DROP INDEX content_queue_campaign_posted_idx;
CREATE INDEX content_queue_campaign_posted_idx ON content_queue (campaign_id, posted_at);
DROP INDEX email_prospects_campaign_first_email_idx;
CREATE INDEX email_prospects_campaign_first_email_idx ON email_prospects (campaign_id, first_email_sent_at);

DROP TABLE search_fts;
CREATE VIRTUAL TABLE search_fts USING fts4 (content="search_docs", body, prefix="2,3");
INSERT INTO search_fts (search_fts) VALUES ('rebuild');
