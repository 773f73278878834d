/* SPDX-License-Identifier: Apache-2.0 */
/* store: the versioned schema migrations (SQLite dialect). */
#include <stddef.h>

#include "store/schema.h"

/*
 * Migration N takes the schema from version N-1 to N. Released migrations are
 * never edited: a change is a new entry. Each runs in one transaction with the
 * user_version bump, so a failed migration leaves the old schema intact.
 *
 * case_access is derived from participants and JIT membership: one row per
 * (organisation, case) it may see. It is what need-to-know reads, and the
 * store rewrites a case's rows whenever either source changes.
 *
 *   participants ──┐
 *                  ├──> case_access(org_id, case_id, part_level, jit_until)
 *   jit_members ───┤           │
 *   jit_cases ─────┘           └──> access checks, case lists (index order)
 */
/* 1: core platform */
static const char *const m1[] = {
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;\n"
	"CREATE TABLE crime_types (code TEXT PRIMARY KEY, label TEXT NOT NULL);\n"
	"CREATE TABLE orgs (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 2 AND 16),\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('national_member','liaison_prosecutor',\n"
	"    'international_organisation','eu_agency','network')),\n"
	"  country TEXT CHECK (country IS NULL OR length(country) = 2),\n"
	"  name TEXT NOT NULL);\n",
	"CREATE TABLE users (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  username TEXT NOT NULL UNIQUE,\n"
	"  org_id INTEGER NOT NULL REFERENCES orgs(id),\n"
	"  role TEXT NOT NULL CHECK (role IN ('admin','prosecutor','analyst','observer')),\n"
	"  full_name TEXT,\n"
	"  pwhash TEXT NOT NULL,\n"
	"  disabled INTEGER NOT NULL DEFAULT 0,\n"
	"  created_at TEXT NOT NULL);\n"
	"CREATE INDEX users_org ON users(org_id);\n"
	"CREATE TABLE tokens (\n"
	"  id TEXT PRIMARY KEY,\n"
	"  user_id INTEGER NOT NULL REFERENCES users(id),\n"
	"  hash BLOB NOT NULL CHECK (length(hash) = 32),\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('session','api')),\n"
	"  label TEXT,\n"
	"  created_at TEXT NOT NULL,\n"
	"  expires_at TEXT,\n"
	"  revoked_at TEXT) WITHOUT ROWID;\n"
	"CREATE INDEX tokens_user ON tokens(user_id);\n"
	"CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;\n"
	,
	"CREATE TABLE cases (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  reference TEXT NOT NULL UNIQUE,\n"
	"  title TEXT NOT NULL,\n"
	"  status TEXT NOT NULL CHECK (status IN ('open','closed','archived')),\n"
	"  requesting_org_id INTEGER NOT NULL REFERENCES orgs(id),\n"
	"  opened_on TEXT NOT NULL,\n"
	"  closed_on TEXT,\n"
	"  retention_review_on TEXT,\n"
	"  created_at TEXT NOT NULL,\n"
	"  updated_at TEXT NOT NULL,\n"
	"  doc TEXT);\n"
	"CREATE TABLE case_crime_types (\n"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),\n"
	"  crime_type TEXT NOT NULL REFERENCES crime_types(code),\n"
	"  PRIMARY KEY (case_id, crime_type)) WITHOUT ROWID;\n"
	"CREATE INDEX case_crime_types_type ON case_crime_types(crime_type, case_id);\n"
	"CREATE TABLE participants (\n"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),\n"
	"  org_id INTEGER NOT NULL REFERENCES orgs(id),\n"
	"  access TEXT NOT NULL CHECK (access IN ('owner','participant','observer')),\n"
	"  national_ref TEXT,\n"
	"  joined_at TEXT NOT NULL,\n"
	"  PRIMARY KEY (case_id, org_id)) WITHOUT ROWID;\n"
	"CREATE INDEX participants_ref ON participants(national_ref) WHERE national_ref IS NOT NULL;\n"
	,
	"CREATE TABLE jits (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  name TEXT NOT NULL,\n"
	"  signed_on TEXT NOT NULL,\n"
	"  expires_on TEXT NOT NULL CHECK (expires_on >= signed_on),\n"
	"  created_at TEXT NOT NULL);\n"
	"CREATE TABLE jit_members (\n"
	"  jit_id INTEGER NOT NULL REFERENCES jits(id),\n"
	"  org_id INTEGER NOT NULL REFERENCES orgs(id),\n"
	"  role TEXT NOT NULL CHECK (role IN ('member','participant')),\n"
	"  PRIMARY KEY (jit_id, org_id)) WITHOUT ROWID;\n"
	"CREATE INDEX jit_members_org ON jit_members(org_id, jit_id);\n"
	"CREATE TABLE jit_cases (\n"
	"  jit_id INTEGER NOT NULL REFERENCES jits(id),\n"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),\n"
	"  PRIMARY KEY (jit_id, case_id)) WITHOUT ROWID;\n"
	"CREATE INDEX jit_cases_case ON jit_cases(case_id, jit_id);\n"
	"CREATE TABLE jit_extensions (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  jit_id INTEGER NOT NULL REFERENCES jits(id),\n"
	"  from_date TEXT NOT NULL,\n"
	"  to_date TEXT NOT NULL CHECK (to_date > from_date),\n"
	"  reason TEXT NOT NULL CHECK (length(reason) > 0),\n"
	"  at TEXT NOT NULL,\n"
	"  by_user TEXT NOT NULL);\n"
	,
	"CREATE TABLE case_access (\n"
	"  org_id INTEGER NOT NULL,\n"
	"  case_id INTEGER NOT NULL,\n"
	"  part_level INTEGER NOT NULL,\n"
	"  jit_until TEXT,\n"
	"  PRIMARY KEY (org_id, case_id)) WITHOUT ROWID;\n"
	"CREATE INDEX case_access_case ON case_access(case_id);\n"
	"CREATE TABLE events (\n"
	"  seq INTEGER PRIMARY KEY,\n"
	"  at TEXT NOT NULL,\n"
	"  actor TEXT NOT NULL,\n"
	"  actor_org TEXT NOT NULL,\n"
	"  action TEXT NOT NULL,\n"
	"  object_type TEXT NOT NULL,\n"
	"  object_id TEXT NOT NULL,\n"
	"  case_id INTEGER,\n"
	"  jit_id INTEGER,\n"
	"  before TEXT,\n"
	"  after TEXT);\n"
	"CREATE INDEX events_case ON events(case_id, seq) WHERE case_id IS NOT NULL;\n"
	"CREATE INDEX events_jit ON events(jit_id, seq) WHERE jit_id IS NOT NULL;\n"
	"CREATE TRIGGER events_no_update BEFORE UPDATE ON events\n"
	"  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;\n"
	"CREATE TRIGGER events_no_delete BEFORE DELETE ON events\n"
	"  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;\n",
	NULL,
};

