#include "dsl/load/handlers.h"

#include <map>
#include <regex>
#include <string>

#include "dsl/codes.h"

namespace weft::dsl::load {

using Kind = SourceNode::Kind;
using expr::Type;

void LoadHandlers(LoaderContext& loader, const SourceNode& node, Definition& definition) {
  if (!loader.ExpectMapping(node, "`handlers`")) return;
  loader.CheckKeys(node, {"queries", "signals", "updates"}, "`handlers`");
  std::map<std::string, std::string> kinds;  // handler name -> "query", "signal", "update"
  const auto claim = [&](const SourceNode::Entry& entry, const std::string& kind) {
    if (!std::regex_match(entry.key, ExternalNamePattern())) {
      loader.ErrorAtKey(codes::kInvalidName, entry,
                        "`" + entry.key + "` is not a valid handler name",
                        "handler names are letters, digits, `_`, `-` and `.`");
      return false;
    }
    auto [previous, inserted] = kinds.emplace(entry.key, kind);
    if (!inserted) {
      loader.ErrorAtKey(codes::kHandlerClash, entry,
                        "`" + entry.key + "` is both " + WithArticle(previous->second) + " and " +
                            WithArticle(kind),
                        "a client names the handler it calls: give each a distinct name");
      return false;
    }
    return true;
  };
  Visible base;
  base.recorded = false;
  if (const SourceNode* queries = node.Find("queries");
      queries != nullptr && loader.ExpectMapping(*queries, "`queries`")) {
    for (const SourceNode::Entry& entry : queries->entries) {
      if (!claim(entry, "query")) continue;
      Visible visible = base;
      visible.locals["query"] = Type::Dyn();
      const SourceNode* value = &entry.value;
      std::string description;
      if (value->kind == Kind::kMapping) {
        loader.CheckKeys(*value, {"value", "description"}, "a query");
        description = loader.String(value->Find("description"), "`description`").value_or("");
        value = loader.Required(*value, "value", "a query");
      }
      if (auto expression = loader.ExpressionOf(value, visible, "a query's value")) {
        definition.queries.push_back(QueryHandler{.name = entry.key,
                                                  .value = std::move(*expression),
                                                  .description = description,
                                                  .range = entry.value.range});
      }
    }
  }
  if (const SourceNode* signals = node.Find("signals");
      signals != nullptr && loader.ExpectMapping(*signals, "`signals`")) {
    for (const SourceNode::Entry& entry : signals->entries) {
      if (!claim(entry, "signal")) continue;
      loader.declarations().signals.insert(entry.key);
      SignalHandler handler{.name = entry.key, .range = entry.value.range};
      if (entry.value.kind != Kind::kNull &&
          loader.ExpectMapping(entry.value, "a signal handler")) {
        loader.CheckKeys(entry.value, {"set", "description"}, "a signal handler");
        Visible visible;
        visible.locals["signal"] = Type::Dyn();
        handler.description =
            loader.String(entry.value.Find("description"), "`description`").value_or("");
        if (const SourceNode* set = entry.value.Find("set")) {
          handler.assignments = loader.Assignments(*set, visible);
        }
      }
      definition.signals.push_back(std::move(handler));
    }
  }
  if (const SourceNode* updates = node.Find("updates");
      updates != nullptr && loader.ExpectMapping(*updates, "`updates`")) {
    for (const SourceNode::Entry& entry : updates->entries) {
      if (!claim(entry, "update")) continue;
      UpdateHandler handler{.name = entry.key, .range = entry.value.range};
      if (!loader.ExpectMapping(entry.value, "an update handler")) continue;
      loader.CheckKeys(entry.value, {"validate", "set", "result", "description"},
                       "an update handler");
      Visible visible;
      visible.locals["update"] = Type::Dyn();
      handler.description =
          loader.String(entry.value.Find("description"), "`description`").value_or("");
      if (const SourceNode* validate = entry.value.Find("validate")) {
        Visible validator = visible;
        validator.recorded = false;  // runs outside history
        handler.validate = loader.Condition(validate, validator, "`validate`");
      }
      if (const SourceNode* set = entry.value.Find("set")) {
        handler.assignments = loader.Assignments(*set, visible);
      }
      if (const SourceNode* result = entry.value.Find("result")) {
        handler.result = loader.TemplateOf(*result, visible);
      }
      definition.updates.push_back(std::move(handler));
    }
  }
}

}  // namespace weft::dsl::load
