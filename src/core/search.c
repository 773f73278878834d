/* SPDX-License-Identifier: Apache-2.0 */
/*
 * core: search over records and extracted text. The index follows the
 * events: every change that core records as an event (cu_core_event) brings
 * the index up to date for its record in the same transaction, so the index
 * never shows what the records do not say — an erased item leaves it with
 * its erasure. Words are indexed in a Latin form by the cross-matching
 * normaliser, so a search for "Djordjevic" finds "Ђорђевић". docs/search.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "match/match.h"

/* The index's word function: an ASCII-folded Latin form of one word, and
 * whether it may be a name. */
static int search_word(char *out, size_t outsz, const char *word, size_t len, bool *proper)
{
	int n = cu_name_normalise(out, outsz, word, len, CU_NAME_TEXT);
	*proper = cu_name_word_proper(word, len);
	if (n < 0)
		cu_error_clear();
	return n;
}

void cu_search_setup(void)
{
	cu_store_set_word_fn(search_word);
	cu_store_set_cut_fn(cu_text_cut);
}

/* Appends the string values of an object's fields to a text. */
static void add_text(cu_buf *b, const char *s)
{
	if (s && *s) {
		cu_buf_puts(b, s);
		cu_buf_puts(b, "\n");
	}
}

static void add_values(cu_buf *b, const json_t *v)
{
	const char *k;
	json_t *x;
	size_t i;
	if (json_is_string(v))
		add_text(b, json_string_value(v));
	else if (json_is_object(v))
		json_object_foreach((json_t *)v, k, x)
			add_values(b, x);
	else if (json_is_array(v))
		json_array_foreach(v, i, x)
			add_values(b, x);
}

/* What a person would search an entity by: names, numbers as normalised and
 * as written, addresses, notes — not codes such as a name's script. */
static void entity_text(cu_buf *b, const json_t *attrs)
{
	static const char *const skip[] = {"script", "lang", "type", "gender", "doc_type",
	                                   "country", "currency", "latitude", "longitude", NULL};
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)attrs, k, v) {
		bool skipped = false;
		for (int i = 0; skip[i] && !skipped; i++)
			skipped = !strcmp(k, skip[i]);
		if (skipped)
			continue;
		if (json_is_object(v) || json_is_array(v)) {
			size_t i;
			json_t *x;
			json_array_foreach(json_is_array(v) ? v : NULL, i, x) {
				if (json_is_object(x))
					entity_text(b, x);
				else
					add_values(b, x);
			}
			if (json_is_object(v))
				entity_text(b, v);
		} else {
			add_values(b, v);
		}
	}
}

static int64_t org_of(cu_core *c, const char *code)
{
	int64_t id = 0;
	if (code && cu_org_id(c, &id, "org", code) != 0) {
		cu_error_clear();
		id = 0;
	}
	return id;
}

static int index_case(cu_core *c, int64_t id)
{
	json_t *cs = NULL, *v;
	cu_buf body;
	size_t i;
	int r = cu_store_case_get(c->store, &cs, id);
	if (r)
		return r == CU_ENOTFOUND ? 0 : r;
	cu_buf_init(&body, 0);
	/* In words, as people search and read them ("firearms", not firearms_trafficking). */
	json_array_foreach(json_object_get(cs, "crime_types"), i, v) {
		const char *lab = cu_crime_label(json_string_value(v));
		add_text(&body, lab ? lab : json_string_value(v));
	}
	add_text(&body, cu_json_str(cs, "reference"));
	json_array_foreach(json_object_get(cs, "participants"), i, v)
		add_text(&body, cu_json_str(v, "national_ref"));
	cu_search_doc d = {.kind = "case", .ref_id = id, .case_id = id,
	                   .org_id = org_of(c, cu_json_str(cs, "requesting_org")),
	                   .day = cu_json_str(cs, "opened_on"), .title = cu_json_str(cs, "title"),
	                   .body = body.data ? body.data : ""};
	r = cu_store_search_put(c->store, &d);
	cu_buf_free(&body);
	json_decref(cs);
	return r;
}

