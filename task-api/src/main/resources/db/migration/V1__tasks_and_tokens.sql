-- Tasks and their tombstones share one table: a delete keeps the row (deleted = true) with the delete's client
-- timestamp, so that an older write arriving later loses the same conditional comparison a live row would.
CREATE TABLE tasks (
    id            uuid        PRIMARY KEY,
    owner         text        NOT NULL,
    title         text,
    description   text,
    status        text,
    priority      text,
    due_at        timestamptz,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    -- The winning write's time of intent (X-Client-Timestamp) and SHA-256 of its canonical content: together
    -- they order all writes to one task; a delete uses 32 bytes of 0xFF so it wins a tie.
    client_ts     timestamptz NOT NULL,
    content_hash  bytea       NOT NULL,
    deleted       boolean     NOT NULL DEFAULT false,
    deleted_at    timestamptz,
    -- The HTTP status the winning write was answered with, so that a replay answers the same.
    last_status   smallint    NOT NULL,
    CONSTRAINT tasks_live_has_content CHECK (deleted OR (title IS NOT NULL AND status IS NOT NULL AND priority IS NOT NULL)),
    CONSTRAINT tasks_tombstone_has_time CHECK (NOT deleted OR deleted_at IS NOT NULL)
);

-- Keyset pagination per owner for each sort order; tombstones are never listed.
CREATE INDEX tasks_owner_created ON tasks (owner, created_at, id) WHERE NOT deleted;
CREATE INDEX tasks_owner_updated ON tasks (owner, updated_at, id) WHERE NOT deleted;
CREATE INDEX tasks_owner_due ON tasks (owner, (coalesce(due_at, 'infinity'::timestamptz)), id) WHERE NOT deleted;
CREATE INDEX tasks_tombstones ON tasks (deleted_at) WHERE deleted;

CREATE TABLE api_tokens (
    id          uuid        PRIMARY KEY,
    owner       text        NOT NULL,
    -- Space-separated scope names (tasks:read, tasks:write, admin).
    scopes      text        NOT NULL,
    -- SHA-256 of the plain token; the plain token is shown once at minting and never stored.
    token_hash  bytea       NOT NULL UNIQUE,
    bootstrap   boolean     NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);
