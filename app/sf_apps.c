/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * Built-in applications. Each callback runs inline on the worker lcore
 * that owns the connection, or on an application lcore (--app-lcores).
 *
 *   sink   accept and hold: data is acknowledged and discarded; nothing
 *          is sent and nothing closed, even after the peer's FIN: the
 *          connection stays in CLOSE-WAIT, as under a server that never
 *          calls close(), until the peer resets it (max_conns bounds
 *          how many are held; docs/handshake.md)
 *   rst    accept, then reset at once
 *   close  accept, then close at once (FIN, then TIME-WAIT)
 *   none   never accept: connections wait in the accept queue until it
 *          holds backlog + 1, like a server that never calls accept()
 *   discard  RFC 863: accept, read every byte (on_data, counted in the
 *          exit JSON's "received") and discard it, send nothing; when
 *          the peer closes, the engine closes too (no on_close), so
 *          connections do not pile up in CLOSE-WAIT
 *   echo   RFC 862: every byte received is sent back (copied into the
 *          send queue); the peer's FIN is answered with ours once all
 *          of it was sent (the engine's close after the queued bytes).
 *          The connection's window follows the room in its send queue,
 *          so a peer that stops reading stops being read; a send the
 *          engine still refuses (mbufs short) resets the connection,
 *          counted, never losing a byte silently.
 *
 * --greeting: sink, close, discard and echo send it on accept, before
 * anything else (as SMTP, FTP and SSH servers speak first).
 */

#include <stddef.h>
#include <string.h>

#include <rte_lcore.h>

#include "sf_apps.h"

/* One tally per lcore: written by that lcore only, summed on read. */
static struct {
	struct sf_builtin_tally t;
} __rte_cache_aligned sf_builtin_tallies[RTE_MAX_LCORE];

static inline void
sf_builtin_add(uint64_t *v, bool yes)
{
	if (yes)
		__atomic_store_n(v, *v + 1, __ATOMIC_RELAXED);
}

/* This lcore's tally. */
static inline struct sf_builtin_tally *
sf_builtin_mine(void)
{
	unsigned int lc = rte_lcore_id();

	return &sf_builtin_tallies[lc < RTE_MAX_LCORE ? lc : 0].t;
}

static inline void
sf_builtin_add_n(uint64_t *v, uint64_t n)
{
	__atomic_store_n(v, *v + n, __ATOMIC_RELAXED);
}

/* Record what on_accept was handed. */
static void
sf_builtin_tally(const struct sf_conn_info *ci)
{
	struct sf_builtin_tally *t = sf_builtin_mine();

	sf_builtin_add(&t->at_conns, true);
	sf_builtin_add(&t->at_wscale, ci->flags & SF_CONN_F_WSCALE);
	sf_builtin_add(&t->at_sack, ci->flags & SF_CONN_F_SACK);
	sf_builtin_add(&t->at_ts, ci->flags & SF_CONN_F_TS);
	sf_builtin_add(&t->at_ecn, ci->flags & SF_CONN_F_ECN);
	sf_builtin_add(&t->at_data, ci->data_len != 0);
	sf_builtin_add_n(&t->at_rx_bytes, ci->data_len);
}

static const uint8_t *sf_greeting;
static unsigned int sf_greeting_len;

void
sf_builtin_greeting(const uint8_t *buf, unsigned int len)
{
	sf_greeting = buf;
	sf_greeting_len = len;
}

/*
 * Send all of len bytes at buf, or reset the connection: a built-in
 * application never drops a byte it owes without the peer knowing.
 * Returns 0, or -1 when the connection was reset.
 */
static int
sf_builtin_send(struct sf_conn *c, const uint8_t *buf, uint32_t len)
{
	struct sf_builtin_tally *t = sf_builtin_mine();
	int n;

	if (len == 0)
		return 0;
	n = sf_conn_send(c, buf, len);
	if (n == (int)len) {
		sf_builtin_add_n(&t->at_tx_bytes, len);
		return 0;
	}
	sf_builtin_add(&t->at_tx_fail, true);
	sf_conn_reset(c);
	return -1;
}

/* The greeting, on accept. Returns as sf_builtin_send(). */
static int
sf_builtin_greet(struct sf_conn *c)
{
	return sf_builtin_send(c, sf_greeting, sf_greeting_len);
}

/* discard's on_data: the bytes are counted and dropped. */
static void
sf_builtin_discard_data(struct sf_conn *c, const struct sf_conn_data *d,
		void *arg)
{
	struct sf_builtin_tally *t = sf_builtin_mine();

	RTE_SET_USED(c);
	RTE_SET_USED(arg);
	sf_builtin_add(&t->at_rx_calls, true);
	sf_builtin_add_n(&t->at_rx_bytes, d->len);
}

void
sf_builtin_tally_sum(struct sf_builtin_tally *out)
{
	unsigned int i, k;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < RTE_MAX_LCORE; i++) {
		const uint64_t *src =
			(const uint64_t *)&sf_builtin_tallies[i].t;
		uint64_t *dst = (uint64_t *)out;

		for (k = 0; k < sizeof(*out) / sizeof(uint64_t); k++)
			dst[k] += __atomic_load_n(&src[k], __ATOMIC_RELAXED);
	}
}

static void
sf_builtin_sink_accept(struct sf_conn *c, const struct sf_conn_info *ci,
		void *arg)
{
	RTE_SET_USED(arg);
	sf_builtin_tally(ci);
	sf_builtin_greet(c);
}

/* echo: the third ACK's bytes go back after the greeting. */
static void
sf_builtin_echo_accept(struct sf_conn *c, const struct sf_conn_info *ci,
		void *arg)
{
	RTE_SET_USED(arg);
	sf_builtin_tally(ci);
	if (sf_builtin_greet(c) == 0)
		sf_builtin_send(c, ci->data, ci->data_len);
}

static void
sf_builtin_echo_data(struct sf_conn *c, const struct sf_conn_data *d,
		void *arg)
{
	struct sf_builtin_tally *t = sf_builtin_mine();

	RTE_SET_USED(arg);
	sf_builtin_add(&t->at_rx_calls, true);
	sf_builtin_add_n(&t->at_rx_bytes, d->len);
	sf_builtin_send(c, d->data, d->len);
}

/*
 * The peer's FIN leaves the connection in CLOSE-WAIT: the sink never
 * closes. The other reasons end the connection; nothing to do for them.
 */
static void
sf_builtin_sink_close(struct sf_conn *c, enum sf_close_reason why, void *arg)
{
	RTE_SET_USED(c);
	RTE_SET_USED(why);
	RTE_SET_USED(arg);
}

static void
sf_builtin_rst_accept(struct sf_conn *c, const struct sf_conn_info *ci,
		void *arg)
{
	RTE_SET_USED(arg);
	sf_builtin_tally(ci);
	sf_conn_reset(c);
}

static void
sf_builtin_close_accept(struct sf_conn *c, const struct sf_conn_info *ci,
		void *arg)
{
	RTE_SET_USED(arg);
	sf_builtin_tally(ci);
	if (sf_builtin_greet(c) == 0)
		sf_conn_close(c);
}

static const struct sf_builtin_ops sf_apps[] = {
	[SF_BUILTIN_SINK] = {
		.name = "sink",
		.on_accept = sf_builtin_sink_accept,
		.on_close = sf_builtin_sink_close,
	},
	[SF_BUILTIN_RST] = {
		.name = "rst",
		.on_accept = sf_builtin_rst_accept,
	},
	[SF_BUILTIN_CLOSE] = {
		.name = "close",
		.on_accept = sf_builtin_close_accept,
	},
	[SF_BUILTIN_NONE] = {
		.name = "none",
	},
	[SF_BUILTIN_DISCARD] = {
		.name = "discard",
		.on_accept = sf_builtin_sink_accept,
		.on_data = sf_builtin_discard_data,
	},
	[SF_BUILTIN_ECHO] = {
		.name = "echo",
		.on_accept = sf_builtin_echo_accept,
		.on_data = sf_builtin_echo_data,
	},
	/* No callbacks: the splice takes the connections (lparams). */
	[SF_BUILTIN_PROXY] = {
		.name = "proxy",
	},
	/* The HTTP responder's callbacks (sf_httpd.c, sf_http.h). */
	[SF_BUILTIN_HTTP] = {
		.name = "http",
	},
};

const struct sf_builtin_ops *
sf_builtin_ops(enum sf_builtin_kind kind)
{
	return (unsigned int)kind < RTE_DIM(sf_apps) ? &sf_apps[kind] : NULL;
}
