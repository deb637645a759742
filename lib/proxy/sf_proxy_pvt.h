/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_PROXY_PVT_H
#define SF_PROXY_PVT_H

/*
 * The proxy layer (docs/architecture.md, issue 18): the SYN proxy's
 * pieces above TCP, beside the application contexts. So far: the PROXY
 * protocol header that tells a backend the client's address
 * (sf_proxy_hdr.c), and backend pools: weighted choice of a backend and
 * the health state each keeps from its checks (sf_backend.c). Private
 * header, not installed.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_config.h>

#include "sf_engine.h"
#include "sf_flow.h"
#include "sf_proxy.h"

struct sf_wtcp;

/*
 * PROXY protocol (HAProxy's proxy-protocol.txt, versions 1 and 2): the
 * header a proxy writes at the start of the stream to a backend, saying
 * who the client is. k is the client's connection as synfront keys it:
 * the client is the remote end (source of the PROXY line), our address
 * and port the local end (its destination, the address the client
 * connected to). Version 1 is text, at most 107 bytes ("PROXY TCP4 ...
 * \r\n"); version 2 binary, 16 bytes of header and 12 (IPv4) or 36
 * (IPv6) of addresses. local (v2's LOCAL command): a connection of the
 * proxy's own (a health check), with no addresses: the backend takes
 * the connection's endpoints as they are; version 1 writes "PROXY
 * UNKNOWN\r\n" then. Each returns the header's length, or -ENOSPC when
 * len is too small (nothing written beyond len), -EINVAL for a family
 * that is neither.
 */
#define SF_PP_V1_MAX 107
#define SF_PP_V2_MAX (16 + 36)
int sf_pp_v1(char *buf, size_t len, const struct sf_flow_key *k, bool local);
int sf_pp_v2(uint8_t *buf, size_t len, const struct sf_flow_key *k,
		bool local);

/*
 * The splice's rewrite of one direction (sf_splice.c): what a segment
 * from one leg becomes on the other. Deltas are added modulo 2^32;
 * wscale_in is the sender's shift, wscale_out the one the receiver
 * applies; mss_clamp (0: none) caps the MSS option of a SYN.
 */
struct sf_xlate {
	uint32_t xl_seq_delta;
	uint32_t xl_ack_delta;         /* SEG.ACK and SACK edges */
	uint32_t xl_tsval_delta;
	uint32_t xl_tsecr_delta;
	uint8_t xl_wscale_in;
	uint8_t xl_wscale_out;
	uint16_t xl_mss_clamp;
};

struct rte_tcp_hdr;

/*
 * Rewrite the TCP header th (its options included, as data_off says) in
 * place by x, its checksum updated incrementally (returns the SACK blocks
 * it translated). sf_xlate_window() is
 * the window rule alone; sf_xlate_adjust() updates a checksum for n bytes
 * (even) that change from old to new (addresses, ports: FULLNAT).
 */
unsigned int sf_xlate_tcp(struct rte_tcp_hdr *th, const struct sf_xlate *x);
uint16_t sf_xlate_window(uint16_t win, uint8_t in, uint8_t out);
uint16_t sf_xlate_adjust(uint16_t cksum, const void *old, const void *new,
		unsigned int n);

/*
 * Backend pools (sf_backend.c). A pool is written by the control thread
 * before the workers start (its backends, their weights, the way of
 * choosing); afterwards only each backend's health changes, written by
 * the one lcore that checks it and read by every worker with relaxed
 * atomics. A worker chooses with state of its own (struct sf_bsel), so
 * choosing writes nothing shared.
 */
#define SF_BP_MAX SF_MAX_POOL_BACKENDS
#define SF_BP_WEIGHT_MAX 256
/* HAProxy's defaults: 2 checks in a row to come up, 3 to go down. */
#define SF_BP_RISE_DEFAULT 2
#define SF_BP_FALL_DEFAULT 3

/* How a pool chooses a backend for a new client connection. */
enum sf_bp_sched {
	/* smooth weighted round robin (nginx's): in turn, by weight */
	SF_BP_RR = 0,
	/*
	 * weighted rendezvous hashing of the client's address: a client
	 * keeps its backend while that backend is up, and when one goes
	 * down or comes back only its own share of clients moves
	 */
	SF_BP_HASH,
};

