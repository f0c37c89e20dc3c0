-- Users, sessions, the audit log, and the casework an LA or trust keeps on its schools.
-- Ids are random hex strings made by the application, so neither back end needs a sequence.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    la_name       TEXT,
    trust         TEXT,
    urn           BIGINT,
    created_at    TEXT NOT NULL
);

-- A session is known by the SHA-256 of its cookie's token: the token itself is never stored.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE audit_log (
    id        TEXT PRIMARY KEY,
    at        TEXT NOT NULL,
    user_name TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    detail    TEXT NOT NULL
);
CREATE INDEX audit_by_time ON audit_log (at);

CREATE TABLE cases (
    id                     TEXT PRIMARY KEY,
    urn                    BIGINT NOT NULL,
    category               TEXT NOT NULL,
    link_officer           TEXT NOT NULL,
    reason                 TEXT NOT NULL,
    meeting_interval_days  BIGINT NOT NULL,
    opened_on              TEXT NOT NULL,
    closed_on              TEXT
);
CREATE INDEX cases_by_urn ON cases (urn);

-- What happened to a case, in order: opened, handed over, recategorised, closed.
CREATE TABLE case_events (
    id       TEXT PRIMARY KEY,
    case_id  TEXT NOT NULL REFERENCES cases (id),
    at       TEXT NOT NULL,
    by_user  TEXT NOT NULL,
    kind     TEXT NOT NULL,
    detail   TEXT NOT NULL
);

CREATE TABLE meetings (
    id            TEXT PRIMARY KEY,
    case_id       TEXT NOT NULL REFERENCES cases (id),
    scheduled_for TEXT NOT NULL,
    held_on       TEXT,
    attendees     TEXT NOT NULL,
    notes         TEXT NOT NULL,
    decisions     TEXT NOT NULL
);

CREATE TABLE case_actions (
    id                TEXT PRIMARY KEY,
    case_id           TEXT NOT NULL REFERENCES cases (id),
    text              TEXT NOT NULL,
    owner             TEXT NOT NULL,
    rag               TEXT NOT NULL,
    letter_action_id  TEXT,
    status            TEXT NOT NULL,
    created_on        TEXT NOT NULL,
    closed_on         TEXT
);

CREATE TABLE milestones (
    id          TEXT PRIMARY KEY,
    action_id   TEXT NOT NULL REFERENCES case_actions (id),
    description TEXT NOT NULL,
    planned_for TEXT NOT NULL,
    due_on      TEXT NOT NULL,
    done_on     TEXT
);

CREATE TABLE warning_notices (
    id            TEXT PRIMARY KEY,
    urn           BIGINT NOT NULL,
    issued_on     TEXT NOT NULL,
    grounds       TEXT NOT NULL,
    response_due  TEXT NOT NULL,
    responded_on  TEXT,
    outcome       TEXT
);

CREATE TABLE support_packages (
    id            TEXT PRIMARY KEY,
    urn           BIGINT NOT NULL,
    provider_kind TEXT NOT NULL,
    provider_name TEXT NOT NULL,
    provider_urn  BIGINT,
    focus_area    TEXT NOT NULL,
    cost          DOUBLE PRECISION,
    paid_by       TEXT NOT NULL,
    starts_on     TEXT NOT NULL,
    ends_on       TEXT
);

CREATE TABLE survey_rounds (
    id        TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    la_name   TEXT NOT NULL,
    opened_on TEXT NOT NULL,
    questions TEXT NOT NULL
);

CREATE TABLE survey_responses (
    round_id  TEXT NOT NULL REFERENCES survey_rounds (id),
    urn       BIGINT NOT NULL,
    question  BIGINT NOT NULL,
    answer    TEXT NOT NULL,
    coding    TEXT,
    theme     TEXT,
    PRIMARY KEY (round_id, urn, question)
);

CREATE TABLE governance_reviews (
    id              TEXT PRIMARY KEY,
    urn             BIGINT NOT NULL,
    reviewed_on     TEXT NOT NULL,
    reviewer        TEXT NOT NULL,
    rating          TEXT NOT NULL,
    recommendations TEXT NOT NULL,
    follow_up_on    TEXT,
    follow_up       TEXT
);
