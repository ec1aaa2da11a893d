#include "runtime/temporal/search_attribute_check.h"

#include <spdlog/spdlog.h>

#include <map>

#include "runtime/temporal/grpc_connection.h"
#include "temporal/api/operatorservice/v1/service.grpc.pb.h"

namespace weft::temporal {

namespace operatorservice = ::temporal::api::operatorservice::v1;

std::vector<MissingSearchAttribute> MissingSearchAttributes(
    const std::set<std::string>& known,
    const std::vector<std::shared_ptr<const dsl::Definition>>& definitions) {
  std::map<std::string, std::set<std::string>> users;
  for (const auto& definition : definitions) {
    for (const auto& [name, value] : definition->search_attributes) {
      if (!known.contains(name)) users[name].insert(definition->name);
    }
  }
  std::vector<MissingSearchAttribute> missing;
  for (auto& [name, workflows] : users) {
    missing.push_back({name, std::vector<std::string>(workflows.begin(), workflows.end())});
  }
  return missing;
}

std::string MissingSearchAttributesWarning(const std::vector<MissingSearchAttribute>& missing,
                                           const std::string& namespace_name) {
  if (missing.empty()) return "";
  std::string used;
  std::string commands;
  for (const MissingSearchAttribute& attribute : missing) {
    if (!used.empty()) used += "; ";
    used += attribute.name + " (set by ";
    for (std::size_t i = 0; i < attribute.workflows.size(); ++i) {
      used += (i == 0 ? "" : ", ") + attribute.workflows[i];
    }
    used += ")";
    if (!commands.empty()) commands += " && ";
    // Keyword is what an id or a code is; a definition that sets a number or a time wants
    // Int, Double or Datetime instead (docs/temporal.md).
    commands += "temporal operator search-attribute create --namespace " + namespace_name +
                " --name " + attribute.name + " --type Keyword";
  }
  return "namespace " + namespace_name + " has no search attribute " + used +
         ": their runs fail every workflow task (BadSearchAttributes) until it is created: " +
         commands;
}

std::optional<std::vector<MissingSearchAttribute>> WarnAboutMissingSearchAttributes(
    const GrpcConnection& connection,
    const std::vector<std::shared_ptr<const dsl::Definition>>& definitions) {
  bool any = false;
  for (const auto& definition : definitions) any = any || !definition->search_attributes.empty();
  if (!any) return std::vector<MissingSearchAttribute>{};

  const std::string& namespace_name = connection.options().namespace_name;
  auto stub = operatorservice::OperatorService::NewStub(connection.channel());
  operatorservice::ListSearchAttributesRequest request;
  request.set_namespace_(namespace_name);
  operatorservice::ListSearchAttributesResponse response;
  auto context = connection.NewCallContext(kServerCheckTimeout);
  if (grpc::Status status = stub->ListSearchAttributes(context.get(), request, &response);
      !status.ok()) {
    spdlog::debug("search attributes of namespace {} not checked: {}", namespace_name,
                  status.error_message());
    return std::nullopt;
  }
  std::set<std::string> known;
  for (const auto& [name, type] : response.custom_attributes()) known.insert(name);
  for (const auto& [name, type] : response.system_attributes()) known.insert(name);
  std::vector<MissingSearchAttribute> missing = MissingSearchAttributes(known, definitions);
  if (!missing.empty()) spdlog::warn("{}", MissingSearchAttributesWarning(missing, namespace_name));
  return missing;
}

}  // namespace weft::temporal
