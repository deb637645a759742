/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * The HTTP/1.1 responder (sf_http.h, docs/http.md).
 *
 * A request is parsed byte by byte by a state machine that keeps only
 * what the answer depends on (the method, the path, the version and the
 * Connection, Content-Length, Transfer-Encoding and Host fields), so a
 * request may arrive in pieces of any size, and several may arrive in
 * one segment (pipelining: answered in order). RFC 9112 is followed
 * where a server has a choice to make: a bare LF ends a line (2.2),
 * empty lines before a request line are skipped (2.2), a field line
 * folded onto the next (5.2) or with white space before its colon (5.1)
 * is a 400, a request with both Content-Length and Transfer-Encoding is
 * a 400 followed by a close (6.3), an HTTP/1.1 request without exactly
 * one Host field is a 400 (3.2), chunked bodies are decoded to find their
 * end (7.1). Bodies are read and dropped.
 *
 * Responses are built once per route at start, in three parts around
 * the Date field: the status line and Server; Content-Type,
 * Content-Length and the route's own fields; the body. Per request only
 * the Date (once a second per lcore) and a Connection field change.
 * They are assembled in a per-lcore scratch buffer and queued with one
 * sf_conn_send(); a response the send budget cannot take at once waits
 * for on_writable, and the bytes that come meanwhile are held (the
 * window follows the send queue, so they are bounded) and parsed once
 * it is out.
 *
 * Per-lcore state (struct sf_http_lcore) is written by its lcore only;
 * the statistics are summed by readers, field by field.
 */

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mempool.h>

#include "sf_http.h"

/* Responses assembled per lcore in pieces of at most this many bytes. */
#define SF_HTTP_SCRATCH (64u * 1024)
/*
 * Small responses kept whole per lcore for the current second (the Date
 * field is all that changes): so many of them, of at most so many bytes.
 */
#define SF_HTTP_CACHE 8
#define SF_HTTP_CACHE_MAX 2048
/* Bytes held while a response waits for room, at most. */
#define SF_HTTP_HOLD_MAX (1u << 20)
/* Idle scans per second. */
#define SF_HTTP_SCAN_HZ 10
/* "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n" */
#define SF_HTTP_DATE_LEN 37

/* A prebuilt response: the pieces around the Date field. */
struct sf_http_resp {
	uint16_t rs_status;
	uint16_t rs_pre_len;       /* status line, Server */
	uint16_t rs_mid_len;       /* Content-Type, -Length, the route's */
	uint32_t rs_body_len;
	uint8_t *rs_pre;
	uint8_t *rs_mid;
	uint8_t *rs_body;
};

struct sf_http_rt {
	char rt_path[SF_HTTP_PATH_MAX + 1];
	uint16_t rt_plen;
	struct sf_http_resp rt_resp;
};

/* The errors the responder answers by itself. */
enum sf_http_err {
	SF_HE_NONE = 0,
	SF_HE_400, SF_HE_404, SF_HE_405, SF_HE_408, SF_HE_413, SF_HE_414,
	SF_HE_431, SF_HE_501, SF_HE_505,
	SF_HE_MAX,
};

static const struct {
	uint16_t status;
	const char *reason;
} sf_http_errs[SF_HE_MAX] = {
	[SF_HE_400] = { 400, "Bad Request" },
	[SF_HE_404] = { 404, "Not Found" },
	[SF_HE_405] = { 405, "Method Not Allowed" },
	[SF_HE_408] = { 408, "Request Timeout" },
	[SF_HE_413] = { 413, "Content Too Large" },
	[SF_HE_414] = { 414, "URI Too Long" },
	[SF_HE_431] = { 431, "Request Header Fields Too Large" },
	[SF_HE_501] = { 501, "Not Implemented" },
	[SF_HE_505] = { 505, "HTTP Version Not Supported" },
};

/* Parser states. */
enum sf_http_st {
	SF_HS_START,        /* before a request line (empty lines skipped) */
	SF_HS_METHOD,
	SF_HS_TARGET,
	SF_HS_VERSION,
	SF_HS_RL_LF,        /* CR seen at the end of the request line */
	SF_HS_NAME0,        /* start of a field line, or the empty line */
	SF_HS_NAME,
	SF_HS_OWS,          /* white space before a field value */
	SF_HS_VALUE,
	SF_HS_VALUE_LF,
	SF_HS_END_LF,       /* CR of the empty line seen */
	SF_HS_BODY,         /* Content-Length bytes left */
	SF_HS_CH_SIZE,      /* chunked: the size line */
	SF_HS_CH_EXT,       /* its extensions, skipped */
	SF_HS_CH_SIZE_LF,
	SF_HS_CH_DATA,
	SF_HS_CH_DATA_CR,
	SF_HS_CH_DATA_LF,
	SF_HS_CH_TRAILER0,  /* start of a trailer line, or the empty line */
	SF_HS_CH_TRAILER,   /* a trailer field's value */
	SF_HS_CH_END_LF,
	SF_HS_CH_BWS,       /* white space after a chunk size */
	SF_HS_CH_TNAME,     /* a trailer field's name */
	SF_HS_CH_TRAILER_LF,
	SF_HS_DONE,         /* closing: nothing more is read */
};

/* The fields the answer depends on. */
enum sf_http_field {
	SF_HF_OTHER,
	SF_HF_CONNECTION,
	SF_HF_CLEN,
	SF_HF_TE,
	SF_HF_HOST,
};

#define SF_HTTP_NAME_MAX 20
#define SF_HTTP_VAL_MAX 80
#define SF_HTTP_METHOD_MAX 16

/* Connection: flags of a request. */
#define SF_HQ_CLOSE     0x01  /* Connection: close */
#define SF_HQ_KEEPALIVE 0x02  /* Connection: keep-alive */
#define SF_HQ_CLEN      0x04  /* Content-Length seen */
#define SF_HQ_CHUNKED   0x08  /* Transfer-Encoding ends with chunked */
#define SF_HQ_TE        0x10  /* Transfer-Encoding seen */
#define SF_HQ_PATH_LONG 0x20  /* the path did not fit: no route has it */
#define SF_HQ_ABS       0x40  /* absolute-form target */

/* What a response waits for room with. */
struct sf_http_pend {
	const struct sf_http_resp *pd_resp;
	uint32_t pd_off;           /* bytes of it queued */
	uint32_t pd_len;           /* its bytes */
	uint8_t pd_conn;           /* its Connection field (SF_HC_*) */
	bool pd_head;              /* HEAD: no body */
	bool pd_close;             /* close once it is out */
	char pd_date[SF_HTTP_DATE_LEN];
};

/* Connection fields of a response. */
enum {
	SF_HC_NONE,                /* HTTP/1.1 keep-alive: nothing */
	SF_HC_CLOSE,
	SF_HC_KEEPALIVE,           /* HTTP/1.0 keep-alive */
};

static const char *const sf_http_connline[] = {
	[SF_HC_NONE] = "\r\n",
	[SF_HC_CLOSE] = "Connection: close\r\n\r\n",
	[SF_HC_KEEPALIVE] = "Connection: keep-alive\r\n\r\n",
};
static const uint8_t sf_http_connline_len[] = {
	[SF_HC_NONE] = 2,
	[SF_HC_CLOSE] = sizeof("Connection: close\r\n\r\n") - 1,
	[SF_HC_KEEPALIVE] = sizeof("Connection: keep-alive\r\n\r\n") - 1,
};

/* One connection's responder state; its lcore's only. */
struct sf_http_conn {
	TAILQ_ENTRY(sf_http_conn) hc_lru;  /* by last byte received */
	struct sf_conn *hc_c;
	uint64_t hc_last;          /* TSC of the last byte received */
	uint64_t hc_left;          /* body bytes left (chunk or length) */
	uint64_t hc_body;          /* body bytes of this request so far */
	uint32_t hc_hbytes;        /* bytes of this request's head so far */
	uint32_t hc_nreq;          /* requests answered */
	uint8_t hc_st;             /* enum sf_http_st */
	uint8_t hc_err;            /* enum sf_http_err to answer, or 0 */
	uint8_t hc_flags;          /* SF_HQ_* */
	uint8_t hc_ver;            /* 10 or 11 */
	uint8_t hc_field;          /* enum sf_http_field being read */
	uint8_t hc_nhost;          /* Host fields */
	uint8_t hc_mlen, hc_nlen, hc_vlen;
	bool hc_lru_on;
	uint16_t hc_lcore;         /* the lcore whose list holds it */
	bool hc_closing;           /* our close is asked, or to be */
	bool hc_peer_fin;
	uint16_t hc_plen;
	uint16_t hc_tlen;          /* target bytes (the version: its bytes) */
	char hc_method[SF_HTTP_METHOD_MAX];
	char hc_name[SF_HTTP_NAME_MAX];
	char hc_val[SF_HTTP_VAL_MAX];
	char hc_path[SF_HTTP_PATH_MAX + 1];
	struct sf_http_pend *hc_pend;  /* a response waiting for room */
	uint8_t *hc_held;              /* bytes received meanwhile */
	uint32_t hc_held_len, hc_held_cap;
};

