// The reflection printer against the library's: random messages of every type of the contracts, printed by both,
// must read back as the same JSON value.

#include "common/proto_json.h"

#include <random>
#include <set>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "proto/proto_files.h"

namespace saima {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

class Filler {
 public:
  explicit Filler(uint32_t seed) : rng_(seed) {}

  void Fill(Message* m, int depth) {
    const Descriptor* type = m->GetDescriptor();
    const Reflection* r = m->GetReflection();
    switch (type->well_known_type()) {
      case Descriptor::WELLKNOWNTYPE_TIMESTAMP:
        r->SetInt64(m, type->field(0), Pick<int64_t>({0, 1700000000, 253402300799, 86400 * 365}));
        r->SetInt32(m, type->field(1), Pick<int32_t>({0, 123000000, 123456000, 123456789, 5}));
        return;
      case Descriptor::WELLKNOWNTYPE_DURATION: {
        const int64_t seconds = Pick<int64_t>({0, 1, 3600, -7});
        const int32_t nanos = Pick<int32_t>({0, 500000000, 1000, 7});
        r->SetInt64(m, type->field(0), seconds);
        r->SetInt32(m, type->field(1), seconds < 0 ? -nanos : nanos);
        return;
      }
      case Descriptor::WELLKNOWNTYPE_FIELDMASK:
        for (int i = 0; i < Below(3); ++i) {
          r->AddString(m, type->field(0), Pick<std::string>({"name", "planned_total_investment_yuan", "a.b_c"}));
        }
        return;
      case Descriptor::WELLKNOWNTYPE_ANY:
      case Descriptor::WELLKNOWNTYPE_STRUCT:
      case Descriptor::WELLKNOWNTYPE_VALUE:
      case Descriptor::WELLKNOWNTYPE_LISTVALUE:
        return;
      default:
        break;
    }
    for (int i = 0; i < type->field_count(); ++i) {
      const FieldDescriptor* field = type->field(i);
      if (Below(10) < 4) continue;
      if (field->real_containing_oneof() != nullptr && r->HasOneof(*m, field->real_containing_oneof())) {
        continue;
      }
      if (field->is_repeated()) {
        for (int n = Below(3); n > 0; --n) Add(m, r, field, depth);
      } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        if (depth < 3) Fill(r->MutableMessage(m, field), depth + 1);
      } else {
        Set(m, r, field);
      }
    }
  }

 private:
  int Below(int n) { return static_cast<int>(rng_() % static_cast<uint32_t>(n)); }
  template <typename T>
  T Pick(std::initializer_list<T> values) {
    return *(values.begin() + Below(static_cast<int>(values.size())));
  }
  std::string Text() {
    return Pick<std::string>(
        {"", "八都镇", "a\"b\\c", "line\nbreak\ttab", std::string("\x01\x1f", 2), "<b>&amp;", "331181001", "😀 emoji"});
  }
  int EnumNumber(const FieldDescriptor* field) {
    if (Below(10) == 0) return 77;  // a number the enumeration does not name (proto3 keeps it)
    return field->enum_type()->value(Below(field->enum_type()->value_count()))->number();
  }

