-- Users, API keys, refresh tokens and server-generated secrets (auth slice).
-- Timestamps are INTEGER UTC microseconds (DbTime); server_secrets is unused with SQLite (the key lives in <DataDir>/jwt.key).
-- Per-space roles are a small JSON object {"space": "read|write|admin"}: always read and written whole.
create table users (
    name          text        primary key,
    password_hash text        not null,
    global_role   text,
    spaces_json   text        not null default '{}',
    disabled      integer     not null default 0,
    created_at    integer     not null,
    updated_at    integer     not null
);

-- Only the SHA-256 of a key is stored; prefix is the first characters of the key, for identification.
create table api_keys (
    id          text        primary key,
    name        text        not null,
    prefix      text        not null,
    key_hash    text        not null unique,
    spaces_json text        not null,
    created_by  text        not null,
    created_at  integer     not null,
    expires_at  integer,
    revoked_at  integer
);

-- Refresh tokens (SHA-256 hashes). A family is every token descended from one login; using a token
-- twice revokes its family.
create table refresh_tokens (
    token_hash text        primary key,
    family_id  text        not null,
    username   text        not null references users (name) on delete cascade,
    created_at integer     not null,
    expires_at integer     not null,
    used_at    integer,
    revoked_at integer
);
create index refresh_tokens_family on refresh_tokens (family_id);
create index refresh_tokens_user on refresh_tokens (username);

-- Secrets every replica must agree on (the generated JWT signing key when SCOUTER_JWT_SECRET is unset).
create table server_secrets (
    name       text        primary key,
    value      text        not null,
    created_at integer     not null
);
