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
#include <rte_per_lcore.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>
#include <rte_spinlock.h>

#include "sf_engine.h"
#include "sf_pkt.h"
#include "sf_ring.h"
#include "sf_tcp_pvt.h"

extern int sf_logtype_engine;

/* The engine telemetry reads (sf_telemetry.c); NULL when none. */
extern struct sf_engine *sf_tel_engine;

/*
 * The context whose poll is running on this thread: the callbacks run
 * inside a poll, so sf_conn_close() knows whether it was called on the
 * owning worker or on an application context.
 */
RTE_DECLARE_PER_LCORE(struct sf_worker *, sf_cur_ctx);

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
	bool pt_tx_tcp_cksum;              /* TX_OFFLOAD_TCP_CKSUM enabled */
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
	bool pt_steer;                     /* software steering on */
	/* steering table: Toeplitz hash & (size - 1) -> owning worker */
	uint16_t pt_reta[SF_STEER_RETA_SIZE];
};

/* ICMP errors we send: settings (sf_icmp_err.c), read-only. */
struct sf_icmp_conf {
	bool ic_off;                       /* never send them */
	uint32_t ic_ratelimit_ms;          /* per peer; 0: no limit */
	uint32_t ic_per_sec;               /* per worker; 0: no limit */
	uint32_t ic_burst;                 /* of ic_per_sec */
};

/* Slots of the per-peer ICMP rate limit: peers that collide share one. */
#define SF_ICMP_PEERS 256

/*
 * ICMP error rate limits of one worker: a bucket over all peers (Linux's
 * icmp_global_allow(), per lcore here) and one per peer address slot
 * (inet_peer_xrlim_allow()). Owned by the worker.
 */
struct sf_icmp_rl {
	uint64_t rl_credit;                /* thousandths of a message */
	uint32_t rl_last;                  /* ms of the last refill */
	uint16_t rl_ip_id;                 /* IPv4 ID of the next error */
	struct {
		uint32_t pe_tag;           /* address hash | 1; 0: empty */
		uint32_t pe_last;          /* ms of the last refill */
		uint32_t pe_tokens;        /* ms of credit */
	} rl_peer[SF_ICMP_PEERS];
};

/* The tx side of one (worker, port) pair. */
struct sf_wqueue {
	uint16_t wq_port;                  /* ethdev port id */
	uint16_t wq_queue;                 /* rx and tx queue id */
	struct rte_eth_dev_tx_buffer *wq_txb; /* replies waiting for tx */
};

/* Frames for one other worker, gathered over a burst (steering). */
struct sf_steer_buf {
	uint16_t sb_n;
	struct rte_mbuf *sb_m[SF_RX_BURST];
};

/* What an accept ring carries: a worker tells an application context. */
enum sf_app_ev {
	SF_APP_EV_ACCEPT = 1,  /* run on_accept */
	SF_APP_EV_CLOSE,       /* run on_close with am_why */
};

/*
 * One accept-ring element. Everything the application context needs is
 * copied in on the worker, so it never reads the connection, which the
 * worker goes on changing (and may free and reuse).
 */
struct sf_app_msg {
	uint8_t am_ev;                     /* enum sf_app_ev */
	uint8_t am_why;                    /* enum sf_close_reason */
	uint16_t am_listener;              /* listener id */
	uint32_t am_gen;                   /* connection generation */
	struct sf_conn *am_conn;           /* the handle */
	struct rte_mbuf *am_data;          /* third-ACK data (ACCEPT), or NULL */
	sf_on_accept_t am_on_accept;       /* the listener's, when sent */
	sf_on_close_t am_on_close;
	void *am_arg;
	struct sf_conn_info am_ci;         /* ACCEPT only */
};

/* Command-ring operations: an application context asks a worker. */
enum sf_app_cmd_op {
	SF_APP_CMD_CLOSE = 1,
	SF_APP_CMD_RESET,
};

/* One command-ring element (16 bytes). */
struct sf_app_cmd {
	struct sf_conn *ac_conn;
	uint32_t ac_gen;                   /* what the application saw */
	uint32_t ac_op;                    /* enum sf_app_cmd_op */
};