/*
 * 2: evidence vault. custody is append-only like events. Grants name items
 * shared outside their case; each item of a grant carries the originator's
 * consent. Erasing an item keeps its row as a tombstone (hash, who, why).
 */
static const char *const m2[] = {
	"CREATE TABLE case_keys (\n"
	"  case_id INTEGER PRIMARY KEY REFERENCES cases(id),\n"
	"  wrapped BLOB NOT NULL CHECK (length(wrapped) = 72),\n"
	"  created_at TEXT NOT NULL);\n"
	"CREATE TABLE evidence (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),\n"
	"  title TEXT NOT NULL,\n"
	"  description TEXT,\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('document','image','video','audio','testimony',\n"
	"    'device_image','dataset','other')),\n"
	"  media_type TEXT NOT NULL,\n"
	"  size INTEGER NOT NULL CHECK (size >= 0),\n"
	"  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),\n"
	"  original_name TEXT,\n"
	"  originator_org_id INTEGER NOT NULL REFERENCES orgs(id),\n"
	"  provenance TEXT NOT NULL DEFAULT '{}',\n"
	"  legal_status TEXT,\n"
	"  tags TEXT NOT NULL DEFAULT '[]',\n"
	"  registered_by TEXT NOT NULL,\n"
	"  registered_at TEXT NOT NULL,\n"
	"  integrity TEXT NOT NULL DEFAULT 'ok' CHECK (integrity IN ('ok','failed','missing')),\n"
	"  integrity_checked_at TEXT,\n"
	"  erased_at TEXT,\n"
	"  erased_by TEXT,\n"
	"  erase_reason TEXT);\n"
	"CREATE INDEX evidence_case ON evidence(case_id, id);\n"
	"CREATE INDEX evidence_blob ON evidence(case_id, sha256);\n",
	"CREATE TABLE custody (\n"
	"  seq INTEGER PRIMARY KEY,\n"
	"  item_id INTEGER NOT NULL REFERENCES evidence(id),\n"
	"  at TEXT NOT NULL,\n"
	"  event TEXT NOT NULL CHECK (event IN ('registered','received','transferred','accessed',\n"
	"    'exported','shared','revoked','sealed','analysed','integrity_checked','erased')),\n"
	"  actor TEXT NOT NULL,\n"
	"  actor_org TEXT NOT NULL,\n"
	"  reason TEXT,\n"
	"  details TEXT);\n"
	"CREATE INDEX custody_item ON custody(item_id, seq);\n"
	"CREATE TRIGGER custody_no_update BEFORE UPDATE ON custody\n"
	"  BEGIN SELECT RAISE(ABORT, 'the chain of custody is append-only'); END;\n"
	"CREATE TRIGGER custody_no_delete BEFORE DELETE ON custody\n"
	"  BEGIN SELECT RAISE(ABORT, 'the chain of custody is append-only'); END;\n"
	"CREATE TABLE grants (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),\n"
	"  org_id INTEGER NOT NULL REFERENCES orgs(id),\n"
	"  grantor_org_id INTEGER NOT NULL REFERENCES orgs(id),\n"
	"  legal_basis TEXT NOT NULL CHECK (length(legal_basis) > 0),\n"
	"  authorised_by TEXT NOT NULL,\n"
	"  created_at TEXT NOT NULL,\n"
	"  expires_on TEXT,\n"
	"  revoked_at TEXT,\n"
	"  revoked_by TEXT);\n"
	"CREATE INDEX grants_org ON grants(org_id);\n"
	"CREATE TABLE grant_items (\n"
	"  grant_id INTEGER NOT NULL REFERENCES grants(id),\n"
	"  item_id INTEGER NOT NULL REFERENCES evidence(id),\n"
	"  consent TEXT NOT NULL CHECK (consent IN ('given','pending','refused')),\n"
	"  consent_by TEXT,\n"
	"  consent_at TEXT,\n"
	"  PRIMARY KEY (grant_id, item_id)) WITHOUT ROWID;\n"
	"CREATE INDEX grant_items_item ON grant_items(item_id, grant_id);\n"
	"CREATE TABLE retention_triggers (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),\n"
	"  trigger TEXT NOT NULL CHECK (trigger IN ('statute_barred','final_acquittal',\n"
	"    'final_judgment','end_of_coordination')),\n"
	"  on_date TEXT NOT NULL,\n"
	"  note TEXT,\n"
	"  recorded_by TEXT NOT NULL,\n"
	"  recorded_at TEXT NOT NULL);\n"
	"CREATE TABLE legal_holds (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),\n"
	"  reason TEXT NOT NULL CHECK (length(reason) > 0),\n"
	"  placed_by TEXT NOT NULL,\n"
	"  placed_at TEXT NOT NULL,\n"
	"  released_by TEXT,\n"
	"  released_at TEXT);\n",
	NULL,
};

