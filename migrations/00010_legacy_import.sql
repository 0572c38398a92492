-- Rows brought over from a database of the original console. Every source row that became a
-- row here, or was merged into one, is recorded once under its installation, table and id, so
-- that importing the same database again adds nothing and never undoes what people changed
-- since the first import.

-- +goose Up
CREATE TABLE legacy_import_rows (
    installation TEXT NOT NULL,
    source_table TEXT NOT NULL,
    source_id    TEXT NOT NULL,
    target_table TEXT NOT NULL,
    target_id    TEXT NOT NULL,
    outcome      TEXT NOT NULL CHECK (outcome IN ('imported', 'merged')),
    imported_at  TEXT NOT NULL,
    PRIMARY KEY (installation, source_table, source_id)
);

-- +goose Down
DROP TABLE legacy_import_rows;
