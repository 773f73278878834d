/* SPDX-License-Identifier: Apache-2.0 */
/*
 * core: hit / no-hit. Each entity is matched against the entities of every
 * other case — seen by its user or not — when it is added or changed, and
 * hits above the threshold are recorded. What a user learns of a hit depends
 * on what it may see (hit_view): a case it cannot see shows only the
 * organisation and the kind of attribute. docs/match.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "match/match.h"

#define CANDIDATES_MAX 1000 /* candidates scored per entity, most keys shared first */
#define BLOCK_MAX 256       /* a key more entities share is not used (as in the index) */

double cu_match_threshold(cu_core *c)
{
	char *v = NULL;
	double t = CU_MATCH_THRESHOLD_DEFAULT;
	if (cu_store_meta_get(c->store, &v, "match_threshold") == 0) {
		char *end;
		double d = strtod(v, &end);
		if (*end == '\0' && d > 0 && d <= 1)
			t = d;
	}
	free(v);
	return t;
}

int cu_match_threshold_set(cu_core *c, const cu_actor *a, double t)
{
	char v[32], before[32];
	int r;
	if (!a->operator_admin)
		return cu_error_set(CU_EDENIED, "only an administrator of the operator may set the"
		                    " match threshold");
	if (!(t >= 0.5 && t <= 1.0))
		return cu_error_set(CU_EINVALID, "the match threshold must be between 0.5 and 1");
	snprintf(before, sizeof(before), "%.4g", cu_match_threshold(c));
	snprintf(v, sizeof(v), "%.4g", t);
	json_t *b = json_pack("{s:s}", "threshold", before), *af = json_pack("{s:s}", "threshold", v);
	CU_TXN(c, r, {
		if ((r = cu_store_meta_set(c->store, "match_threshold", v)) != 0)
			break;
		r = cu_core_event(c, a, "match.threshold", "setting", "match_threshold", 0, 0, b, af);
	});
	json_decref(b);
	json_decref(af);
	return r;
}

/* The match record of a stored entity. */
static int load_mrec(cu_core *c, cu_mrec *m, int64_t *case_id, int64_t *version, int64_t id)
{
	cu_entity_row row;
	cu_buf blob;
	cu_buf_init(&blob, 0);
	int r = cu_store_entity_row(c->store, &row, &blob, id);
	if (r == 0) {
		*case_id = row.case_id;
		*version = row.version;
		r = cu_mrec_decode(m, row.mrec, row.mlen);
	}
	cu_buf_free(&blob);
	return r;
}

/*
 * What a list of hits needs to know of each case once, not once per hit:
 * many hits share a few cases, and each lookup is a query or three.
 */
typedef struct case_memo {
	int64_t case_id;
	bool visible, contribute;
	bool row_read;
	json_t *row; /* cu_store_case_get's (or NULL), read when a hit is shown */
} case_memo;

typedef struct memo {
	case_memo *v;
	size_t n, cap;
} memo;

static void memo_free(memo *m)
{
	for (size_t i = 0; i < m->n; i++)
		json_decref(m->v[i].row);
	free(m->v);
}

/* The case's entry, looked up on first use; NULL only when out of memory. */
static case_memo *case_of(cu_core *c, const cu_actor *a, memo *m, int64_t case_id)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].case_id == case_id)
			return &m->v[i];
	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 16;
		case_memo *v = realloc(m->v, cap * sizeof(*v));
		if (!v)
			return NULL;
		m->v = v, m->cap = cap;
	}
	case_memo *e = &m->v[m->n++];
	e->case_id = case_id;
	e->visible = cu_access_case(c, a, case_id, CU_OP_READ) == 0;
	e->contribute = e->visible && cu_access_case(c, a, case_id, CU_OP_CONTRIBUTE) == 0;
	e->row_read = false;
	e->row = NULL;
	cu_error_clear();
	return e;
}

/*
 * What matching tells its caller. A user learns of another case only through a
 * recorded hit both sides are told of: so examined counts only candidates in
 * cases the actor sees, and reopened only hits open again (lapsed ones back
 * above the threshold) or whose side the actor sees was dismissed and is new
 * again. found and lapsed are hits, which both sides are told of. No actor
 * (a): the operator's run over every case, which counts everything.
 */
typedef struct xstats {
	int64_t examined, found, reopened, lapsed;
	const cu_actor *a;
	memo m;
} xstats;

/* Whether the counts may tell the actor of case_id. */
static bool counts_see(cu_core *c, xstats *st, int64_t case_id)
{
	if (!st->a)
		return true;
	const case_memo *e = case_of(c, st->a, &st->m, case_id);
	return e && e->visible;
}

