#include "tests/soak/soak_workflow.h"

#include <sstream>

namespace weft::soak {
namespace {

using nlohmann::json;
using Kind = SoakBlock::Kind;

constexpr int kKinds = 7;

// The arguments every soak.step call passes: who it is (for the ledger), and its work.
std::string StepArgs(const std::string& step, const std::string& index, const std::string& value,
                     const std::string& add, const std::string& extra = "") {
  return "{wf: '${ workflow.id }', step: " + step + ", index: " + index + ", value: " + value +
         ", add: " + add + extra + "}";
}

std::string Quoted(const std::string& expression) { return "'${ " + expression + " }'"; }

// The YAML of one block: its steps, as items of the top-level step list.
std::string BlockYaml(const SoakBlock& block) {
  const std::string& id = block.id;
  const std::string x = Quoted("vars.x");
  std::ostringstream out;
  switch (block.kind) {
    case Kind::kCall:
      out << "  - id: " << id << "\n    call: soak.step\n    args: "
          << StepArgs(id, "-1", x, std::to_string(block.a), block.flaky ? ", flaky: true" : "")
          << "\n  - id: " << id << "_set\n    set: {x: " << Quoted("steps." + id + ".result.value")
          << "}\n";
      break;
    case Kind::kTimer:
      out << "  - id: " << id << "\n    wait: " << block.count << "ms\n  - id: " << id
          << "_set\n    set: {x: " << Quoted("vars.x + " + std::to_string(block.a)) << "}\n";
      break;
    case Kind::kSignal:
      out << "  - id: " << id << "\n    await: {signal: " << block.signal << ", timeout: 1h}\n"
          << "  - id: " << id
          << "_set\n    set: {x: " << Quoted("vars.x + steps." + id + ".result.v") << "}\n";
      break;
    case Kind::kParallel:
      out << "  - id: " << id << "\n    parallel:\n      branches:\n";
      for (const auto& [branch, add] : {std::pair{"a", block.a}, std::pair{"b", block.b}}) {
        const std::string step = id + "_" + branch;
        out << "        - id: " << branch << "\n          steps:\n            - id: " << step
            << "\n              call: soak.step\n              args: "
            << StepArgs(step, "-1", x, std::to_string(add)) << "\n";
      }
      out << "  - id: " << id << "_set\n    set: {x: "
          << Quoted("steps." + id + ".result.a.value + steps." + id + ".result.b.value") << "}\n";
      break;
    case Kind::kForeach: {
      std::string items;
      std::string sum;
      for (int i = 0; i < block.count; ++i) {
        items += (i ? ", " : "") + std::to_string(i);
        sum += (i ? " + " : "") + ("steps." + id + ".result[" + std::to_string(i) + "]");
      }
      const std::string step = id + "_item";
      out << "  - id: " << id << "\n    foreach:\n      in: " << Quoted("[" + items + "]")
          << "\n      concurrency: " << block.concurrency
          << "\n      steps:\n        - id: " << step
          << "\n          call: soak.step\n          args: "
          << StepArgs(step, Quoted("index"), Quoted("vars.x + item"), std::to_string(block.a))
          << "\n      collect: " << Quoted("steps." + step + ".result.value") << "\n  - id: " << id
          << "_set\n    set: {x: " << Quoted(sum) << "}\n";
      break;
    }
    case Kind::kChild:
      out << "  - id: " << id << "\n    workflow:\n      name: " << kChildName
          << "\n      id: " << Quoted("workflow.id + \"/" + id + "\"") << "\n      input: {n: " << x
          << ", add: " << block.a << "}\n  - id: " << id
          << "_set\n    set: {x: " << Quoted("steps." + id + ".result.value") << "}\n";
      break;
    case Kind::kTry:
      out << "  - id: " << id << "\n    try:\n      steps:\n        - id: " << id
          << "_ok\n          call: soak.step\n          args: "
          << StepArgs(id + "_ok", "-1", x, std::to_string(block.a))
          << "\n          compensate:\n            call: soak.step\n            args: "
          << StepArgs(id + "_undo", "-1", Quoted("steps." + id + "_ok.result.value"),
                      std::to_string(block.b))
          << "\n        - id: " << id << "_bad\n          call: soak.step\n          args: "
          << StepArgs(id + "_bad", "-1", "0", "0", ", fail: true")
          << "\n      catch:\n        - errors: [SoakFailure]\n          compensate: true\n"
          << "          steps:\n            - id: " << id
          << "_caught\n              set: {x: " << Quoted("vars.x + " + std::to_string(block.a))
          << "}\n";
      break;
  }
  return out.str();
}

constexpr char kDefaults[] = R"(defaults:
  call:
    timeouts: {start_to_close: 5s}
    retry: {initial_interval: 100ms, maximum_interval: 1s}
)";

std::string DefinitionYaml(const SoakDefinition& definition) {
  std::ostringstream out;
  out << "dsl: 1\nname: " << definition.name
      << "\ninput:\n  type: object\n  required: [n]\n  properties: {n: {type: integer}}\n"
      << "vars:\n  x: " << Quoted("input.n") << "\n";
  bool any_signal = false;
  for (const SoakBlock& block : definition.blocks) {
    if (block.kind != Kind::kSignal) continue;
    if (!any_signal) out << "handlers:\n  signals:\n";
    any_signal = true;
    out << "    " << block.signal << ": {}\n";
  }
  out << kDefaults << "steps:\n";
  for (const SoakBlock& block : definition.blocks) out << BlockYaml(block);
  out << "output: " << Quoted("{\"value\": vars.x}") << "\n";
  return out.str();
}

std::string ChildYaml() {
  return std::string("dsl: 1\nname: ") + kChildName +
         "\ninput:\n  type: object\n  required: [n, add]\n"
         "  properties: {n: {type: integer}, add: {type: integer}}\n" +
         kDefaults +
         "steps:\n  - id: nap\n    wait: 50ms\n  - id: work\n    call: soak.step\n    args: " +
         StepArgs("work", "-1", Quoted("input.n"), Quoted("input.add")) +
         "\noutput: " + Quoted("{\"value\": steps.work.result.value}") + "\n";
}

SoakBlock RandomBlock(Kind kind, const std::string& id, std::mt19937_64& random) {
  SoakBlock block{.kind = kind, .id = id};
  block.a = static_cast<std::int64_t>(random() % 100);
  block.b = static_cast<std::int64_t>(random() % 100);
  switch (kind) {
    case Kind::kCall:
      block.flaky = random() % 3 == 0;
      break;
    case Kind::kTimer:
      block.count = 20 + static_cast<int>(random() % 500);
      break;
    case Kind::kSignal:
      block.signal = "go_" + id;
      break;
    case Kind::kForeach:
      block.count = 2 + static_cast<int>(random() % 4);
      block.concurrency = 1 + static_cast<int>(random() % 3);
      break;
    default:
      break;
  }
  return block;
}

}  // namespace