TAILQ_HEAD(sf_http_lru, sf_http_conn);

/* Per lcore: written by its lcore only (readers sum the statistics). */
/* A response as sent, kept for its second (one slot of the cache). */
struct sf_http_cached {
	const struct sf_http_resp *ch_resp;  /* NULL: empty */
	time_t ch_sec;
	uint32_t ch_len;
	uint8_t ch_conn;
	bool ch_head;
	uint8_t *ch_buf;                     /* SF_HTTP_CACHE_MAX bytes */
};

struct sf_http_lcore {
	struct sf_http_stats hl_st;
	struct sf_http_lru hl_lru;
	uint64_t hl_next_scan;
	time_t hl_date_sec;
	char hl_date[64];        /* SF_HTTP_DATE_LEN of them used */
	uint8_t *hl_scratch;     /* SF_HTTP_SCRATCH bytes, then the cache's */
	struct sf_http_cached hl_cache[SF_HTTP_CACHE];
	bool hl_init;
} __rte_cache_aligned;

struct sf_http {
	struct sf_http_params h_p;
	char h_server[128];
	uint32_t h_nb_routes;
	struct sf_http_rt *h_routes;
	struct sf_http_resp h_err[SF_HE_MAX];
	struct sf_http_resp h_default;   /* "/" without a route of its own */
	struct rte_mempool *h_pool;
	uint64_t h_idle_tsc;             /* idle_timeout_ms in TSC cycles */
	uint64_t h_hz;
	struct sf_http_lcore h_lc[RTE_MAX_LCORE];
};

static void sf_http_class_init(void);

static const char sf_http_default_body[] =
	"<!DOCTYPE html>\n<html><head><title>synfront</title></head>\n"
	"<body><h1>synfront</h1><p>This page is served by synfront's "
	"built-in HTTP responder.</p></body></html>\n";

void
sf_http_params_init(struct sf_http_params *p)
{
	memset(p, 0, sizeof(*p));
	p->server = "synfront";
	p->max_header_bytes = 8192;
	p->max_body_bytes = 1u << 20;
	p->idle_timeout_ms = 75000;
	p->max_conns = 65536;
	p->socket_id = SOCKET_ID_ANY;
}

/* This lcore's state, set up at its first use. */
static struct sf_http_lcore *
sf_http_lc(struct sf_http *h)
{
	unsigned int id = rte_lcore_id();
	struct sf_http_lcore *l;

	l = &h->h_lc[id < RTE_MAX_LCORE ? id : 0];
	if (unlikely(!l->hl_init)) {
		unsigned int i;

		TAILQ_INIT(&l->hl_lru);
		l->hl_scratch = rte_malloc_socket("sf_http_scratch",
			SF_HTTP_SCRATCH + SF_HTTP_CACHE * SF_HTTP_CACHE_MAX, 0,
			h->h_p.socket_id);
		for (i = 0; l->hl_scratch != NULL && i < SF_HTTP_CACHE; i++)
			l->hl_cache[i].ch_buf = l->hl_scratch +
				SF_HTTP_SCRATCH + i * SF_HTTP_CACHE_MAX;
		l->hl_init = true;
	}
	return l;
}

static inline void
sf_http_add(uint64_t *v, uint64_t n)
{
	__atomic_store_n(v, *v + n, __ATOMIC_RELAXED);
}

/* The Date field of now, rewritten once a second (RFC 9110 5.6.7). */
static const char *
sf_http_date(struct sf_http_lcore *l)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
		"Fri", "Sat" };
	static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t now = time(NULL);
	struct tm tm;

	if (now != l->hl_date_sec || l->hl_date[0] == '\0') {
		gmtime_r(&now, &tm);
		snprintf(l->hl_date, sizeof(l->hl_date),
			"Date: %s, %02d %s %04d %02d:%02d:%02d GMT\r\n",
			wd[tm.tm_wday % 7], tm.tm_mday, mo[tm.tm_mon % 12],
			tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
		l->hl_date_sec = now;
	}
	return l->hl_date;
}

/* Build a response's pieces; body copied. 0 or -ENOMEM. */
static int
sf_http_resp_build(struct sf_http *h, struct sf_http_resp *rs,
		uint16_t status, const char *reason, const char *ctype,
		const void *body, uint32_t body_len, const char *extra)
{
	/* 204 and 304 have no body, and 204 no Content-Length (RFC 9110 8.6) */
	bool no_len = status == 204 || status == 304;
	char buf[4096];
	int n;

	memset(rs, 0, sizeof(*rs));
	rs->rs_status = status;
	if (h->h_server[0] != '\0')
		n = snprintf(buf, sizeof(buf), "HTTP/1.1 %u %s\r\nServer: %s\r\n",
			status, reason, h->h_server);
	else
		n = snprintf(buf, sizeof(buf), "HTTP/1.1 %u %s\r\n", status,
			reason);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -EINVAL;
	rs->rs_pre = rte_malloc_socket("sf_http", (size_t)n, 0,
		h->h_p.socket_id);
	if (rs->rs_pre == NULL)
		return -ENOMEM;
	memcpy(rs->rs_pre, buf, (size_t)n);
	rs->rs_pre_len = (uint16_t)n;
	if (no_len)
		n = snprintf(buf, sizeof(buf), "%s", extra != NULL ? extra :
			"");
	else
		n = snprintf(buf, sizeof(buf), "Content-Type: %s\r\n"
			"Content-Length: %u\r\n%s", ctype, body_len,
			extra != NULL ? extra : "");
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -EINVAL;
	rs->rs_mid = rte_malloc_socket("sf_http", (size_t)RTE_MAX(n, 1), 0,
		h->h_p.socket_id);
	if (rs->rs_mid == NULL)
		return -ENOMEM;
	memcpy(rs->rs_mid, buf, (size_t)n);
	rs->rs_mid_len = (uint16_t)n;
	if (body_len != 0) {
		rs->rs_body = rte_malloc_socket("sf_http", body_len, 0,
			h->h_p.socket_id);
		if (rs->rs_body == NULL)
			return -ENOMEM;
		memcpy(rs->rs_body, body, body_len);
	}
	rs->rs_body_len = body_len;
	return 0;
}

static void
sf_http_resp_free(struct sf_http_resp *rs)
{
	rte_free(rs->rs_pre);
	rte_free(rs->rs_mid);
	rte_free(rs->rs_body);
	memset(rs, 0, sizeof(*rs));
}

/* The reason phrase of a status (RFC 9110 15), or "" when none known. */
static const char *
sf_http_reason(uint16_t status)
{
	static const struct {
		uint16_t s;
		const char *r;
	} tab[] = {
		{ 200, "OK" }, { 201, "Created" }, { 202, "Accepted" },
		{ 204, "No Content" }, { 301, "Moved Permanently" },
		{ 302, "Found" }, { 303, "See Other" },
		{ 304, "Not Modified" }, { 307, "Temporary Redirect" },
		{ 308, "Permanent Redirect" }, { 400, "Bad Request" },
		{ 401, "Unauthorized" }, { 403, "Forbidden" },
		{ 404, "Not Found" }, { 410, "Gone" },
		{ 418, "I'm a teapot" }, { 429, "Too Many Requests" },
		{ 500, "Internal Server Error" }, { 502, "Bad Gateway" },
		{ 503, "Service Unavailable" }, { 504, "Gateway Timeout" },
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(tab); i++)
		if (tab[i].s == status)
			return tab[i].r;
	return "";
}