/*
 * 3: the tamper-evident ledger (docs/ledger.md). Every event and custody row
 * gets a random salt and one ledger entry, appended in the same transaction;
 * ledger_hashes holds the Merkle tree's complete-subtree hashes in the
 * dense order of src/ledger/merkle.h; checkpoints are signed notes.
 */
static const char *const m3[] = {
	"ALTER TABLE events ADD COLUMN salt TEXT;\n"
	"ALTER TABLE custody ADD COLUMN salt TEXT;\n"
	"ALTER TABLE evidence ADD COLUMN content_salt TEXT;\n"
	"CREATE TABLE ledger_entries (\n"
	"  idx INTEGER PRIMARY KEY,\n"
	"  entry TEXT NOT NULL,\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('event','custody')),\n"
	"  ref INTEGER NOT NULL,\n"
	"  UNIQUE (kind, ref));\n"
	"CREATE TABLE ledger_hashes (idx INTEGER PRIMARY KEY, hash BLOB NOT NULL);\n"
	"CREATE TABLE checkpoints (\n"
	"  size INTEGER PRIMARY KEY,\n"
	"  root BLOB NOT NULL CHECK (length(root) = 32),\n"
	"  note TEXT NOT NULL,\n"
	"  at TEXT NOT NULL);\n",
	"CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries\n"
	"  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;\n"
	"CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries\n"
	"  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;\n"
	"CREATE TRIGGER ledger_hashes_no_update BEFORE UPDATE ON ledger_hashes\n"
	"  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;\n"
	"CREATE TRIGGER ledger_hashes_no_delete BEFORE DELETE ON ledger_hashes\n"
	"  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;\n"
	"CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints\n"
	"  BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;\n"
	"CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints\n"
	"  BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;\n",
	NULL,
};

/*
 * 4: witnessing. witness_state is what this node, as a witness, last saw of
 * each log it watches; cosignatures are what witnesses sent for this log's
 * checkpoints, published with them.
 */
static const char *const m4[] = {
	"CREATE TABLE witness_state (\n"
	"  origin TEXT PRIMARY KEY,\n"
	"  size INTEGER NOT NULL,\n"
	"  root BLOB NOT NULL CHECK (length(root) = 32),\n"
	"  note TEXT NOT NULL,\n"
	"  at TEXT NOT NULL) WITHOUT ROWID;\n"
	"CREATE TABLE cosignatures (\n"
	"  size INTEGER NOT NULL REFERENCES checkpoints(size),\n"
	"  witness TEXT NOT NULL,\n"
	"  line TEXT NOT NULL,\n"
	"  at TEXT NOT NULL,\n"
	"  PRIMARY KEY (size, witness)) WITHOUT ROWID;\n",
	NULL,
};