/*
 * Per-lcore state: a worker context or an application context. Owned by
 * one lcore: only that lcore writes it. Other threads (telemetry, the
 * stats printer, the control thread) only read the counters and the RCU
 * generation, with atomic loads; everything else that crosses lcores
 * goes through the rings below, each with one producer and one consumer.
 */
struct sf_worker {
	struct sf_engine *wk_eng;          /* back pointer, read-only */
	unsigned int wk_idx;               /* index in the engine */
	unsigned int wk_lcore;             /* lcore seen polling, or ANY */
	bool wk_app;                       /* an application context */
	bool wk_online;                    /* reporting to the engine's RCU */
	unsigned int wk_nb_queues;         /* entries used in wk_q */
	uint64_t wk_drain_tsc;             /* tx drain period in TSC cycles */
	uint64_t wk_last_flush;            /* TSC of the last tx flush */
	struct sf_wqueue wk_q[SF_MAX_WORKER_QUEUES];
	/* port id -> index in wk_q, or UINT8_MAX when not polled here */
	uint8_t wk_qidx[RTE_MAX_ETHPORTS];
	/*
	 * Rings, NULL where a pair has none. Workers: steering out (per
	 * destination worker) and in (per source), tx hand-off to the
	 * worker sending for us per port, tx hand-off in (per source),
	 * accept rings out (per application context), command rings in.
	 * Application contexts: accept rings in and command rings out (per
	 * worker).
	 */
	struct rte_ring **wk_steer_out;
	struct sf_steer_buf *wk_steer_buf; /* per destination worker */
	struct rte_ring **wk_steer_in;
	unsigned int wk_nb_steer_in;
	struct rte_ring *wk_txr[RTE_MAX_ETHPORTS];
	struct rte_ring **wk_tx_in;
	unsigned int wk_nb_tx_in;
	struct rte_ring *wk_acc[SF_MAX_APPS];
	struct rte_ring *wk_cmd[SF_MAX_APPS];
	struct rte_ring **wk_app_acc;      /* application: per worker */
	struct rte_ring **wk_app_cmd;      /* application: per worker */
	/*
	 * Application contexts: the generation of each connection slot of
	 * each worker as accepted here (0: not held), checked by the worker
	 * when a close or reset comes back.
	 */
	uint32_t *wk_gens;
	uint32_t wk_ls_gen;                /* listener generation purged up to */
	struct sf_icmp_rl wk_icmp;         /* ICMP error rate limits */
	uint64_t wk_cnt[SF_CNT_MAX] __rte_cache_aligned; /* counters */
	struct sf_wtcp wk_tcp;             /* requests, connections, timers */
} __rte_cache_aligned;

