-- GIAS group-links snapshots: on `snapshot_date` (the file's day), `urn` belonged to the group
-- `group_uid` (a multi- or single-academy trust, a sponsor, a federation), joined on
-- `joined_date`. Several snapshots date trust membership (`domain::as_at::TrustAt`).
CREATE TABLE trust_links (
    urn           BIGINT NOT NULL,
    group_uid     BIGINT NOT NULL,
    snapshot_date TEXT NOT NULL,
    group_name    TEXT NOT NULL,
    group_type    TEXT NOT NULL,
    joined_date   TEXT,
    source_sha256 TEXT NOT NULL REFERENCES import_files (sha256),
    PRIMARY KEY (urn, group_uid, snapshot_date)
);
