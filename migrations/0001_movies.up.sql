-- One sequence versions every movie write (insert, update and delete alike),
-- so versions only grow across all rows. The movie cache compares them to
-- refuse filling a value older than an invalidation it has already seen.
CREATE SEQUENCE movie_version_seq;

CREATE TABLE movies (
    id         text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{40}$'),
    title      text NOT NULL,
    year       integer NOT NULL,
    stars      double precision NOT NULL CHECK (stars >= 0 AND stars <= 5),
    version    bigint NOT NULL DEFAULT nextval('movie_version_seq'),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
