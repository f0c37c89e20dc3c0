-- A case's history in the order it happened. Two events written in the same millisecond (a
-- case opened and handed over at once) tied on `at` and fell back to their random ids, so the
-- history could read backwards. Each event now carries its place in its case's history.
ALTER TABLE case_events ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
