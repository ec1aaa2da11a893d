#include "agents/reference.h"

#include <optional>

#include "agents/reference_files.h"

namespace weft::agents {
namespace {

struct Page {
  std::string_view path;
  std::string_view topic;
  std::string_view uri;
  std::string_view title;
  std::string_view description;
  std::string_view mime_type;
};

// The pages, in the order an agent should read them.
constexpr Page kPages[] = {
    {"docs/agents.md", "guide", "weft://docs/agents", "weft for agents (read first)",
     "The loop (scaffold, validate, dry-run, run), the language in brief with a complete "
     "example, the MCP tools, common mistakes with their diagnostic codes.",
     "text/markdown"},
    {"docs/language.md", "language", "weft://docs/language", "The workflow language",
     "Every key and step kind (call, set, switch, parallel, foreach, while, wait, await, "
     "workflow, try, fail, return), handlers (signals, queries, updates), scopes, diagnostic "
     "codes.",
     "text/markdown"},
    {"docs/expressions.md", "expressions", "weft://docs/expressions", "Expressions",
     "The ${ ... } expression language: names, operators, functions (size, has, duration, "
     "timestamp, string and list functions, macros), types and their codes.",
     "text/markdown"},
    {"docs/activities.md", "activities", "weft://docs/activities", "Activities",
     "Built-in, plugin and Lua activities: the Lua contract (activities/<module>.lua), typed "
     "and non-retryable errors (error({type = ..., non_retryable = true})), the `weft` Lua API, "
     "the sandbox, the error types weft raises.",
     "text/markdown"},
    {"docs/testing.md", "testing", "weft://docs/testing", "Dry-run test cases",
     "The *.test.yaml format: input, mocks by step id, scripted signals, updates and queries, "
     "expectations; what a dry run does not do.",
     "text/markdown"},
    {"schema/workflow.schema.json", "schema", "weft://schema/workflow.schema.json",
     "JSON Schema of a workflow definition", "What a workflows/*.yaml file may contain.",
     "application/schema+json"},
    {"schema/workflow-test.schema.json", "test-schema", "weft://schema/workflow-test.schema.json",
     "JSON Schema of a test file", "What a tests/workflows/*.test.yaml file may contain.",
     "application/schema+json"},
};

std::string ExampleDescription(std::string_view path) {
  if (path.starts_with("workflows/")) return "A shipped workflow definition.";
  if (path.starts_with("tests/")) return "Dry-run test cases of a shipped workflow.";
  return "A shipped Lua activity module; each function is the activity <module>.<function>.";
}

std::string MimeType(std::string_view path) {
  if (path.ends_with(".lua")) return "text/x-lua";
  return "application/yaml";
}

std::vector<ReferenceEntry> BuildEntries() {
  std::vector<ReferenceEntry> entries;
  for (const Page& page : kPages) {
    for (const ReferenceFile& file : ReferenceFiles()) {
      if (file.path != page.path) continue;
      entries.push_back({.topic = std::string(page.topic),
                         .uri = std::string(page.uri),
                         .title = std::string(page.title),
                         .description = std::string(page.description),
                         .mime_type = std::string(page.mime_type),
                         .text = file.text});
    }
  }
  for (const ReferenceFile& file : ReferenceFiles()) {
    bool page = false;
    for (const Page& known : kPages) page = page || known.path == file.path;
    if (page) continue;
    entries.push_back({.topic = std::string(file.path),
                       .uri = "weft://examples/" + std::string(file.path),
                       .title = "Example: " + std::string(file.path),
                       .description = ExampleDescription(file.path),
                       .mime_type = MimeType(file.path),
                       .text = file.text,
                       .example = true});
  }
  return entries;
}

}  // namespace

const std::vector<ReferenceEntry>& ReferenceEntries() {
  static const std::vector<ReferenceEntry> entries = BuildEntries();
  return entries;
}

const ReferenceEntry* FindReference(std::string_view topic_or_uri) {
  for (const ReferenceEntry& entry : ReferenceEntries()) {
    if (entry.topic == topic_or_uri || entry.uri == topic_or_uri) return &entry;
  }
  return nullptr;
}

std::optional<std::string> ReferenceText(std::string_view topic) {
  if (topic == "examples") {
    std::string text =
        "The shipped examples (get_reference with one of these topics, or read its resource):\n";
    for (const ReferenceEntry& entry : ReferenceEntries()) {
      if (entry.example) text += "- " + entry.topic + " (" + entry.uri + ")\n";
    }
    return text;
  }
  const ReferenceEntry* entry = FindReference(topic);
  if (entry == nullptr) return std::nullopt;
  return std::string(entry->text);
}

std::vector<std::string> ReferenceTopics() {
  std::vector<std::string> topics;
  for (const ReferenceEntry& entry : ReferenceEntries()) {
    if (!entry.example) topics.push_back(entry.topic);
  }
  topics.push_back("examples");
  return topics;
}

Tool GetReferenceTool() {
  std::string topics;
  for (const std::string& topic : ReferenceTopics()) topics += (topics.empty() ? "" : ", ") + topic;
  return {
      .name = "get_reference",
      .title = "Read the reference",
      .description =
          "The reference an agent needs to write workflows, as text (the same as the "
          "server's resources, weft://docs/...): guide (read first), language, expressions, "
          "activities (the Lua contract, typed and non-retryable errors, the weft Lua API), "
          "testing (the dry-run test format), schema and test-schema (JSON Schemas), "
          "examples (the list of shipped workflows, their tests and Lua activities; each is "
          "a topic of its own, e.g. workflows/order-clothes.yaml).",
      .input_schema = {{"type", "object"},
                       {"properties",
                        {{"topic",
                          {{"type", "string"},
                           {"description",
                            "One of " + topics + ", or an example's path as `examples` lists"}}}}},
                       {"required", {"topic"}},
                       {"additionalProperties", false}},
      .read_only = true};
}

ToolResult GetReference(const nlohmann::json& arguments) {
  const std::string topic = arguments.value("topic", std::string());
  if (std::optional<std::string> text = ReferenceText(topic)) return {*text};
  std::vector<std::string> topics = ReferenceTopics();
  return {{{"error", "no reference topic `" + topic +
                         "`; the topics are listed under `topics`, and `examples` lists the "
                         "example files"},
           {"topics", topics}},
          true};
}

std::vector<Resource> ReferenceResources::Resources() {
  std::vector<Resource> resources;
  for (const ReferenceEntry& entry : ReferenceEntries()) {
    resources.push_back({.uri = entry.uri,
                         .name = entry.topic,
                         .title = entry.title,
                         .description = entry.description,
                         .mime_type = entry.mime_type,
                         .size = entry.text.size()});
  }
  return resources;
}

std::optional<std::string> ReferenceResources::Read(const std::string& uri) {
  const ReferenceEntry* entry = FindReference(uri);
  if (entry == nullptr || entry->uri != uri) return std::nullopt;
  return std::string(entry->text);
}

}  // namespace weft::agents
