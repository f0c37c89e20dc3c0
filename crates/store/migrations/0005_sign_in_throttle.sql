-- Failed sign-ins, counted per subject so every server on one database throttles alike:
-- scope 'pair' (client address and name), 'address' (all names from one address) and 'name'
-- (one name from every address). A success clears its subjects; a count left alone for a day
-- starts again.
CREATE TABLE sign_in_failures (
    scope TEXT NOT NULL,
    subject TEXT NOT NULL,
    failures BIGINT NOT NULL,
    last_failure TEXT NOT NULL,
    PRIMARY KEY (scope, subject)
);