/*
 * 5: cross-matching. An entity's attributes are kept as entered (normal
 * forms beside what was written); mrec is its encoded match record
 * (src/match), entity_keys its blocking keys. A hit pairs two entities of
 * different cases (entity_a < entity_b); each side is reviewed by those who
 * see that side's case. A hit lapses when a change brings it below the
 * threshold; a dismissed hit reopens only when one of its entities changes
 * (versions).
 */
static const char *const m5[] = {
	"CREATE TABLE entities (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('person','organisation','phone','email','vehicle',\n"
	"    'vessel','bank_account','wallet','identity_document','place')),\n"
	"  label TEXT NOT NULL,\n"
	"  attrs TEXT NOT NULL,\n"
	"  mrec BLOB NOT NULL,\n"
	"  source TEXT,\n"
	"  version INTEGER NOT NULL DEFAULT 1,\n"
	"  created_by TEXT NOT NULL,\n"
	"  created_at TEXT NOT NULL,\n"
	"  updated_at TEXT NOT NULL);\n"
	"CREATE INDEX entities_case ON entities(case_id);\n"
	"CREATE TABLE entity_keys (\n"
	"  key TEXT NOT NULL,\n"
	"  entity_id INTEGER NOT NULL REFERENCES entities(id),\n"
	"  PRIMARY KEY (key, entity_id)) WITHOUT ROWID;\n"
	"CREATE INDEX entity_keys_entity ON entity_keys(entity_id);\n"
	"CREATE TABLE hits (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  entity_a INTEGER NOT NULL REFERENCES entities(id),\n"
	"  entity_b INTEGER NOT NULL REFERENCES entities(id),\n"
	"  case_a INTEGER NOT NULL REFERENCES cases(id),\n"
	"  case_b INTEGER NOT NULL REFERENCES cases(id),\n"
	"  version_a INTEGER NOT NULL,\n"
	"  version_b INTEGER NOT NULL,\n"
	"  score REAL NOT NULL CHECK (score BETWEEN 0 AND 1),\n"
	"  attr TEXT NOT NULL,\n"
	"  explanation TEXT NOT NULL,\n"
	"  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open','lapsed')),\n"
	"  review_a TEXT NOT NULL DEFAULT 'new' CHECK (review_a IN ('new','confirmed','dismissed')),\n"
	"  review_b TEXT NOT NULL DEFAULT 'new' CHECK (review_b IN ('new','confirmed','dismissed')),\n"
	"  reviewed_a_by TEXT, reviewed_a_at TEXT, note_a TEXT,\n"
	"  reviewed_b_by TEXT, reviewed_b_at TEXT, note_b TEXT,\n"
	"  found_at TEXT NOT NULL,\n"
	"  updated_at TEXT NOT NULL,\n"
	"  CHECK (entity_a < entity_b), CHECK (case_a <> case_b),\n"
	"  UNIQUE (entity_a, entity_b));\n"
	"CREATE INDEX hits_entity_b ON hits(entity_b);\n"
	"CREATE INDEX hits_case_a ON hits(case_a);\n"
	"CREATE INDEX hits_case_b ON hits(case_b);\n"
	"CREATE TABLE hit_requests (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  hit_id INTEGER NOT NULL REFERENCES hits(id),\n"
	"  from_org_id INTEGER NOT NULL REFERENCES orgs(id),\n"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),\n"
	"  message TEXT,\n"
	"  requested_by TEXT NOT NULL,\n"
	"  requested_at TEXT NOT NULL,\n"
	"  UNIQUE (hit_id, from_org_id));\n",
	NULL,
};
/*
 * 6: search. jobs is the persistent queue of background work (text
 * extraction); extracts records each item's extracted text (a blob of its
 * case in the vault) and the tool that made it. search_docs describes each
 * indexed record (case, entity, evidence metadata, extracted text) for
 * filters and need-to-know; search_fts holds their words through the
 * "custodia" tokenizer (sqlite_search.c), which indexes every word in a Latin
 * form whatever its script. parent_id links an item to the item it was
 * found in (an e-mail's attachments).
 */
