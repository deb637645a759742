/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_NET_H
#define SF_NET_H

/*
 * The net layer (docs/architecture.md): ports and their addresses, frame
 * parsing (sf_pkt.h), the L2 and ICMP responders, ICMP errors, RSS of a
 * frame and of a flow, and the tx service, the only way out for every
 * layer above: replies built in place, frames originated (timers,
 * applications, ICMP errors), tx buffers and their flush, the hand-off
 * to the worker that sends on a port for this one. It knows nothing of
 * TCP state or of the engine: the per-lcore state it needs is struct
 * sf_net, filled in by the engine. Private header, not installed.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "sf_engine.h"
#include "sf_flow.h"
#include "sf_pkt.h"
#include "sf_cnt.h"

struct sf_rtab;
struct sf_neigh_tab;

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
	bool pt_tx_multiseg;               /* TX_OFFLOAD_MULTI_SEGS enabled */
	bool pt_rx_ip4_cksum;              /* RX_OFFLOAD_IPV4_CKSUM enabled */
	bool pt_rx_tcp_cksum;              /* RX_OFFLOAD_TCP_CKSUM enabled */
	uint16_t pt_mtu;                   /* L3 MTU */
	uint16_t pt_id;                    /* its ethdev port id */
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
	/* every entry of pt_reta is this worker + 1; 0: they differ */
	uint16_t pt_reta_one;
};

/* Note whether pt_reta sends every flow to one worker (after a change). */
static inline void
sf_port_reta_done(struct sf_port *pt)
{
	unsigned int i;

	pt->pt_reta_one = (uint16_t)(pt->pt_reta[0] + 1);
	for (i = 1; i < SF_STEER_RETA_SIZE; i++)
		if (pt->pt_reta[i] != pt->pt_reta[0])
			pt->pt_reta_one = 0;
}

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

/*
 * The net state of one worker lcore, written by it alone (the counters
 * are read by other threads: sf_cnt.h). The upper layers embed it:
 * TCP's per-worker state begins with it, so reaching it is an offset.
 */
struct sf_net {
	struct sf_stats nt_st;             /* this worker's counters */
	const struct sf_port *nt_ports;    /* by port id, read-only */
	const struct sf_rtab *nt_rt;       /* routes (sf_route.h), read-only */
	const struct sf_icmp_conf *nt_icmp_conf;
	struct rte_mempool *nt_pool;       /* for frames we originate */
	uint32_t nt_now;                   /* ms tick, set by the poll loop */
	uint32_t nt_seed;                  /* hash seed (ICMP peer slots) */
	unsigned int nt_idx;               /* worker index (names, info) */
	int nt_socket;                     /* NUMA socket of its memory */
	unsigned int nt_nb_queues;         /* entries used in nt_q */
	uint64_t nt_tsc;                   /* TSC read at the poll's start */
	uint64_t nt_drain_tsc;             /* tx drain period in TSC cycles */
	uint64_t nt_last_flush;            /* TSC of the last tx flush */
	struct sf_wqueue nt_q[SF_MAX_WORKER_QUEUES];
	/* port id -> index in nt_q, or UINT8_MAX when not polled here */
	uint8_t nt_qidx[RTE_MAX_ETHPORTS];
	/* tx hand-off to the worker that sends on a port for this one
	 * (software steering), NULL where none */
	struct rte_ring *nt_txr[RTE_MAX_ETHPORTS];
	/*
	 * Unit tests only: frames originated here (not replies built in
	 * place) go to this hook instead of a tx queue.
	 */
	void (*nt_tx_hook)(struct sf_net *nt, uint16_t port_id,
			struct rte_mbuf *m);
	struct sf_icmp_rl nt_icmp;         /* ICMP error rate limits */
	/* the engine's neighbour table, shared (sf_neigh.h); NULL: none */
	struct sf_neigh_tab *nt_neigh;
};

static inline void
sf_count(struct sf_net *nt, enum sf_counter c)
{
	sf_stats_add(&nt->nt_st, c, 1);
}

static inline void
sf_count_n(struct sf_net *nt, enum sf_counter c, uint64_t n)
{
	sf_stats_add(&nt->nt_st, c, n);
}

static inline enum sf_verdict
sf_drop(struct sf_net *nt, enum sf_counter c)
{
	sf_count(nt, c);
	return SF_VERDICT_DROP;
}

