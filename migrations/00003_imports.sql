-- CSV imports run as jobs: the upload is kept on disk while its headers are matched to fields,
-- then read in batches while the job row counts progress. Rejected rows are kept with their
-- line numbers so that the report can be downloaded.

-- +goose Up
CREATE TABLE imports (
    id          TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    collection  TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'needs_mapping'
        CHECK (status IN ('needs_mapping', 'queued', 'running', 'completed', 'failed')),
    filename    TEXT NOT NULL DEFAULT '',
    headers     TEXT NOT NULL DEFAULT '[]',
    mapping     TEXT NOT NULL DEFAULT '{}',
    keep_valid  INTEGER NOT NULL DEFAULT 0,
    total_rows  INTEGER NOT NULL DEFAULT 0,
    processed   INTEGER NOT NULL DEFAULT 0,
    created     INTEGER NOT NULL DEFAULT 0,
    skipped     INTEGER NOT NULL DEFAULT 0,
    rejected    INTEGER NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT '',
    created_by  TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX imports_campaign_time_idx ON imports (campaign_id, created_at, id);
CREATE INDEX imports_status_idx ON imports (status);

CREATE TABLE import_rejects (
    import_id   TEXT NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    campaign_id TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    line        INTEGER NOT NULL,
    reason      TEXT NOT NULL,
    cells       TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (import_id, line)
);
CREATE INDEX import_rejects_campaign_idx ON import_rejects (campaign_id, import_id, line);

-- +goose Down
DROP TABLE import_rejects;
DROP TABLE imports;
