-- Seed 10.4: a failed job keeps two texts. last_error has everything (the store's bucket and prefix,
-- S3's error code) for the operator's logs and database; public_error has only what a school admin
-- may read in the tenant's ops view, since one deployment's store is not any school's business.
ALTER TABLE jobs ADD COLUMN public_error TEXT NOT NULL DEFAULT '';
-- Rows failed before the split hold only the full text: they are not shown to schools.
UPDATE jobs SET public_error = 'failed before this version kept a shareable error (the server logs have the details)'
    WHERE last_error <> '';
