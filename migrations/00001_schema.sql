-- The whole ClawOps schema. Times are stored as UTC text in the fixed-width form
-- YYYY-MM-DDTHH:MM:SS.mmmZ so that they sort as text; JSON columns hold text.

-- +goose Up

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'member')),
    disabled_at   TEXT,
    last_login_at TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE campaigns (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    company     TEXT NOT NULL,
    slug        TEXT NOT NULL,
    type        TEXT NOT NULL DEFAULT 'other'
        CHECK (type IN ('lead-gen', 'marketing', 'outreach', 'content', 'social', 'trading', 'other')),
    status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'archived')),
    color       TEXT NOT NULL DEFAULT '#3B82F6',
    icon        TEXT NOT NULL DEFAULT '🎯',
    description TEXT NOT NULL DEFAULT '',
    timezone    TEXT NOT NULL DEFAULT 'UTC',
    quiet_start TEXT,
    quiet_end   TEXT,
    config      TEXT NOT NULL DEFAULT '{}',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    archived_at TEXT
);
CREATE UNIQUE INDEX campaigns_slug_key ON campaigns (slug);
CREATE INDEX campaigns_status_name_idx ON campaigns (status, name, id);
CREATE INDEX campaigns_name_idx ON campaigns (name, id);

CREATE TABLE campaign_members (
    campaign_id TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('owner', 'operator', 'viewer')),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (campaign_id, user_id)
);
CREATE INDEX campaign_members_user_idx ON campaign_members (user_id, campaign_id);

-- Browser sessions (scs). user_id lets a person list and end their own sessions.
CREATE TABLE sessions (
    token   TEXT PRIMARY KEY,
    data    BLOB NOT NULL,
    expiry  TEXT NOT NULL,
    user_id TEXT
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Bearer tokens: kind 'login' from POST /api/auth/login, kind 'api' created by a person.
CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('login', 'api')),
    name         TEXT NOT NULL DEFAULT '',
    token_hash   TEXT NOT NULL,
    campaign_id  TEXT REFERENCES campaigns (id) ON DELETE CASCADE,
    role         TEXT CHECK (role IS NULL OR role IN ('owner', 'operator', 'viewer')),
    expires_at   TEXT,
    last_used_at TEXT,
    revoked_at   TEXT,
    created_at   TEXT NOT NULL
);
CREATE UNIQUE INDEX api_tokens_hash_key ON api_tokens (token_hash);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, kind, created_at);