struct sf_engine {
	unsigned int en_nb_workers;        /* worker contexts */
	unsigned int en_nb_apps;           /* application contexts */
	int en_socket;                     /* NUMA socket of our memory */
	uint32_t en_tx_drain_us;           /* tx flush period */
	uint32_t en_steer_ring_size;
	uint32_t en_accept_ring_size;
	struct sf_port en_ports[RTE_MAX_ETHPORTS];
	/* workers, then application contexts */
	struct sf_worker *en_workers;
	struct sf_etcp en_tcp;             /* listeners and TCP settings */
	struct sf_icmp_conf en_icmp;       /* ICMP errors we send */
	/* every ring, for drain and free: [producer * n + consumer] */
	struct rte_ring **en_steer_r;      /* workers x workers, steering */
	struct rte_ring **en_tx_r;         /* workers x workers, tx hand-off */
	struct rte_ring **en_acc_r;        /* workers x apps, accept */
	struct rte_ring **en_cmd_r;        /* apps x workers, command */
	/*
	 * RCU over the listener table: every worker reports a quiescent
	 * state at the top of each poll; en_ls_gen moves when a listener
	 * is removed, and each worker drops what it holds of removed
	 * listeners when it sees it move (sf_listen.c).
	 */
	struct rte_rcu_qsbr *en_qsbr;
	uint32_t en_ls_gen;
	rte_spinlock_t en_ctl_lock;        /* control calls, not workers */
	struct sf_listener_params en_ls_defaults; /* /synfront/listen */
	sf_listen_key_cb_t en_ls_key_cb;
	void *en_ls_key_arg;
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

/* ICMP (RFC 792) and ICMPv6 (RFC 4443) error types and codes we use. */
#define SF_ICMP_DEST_UNREACH     3
#define SF_ICMP_SOURCE_QUENCH    4
#define SF_ICMP_REDIRECT         5
#define SF_ICMP_TIME_EXCEEDED    11
#define SF_ICMP_PARAMETERPROB    12
#define SF_ICMP_PROT_UNREACH     2
#define SF_ICMP_PORT_UNREACH     3
#define SF_ICMP_FRAG_NEEDED      4
#define SF_ICMP6_DEST_UNREACH    1
#define SF_ICMP6_PKT_TOOBIG      2
#define SF_ICMP6_TIME_EXCEED     3
#define SF_ICMP6_PARAMPROB       4
#define SF_ICMP6_PORT_UNREACH    4
#define SF_ICMP6_UNK_NEXTHDR     1
#define SF_ICMP_MAX_TYPE         18   /* Linux's NR_ICMP_TYPES */
#define SF_ND_REDIRECT           137

/*
 * ICMP errors (sf_icmp_err.c). sf_icmp_err_send() sends an ICMP or
 * ICMPv6 error about the received datagram in m (parsed into p) in a new
 * mbuf, within the rate limits; the caller still owns m and drops it with
 * its own counter. It sends nothing about a datagram that may draw no
 * error (RFC 1122 3.2.2, RFC 4443 2.4 e: to a group, an ICMP error); the
 * receive path has dropped martian sources and fragments before.
 * sf_icmp_err_quote() reads the TCP segment an ICMP or ICMPv6 error
 * message quotes (type and code known to be an error about a datagram):
 * its flow, as a segment of it would be keyed, and its sequence number;
 * SF_PKT_OK or the counter to drop with.
 */
void sf_icmp_err_send(struct sf_worker *w, const struct sf_port *pt,
		const struct rte_mbuf *m, const struct sf_pkt *p, uint8_t type,
		uint8_t code, uint32_t info);
enum sf_counter sf_icmp_err_quote(const struct rte_mbuf *m,
		const struct sf_pkt *p, struct sf_flow_key *k, uint32_t *seq);
void sf_icmp_err_init(struct sf_worker *w);

/* The UDP input (sf_udp.c): nothing listens; answered by an ICMP error. */
enum sf_verdict sf_udp_input(struct sf_worker *w, const struct sf_port *pt,
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

/* Software steering (sf_steer.c). */
int sf_steer_owner(const struct sf_port *pt, struct rte_mbuf *m);
uint16_t sf_steer_rx(struct sf_worker *w, uint16_t port_id,
		struct rte_mbuf **pkts, uint16_t n);
unsigned int sf_steer_poll(struct sf_worker *w);
void sf_steer_fini(struct sf_engine *eng);
void sf_steer_drain(struct sf_engine *eng);

/* Application contexts (sf_app.c). */
int sf_app_init(struct sf_engine *eng);
void sf_app_fini(struct sf_engine *eng);
void sf_app_drain(struct sf_engine *eng);
unsigned int sf_app_cmd_poll(struct sf_worker *w);
/* Connections handed to application contexts (struct sf_conn_ops). */
extern const struct sf_conn_ops sf_app_conn_ops;
int sf_app_remote(struct sf_conn *c, enum sf_app_cmd_op op);

/* sf_conn.c, for the command rings: act on the owning worker. */
int sf_conn_live(const struct sf_conn *c, uint32_t gen);
int sf_conn_close_local(struct sf_conn *c);
int sf_conn_reset_local(struct sf_conn *c);

/* Listener RCU (sf_listen.c): the top of every worker poll. */
void sf_listen_sync(struct sf_worker *w);

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
