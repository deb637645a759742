/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_APPS_H
#define SF_APPS_H

/*
 * The built-in applications (--app), one ops table each, as l3fwd and
 * testpmd select their modes.
 */

#include "sf_conf.h"
#include "sf_tcp.h"

struct sf_builtin_ops {
	const char *name;
	sf_on_accept_t on_accept;  /* NULL: never accept */
	sf_on_close_t on_close;    /* NULL: the engine closes on peer FIN */
	sf_on_data_t on_data;      /* NULL: bytes acknowledged and dropped */
};

/* The ops of a built-in application. */
const struct sf_builtin_ops *sf_builtin_ops(enum sf_builtin_kind kind);

/*
 * What the built-in applications were handed by on_accept, summed over
 * lcores: connections, and how many of them had each option negotiated
 * (the exit JSON's "accepted_with"; tests check SYN-cookie fidelity by
 * it).
 */
struct sf_builtin_tally {
	uint64_t at_conns;
	uint64_t at_wscale;
	uint64_t at_sack;
	uint64_t at_ts;
	uint64_t at_ecn;
	uint64_t at_data;     /* the third ACK carried data */
	uint64_t at_rx_calls; /* on_data calls */
	uint64_t at_rx_bytes; /* bytes received: third ACKs' and on_data's */
	uint64_t at_tx_bytes; /* bytes queued for sending (echo, greeting) */
	uint64_t at_tx_fail;  /* connections reset: a send was refused */
};
void sf_builtin_tally_sum(struct sf_builtin_tally *out);

/*
 * What sink, close, discard and echo send first on each connection
 * (--greeting); len 0: nothing. Set before the workers start.
 */
void sf_builtin_greeting(const uint8_t *buf, unsigned int len);

#endif /* SF_APPS_H */