CREATE TABLE audit_log (
    id          TEXT PRIMARY KEY,
    created_at  TEXT NOT NULL,
    user_id     TEXT,
    token_id    TEXT,
    action      TEXT NOT NULL,
    resource    TEXT NOT NULL DEFAULT '',
    campaign_id TEXT,
    method      TEXT NOT NULL DEFAULT '',
    path        TEXT NOT NULL DEFAULT '',
    status      INTEGER NOT NULL DEFAULT 0,
    outcome     TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
    ip          TEXT NOT NULL DEFAULT '',
    request_id  TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_time_idx ON audit_log (created_at, id);
CREATE INDEX audit_log_campaign_idx ON audit_log (campaign_id, created_at, id);
CREATE INDEX audit_log_user_idx ON audit_log (user_id, created_at, id);
CREATE INDEX audit_log_action_idx ON audit_log (action, created_at, id);

CREATE TABLE campaign_metrics (
    campaign_id      TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    date             TEXT NOT NULL,
    leads_generated  INTEGER NOT NULL DEFAULT 0,
    leads_contacted  INTEGER NOT NULL DEFAULT 0,
    emails_sent      INTEGER NOT NULL DEFAULT 0,
    emails_opened    INTEGER NOT NULL DEFAULT 0,
    replies_received INTEGER NOT NULL DEFAULT 0,
    agent_runs       INTEGER NOT NULL DEFAULT 0,
    agent_errors     INTEGER NOT NULL DEFAULT 0,
    cost_usd         REAL NOT NULL DEFAULT 0,
    custom           TEXT NOT NULL DEFAULT '{}',
    updated_at       TEXT NOT NULL,
    PRIMARY KEY (campaign_id, date)
);

CREATE TABLE campaign_activity (
    id          TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    type        TEXT NOT NULL,
    severity    TEXT NOT NULL DEFAULT 'info'
        CHECK (severity IN ('info', 'success', 'warning', 'error')),
    title       TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '',
    agent_id    TEXT,
    run_id      TEXT,
    user_id     TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX campaign_activity_time_idx ON campaign_activity (campaign_id, created_at, id);
CREATE INDEX campaign_activity_type_idx ON campaign_activity (campaign_id, type, created_at, id);
CREATE INDEX campaign_activity_severity_idx
    ON campaign_activity (campaign_id, severity, created_at, id);

CREATE TABLE agent_templates (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    category         TEXT NOT NULL DEFAULT 'other',
    executor         TEXT NOT NULL DEFAULT '{}',
    default_config   TEXT NOT NULL DEFAULT '{}',
    default_schedule TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE UNIQUE INDEX agent_templates_name_key ON agent_templates (name);

CREATE TABLE agents (
    id              TEXT PRIMARY KEY,
    campaign_id     TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    template_id     TEXT REFERENCES agent_templates (id) ON DELETE SET NULL,
    name            TEXT NOT NULL,
    executor        TEXT NOT NULL DEFAULT '{}',
    config          TEXT NOT NULL DEFAULT '{}',
    status          TEXT NOT NULL DEFAULT 'idle'
        CHECK (status IN ('idle', 'running', 'paused', 'error', 'disabled')),
    run_count       INTEGER NOT NULL DEFAULT 0,
    error_count     INTEGER NOT NULL DEFAULT 0,
    last_run_at     TEXT,
    last_run_status TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX agents_campaign_name_key ON agents (campaign_id, name);
CREATE INDEX agents_campaign_status_idx ON agents (campaign_id, status);
CREATE INDEX agents_template_idx ON agents (template_id);

CREATE TABLE schedules (
    id              TEXT PRIMARY KEY,
    campaign_id     TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    agent_id        TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    cron            TEXT NOT NULL,
    timezone        TEXT,
    message         TEXT NOT NULL DEFAULT '',
    enabled         INTEGER NOT NULL DEFAULT 0,
    overlap_policy  TEXT NOT NULL DEFAULT 'skip' CHECK (overlap_policy IN ('skip', 'allow')),
    catch_up_policy TEXT NOT NULL DEFAULT 'latest'
        CHECK (catch_up_policy IN ('skip', 'latest', 'all')),
    catch_up_cap    INTEGER NOT NULL DEFAULT 10,
    next_run_at     TEXT,
    last_run_at     TEXT,
    last_run_status TEXT,
    last_run_id     TEXT,
    note            TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX schedules_campaign_name_idx ON schedules (campaign_id, name, id);
CREATE INDEX schedules_campaign_agent_idx ON schedules (campaign_id, agent_id);
CREATE INDEX schedules_due_idx ON schedules (enabled, next_run_at);

CREATE TABLE runs (
    id               TEXT PRIMARY KEY,
    campaign_id      TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    agent_id         TEXT REFERENCES agents (id) ON DELETE SET NULL,
    agent_name       TEXT NOT NULL DEFAULT '',
    schedule_id      TEXT REFERENCES schedules (id) ON DELETE SET NULL,
    trigger          TEXT NOT NULL CHECK (trigger IN ('manual', 'scheduled', 'api', 'retry')),
    status           TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled', 'timeout')),
    message          TEXT NOT NULL DEFAULT '',
    idempotency_key  TEXT,
    retry_of         TEXT,
    fire_at          TEXT,
    started_at       TEXT,
    finished_at      TEXT,
    duration_ms      INTEGER,
    tokens_used      INTEGER NOT NULL DEFAULT 0,
    cost_usd         REAL NOT NULL DEFAULT 0,
    output           TEXT NOT NULL DEFAULT '',
    error            TEXT NOT NULL DEFAULT '',
    records_ingested TEXT NOT NULL DEFAULT '{}',
    metrics          TEXT NOT NULL DEFAULT '{}',
    requested_by     TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX runs_campaign_time_idx ON runs (campaign_id, created_at, id);
CREATE INDEX runs_campaign_status_idx ON runs (campaign_id, status, created_at, id);
CREATE INDEX runs_campaign_agent_idx ON runs (campaign_id, agent_id, created_at, id);
CREATE INDEX runs_campaign_trigger_idx ON runs (campaign_id, trigger, created_at, id);
CREATE INDEX runs_campaign_schedule_idx ON runs (campaign_id, schedule_id, created_at, id);
CREATE UNIQUE INDEX runs_idempotency_key ON runs (campaign_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
-- Each scheduled fire is claimed once: a second claim of the same fire time fails.
CREATE UNIQUE INDEX runs_schedule_fire_key ON runs (schedule_id, fire_at)
    WHERE fire_at IS NOT NULL;

CREATE TABLE run_logs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    run_id      TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    stream      TEXT NOT NULL DEFAULT 'stderr',
    line        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX run_logs_run_seq_key ON run_logs (campaign_id, run_id, seq);

-- The ten campaign data tables. natural_key is the deduplication key of the collection
-- (NULL where a collection has none) and is unique within a campaign.

CREATE TABLE leads (
    id                TEXT PRIMARY KEY,
    campaign_id       TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    source_run_id     TEXT REFERENCES runs (id) ON DELETE SET NULL,
    natural_key       TEXT,
    source            TEXT NOT NULL DEFAULT '',
    name              TEXT NOT NULL DEFAULT '',
    email             TEXT NOT NULL DEFAULT '',
    phone             TEXT NOT NULL DEFAULT '',
    company           TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL DEFAULT 'new'
        CHECK (status IN ('new', 'contacted', 'qualified', 'converted', 'dead')),
    score             INTEGER NOT NULL DEFAULT 0,
    assigned_to       TEXT NOT NULL DEFAULT '',
    last_contacted_at TEXT,
    next_follow_up_at TEXT,
    follow_up_count   INTEGER NOT NULL DEFAULT 0,
    converted_at      TEXT,
    conversion_value  REAL,
    notes             TEXT NOT NULL DEFAULT '',
    raw_data          TEXT NOT NULL DEFAULT '{}',
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE UNIQUE INDEX leads_natural_key ON leads (campaign_id, natural_key)
    WHERE natural_key IS NOT NULL;
CREATE INDEX leads_campaign_time_idx ON leads (campaign_id, created_at, id);
CREATE INDEX leads_campaign_status_idx ON leads (campaign_id, status, created_at, id);
CREATE INDEX leads_campaign_contacted_idx ON leads (campaign_id, last_contacted_at);
CREATE INDEX leads_source_run_idx ON leads (source_run_id);

CREATE TABLE hoa_contacts (
    id                 TEXT PRIMARY KEY,
    campaign_id        TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    source_run_id      TEXT REFERENCES runs (id) ON DELETE SET NULL,
    natural_key        TEXT,
    hoa_name           TEXT NOT NULL,
    entity_number      TEXT NOT NULL DEFAULT '',
    contact_person     TEXT NOT NULL DEFAULT '',
    title              TEXT NOT NULL DEFAULT '',
    email              TEXT NOT NULL DEFAULT '',
    phone              TEXT NOT NULL DEFAULT '',
    property_address   TEXT NOT NULL DEFAULT '',
    city               TEXT NOT NULL DEFAULT '',
    state              TEXT NOT NULL DEFAULT '',
    zip                TEXT NOT NULL DEFAULT '',
    unit_count         INTEGER,
    management_company TEXT NOT NULL DEFAULT '',
    source_url         TEXT NOT NULL DEFAULT '',
    source_type        TEXT NOT NULL DEFAULT '',
    confidence_score   INTEGER NOT NULL DEFAULT 50,
    status             TEXT NOT NULL DEFAULT 'new'
        CHECK (status IN ('new', 'contacted', 'qualified', 'disqualified')),
    notes              TEXT NOT NULL DEFAULT '',
    last_contacted_at  TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE UNIQUE INDEX hoa_contacts_natural_key ON hoa_contacts (campaign_id, natural_key)
    WHERE natural_key IS NOT NULL;
CREATE INDEX hoa_contacts_campaign_time_idx ON hoa_contacts (campaign_id, created_at, id);
CREATE INDEX hoa_contacts_campaign_status_idx
    ON hoa_contacts (campaign_id, status, created_at, id);
CREATE INDEX hoa_contacts_campaign_contacted_idx ON hoa_contacts (campaign_id, last_contacted_at);
CREATE INDEX hoa_contacts_source_run_idx ON hoa_contacts (source_run_id);

CREATE TABLE content_queue (
    id               TEXT PRIMARY KEY,
    campaign_id      TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    source_run_id    TEXT REFERENCES runs (id) ON DELETE SET NULL,
    natural_key      TEXT,
    platform         TEXT NOT NULL DEFAULT 'facebook',
    post_type        TEXT NOT NULL DEFAULT 'page',
    content          TEXT NOT NULL,
    topic            TEXT NOT NULL DEFAULT '',
    source_agent     TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'approved', 'rejected', 'posted', 'failed', 'skipped')),
    scheduled_for    TEXT,
    approved_at      TEXT,
    posted_at        TEXT,
    external_post_id TEXT NOT NULL DEFAULT '',
    error_message    TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE UNIQUE INDEX content_queue_natural_key ON content_queue (campaign_id, natural_key)
    WHERE natural_key IS NOT NULL;
CREATE INDEX content_queue_campaign_time_idx ON content_queue (campaign_id, created_at, id);
CREATE INDEX content_queue_campaign_status_idx
    ON content_queue (campaign_id, status, created_at, id);
CREATE INDEX content_queue_campaign_posted_idx ON content_queue (campaign_id, posted_at);
CREATE INDEX content_queue_source_run_idx ON content_queue (source_run_id);

CREATE TABLE lg_engagement_queue (
    id                   TEXT PRIMARY KEY,
    campaign_id          TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    source_run_id        TEXT REFERENCES runs (id) ON DELETE SET NULL,
    natural_key          TEXT,
    platform             TEXT NOT NULL,
    community            TEXT NOT NULL DEFAULT '',
    post_url             TEXT NOT NULL,
    post_title           TEXT NOT NULL DEFAULT '',
    post_summary         TEXT NOT NULL DEFAULT '',
    post_author          TEXT NOT NULL DEFAULT '',
    post_age_hours       INTEGER,
    relevance_score      INTEGER NOT NULL DEFAULT 0,
    recommended_template TEXT NOT NULL DEFAULT '',
    draft_response       TEXT NOT NULL DEFAULT '',
    includes_link        INTEGER NOT NULL DEFAULT 0,
    link_url             TEXT NOT NULL DEFAULT '',
    status               TEXT NOT NULL DEFAULT 'pending_review'
        CHECK (status IN ('pending_review', 'approved', 'rejected', 'posted', 'expired')),
    approved_at          TEXT,
    posted_at            TEXT,
    engagement_likes     INTEGER NOT NULL DEFAULT 0,
    engagement_replies   INTEGER NOT NULL DEFAULT 0,
    engagement_clicks    INTEGER NOT NULL DEFAULT 0,
    notes                TEXT NOT NULL DEFAULT '',
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE UNIQUE INDEX lg_engagement_queue_natural_key
    ON lg_engagement_queue (campaign_id, natural_key) WHERE natural_key IS NOT NULL;
CREATE INDEX lg_engagement_queue_campaign_time_idx
    ON lg_engagement_queue (campaign_id, created_at, id);
CREATE INDEX lg_engagement_queue_campaign_status_idx
    ON lg_engagement_queue (campaign_id, status, created_at, id);
CREATE INDEX lg_engagement_queue_source_run_idx ON lg_engagement_queue (source_run_id);

CREATE TABLE lg_community_accounts (
    id             TEXT PRIMARY KEY,
    campaign_id    TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    source_run_id  TEXT REFERENCES runs (id) ON DELETE SET NULL,
    natural_key    TEXT,
    platform       TEXT NOT NULL,
    community_name TEXT NOT NULL,
    community_url  TEXT NOT NULL DEFAULT '',
    member_count   INTEGER,
    our_status     TEXT NOT NULL DEFAULT 'discovered',
    joined_at      TEXT,
    posts_made     INTEGER NOT NULL DEFAULT 0,
    avg_engagement REAL NOT NULL DEFAULT 0,
    last_scanned   TEXT,
    rules_notes    TEXT NOT NULL DEFAULT '',
    is_active      INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX lg_community_accounts_natural_key
    ON lg_community_accounts (campaign_id, natural_key) WHERE natural_key IS NOT NULL;
CREATE INDEX lg_community_accounts_campaign_time_idx
    ON lg_community_accounts (campaign_id, created_at, id);
CREATE INDEX lg_community_accounts_campaign_status_idx
    ON lg_community_accounts (campaign_id, our_status, created_at, id);
CREATE INDEX lg_community_accounts_source_run_idx ON lg_community_accounts (source_run_id);

CREATE TABLE linkedin_prospects (
    id                    TEXT PRIMARY KEY,
    campaign_id           TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    source_run_id         TEXT REFERENCES runs (id) ON DELETE SET NULL,
    natural_key           TEXT,
    linkedin_url          TEXT NOT NULL,
    full_name             TEXT NOT NULL DEFAULT '',
    title                 TEXT NOT NULL DEFAULT '',
    company               TEXT NOT NULL DEFAULT '',
    location              TEXT NOT NULL DEFAULT '',
    connection_status     TEXT NOT NULL DEFAULT 'pending',
    first_message_sent_at TEXT,
    last_interaction_at   TEXT,
    response_count        INTEGER NOT NULL DEFAULT 0,
    lead_score            INTEGER NOT NULL DEFAULT 0,
    notes                 TEXT NOT NULL DEFAULT '',
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE UNIQUE INDEX linkedin_prospects_natural_key
    ON linkedin_prospects (campaign_id, natural_key) WHERE natural_key IS NOT NULL;
CREATE INDEX linkedin_prospects_campaign_time_idx
    ON linkedin_prospects (campaign_id, created_at, id);
CREATE INDEX linkedin_prospects_campaign_status_idx
    ON linkedin_prospects (campaign_id, connection_status, created_at, id);
CREATE INDEX linkedin_prospects_source_run_idx ON linkedin_prospects (source_run_id);

CREATE TABLE email_prospects (
    id                  TEXT PRIMARY KEY,
    campaign_id         TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    source_run_id       TEXT REFERENCES runs (id) ON DELETE SET NULL,
    natural_key         TEXT,
    company_name        TEXT NOT NULL DEFAULT '',
    contact_name        TEXT NOT NULL DEFAULT '',
    email               TEXT NOT NULL,
    phone               TEXT NOT NULL DEFAULT '',
    website             TEXT NOT NULL DEFAULT '',
    hoas_managed        INTEGER,
    state_code          TEXT NOT NULL DEFAULT '',
    source              TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL DEFAULT 'new',
    first_email_sent_at TEXT,
    last_contacted_at   TEXT,
    open_count          INTEGER NOT NULL DEFAULT 0,
    click_count         INTEGER NOT NULL DEFAULT 0,
    reply_count         INTEGER NOT NULL DEFAULT 0,
    lead_score          INTEGER NOT NULL DEFAULT 0,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE UNIQUE INDEX email_prospects_natural_key
    ON email_prospects (campaign_id, natural_key) WHERE natural_key IS NOT NULL;
CREATE INDEX email_prospects_campaign_time_idx ON email_prospects (campaign_id, created_at, id);
CREATE INDEX email_prospects_campaign_status_idx
    ON email_prospects (campaign_id, status, created_at, id);
CREATE INDEX email_prospects_campaign_first_email_idx
    ON email_prospects (campaign_id, first_email_sent_at);
CREATE INDEX email_prospects_source_run_idx ON email_prospects (source_run_id);

CREATE TABLE quora_questions (
    id                 TEXT PRIMARY KEY,
    campaign_id        TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    source_run_id      TEXT REFERENCES runs (id) ON DELETE SET NULL,
    natural_key        TEXT,
    question_url       TEXT NOT NULL,
    question_text      TEXT NOT NULL DEFAULT '',
    view_count         INTEGER NOT NULL DEFAULT 0,
    answer_count       INTEGER NOT NULL DEFAULT 0,
    topic_tags         TEXT NOT NULL DEFAULT '[]',
    relevance_score    INTEGER NOT NULL DEFAULT 0,
    status             TEXT NOT NULL DEFAULT 'pending',
    answered_at        TEXT,
    our_answer_views   INTEGER NOT NULL DEFAULT 0,
    our_answer_upvotes INTEGER NOT NULL DEFAULT 0,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE UNIQUE INDEX quora_questions_natural_key
    ON quora_questions (campaign_id, natural_key) WHERE natural_key IS NOT NULL;
CREATE INDEX quora_questions_campaign_time_idx ON quora_questions (campaign_id, created_at, id);
CREATE INDEX quora_questions_campaign_status_idx
    ON quora_questions (campaign_id, status, created_at, id);
CREATE INDEX quora_questions_source_run_idx ON quora_questions (source_run_id);

CREATE TABLE webinars (
    id               TEXT PRIMARY KEY,
    campaign_id      TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    source_run_id    TEXT REFERENCES runs (id) ON DELETE SET NULL,
    natural_key      TEXT,
    title            TEXT NOT NULL,
    topic            TEXT NOT NULL DEFAULT '',
    scheduled_for    TEXT,
    duration_minutes INTEGER NOT NULL DEFAULT 60,
    platform         TEXT NOT NULL DEFAULT 'zoom',
    registration_url TEXT NOT NULL DEFAULT '',
    replay_url       TEXT NOT NULL DEFAULT '',
    total_registered INTEGER NOT NULL DEFAULT 0,
    total_attended   INTEGER NOT NULL DEFAULT 0,
    total_leads      INTEGER NOT NULL DEFAULT 0,
    status           TEXT NOT NULL DEFAULT 'planned',
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE UNIQUE INDEX webinars_natural_key ON webinars (campaign_id, natural_key)
    WHERE natural_key IS NOT NULL;
CREATE INDEX webinars_campaign_time_idx ON webinars (campaign_id, created_at, id);
CREATE INDEX webinars_campaign_status_idx ON webinars (campaign_id, status, created_at, id);
CREATE INDEX webinars_source_run_idx ON webinars (source_run_id);

CREATE TABLE referral_partners (
    id                  TEXT PRIMARY KEY,
    campaign_id         TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    source_run_id       TEXT REFERENCES runs (id) ON DELETE SET NULL,
    natural_key         TEXT,
    partner_name        TEXT NOT NULL,
    partner_type        TEXT NOT NULL DEFAULT '',
    contact_name        TEXT NOT NULL DEFAULT '',
    contact_email       TEXT NOT NULL DEFAULT '',
    contact_phone       TEXT NOT NULL DEFAULT '',
    website             TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL DEFAULT 'prospecting',
    agreement_signed_at TEXT,
    total_referrals     INTEGER NOT NULL DEFAULT 0,
    qualified_referrals INTEGER NOT NULL DEFAULT 0,
    closed_deals        INTEGER NOT NULL DEFAULT 0,
    total_revenue       REAL NOT NULL DEFAULT 0,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE UNIQUE INDEX referral_partners_natural_key
    ON referral_partners (campaign_id, natural_key) WHERE natural_key IS NOT NULL;
CREATE INDEX referral_partners_campaign_time_idx
    ON referral_partners (campaign_id, created_at, id);
CREATE INDEX referral_partners_campaign_status_idx
    ON referral_partners (campaign_id, status, created_at, id);
CREATE INDEX referral_partners_source_run_idx ON referral_partners (source_run_id);

-- +goose Down

DROP TABLE referral_partners;
DROP TABLE webinars;
DROP TABLE quora_questions;
DROP TABLE email_prospects;
DROP TABLE linkedin_prospects;
DROP TABLE lg_community_accounts;
DROP TABLE lg_engagement_queue;
DROP TABLE content_queue;
DROP TABLE hoa_contacts;
DROP TABLE leads;
DROP TABLE run_logs;
DROP TABLE runs;
DROP TABLE schedules;
DROP TABLE agents;
DROP TABLE agent_templates;
DROP TABLE campaign_activity;
DROP TABLE campaign_metrics;
DROP TABLE audit_log;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE campaign_members;
DROP TABLE campaigns;
DROP TABLE users;
