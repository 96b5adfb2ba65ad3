-- Usernames are unique by their canonical form: PRECIS UsernameCaseMapped
-- (RFC 8265), computed by the service (domain.ParseUsername). lower() cannot
-- do it: it depends on the collation (under the C locale it leaves É and é
-- apart) and knows nothing of full-width forms or invisible characters.
-- NULL only on rows written before this migration until the service fills
-- them in (postgres/usernames.go), and on rows it cannot fill (a collision
-- or a name the profile refuses), which it reports at every start.
ALTER TABLE users ADD COLUMN username_canonical text NULL;

CREATE UNIQUE INDEX users_username_canonical_key ON users (username_canonical);

-- Finds the rows still to canonicalise without a scan of the table.
CREATE INDEX users_username_canonical_pending_idx ON users (id) WHERE username_canonical IS NULL;

-- users_username_lower_key (0002) stays: while instances of the previous
-- release still run beside new ones, it keeps them from creating a duplicate
-- of a name the new ones registered.
