-- Request ids of changes to problems and orders (notes, answers, closures), so that a retry changes nothing twice.
CREATE TABLE registry.dispatch_requests (
  request_id text PRIMARY KEY,
  object_id  bigint NOT NULL
);
