/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_CLIENT_H
#define SF_CLIENT_H

/*
 * The built-in client (--connect): connections to one server through
 * sf_engine_connect(), at most --connect-parallel at once, --connect-conns
 * in all; each sends --connect-send, expects the same bytes back (an echo
 * server), then closes. What happened is counted (the exit JSON's
 * "client", /synfront/client).
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sf_conf.h"

/* What the client did, summed. */
struct sf_client_tally {
	uint64_t ct_target;      /* connections to open */
	uint64_t ct_launched;    /* asked for */
	uint64_t ct_inflight;    /* asked for and not finished */
	uint64_t ct_connected;   /* on_connected */
	uint64_t ct_completed;   /* every byte back (or none to send), closed */
	uint64_t ct_failed;      /* ended otherwise: by reason below */
	uint64_t ct_why[SF_CLOSE_MAX];
	uint64_t ct_start_errors; /* sf_engine_connect() refused at once */
	uint64_t ct_mismatch;    /* bytes back that were not ours: reset */
	uint64_t ct_tx_bytes;
	uint64_t ct_rx_bytes;
	double ct_seconds;       /* from the first open to the last end */
};

/* Set up from conf (nothing when conf->connect_set is false). */
int sf_client_init(struct sf_engine *eng, const struct sf_conf *conf);

/* The main lcore, every loop: open more while below the limits. */
void sf_client_poll(void);

/* Whether the client is on, and its tally. */
bool sf_client_on(void);
void sf_client_tally(struct sf_client_tally *t);

/* The exit JSON's "client" member (",\n  \"client\": {...}"). */
void sf_client_json(FILE *f);

#endif /* SF_CLIENT_H */
