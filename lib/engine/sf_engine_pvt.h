/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_ENGINE_PVT_H
#define SF_ENGINE_PVT_H

/*
 * The engine layer (docs/architecture.md), the top of lib/: the worker
 * poll loop, receive dispatch, software steering, engine create and
 * free, telemetry, and the public API that reaches the layers below.
 * Private header, not installed; the unit tests include it to drive the
 * per-frame entry points directly.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "sf_app_pvt.h"
#include "sf_engine.h"
#include "sf_neigh.h"
#include "sf_proxy_pvt.h"
#include "sf_net.h"
#include "sf_ring.h"
#include "sf_route.h"
#include "sf_tcp_pvt.h"

extern int sf_logtype_engine;

/* The engine telemetry reads (sf_telemetry.c); NULL when none. */
extern struct sf_engine *sf_tel_engine;

#define SF_ENGINE_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, sf_logtype_engine, \
		"synfront.engine: " fmt "\n", ## __VA_ARGS__)

/* Frames for one other worker, gathered over a burst (steering). */
struct sf_steer_buf {
	uint16_t sb_n;
	struct rte_mbuf *sb_m[SF_RX_BURST];
};

/*
 * A worker: its TCP state (which begins with its net state) and what the
 * engine keeps for it. Owned by one lcore: only that lcore writes it.
 * Other threads (telemetry, the stats printer, the control thread) only
 * read the counters, the lcore and the RCU state, with atomic loads;
 * everything else that crosses lcores goes through rings with one
 * producer and one consumer.
 */
struct sf_worker {
	struct sf_wtcp wk_tcp;             /* requests, connections, timers */
	struct sf_engine *wk_eng;          /* back pointer, read-only */
	unsigned int wk_idx;               /* index in the engine */
	unsigned int wk_lcore;             /* lcore seen polling, or ANY */
	bool wk_online;                    /* reporting to the engine's RCU */
	uint32_t wk_ls_gen;                /* listener generation purged up to */
	/* the ms clock: TSC cycles per ms, TSC at tick 0, of the next tick */
	uint64_t wk_ms_tsc;
	uint64_t wk_tsc0;
	uint64_t wk_next_tick_tsc;
	/*
	 * Steering rings, NULL where a pair has none: out (per destination
	 * worker) and in (per source); tx hand-off in (per source; out is
	 * the net layer's nt_txr).
	 */
	struct rte_ring **wk_steer_out;
	struct sf_steer_buf *wk_steer_buf; /* per destination worker */
	struct rte_ring **wk_steer_in;
	unsigned int wk_nb_steer_in;
	struct rte_ring **wk_tx_in;
	unsigned int wk_nb_tx_in;
	struct sf_wapp *wk_app;            /* its application rings, or NULL */
	/* active opens asked from other threads (sf_connect_api.c) */
	struct rte_ring *wk_conn_r;
} __rte_cache_aligned;

/* Its net state: the counters, the tx service, the ms clock. */
static inline struct sf_net *
sf_wk_net(struct sf_worker *w)
{
	return &w->wk_tcp.wt_net;
}

struct sf_engine {
	unsigned int en_nb_workers;        /* worker contexts */
	unsigned int en_nb_apps;           /* application contexts */
	int en_socket;                     /* NUMA socket of our memory */
	uint32_t en_tx_drain_us;           /* tx flush period */
	uint32_t en_steer_ring_size;
	uint32_t en_accept_ring_size;
	struct sf_port en_ports[RTE_MAX_ETHPORTS];
	struct sf_worker *en_workers;
	struct sf_etcp en_tcp;             /* listeners and TCP settings */
	struct sf_apps en_apps;            /* application contexts */
	struct sf_icmp_conf en_icmp;       /* ICMP errors we send */
	struct sf_rtab en_rt;              /* routes, fixed once polling */
	struct sf_neigh_tab *en_neigh;     /* neighbours, shared (sf_neigh.h) */
	/* every steering ring, for drain and free: [producer * n + consumer] */
	struct rte_ring **en_steer_r;      /* workers x workers, steering */
	struct rte_ring **en_tx_r;         /* workers x workers, tx hand-off */
	struct sf_listener_params en_ls_defaults; /* /synfront/listen */
	sf_listen_key_cb_t en_ls_key_cb;
	void *en_ls_key_arg;
	uint32_t en_init_done;             /* steps of sf_engine_steps done */
	uint32_t en_conn_rr;               /* next worker for a ring connect */
	struct sf_proxy en_proxy;          /* backend pools and their checks */
};

/*
 * Active opens (sf_connect_api.c): the worker the current lcore runs
 * (set around every entry that runs callbacks; NULL outside them), each
 * worker's connect ring, and its poll.
 */
RTE_DECLARE_PER_LCORE(struct sf_worker *, sf_wk_cur);
/* /synfront/connect (sf_probe.c): 0, or rte_telemetry's error. */
int sf_probe_register(void);
/* /synfront/backends (sf_pools.c): 0, or rte_telemetry's error. */
int sf_pools_register(void);
int sf_wconnect_init(struct sf_worker *w, uint32_t size, int socket);
void sf_wconnect_fini(struct sf_worker *w);
unsigned int sf_wconnect_poll(struct sf_worker *w);

/*
 * One frame through the receive path: parse, validate, dispatch. Returns
 * the verdict; on SF_VERDICT_TX the mbuf holds the reply. port_id must be
 * a port added to the engine (sf_worker_input() checks it per burst).
 */
enum sf_verdict sf_input_one(struct sf_worker *w, uint16_t port_id,
		struct rte_mbuf *m);

/* Software steering (sf_steer.c). */
uint16_t sf_steer_rx(struct sf_worker *w, uint16_t port_id,
		struct rte_mbuf **pkts, uint16_t n);
unsigned int sf_steer_poll(struct sf_worker *w);
void sf_steer_fini(struct sf_engine *eng);
void sf_steer_drain(struct sf_engine *eng);

/*
 * The top of every worker poll (unit tests call it to step): report a
 * quiescent state to the listeners' RCU, and drop what the worker holds
 * of removed listeners when their generation moved.
 */
void sf_worker_sync(struct sf_worker *w);

/*
 * Set the worker's ms clock to now and run the timers due (the poll loop
 * does this every tick; unit tests call it to move time).
 */
void sf_worker_clock(struct sf_worker *w, uint32_t now);

/*
 * Unit tests only: frames the engine originates (timers, application
 * actions) on every worker go to hook instead of a tx queue (NULL: back
 * to the queues).
 */
void sf_engine_tx_hook(struct sf_engine *eng,
		void (*hook)(struct sf_net *nt, uint16_t port_id,
			struct rte_mbuf *m));

#endif /* SF_ENGINE_PVT_H */
