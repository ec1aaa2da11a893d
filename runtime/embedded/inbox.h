// Inbox: how requests from other processes reach the embedded engine's runs. `weft signal`,
// `update`, `query`, `cancel`, `terminate` and `run --detach` write rows into the journal's
// inbox (journal_client.h); the engine polls it (and the runs table, for runs started
// elsewhere) and turns each row into a job for the run's next activation, or an answer.
// Delivering a row deletes it in the same transaction as the activation that delivers it, so
// a row is neither lost nor delivered twice across a crash.
//
// A query is answered at once against the run's current state, never journaled; a query to a
// closed run is answered against the run rebuilt from its journal, as Temporal answers queries
// on closed workflows.
//
// Engine thread only.
#ifndef WEFT_RUNTIME_EMBEDDED_INBOX_H_
#define WEFT_RUNTIME_EMBEDDED_INBOX_H_

#include <string_view>
#include <vector>

#include "runtime/embedded/journal.h"
#include "runtime/interpreter/workflow_instance.h"

namespace weft::embedded {

struct EngineCore;

// The kinds of inbox rows. Part of the journal's format: the names are written by clients.
enum class InboxKind { kSignal, kUpdate, kQuery, kCancel, kTerminate, kStart, kUnknown };
InboxKind InboxKindOf(std::string_view name);

// Reads what is new: runs other processes created, and inbox rows. Unless `force`, it does
// nothing when the journal has not changed since the last poll.
void PollInbox(EngineCore& core, bool force);

// Answers the queries against `instance` and journals the replies (and the rows' deletion)
// into `batch`.
void AnswerInboxQueries(EngineCore& core, interpreter::WorkflowInstance& instance,
                        const std::vector<InboxItem>& queries, JournalBatch& batch);

}  // namespace weft::embedded

#endif  // WEFT_RUNTIME_EMBEDDED_INBOX_H_