/*
 * Records what one pair scores now: a hit inserted, refreshed (reopened if
 * dismissed and an entity changed since), or lapsed below the threshold.
 */
static int record_pair(cu_core *c, xstats *st, int64_t e1, int64_t case1, int64_t v1,
                       int64_t e2, int64_t case2, int64_t v2, const cu_mscore *s,
                       double threshold, const char *now)
{
	cu_hit_row h = {0};
	json_t *old = NULL;
	int r;
	bool swap = e1 > e2;
	h.entity_a = swap ? e2 : e1, h.entity_b = swap ? e1 : e2;
	h.case_a = swap ? case2 : case1, h.case_b = swap ? case1 : case2;
	h.version_a = swap ? v2 : v1, h.version_b = swap ? v1 : v2;
	h.score = s->score > 1 ? 1 : s->score < 0 ? 0 : s->score;
	h.attr = s->attr ? s->attr : "name";
	h.explanation = s->explain;
	r = cu_store_hit_pair(c->store, &old, h.entity_a, h.entity_b);
	if (r && r != CU_ENOTFOUND)
		return r;
	if (r == CU_ENOTFOUND) {
		if (s->score < threshold)
			return 0;
		st->found++;
		return cu_store_hit_insert(c->store, &h.id, &h, now);
	}
	h.id = json_integer_value(json_object_get(old, "id"));
	bool changed = json_integer_value(json_object_get(old, "version_a")) != h.version_a ||
	               json_integer_value(json_object_get(old, "version_b")) != h.version_b;
	bool open = !strcmp(cu_json_str(old, "state"), "open");
	/* A changed entity brings dismissed sides back to new: counted for the
	 * sides the actor sees, never telling it the other organisation's review. */
	bool undismissed = changed &&
		((!strcmp(cu_json_str(old, "review_a"), "dismissed") && counts_see(c, st, h.case_a)) ||
		 (!strcmp(cu_json_str(old, "review_b"), "dismissed") && counts_see(c, st, h.case_b)));
	json_decref(old);
	if (s->score >= threshold) {
		if (!changed && open)
			return 0;
		st->reopened += !open || undismissed;
		return cu_store_hit_update(c->store, &h, changed, now);
	}
	if (!open)
		return 0;
	st->lapsed++;
	return cu_store_hit_lapse(c->store, h.id, h.version_a, h.version_b, now);
}

static void key_add(void *ctx, const char *key, size_t len)
{
	json_array_append_new(ctx, json_stringn(key, len));
}

/* Matches one entity (inside the caller's transaction). */
static int xref_one(cu_core *c, xstats *st, int64_t id, const cu_mrec *m, double threshold,
                    const char *now)
{
	json_t *keys = json_array(), *mine = NULL, *h;
	int64_t *cand = NULL, case_id, version;
	size_t n = 0, i;
	cu_mrec dummy;
	int r;
	cu_mrec_init(&dummy, 0);
	if ((r = load_mrec(c, &dummy, &case_id, &version, id)) != 0)
		goto out;
	cu_mrec_keys(m, key_add, keys);
	if ((r = cu_store_entity_keys_set(c->store, id, keys)) != 0 ||
	    (r = cu_store_hit_ids_of(c->store, &mine, id)) != 0 ||
	    (r = cu_store_entity_candidates(c->store, &cand, &n, case_id, keys, CANDIDATES_MAX,
	                                     BLOCK_MAX)) != 0)
		goto out;
	/* Candidates first, then the entity's earlier hits no key leads to any more. */
	for (i = 0; i < n + json_array_size(mine); i++) {
		int64_t other, oc, ov;
		cu_mrec om;
		cu_mscore s;
		if (i < n) {
			other = cand[i];
		} else {
			h = json_array_get(mine, i - n);
			int64_t ea = json_integer_value(json_object_get(h, "entity_a"));
			other = ea == id ? json_integer_value(json_object_get(h, "entity_b")) : ea;
			bool seen = false;
			for (size_t j = 0; j < n && !seen; j++)
				seen = cand[j] == other;
			if (seen)
				continue;
		}
		cu_mrec_init(&om, 0);
		if ((r = load_mrec(c, &om, &oc, &ov, other)) != 0) {
			cu_mrec_free(&om);
			goto out;
		}
		cu_match_score(m, &om, &s);
		cu_mrec_free(&om);
		if (oc == case_id)
			continue;
		st->examined += counts_see(c, st, oc);
		if ((r = record_pair(c, st, id, case_id, version, other, oc, ov, &s, threshold, now)) != 0)
			goto out;
	}
out:
	cu_mrec_free(&dummy);
	free(cand);
	json_decref(keys);
	json_decref(mine);
	return r;
}