struct sf_backend {
	struct sf_addr be_addr;        /* prefix_len full */
	uint16_t be_port;              /* host order */
	uint16_t be_weight;            /* 1..SF_BP_WEIGHT_MAX */
	uint8_t be_up;                 /* health; relaxed atomics */
	/* the checker's: checks in a row with the other outcome so far */
	uint8_t be_rise_n;
	uint8_t be_fall_n;
	uint64_t be_checks;            /* checks done */
	uint64_t be_check_fails;       /* of them failed */
	uint64_t be_changes;           /* up/down transitions */
	/* client connections sent to it, and of them those whose open
	 * failed: every worker adds, with relaxed atomics */
	uint64_t be_conns;
	uint64_t be_errors;
	/* health checks (sf_hcheck.c), the checking worker's alone */
	struct sf_bpool *be_pool;      /* its pool */
	uint8_t be_idx;                /* its index there */
	uint8_t be_hc_inflight;        /* a check's connection is open */
	uint32_t be_hc_next;           /* ms tick of the next check */
};

struct sf_bpool {
	unsigned int bp_nb;
	uint8_t bp_sched;              /* enum sf_bp_sched */
	uint8_t bp_rise;               /* checks in a row to come up */
	uint8_t bp_fall;               /* ... to go down */
	uint32_t bp_check_ms;          /* 0: no checks */
	uint32_t bp_check_timeout_ms;
	struct sf_backend bp_be[SF_BP_MAX];
};

/* One worker's round-robin state for a pool (smooth WRR's currents). */
struct sf_bsel {
	int32_t bs_cur[SF_BP_MAX];
};

/*
 * sf_bpool_init() empties a pool (round robin, HAProxy's rise and fall);
 * sf_bpool_add() adds a backend, up, with weight 1..SF_BP_WEIGHT_MAX:
 * its index, or -EINVAL (bad address, port 0, weight out of range),
 * -EEXIST, -ENOSPC. sf_bpool_pick() chooses for client connection k
 * among the backends of k's family that are up (the splice rewrites a
 * segment within its family): its index, or -ENOENT when none is.
 * sf_bpool_pick_other() leaves backend skip out (the one whose open just
 * failed: -1 for none), so a retry goes elsewhere or nowhere.
 * sf_bpool_check() takes the outcome of a check of backend i: true when
 * it changed the backend's state (up after rise successes in a row,
 * down after fall failures in a row).
 */
void sf_bpool_init(struct sf_bpool *bp);
int sf_bpool_add(struct sf_bpool *bp, const struct sf_addr *a, uint16_t port,
		unsigned int weight);
int sf_bpool_pick(const struct sf_bpool *bp, struct sf_bsel *st,
		const struct sf_flow_key *k);
int sf_bpool_pick_other(const struct sf_bpool *bp, struct sf_bsel *st,
		const struct sf_flow_key *k, int skip);
bool sf_bpool_check(struct sf_bpool *bp, unsigned int i, bool ok);

static inline bool
sf_backend_up(const struct sf_backend *be)
{
	return __atomic_load_n(&be->be_up, __ATOMIC_RELAXED) != 0;
}

/*
 * The engine's pools (sf_hcheck.c drives their checks): added by the
 * control thread before the workers poll, then fixed but for each
 * backend's health. Backend g (counting over the pools in order) is
 * checked by worker g mod workers, from its clock.
 */
struct sf_pxw;

struct sf_proxy {
	unsigned int px_nb_pools;
	struct sf_bpool *px_pools;     /* SF_MAX_POOLS */
	/* the splice's settings (sf_pair.c), fixed before the workers poll */
	uint32_t px_idle_ms;           /* a spliced pair with no segment */
	uint32_t px_fin_idle_ms;       /* ... once either side sent FIN */
	uint8_t px_retries;            /* other backends tried on failure */
	uint8_t px_syn_retries;        /* SYNs to a backend, after the first */
	uint32_t px_syn_timeout_ms;    /* first SYN retransmission */
	/* per worker: the pairs (made with the first pool) */
	unsigned int px_nb_w;
	struct sf_pxw *px_w;
	struct sf_wtcp **px_wt;
	/* per worker, written by it alone: the tick of its last scan */
	uint32_t px_scan[RTE_MAX_LCORE];
};

int sf_proxy_init(struct sf_proxy *px, int socket);
void sf_proxy_fini(struct sf_proxy *px);
int sf_proxy_pool_add(struct sf_proxy *px, const struct sf_pool_params *p);
int sf_proxy_backend_add(struct sf_proxy *px, unsigned int pool,
		const struct sf_addr *a, uint16_t port, unsigned int weight);

/*
 * Worker w of nw (its TCP state wt): the checks due on the backends it
 * checks, at most once per SF_HC_SCAN_MS. A check is an active open
 * (sf_tcp_connect()) that succeeds when the backend's SYN-ACK comes (the
 * connection is then reset: no TIME-WAIT on either side) and fails on a
 * RST, a timeout or an unreachable next hop (counted: backend_checks,
 * backend_check_fails, backend_ups, backend_downs).
 */
