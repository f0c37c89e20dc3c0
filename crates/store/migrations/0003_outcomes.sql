-- Published pupil outcomes and attendance: one figure per subject (a school, an LA, England or
-- England's schools of a phase), academic year, measure and pupil group. A suppressed figure
-- keeps its published code and no value: it is never a zero.

CREATE TABLE measures (
    subject       TEXT NOT NULL,
    -- The school's URN when the subject is a school, for joins with the register.
    urn           BIGINT,
    year          BIGINT NOT NULL,
    measure       TEXT NOT NULL,
    pupil_group   TEXT NOT NULL,
    value         DOUBLE PRECISION,
    suppressed    TEXT,
    source_sha256 TEXT NOT NULL REFERENCES import_files (sha256),
    PRIMARY KEY (subject, year, measure, pupil_group)
);
CREATE INDEX measures_by_measure ON measures (measure, pupil_group, year);
CREATE INDEX measures_by_urn ON measures (urn);