struct sf_http *
sf_http_create(const struct sf_http_params *p)
{
	struct sf_http *h;
	char name[RTE_MEMPOOL_NAMESIZE];
	static unsigned int seq;
	unsigned int i, cache;
	int rc = 0;

	if (p->max_header_bytes < 256 || p->max_header_bytes > (1u << 20) ||
	    p->max_conns == 0 || p->max_conns > (1u << 24) ||
	    (p->server != NULL && strlen(p->server) > 100)) {
		rte_errno = EINVAL;
		return NULL;
	}
	sf_http_class_init();
	h = rte_zmalloc_socket("sf_http", sizeof(*h), RTE_CACHE_LINE_SIZE,
		p->socket_id);
	if (h == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	h->h_p = *p;
	snprintf(h->h_server, sizeof(h->h_server), "%s",
		p->server != NULL ? p->server : "");
	h->h_p.server = h->h_server;
	h->h_hz = rte_get_tsc_hz();
	h->h_idle_tsc = (uint64_t)p->idle_timeout_ms * h->h_hz / 1000;
	h->h_routes = rte_zmalloc_socket("sf_http_routes",
		sizeof(*h->h_routes) * SF_HTTP_MAX_ROUTES, 0, p->socket_id);
	snprintf(name, sizeof(name), "sf_http%u",
		__atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
	/*
	 * max_conns for the connections, and room for what the lcores'
	 * caches may hold besides (up to 1.5 times the cache size each), so
	 * that one lcore's cache never starves another's connections.
	 */
	cache = RTE_MIN(256u, p->max_conns / 8);
	h->h_pool = rte_mempool_create(name, p->max_conns + 2 * cache *
		(rte_lcore_count() + 1), sizeof(struct sf_http_conn), cache,
		0, NULL, NULL, NULL, NULL, p->socket_id, 0);
	if (h->h_routes == NULL || h->h_pool == NULL)
		rc = -ENOMEM;
	for (i = 1; rc == 0 && i < SF_HE_MAX; i++) {
		char body[96];
		int n = snprintf(body, sizeof(body), "%u %s\n",
			sf_http_errs[i].status, sf_http_errs[i].reason);

		rc = sf_http_resp_build(h, &h->h_err[i],
			sf_http_errs[i].status, sf_http_errs[i].reason,
			"text/plain", body, (uint32_t)n,
			i == SF_HE_405 ? "Allow: GET, HEAD\r\n" : NULL);
	}
	if (rc == 0)
		rc = sf_http_resp_build(h, &h->h_default, 200, "OK",
			"text/html; charset=utf-8", sf_http_default_body,
			sizeof(sf_http_default_body) - 1, NULL);
	if (rc != 0) {
		sf_http_free(h);
		rte_errno = -rc;
		return NULL;
	}
	return h;
}

void
sf_http_free(struct sf_http *h)
{
	unsigned int i;

	if (h == NULL)
		return;
	for (i = 0; h->h_routes != NULL && i < h->h_nb_routes; i++)
		sf_http_resp_free(&h->h_routes[i].rt_resp);
	for (i = 0; i < SF_HE_MAX; i++)
		sf_http_resp_free(&h->h_err[i]);
	sf_http_resp_free(&h->h_default);
	for (i = 0; i < RTE_MAX_LCORE; i++)
		rte_free(h->h_lc[i].hl_scratch);
	rte_free(h->h_routes);
	rte_mempool_free(h->h_pool);
	rte_free(h);
}

/* Character classes of the parser's runs, one bit each. */
#define SF_HC_TCHAR  0x01  /* tchar (RFC 9110 5.6.2): methods, field names */
#define SF_HC_TARGET 0x02  /* a request target's: not SP, CTL or DEL */
#define SF_HC_VALUE  0x04  /* a field value's: VCHAR, obs-text, SP, HTAB */

static uint8_t sf_http_class[256];

/* Fill the classes (once; the same bytes every time). */
static void
sf_http_class_init(void)
{
	static const char extra[] = "!#$%&'*+-.^_`|~";
	unsigned int c;

	for (c = 0; c < 256; c++) {
		uint8_t v = 0;

		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || (c != 0 &&
		    strchr(extra, (int)c) != NULL))
			v |= SF_HC_TCHAR;
		if (c > 0x20 && c != 0x7f)
			v |= SF_HC_TARGET;
		if ((c >= 0x20 && c != 0x7f) || c == '\t')
			v |= SF_HC_VALUE;
		__atomic_store_n(&sf_http_class[c], v, __ATOMIC_RELAXED);
	}
}

/* tchar of RFC 9110 5.6.2. */
static inline bool
sf_http_tchar(uint8_t ch)
{
	return (sf_http_class[ch] & SF_HC_TCHAR) != 0;
}

/* Extra header lines: "Name: value\r\n" each, none of ours. */
static bool
sf_http_headers_ok(const char *s)
{
	static const char *const ours[] = { "content-length", "date",
		"server", "connection", "transfer-encoding", "content-type" };
	const char *p = s, *colon, *eol;
	unsigned int i;
	size_t nl;

	while (*p != '\0') {
		eol = strstr(p, "\r\n");
		colon = strchr(p, ':');
		if (eol == NULL || colon == NULL || colon > eol || colon == p)
			return false;
		nl = (size_t)(colon - p);
		for (i = 0; i < nl; i++)
			if (!sf_http_tchar((uint8_t)p[i]))
				return false;
		for (i = 0; i < RTE_DIM(ours); i++)
			if (strlen(ours[i]) == nl &&
			    strncasecmp(p, ours[i], nl) == 0)
				return false;
		for (p = colon + 1; p < eol; p++)
			if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
				return false;
		p = eol + 2;
	}
	return true;
}

int
sf_http_route_add(struct sf_http *h, const struct sf_http_route *r)
{
	struct sf_http_rt *rt;
	size_t plen, i;
	uint16_t status = r->status != 0 ? r->status : 200;
	const char *reason;
	int rc;

	if (r->path == NULL || r->path[0] != '/')
		return -EINVAL;
	plen = strlen(r->path);
	if (plen > SF_HTTP_PATH_MAX)
		return -EINVAL;
	for (i = 0; i < plen; i++)
		if ((uint8_t)r->path[i] <= 0x20 || r->path[i] == 0x7f ||
		    r->path[i] == '?' || r->path[i] == '#')
			return -EINVAL;
	if (status < 200 || status > 599 || r->body_len > SF_HTTP_BODY_MAX ||
	    ((status == 204 || status == 304) && r->body_len != 0) ||
	    (r->body_len != 0 && r->body == NULL) ||
	    (r->headers != NULL && !sf_http_headers_ok(r->headers)) ||
	    (r->content_type != NULL && (strchr(r->content_type, '\r') ||
	    strchr(r->content_type, '\n') || strlen(r->content_type) > 200)))
		return -EINVAL;
	for (i = 0; i < h->h_nb_routes; i++)
		if (h->h_routes[i].rt_plen == plen &&
		    memcmp(h->h_routes[i].rt_path, r->path, plen) == 0)
			return -EEXIST;
	if (h->h_nb_routes == SF_HTTP_MAX_ROUTES)
		return -ENOSPC;
	rt = &h->h_routes[h->h_nb_routes];
	memcpy(rt->rt_path, r->path, plen + 1);
	rt->rt_plen = (uint16_t)plen;
	reason = sf_http_reason(status);
	rc = sf_http_resp_build(h, &rt->rt_resp, status, reason,
		r->content_type != NULL ? r->content_type : "text/plain",
		r->body, r->body_len, r->headers);
	if (rc != 0) {
		sf_http_resp_free(&rt->rt_resp);
		return rc;
	}
	h->h_nb_routes++;
	return 0;
}

/* The response of a path (the query cut off already). */
static const struct sf_http_resp *
sf_http_route(const struct sf_http *h, const char *path, uint16_t plen)
{
	uint32_t i;

	for (i = 0; i < h->h_nb_routes; i++)
		if (h->h_routes[i].rt_plen == plen &&
		    memcmp(h->h_routes[i].rt_path, path, plen) == 0)
			return &h->h_routes[i].rt_resp;
	if (plen == 1 && path[0] == '/')
		return &h->h_default;
	return &h->h_err[SF_HE_404];
}

/* The length of a response as sent. */
static inline uint32_t
sf_http_resp_len(const struct sf_http_resp *rs, uint8_t conn, bool head)
{
	return rs->rs_pre_len + SF_HTTP_DATE_LEN + rs->rs_mid_len +
		sf_http_connline_len[conn] +
		(head ? 0 : rs->rs_body_len);
}

/*
 * Copy bytes [off, off + cap) of the response as sent into out; returns
 * how many.
 */
static uint32_t
sf_http_resp_copy(const struct sf_http_pend *pd, uint8_t *out, uint32_t cap)
{
	const struct sf_http_resp *rs = pd->pd_resp;
	const char *cl = sf_http_connline[pd->pd_conn];
	const struct {
		const void *p;
		uint32_t n;
	} piece[5] = {
		{ rs->rs_pre, rs->rs_pre_len },
		{ pd->pd_date, SF_HTTP_DATE_LEN },
		{ rs->rs_mid, rs->rs_mid_len },
		{ cl, sf_http_connline_len[pd->pd_conn] },
		{ rs->rs_body, pd->pd_head ? 0 : rs->rs_body_len },
	};
	uint32_t off = pd->pd_off, done = 0, k, i;

	for (i = 0; i < RTE_DIM(piece) && done < cap; i++) {
		if (off >= piece[i].n) {
			off -= piece[i].n;
			continue;
		}
		k = RTE_MIN(piece[i].n - off, cap - done);
		memcpy(out + done, (const uint8_t *)piece[i].p + off, k);
		done += k;
		off = 0;
	}
	return done;
}

static void sf_http_conn_free(struct sf_http *h, struct sf_http_lcore *l,
		struct sf_http_conn *hc);

/* Reset the connection: a response could not be queued. */
static void
sf_http_fail(struct sf_http *h, struct sf_http_lcore *l,
		struct sf_http_conn *hc)
{
	struct sf_conn *c = hc->hc_c;

	sf_http_add(&l->hl_st.send_fail, 1);
	sf_conn_set_user(c, NULL);
	sf_http_conn_free(h, l, hc);
	sf_conn_reset(c);
}

/*
 * Queue what is left of the pending response. Returns 1 when all of it
 * is queued, 0 when it waits for room (on_writable), -2 when the
 * connection was reset (hc is freed).
 */
static int
sf_http_push(struct sf_http *h, struct sf_http_lcore *l,
		struct sf_http_conn *hc, struct sf_http_pend *pd)
{
	uint32_t n;
	int rc;

	while (pd->pd_off < pd->pd_len) {
		n = sf_http_resp_copy(pd, l->hl_scratch, SF_HTTP_SCRATCH);
		rc = sf_conn_send(hc->hc_c, l->hl_scratch, n);
		if (rc == -EAGAIN)
			return 0;
		if (rc <= 0) {
			sf_http_fail(h, l, hc);
			return -2;
		}
		sf_http_add(&l->hl_st.resp_bytes, (uint64_t)rc);
		pd->pd_off += (uint32_t)rc;
		if ((uint32_t)rc < n)
			return 0;
	}
	return 1;
}

/*
 * Queue a small response whole, from the lcore's copy of it for this
 * second (made on a miss). Returns as sf_http_push(); pd->pd_off tells
 * what was queued when it waits for room.
 */
static int
sf_http_send_cached(struct sf_http *h, struct sf_http_lcore *l,
		struct sf_http_conn *hc, struct sf_http_pend *pd)
{
	uintptr_t key = (uintptr_t)pd->pd_resp / sizeof(void *) +
		pd->pd_conn * 3u + pd->pd_head;
	struct sf_http_cached *ch = &l->hl_cache[key % SF_HTTP_CACHE];
	int rc;

	if (ch->ch_resp != pd->pd_resp || ch->ch_conn != pd->pd_conn ||
	    ch->ch_head != pd->pd_head || ch->ch_sec != l->hl_date_sec) {
		ch->ch_len = sf_http_resp_copy(pd, ch->ch_buf,
			SF_HTTP_CACHE_MAX);
		ch->ch_resp = pd->pd_resp;
		ch->ch_conn = pd->pd_conn;
		ch->ch_head = pd->pd_head;
		ch->ch_sec = l->hl_date_sec;
	}
	rc = sf_conn_send(hc->hc_c, ch->ch_buf, ch->ch_len);
	if (rc == -EAGAIN)
		return 0;
	if (rc <= 0) {
		sf_http_fail(h, l, hc);
		return -2;
	}
	sf_http_add(&l->hl_st.resp_bytes, (uint64_t)rc);
	pd->pd_off = (uint32_t)rc;
	return pd->pd_off == pd->pd_len ? 1 : 0;
}

/* Start the close once every response is queued. */
static void
sf_http_close(struct sf_http_conn *hc)
{
	hc->hc_st = SF_HS_DONE;
	hc->hc_closing = true;
	sf_conn_close(hc->hc_c);
}

/*
 * Answer the request just read with rs. Returns 1 when the connection
 * goes on reading, 0 when the response waits for room, -1 when the
 * connection is closing, -2 when it was reset (hc is freed).
 */
static int
sf_http_respond(struct sf_http *h, struct sf_http_lcore *l,
		struct sf_http_conn *hc, const struct sf_http_resp *rs,
		bool head, bool close)
{
	struct sf_http_pend pd, *pp;
	uint8_t conn;
	int rc;

	sf_http_add(&l->hl_st.resp[rs->rs_status / 100 % 6], 1);
	hc->hc_nreq++;
	if (h->h_p.max_requests != 0 && hc->hc_nreq >= h->h_p.max_requests)
		close = true;
	if (!close && hc->hc_ver == 10 && !(hc->hc_flags & SF_HQ_KEEPALIVE))
		close = true;
	if (!close && (hc->hc_flags & SF_HQ_CLOSE))
		close = true;
	conn = close ? SF_HC_CLOSE : hc->hc_ver == 10 ? SF_HC_KEEPALIVE :
		SF_HC_NONE;
	pd.pd_resp = rs;
	pd.pd_off = 0;
	pd.pd_conn = conn;
	pd.pd_head = head;
	pd.pd_close = close;
	pd.pd_len = sf_http_resp_len(rs, conn, head);
	memcpy(pd.pd_date, sf_http_date(l), SF_HTTP_DATE_LEN);
	if (pd.pd_len <= SF_HTTP_CACHE_MAX)
		rc = sf_http_send_cached(h, l, hc, &pd);
	else
		rc = sf_http_push(h, l, hc, &pd);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		pp = rte_malloc("sf_http_pend", sizeof(*pp), 0);
		if (pp == NULL) {
			sf_http_fail(h, l, hc);
			return -2;
		}
		*pp = pd;
		hc->hc_pend = pp;
		return 0;
	}
	if (close) {
		sf_http_close(hc);
		return -1;
	}
	return 1;
}

