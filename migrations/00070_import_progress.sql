-- An import reads its file twice: once to check every row, then to store the valid ones. The
-- job keeps which pass it is in and how far it has come over both, so that its progress only
-- ever grows.

-- +goose Up
ALTER TABLE imports ADD COLUMN phase TEXT NOT NULL DEFAULT '';
ALTER TABLE imports ADD COLUMN percent INTEGER NOT NULL DEFAULT 0;
UPDATE imports SET percent = 100 WHERE status = 'completed';

-- +goose Down
ALTER TABLE imports DROP COLUMN percent;
ALTER TABLE imports DROP COLUMN phase;
