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
	/*
	 * RSS as synfront's software hash predicts it: sf_rss_key taken and
	 * the redirection table read back (ps_reta: queue of each entry),
	 * so the engine knows which worker receives a flow's segments (the
	 * local ports of active opens depend on it).
	 */
	bool ps_rss_ours;
	uint16_t ps_reta_size;
	uint16_t ps_reta[SF_STEER_RETA_SIZE];
	unsigned int ps_pmd_kept;  /* mbufs the PMD keeps past close */
	struct sf_port_conf ps_conf; /* MAC and offloads, for the engine */
};

/* Descriptors asked for; the PMD may adjust them. */
#define SF_NB_RXD 1024
#define SF_NB_TXD 1024

/*
 * net_af_xdp (zero-copy UMEM over our pool) puts this many mbufs of the
 * pool in the fill ring of each rx queue when it sets the queue up, and
 * replaces every frame it receives with a fresh one, so it holds exactly
 * that many at any time: xsk_configure() reserves ETH_AF_XDP_DFLT_NUM_DESCS,
 * libxdp's XSK_RING_CONS__DEFAULT_NUM_DESCS. It never gives them back: see
 * sf_port_init().
 */
#define SF_AF_XDP_FILL_MBUFS 2048

/*
 * Configure and start a port with up to nb_pairs rx/tx queue pairs, RSS and
 * checksum offloads where the port has them, all multicast accepted (for
 * neighbour discovery), then wait up to wait_ms for link. Logs what it
 * chose. Returns 0 or a negative errno.
 */
int sf_port_init(uint16_t port_id, struct rte_mempool *mp,
		uint16_t nb_pairs, unsigned int wait_ms,
		struct sf_port_setup *out);

/*
 * How many mbufs of the pool port_id's PMD may hold with nb_pairs queue
 * pairs: its descriptors, or what it keeps in rings of its own.
 */
unsigned int sf_port_pool_need(uint16_t port_id, uint16_t nb_pairs);

/*
 * Stop and close a port, logging failures. Call it with every lcore
 * stopped: on net_af_xdp it first makes the PMD free what it transmitted
 * (mp: the pool of its queues, watched to see when that is done).
 */
void sf_port_fini(uint16_t port_id, struct rte_mempool *mp);

#endif /* SF_PORT_H */
