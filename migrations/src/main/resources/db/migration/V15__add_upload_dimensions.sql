-- What the upload check read from the image, so that a projection can be planned without fetching it.
ALTER TABLE uploads ADD COLUMN width    integer CHECK (width > 0);
ALTER TABLE uploads ADD COLUMN height   integer CHECK (height > 0);
ALTER TABLE uploads ADD COLUMN channels integer CHECK (channels IN (1, 3));