/* Forget the request just answered: ready for the next one. */
static inline void
sf_http_req_reset(struct sf_http_conn *hc)
{
	hc->hc_st = SF_HS_START;
	hc->hc_err = SF_HE_NONE;
	hc->hc_flags = 0;
	hc->hc_ver = 11;
	hc->hc_nhost = 0;
	hc->hc_mlen = hc->hc_nlen = hc->hc_vlen = 0;
	hc->hc_plen = hc->hc_tlen = 0;
	hc->hc_hbytes = 0;
	hc->hc_body = hc->hc_left = 0;
}

/* Lowercase compare of a token list element with a word. */
static bool
sf_http_token_has(const char *v, uint8_t n, const char *word)
{
	size_t wl = strlen(word);
	uint8_t i = 0, s;

	while (i < n) {
		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		s = i;
		while (i < n && v[i] != ',' && v[i] != ' ' && v[i] != '\t')
			i++;
		if ((size_t)(i - s) == wl && strncasecmp(v + s, word, wl) == 0)
			return true;
	}
	return false;
}

/* A field line was read: what it means for the answer. */
static void
sf_http_field_end(struct sf_http *h, struct sf_http_conn *hc)
{
	uint64_t v = 0;
	uint8_t i, n = hc->hc_vlen;
	const char *s = hc->hc_val;

	/* Trailing white space is not part of the value (RFC 9110 5.5). */
	while (n != 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	switch (hc->hc_field) {
	case SF_HF_CONNECTION:
		/* cut short: the tokens wholly kept only */
		if (n >= SF_HTTP_VAL_MAX - 1)
			while (n != 0 && s[n - 1] != ',' && s[n - 1] != ' ' &&
			    s[n - 1] != '\t')
				n--;
		if (sf_http_token_has(s, n, "close"))
			hc->hc_flags |= SF_HQ_CLOSE;
		if (sf_http_token_has(s, n, "keep-alive"))
			hc->hc_flags |= SF_HQ_KEEPALIVE;
		break;
	case SF_HF_CLEN:
		/* 1*DIGIT; a second field must say the same (RFC 9110 8.6). */
		if (n == 0 || n > 19) {
			hc->hc_err = SF_HE_400;
			break;
		}
		for (i = 0; i < n; i++) {
			if (s[i] < '0' || s[i] > '9') {
				hc->hc_err = SF_HE_400;
				return;
			}
			v = v * 10 + (uint64_t)(s[i] - '0');
		}
		if ((hc->hc_flags & SF_HQ_CLEN) && v != hc->hc_left) {
			hc->hc_err = SF_HE_400;
			break;
		}
		hc->hc_flags |= SF_HQ_CLEN;
		hc->hc_left = v;
		if (v > h->h_p.max_body_bytes && hc->hc_err == SF_HE_NONE)
			hc->hc_err = SF_HE_413;
		break;
	case SF_HF_TE:
		/* The final coding must be chunked (RFC 9112 6.3). */
		hc->hc_flags |= SF_HQ_TE;
		hc->hc_flags &= (uint8_t)~SF_HQ_CHUNKED;
		if (n >= SF_HTTP_VAL_MAX - 1)
			break;
		while (n != 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
		    s[n - 1] == ','))
			n--;
		if (n >= 7 && strncasecmp(s + n - 7, "chunked", 7) == 0 &&
		    (n == 7 || s[n - 8] == ',' || s[n - 8] == ' ' ||
		    s[n - 8] == '\t'))
			hc->hc_flags |= SF_HQ_CHUNKED;
		break;
	case SF_HF_HOST:
		if (hc->hc_nhost < 255)
			hc->hc_nhost++;
		break;
	default:
		break;
	}
}

