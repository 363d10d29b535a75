-- Documents added with their file (the web application's uploads): the content, once per SHA-256, and the
-- file's name, media type and size on the document.
CREATE TABLE registry.document_files (
  sha256       text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content      bytea NOT NULL,
  size_bytes   bigint NOT NULL CHECK (size_bytes = octet_length(content)),
  created_at   timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE registry.documents
  ADD COLUMN file_name  text NOT NULL DEFAULT '',
  ADD COLUMN media_type text NOT NULL DEFAULT '',
  ADD COLUMN size_bytes bigint NOT NULL DEFAULT 0;