static const char *const m6[] = {
	"CREATE TABLE jobs (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('extract')),\n"
	"  item_id INTEGER NOT NULL REFERENCES evidence(id),\n"
	"  state TEXT NOT NULL DEFAULT 'queued'\n"
	"    CHECK (state IN ('queued','running','done','failed')),\n"
	"  attempts INTEGER NOT NULL DEFAULT 0,\n"
	"  error TEXT,\n"
	"  worker TEXT,\n"
	"  created_at TEXT NOT NULL,\n"
	"  started_at TEXT,\n"
	"  finished_at TEXT,\n"
	"  UNIQUE (kind, item_id));\n"
	"CREATE INDEX jobs_state ON jobs(state, id);\n"
	"CREATE TABLE extracts (\n"
	"  item_id INTEGER PRIMARY KEY REFERENCES evidence(id),\n"
	"  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),\n"
	"  size INTEGER NOT NULL,\n"
	"  method TEXT NOT NULL,\n"
	"  tool TEXT NOT NULL,\n"
	"  tool_version TEXT NOT NULL,\n"
	"  language TEXT,\n"
	"  pages INTEGER NOT NULL DEFAULT 0,\n"
	"  ocr_pages INTEGER NOT NULL DEFAULT 0,\n"
	"  partial INTEGER NOT NULL DEFAULT 0,\n"
	"  warning TEXT,\n"
	"  created_at TEXT NOT NULL);\n"
	"ALTER TABLE evidence ADD COLUMN parent_id INTEGER REFERENCES evidence(id);\n"
	"CREATE TABLE search_docs (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('case','entity','evidence','text')),\n"
	"  ref_id INTEGER NOT NULL,\n"
	"  case_id INTEGER NOT NULL,\n"
	"  item_id INTEGER,\n"
	"  org_id INTEGER,\n"
	"  lang TEXT,\n"
	"  day TEXT,\n"
	"  UNIQUE (kind, ref_id));\n"
	"CREATE INDEX search_docs_case ON search_docs(case_id);\n"
	"CREATE VIRTUAL TABLE search_fts USING fts5(title, body, tokenize = 'custodia');\n",
	NULL,
};
/*
 * 7: judicial cooperation (docs/cooperation.md). A request goes from an
 * issuing to an executing organisation within a case; its status changes
 * are kept in request_history, its legal time limits in request_deadlines
 * (one row per limit, with the rule and article it comes from) and their
 * extensions, with reasons, in request_extensions. Statistics read the
 * events, not these tables, so that they can be recomputed as of any ledger
 * size.
 *
 *   requests ──< request_subjects >── entities
 *      │ ──< request_history
 *      └──< request_deadlines ──< request_extensions
 */