static json_t *stats_json(const xstats *st)
{
	return json_pack("{s:I, s:I, s:I, s:I}", "examined", (json_int_t)st->examined, "found",
	                 (json_int_t)st->found, "reopened", (json_int_t)st->reopened, "lapsed",
	                 (json_int_t)st->lapsed);
}

int cu_xref_entity(cu_core *c, const cu_actor *a, json_t **out, int64_t id, const cu_mrec *m)
{
	xstats st = {.a = a};
	char now[CU_TS_LEN];
	cu_time_now(now);
	int r = xref_one(c, &st, id, m, cu_match_threshold(c), now);
	memo_free(&st.m);
	*out = r ? NULL : stats_json(&st);
	return r;
}

typedef struct each_ctx {
	cu_core *c;
	xstats st;
	double threshold;
	const char *now;
	int64_t entities;
	/* the whole population: in a blocking index, matched in one self-join */
	cu_mindex *ix;
} each_ctx;

static int each_one(void *ctx, const cu_entity_row *row)
{
	each_ctx *x = ctx;
	cu_mrec m;
	int r;
	cu_mrec_init(&m, 0);
	if ((r = cu_mrec_decode(&m, row->mrec, row->mlen)) == 0) {
		x->entities++;
		r = x->ix ? cu_mindex_add(x->ix, row->id, row->case_id, &m)
		          : xref_one(x->c, &x->st, row->id, &m, x->threshold, x->now);
	}
	cu_mrec_free(&m);
	return r;
}

typedef struct pair { int64_t a, b; } pair;
typedef struct pairlist {
	pair *p;
	size_t n, cap;
	int err;
} pairlist;

static int collect(void *ctx, int64_t a, int64_t b, const cu_mscore *s)
{
	pairlist *ps = ctx;
	(void)s;
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 1024;
		pair *p = realloc(ps->p, cap * sizeof(*p));
		if (!p) {
			ps->err = CU_ENOMEM;
			return 1;
		}
		ps->p = p, ps->cap = cap;
	}
	ps->p[ps->n++] = (pair){a < b ? a : b, a < b ? b : a};
	return 0;
}

/* Rescores a pair from the store and records it. */
static int rescore(each_ctx *x, int64_t a, int64_t b)
{
	cu_mrec ma, mb;
	int64_t ca, va, cb, vb;
	cu_mscore s;
	int r;
	cu_mrec_init(&ma, 0);
	cu_mrec_init(&mb, 0);
	if ((r = load_mrec(x->c, &ma, &ca, &va, a)) == 0 &&
	    (r = load_mrec(x->c, &mb, &cb, &vb, b)) == 0) {
		cu_match_score(&ma, &mb, &s);
		x->st.examined++;
		r = record_pair(x->c, &x->st, a, ca, va, b, cb, vb, &s, x->threshold, x->now);
	}
	cu_mrec_free(&ma);
	cu_mrec_free(&mb);
	return r;
}

static int keys_of(void *ctx, const cu_entity_row *row)
{
	each_ctx *x = ctx;
	cu_mrec m;
	json_t *keys = json_array();
	int r;
	cu_mrec_init(&m, 0);
	if ((r = cu_mrec_decode(&m, row->mrec, row->mlen)) == 0) {
		cu_mrec_keys(&m, key_add, keys);
		r = cu_store_entity_keys_set(x->c->store, row->id, keys);
	}
	json_decref(keys);
	cu_mrec_free(&m);
	return r;
}

static int collect_id(void *ctx, const cu_entity_row *row)
{
	pairlist *ids = ctx; /* ids in the pairs' a */
	return collect(ids, row->id, row->id, NULL) || ids->err ? CU_ENOMEM : 0;
}

/*
 * Match records built by an older matcher (CU_MATCH_NORMALISER, recorded in
 * the store's meta) are built again from the entities' attributes, so that
 * names entered before a new transliteration rule meet the names entered
 * after it. An entity this build would refuse keeps its record.
 */
