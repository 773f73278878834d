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
	"CREATE TABLE crime_types (code TEXT PRIMARY KEY, label TEXT NOT NULL) WITHOUT ROWID;\n"
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

const char *const *const cu_schema_migrations[] = {m1};

const int cu_schema_count = sizeof(cu_schema_migrations) / sizeof(cu_schema_migrations[0]);
