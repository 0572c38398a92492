-- Word search over every data collection. search_docs holds one row per record with its
-- searchable fields folded into one line of words (see database.SearchFold, installed on the
-- writer as the SQL function search_fold); search_fts indexes those words. Searches for rare
-- words go through the index, searches for common ones walk the listing's own order and test
-- each row's folded line, so both stay fast on campaigns with millions of rows.
--
-- search_fts is an FTS4 table (compiled into the driver without build tags) whose content is
-- search_docs: its docid is search_docs' INTEGER PRIMARY KEY, which VACUUM and backups keep.
-- Triggers follow changes and deletions. New rows are indexed by the code that adds them, a
-- batch at a time (data.Store and data.IndexNew): an insert trigger would make SQLite keep a
-- statement journal of every page each single-row INSERT touches, which cuts bulk ingestion
-- several times over. A PostgreSQL backend would hold the same words in a tsvector column
-- with a GIN index.

-- +goose Up
CREATE TABLE search_docs (
    docid       INTEGER PRIMARY KEY,
    campaign_id TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    collection  TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    body        TEXT NOT NULL,
    UNIQUE (collection, record_id)
);
CREATE INDEX search_docs_campaign_idx ON search_docs (campaign_id, collection);

CREATE VIRTUAL TABLE search_fts USING fts4 (content="search_docs", body, prefix="2,3");

-- +goose StatementBegin
CREATE TRIGGER search_docs_insert AFTER INSERT ON search_docs BEGIN
    INSERT INTO search_fts (docid, body) VALUES (new.docid, new.body);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_docs_delete BEFORE DELETE ON search_docs BEGIN
    DELETE FROM search_fts WHERE docid = old.docid;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_docs_before_update BEFORE UPDATE OF body ON search_docs BEGIN
    DELETE FROM search_fts WHERE docid = old.docid;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_docs_after_update AFTER UPDATE OF body ON search_docs BEGIN
    INSERT INTO search_fts (docid, body) VALUES (new.docid, new.body);
END;
-- +goose StatementEnd

-- leads: name, email, phone, company, notes
-- +goose StatementBegin
CREATE TRIGGER leads_search_update AFTER UPDATE OF name, email, phone, company, notes ON leads BEGIN
    UPDATE search_docs SET body = search_fold(new.name, new.email, new.phone, new.company, new.notes)
    WHERE collection = 'leads' AND record_id = new.id
        AND body <> search_fold(new.name, new.email, new.phone, new.company, new.notes);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER leads_search_delete AFTER DELETE ON leads BEGIN
    DELETE FROM search_docs WHERE collection = 'leads' AND record_id = old.id;
END;
-- +goose StatementEnd
INSERT INTO search_docs (campaign_id, collection, record_id, body)
SELECT campaign_id, 'leads', id, search_fold(name, email, phone, company, notes) FROM leads;

-- hoa-contacts: hoa_name, contact_person, email, city, management_company, notes
-- +goose StatementBegin
CREATE TRIGGER hoa_contacts_search_update AFTER UPDATE OF hoa_name, contact_person, email, city, management_company, notes ON hoa_contacts BEGIN
    UPDATE search_docs SET body = search_fold(new.hoa_name, new.contact_person, new.email, new.city, new.management_company, new.notes)
    WHERE collection = 'hoa-contacts' AND record_id = new.id
        AND body <> search_fold(new.hoa_name, new.contact_person, new.email, new.city, new.management_company, new.notes);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER hoa_contacts_search_delete AFTER DELETE ON hoa_contacts BEGIN
    DELETE FROM search_docs WHERE collection = 'hoa-contacts' AND record_id = old.id;
END;
-- +goose StatementEnd
INSERT INTO search_docs (campaign_id, collection, record_id, body)
SELECT campaign_id, 'hoa-contacts', id, search_fold(hoa_name, contact_person, email, city, management_company, notes) FROM hoa_contacts;

-- content-queue: content, topic
-- +goose StatementBegin
CREATE TRIGGER content_queue_search_update AFTER UPDATE OF content, topic ON content_queue BEGIN
    UPDATE search_docs SET body = search_fold(new.content, new.topic)
    WHERE collection = 'content-queue' AND record_id = new.id
        AND body <> search_fold(new.content, new.topic);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER content_queue_search_delete AFTER DELETE ON content_queue BEGIN
    DELETE FROM search_docs WHERE collection = 'content-queue' AND record_id = old.id;
END;
-- +goose StatementEnd
INSERT INTO search_docs (campaign_id, collection, record_id, body)
SELECT campaign_id, 'content-queue', id, search_fold(content, topic) FROM content_queue;

