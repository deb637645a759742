/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_ENGINE_PVT_H
#define SF_ENGINE_PVT_H

/*
 * Private engine structures; not installed. The unit tests include this
 * header to drive the per-frame entry points directly.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "sf_engine.h"
#include "sf_pkt.h"
#include "sf_tcp_pvt.h"

extern int sf_logtype_engine;

/* The engine telemetry reads (sf_telemetry.c); NULL when none. */
extern struct sf_engine *sf_tel_engine;

#define SF_ENGINE_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, sf_logtype_engine, \
		"synfront.engine: " fmt "\n", ## __VA_ARGS__)

/* Frames taken from one rx queue per call; the tx buffers hold as many. */
#define SF_RX_BURST 32

/*
 * One port as the engine sees it. Written only before the workers start,
 * read by all of them afterwards.
 */
struct sf_port {
	bool pt_present;                   /* added with sf_engine_port_add */
	bool pt_tx_ip4_cksum;              /* TX_OFFLOAD_IPV4_CKSUM enabled */
	bool pt_rx_ip4_cksum;              /* RX_OFFLOAD_IPV4_CKSUM enabled */
	bool pt_rx_tcp_cksum;              /* RX_OFFLOAD_TCP_CKSUM enabled */
	uint16_t pt_mtu;                   /* L3 MTU */
	struct rte_ether_addr pt_mac;      /* source of every frame we send */
	uint8_t pt_nb_v4;                  /* entries used in pt_v4 */
	uint8_t pt_nb_v6;                  /* entries used in pt_v6 */
	uint32_t pt_v4[SF_MAX_ADDRS_PER_PORT];     /* network order */
	uint8_t pt_v4_plen[SF_MAX_ADDRS_PER_PORT]; /* prefix lengths */
	/* host part of each prefix, network order; 0 for /0, /31, /32,
	 * which have no subnet broadcast (RFC 3021) */
	uint32_t pt_v4_hostmask[SF_MAX_ADDRS_PER_PORT];
	uint8_t pt_v6[SF_MAX_ADDRS_PER_PORT][16];
	uint8_t pt_v6_plen[SF_MAX_ADDRS_PER_PORT];
};

/* The tx side of one (worker, port) pair. */
struct sf_wqueue {
	uint16_t wq_port;                  /* ethdev port id */
	uint16_t wq_queue;                 /* rx and tx queue id */
	struct rte_eth_dev_tx_buffer *wq_txb; /* replies waiting for tx */
};

/*
 * Per-lcore state. Owned by one worker lcore: only that lcore writes it.
 * Other threads (telemetry, the stats printer) only read the counters,
 * with relaxed atomic loads; nothing else crosses lcores.
 */
struct sf_worker {
	struct sf_engine *wk_eng;          /* back pointer, read-only */
	unsigned int wk_idx;               /* index in the engine */
	unsigned int wk_lcore;             /* lcore seen polling, or ANY */
	unsigned int wk_nb_queues;         /* entries used in wk_q */
	uint64_t wk_drain_tsc;             /* tx drain period in TSC cycles */
	uint64_t wk_last_flush;            /* TSC of the last tx flush */
	struct sf_wqueue wk_q[SF_MAX_WORKER_QUEUES];
	/* port id -> index in wk_q, or UINT8_MAX when not polled here */
	uint8_t wk_qidx[RTE_MAX_ETHPORTS];
	uint64_t wk_cnt[SF_CNT_MAX] __rte_cache_aligned; /* counters */
	struct sf_wtcp wk_tcp;             /* requests, connections, timers */
} __rte_cache_aligned;

struct sf_engine {
	unsigned int en_nb_workers;        /* entries in en_workers */
	int en_socket;                     /* NUMA socket of our memory */
	uint32_t en_tx_drain_us;           /* tx flush period */
	struct sf_port en_ports[RTE_MAX_ETHPORTS];
	struct sf_worker *en_workers;      /* array, one per worker lcore */
	struct sf_etcp en_tcp;             /* listeners and TCP settings */
	/*
	 * Unit tests only: frames the engine originates (timers,
	 * application actions) go here instead of a tx queue.
	 */
	void (*en_tx_hook)(struct sf_worker *w, uint16_t port_id,
			struct rte_mbuf *m);
};