static const char *const m7[] = {
	"CREATE TABLE requests (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('mla','eio','eaw','international_arrest_warrant',\n"
	"    'extradition','freezing_order','confiscation_order','transfer_of_proceedings',\n"
	"    'jit_accession')),\n"
	"  title TEXT NOT NULL,\n"
	"  issuing_org_id INTEGER NOT NULL REFERENCES orgs(id),\n"
	"  issuing_country TEXT CHECK (issuing_country IS NULL OR length(issuing_country) = 2),\n"
	"  executing_org_id INTEGER NOT NULL REFERENCES orgs(id),\n"
	"  executing_country TEXT CHECK (executing_country IS NULL OR length(executing_country) = 2),\n"
	"  issuing_ref TEXT,\n"
	"  executing_ref TEXT,\n"
	"  legal_basis TEXT,\n"
	"  urgent INTEGER NOT NULL DEFAULT 0,\n"
	"  status TEXT NOT NULL CHECK (status IN ('draft','sent','received','recognised',\n"
	"    'in_execution','executed','refused','withdrawn')),\n"
	"  issued_on TEXT, sent_on TEXT, received_on TEXT, decided_on TEXT,\n"
	"  arrested_on TEXT, consented_on TEXT, closed_on TEXT,\n"
	"  notes TEXT,\n"
	"  version INTEGER NOT NULL DEFAULT 1,\n"
	"  created_by TEXT NOT NULL,\n"
	"  created_at TEXT NOT NULL,\n"
	"  updated_at TEXT NOT NULL,\n"
	"  CHECK (issuing_org_id <> executing_org_id));\n"
	"CREATE INDEX requests_case ON requests(case_id);\n"
	"CREATE INDEX requests_executing ON requests(executing_org_id);\n"
	"CREATE TABLE request_subjects (\n"
	"  request_id INTEGER NOT NULL REFERENCES requests(id),\n"
	"  entity_id INTEGER NOT NULL REFERENCES entities(id),\n"
	"  PRIMARY KEY (request_id, entity_id)) WITHOUT ROWID;\n"
	"CREATE TABLE request_history (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  request_id INTEGER NOT NULL REFERENCES requests(id),\n"
	"  from_status TEXT,\n"
	"  to_status TEXT NOT NULL,\n"
	"  on_date TEXT NOT NULL,\n"
	"  note TEXT,\n"
	"  by_user TEXT NOT NULL,\n"
	"  at TEXT NOT NULL);\n"
	"CREATE INDEX request_history_request ON request_history(request_id, id);\n",
	"CREATE TABLE request_deadlines (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  request_id INTEGER NOT NULL REFERENCES requests(id),\n"
	"  step TEXT NOT NULL CHECK (step IN ('decision','execution','surrender')),\n"
	"  rule TEXT NOT NULL,\n"
	"  article TEXT NOT NULL,\n"
	"  limit_text TEXT NOT NULL,\n"
	"  starts_on TEXT NOT NULL,\n"
	"  due_on TEXT NOT NULL,\n"
	"  extended_days INTEGER NOT NULL DEFAULT 0,\n"
	"  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open','met','missed','cancelled')),\n"
	"  closed_on TEXT,\n"
	"  note TEXT,\n"
	"  created_at TEXT NOT NULL,\n"
	"  UNIQUE (request_id, rule));\n"
	"CREATE INDEX request_deadlines_open ON request_deadlines(due_on) WHERE state = 'open';\n"
	"CREATE TABLE request_extensions (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  deadline_id INTEGER NOT NULL REFERENCES request_deadlines(id),\n"
	"  days INTEGER NOT NULL CHECK (days > 0),\n"
	"  reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),\n"
	"  article TEXT,\n"
	"  from_due TEXT NOT NULL,\n"
	"  to_due TEXT NOT NULL,\n"
	"  by_user TEXT NOT NULL,\n"
	"  at TEXT NOT NULL);\n"
	"CREATE INDEX request_extensions_deadline ON request_extensions(deadline_id);\n",
	NULL,
};
/*
 * 8: meetings and the interview register (issue 6, docs/cooperation.md). A
 * meeting is a case's coordination meeting (case_id set) or an event of a
 * network or partners (case_id NULL). Its sessions each have their own
 * participant list: meeting_participants rows with session_id 0 are the
 * meeting's, others a session's (a closed session is seen only by them).
 * Follow-up actions may name a request of the meeting's case. An interview
 * names the entity interviewed, the request it was made under and the
 * evidence item that holds its record.
 *
 *   meetings ──< meeting_sessions
 *      │ ──< meeting_participants (session_id 0: the meeting)
 *      └──< meeting_actions >── requests
 *   interviews >── entities, requests, evidence
 */