-- engagement-queue: community, post_title, post_summary, draft_response
-- +goose StatementBegin
CREATE TRIGGER lg_engagement_queue_search_update AFTER UPDATE OF community, post_title, post_summary, draft_response ON lg_engagement_queue BEGIN
    UPDATE search_docs SET body = search_fold(new.community, new.post_title, new.post_summary, new.draft_response)
    WHERE collection = 'engagement-queue' AND record_id = new.id
        AND body <> search_fold(new.community, new.post_title, new.post_summary, new.draft_response);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER lg_engagement_queue_search_delete AFTER DELETE ON lg_engagement_queue BEGIN
    DELETE FROM search_docs WHERE collection = 'engagement-queue' AND record_id = old.id;
END;
-- +goose StatementEnd
INSERT INTO search_docs (campaign_id, collection, record_id, body)
SELECT campaign_id, 'engagement-queue', id, search_fold(community, post_title, post_summary, draft_response) FROM lg_engagement_queue;

-- community-accounts: community_name, rules_notes
-- +goose StatementBegin
CREATE TRIGGER lg_community_accounts_search_update AFTER UPDATE OF community_name, rules_notes ON lg_community_accounts BEGIN
    UPDATE search_docs SET body = search_fold(new.community_name, new.rules_notes)
    WHERE collection = 'community-accounts' AND record_id = new.id
        AND body <> search_fold(new.community_name, new.rules_notes);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER lg_community_accounts_search_delete AFTER DELETE ON lg_community_accounts BEGIN
    DELETE FROM search_docs WHERE collection = 'community-accounts' AND record_id = old.id;
END;
-- +goose StatementEnd
INSERT INTO search_docs (campaign_id, collection, record_id, body)
SELECT campaign_id, 'community-accounts', id, search_fold(community_name, rules_notes) FROM lg_community_accounts;

-- linkedin-prospects: full_name, title, company, notes
-- +goose StatementBegin
CREATE TRIGGER linkedin_prospects_search_update AFTER UPDATE OF full_name, title, company, notes ON linkedin_prospects BEGIN
    UPDATE search_docs SET body = search_fold(new.full_name, new.title, new.company, new.notes)
    WHERE collection = 'linkedin-prospects' AND record_id = new.id
        AND body <> search_fold(new.full_name, new.title, new.company, new.notes);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER linkedin_prospects_search_delete AFTER DELETE ON linkedin_prospects BEGIN
    DELETE FROM search_docs WHERE collection = 'linkedin-prospects' AND record_id = old.id;
END;
-- +goose StatementEnd
INSERT INTO search_docs (campaign_id, collection, record_id, body)
SELECT campaign_id, 'linkedin-prospects', id, search_fold(full_name, title, company, notes) FROM linkedin_prospects;

-- email-prospects: company_name, contact_name, email
-- +goose StatementBegin
CREATE TRIGGER email_prospects_search_update AFTER UPDATE OF company_name, contact_name, email ON email_prospects BEGIN
    UPDATE search_docs SET body = search_fold(new.company_name, new.contact_name, new.email)
    WHERE collection = 'email-prospects' AND record_id = new.id
        AND body <> search_fold(new.company_name, new.contact_name, new.email);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER email_prospects_search_delete AFTER DELETE ON email_prospects BEGIN
    DELETE FROM search_docs WHERE collection = 'email-prospects' AND record_id = old.id;
END;
-- +goose StatementEnd
INSERT INTO search_docs (campaign_id, collection, record_id, body)
SELECT campaign_id, 'email-prospects', id, search_fold(company_name, contact_name, email) FROM email_prospects;

-- quora-questions: question_text, topic_tags
-- +goose StatementBegin
CREATE TRIGGER quora_questions_search_update AFTER UPDATE OF question_text, topic_tags ON quora_questions BEGIN
    UPDATE search_docs SET body = search_fold(new.question_text, new.topic_tags)
    WHERE collection = 'quora-questions' AND record_id = new.id
        AND body <> search_fold(new.question_text, new.topic_tags);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER quora_questions_search_delete AFTER DELETE ON quora_questions BEGIN
    DELETE FROM search_docs WHERE collection = 'quora-questions' AND record_id = old.id;
END;
-- +goose StatementEnd
INSERT INTO search_docs (campaign_id, collection, record_id, body)
SELECT campaign_id, 'quora-questions', id, search_fold(question_text, topic_tags) FROM quora_questions;

-- webinars: title, topic
-- +goose StatementBegin
CREATE TRIGGER webinars_search_update AFTER UPDATE OF title, topic ON webinars BEGIN
    UPDATE search_docs SET body = search_fold(new.title, new.topic)
    WHERE collection = 'webinars' AND record_id = new.id
        AND body <> search_fold(new.title, new.topic);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER webinars_search_delete AFTER DELETE ON webinars BEGIN
    DELETE FROM search_docs WHERE collection = 'webinars' AND record_id = old.id;
