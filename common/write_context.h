#ifndef SAIMA_COMMON_WRITE_CONTEXT_H_
#define SAIMA_COMMON_WRITE_CONTEXT_H_

// The person behind the writes of a call, for the audit log. Kept apart from pg.h so that the gRPC adapters
// need not include libpqxx.

#include <string>

namespace saima {

// Who a transaction writes for. The audit triggers (deploy/sql/roles.sql) record it with every row written.
struct WriteContext {
  std::string actor;
  std::string role;
  std::string request_id;
  std::string client;
};

// Makes `context` the write context of the transactions this thread begins while the scope lives (a gRPC
// handler's whole call). Without one, writes are recorded as the service's own (background work).
class ScopedWriteContext {
 public:
  explicit ScopedWriteContext(WriteContext context);
  ~ScopedWriteContext();
  ScopedWriteContext(const ScopedWriteContext&) = delete;
  ScopedWriteContext& operator=(const ScopedWriteContext&) = delete;

 private:
  WriteContext context_;
  const WriteContext* previous_;
};

// The context set on this thread, or null.
const WriteContext* CurrentWriteContext();

}  // namespace saima

#endif  // SAIMA_COMMON_WRITE_CONTEXT_H_