/* Which field a (lowercased) name is. */
static uint8_t
sf_http_field_of(const char *n, uint8_t len)
{
	if (len == 10 && memcmp(n, "connection", 10) == 0)
		return SF_HF_CONNECTION;
	if (len == 14 && memcmp(n, "content-length", 14) == 0)
		return SF_HF_CLEN;
	if (len == 17 && memcmp(n, "transfer-encoding", 17) == 0)
		return SF_HF_TE;
	if (len == 4 && memcmp(n, "host", 4) == 0)
		return SF_HF_HOST;
	return SF_HF_OTHER;
}

/*
 * The request line was read: the method known, the target in hc_path
 * (hc_tlen bytes, absolute-form reduced to its path), the version.
 */
static void
sf_http_target_end(struct sf_http_conn *hc)
{
	char *p = hc->hc_path, *q;
	uint16_t n = hc->hc_plen;

	/* absolute-form (RFC 9112 3.2.2): the path after the authority */
	if (n >= 7 && (strncasecmp(p, "http://", 7) == 0 ||
	    (n >= 8 && strncasecmp(p, "https://", 8) == 0))) {
		q = memchr(p + 8 - (p[4] == ':'), '/', n - (8 - (p[4] == ':')));
		if (q == NULL) {
			p[0] = '/';
			n = 1;
		} else {
			n = (uint16_t)(n - (q - p));
			memmove(p, q, n);
		}
	}
	q = memchr(p, '?', n);
	if (q != NULL)
		n = (uint16_t)(q - p);
	q = memchr(p, '#', n);
	if (q != NULL)
		n = (uint16_t)(q - p);
	hc->hc_plen = n;
}

/* The head is complete: what to answer. NULL: read the body first. */
static void
sf_http_head_end(struct sf_http *h, struct sf_http_conn *hc)
{
	bool get = hc->hc_mlen == 3 && memcmp(hc->hc_method, "GET", 3) == 0;
	bool head = hc->hc_mlen == 4 && memcmp(hc->hc_method, "HEAD", 4) == 0;

	RTE_SET_USED(h);
	if (hc->hc_err != SF_HE_NONE && hc->hc_err != SF_HE_413)
		return;
	if ((hc->hc_flags & SF_HQ_TE) && (hc->hc_flags & SF_HQ_CLEN))
		hc->hc_err = SF_HE_400;
	else if ((hc->hc_flags & SF_HQ_TE) && !(hc->hc_flags & SF_HQ_CHUNKED))
		hc->hc_err = SF_HE_400;
	/* HTTP/1.0 with Transfer-Encoding: faulty framing (RFC 9112 6.1) */
	else if ((hc->hc_flags & SF_HQ_TE) && hc->hc_ver == 10)
		hc->hc_err = SF_HE_400;
	/* one Host; two in any version are a 400 (RFC 9112 3.2) */
	else if (hc->hc_nhost > 1 || (hc->hc_ver == 11 && hc->hc_nhost == 0))
		hc->hc_err = SF_HE_400;
	else if (hc->hc_err == SF_HE_NONE && !get && !head)
		hc->hc_err = SF_HE_405;
}

static void sf_http_input(struct sf_http *h, struct sf_http_lcore *l,
		struct sf_http_conn *hc, const uint8_t *p, uint32_t n);

/* Keep bytes that came while a response waits. false: reset. */
static bool
sf_http_hold(struct sf_http *h, struct sf_http_lcore *l,
		struct sf_http_conn *hc, const uint8_t *p, uint32_t n)
{
	uint32_t cap;
	uint8_t *b;

	if (n == 0)
		return true;
	if (hc->hc_held_len + n > hc->hc_held_cap) {
		if (hc->hc_held_len + n > SF_HTTP_HOLD_MAX) {
			sf_http_fail(h, l, hc);
			return false;
		}
		cap = RTE_MAX(hc->hc_held_cap * 2, hc->hc_held_len + n);
		cap = RTE_MAX(cap, 4096u);
		b = rte_realloc(hc->hc_held, cap, 0);
		if (b == NULL) {
			sf_http_fail(h, l, hc);
			return false;
		}
		hc->hc_held = b;
		hc->hc_held_cap = cap;
	}
	memcpy(hc->hc_held + hc->hc_held_len, p, n);
	hc->hc_held_len += n;
	return true;
}

/*
 * A request ended (head, and body if any): answer it. Returns as
 * sf_http_respond().
 */
static int
sf_http_req_end(struct sf_http *h, struct sf_http_lcore *l,
		struct sf_http_conn *hc)
{
	bool head = hc->hc_mlen == 4 && memcmp(hc->hc_method, "HEAD", 4) == 0;
	int rc;

	sf_http_add(&l->hl_st.requests, 1);
	if (hc->hc_nreq != 0)
		sf_http_add(&l->hl_st.keepalive_reuse, 1);
	if (hc->hc_err != SF_HE_NONE) {
		if (hc->hc_err != SF_HE_404 && hc->hc_err != SF_HE_405 &&
		    hc->hc_err != SF_HE_413)
			sf_http_add(&l->hl_st.parse_errors, 1);
		rc = sf_http_respond(h, l, hc, &h->h_err[hc->hc_err], head,
			hc->hc_err != SF_HE_404);
	} else {
		rc = sf_http_respond(h, l, hc, (hc->hc_flags &
			SF_HQ_PATH_LONG) ? &h->h_err[SF_HE_404] :
			sf_http_route(h, hc->hc_path, hc->hc_plen), head,
			false);
	}
	if (rc >= 0)
		sf_http_req_reset(hc);
	return rc;
}

/* An error in the head: answer it now, and close. */
static int
sf_http_head_err(struct sf_http *h, struct sf_http_lcore *l,
		struct sf_http_conn *hc, uint8_t err)
{
	hc->hc_err = err;
	hc->hc_flags |= SF_HQ_CLOSE;
	return sf_http_req_end(h, l, hc);
}

/*
 * The run of ordinary bytes of a method, target, field name or value at
 * p (n bytes): kept as the state keeps them, one at a time otherwise.
 * Returns how many; the byte after them is a delimiter (or an error)
 * for the state machine to take.
 */
