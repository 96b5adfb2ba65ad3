-- Each account's security activity (contract §7.11): what happened, when,
-- to which passkey (its name as it was then), from roughly where. Rows of an
-- action that writes to PostgreSQL are written in that action's
-- transaction; others (a logout, a refused sign-in) right after it.
CREATE TABLE security_events (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type            text NOT NULL CHECK (type IN ('account_created', 'passkey_added', 'passkey_renamed',
                        'passkey_deleted', 'signed_in', 'sign_in_refused', 'session_ended', 'reauthenticated')),
    -- One clock for every instance: the database's.
    occurred_at     timestamptz NOT NULL DEFAULT now(),
    -- No foreign key: the passkey of a passkey_deleted event is gone.
    credential_id   bytea NULL,
    credential_name text NULL,
    detail          text NOT NULL DEFAULT '',
    -- The client's network (IPv4 /24, IPv6 /48) and a user-agent summary.
    ip              text NOT NULL DEFAULT '',
    user_agent      text NOT NULL DEFAULT '',
    request_id      text NOT NULL DEFAULT ''
);

-- An account's events newest first, by keyset on id.
CREATE INDEX security_events_user_id_id_idx ON security_events (user_id, id DESC);

-- The retention task deletes by age.
CREATE INDEX security_events_occurred_at_idx ON security_events (occurred_at);