static inline const struct sf_port *
sf_net_port(const struct sf_net *nt, uint16_t port_id)
{
	return &nt->nt_ports[port_id];
}

/*
 * The tx service (sf_tx.c). sf_net_txq() is the worker's tx queue of a
 * port, or NULL when it has none there; sf_net_txq_send() buffers a
 * frame on it (the rx burst's replies go this way). sf_net_tx() sends a
 * frame originated here (not a reply built in place): on the queue, or
 * handed off to the worker that sends there, or dropped and counted.
 */
int sf_net_queue_add(struct sf_net *nt, uint16_t port_id, uint16_t queue_id);
void sf_net_queue_fini(struct sf_net *nt);
void sf_net_tx_drain(struct sf_net *nt);
void sf_net_tx(struct sf_net *nt, uint16_t port_id, struct rte_mbuf *m);
void sf_net_handoff(struct sf_net *nt, uint16_t port_id, struct rte_mbuf *m);
void sf_net_flush(struct sf_net *nt);

/* An mbuf for a frame we originate, or NULL (tx_nombuf counted). */
struct rte_mbuf *sf_net_alloc(struct sf_net *nt);

static inline const struct sf_wqueue *
sf_net_txq(const struct sf_net *nt, uint16_t port_id)
{
	uint8_t i = nt->nt_qidx[port_id];

	return i == UINT8_MAX ? NULL : &nt->nt_q[i];
}

static inline uint16_t
sf_net_txq_send(struct sf_net *nt, const struct sf_wqueue *q,
		struct rte_mbuf *m)
{
	uint16_t sent = rte_eth_tx_buffer(q->wq_port, q->wq_queue, q->wq_txb,
			m);

	if (sent != 0)
		sf_count_n(nt, SF_CNT_tx_packets, sent);
	return sent;
}

/*
 * RSS (sf_rss.c): the Toeplitz hash a NIC with sf_rss_key computes for
 * a frame's flow (an ICMP error: of the flow it quotes), and the worker
 * owning it in the port's steering table; -1 for frames of no TCP flow.
 * sf_rss_flow() hashes a flow key the same way: the hash a NIC gives
 * the segments the peer sends on flow k.
 */
void sf_rss_init(void);
int64_t sf_rss_frame(const struct sf_port *pt, struct rte_mbuf *m);
int sf_rss_owner(const struct sf_port *pt, struct rte_mbuf *m);
uint32_t sf_rss_flow(const struct sf_flow_key *k);

/* Address ownership (sf_addr.c). */
bool sf_port_owns_v4(const struct sf_port *pt, uint32_t a);
bool sf_port_owns_v6(const struct sf_port *pt, const uint8_t *a);
bool sf_port_owns_v6_snm(const struct sf_port *pt, const uint8_t *a);
bool sf_v4_is_martian_src(uint32_t a);
bool sf_port_v4_is_bcast(const struct sf_port *pt, uint32_t a);
bool sf_v6_is_martian_src(const uint8_t *a);

/* The responders (sf_arp.c, sf_icmp.c, sf_icmp6.c). */
enum sf_verdict sf_arp_input(struct sf_net *nt, const struct sf_port *pt,
		struct rte_mbuf *m, struct sf_pkt *p);
enum sf_verdict sf_icmp_input(struct sf_net *nt, const struct sf_port *pt,
		struct rte_mbuf *m, struct sf_pkt *p);
enum sf_verdict sf_icmp6_input(struct sf_net *nt, const struct sf_port *pt,
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
void sf_icmp_err_send(struct sf_net *nt, const struct sf_port *pt,
		const struct rte_mbuf *m, const struct sf_pkt *p, uint8_t type,
		uint8_t code, uint32_t info);
enum sf_counter sf_icmp_err_quote(const struct rte_mbuf *m,
		const struct sf_pkt *p, struct sf_flow_key *k, uint32_t *seq);
void sf_icmp_err_init(struct sf_net *nt);

/* The UDP input (sf_udp.c): nothing listens; answered by an ICMP error. */
enum sf_verdict sf_udp_input(struct sf_net *nt, const struct sf_port *pt,
		struct rte_mbuf *m, struct sf_pkt *p);

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

#endif /* SF_NET_H */