static int renormalise(cu_core *c, const cu_actor *a, int64_t *changed)
{
	char *ver = NULL;
	int r = cu_store_meta_get(c->store, &ver, "match_normaliser");
	bool current = r == 0 && !strcmp(ver, CU_MATCH_NORMALISER);
	*changed = 0;
	if ((r != 0 && r != CU_ENOTFOUND) || current) {
		free(ver);
		return r == CU_ENOTFOUND ? 0 : r;
	}
	/* On the record, with the matcher before and after: what hits are found
	 * from here on rests on records that were rebuilt. */
	json_t *before = json_pack("{s:s?}", "matcher", ver), *after = NULL;
	free(ver);
	pairlist ids = {0};
	CU_TXN(c, r, {
		if ((r = cu_store_entity_each(c->store, 0, collect_id, &ids)) != 0)
			break;
		for (size_t i = 0; r == 0 && i < ids.n; i++) {
			bool ch;
			r = cu_entity_renormalise(c, ids.p[i].a, &ch);
			if (r == CU_EINVALID) {
				cu_error_clear();
				r = 0;
			}
			*changed += ch;
		}
		if (r == 0)
			r = cu_store_meta_set(c->store, "match_normaliser", CU_MATCH_NORMALISER);
		if (r == 0 && !(after = json_pack("{s:s,s:I,s:I}", "matcher", CU_MATCH_NORMALISER,
		                                  "entities", (json_int_t)ids.n,
		                                  "records_rebuilt", (json_int_t)*changed)))
			r = CU_ENOMEM;
		if (r == 0)
			r = cu_core_event(c, a, "match.renormalise", "setting", "match_normaliser", 0, 0,
			                  before, after);
	});
	json_decref(before);
	json_decref(after);
	free(ids.p);
	return r;
}

/*
 * Re-runs matching: of one case's entities against all others (case_id > 0,
 * for those who may contribute to it), or of the whole population in one
 * self-join of a blocking index (operator administrators), e.g. after the
 * threshold or the matcher changed.
 */
int cu_xref(cu_core *c, const cu_actor *a, json_t **out, int64_t case_id)
{
	each_ctx x = {.c = c};
	char now[CU_TS_LEN];
	int r;
	*out = NULL;
	if (case_id > 0 && (r = cu_access_case(c, a, case_id, CU_OP_CONTRIBUTE)) != 0)
		return r;
	if (case_id <= 0 && !a->operator_admin)
		return cu_error_set(CU_EDENIED, "matching every case again is for administrators of"
		                    " the operator; name a case");
	cu_time_now(now);
	x.now = now;
	x.threshold = cu_match_threshold(c);
	int64_t renormalised = 0;
	if (case_id > 0) {
		/* What the counts tell: only of cases the actor sees (xstats). */
		x.st.a = a;
		CU_TXN(c, r, { r = cu_store_entity_each(c->store, case_id, each_one, &x); });
		memo_free(&x.st.m);
	} else {
		pairlist ps = {0};
		json_t *open = NULL;
		if ((r = renormalise(c, a, &renormalised)) != 0)
			return r;
		x.ix = cu_mindex_new();
		if (!x.ix)
			return CU_ENOMEM;
		r = cu_store_read_begin(c->store);
		if (r == 0) {
			r = cu_store_entity_each(c->store, 0, each_one, &x);
			cu_store_read_end(c->store);
		}
		if (r == 0) {
			int64_t ex = cu_mindex_selfjoin(x.ix, x.threshold, 2, collect, &ps);
			r = ex < 0 ? (int)ex : ps.err;
			x.st.examined = ex > 0 ? ex : 0;
		}
		cu_mindex_free(x.ix);
		x.ix = NULL;
		if (r == 0)
		CU_TXN(c, r, {
			/* Keys follow the matcher's current version. */
			if ((r = cu_store_entity_each(c->store, 0, keys_of, &x)) != 0)
				break;
			int64_t examined = x.st.examined;
			for (size_t i = 0; r == 0 && i < ps.n; i++)
				r = rescore(&x, ps.p[i].a, ps.p[i].b);
			/*
			 * Hits the join does not find (any more): score them again. Open
			 * ones may lapse; lapsed ones at or above the threshold are open
			 * again, as the online matching would have them, and counted as
			 * reopened. (A pair the join found is recorded already: its second
			 * scoring changes nothing.)
			 */
			if (r || (r = cu_store_hit_pairs(c->store, &open)) != 0)
				break;
			size_t i;
			json_t *h;
			json_array_foreach(open, i, h)
				if (r == 0)
					r = rescore(&x, json_integer_value(json_object_get(h, "entity_a")),
					            json_integer_value(json_object_get(h, "entity_b")));
			x.st.examined = examined;
		});
		json_decref(open);
		free(ps.p);
	}
	if (r == 0) {
		*out = stats_json(&x.st);
		json_object_set_new(*out, "entities", json_integer(x.entities));
		json_object_set_new(*out, "threshold", json_real(x.threshold));
		if (case_id <= 0)
			json_object_set_new(*out, "renormalised", json_integer(renormalised));
	}
	return r;
}