static int index_entity(cu_core *c, int64_t id)
{
	json_t *e = NULL, *cs = NULL;
	cu_buf body;
	char day[11];
	int r = cu_store_entity_get(c->store, &e, id);
	if (r)
		return r == CU_ENOTFOUND ? 0 : r;
	int64_t case_id = json_integer_value(json_object_get(e, "case_id"));
	cu_store_case_get(c->store, &cs, case_id);
	cu_buf_init(&body, 0);
	entity_text(&body, json_object_get(e, "attrs"));
	snprintf(day, sizeof(day), "%s", cu_json_str(e, "created_at"));
	cu_search_doc d = {.kind = "entity", .ref_id = id, .case_id = case_id,
	                   .org_id = cs ? org_of(c, cu_json_str(cs, "requesting_org")) : 0,
	                   .day = day, .title = cu_json_str(e, "label"),
	                   .body = body.data ? body.data : ""};
	r = cu_store_search_put(c->store, &d);
	cu_buf_free(&body);
	json_decref(e);
	json_decref(cs);
	return r;
}

static int index_item(cu_core *c, int64_t id)
{
	json_t *it = NULL;
	cu_buf body;
	char day[11];
	int r = cu_store_item_get(c->store, &it, id);
	if (r)
		return r == CU_ENOTFOUND ? 0 : r;
	if (cu_json_str(it, "erased_at")) {
		/* Erased: neither its description nor its text may be found. */
		json_decref(it);
		if ((r = cu_store_search_delete(c->store, "evidence", id)) != 0)
			return r;
		return cu_store_search_delete(c->store, "text", id);
	}
	json_t *prov = json_object_get(it, "provenance");
	cu_buf_init(&body, 0);
	add_text(&body, cu_json_str(it, "description"));
	add_text(&body, cu_json_str(it, "original_name"));
	add_text(&body, cu_json_str(it, "legal_status"));
	add_values(&body, json_object_get(it, "tags"));
	add_values(&body, prov);
	/* Its SHA-256, whole and as lists show it (12 digits): "do we hold this
	 * file?" is asked with a hash. Last, so that snippets show it least. */
	const char *sha = cu_json_str(it, "sha256");
	if (sha && strlen(sha) == 64) {
		add_text(&body, sha);
		cu_buf_append(&body, sha, 12);
		cu_buf_puts(&body, "\n");
	}
	const char *when = cu_json_str(prov, "collected_at");
	snprintf(day, sizeof(day), "%s", when ? when : cu_json_str(it, "registered_at"));
	cu_search_doc d = {.kind = "evidence", .ref_id = id,
	                   .case_id = json_integer_value(json_object_get(it, "case_id")),
	                   .item_id = id, .org_id = org_of(c, cu_json_str(it, "originator")),
	                   .lang = cu_json_str(prov, "language"), .day = day,
	                   .title = cu_json_str(it, "title"), .body = body.data ? body.data : ""};
	r = cu_store_search_put(c->store, &d);
	cu_buf_free(&body);
	json_decref(it);
	return r;
}

int cu_search_index_text(cu_core *c, int64_t item_id, const char *text, size_t len,
                         const char *lang)
{
	json_t *it = NULL;
	char day[11];
	int r = cu_store_item_get(c->store, &it, item_id);
	if (r)
		return r;
	const char *when = cu_json_str(json_object_get(it, "provenance"), "collected_at");
	snprintf(day, sizeof(day), "%s", when ? when : cu_json_str(it, "registered_at"));
	cu_search_doc d = {.kind = "text", .ref_id = item_id,
	                   .case_id = json_integer_value(json_object_get(it, "case_id")),
	                   .item_id = item_id, .org_id = org_of(c, cu_json_str(it, "originator")),
	                   .lang = lang, .day = day, .title = cu_json_str(it, "title"),
	                   .body = len ? text : "", .body_len = len};
	r = cu_json_str(it, "erased_at") ? 0 : cu_store_search_put(c->store, &d);
	json_decref(it);
	return r;
}