static const char *const m8[] = {
	"CREATE TABLE meetings (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('coordination','plenary','study_visit',\n"
	"    'conference','other')),\n"
	"  case_id INTEGER REFERENCES cases(id),\n"
	"  title TEXT NOT NULL,\n"
	"  held_on TEXT NOT NULL,\n"
	"  place TEXT,\n"
	"  organiser_org_id INTEGER NOT NULL REFERENCES orgs(id),\n"
	"  agenda TEXT,\n"
	"  outcome TEXT,\n"
	"  version INTEGER NOT NULL DEFAULT 1,\n"
	"  created_by TEXT NOT NULL,\n"
	"  created_at TEXT NOT NULL,\n"
	"  updated_at TEXT NOT NULL,\n"
	"  CHECK ((kind = 'coordination') = (case_id IS NOT NULL)));\n"
	"CREATE INDEX meetings_case ON meetings(case_id) WHERE case_id IS NOT NULL;\n"
	"CREATE TABLE meeting_sessions (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  meeting_id INTEGER NOT NULL REFERENCES meetings(id),\n"
	"  title TEXT NOT NULL,\n"
	"  closed INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1)),\n"
	"  agenda TEXT,\n"
	"  outcome TEXT,\n"
	"  UNIQUE (meeting_id, title));\n"
	"CREATE TABLE meeting_participants (\n"
	"  meeting_id INTEGER NOT NULL REFERENCES meetings(id),\n"
	"  session_id INTEGER NOT NULL DEFAULT 0,\n"
	"  org_id INTEGER NOT NULL REFERENCES orgs(id),\n"
	"  PRIMARY KEY (meeting_id, session_id, org_id)) WITHOUT ROWID;\n"
	"CREATE INDEX meeting_participants_org ON meeting_participants(org_id, meeting_id);\n"
	"CREATE TABLE meeting_actions (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  meeting_id INTEGER NOT NULL REFERENCES meetings(id),\n"
	"  text TEXT NOT NULL CHECK (length(trim(text)) > 0),\n"
	"  org_id INTEGER REFERENCES orgs(id),\n"
	"  request_id INTEGER REFERENCES requests(id),\n"
	"  due_on TEXT);\n"
	"CREATE INDEX meeting_actions_meeting ON meeting_actions(meeting_id, id);\n"
	"CREATE TABLE interviews (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),\n"
	"  entity_id INTEGER NOT NULL REFERENCES entities(id),\n"
	"  role TEXT NOT NULL CHECK (role IN ('victim','witness')),\n"
	"  status TEXT NOT NULL CHECK (status IN ('planned','held')),\n"
	"  on_date TEXT NOT NULL,\n"
	"  org_id INTEGER NOT NULL REFERENCES orgs(id),\n"
	"  interviewer TEXT,\n"
	"  authority TEXT,\n"
	"  request_id INTEGER REFERENCES requests(id),\n"
	"  record_item_id INTEGER REFERENCES evidence(id),\n"
	"  notes TEXT,\n"
	"  created_by TEXT NOT NULL,\n"
	"  created_at TEXT NOT NULL);\n"
	"CREATE INDEX interviews_entity ON interviews(entity_id);\n"
	"CREATE INDEX interviews_case ON interviews(case_id);\n",
	NULL,
};
/* 9: action days and their updates (issue 6). */
static const char *const m9[] = {
	"CREATE TABLE action_days (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),\n"
	"  title TEXT NOT NULL,\n"
	"  day TEXT NOT NULL,\n"
	"  timezones TEXT NOT NULL,\n"
	"  notes TEXT,\n"
	"  last_seq INTEGER NOT NULL DEFAULT 0,\n"
	"  created_by TEXT NOT NULL,\n"
	"  created_at TEXT NOT NULL);\n"
	"CREATE INDEX action_days_case ON action_days(case_id, day);\n"
	"CREATE TABLE actions (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  action_day_id INTEGER NOT NULL REFERENCES action_days(id),\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('arrest','house_search','seizure',"
	"'witness_interview','asset_freezing','hearing')),\n"
	"  country TEXT NOT NULL,\n"
	"  org_id INTEGER NOT NULL REFERENCES orgs(id),\n"
	"  entity_id INTEGER REFERENCES entities(id),\n"
	"  planned_time TEXT NOT NULL,\n"
	"  place TEXT,\n"
	"  description TEXT,\n"
	"  status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned','started',"
	"'completed','failed')),\n"
	"  result TEXT,\n"
	"  created_at TEXT NOT NULL);\n"
	"CREATE INDEX actions_day ON actions(action_day_id, id);\n"
	"CREATE TABLE action_updates (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  action_day_id INTEGER NOT NULL REFERENCES action_days(id),\n"
	"  seq INTEGER NOT NULL,\n"
	"  action_id INTEGER NOT NULL REFERENCES actions(id),\n"
	"  status TEXT NOT NULL CHECK (status IN ('started','completed','failed')),\n"
	"  result TEXT,\n"
	"  evidence_id INTEGER REFERENCES evidence(id),\n"
	"  by_user TEXT NOT NULL,\n"
	"  at TEXT NOT NULL,\n"
	"  UNIQUE (action_day_id, seq));\n"
	"CREATE INDEX action_updates_action ON action_updates(action_id, seq);\n",
	NULL,
};
/*
 * 10: the ledger's stored hashes move from one row per hash (ledger_hashes,
 * two rows per entry) to one row per full C2SP tile with its interior
 * (src/ledger/tiles.h): 510 hashes, the tile's 256 first. Only full tiles
 * are stored; the hashes right of the last one (the edge) follow from the
 * entries and the full tiles below and are kept in memory by core.
 * ledger_edge keeps the edge of each tile level >= 1 (rewritten whenever
 * a tile below fills) so that a new connection need not read the up to 255
 * full tiles below it; `ledger verify` checks it like a tile. The existing
 * hashes are packed by SQL functions the store registers (sqlite_ledger.c);
 * an incomplete tile (a missing hash) is left out, and `ledger verify`
 * reports it.
 */