/* ---- What a user sees of a hit ---------------------------------------- */

typedef struct side {
	int64_t entity, case_id;
	bool visible, contribute;
	const char *review_col, *by_col, *at_col, *note_col;
} side;

/* The case as cu_store_case_get has it (the memo keeps it), or NULL. */
static const json_t *case_row(cu_core *c, const cu_actor *a, memo *m, int64_t case_id)
{
	case_memo *e = case_of(c, a, m, case_id);
	if (e && !e->row_read) {
		e->row_read = true;
		if (cu_store_case_get(c->store, &e->row, case_id) != 0)
			e->row = NULL;
		cu_error_clear();
	}
	return e ? e->row : NULL;
}

static int side_of(cu_core *c, const cu_actor *a, memo *m, side *s, const json_t *h, char which)
{
	s->entity = json_integer_value(json_object_get(h, which == 'a' ? "entity_a" : "entity_b"));
	s->case_id = json_integer_value(json_object_get(h, which == 'a' ? "case_a" : "case_b"));
	const case_memo *cm = case_of(c, a, m, s->case_id);
	if (!cm)
		return cu_error_set(CU_ENOMEM, "out of memory");
	s->visible = cm->visible;
	s->contribute = cm->contribute;
	s->review_col = which == 'a' ? "review_a" : "review_b";
	s->by_col = which == 'a' ? "reviewed_a_by" : "reviewed_b_by";
	s->at_col = which == 'a' ? "reviewed_a_at" : "reviewed_b_at";
	s->note_col = which == 'a' ? "note_a" : "note_b";
	return s->visible ? 0 : CU_ENOTFOUND;
}

static json_t *side_json(cu_core *c, const cu_actor *a, memo *m, const side *s,
                         const json_t *h)
{
	const json_t *cs = case_row(c, a, m, s->case_id);
	json_t *o;
	const char *org = cs ? cu_json_str(cs, "requesting_org") : NULL;
	if (!s->visible) {
		/* Only that there is a hit, with whom, on what kind of attribute. */
		return json_pack("{s:b, s:s?}", "visible", 0, "org", org);
	}
	json_t *e = NULL;
	cu_store_entity_get(c->store, &e, s->entity);
	o = json_pack("{s:b, s:s?, s:I, s:s?, s:{s:I, s:s?, s:s?}, s:s?, s:s?, s:s?, s:s?}",
	              "visible", 1, "org", org, "case_id", (json_int_t)s->case_id, "case",
	              cs ? cu_json_str(cs, "reference") : NULL, "entity", "id",
	              (json_int_t)s->entity, "kind", e ? cu_json_str(e, "kind") : NULL, "label",
	              e ? cu_json_str(e, "label") : NULL, "review", cu_json_str(h, s->review_col),
	              "reviewed_by", cu_json_str(h, s->by_col), "reviewed_at",
	              cu_json_str(h, s->at_col), "note", cu_json_str(h, s->note_col));
	json_decref(e);
	return o;
}

/* What the actor's side decided: new while any side it sees is. */
static const char *review_of(const side *sa, const side *sb, const json_t *h)
{
	return !sa->visible ? cu_json_str(h, "review_b")
	     : !sb->visible ? cu_json_str(h, "review_a")
	     : strcmp(cu_json_str(h, "review_a"), "new") == 0 ? "new"
	     : cu_json_str(h, "review_b");
}