std::int64_t Step(std::int64_t value, std::int64_t add) { return (value * 3 + add) % 1'000'003; }

SoakCatalogue GenerateCatalogue(std::uint64_t seed, int definitions) {
  std::mt19937_64 random(seed);
  SoakCatalogue catalogue;
  catalogue.child_yaml = ChildYaml();
  for (int k = 0; k < definitions; ++k) {
    SoakDefinition definition{.name = "soak-" + std::to_string(k)};
    const int blocks = 3 + static_cast<int>(random() % 5);
    for (int i = 0; i < blocks; ++i) {
      // The first block cycles through the kinds, so that every kind is in the catalogue.
      const auto kind = static_cast<Kind>(i == 0 ? k % kKinds : random() % kKinds);
      definition.blocks.push_back(RandomBlock(kind, "b" + std::to_string(i), random));
    }
    definition.yaml = DefinitionYaml(definition);
    catalogue.definitions.push_back(std::move(definition));
  }
  return catalogue;
}

std::vector<SoakRun> PlanRun(const SoakDefinition& definition, const std::string& workflow_id,
                             std::mt19937_64& random) {
  SoakRun run;
  std::vector<SoakRun> children;
  run.workflow_id = workflow_id;
  run.workflow_type = definition.name;
  std::int64_t x = static_cast<std::int64_t>(random() % 100'000);
  run.input = {{"n", x}};
  const auto done = [&](const std::string& step) {
    run.activities.push_back(workflow_id + "#" + step);
  };
  for (const SoakBlock& block : definition.blocks) {
    switch (block.kind) {
      case Kind::kCall:
        done(block.id);
        x = Step(x, block.a);
        break;
      case Kind::kTimer:
        x += block.a;
        break;
      case Kind::kSignal: {
        const std::int64_t v = 1 + static_cast<std::int64_t>(random() % 1000);
        run.signals.emplace_back(block.signal, json{{"v", v}});
        x += v;
        break;
      }
      case Kind::kParallel:
        done(block.id + "_a");
        done(block.id + "_b");
        x = Step(x, block.a) + Step(x, block.b);
        break;
      case Kind::kForeach: {
        std::int64_t sum = 0;
        for (int i = 0; i < block.count; ++i) {
          done(block.id + "_item." + std::to_string(i));
          sum += Step(x + i, block.a);
        }
        x = sum;
        break;
      }
      case Kind::kChild: {
        SoakRun child{.workflow_id = workflow_id + "/" + block.id,
                      .workflow_type = kChildName,
                      .input = {{"n", x}, {"add", block.a}}};
        x = Step(x, block.a);
        child.expected_output = {{"value", x}};
        child.activities = {child.workflow_id + "#work"};
        children.push_back(std::move(child));
        break;
      }
      case Kind::kTry:
        done(block.id + "_ok");
        done(block.id + "_undo");  // the catch compensates
        x += block.a;
        break;
    }
  }
  run.expected_output = {{"value", x}};
  std::vector<SoakRun> plan{std::move(run)};
  for (SoakRun& child : children) plan.push_back(std::move(child));
  return plan;
}

}  // namespace weft::soak