/* Called by cu_core_event for every change, inside its transaction. */
int cu_search_on_event(cu_core *c, const char *action, const char *object_type,
                       const char *object_id, int64_t case_id)
{
	int64_t id = object_id ? strtoll(object_id, NULL, 10) : 0;
	if (!strcmp(object_type, "case") || !strncmp(action, "participant.", 12) ||
	    !strncmp(action, "case.", 5))
		return case_id > 0 ? index_case(c, case_id) : 0;
	if (!strcmp(object_type, "entity") && id > 0)
		return index_entity(c, id);
	if (!strcmp(object_type, "evidence") && id > 0) {
		int r = index_item(c, id);
		/* A new item's text is extracted in the background. */
		if (r == 0 && !strcmp(action, "evidence.register"))
			r = cu_jobs_enqueue(c, id);
		return r;
	}
	return 0;
}

/* ---- Rebuilding -------------------------------------------------------- */

static int reindex_entity(void *ctx, const cu_entity_row *row)
{
	return index_entity(ctx, row->id);
}

int cu_search_reindex(cu_core *c, const cu_actor *a, json_t **out)
{
	json_t *cases = NULL, *items = NULL, *v;
	size_t i;
	int64_t n_cases = 0, n_items = 0, n_texts = 0;
	int r;
	*out = NULL;
	if (a && !a->operator_admin)
		return cu_error_set(CU_EDENIED, "rebuilding the index is for administrators of the"
		                    " operator");
	CU_TXN(c, r, {
		if ((r = cu_store_search_clear(c->store)) != 0 ||
		    (r = cu_store_item_blobs(c->store, &items, 0)) != 0)
			break;
		if ((r = cu_store_case_ids(c->store, &cases)) != 0)
			break;
		json_array_foreach(cases, i, v) {
			if ((r = index_case(c, json_integer_value(v))) != 0)
				break;
			n_cases++;
		}
		if (r || (r = cu_store_entity_each(c->store, 0, reindex_entity, c)) != 0)
			break;
		json_array_foreach(items, i, v) {
			int64_t id = json_integer_value(json_object_get(v, "id"));
			if ((r = index_item(c, id)) != 0)
				break;
			n_items++;
			json_t *x = NULL;
			if (cu_store_extract_get(c->store, &x, id) == 0) {
				r = cu_jobs_index_text(c, id, x);
				n_texts += r == 0;
				json_decref(x);
				if (r)
					break;
			}
			cu_error_clear();
		}
		if (r == 0)
			r = cu_store_meta_set(c->store, "search_normaliser", CU_SEARCH_INDEX);
	});
	json_decref(items);
	json_decref(cases);
	if (r == 0)
		*out = json_pack("{s:I, s:I, s:I}", "cases", (json_int_t)n_cases, "items",
		                 (json_int_t)n_items, "texts", (json_int_t)n_texts);
	return r;
}

/* ---- Searching --------------------------------------------------------- */

/* The snippet's highlights (between \x02 and \x03) as <mark> in escaped HTML,
 * and the plain text without them. */
/* Whether a line of an item's snippet is its SHA-256 (whole or as lists
 * show it), not marked: indexed to be found, not worth showing. */
static bool unmarked_hash(const char *p, size_t n)
{
	if (n != 64 && n != 12)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return true;
}