/* The hit as the actor may see it; CU_ENOTFOUND if it sees neither side. */
static int hit_view(cu_core *c, const cu_actor *a, memo *m, json_t **out, const json_t *h)
{
	side sa, sb;
	int ra = side_of(c, a, m, &sa, h, 'a'), rb = side_of(c, a, m, &sb, h, 'b');
	*out = NULL;
	if (ra == CU_ENOMEM || rb == CU_ENOMEM)
		return CU_ENOMEM;
	if (ra && rb)
		return CU_ENOTFOUND;
	bool both = ra == 0 && rb == 0;
	const char *review = review_of(&sa, &sb, h);
	*out = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:o}", "id",
	                 (json_int_t)json_integer_value(json_object_get(h, "id")), "attr",
	                 cu_json_str(h, "attr"), "state", cu_json_str(h, "state"), "review", review,
	                 "found_at", cu_json_str(h, "found_at"), "updated_at",
	                 cu_json_str(h, "updated_at"), "full", both, "a",
	                 side_json(c, a, m, &sa, h), "b", side_json(c, a, m, &sb, h));
	if (!*out)
		return CU_ENOMEM;
	if (both) {
		json_object_set(*out, "score", json_object_get(h, "score"));
		json_object_set(*out, "explanation", json_object_get(h, "explanation"));
	}
	json_t *reqs = NULL;
	if (cu_store_hit_requests(c->store, &reqs, json_integer_value(json_object_get(h, "id"))) == 0) {
		/* Each party sees the requests it made or that concern its side. */
		json_t *mine = json_array(), *q;
		size_t i;
		json_array_foreach(reqs, i, q) {
			int64_t qc = json_integer_value(json_object_get(q, "case_id"));
			if (!strcmp(cu_json_str(q, "from_org"), a->org) ||
			    (qc == sa.case_id && sa.visible) || (qc == sb.case_id && sb.visible)) {
				const case_memo *qm = case_of(c, a, m, qc);
				bool granted = qm && qm->visible && !strcmp(cu_json_str(q, "from_org"), a->org);
				json_object_del(q, "case_id");
				/* Granted while the requester sees the case; ended once it was
				 * removed from it again (the store reads the case's timeline). */
				bool ended = json_integer_value(json_object_get(q, "ended")) != 0;
				json_object_del(q, "ended");
				if (!strcmp(cu_json_str(q, "from_org"), a->org))
					json_object_set_new(q, "status", json_string(granted ? "granted"
					                                             : ended ? "ended" : "pending"));
				json_array_append(mine, q);
			}
		}
		json_object_set_new(*out, "access_requests", mine);
		json_decref(reqs);
	}
	return 0;
}

int cu_hit_list(cu_core *c, const cu_actor *a, json_t **out, int64_t case_id,
                const char *review, int limit, int offset)
{
	json_t *rows = NULL, *h, *v;
	size_t i;
	int r, skip = offset;
	*out = NULL;
	if (review && strcmp(review, "new") && strcmp(review, "confirmed") &&
	    strcmp(review, "dismissed"))
		return cu_error_set(CU_EINVALID, "review must be new, confirmed or dismissed");
	if (case_id > 0 && (r = cu_access_case(c, a, case_id, CU_OP_READ)) != 0)
		return r;
	if ((r = cu_store_hit_list(c->store, &rows, a->org_id, case_id, CU_HIT_LIST_MAX)) != 0)
		return r;
	/*
	 * Which hits are the actor's, and their review, cost no query once the
	 * memo knows their cases; only the hits of the page are built (entity
	 * labels, access requests, the JSON).
	 */
	memo m = {0};
	*out = json_array();
	json_array_foreach(rows, i, h) {
		side sa, sb;
		if (limit > 0 && json_array_size(*out) >= (size_t)limit)
			break;
		int ra = side_of(c, a, &m, &sa, h, 'a'), rb = side_of(c, a, &m, &sb, h, 'b');
		if (ra == CU_ENOMEM || rb == CU_ENOMEM) {
			r = CU_ENOMEM;
			break;
		}
		if ((ra && rb) || (review && strcmp(review_of(&sa, &sb, h), review) != 0))
			continue; /* not the actor's hit, or not of this review */
		if (skip > 0) {
			skip--;
			continue;
		}
		int rv = hit_view(c, a, &m, &v, h);
		if (rv == CU_ENOMEM) {
			r = rv;
			break;
		}
		if (rv == 0)
			json_array_append_new(*out, v);
	}
	memo_free(&m);
	json_decref(rows);
	if (r == CU_ENOMEM) {
		json_decref(*out);
		*out = NULL;
		return cu_error_set(r, "out of memory");
	}
	return 0;
}

int cu_hit_get(cu_core *c, const cu_actor *a, json_t **out, int64_t id)
{
	json_t *h = NULL;
	int r = cu_store_hit_get(c->store, &h, id);
	*out = NULL;
	memo m = {0};
	if (r == 0)
		r = hit_view(c, a, &m, out, h);
	memo_free(&m);
	json_decref(h);
	return r == CU_ENOTFOUND ? cu_error_set(r, "no hit %lld", (long long)id) : r;
}

/*
 * Why the actor may act on no side of a hit it sees: its role (an observer
 * user), or its organisation's access to the case (observer access, or a JIT
 * that has expired) — not the role then, which would send it the wrong way.
 */