#define SF_HC_SCAN_MS 10
void sf_proxy_clock(struct sf_proxy *px, struct sf_wtcp *wt, unsigned int w,
		unsigned int nw);

/* A backend's connection and error counts (any worker). */
static inline void
sf_backend_count_conn(struct sf_proxy *px, unsigned int pool, unsigned int i)
{
	__atomic_fetch_add(&px->px_pools[pool].bp_be[i].be_conns, 1,
		__ATOMIC_RELAXED);
}

static inline void
sf_backend_count_error(struct sf_proxy *px, unsigned int pool,
		unsigned int i)
{
	__atomic_fetch_add(&px->px_pools[pool].bp_be[i].be_errors, 1,
		__ATOMIC_RELAXED);
}

/*
 * The splice (sf_pair.c): a pair is a client connection of a proxy
 * listener and the connection opened to a backend for it, on one
 * worker, kept in an array indexed by the client connection's slot.
 * One direction's state is kept in its sender's sequence space.
 */
enum sf_pr_state {
	SF_PR_FREE = 0,
	SF_PR_CONNECTING,   /* the backend's SYN sent; client data held */
	SF_PR_UP,           /* spliced */
};

#define SF_PRF_CFIN       0x01  /* the client's FIN went on */
#define SF_PRF_BFIN       0x02  /* the backend's FIN went on */
#define SF_PRF_CFIN_ACKED 0x04  /* (SF_PRF_CFIN << 2): acknowledged */
#define SF_PRF_BFIN_ACKED 0x08
#define SF_PRF_DONE       0x0f
#define SF_PRF_CFIRST     0x10  /* the client closed first */
#define SF_PRF_HDR        0x20  /* the PROXY header is not acknowledged */
#define SF_PRF_TSADD      0x40  /* client has timestamps, the backend not */
#define SF_PRF_NOECN      0x80  /* client has ECN, the backend not */

/* Idle limits of a spliced pair, before and after a FIN. */
#define SF_PX_IDLE_MS_DEFAULT 900000u
#define SF_PX_FIN_IDLE_MS_DEFAULT 60000u

/* Client segments a pair holds until its backend answers. */
#define SF_PX_HOLD_SEGS 8
/* The PROXY header's first resend, and resends before the pair ends. */
#define SF_PX_HDR_RTO_MS 200
#define SF_PX_HDR_TRIES 6

struct sf_pdir {
	struct sf_xlate pd_x;          /* the rewrite of this direction */
	uint32_t pd_nxt;               /* past its highest byte or FIN */
	uint32_t pd_ack;               /* its highest ACK (other's bytes) */
	uint32_t pd_wnd;               /* its last window, bytes */
	uint32_t pd_fin;               /* its FIN's sequence number + 1 */
	uint32_t pd_tsraw;             /* its newest TSval */
	uint32_t pd_tsval;             /* ... as the receiver saw it */
};

struct sf_pair {
	struct sf_conn *pr_c;          /* the client leg */
	struct sf_conn *pr_b;          /* the backend leg, NULL before */
	struct sf_pdir pr_d[2];        /* client to backend, and back */
	uint32_t pr_last;              /* tick of the last segment on */
	uint32_t pr_c_ts0;             /* the client's third-ACK TSval */
	uint32_t pr_c_tsecr0;          /* its TSecr: our SYN-ACK's TSval */
	uint32_t pr_hdr_end;           /* backend leg: past the header */
	uint32_t pr_hdr_at;            /* tick the header goes again */
	uint32_t pr_t0;                /* tick the pair was spliced */
	uint8_t pr_state;              /* enum sf_pr_state */
	uint8_t pr_flags;              /* SF_PRF_* */
	uint8_t pr_pool;
	uint8_t pr_be;                 /* backend index in the pool */
	uint8_t pr_tries;              /* backends tried after the first */
	uint8_t pr_pp;                 /* PROXY protocol version, 0: none */
	uint8_t pr_hdr_tx;             /* times the header went */
};

/* One worker's splice state. */
struct sf_pxw {
	struct sf_proxy *pw_px;
	struct sf_pair *pw_pairs;      /* by client connection slot */
	struct sf_bsel pw_bsel[SF_MAX_POOLS];
} __rte_cache_aligned;

/*
 * Make every worker's pairs and give the workers the splice (the first
 * pool does it, before the workers poll); undo it.
 */
int sf_proxy_workers_init(struct sf_proxy *px, struct sf_wtcp **wts,
		unsigned int nb, int socket);
void sf_proxy_workers_fini(struct sf_proxy *px);

#endif /* SF_PROXY_PVT_H */