static uint32_t
sf_http_run(struct sf_http_conn *hc, uint8_t st, const uint8_t *p,
		uint32_t n)
{
	uint32_t k = 0, room;

	switch (st) {
	case SF_HS_METHOD:
		while (k < n && (sf_http_class[p[k]] & SF_HC_TCHAR))
			k++;
		room = SF_HTTP_METHOD_MAX - hc->hc_mlen;
		if (k > room) {
			/* a method this long: none we know */
			hc->hc_method[0] = '-';
		} else {
			memcpy(hc->hc_method + hc->hc_mlen, p, k);
			hc->hc_mlen = (uint8_t)(hc->hc_mlen + k);
		}
		return k;
	case SF_HS_TARGET:
		while (k < n && (sf_http_class[p[k]] & SF_HC_TARGET))
			k++;
		hc->hc_tlen = (uint16_t)RTE_MIN(hc->hc_tlen + k, 60000u);
		room = SF_HTTP_PATH_MAX - hc->hc_plen;
		memcpy(hc->hc_path + hc->hc_plen, p, RTE_MIN(k, room));
		hc->hc_plen = (uint16_t)(hc->hc_plen + RTE_MIN(k, room));
		if (k > room && memchr(hc->hc_path, '?', hc->hc_plen) == NULL)
			hc->hc_flags |= SF_HQ_PATH_LONG;
		return k;
	case SF_HS_VERSION:
		/* "HTTP/1.1" and the like: 8 bytes, checked at its end */
		room = 8 - RTE_MIN(hc->hc_tlen, 8u);
		while (k < n && k < room && (sf_http_class[p[k]] &
		    SF_HC_TARGET))
			k++;
		memcpy(hc->hc_val + hc->hc_tlen, p, k);
		hc->hc_tlen = (uint16_t)(hc->hc_tlen + k);
		return k;
	case SF_HS_NAME:
		while (k < n && (sf_http_class[p[k]] & SF_HC_TCHAR)) {
			if (hc->hc_nlen < SF_HTTP_NAME_MAX)
				hc->hc_name[hc->hc_nlen] = (char)(p[k] | 0x20);
			if (hc->hc_nlen <= SF_HTTP_NAME_MAX)
				hc->hc_nlen++;
			k++;
		}
		return k;
	case SF_HS_VALUE:
		while (k < n && (sf_http_class[p[k]] & SF_HC_VALUE))
			k++;
		if (hc->hc_field != SF_HF_OTHER) {
			room = SF_HTTP_VAL_MAX - hc->hc_vlen;
			memcpy(hc->hc_val + hc->hc_vlen, p, RTE_MIN(k, room));
			hc->hc_vlen = (uint8_t)(hc->hc_vlen + RTE_MIN(k, room));
		}
		return k;
	default:
		return 0;
	}
}

/*
 * The common case at once: a whole request head at p (n bytes), with
 * nothing the state machine would have to judge: a token method, a
 * target that fits, HTTP/1.0 or 1.1, CRLF line ends, field lines of a
 * token name, a colon and a value. It is read line by line and its
 * fields kept as the state machine keeps them; all of the head but its
 * last LF is taken, and the state machine's head_end takes that LF (one
 * place decides what a head means). Returns the bytes taken, or 0 with
 * hc as it was: the state machine reads the head instead, byte by byte,
 * and judges what is unusual in it.
 */
static uint32_t
sf_http_fast(struct sf_http *h, struct sf_http_conn *hc, const uint8_t *p,
		uint32_t n)
{
	uint32_t lim = RTE_MIN(n, h->h_p.max_header_bytes), k = 0, s0, j;

	while (k < lim && (sf_http_class[p[k]] & SF_HC_TCHAR))
		k++;
	if (k == 0 || k > SF_HTTP_METHOD_MAX || k >= lim || p[k] != ' ')
		return 0;
	memcpy(hc->hc_method, p, k);
	hc->hc_mlen = (uint8_t)k;
	s0 = ++k;
	while (k < lim && (sf_http_class[p[k]] & SF_HC_TARGET))
		k++;
	if (k == s0 || k - s0 > SF_HTTP_PATH_MAX || k >= lim || p[k] != ' ')
		goto bail;
	memcpy(hc->hc_path, p + s0, k - s0);
	hc->hc_plen = hc->hc_tlen = (uint16_t)(k - s0);
	sf_http_target_end(hc);
	k++;
	if (k + 10 > lim || memcmp(p + k, "HTTP/1.", 7) != 0 ||
	    (p[k + 7] != '0' && p[k + 7] != '1') || p[k + 8] != '\r' ||
	    p[k + 9] != '\n')
		goto bail;
	hc->hc_ver = p[k + 7] == '0' ? 10 : 11;
	k += 10;
	for (;;) {
		if (k + 2 > lim)
			goto bail;
		if (p[k] == '\r' && p[k + 1] == '\n')
			break;
		s0 = k;
		while (k < lim && (sf_http_class[p[k]] & SF_HC_TCHAR))
			k++;
		if (k == s0 || k >= lim || p[k] != ':')
			goto bail;
		hc->hc_field = SF_HF_OTHER;
		if (k - s0 <= SF_HTTP_NAME_MAX) {
			for (j = 0; j < k - s0; j++)
				hc->hc_name[j] = (char)(p[s0 + j] | 0x20);
			hc->hc_field = sf_http_field_of(hc->hc_name,
				(uint8_t)(k - s0));
		}
		k++;
		while (k < lim && (p[k] == ' ' || p[k] == '\t'))
			k++;
		s0 = k;
		while (k < lim && (sf_http_class[p[k]] & SF_HC_VALUE))
			k++;
		if (k + 1 >= lim || p[k] != '\r' || p[k + 1] != '\n')
			goto bail;
		if (hc->hc_field != SF_HF_OTHER) {
			hc->hc_vlen = (uint8_t)RTE_MIN(k - s0,
				(uint32_t)SF_HTTP_VAL_MAX);
			memcpy(hc->hc_val, p + s0, hc->hc_vlen);
			sf_http_field_end(h, hc);
		}
		k += 2;
	}
	/* the head but its last LF: the state machine ends it */
	hc->hc_hbytes = k + 1;
	hc->hc_st = SF_HS_END_LF;
	return k + 1;
bail:
	sf_http_req_reset(hc);
	return 0;
}

/*
 * Parse n bytes at p; requests found are answered. Returns the bytes
 * used: fewer than n when a response waits for room (the rest is to be
 * held) or the connection is closing or gone (the rest is dropped).
 * *gone: hc was freed.
 */