/*
 * Counters are written by their owning lcore only; the relaxed atomic
 * store keeps readers on other threads free of torn values at the cost of
 * nothing on x86.
 */
static inline void
sf_count(struct sf_worker *w, enum sf_counter c)
{
	__atomic_store_n(&w->wk_cnt[c], w->wk_cnt[c] + 1, __ATOMIC_RELAXED);
}

static inline enum sf_verdict
sf_drop(struct sf_worker *w, enum sf_counter c)
{
	sf_count(w, c);
	return SF_VERDICT_DROP;
}

static inline void
sf_count_n(struct sf_worker *w, enum sf_counter c, uint64_t n)
{
	__atomic_store_n(&w->wk_cnt[c], w->wk_cnt[c] + n, __ATOMIC_RELAXED);
}

/* Per-listener counters, per worker like the others. */
static inline void
sf_lcount(struct sf_worker *w, uint16_t ls, enum sf_lcounter c)
{
	uint64_t *v = &w->wk_tcp.wt_lcnt[ls][c];

	__atomic_store_n(v, *v + 1, __ATOMIC_RELAXED);
}

static inline const struct sf_port *
sf_worker_port(const struct sf_worker *w, uint16_t port_id)
{
	return &w->wk_eng->en_ports[port_id];
}

/* Address ownership (sf_addr.c). */
bool sf_port_owns_v4(const struct sf_port *pt, uint32_t a);
bool sf_port_owns_v6(const struct sf_port *pt, const uint8_t *a);
bool sf_port_owns_v6_snm(const struct sf_port *pt, const uint8_t *a);
bool sf_v4_is_martian_src(uint32_t a);
bool sf_port_v4_is_bcast(const struct sf_port *pt, uint32_t a);
bool sf_v6_is_martian_src(const uint8_t *a);

/*
 * One frame through the receive path: parse, validate, dispatch. Returns
 * the verdict; on SF_VERDICT_TX the mbuf holds the reply. port_id must be
 * a port added to the engine (sf_worker_input() checks it per burst).
 */
enum sf_verdict sf_input_one(struct sf_worker *w, uint16_t port_id,
		struct rte_mbuf *m);

/* The responders (sf_arp.c, sf_icmp.c, sf_icmp6.c). */
enum sf_verdict sf_arp_input(struct sf_worker *w, const struct sf_port *pt,
		struct rte_mbuf *m, struct sf_pkt *p);
enum sf_verdict sf_icmp_input(struct sf_worker *w, const struct sf_port *pt,
		struct rte_mbuf *m, struct sf_pkt *p);
enum sf_verdict sf_icmp6_input(struct sf_worker *w, const struct sf_port *pt,
		struct rte_mbuf *m, struct sf_pkt *p);

/* The TCP input (sf_tcp_in.c), after the TCP header bounds passed. */
enum sf_verdict sf_tcp_input(struct sf_worker *w, const struct sf_port *pt,
		struct rte_mbuf *m, struct sf_pkt *p);

/*
 * Send a frame the engine originated (not a reply built in place) on the
 * worker's tx queue of port_id; counts tx_dropped when there is none.
 */
void sf_worker_tx(struct sf_worker *w, uint16_t port_id, struct rte_mbuf *m);

/* An mbuf for a frame the engine originates, or NULL (counted). */
struct rte_mbuf *sf_worker_alloc(struct sf_worker *w);

/*
 * Set the worker's ms clock to now and run the timers due (the poll loop
 * does this every tick; unit tests call it to move time).
 */
void sf_worker_clock(struct sf_worker *w, uint32_t now);

/*
 * Turn the L2 header of a received frame into the header of its reply:
 * destination = the frame's source, source = the port's MAC; VLAN tags are
 * kept so the reply leaves on the VLAN the request came from.
 */
static inline void
sf_l2_reply(struct rte_mbuf *m, const struct sf_port *pt)
{
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

	rte_ether_addr_copy(&eh->src_addr, &eh->dst_addr);
	rte_ether_addr_copy(&pt->pt_mac, &eh->src_addr);
}

#endif /* SF_ENGINE_PVT_H */
