DROP INDEX users_username_canonical_pending_idx;
DROP INDEX users_username_canonical_key;
ALTER TABLE users DROP COLUMN username_canonical;