static uint32_t
sf_http_parse(struct sf_http *h, struct sf_http_lcore *l,
		struct sf_http_conn *hc, const uint8_t *p, uint32_t n,
		bool *gone)
{
	uint32_t i = 0, k, reqs = 0;
	uint8_t ch;
	int rc;

	*gone = false;
	while (i < n) {
		uint8_t st = hc->hc_st;

		if (st == SF_HS_DONE)
			return n;
		/* The body: skipped in bulk. */
		if (st == SF_HS_BODY || st == SF_HS_CH_DATA) {
			k = (uint32_t)RTE_MIN((uint64_t)(n - i), hc->hc_left);
			i += k;
			hc->hc_left -= k;
			sf_http_add(&l->hl_st.body_bytes, k);
			if (hc->hc_left != 0)
				return i;
			if (st == SF_HS_CH_DATA) {
				hc->hc_st = SF_HS_CH_DATA_CR;
				continue;
			}
			goto req_end;
		}
		/* A whole head without surprises, taken at once. */
		if (st == SF_HS_START && hc->hc_hbytes == 0 && n - i >= 18) {
			k = sf_http_fast(h, hc, p + i, n - i);
			if (k != 0) {
				if (reqs != 0)
					sf_http_add(&l->hl_st.pipelined, 1);
				i += k;
				continue;
			}
		}
		/* A run of ordinary bytes, taken at once. */
		if (st == SF_HS_METHOD || st == SF_HS_TARGET ||
		    st == SF_HS_VERSION || st == SF_HS_NAME ||
		    st == SF_HS_VALUE) {
			k = sf_http_run(hc, st, p + i, n - i);
			if (k != 0) {
				i += k;
				hc->hc_hbytes += k;
				if (hc->hc_hbytes > h->h_p.max_header_bytes) {
					rc = sf_http_head_err(h, l, hc,
						st <= SF_HS_RL_LF ? SF_HE_414 :
						SF_HE_431);
					goto answered;
				}
				continue;
			}
		}
		ch = p[i++];
		if (st < SF_HS_BODY || st >= SF_HS_CH_SIZE) {
			/* the head, and the chunked framing, count */
			if (++hc->hc_hbytes > h->h_p.max_header_bytes) {
				rc = sf_http_head_err(h, l, hc, st <= SF_HS_RL_LF ?
					SF_HE_414 : SF_HE_431);
				goto answered;
			}
		}
		switch (st) {
		case SF_HS_START:
			if (ch == '\r' || ch == '\n')
				break;
			if (reqs != 0)
				sf_http_add(&l->hl_st.pipelined, 1);
			hc->hc_st = SF_HS_METHOD;
			/* fall through */
		case SF_HS_METHOD:
			if (ch == ' ') {
				if (hc->hc_mlen == 0)
					goto bad;
				hc->hc_st = SF_HS_TARGET;
			} else if (!sf_http_tchar(ch)) {
				goto bad;
			} else if (hc->hc_mlen < SF_HTTP_METHOD_MAX) {
				hc->hc_method[hc->hc_mlen++] = (char)ch;
			} else {
				/* a method this long: none we know */
				hc->hc_method[0] = '-';
			}
			break;
		case SF_HS_TARGET:
			if (ch == ' ') {
				if (hc->hc_tlen == 0)
					goto bad;
				hc->hc_st = SF_HS_VERSION;
				hc->hc_tlen = 0;
				sf_http_target_end(hc);
				break;
			}
			if (ch <= 0x20 || ch == 0x7f)
				goto bad;
			hc->hc_tlen = (uint16_t)RTE_MIN(hc->hc_tlen + 1u,
				60000u);
			if (hc->hc_plen < SF_HTTP_PATH_MAX)
				hc->hc_path[hc->hc_plen++] = (char)ch;
			else if (memchr(hc->hc_path, '?', hc->hc_plen) == NULL)
				hc->hc_flags |= SF_HQ_PATH_LONG;
			break;
		case SF_HS_VERSION:
			if (ch == '\r' || ch == '\n') {
				/* "HTTP/" DIGIT "." DIGIT (RFC 9112 2.3) */
				if (hc->hc_tlen != 8 || memcmp(hc->hc_val,
				    "HTTP/", 5) != 0 || hc->hc_val[6] != '.' ||
				    hc->hc_val[5] < '0' || hc->hc_val[5] > '9' ||
				    hc->hc_val[7] < '0' || hc->hc_val[7] > '9')
					goto bad;
				if (hc->hc_val[5] != '1')
					hc->hc_err = SF_HE_505;
				hc->hc_ver = hc->hc_val[7] == '0' ? 10 : 11;
				hc->hc_st = ch == '\r' ? SF_HS_RL_LF :
					SF_HS_NAME0;
				break;
			}
			if (hc->hc_tlen >= 8)
				goto bad;
			hc->hc_val[hc->hc_tlen++] = (char)ch;
			break;
		case SF_HS_RL_LF:
		case SF_HS_VALUE_LF:
			if (ch != '\n')
				goto bad;
			if (st == SF_HS_VALUE_LF)
				sf_http_field_end(h, hc);
			hc->hc_st = SF_HS_NAME0;
			break;
		case SF_HS_NAME0:
			if (ch == '\r') {
				hc->hc_st = SF_HS_END_LF;
				break;
			}
			if (ch == '\n')
				goto head_end;
			/* obs-fold, or no name: rejected (RFC 9112 5.2) */
			if (!sf_http_tchar(ch))
				goto bad;
			hc->hc_nlen = 0;
			hc->hc_st = SF_HS_NAME;
			/* fall through */
		case SF_HS_NAME:
			if (ch == ':') {
				hc->hc_field = hc->hc_nlen <= SF_HTTP_NAME_MAX ?
					sf_http_field_of(hc->hc_name,
					hc->hc_nlen) : SF_HF_OTHER;
				hc->hc_vlen = 0;
				hc->hc_st = SF_HS_OWS;
				break;
			}
			if (!sf_http_tchar(ch))
				goto bad;
			if (hc->hc_nlen < SF_HTTP_NAME_MAX)
				hc->hc_name[hc->hc_nlen] = (char)(ch | 0x20);
			if (hc->hc_nlen <= SF_HTTP_NAME_MAX)
				hc->hc_nlen++;
			break;
		case SF_HS_OWS:
			if (ch == ' ' || ch == '\t')
				break;
			hc->hc_st = SF_HS_VALUE;
			/* fall through */
		case SF_HS_VALUE:
			if (ch == '\r') {
				hc->hc_st = SF_HS_VALUE_LF;
				break;
			}
			if (ch == '\n') {
				sf_http_field_end(h, hc);
				hc->hc_st = SF_HS_NAME0;
				break;
			}
			if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
				goto bad;
			if (hc->hc_field != SF_HF_OTHER &&
			    hc->hc_vlen < SF_HTTP_VAL_MAX)
				hc->hc_val[hc->hc_vlen++] = (char)ch;
			break;
		case SF_HS_END_LF:
			if (ch != '\n')
				goto bad;
			goto head_end;
		case SF_HS_CH_SIZE:
			if ((ch >= '0' && ch <= '9') ||
			    ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f')) {
				unsigned int d = ch <= '9' ? (unsigned int)(ch -
					'0') : (unsigned int)((ch | 0x20) - 'a' +
					10);

				hc->hc_left = hc->hc_left * 16 + d;
				hc->hc_vlen = 1;
				if (hc->hc_body + hc->hc_left >
				    h->h_p.max_body_bytes) {
					rc = sf_http_head_err(h, l, hc,
						SF_HE_413);
					goto answered;
				}
				break;
			}
			if (hc->hc_vlen == 0)
				goto bad;
			/* fall through */
		case SF_HS_CH_BWS:
			/* size [BWS] [";" ext] CRLF (RFC 9112 7.1.1) */
			if (ch == ' ' || ch == '\t') {
				hc->hc_st = SF_HS_CH_BWS;
				break;
			}
			if (ch == ';') {
				hc->hc_st = SF_HS_CH_EXT;
				break;
			}
			if (ch == '\r') {
				hc->hc_st = SF_HS_CH_SIZE_LF;
				break;
			}
			if (ch != '\n')
				goto bad;
			goto chunk_size;
		case SF_HS_CH_EXT:
			/* extensions are skipped, but not control bytes */
			if (ch == '\r')
				hc->hc_st = SF_HS_CH_SIZE_LF;
			else if (ch == '\n')
				goto chunk_size;
			else if (!(sf_http_class[ch] & SF_HC_VALUE))
				goto bad;
			break;
		case SF_HS_CH_SIZE_LF:
			if (ch != '\n')
				goto bad;
			goto chunk_size;
		case SF_HS_CH_DATA_CR:
			if (ch == '\r') {
				hc->hc_st = SF_HS_CH_DATA_LF;
				break;
			}
			/* fall through */
		case SF_HS_CH_DATA_LF:
			if (ch != '\n')
				goto bad;
			hc->hc_st = SF_HS_CH_SIZE;
			hc->hc_vlen = 0;
			hc->hc_left = 0;
			break;
		case SF_HS_CH_TRAILER0:
			if (ch == '\r') {
				hc->hc_st = SF_HS_CH_END_LF;
				break;
			}
			if (ch == '\n')
				goto req_end;
			/* a field line as in the head: no folding */
			if (!sf_http_tchar(ch))
				goto bad;
			hc->hc_st = SF_HS_CH_TNAME;
			break;
		case SF_HS_CH_TNAME:
			if (ch == ':')
				hc->hc_st = SF_HS_CH_TRAILER;
			else if (!sf_http_tchar(ch))
				goto bad;
			break;
		case SF_HS_CH_TRAILER:
			if (ch == '\r') {
				hc->hc_st = SF_HS_CH_TRAILER_LF;
				break;
			}
			if (ch == '\n') {
				hc->hc_st = SF_HS_CH_TRAILER0;
				hc->hc_hbytes = 0;
				break;
			}
			if (!(sf_http_class[ch] & SF_HC_VALUE))
				goto bad;
			break;
		case SF_HS_CH_TRAILER_LF:
			if (ch != '\n')
				goto bad;
			hc->hc_st = SF_HS_CH_TRAILER0;
			hc->hc_hbytes = 0;
			break;
		case SF_HS_CH_END_LF:
			if (ch != '\n')
				goto bad;
			goto req_end;
		default:
			goto bad;
		}
		continue;
chunk_size:
		/* max_header_bytes bounds each framing line, not the body */
		hc->hc_hbytes = 0;
		hc->hc_body += hc->hc_left;
		hc->hc_st = hc->hc_left == 0 ? SF_HS_CH_TRAILER0 :
			SF_HS_CH_DATA;
		continue;
head_end:
		sf_http_head_end(h, hc);
		if (hc->hc_err != SF_HE_NONE && hc->hc_err != SF_HE_404) {
			/* answered without reading a body: then closed */
			hc->hc_flags |= SF_HQ_CLOSE;
			goto req_end;
		}
		if (hc->hc_flags & SF_HQ_CHUNKED) {
			hc->hc_hbytes = 0;
			hc->hc_st = SF_HS_CH_SIZE;
			hc->hc_vlen = 0;
			hc->hc_left = 0;
			continue;
		}
		if (hc->hc_left != 0) {
			hc->hc_st = SF_HS_BODY;
			continue;
		}
req_end:
		reqs++;
		rc = sf_http_req_end(h, l, hc);
		goto answered;
bad:
		rc = sf_http_head_err(h, l, hc, SF_HE_400);
answered:
		if (rc < 0) {
			/* closing (the rest is dropped), or reset and freed */
			*gone = rc == -2;
			return n;
		}
		if (rc == 0)
			return i;
	}
	return i;
}

