#include "common/reflection.h"

#include <set>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "grpc/reflection/v1/reflection.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"

namespace saima {
namespace {

using google::protobuf::DescriptorPool;
using google::protobuf::FileDescriptor;

// One implementation for both versions: their messages are the same but for the package.
template <typename Service, typename Request, typename Response>
class Reflection final : public Service {
 public:
  explicit Reflection(std::function<std::vector<std::string>()> names) : names_(std::move(names)) {}

  grpc::Status ServerReflectionInfo(grpc::ServerContext*,
                                    grpc::ServerReaderWriter<Response, Request>* stream) override {
    Request request;
    std::set<std::string> sent;  // files already sent on this stream
    while (stream->Read(&request)) {
      Response response;
      response.set_valid_host(request.host());
      *response.mutable_original_request() = request;
      const DescriptorPool* pool = DescriptorPool::generated_pool();
      switch (request.message_request_case()) {
        case Request::kListServices:
          for (const std::string& name : names_())
            response.mutable_list_services_response()->add_service()->set_name(name);
          break;
        case Request::kFileByFilename:
          AddFile(pool->FindFileByName(request.file_by_filename()), response, sent);
          break;
        case Request::kFileContainingSymbol:
          AddFile(pool->FindFileContainingSymbol(request.file_containing_symbol()), response, sent);
          break;
        case Request::kFileContainingExtension: {
          const auto* type = pool->FindMessageTypeByName(request.file_containing_extension().containing_type());
          const auto* extension = type == nullptr ? nullptr
                                                  : pool->FindExtensionByNumber(
                                                        type, request.file_containing_extension().extension_number());
          AddFile(extension == nullptr ? nullptr : extension->file(), response, sent);
          break;
        }
        case Request::kAllExtensionNumbersOfType: {
          const auto* type = pool->FindMessageTypeByName(request.all_extension_numbers_of_type());
          if (type == nullptr) {
            NotFound(response, "no such type");
            break;
          }
          std::vector<const google::protobuf::FieldDescriptor*> extensions;
          pool->FindAllExtensions(type, &extensions);
          auto* numbers = response.mutable_all_extension_numbers_response();
          numbers->set_base_type_name(type->full_name());
          for (const auto* e : extensions) numbers->add_extension_number(e->number());
          break;
        }
        default:
          response.mutable_error_response()->set_error_code(static_cast<int>(grpc::StatusCode::UNIMPLEMENTED));
          response.mutable_error_response()->set_error_message("unknown request");
      }
      if (!stream->Write(response)) break;
    }
    return grpc::Status::OK;
  }

 private:
  static void NotFound(Response& response, const char* why) {
    response.mutable_error_response()->set_error_code(static_cast<int>(grpc::StatusCode::NOT_FOUND));
    response.mutable_error_response()->set_error_message(why);
  }

  // The file and, once per stream, each file it imports.
  static void AddFile(const FileDescriptor* file, Response& response, std::set<std::string>& sent) {
    if (file == nullptr) return NotFound(response, "not found");
    std::vector<const FileDescriptor*> pending = {file};
    while (!pending.empty()) {
      const FileDescriptor* f = pending.back();
      pending.pop_back();
      if (f != file && sent.count(f->name()) > 0) continue;
      sent.insert(f->name());
      google::protobuf::FileDescriptorProto proto;
      f->CopyTo(&proto);
      response.mutable_file_descriptor_response()->add_file_descriptor_proto(proto.SerializeAsString());
      for (int i = 0; i < f->dependency_count(); ++i) pending.push_back(f->dependency(i));
    }
  }

  std::function<std::vector<std::string>()> names_;
};

}  // namespace

std::vector<std::unique_ptr<grpc::Service>> MakeReflectionServices(
    std::function<std::vector<std::string>()> service_names) {
  namespace v1 = ::grpc::reflection::v1;
  namespace v1alpha = ::grpc::reflection::v1alpha;
  std::vector<std::unique_ptr<grpc::Service>> out;
  out.push_back(std::make_unique<
                Reflection<v1::ServerReflection::Service, v1::ServerReflectionRequest, v1::ServerReflectionResponse>>(
      service_names));
  out.push_back(std::make_unique<Reflection<v1alpha::ServerReflection::Service, v1alpha::ServerReflectionRequest,
                                            v1alpha::ServerReflectionResponse>>(service_names));
  return out;
}

}  // namespace saima
