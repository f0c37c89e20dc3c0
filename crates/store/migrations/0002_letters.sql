-- Inspection letters and reports, parsed; and the actions they ask of schools.
-- A letter's id is the first 12 hex digits of the SHA-256 of its bytes: stable on both back
-- ends and in every copy of the database, short enough to type.

CREATE TABLE letters (
    id           TEXT PRIMARY KEY,
    sha256       TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    format       TEXT NOT NULL,
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    letter_date  TEXT,
    visit_from   TEXT,
    visit_to     TEXT,
    -- The school or LA the letter is about, where it could be told; link_note says how, or why not.
    urn          BIGINT,
    la_name      TEXT,
    link_note    TEXT NOT NULL,
    body         TEXT NOT NULL,
    -- The whole parsed record as JSON, as the parser produced it.
    record       TEXT NOT NULL,
    ingested_at  TEXT NOT NULL
);
CREATE INDEX letters_by_urn ON letters (urn);
CREATE INDEX letters_by_la ON letters (la_name);

CREATE TABLE letter_actions (
    letter_id  TEXT NOT NULL REFERENCES letters (id),
    position   BIGINT NOT NULL,
    urn        BIGINT,
    text       TEXT NOT NULL,
    status     TEXT NOT NULL,
    closed_at  TEXT,
    closed_by  TEXT,
    close_note TEXT,
    PRIMARY KEY (letter_id, position)
);
CREATE INDEX letter_actions_by_urn ON letter_actions (urn);