static const char *const m10[] = {
	"CREATE TABLE ledger_tiles (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  hashes BLOB NOT NULL CHECK (length(hashes) = 16320),\n"
	"  level INTEGER GENERATED ALWAYS AS (id >> 40) VIRTUAL,\n"
	"  n INTEGER GENERATED ALWAYS AS (id & 1099511627775) VIRTUAL);\n"
	"INSERT INTO ledger_tiles(id, hashes)\n"
	"  SELECT cu_tile_level(idx) << 40 | cu_tile_n(idx) AS tid,\n"
	"         cu_tile_pack(cu_tile_slot(idx), hash) FROM ledger_hashes\n"
	"  WHERE cu_tile_n(idx) < (SELECT coalesce(max(idx) + 1, 0) FROM ledger_entries)\n"
	"        >> (8 * cu_tile_level(idx) + 8)\n"
	"  GROUP BY tid HAVING count(*) = 510;\n"
	"CREATE TABLE ledger_edge (\n"
	"  level INTEGER PRIMARY KEY CHECK (level >= 1),\n"
	"  n INTEGER NOT NULL,\n"
	"  hashes BLOB NOT NULL CHECK (length(hashes) = 16320));\n"
	"INSERT INTO ledger_edge(level, n, hashes)\n"
	"  SELECT cu_tile_level(idx) AS l, cu_tile_n(idx) AS t,\n"
	"         cu_tile_pack(cu_tile_slot(idx), hash) FROM ledger_hashes\n"
	"  WHERE cu_tile_level(idx) >= 1 AND cu_tile_n(idx) = (SELECT coalesce(max(idx) + 1, 0)\n"
	"        FROM ledger_entries) >> (8 * cu_tile_level(idx) + 8)\n"
	"  GROUP BY l, t;\n"
	"DROP TRIGGER IF EXISTS ledger_hashes_no_update;\n"
	"DROP TRIGGER IF EXISTS ledger_hashes_no_delete;\n"
	"DROP TABLE ledger_hashes;\n"
	"CREATE TRIGGER ledger_tiles_no_update BEFORE UPDATE ON ledger_tiles\n"
	"  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;\n"
	"CREATE TRIGGER ledger_tiles_no_delete BEFORE DELETE ON ledger_tiles\n"
	"  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;\n",
	NULL,
};
/*
 * 11: what earlier builds left behind, found by upgrading their databases
 * (tests/upgrade, docs/upgrade.md); nothing changes in a database that
 * needs no repair.
 * Records written before the ledger (schema 1 and 2) have no salt: the
 * catch-up at open (cu_ledger_catch_up) could not commit to them, and every
 * open of such a database failed ("a record has no salt"). Each gets a random
 * salt now; no ledger entry commits to them yet. The append-only triggers
 * step aside for this inside the migration's transaction. (Not repaired:
 * schema 1 as its first builds made it has crime_types WITHOUT ROWID; see
 * docs/upgrade.md.)
 */
static const char *const m11[] = {
	"DROP TRIGGER events_no_update;\n"
	"DROP TRIGGER custody_no_update;\n"
	"UPDATE events SET salt = lower(hex(randomblob(16))) WHERE salt IS NULL;\n"
	"UPDATE custody SET salt = lower(hex(randomblob(16))) WHERE salt IS NULL;\n"
	"UPDATE evidence SET content_salt = lower(hex(randomblob(16))) WHERE content_salt IS NULL;\n"
	"CREATE TRIGGER events_no_update BEFORE UPDATE ON events\n"
	"  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;\n"
	"CREATE TRIGGER custody_no_update BEFORE UPDATE ON custody\n"
	"  BEGIN SELECT RAISE(ABORT, 'the chain of custody is append-only'); END;\n",
	NULL,
};
/*
 * 12: failed logins counted per account and per client address (issue 9), in
 * the store so that every node sharing it counts the same attempts. One row
 * per key ("user:NAME", "addr:ADDRESS") and fixed window: its start (Unix
 * seconds) and the failures since. Rows of windows that have passed are
 * removed as new failures come (login_attempts_start). And when a token was
 * last used (tokens.used_at), for the idle limit of login sessions.
 */
static const char *const m12[] = {
	"CREATE TABLE login_attempts (\n"
	"  key TEXT PRIMARY KEY,\n"
	"  window_start INTEGER NOT NULL,\n"
	"  failures INTEGER NOT NULL);\n"
	"CREATE INDEX login_attempts_start ON login_attempts(window_start);\n"
	"ALTER TABLE tokens ADD COLUMN used_at TEXT;\n",
	NULL,
};
/*
 * 13: search_docs loses its index on case_id. No query reads the documents
 * of a case: a search starts from the full-text matches and checks each
 * one's case (VISIBLE in search.c), and a document is replaced by its
 * (kind, ref_id). Keeping the index up to date cost a twentieth of the
 * indexing time (bench/search).
 */
static const char *const m13[] = {
	"DROP INDEX search_docs_case;\n",
	NULL,
};
/*
 * 14: an item's blob header (hex of the secretstream header its blob was
 * written with). The reader compares it before reading on: another blob of
 * the case, copied over this one's, is refused before a byte is served, a
 * range request's included. Items registered earlier get it at their next
 * successful verification.
 */
static const char *const m14[] = {
	"ALTER TABLE evidence ADD COLUMN blob_header TEXT;\n",
	NULL,
};
const char *const *const cu_schema_migrations[] = {m1, m2, m3, m4, m5, m6, m7, m8, m9, m10,
                                                     m11, m12, m13, m14};

const int cu_schema_count = sizeof(cu_schema_migrations) / sizeof(cu_schema_migrations[0]);