static void snippet_forms(json_t *hit)
{
	const char *s = cu_json_str(hit, "snippet");
	cu_buf html, plain, kept;
	if (!s)
		return;
	cu_buf_init(&html, 0);
	cu_buf_init(&plain, 0);
	cu_buf_init(&kept, 0);
	if (!strcmp(cu_json_str(hit, "kind") ? cu_json_str(hit, "kind") : "", "evidence")) {
		for (const char *p = s; *p;) {
			const char *e = strchr(p, '\n');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			if (!unmarked_hash(p, n))
				cu_buf_append(&kept, p, n + (e != NULL));
			p += n + (e != NULL);
		}
		cu_buf_puts(&kept, "");
		s = kept.data;
	}
	for (const char *p = s; *p; p++) {
		switch (*p) {
		case '\x02': cu_buf_puts(&html, "<mark>"); break;
		case '\x03': cu_buf_puts(&html, "</mark>"); break;
		case '<': cu_buf_puts(&html, "&lt;"); break;
		case '>': cu_buf_puts(&html, "&gt;"); break;
		case '&': cu_buf_puts(&html, "&amp;"); break;
		case '"': cu_buf_puts(&html, "&quot;"); break;
		default: cu_buf_append(&html, p, 1);
		}
		if (*p != '\x02' && *p != '\x03')
			cu_buf_append(&plain, p, 1);
	}
	json_object_set_new(hit, "snippet", json_string(plain.data ? plain.data : ""));
	json_object_set_new(hit, "snippet_html", json_string(html.data ? html.data : ""));
	cu_buf_free(&html);
	cu_buf_free(&plain);
	cu_buf_free(&kept);
}

/* ---- reading what a user types ------------------------------------------- */

/*
 * A search box receives case references (2026/0001), national numbers
 * (AM-48213-26), file names, e-mail addresses, phone numbers and names
 * written "Surname, Given": none of them FTS5 query syntax, and FTS5 refuses
 * most of them ("syntax error near /", "no such column: 48213"). So what a
 * user types is read as FTS5 syntax only where it is that syntax, and as
 * words everywhere else:
 *
 *   - "phrases" stay phrases; one left open is closed at the end;
 *   - AND, OR, NOT, NEAR(...), a trailing *, a leading ^, and title: or
 *     body: before a word, a phrase or a group stay operators;
 *   - parentheses stay groups when they nest, and are separators when not;
 *   - -word after a word, a phrase or a group is NOT word, as search boxes
 *     read it;
 *   - any other run of characters is a quoted phrase of its own, which the
 *     tokenizer cuts into its words ("2026/0001" is 2026 then 0001);
 *   - a run without a letter or digit (a lone dash) is left out.
 *
 * If the result is still not a query (an operator with nothing on one
 * side: "x AND"), it is read again without operators, every run as words
 * (read_query's literal): "x AND" is x.
 */