END;
-- +goose StatementEnd
INSERT INTO search_docs (campaign_id, collection, record_id, body)
SELECT campaign_id, 'webinars', id, search_fold(title, topic) FROM webinars;

-- referral-partners: partner_name, contact_name, contact_email
-- +goose StatementBegin
CREATE TRIGGER referral_partners_search_update AFTER UPDATE OF partner_name, contact_name, contact_email ON referral_partners BEGIN
    UPDATE search_docs SET body = search_fold(new.partner_name, new.contact_name, new.contact_email)
    WHERE collection = 'referral-partners' AND record_id = new.id
        AND body <> search_fold(new.partner_name, new.contact_name, new.contact_email);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER referral_partners_search_delete AFTER DELETE ON referral_partners BEGIN
    DELETE FROM search_docs WHERE collection = 'referral-partners' AND record_id = old.id;
END;
-- +goose StatementEnd
INSERT INTO search_docs (campaign_id, collection, record_id, body)
SELECT campaign_id, 'referral-partners', id, search_fold(partner_name, contact_name, contact_email) FROM referral_partners;

-- Listing orders of the two collections that grow largest: each column the pages sort by,
-- led by the campaign and ended by id, the tie-breaker of keyset paging.
CREATE INDEX leads_name_sort ON leads (campaign_id, name COLLATE NOCASE, id);
CREATE INDEX leads_email_sort ON leads (campaign_id, email COLLATE NOCASE, id);
CREATE INDEX leads_company_sort ON leads (campaign_id, company COLLATE NOCASE, id);
CREATE INDEX leads_source_sort ON leads (campaign_id, source COLLATE NOCASE, id);
CREATE INDEX leads_status_sort ON leads (campaign_id, status, id);
CREATE INDEX leads_score_sort ON leads (campaign_id, score, id);
CREATE INDEX leads_updated_sort ON leads (campaign_id, updated_at, id);
CREATE INDEX hoa_contacts_name_sort ON hoa_contacts (campaign_id, hoa_name COLLATE NOCASE, id);
CREATE INDEX hoa_contacts_person_sort
    ON hoa_contacts (campaign_id, contact_person COLLATE NOCASE, id);
CREATE INDEX hoa_contacts_email_sort ON hoa_contacts (campaign_id, email COLLATE NOCASE, id);
CREATE INDEX hoa_contacts_city_sort ON hoa_contacts (campaign_id, city COLLATE NOCASE, id);
CREATE INDEX hoa_contacts_status_sort ON hoa_contacts (campaign_id, status, id);
CREATE INDEX hoa_contacts_confidence_sort ON hoa_contacts (campaign_id, confidence_score, id);
CREATE INDEX hoa_contacts_updated_sort ON hoa_contacts (campaign_id, updated_at, id);

-- +goose Down
DROP INDEX hoa_contacts_updated_sort;
DROP INDEX hoa_contacts_confidence_sort;
DROP INDEX hoa_contacts_status_sort;
DROP INDEX hoa_contacts_city_sort;
DROP INDEX hoa_contacts_email_sort;
DROP INDEX hoa_contacts_person_sort;
DROP INDEX hoa_contacts_name_sort;
DROP INDEX leads_updated_sort;
DROP INDEX leads_score_sort;
DROP INDEX leads_status_sort;
DROP INDEX leads_source_sort;
DROP INDEX leads_company_sort;
DROP INDEX leads_email_sort;
DROP INDEX leads_name_sort;
DROP TRIGGER leads_search_update;
DROP TRIGGER leads_search_delete;
DROP TRIGGER hoa_contacts_search_update;
DROP TRIGGER hoa_contacts_search_delete;
DROP TRIGGER content_queue_search_update;
DROP TRIGGER content_queue_search_delete;
DROP TRIGGER lg_engagement_queue_search_update;
DROP TRIGGER lg_engagement_queue_search_delete;
DROP TRIGGER lg_community_accounts_search_update;
DROP TRIGGER lg_community_accounts_search_delete;
DROP TRIGGER linkedin_prospects_search_update;
DROP TRIGGER linkedin_prospects_search_delete;
DROP TRIGGER email_prospects_search_update;
DROP TRIGGER email_prospects_search_delete;
DROP TRIGGER quora_questions_search_update;
DROP TRIGGER quora_questions_search_delete;
DROP TRIGGER webinars_search_update;
DROP TRIGGER webinars_search_delete;
DROP TRIGGER referral_partners_search_update;
DROP TRIGGER referral_partners_search_delete;
DROP TRIGGER search_docs_after_update;
DROP TRIGGER search_docs_before_update;
DROP TRIGGER search_docs_delete;
DROP TRIGGER search_docs_insert;
DROP TABLE search_fts;
DROP TABLE search_docs;
