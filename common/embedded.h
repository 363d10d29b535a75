#ifndef SAIMA_COMMON_EMBEDDED_H_
#define SAIMA_COMMON_EMBEDDED_H_

namespace saima {

// A file compiled into the binary by the CMake helper saima_embed(). Arrays of these end with {nullptr, nullptr}.
struct EmbeddedFile {
  const char* path;
  const char* contents;
};

}  // namespace saima

#endif  // SAIMA_COMMON_EMBEDDED_H_
