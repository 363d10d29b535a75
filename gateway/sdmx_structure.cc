#include "gateway/sdmx_structure.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/names.h"
#include "common/status.h"
#include "nlohmann/json.hpp"

namespace saima::gateway::sdmx {
namespace {

namespace st = ::saima::stats::v1;
using nlohmann::json;

constexpr char kJsonSchema[] =
    "https://raw.githubusercontent.com/sdmx-twg/sdmx-json/master/structure-message/tools/schemas/2.0.0/"
    "sdmx-json-structure-schema.json";

// The English names of the categories (the Chinese ones are the enum's display names).
const char* CategoryEnglish(st::Category c) {
  switch (c) {
    case st::CATEGORY_UNSPECIFIED:
      return "Fixed-asset investment";
    case st::CATEGORY_PRIVATE:
      return "Private investment";
    case st::CATEGORY_STATE:
      return "State-owned investment";
    case st::CATEGORY_INDUSTRIAL_RENOVATION:
      return "Industrial technical renovation investment";
    case st::CATEGORY_MANUFACTURING:
      return "Manufacturing investment";
    case st::CATEGORY_TRANSPORT_ENERGY_WATER:
      return "Transport, energy and water conservancy investment";
    case st::CATEGORY_HIGH_TECH:
      return "High-tech industry investment";
    case st::CATEGORY_CONSTRUCTION_INSTALLATION:
      return "Construction and installation investment";
    case st::CATEGORY_PRIMARY:
      return "Primary industry investment";
    case st::CATEGORY_SECONDARY:
      return "Secondary industry investment";
    case st::CATEGORY_TERTIARY:
      return "Tertiary industry investment";
    default:
      return "";
  }
}

struct Code {
  std::string id;
  Name name;
};

enum class Kind { kCodelist, kConceptScheme, kDataStructure, kDataflow };

struct Artefact {
  Kind kind;
  std::string id;
  Name name;
  std::vector<Code> items;  // codes or concepts
};

const char* TypeOf(Kind k) {
  switch (k) {
    case Kind::kCodelist:
      return "codelist";
    case Kind::kConceptScheme:
      return "conceptscheme";
    case Kind::kDataStructure:
      return "datastructure";
    case Kind::kDataflow:
      return "dataflow";
  }
  return "";
}

const char* UrnClassOf(Kind k) {
  switch (k) {
    case Kind::kCodelist:
      return "codelist.Codelist";
    case Kind::kConceptScheme:
      return "conceptscheme.ConceptScheme";
    case Kind::kDataStructure:
      return "datastructure.DataStructure";
    case Kind::kDataflow:
      return "datastructure.Dataflow";
  }
  return "";
}

std::string Ref(const std::string& id) { return absl::StrCat(kAgency, ":", id, "(", kVersion, ")"); }
std::string Urn(Kind k, const std::string& id) {
  return absl::StrCat("urn:sdmx:org.sdmx.infomodel.", UrnClassOf(k), "=", Ref(id));
}
std::string ItemUrn(Kind k, const std::string& scheme, const std::string& item) {
  return absl::StrCat("urn:sdmx:org.sdmx.infomodel.", k == Kind::kCodelist ? "codelist.Code" : "conceptscheme.Concept",
                      "=", Ref(scheme), ".", item);
}
std::string ComponentUrn(const std::string& cls, const std::string& id) {
  return absl::StrCat("urn:sdmx:org.sdmx.infomodel.datastructure.", cls, "=", Ref("DSD_FAI"), ".", id);
}

constexpr char kDsd[] = "DSD_FAI";
constexpr char kConcepts[] = "CS_FAI";

// The components of DSD_FAI in order, with their codelists ("" for none) and their role.
struct Component {
  const char* id;
  const char* codelist;
  enum Role { kDimension, kTime, kMeasure, kAttribute } role;
};
const Component kDsdComponents[] = {
    {"FREQ", "CL_FREQ", Component::kDimension},
    {"REF_AREA", "CL_AREA", Component::kDimension},
    {"INDICATOR", "CL_INDICATOR", Component::kDimension},
    {"TIME_PERIOD", "", Component::kTime},
    {"OBS_VALUE", "", Component::kMeasure},
    {"UNIT_MEASURE", "CL_UNIT_MEASURE", Component::kAttribute},
    {"UNIT_MULT", "CL_UNIT_MULT", Component::kAttribute},
    {"OBS_STATUS", "CL_OBS_STATUS", Component::kAttribute},
};

const std::map<std::string, Name>& ConceptNames() {
  static const auto* names = new std::map<std::string, Name>{
      {"FREQ", {"频率", "Frequency"}},
      {"REF_AREA", {"地区", "Reference area"}},
      {"INDICATOR", {"指标", "Indicator"}},
      {"TIME_PERIOD", {"时期", "Time period"}},
      {"OBS_VALUE", {"观测值", "Observation value"}},
      {"UNIT_MEASURE", {"计量单位", "Unit of measure"}},
      {"UNIT_MULT", {"单位乘数", "Unit multiplier"}},
      {"OBS_STATUS", {"观测值状态", "Observation status"}},
  };
  return *names;
}

// Every artefact, in the order a message lists them.
std::vector<Artefact> Catalogue(const Settings& s) {
  std::vector<Code> indicators;
  for (int c = st::CATEGORY_UNSPECIFIED; c <= st::CATEGORY_TERTIARY; ++c) {
    const auto category = static_cast<st::Category>(c);
    const std::string zh = DisplayNameOf(category);
    const std::string en = CategoryEnglish(category);
    indicators.push_back({IndicatorCode(category) + "_YTD", {zh + "自年初累计完成额", en + ", year to date"}});
    indicators.push_back({IndicatorCode(category) + "_YOY", {zh + "同比增长", en + ", growth on a year earlier"}});
  }
  std::vector<Code> concepts;
  for (const Component& c : kDsdComponents) concepts.push_back({c.id, ConceptNames().at(c.id)});
  return {
      {Kind::kCodelist, "CL_FREQ", {"频率", "Frequency"}, {{"M", {"月", "Monthly"}}}},
      {Kind::kCodelist,
       "CL_AREA",
       {"行政区划", "Reference area"},
       {{s.region_code, {s.region_name_zh, s.region_name_en.empty() ? s.region_name_zh : s.region_name_en}}}},
      {Kind::kCodelist, "CL_INDICATOR", {"固定资产投资指标", "Fixed-asset investment indicators"}, indicators},
      {Kind::kCodelist,
       "CL_UNIT_MEASURE",
       {"计量单位", "Unit of measure"},
       {{"CNY", {"元", "Yuan renminbi"}}, {"PC", {"百分比", "Percent"}}}},
      {Kind::kCodelist, "CL_UNIT_MULT", {"单位乘数", "Unit multiplier"}, {{"0", {"个", "Units"}}}},
      {Kind::kCodelist,
       "CL_OBS_STATUS",
       {"观测值状态", "Observation status"},
       {{"A", {"正常值", "Normal value"}}, {"P", {"初步数", "Provisional value"}}}},
      {Kind::kConceptScheme, kConcepts, {"固定资产投资统计概念", "Fixed-asset investment concepts"}, concepts},
      {Kind::kDataStructure, kDsd, {"固定资产投资指标数据结构", "Fixed-asset investment indicators"}, {}},
      {Kind::kDataflow, kFlow, FlowName(), {}},
  };
}

// What an artefact refers to.
std::set<std::string> ChildrenOf(const Artefact& a) {
  if (a.kind == Kind::kDataflow) return {kDsd};
  if (a.kind != Kind::kDataStructure) return {};
  std::set<std::string> out = {kConcepts};
  for (const Component& c : kDsdComponents) {
    if (*c.codelist) out.insert(c.codelist);
  }
  return out;
}

bool IdMatches(const std::string& query, const std::string& id) {
  if (query == "*") return true;
  for (absl::string_view one : absl::StrSplit(query, ',')) {
    if (one == id) return true;
  }
  return false;
}

// The artefacts a query returns: those it names, then the ones its `references` bring in (marked `referenced`).
std::vector<std::pair<const Artefact*, bool>> Select(const std::vector<Artefact>& all, const StructureQuery& q) {
  std::map<std::string, const Artefact*> by_id;
  for (const auto& a : all) by_id[a.id] = &a;
  std::set<std::string> named;
  for (const auto& a : all) {
    if ((q.type == "*" || q.type == TypeOf(a.kind)) && (q.agency == "*" || q.agency == kAgency) &&
        IdMatches(q.id, a.id) && VersionMatches(q.version, kVersion)) {
      named.insert(a.id);
    }
  }
  auto children = [&](const std::string& id) { return ChildrenOf(*by_id.at(id)); };
  auto parents = [&](const std::string& id) {
    std::set<std::string> out;
    for (const auto& a : all) {
      if (ChildrenOf(a).count(id)) out.insert(a.id);
    }
    return out;
  };
  auto closure = [&](const std::set<std::string>& from, const std::function<std::set<std::string>(std::string)>& f) {
    std::set<std::string> out, todo = from;
    while (!todo.empty()) {
      const std::string id = *todo.begin();
      todo.erase(todo.begin());
      for (const std::string& next : f(id)) {
        if (out.insert(next).second) todo.insert(next);
      }
    }
    return out;
  };
  std::set<std::string> extra;
  const std::string& r = q.references;
  for (const std::string& id : named) {
    std::set<std::string> add;
    if (r == "children") add = children(id);
    if (r == "descendants" || r == "all") add = closure({id}, children);
    if (r == "parents" || r == "parentsandsiblings") add = parents(id);
    if (r == "ancestors") add = closure({id}, parents);
    if (r == "parentsandsiblings" || r == "all") {
      for (const std::string& p : parents(id)) {
        add.insert(p);
        for (const std::string& sibling : children(p)) add.insert(sibling);
      }
    }
    if (r == "all") {
      for (const std::string& a : closure({id}, parents)) add.insert(a);
    }
    if (r == "codelist" || r == "conceptscheme" || r == "datastructure" || r == "dataflow") {
      for (const std::string& related : closure({id}, children)) add.insert(related);
      for (const std::string& related : closure({id}, parents)) add.insert(related);
      for (auto it = add.begin(); it != add.end();)
        it = TypeOf(by_id.at(*it)->kind) == r ? std::next(it) : add.erase(it);
    }
    extra.insert(add.begin(), add.end());
  }
  std::vector<std::pair<const Artefact*, bool>> out;
  for (const auto& a : all) {
    if (named.count(a.id)) {
      out.push_back({&a, false});
    } else if (extra.count(a.id)) {
      out.push_back({&a, true});
    }
  }
  return out;
}

// Whether an artefact is written as a stub (id, version, names and where to get it) under `detail`.
bool Stub(const std::string& detail, bool referenced) {
  if (detail == "allstubs" || detail == "allcompletestubs") return true;
  if (detail == "referencestubs" || detail == "referencecompletestubs") return referenced;
  return false;
}

// ---- SDMX-JSON 2.0.0 ----

json Names(const Name& n) { return {{"zh", n.zh}, {"en", n.en}}; }

json SelfLink(const std::string& urn, const char* type) {
  return json::array({{{"rel", "self"}, {"urn", urn}, {"type", type}}});
}

json DsdComponentsJson() {
  json dimensions = json::array(), attributes = json::array(), measures = json::array(), time;
  int position = 0;
  for (const Component& c : kDsdComponents) {
    const std::string concept_urn = ItemUrn(Kind::kConceptScheme, kConcepts, c.id);
    json enumeration = {{"enumeration", Urn(Kind::kCodelist, c.codelist)}};
    switch (c.role) {
      case Component::kDimension:
        dimensions.push_back({{"id", c.id},
                              {"position", ++position},
                              {"type", "Dimension"},
                              {"links", SelfLink(ComponentUrn("Dimension", c.id), "dimension")},
                              {"conceptIdentity", concept_urn},
                              {"localRepresentation", enumeration}});
        break;
      case Component::kTime:
        time = {{"id", c.id},
                {"links", SelfLink(ComponentUrn("TimeDimension", c.id), "timedimension")},
                {"conceptIdentity", concept_urn},
                {"localRepresentation", {{"format", {{"dataType", "ObservationalTimePeriod"}}}}}};
        break;
      case Component::kMeasure:
        measures.push_back({{"id", c.id},
                            {"usage", "mandatory"},
                            {"links", SelfLink(ComponentUrn("Measure", c.id), "measure")},
                            {"conceptIdentity", concept_urn},
                            {"localRepresentation", {{"format", {{"dataType", "Decimal"}}}}}});
        break;
      case Component::kAttribute:
        attributes.push_back({{"id", c.id},
                              {"usage", "mandatory"},
                              {"links", SelfLink(ComponentUrn("DataAttribute", c.id), "dataattribute")},
                              {"attributeRelationship", {{"observation", json::object()}}},
                              {"conceptIdentity", concept_urn},
                              {"localRepresentation", enumeration}});
        break;
    }
  }
  return {{"dimensionList", {{"id", "DimensionDescriptor"}, {"dimensions", dimensions}, {"timeDimension", time}}},
          {"attributeList", {{"id", "AttributeDescriptor"}, {"attributes", attributes}}},
          {"measureList", {{"id", "MeasureDescriptor"}, {"measures", measures}}}};
}

json ArtefactJson(const Artefact& a, bool stub) {
  json out = {{"id", a.id},
              {"version", kVersion},
              {"agencyID", kAgency},
              {"isExternalReference", stub},
              {"name", a.name.zh},
              {"names", Names(a.name)},
              {"links", SelfLink(Urn(a.kind, a.id), TypeOf(a.kind))}};
  if (stub) return out;
  if (a.kind == Kind::kCodelist || a.kind == Kind::kConceptScheme) {
    json items = json::array();
    for (const Code& c : a.items) {
      items.push_back(
          {{"id", c.id},
           {"name", c.name.zh},
           {"names", Names(c.name)},
           {"links", SelfLink(ItemUrn(a.kind, a.id, c.id), a.kind == Kind::kCodelist ? "code" : "concept")}});
    }
    out[a.kind == Kind::kCodelist ? "codes" : "concepts"] = std::move(items);
  } else if (a.kind == Kind::kDataStructure) {
    out["dataStructureComponents"] = DsdComponentsJson();
  } else if (a.kind == Kind::kDataflow) {
    out["structure"] = Urn(Kind::kDataStructure, kDsd);
  }
  return out;
}

std::string MessageId(absl::Time prepared) { return absl::StrCat("SAIMA-", absl::ToUnixNanos(prepared)); }

std::string JsonMessage(const std::vector<std::pair<const Artefact*, bool>>& selected, const std::string& detail,
                        absl::Time prepared) {
  json data = json::object();
  const std::pair<Kind, const char*> groups[] = {{Kind::kDataStructure, "dataStructures"},
                                                 {Kind::kDataflow, "dataflows"},
                                                 {Kind::kConceptScheme, "conceptSchemes"},
                                                 {Kind::kCodelist, "codelists"}};
  for (const auto& [kind, name] : groups) {
    for (const auto& [a, referenced] : selected) {
      if (a->kind == kind) data[name].push_back(ArtefactJson(*a, Stub(detail, referenced)));
    }
  }
  json message = {{"meta",
                   {{"schema", kJsonSchema},
                    {"id", MessageId(prepared)},
                    {"test", false},
                    {"prepared", absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", prepared, absl::UTCTimeZone())},
                    {"contentLanguages", {"zh", "en"}},
                    {"sender", {{"id", kAgency}}}}},
                  {"data", data}};
  return message.dump(2);
}

// ---- SDMX-ML 3.0.0 ----

std::string Escape(absl::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string NamesXml(const Name& n, const std::string& indent) {
  return absl::StrCat(indent, "<com:Name xml:lang=\"zh\">", Escape(n.zh), "</com:Name>\n", indent,
                      "<com:Name xml:lang=\"en\">", Escape(n.en), "</com:Name>\n");
}

std::string DsdComponentsXml() {
  std::string dimensions, attributes, measures;
  int position = 0;
  const std::string in = "          ";
  for (const Component& c : kDsdComponents) {
    const std::string concept_identity = absl::StrCat(
        in, "  <str:ConceptIdentity>", ItemUrn(Kind::kConceptScheme, kConcepts, c.id), "</str:ConceptIdentity>\n");
    const std::string enumeration =
        absl::StrCat(in, "  <str:LocalRepresentation><str:Enumeration>", Urn(Kind::kCodelist, c.codelist),
                     "</str:Enumeration></str:LocalRepresentation>\n");
    switch (c.role) {
      case Component::kDimension:
        absl::StrAppend(&dimensions, in, "<str:Dimension urn=\"", ComponentUrn("Dimension", c.id), "\" id=\"", c.id,
                        "\" position=\"", ++position, "\">\n", concept_identity, enumeration, in, "</str:Dimension>\n");
        break;
      case Component::kTime:
        absl::StrAppend(&dimensions, in, "<str:TimeDimension urn=\"", ComponentUrn("TimeDimension", c.id), "\" id=\"",
                        c.id, "\">\n", concept_identity, in,
                        "  <str:LocalRepresentation><str:TextFormat textType=\"ObservationalTimePeriod\"/>"
                        "</str:LocalRepresentation>\n",
                        in, "</str:TimeDimension>\n");
        break;
      case Component::kMeasure:
        absl::StrAppend(&measures, in, "<str:Measure urn=\"", ComponentUrn("Measure", c.id), "\" id=\"", c.id,
                        "\" usage=\"mandatory\">\n", concept_identity, in,
                        "  <str:LocalRepresentation><str:TextFormat textType=\"Decimal\"/></str:LocalRepresentation>\n",
                        in, "</str:Measure>\n");
        break;
      case Component::kAttribute:
        absl::StrAppend(&attributes, in, "<str:Attribute urn=\"", ComponentUrn("DataAttribute", c.id), "\" id=\"", c.id,
                        "\" usage=\"mandatory\">\n", concept_identity, enumeration, in,
                        "  <str:AttributeRelationship><str:Observation/></str:AttributeRelationship>\n", in,
                        "</str:Attribute>\n");
        break;
    }
  }
  const std::string list = "        ";
  return absl::StrCat(list, "<str:DataStructureComponents>\n",  //
                      list, "<str:DimensionList urn=\"", ComponentUrn("DimensionDescriptor", "DimensionDescriptor"),
                      "\" id=\"DimensionDescriptor\">\n", dimensions, list, "</str:DimensionList>\n",  //
                      list, "<str:AttributeList urn=\"", ComponentUrn("AttributeDescriptor", "AttributeDescriptor"),
                      "\" id=\"AttributeDescriptor\">\n", attributes, list, "</str:AttributeList>\n",  //
                      list, "<str:MeasureList urn=\"", ComponentUrn("MeasureDescriptor", "MeasureDescriptor"),
                      "\" id=\"MeasureDescriptor\">\n", measures, list, "</str:MeasureList>\n",  //
                      list, "</str:DataStructureComponents>\n");
}

std::string ArtefactXml(const Artefact& a, bool stub) {
  const char* element = a.kind == Kind::kCodelist        ? "Codelist"
                        : a.kind == Kind::kConceptScheme ? "ConceptScheme"
                        : a.kind == Kind::kDataStructure ? "DataStructure"
                                                         : "Dataflow";
  std::string out = absl::StrCat("      <str:", element, " urn=\"", Urn(a.kind, a.id), "\" isExternalReference=\"",
                                 stub ? "true" : "false", "\" agencyID=\"", kAgency, "\" id=\"", Escape(a.id),
                                 "\" version=\"", kVersion, "\">\n", NamesXml(a.name, "        "));
  if (!stub) {
    if (a.kind == Kind::kCodelist || a.kind == Kind::kConceptScheme) {
      const char* item = a.kind == Kind::kCodelist ? "Code" : "Concept";
      for (const Code& c : a.items) {
        absl::StrAppend(&out, "        <str:", item, " urn=\"", Escape(ItemUrn(a.kind, a.id, c.id)), "\" id=\"",
                        Escape(c.id), "\">\n", NamesXml(c.name, "          "), "        </str:", item, ">\n");
      }
    } else if (a.kind == Kind::kDataStructure) {
      out += DsdComponentsXml();
    } else {
      absl::StrAppend(&out, "        <str:Structure>", Urn(Kind::kDataStructure, kDsd), "</str:Structure>\n");
    }
  }
  absl::StrAppend(&out, "      </str:", element, ">\n");
  return out;
}

std::string XmlMessage(const std::vector<std::pair<const Artefact*, bool>>& selected, const std::string& detail,
                       absl::Time prepared) {
  std::string out = absl::StrCat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<mes:Structure xmlns:mes=\"http://www.sdmx.org/resources/sdmxml/schemas/v3_0/message\" "
      "xmlns:str=\"http://www.sdmx.org/resources/sdmxml/schemas/v3_0/structure\" "
      "xmlns:com=\"http://www.sdmx.org/resources/sdmxml/schemas/v3_0/common\">\n"
      "  <mes:Header>\n    <mes:ID>",
      MessageId(prepared), "</mes:ID>\n    <mes:Test>false</mes:Test>\n    <mes:Prepared>",
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", prepared, absl::UTCTimeZone()), "</mes:Prepared>\n    <mes:Sender id=\"",
      kAgency, "\"/>\n  </mes:Header>\n  <mes:Structures>\n");
  // In the order SDMXStructure.xsd's StructuresType requires.
  const std::pair<Kind, const char*> groups[] = {{Kind::kCodelist, "Codelists"},
                                                 {Kind::kConceptScheme, "ConceptSchemes"},
                                                 {Kind::kDataflow, "Dataflows"},
                                                 {Kind::kDataStructure, "DataStructures"}};
  for (const auto& [kind, name] : groups) {
    std::string group;
    for (const auto& [a, referenced] : selected) {
      if (a->kind == kind) group += ArtefactXml(*a, Stub(detail, referenced));
    }
    if (!group.empty()) absl::StrAppend(&out, "    <str:", name, ">\n", group, "    </str:", name, ">\n");
  }
  out += "  </mes:Structures>\n</mes:Structure>\n";
  return out;
}

}  // namespace

std::string IndicatorCode(st::Category c) {
  switch (c) {
    case st::CATEGORY_UNSPECIFIED:
      return "FAI";
    case st::CATEGORY_PRIVATE:
      return "FAI_PRIVATE";
    case st::CATEGORY_STATE:
      return "FAI_STATE";
    case st::CATEGORY_INDUSTRIAL_RENOVATION:
      return "FAI_IND_RENOVATION";
    case st::CATEGORY_MANUFACTURING:
      return "FAI_MANUFACTURING";
    case st::CATEGORY_TRANSPORT_ENERGY_WATER:
      return "FAI_TRANSPORT_ENERGY_WATER";
    case st::CATEGORY_HIGH_TECH:
      return "FAI_HIGH_TECH";
    case st::CATEGORY_CONSTRUCTION_INSTALLATION:
      return "FAI_CONSTRUCTION_INSTALLATION";
    case st::CATEGORY_PRIMARY:
      return "FAI_PRIMARY";
    case st::CATEGORY_SECONDARY:
      return "FAI_SECONDARY";
    case st::CATEGORY_TERTIARY:
      return "FAI_TERTIARY";
    default:
      return "";
  }
}

Name ComponentName(const std::string& component) {
  auto it = ConceptNames().find(component);
  return it == ConceptNames().end() ? Name{component, component} : it->second;
}

Name FlowName() { return {"固定资产投资主要指标(月度)", "Fixed-asset investment, main indicators (monthly)"}; }

CodeNames::CodeNames(const Settings& settings) {
  std::map<std::string, const Artefact*> codelists;
  const std::vector<Artefact> all = Catalogue(settings);
  for (const Artefact& a : all) codelists[a.id] = &a;
  for (const Component& c : kDsdComponents) {
    if (!*c.codelist) continue;
    for (const Code& item : codelists.at(c.codelist)->items) names_[c.id][item.id] = item.name;
  }
}

const Name* CodeNames::Find(const std::string& component, const std::string& code) const {
  auto codes = names_.find(component);
  if (codes == names_.end()) return nullptr;
  auto name = codes->second.find(code);
  return name == codes->second.end() ? nullptr : &name->second;
}

absl::StatusOr<StructureQuery> ParseStructureQuery(const std::vector<std::string>& path,
                                                   const std::vector<std::pair<std::string, std::string>>& parameters) {
  static const std::set<std::string> kTypes = {"dataflow", "datastructure", "conceptscheme", "codelist", "*"};
  if (path.empty() || path.size() > 4 || !kTypes.count(path[0])) {
    return Error(absl::StatusCode::kNotFound,
                 absl::StrCat("no structure type '", path.empty() ? "" : path[0],
                              "'; this service has dataflow, datastructure, conceptscheme and codelist"),
                 "不存在此类结构，本服务提供 dataflow、datastructure、conceptscheme 与 codelist");
  }
  StructureQuery q;
  q.type = path[0];
  q.agency = path.size() > 1 ? path[1] : "*";
  q.id = path.size() > 2 ? path[2] : "*";
  q.version = path.size() > 3 ? path[3] : "~";
  for (const auto& [name, value] : parameters) {
    if (name == "references") {
      static const std::set<std::string> kReferences = {
          "none", "parents",  "parentsandsiblings", "ancestors",     "children", "descendants",
          "all",  "codelist", "conceptscheme",      "datastructure", "dataflow"};
      if (!kReferences.count(value)) {
        return InvalidField("references",
                            "must be none, parents, parentsandsiblings, ancestors, children, descendants, all or a "
                            "structure type",
                            "references 应为 none、parents、parentsandsiblings、ancestors、children、descendants、all "
                            "或结构类型");
      }
      q.references = value;
    } else if (name == "detail") {
      static const std::set<std::string> kDetails = {
          "full", "allstubs", "referencestubs", "allcompletestubs", "referencecompletestubs", "referencepartial",
          "raw"};
      if (!kDetails.count(value)) {
        return InvalidField("detail",
                            "must be full, allstubs, referencestubs, allcompletestubs, referencecompletestubs, "
                            "referencepartial or raw",
                            "detail 取值不在 SDMX REST v2 规定之列");
      }
      q.detail = value;
    } else {
      return InvalidField(name, "is not a parameter of the SDMX REST v2 structure query",
                          absl::StrCat("SDMX 结构查询没有参数 ", name));
    }
  }
  return q;
}

absl::StatusOr<StructureFormat> NegotiateStructure(const std::string& accept) {
  if (accept.empty()) return StructureFormat::kJson;
  for (const MediaRange& range : MediaRanges(accept)) {
    const std::string& type = range.type;
    // 0: not a structure format; 1: SDMX-JSON 2.0.0; 2: SDMX-ML 3.0.0.
    int format = 0;
    if (type == "*/*" || type == "application/*" || type == "application/json" ||
        type == "application/vnd.sdmx.structure+json") {
      format = 1;
    } else if (type == "application/xml" || type == "text/xml" || type == "application/vnd.sdmx.structure+xml") {
      format = 2;
    }
    for (const auto& p : range.parameters) {
      if (p.first == "version" && p.second != (format == 1 ? "2.0.0" : "3.0.0")) format = 0;
    }
    if (format != 0) return format == 1 ? StructureFormat::kJson : StructureFormat::kXml;
  }
  return Error(absl::StatusCode::kFailedPrecondition,
               absl::StrCat("not acceptable: ", accept,
                            "; this service offers application/vnd.sdmx.structure+json;version=2.0.0 and "
                            "application/vnd.sdmx.structure+xml;version=3.0.0"),
               absl::StrCat("不支持请求的格式 ", accept, "，本服务提供 SDMX-JSON 2.0.0 与 SDMX-ML 3.0.0"));
}

const char* MediaTypeOf(StructureFormat format) {
  return format == StructureFormat::kJson ? "application/vnd.sdmx.structure+json;version=2.0.0"
                                          : "application/vnd.sdmx.structure+xml;version=3.0.0";
}

absl::StatusOr<std::string> StructureMessage(const Settings& settings, const StructureQuery& query,
                                             StructureFormat format, absl::Time prepared) {
  const std::vector<Artefact> all = Catalogue(settings);
  const auto selected = Select(all, query);
  if (selected.empty()) {
    return Error(absl::StatusCode::kNotFound,
                 absl::StrCat("no ", query.type, " ", query.agency, ":", query.id, "(", query.version, ")"),
                 absl::StrCat("不存在结构 ", query.agency, ":", query.id, "(", query.version, ")"));
  }
  return format == StructureFormat::kJson ? JsonMessage(selected, query.detail, prepared)
                                          : XmlMessage(selected, query.detail, prepared);
}

}  // namespace saima::gateway::sdmx