static int may_not(cu_core *c, const cu_actor *a, const side *sa, const side *sb,
                   const char *what)
{
	const side *s = sa->visible ? sa : sb;
	int part = 0;
	char until[11] = "";
	if (!strcmp(a->role, "observer") ||
	    cu_store_case_access(c->store, &part, until, s->case_id, a->org_id) != 0) {
		cu_error_clear();
		return cu_error_set(CU_EDENIED, "a user with role %s may not %s", a->role, what);
	}
	return cu_error_set(CU_EDENIED, "organisation %s %s: it may not %s", a->org,
	                    part == 1 ? "observes this hit's case (observer access)"
	                              : "may only read this hit's case (its JIT has expired)",
	                    what);
}

/* Confirms or dismisses a hit for the sides the actor may contribute to. */
int cu_hit_review(cu_core *c, const cu_actor *a, json_t **out, int64_t id, const char *review,
                  const char *note)
{
	json_t *h = NULL;
	side sa, sb;
	char now[CU_TS_LEN], idt[24];
	int r;
	*out = NULL;
	if (strcmp(review, "confirmed") && strcmp(review, "dismissed"))
		return cu_error_set(CU_EINVALID, "a hit is confirmed or dismissed");
	if (note && (r = cu_valid_text("note", note, 0, 2000)) != 0)
		return r;
	if ((r = cu_store_hit_get(c->store, &h, id)) != 0)
		return r == CU_ENOTFOUND ? cu_error_set(r, "no hit %lld", (long long)id) : r;
	memo m = {0};
	int ra = side_of(c, a, &m, &sa, h, 'a'), rb = side_of(c, a, &m, &sb, h, 'b');
	memo_free(&m); /* (only the sides' flags are used below: no case read) */
	if (ra == CU_ENOMEM || rb == CU_ENOMEM) {
		json_decref(h);
		return CU_ENOMEM;
	}
	if (ra && rb) {
		json_decref(h);
		return cu_error_set(CU_ENOTFOUND, "no hit %lld", (long long)id);
	}
	if (!sa.contribute && !sb.contribute) {
		json_decref(h);
		return may_not(c, a, &sa, &sb, "review hits");
	}
	cu_time_now(now);
	cu_id_text(idt, id);
	json_t *after = json_pack("{s:s, s:s?}", "review", review, "note", note);
	CU_TXN(c, r, {
		for (int k = 0; k < 2 && r == 0; k++) {
			side *s = k ? &sb : &sa;
			if (!s->contribute)
				continue;
			if ((r = cu_store_hit_review(c->store, id, k ? 'b' : 'a', review, a->username, note,
			                             now)) != 0)
				break;
			r = cu_core_event(c, a, !strcmp(review, "confirmed") ? "hit.confirm" : "hit.dismiss",
			                  "hit", idt, s->case_id, 0, NULL, after);
		}
	});
	json_decref(after);
	json_decref(h);
	return r ? r : cu_hit_get(c, a, out, id);
}

/* Asks the other side for access to its case; answered by case participation. */
int cu_hit_request_access(cu_core *c, const cu_actor *a, json_t **out, int64_t id,
                          const char *message)
{
	json_t *h = NULL;
	side sa, sb;
	char now[CU_TS_LEN], idt[24];
	int64_t rid;
	int r;
	*out = NULL;
	if (message && (r = cu_valid_text("message", message, 0, 2000)) != 0)
		return r;
	if ((r = cu_store_hit_get(c->store, &h, id)) != 0)
		return r == CU_ENOTFOUND ? cu_error_set(r, "no hit %lld", (long long)id) : r;
	memo m = {0};
	int ra = side_of(c, a, &m, &sa, h, 'a'), rb = side_of(c, a, &m, &sb, h, 'b');
	memo_free(&m); /* (only the sides' flags are used below: no case read) */
	json_decref(h);
	if (ra == CU_ENOMEM || rb == CU_ENOMEM)
		return CU_ENOMEM;
	if (ra && rb)
		return cu_error_set(CU_ENOTFOUND, "no hit %lld", (long long)id);
	if (ra == 0 && rb == 0)
		return cu_error_set(CU_ECONFLICT, "your organisation already sees both cases of hit %lld",
		                    (long long)id);
	if (!sa.contribute && !sb.contribute)
		return may_not(c, a, &sa, &sb, "ask for access");
	int64_t other = ra ? sa.case_id : sb.case_id;
	cu_time_now(now);
	cu_id_text(idt, id);
	json_t *after = json_pack("{s:I, s:s, s:s?}", "hit", (json_int_t)id, "from_org", a->org,
	                          "message", message);
	CU_TXN(c, r, {
		if ((r = cu_store_hit_request_add(c->store, &rid, id, a->org_id, other, message,
		                                  a->username, now)) != 0)
			break;
		/* On the other case's timeline: its owners learn who asks, and why. */
		r = cu_core_event(c, a, "hit.access_request", "hit", idt, other, 0, NULL, after);
	});
	json_decref(after);
	if (r == CU_EEXISTS)
		return cu_error_set(r, "your organisation already asked for access on hit %lld",
		                    (long long)id);
	return r ? r : cu_hit_get(c, a, out, id);
}