static bool qspace(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* FTS5's bareword characters (fts5ExprIsBareword). */
static bool qbare(unsigned char c)
{
	return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	       (c >= 'a' && c <= 'z') || c == '_';
}

/* Whether a run has something the tokenizer makes a word of. */
static bool qwordy(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (qbare((unsigned char)p[i]) && p[i] != '_')
			return true;
	return false;
}

static bool parens_nest(const char *q)
{
	int depth = 0;
	bool quoted = false;
	for (const char *p = q; *p; p++)
		if (*p == '"')
			quoted = !quoted; /* "" inside a phrase turns twice */
		else if (!quoted && *p == '(')
			depth++;
		else if (!quoted && *p == ')' && --depth < 0)
			return false;
	return depth == 0;
}

static int put_phrase(cu_buf *b, const char *p, size_t n)
{
	int r = cu_buf_puts(b, "\"");
	for (size_t i = 0; !r && i < n; i++)
		r = cu_buf_append(b, p[i] == '"' ? "\"\"" : p + i, p[i] == '"' ? 2 : 1);
	return r ? r : cu_buf_puts(b, "\"");
}

static bool is_op(const char *p, size_t n)
{
	return (n == 3 && (!memcmp(p, "AND", 3) || !memcmp(p, "NOT", 3))) ||
	       (n == 2 && !memcmp(p, "OR", 2));
}

/* The length of a column filter a run starts with ([-]title: or [-]body:), or 0. */
static size_t colspec(const char *p, size_t n)
{
	size_t k = n && p[0] == '-' ? 1 : 0, c = k;
	while (c < n && qbare((unsigned char)p[c]))
		c++;
	if (c < n && p[c] == ':' &&
	    ((c - k == 5 && !strncasecmp(p + k, "title", 5)) ||
	     (c - k == 4 && !strncasecmp(p + k, "body", 4))))
		return c + 1;
	return 0;
}

/* One run of characters outside phrases and parentheses; after_term: a
 * word, a phrase or a group comes before it. */
static int put_run(cu_buf *b, const char *p, size_t n, bool literal, bool after_term)
{
	if (is_op(p, n))
		return literal ? 0 : cu_buf_append(b, p, n);
	if (!qwordy(p, n))
		return 0;
	if (literal)
		return put_phrase(b, p, n);
	/* -word after something to search for: without that word, as search
	 * boxes read it (FTS5 says NOT) */
	if (after_term && n > 1 && p[0] == '-' && !colspec(p, n) && qwordy(p + 1, n - 1)) {
		int r = cu_buf_puts(b, "NOT ");
		return r ? r : put_run(b, p + 1, n - 1, false, false);
	}
	size_t i = colspec(p, n), end = n;
	if (i < n && p[i] == '^')
		i++;
	bool star = end > i && p[end - 1] == '*';
	if (star)
		end--;
	if (!qwordy(p + i, end - i)) /* "title:" alone, or "^*" */
		return 0;
	bool bare = true;
	for (size_t j = i; j < end && bare; j++)
		bare = qbare((unsigned char)p[j]);
	int r = cu_buf_append(b, p, i);
	if (!r)
		r = bare ? cu_buf_append(b, p + i, end - i) : put_phrase(b, p + i, end - i);
	return r ? r : cu_buf_append(b, "*", star);
}

static int read_query(cu_buf *b, const char *q, bool literal, bool *lone)
{
	bool parens = !literal && parens_nest(q), term = false, is_term = false;
	*lone = false;
	int r = 0;
	for (const char *p = q; *p && !r;) {
		const char *s = p;
		size_t before = b->len;
		if (qspace(*p)) {
			p++;
			continue;
		}
		if (before)
			r = cu_buf_puts(b, " ");
		if (r)
			break;
		is_term = true;
		if (*p == '"') {
			bool closed = false;
			for (p++; *p && !closed; p++)
				if (*p == '"' && !(closed = p[1] != '"'))
					p++; /* "" is a quote inside the phrase */
			if (qwordy(s + 1, (size_t)(p - s) - 1)) {
				r = cu_buf_append(b, s, (size_t)(p - s));
				if (!r && !closed)
					r = cu_buf_puts(b, "\"");
				if (!r && *p == '*' && !literal)
					r = cu_buf_puts(b, "*");
			}
			p += *p == '*';
		} else if (*p == '(' || *p == ')') {
			if (parens)
				r = cu_buf_append(b, p, 1);
			is_term = *p == ')';
			p++;
		} else {
			while (*p && !qspace(*p) && *p != '"' && *p != '(' && *p != ')')
				p++;
			size_t n = (size_t)(p - s);
			const char *next = p;
			while (qspace(*next))
				next++;
			is_term = !is_op(s, n);
			if (!literal && n && colspec(s, n) == n && *next) {
				/* title:"a phrase", title:(a OR b), title: word */
				is_term = false;
				r = cu_buf_append(b, s, n);
			} else if (parens && *p == '(' && n == 4 && !memcmp(s, "NEAR", 4)) {
				/* NEAR(a b, 10) as it is: FTS5 reads it, or refuses it
				 * and the query is read as words */
				while (*p && *p != ')')
					p++;
				p += *p == ')';
				r = cu_buf_append(b, s, (size_t)(p - s));
			} else {
				/* NOT and -word exclude from what comes before them: "x AND
				 * NOT y" and "x AND -y" are FTS5's "x NOT y". With nothing
				 * before (or only OR), there is nothing to exclude from. */
				bool minus = n > 1 && s[0] == '-' && !colspec(s, n) &&
				             qwordy(s + 1, n - 1);
				if (!literal && (minus || (n == 3 && !memcmp(s, "NOT", 3)))) {
					if (b->len >= 5 && !memcmp(b->data + b->len - 5, " AND ", 5)) {
						b->len -= 4;
						term = true;
					}
					if (!term)
						*lone = true;
				}
				r = put_run(b, s, n, literal, term);
			}
		}
		if (!r && b->len == before + (before ? 1 : 0))
			b->len = before; /* nothing came of it: no separator either */
		else
			term = is_term;
	}
	return r;
}

int cu_search(cu_core *c, const cu_actor *a, json_t **out, const cu_search_params *p)
{
	cu_search_query q = {0};
	char today[11];
	int r;
	*out = NULL;
	if (!p->q || !*p->q)
		return cu_error_set(CU_EINVALID, "a search needs a query");
	if ((r = cu_valid_text("q", p->q, 1, 500)) != 0)
		return r;
	if (p->limit < 0 || p->limit > 100)
		return cu_error_set(CU_EINVALID, "limit must be 1-100");
	if (p->offset < 0 || p->offset > 10000)
		return cu_error_set(CU_EINVALID, "offset must be 0-10000");
	if (p->kind && strcmp(p->kind, "case") && strcmp(p->kind, "entity") &&
	    strcmp(p->kind, "evidence") && strcmp(p->kind, "text"))
		return cu_error_set(CU_EINVALID, "kind must be case, entity, evidence or text");
	if ((p->from && (r = cu_valid_date("from", p->from)) != 0) ||
	    (p->to && (r = cu_valid_date("to", p->to)) != 0))
		return r;
	if (p->lang && (strlen(p->lang) < 2 || strlen(p->lang) > 3))
		return cu_error_set(CU_EINVALID, "lang is an ISO 639 code such as sr or ar");
	if (p->case_ref && (r = cu_case_resolve(c, a, &q.case_id, p->case_ref)) != 0)
		return r;
	if (p->org && (r = cu_org_id(c, &q.org_filter, "org", p->org)) != 0)
		return r;
	cu_date_today(today);
	q.q = p->q;
	q.org_id = a->org_id;
	q.today = today;
	q.kind = p->kind;
	q.lang = p->lang;
	q.from = p->from;
	q.to = p->to;
	q.limit = p->limit ? p->limit : 20;
	q.offset = p->offset;
	cu_buf read;
	cu_buf_init(&read, 0);
	for (int literal = 0; literal < 2; literal++) {
		bool lone;
		read.len = 0;
		if ((r = read_query(&read, p->q, literal, &lone)) != 0 ||
		    (r = cu_buf_puts(&read, "")) != 0)
			break;
		/* Read as words, "NOT Petrovic" would find Petrovic: refused, and said why
		 * (unless there is no word at all, "NOT" alone: said below). */
		if (lone) {
			bool none;
			read.len = 0;
			if ((r = read_query(&read, p->q, true, &none)) != 0)
				break;
			if (read.len) {
				r = cu_error_set(CU_EINVALID, "NOT and -word leave out what follows them "
				                 "from what comes before: give something to search for "
				                 "first (Marko NOT Architect, Marko -Architect)");
				break;
			}
		}
		if (!read.len) {
			r = cu_error_set(CU_EINVALID, "the query has no word to search for");
			break;
		}
		q.q = read.data;
		/* What the engine reads but cannot do (PostgreSQL: NEAR of several
		 * phrases) is said, not searched as words instead. */
		if ((r = cu_store_search(c->store, out, &q)) != CU_EINVALID || literal ||
		    strstr(cu_error_message(r), "not available"))
			break;
		cu_error_clear();
	}
	if (r == 0) {
		json_object_set_new(*out, "query", json_string(read.data));
		/* An index an older version built (before its words were read as
		 * they are now, e.g. Korean) misses what this one would find. */
		char *ver = NULL;
		bool stale = cu_store_meta_get(c->store, &ver, "search_normaliser") != 0 ||
		             strcmp(ver, CU_SEARCH_INDEX) != 0;
		cu_error_clear();
		free(ver);
		json_object_set_new(*out, "index_outdated", json_boolean(stale));
	}
	cu_buf_free(&read);
	if (r)
		return r;
	size_t i;
	json_t *h;
	json_array_foreach(json_object_get(*out, "items"), i, h)
		snippet_forms(h);
	json_object_set_new(*out, "offset", json_integer(q.offset));
	json_object_set_new(*out, "limit", json_integer(q.limit));
	return 0;
}