/* n bytes received: parsed, or held behind a waiting response. */
static void
sf_http_input(struct sf_http *h, struct sf_http_lcore *l,
		struct sf_http_conn *hc, const uint8_t *p, uint32_t n)
{
	uint32_t used;
	bool gone;

	if (hc->hc_pend != NULL || hc->hc_held_len != 0) {
		sf_http_hold(h, l, hc, p, n);
		return;
	}
	used = sf_http_parse(h, l, hc, p, n, &gone);
	if (!gone && used < n)
		sf_http_hold(h, l, hc, p + used, n - used);
}

static void
sf_http_lru_touch(struct sf_http *h, struct sf_http_lcore *l,
		struct sf_http_conn *hc)
{
	if (h->h_idle_tsc == 0)
		return;
	hc->hc_last = rte_rdtsc();
	if (hc->hc_lru_on)
		TAILQ_REMOVE(&l->hl_lru, hc, hc_lru);
	TAILQ_INSERT_TAIL(&l->hl_lru, hc, hc_lru);
	hc->hc_lru_on = true;
}

static void
sf_http_conn_free(struct sf_http *h, struct sf_http_lcore *l,
		struct sf_http_conn *hc)
{
	/*
	 * Its own lcore's list: at teardown the engine's last on_close
	 * calls come from the main lcore.
	 */
	RTE_SET_USED(l);
	if (hc->hc_lru_on)
		TAILQ_REMOVE(&h->h_lc[hc->hc_lcore].hl_lru, hc, hc_lru);
	rte_free(hc->hc_pend);
	rte_free(hc->hc_held);
	rte_mempool_put(h->h_pool, hc);
}

static void
sf_http_on_accept(struct sf_conn *c, const struct sf_conn_info *ci,
		void *arg)
{
	struct sf_http *h = arg;
	struct sf_http_lcore *l = sf_http_lc(h);
	struct sf_http_conn *hc;

	if (l->hl_scratch == NULL ||
	    rte_mempool_get(h->h_pool, (void **)&hc) != 0) {
		sf_http_add(&l->hl_st.no_state, 1);
		sf_conn_reset(c);
		return;
	}
	memset(hc, 0, offsetof(struct sf_http_conn, hc_method));
	hc->hc_c = c;
	hc->hc_pend = NULL;
	hc->hc_held = NULL;
	hc->hc_held_len = hc->hc_held_cap = 0;
	sf_http_req_reset(hc);
	hc->hc_lcore = (uint16_t)(l - h->h_lc);
	sf_conn_set_user(c, hc);
	sf_http_add(&l->hl_st.conns, 1);
	sf_http_lru_touch(h, l, hc);
	if (ci->data_len != 0)
		sf_http_input(h, l, hc, ci->data, ci->data_len);
}

static void
sf_http_on_data(struct sf_conn *c, const struct sf_conn_data *d, void *arg)
{
	struct sf_http *h = arg;
	struct sf_http_lcore *l = sf_http_lc(h);
	struct sf_http_conn *hc = sf_conn_get_user(c);

	if (hc == NULL)
		return;
	sf_http_lru_touch(h, l, hc);
	sf_http_input(h, l, hc, d->data, d->len);
}

/* Room again: the waiting response, then the bytes held meanwhile. */
static void
sf_http_on_writable(struct sf_conn *c, void *arg)
{
	struct sf_http *h = arg;
	struct sf_http_lcore *l = sf_http_lc(h);
	struct sf_http_conn *hc = sf_conn_get_user(c);
	struct sf_http_pend *pd;
	uint32_t used, n;
	uint8_t *b;
	bool gone;
	int rc;

	if (hc == NULL || (pd = hc->hc_pend) == NULL || hc->hc_closing)
		return;
	sf_http_lru_touch(h, l, hc);
	rc = sf_http_push(h, l, hc, pd);
	if (rc <= 0)
		return;
	hc->hc_pend = NULL;
	if (pd->pd_close) {
		rte_free(pd);
		sf_http_close(hc);
		return;
	}
	rte_free(pd);
	sf_http_req_reset(hc);
	if (hc->hc_peer_fin && hc->hc_held_len == 0) {
		sf_http_close(hc);
		return;
	}
	/* The held bytes, parsed as if they came now. */
	b = hc->hc_held;
	n = hc->hc_held_len;
	hc->hc_held = NULL;
	hc->hc_held_len = hc->hc_held_cap = 0;
	if (n != 0) {
		used = sf_http_parse(h, l, hc, b, n, &gone);
		if (!gone && used < n)
			gone = !sf_http_hold(h, l, hc, b + used, n - used);
		rte_free(b);
		if (!gone && hc->hc_peer_fin && hc->hc_pend == NULL &&
		    !hc->hc_closing)
			sf_http_close(hc);
	}
}

static void
sf_http_on_close(struct sf_conn *c, enum sf_close_reason why, void *arg)
{
	struct sf_http *h = arg;
	struct sf_http_lcore *l = sf_http_lc(h);
	struct sf_http_conn *hc = sf_conn_get_user(c);

	if (hc == NULL) {
		if (why == SF_CLOSE_PEER_FIN)
			sf_conn_close(c);
		return;
	}
	if (why == SF_CLOSE_PEER_FIN) {
		/*
		 * The client is done sending: what it asked is answered
		 * (a response waiting for room goes out first), a request
		 * cut short is not; then we close too.
		 */
		hc->hc_peer_fin = true;
		if (hc->hc_pend == NULL && !hc->hc_closing)
			sf_http_close(hc);
		return;
	}
	sf_conn_set_user(c, NULL);
	sf_http_conn_free(h, l, hc);
}

void
sf_http_listener(struct sf_http *h, struct sf_listener_params *lp)
{
	lp->on_accept = sf_http_on_accept;
	lp->on_data = sf_http_on_data;
	lp->on_close = sf_http_on_close;
	lp->on_writable = sf_http_on_writable;
	lp->arg = h;
}

void
sf_http_poll(struct sf_http *h)
{
	struct sf_http_lcore *l;
	struct sf_http_conn *hc;
	uint64_t now;

	if (h->h_idle_tsc == 0)
		return;
	l = sf_http_lc(h);
	now = rte_rdtsc();
	if (now < l->hl_next_scan)
		return;
	l->hl_next_scan = now + h->h_hz / SF_HTTP_SCAN_HZ;
	while ((hc = TAILQ_FIRST(&l->hl_lru)) != NULL &&
	    now - hc->hc_last >= h->h_idle_tsc) {
		TAILQ_REMOVE(&l->hl_lru, hc, hc_lru);
		hc->hc_lru_on = false;
		if (hc->hc_closing)
			continue;
		sf_http_add(&l->hl_st.timeouts, 1);
		/*
		 * Inside a request: 408, then the close (RFC 9110 15.5.9);
		 * between requests, or with a response waiting: the close
		 * alone, as nginx's keepalive_timeout.
		 */
		if (hc->hc_pend == NULL && hc->hc_held_len == 0 &&
		    (hc->hc_st != SF_HS_START || hc->hc_hbytes != 0)) {
			hc->hc_flags |= SF_HQ_CLOSE;
			hc->hc_err = SF_HE_408;
			sf_http_add(&l->hl_st.requests, 1);
			if (sf_http_respond(h, l, hc, &h->h_err[SF_HE_408],
				    false, true) == 0)
				continue;
		} else {
			sf_http_close(hc);
		}
	}
}

void
sf_http_stats_get(const struct sf_http *h, struct sf_http_stats *s)
{
	unsigned int i, k;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < RTE_MAX_LCORE; i++) {
		const uint64_t *src = (const uint64_t *)&h->h_lc[i].hl_st;
		uint64_t *dst = (uint64_t *)s;

		for (k = 0; k < sizeof(*s) / sizeof(uint64_t); k++)
			dst[k] += __atomic_load_n(&src[k], __ATOMIC_RELAXED);
	}
}
