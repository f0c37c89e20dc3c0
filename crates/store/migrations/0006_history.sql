-- Twenty years of inspection history: sub-judgements and ungraded outcomes on each visit, the
-- renewed framework's report-card grades, and the links that chain a school across URN changes.
-- The contract with the risk model is /tmp/coord/SCHEMA.md: these column names are binding.

-- 1 = graded (section 5 / full), 0 = ungraded (short section 8, monitoring); NULL = not said.
ALTER TABLE inspections ADD COLUMN graded BIGINT;
-- An ungraded inspection's outcome as published, e.g. 'School remains Good'.
ALTER TABLE inspections ADD COLUMN outcome TEXT;
-- Key judgements 1..4 (NULL when the file says 9 / not applicable or is blank).
ALTER TABLE inspections ADD COLUMN quality_of_education BIGINT;
ALTER TABLE inspections ADD COLUMN behaviour_and_attitudes BIGINT;
ALTER TABLE inspections ADD COLUMN personal_development BIGINT;
ALTER TABLE inspections ADD COLUMN leadership_and_management BIGINT;
ALTER TABLE inspections ADD COLUMN early_years BIGINT;
ALTER TABLE inspections ADD COLUMN sixth_form BIGINT;
-- 'Yes' | 'No' | NULL.
ALTER TABLE inspections ADD COLUMN safeguarding_effective TEXT;

-- The renewed framework (from November 2025) grades evaluation areas in words; no overall grade.
CREATE TABLE report_card_grades (
    urn           BIGINT NOT NULL,
    start_date    TEXT NOT NULL,
    area          TEXT NOT NULL,
    grade         TEXT NOT NULL,
    source_sha256 TEXT NOT NULL REFERENCES import_files (sha256),
    PRIMARY KEY (urn, start_date, area)
);

-- GIAS links (and the spine's OTHERURN): `urn`'s link of `link_type` to `linked_urn`. An
-- academy's predecessor is (academy, old school, 'Predecessor…').
CREATE TABLE school_links (
    urn           BIGINT NOT NULL,
    linked_urn    BIGINT NOT NULL,
    link_type     TEXT NOT NULL,
    link_date     TEXT,
    source_sha256 TEXT NOT NULL REFERENCES import_files (sha256),
    PRIMARY KEY (urn, linked_urn, link_type)
);
CREATE INDEX school_links_by_linked ON school_links (linked_urn);
