-- People and their access: two-factor sign-in, the bookkeeping behind "your sessions" and
-- "sign out everywhere", and the few settings that apply to the whole installation.

-- +goose Up
-- The TOTP secret, sealed with the server's key; set but not enabled while enrolment waits
-- for its first code. The last accepted time step keeps a code from being used twice.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_enabled_at TEXT;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
-- Counts changes of the user's platform or campaign roles; a browser session signed in
-- under another count gets a new token on its next request.
ALTER TABLE users ADD COLUMN access_version INTEGER NOT NULL DEFAULT 0;
-- Browser sessions signed in before this time have ended ("sign out everywhere").
ALTER TABLE users ADD COLUMN sessions_valid_after TEXT;

-- One-time recovery codes for a lost authenticator, stored as SHA-256 hashes.
CREATE TABLE recovery_codes (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  TEXT NOT NULL,
    used_at    TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, code_hash)
);

-- What a person sees of their browser sessions. The session store keeps only a token and an
-- opaque blob, so who a session belongs to, and where and when it was used, live here; id is
-- the public name of a session, since its token must never reach a page.
CREATE TABLE session_meta (
    token        TEXT PRIMARY KEY,
    id           TEXT NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX session_meta_id_key ON session_meta (id);
CREATE INDEX session_meta_user_idx ON session_meta (user_id, last_seen_at);

-- Settings of the whole installation that admins change in the console.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- +goose Down
DROP TABLE settings;
DROP INDEX session_meta_user_idx;
DROP INDEX session_meta_id_key;
DROP TABLE session_meta;
DROP TABLE recovery_codes;
ALTER TABLE users DROP COLUMN sessions_valid_after;
ALTER TABLE users DROP COLUMN access_version;
ALTER TABLE users DROP COLUMN totp_last_step;
ALTER TABLE users DROP COLUMN totp_enabled_at;
ALTER TABLE users DROP COLUMN totp_secret;
