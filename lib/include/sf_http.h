/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_HTTP_H
#define SF_HTTP_H

/**
 * @file
 * A built-in HTTP/1.1 responder (RFC 9112, docs/http.md) on a listener's
 * data path: requests parsed incrementally as their bytes come, answered
 * from a route table built once at start (status, content type, body,
 * extra headers), keep-alive by default, pipelined requests answered in
 * order, strict limits. It uses the connection callbacks of sf_tcp.h
 * only; sf_http_listener() puts its callbacks on a listener.
 *
 * The callbacks run inline on the worker lcores (the responder keeps its
 * state with sf_conn_set_user()); idle connections are found by
 * sf_http_poll(), which each worker lcore calls from its loop.
 */

#include <stdbool.h>
#include <stdint.h>

#include "sf_tcp.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most routes of a responder, and the longest path of one. */
#define SF_HTTP_MAX_ROUTES 64
#define SF_HTTP_PATH_MAX 255
/** Largest body of a route (what one response may carry). */
#define SF_HTTP_BODY_MAX (1u << 20)

/** One route: what GET and HEAD of its exact path answer. */
struct sf_http_route {
	const char *path;          /**< "/...", exact; the query is ignored */
	uint16_t status;           /**< 200..599 (200) */
	const char *content_type;  /**< NULL: "text/plain" */
	const void *body;          /**< copied; NULL with body_len 0 */
	uint32_t body_len;         /**< at most SF_HTTP_BODY_MAX */
	/** extra header lines, "Name: value" each ending in "\r\n", or NULL */
	const char *headers;
};

/** A responder's settings; sf_http_params_init() fills the defaults. */
struct sf_http_params {
	/** the Server header's value (synfront); "" leaves it out */
	const char *server;
	/** request line and headers of one request at most (8192); 431 beyond */
	uint32_t max_header_bytes;
	/** a request body is read and dropped up to this (1 MiB); 413 beyond */
	uint32_t max_body_bytes;
	/**
	 * a connection with no byte for this long (75000 ms, nginx's
	 * keepalive_timeout) is closed: silently between requests, with 408
	 * inside one; 0: never
	 */
	uint32_t idle_timeout_ms;
	/** requests per connection before Connection: close (0: no limit) */
	uint32_t max_requests;
	/** connections with responder state at once, all lcores (65536) */
	uint32_t max_conns;
	int socket_id;             /**< NUMA socket of its memory */
};

void sf_http_params_init(struct sf_http_params *p);

struct sf_http;

/**
 * A responder with no route but the default page at "/" (a route of
 * "/" replaces it).
 *
 * @return
 *   The responder, or NULL with rte_errno EINVAL (a limit out of range:
 *   max_header_bytes 256..1 MiB, max_conns 1..16 M) or ENOMEM.
 */
struct sf_http *sf_http_create(const struct sf_http_params *p);

/**
 * Add a route, before the workers poll; its responses are built here.
 *
 * @return
 *   0, or -EINVAL (a path not starting with '/', longer than
 *   SF_HTTP_PATH_MAX or with a space or control character; a status not
 *   200..599; a body over SF_HTTP_BODY_MAX, or any body with 204 or 304,
 *   which have none; headers not of CRLF-ended "Name: value" lines, or
 *   naming Content-Length, Content-Type, Date, Server, Connection or
 *   Transfer-Encoding, which the responder writes),
 *   -EEXIST (the path has a route), -ENOSPC, -ENOMEM.
 */
int sf_http_route_add(struct sf_http *h, const struct sf_http_route *r);

/** Set lp's callbacks (and arg) to the responder's. */
void sf_http_listener(struct sf_http *h, struct sf_listener_params *lp);

/**
 * The idle timeout's scan, on the calling lcore's connections; cheap
 * when nothing is due (a clock read). Call it from each worker lcore's
 * loop.
 */
void sf_http_poll(struct sf_http *h);

/** Free the responder, after the workers stopped and the engine drained. */
void sf_http_free(struct sf_http *h);

/** What a responder did, summed over lcores. */
struct sf_http_stats {
	uint64_t conns;            /**< connections accepted */
	uint64_t requests;         /**< requests parsed (answered or not) */
	uint64_t resp[6];          /**< responses by class: [2] 2xx .. [5] 5xx */
	uint64_t keepalive_reuse;  /**< requests after a connection's first */
	uint64_t pipelined;        /**< requests parsed behind another in one read */
	uint64_t parse_errors;     /**< malformed requests (400, 414, 431, 505) */
	uint64_t body_bytes;       /**< request body bytes read and dropped */
	uint64_t timeouts;         /**< connections closed idle (408 or silently) */
	uint64_t resp_bytes;       /**< response bytes queued */
	uint64_t send_fail;        /**< connections reset: a response not queued */
	uint64_t no_state;         /**< connections reset: no responder state left */
};

void sf_http_stats_get(const struct sf_http *h, struct sf_http_stats *s);

#ifdef __cplusplus
}
#endif

#endif /* SF_HTTP_H */
