-- The register, inspection history and the files they came from.
-- Written in the SQL SQLite and PostgreSQL share: dates are ISO text (they sort as dates),
-- keys are natural (URN; URN + start date; a file's SHA-256) so neither needs a sequence.

CREATE TABLE import_files (
    sha256       TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    extract_date TEXT,
    rows         BIGINT NOT NULL,
    imported_at  TEXT NOT NULL
);

CREATE TABLE schools (
    urn           BIGINT PRIMARY KEY,
    name          TEXT NOT NULL,
    la_code       TEXT,
    la_name       TEXT NOT NULL,
    type_name     TEXT NOT NULL,
    governance    TEXT NOT NULL,
    phase         TEXT NOT NULL,
    status        TEXT NOT NULL,
    open_date     TEXT,
    close_date    TEXT,
    trust         TEXT,
    pupils        BIGINT,
    fsm_percent   DOUBLE PRECISION,
    town          TEXT,
    postcode      TEXT,
    -- 1 when a register extract describes the school, 0 when only an inspection file mentions it.
    from_register BIGINT NOT NULL,
    extract_date  TEXT,
    source_sha256 TEXT NOT NULL REFERENCES import_files (sha256)
);
CREATE INDEX schools_by_la ON schools (la_name);

CREATE TABLE inspections (
    urn              BIGINT NOT NULL,
    start_date       TEXT NOT NULL,
    end_date         TEXT,
    publication_date TEXT,
    number           TEXT,
    kind             TEXT,
    grade            BIGINT,
    category         TEXT,
    urn_at_time      BIGINT,
    -- Ofsted's own files (2) outrank the rating GIAS copies from them (1) for the same visit.
    source_rank      BIGINT NOT NULL,
    source_sha256    TEXT NOT NULL REFERENCES import_files (sha256),
    PRIMARY KEY (urn, start_date)
);
CREATE INDEX inspections_by_date ON inspections (start_date);
