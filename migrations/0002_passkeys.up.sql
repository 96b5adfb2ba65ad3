CREATE TABLE users (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Kept as first typed, for display; uniqueness ignores case (index below).
    username   text NOT NULL,
    -- The WebAuthn user handle: random, never the database key or the username.
    handle     bytea NOT NULL UNIQUE CHECK (octet_length(handle) = 32),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX users_username_lower_key ON users (lower(username));

CREATE TABLE credentials (
    id                 bytea PRIMARY KEY,
    user_id            bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    public_key         bytea NOT NULL,
    algorithm          bigint NOT NULL,
    -- The authenticator's counter is an unsigned 32-bit integer.
    sign_count         bigint NOT NULL DEFAULT 0 CHECK (sign_count BETWEEN 0 AND 4294967295),
    aaguid             bytea NOT NULL,
    transports         text[] NOT NULL DEFAULT '{}',
    attestation_format text NOT NULL,
    user_verified      boolean NOT NULL,
    backup_eligible    boolean NOT NULL,
    backup_state       boolean NOT NULL,
    -- NULL when the client did not report the credProps extension.
    discoverable       boolean NULL,
    name               text NOT NULL,
    clone_warning      boolean NOT NULL DEFAULT false,
    created_at         timestamptz NOT NULL DEFAULT now(),
    last_used_at       timestamptz NULL
);

-- Serves listing a user's credentials in order and the foreign key's lookups
-- (a separate index on user_id alone would be redundant).
CREATE INDEX credentials_user_id_created_at_idx ON credentials (user_id, created_at);

-- Server secrets that every instance must share and that survive restarts
-- (e.g. the key behind the enumeration-proof fake credential ids).
CREATE TABLE app_secrets (
    name       text PRIMARY KEY,
    value      bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