  void Set(Message* m, const Reflection* r, const FieldDescriptor* field) {
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
        return r->SetInt32(m, field, Pick<int32_t>({0, -5, 2147483647, 12}));
      case FieldDescriptor::CPPTYPE_UINT32:
        return r->SetUInt32(m, field, Pick<uint32_t>({0, 4294967295u, 7}));
      case FieldDescriptor::CPPTYPE_INT64:
        return r->SetInt64(m, field, Pick<int64_t>({0, -1, 9007199254740993, INT64_MIN, INT64_MAX}));
      case FieldDescriptor::CPPTYPE_UINT64:
        return r->SetUInt64(m, field, Pick<uint64_t>({0, UINT64_MAX, 42}));
      case FieldDescriptor::CPPTYPE_DOUBLE:
        return r->SetDouble(m, field, Pick<double>({0, 0.1, -2.25, 1e300, 1.0 / 3, std::nan("")}));
      case FieldDescriptor::CPPTYPE_FLOAT:
        return r->SetFloat(m, field, Pick<float>({0, 0.1f, -1.5f, 3.4e38f}));
      case FieldDescriptor::CPPTYPE_BOOL:
        return r->SetBool(m, field, Below(2) == 1);
      case FieldDescriptor::CPPTYPE_ENUM:
        return r->SetEnumValue(m, field, EnumNumber(field));
      case FieldDescriptor::CPPTYPE_STRING:
        return r->SetString(m, field,
                            field->type() == FieldDescriptor::TYPE_BYTES ? std::string("\x00\xff\x10"
                                                                                       "ab",
                                                                                       5)
                                                                         : Text());
      case FieldDescriptor::CPPTYPE_MESSAGE:
        return;
    }
  }

  void Add(Message* m, const Reflection* r, const FieldDescriptor* field, int depth) {
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
        return r->AddInt32(m, field, Pick<int32_t>({0, -5, 12}));
      case FieldDescriptor::CPPTYPE_UINT32:
        return r->AddUInt32(m, field, 7);
      case FieldDescriptor::CPPTYPE_INT64:
        return r->AddInt64(m, field, Pick<int64_t>({0, 9007199254740993}));
      case FieldDescriptor::CPPTYPE_UINT64:
        return r->AddUInt64(m, field, 42);
      case FieldDescriptor::CPPTYPE_DOUBLE:
        return r->AddDouble(m, field, 0.1);
      case FieldDescriptor::CPPTYPE_FLOAT:
        return r->AddFloat(m, field, 0.1f);
      case FieldDescriptor::CPPTYPE_BOOL:
        return r->AddBool(m, field, true);
      case FieldDescriptor::CPPTYPE_ENUM:
        return r->AddEnumValue(m, field, EnumNumber(field));
      case FieldDescriptor::CPPTYPE_STRING:
        return r->AddString(m, field, Text());
      case FieldDescriptor::CPPTYPE_MESSAGE:
        if (depth < 3 || field->is_map()) Fill(r->AddMessage(m, field), depth + 1);
        return;
    }
  }

  std::mt19937 rng_;
};

void Collect(const Descriptor* type, std::set<const Descriptor*>* out) {
  if (!out->insert(type).second) return;
  for (int i = 0; i < type->nested_type_count(); ++i) Collect(type->nested_type(i), out);
  for (int i = 0; i < type->field_count(); ++i) {
    if (type->field(i)->message_type() != nullptr) Collect(type->field(i)->message_type(), out);
  }
}

TEST(ProtoJsonTest, PrintsWhatTheLibraryPrintsForEveryMessageOfTheContracts) {
  std::set<const Descriptor*> types;
  for (const std::string& name : ProtoFiles()) {
    const auto* file = google::protobuf::DescriptorPool::generated_pool()->FindFileByName(name);
    ASSERT_NE(file, nullptr) << name;
    for (int i = 0; i < file->message_type_count(); ++i) Collect(file->message_type(i), &types);
  }
  auto* factory = google::protobuf::MessageFactory::generated_factory();
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  int compared = 0;
  Filler filler(20261127);
  for (const Descriptor* type : types) {
    if (type->options().map_entry()) continue;
    for (int round = 0; round < 25; ++round) {
      std::unique_ptr<Message> message(factory->GetPrototype(type)->New());
      if (round > 0) filler.Fill(message.get(), 0);
      std::string theirs, ours;
      if (!google::protobuf::util::MessageToJsonString(*message, &theirs, options).ok()) continue;
      AppendJson(*message, &ours);
      const auto a = nlohmann::json::parse(theirs, nullptr, false);
      const auto b = nlohmann::json::parse(ours, nullptr, false);
      ASSERT_FALSE(b.is_discarded()) << type->full_name() << ": not JSON: " << ours;
      ASSERT_EQ(a, b) << type->full_name() << "\nlibrary: " << theirs << "\nours:    " << ours;
      ++compared;
    }
  }
  EXPECT_GT(compared, 2000);
  std::printf("%zu message types, %d messages compared\n", types.size(), compared);
}

}  // namespace
}  // namespace saima