/* ---- Scoring labelled pairs (custodia match pairs) ----------------------- */

int cu_match_pairs(cu_core *c, json_t **out, const json_t *pairs, double threshold)
{
	long tp = 0, fp = 0, fn = 0, tn = 0, labelled = 0, unscored = 0;
	json_t *rows = json_array(), *p;
	size_t i;
	int r = 0;
	*out = NULL;
	if (threshold <= 0)
		threshold = c ? cu_match_threshold(c) : CU_MATCH_THRESHOLD_DEFAULT;
	if (!json_is_array(pairs) || json_array_size(pairs) > 1000000) {
		json_decref(rows);
		return cu_error_set(CU_EINVALID, "pairs is a list of up to 1,000,000 {a, b, label}");
	}
	json_array_foreach(pairs, i, p) {
		const char *na = cu_json_str(p, "a"), *nb = cu_json_str(p, "b");
		json_t *lab = json_object_get(p, "label");
		cu_mrec a, b;
		cu_mscore s;
		if (!json_is_object(p) || !na || !nb || (lab && !json_is_boolean(lab) && !json_is_null(lab))) {
			r = cu_error_set(CU_EINVALID, "pair %zu: expected {a, b, label (true/false)}", i + 1);
			break;
		}
		cu_mrec_init(&a, CU_MK_PERSON);
		cu_mrec_init(&b, CU_MK_PERSON);
		if ((r = cu_mrec_add_name(&a, na)) != 0 || (r = cu_mrec_add_name(&b, nb)) != 0) {
			char msg[300];
			snprintf(msg, sizeof(msg), "%s", cu_error_message(r));
			if (r == CU_EINVALID) {
				/* A name that cannot be scored (a script with no transliteration):
				 * its row says why, the others are scored; the evaluation leaves it
				 * out and counts it. */
				cu_error_clear();
				r = 0;
				unscored++;
				json_array_append_new(rows, json_pack("{s:s, s:s, s:n, s:b, s:s, s:O?}", "a",
				                                      na, "b", nb, "score", "match", 0,
				                                      "error", msg, "label", lab));
				cu_mrec_free(&a);
				cu_mrec_free(&b);
				continue;
			}
			r = cu_error_set(r, "pair %zu: %s", i + 1, msg);
		} else {
			cu_match_score(&a, &b, &s);
		}
		cu_mrec_free(&a);
		cu_mrec_free(&b);
		if (r)
			break;
		bool hit = s.score >= threshold;
		if (json_is_boolean(lab)) {
			bool same = json_is_true(lab);
			labelled++;
			if (hit)
				same ? tp++ : fp++;
			else
				same ? fn++ : tn++;
		}
		json_array_append_new(rows, json_pack("{s:s, s:s, s:f, s:b, s:s, s:O?}", "a", na, "b",
		                                      nb, "score", s.score, "match", hit,
		                                      "explanation", s.explain, "label", lab));
	}
	if (r) {
		json_decref(rows);
		return r;
	}
	*out = json_pack("{s:f, s:o, s:I}", "threshold", threshold, "pairs", rows, "unscored",
	                 (json_int_t)unscored);
	if (labelled) {
		double prec = tp + fp ? (double)tp / (double)(tp + fp) : 0;
		double rec = tp + fn ? (double)tp / (double)(tp + fn) : 0;
		double f1 = prec + rec > 0 ? 2 * prec * rec / (prec + rec) : 0;
		json_object_set_new(*out, "evaluation",
		                    json_pack("{s:I, s:I, s:I, s:I, s:f, s:f, s:f}", "tp", (json_int_t)tp,
		                              "fp", (json_int_t)fp, "fn", (json_int_t)fn, "tn",
		                              (json_int_t)tn, "precision", prec, "recall", rec, "f1",
		                              f1));
	}
	return 0;
}
