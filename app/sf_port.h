/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_PORT_H
#define SF_PORT_H

#include <stdint.h>

#include <rte_mempool.h>

#include "sf_engine.h"

/* What a port ended up with after sf_port_init(). */
struct sf_port_setup {
	uint16_t ps_nb_queues;     /* rx/tx queue pairs configured */
	uint16_t ps_nb_rxd;        /* descriptors per rx queue */
	uint16_t ps_nb_txd;        /* descriptors per tx queue */
	bool ps_rss;               /* RSS on the TCP/IP tuple enabled */
	bool ps_rss_capable;       /* the port offers RSS on TCP/IP */
	struct sf_port_conf ps_conf; /* MAC and offloads, for the engine */
};

/* Descriptors asked for; the PMD may adjust them. */
#define SF_NB_RXD 1024
#define SF_NB_TXD 1024

/*
 * Configure and start a port with up to nb_pairs rx/tx queue pairs, RSS and
 * checksum offloads where the port has them, all multicast accepted (for
 * neighbour discovery), then wait up to wait_ms for link. Logs what it
 * chose. Returns 0 or a negative errno.
 */
int sf_port_init(uint16_t port_id, struct rte_mempool *mp,
		uint16_t nb_pairs, unsigned int wait_ms,
		struct sf_port_setup *out);

/* Stop and close a port, logging failures. */
void sf_port_fini(uint16_t port_id);

#endif /* SF_PORT_H */
