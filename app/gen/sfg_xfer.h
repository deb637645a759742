/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SFG_XFER_H
#define SFG_XFER_H

/*
 * The transfer mode of synfront-gen: C real connections to the server,
 * each a small, stateful TCP sender (and, with echo, receiver) of a known
 * byte pattern. See sfg_xfer.c and docs/generator.md.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mempool.h>

#include "sfg_pkt.h"

#define SFG_XFER_MAX_BURST 256

struct sfg_xfer_opts {
	uint16_t port, queue;
	struct rte_mempool *pool;
	const struct sfg_cfg *pkt;   /* addresses, MACs, SYN options */
	const struct sfg_tmpl *tmpl; /* the SYN template */
	uint32_t conns;              /* connections, source ports from
	                              * pkt->sport_lo on */
	uint64_t bytes;              /* per connection; 0: until duration */
	double duration;             /* seconds: no new data after it */
	double drain;                /* seconds after that for the closes */
	bool echo;                   /* the server echoes: receive, check */
	uint32_t inflight;           /* bytes in flight per connection, cap */
	uint32_t rto_ms;             /* retransmission timeout (go-back-N) */
	unsigned int burst;
	double stats_interval;       /* progress line, 0: none */
	uint64_t seed;
	volatile bool *quit;
};

struct sfg_xfer_res {
	uint64_t tx_syn, syn_retrans, rx_synack;
	uint64_t established;   /* connections whose SYN-ACK came */
	uint64_t closed;        /* both FINs exchanged, all data acked */
	uint64_t rx_rst;        /* connections reset by the server */
	uint64_t bytes;         /* payload bytes acknowledged (all conns) */
	uint64_t bytes_tx;      /* payload bytes sent, retransmissions too */
	uint64_t segs;          /* data segments sent, retransmissions too */
	uint64_t retrans_segs;  /* data segments (and FINs) sent again */
	uint64_t timeouts;      /* retransmission timeouts that fired */
	uint64_t probes;        /* window probes (zero window, idle) */
	uint64_t tx_acks;       /* pure ACKs sent */
	uint64_t tx_fin;        /* FINs sent */
	uint64_t rx_segs;       /* segments of our connections received */
	uint64_t rx_data_segs;  /* of them with data */
	uint64_t rx_dup_segs;   /* data out of order or already had */
	uint64_t rx_other;      /* frames not of our connections */
	uint64_t echo_bytes;    /* bytes received in order */
	uint64_t echo_bad;      /* data segments whose bytes were wrong */
	uint64_t tx_busy;       /* frames the tx queue refused (retried) */
	uint64_t nombuf;        /* frames not built for want of mbufs */
	uint32_t peer_mss, seg_bytes;  /* SYN-ACK's MSS; our payload/seg */
	int peer_wscale;        /* -1: no window scaling */
	bool ts;                /* timestamps negotiated */
	double seconds;         /* start to the last data acknowledged */
	double echo_seconds;    /* start to the last echoed byte */
	double total_seconds;   /* start to the end of the run */
};

/* Run the transfer on this lcore; 0, or -errno. */
int sfg_xfer_run(const struct sfg_xfer_opts *o, struct sfg_xfer_res *r);

#endif /* SFG_XFER_H */
