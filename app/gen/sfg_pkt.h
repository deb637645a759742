/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SFG_PKT_H
#define SFG_PKT_H

/*
 * Packets of synfront-gen: SYNs built from a precomputed template with an
 * incrementally updated checksum, and stateless answers to what a server
 * sends back (the third ACK to a SYN-ACK, with optional data, FIN or RST
 * after it, and the last ACK of a close). Shared by synfront-gen and the
 * engine benchmark (bench/sf_bench.c).
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

/* What the generator sends after the third ACK. */
enum sfg_after {
	SFG_AFTER_NONE,
	SFG_AFTER_FIN,
	SFG_AFTER_RST,
};

/* Most bytes of a SYN frame: Ethernet + IPv6 + TCP with 20 B options. */
#define SFG_SYN_MAX 94

/* Flows and options of the generated SYNs. */
struct sfg_cfg {
	uint8_t family;            /* AF_INET or AF_INET6 */
	struct rte_ether_addr src_mac;
	struct rte_ether_addr dst_mac;
	uint8_t src[16];           /* source prefix (v4: first 4 bytes) */
	uint8_t src_prefix;        /* random sources vary the bits after it */
	uint8_t dst[16];           /* destination (v4: first 4 bytes) */
	uint16_t dport;            /* host order */
	uint16_t sport_lo, sport_hi; /* random source ports, host order */
	uint16_t mss;              /* 0: no MSS option */
	int8_t wscale;             /* -1: no window scale option */
	bool sack;                 /* SACK-permitted */
	bool ts;                   /* timestamps (carry the send time) */
	bool ecn;                  /* ECN setup SYN (ECE|CWR) */
	uint16_t ack_data;         /* payload bytes on the third ACK */
	/* those bytes ('x' each when NULL): an HTTP request with --http */
	const uint8_t *ack_payload;
	enum sfg_after after;      /* segment after the third ACK */
};

/* A SYN with everything but the per-packet fields filled in. */
struct sfg_tmpl {
	uint8_t frame[SFG_SYN_MAX];
	uint16_t len;              /* frame bytes */
	uint8_t family;
	uint16_t l3_off, l4_off;
	uint16_t ts_off;           /* offset of TSval in the frame, 0: none */
	uint32_t src_mask;         /* host bits of the varying source word */
	uint16_t src_word_off;     /* offset of the varying 32-bit source word */
	uint32_t tcp_sum;          /* unfolded sum of the fixed TCP fields */
	uint32_t ip_sum;           /* unfolded sum of the fixed IPv4 header */
	uint16_t sport_lo;
	uint32_t sport_span;       /* sport_hi - sport_lo + 1 */
};

/* Counters of the answers (per lcore, summed at the end). */
struct sfg_rx_stats {
	uint64_t synack;       /* SYN-ACKs answered */
	uint64_t after;        /* FIN or RST segments sent after the ACK */
	uint64_t fin;          /* FINs from the server answered */
	uint64_t rst;          /* RSTs from the server */
	uint64_t ack;          /* other segments of ours (ACKs of our FIN) */
	uint64_t other;        /* frames not of ours (ARP, other hosts) */
	uint64_t no_ts;        /* SYN-ACKs without a timestamp echo */
	uint64_t nombuf;       /* answers not sent for want of an mbuf */
	uint64_t resp_2xx;     /* segments starting an HTTP 2xx response */
	uint64_t resp_other;   /* other segments with data from the server */
};

/*
 * Check a configuration and build the template. Returns 0, or -EINVAL
 * with a message naming the bad value in err (of errlen bytes).
 */
int sfg_tmpl_init(struct sfg_tmpl *t, const struct sfg_cfg *c,
		char *err, size_t errlen);

/* Small, fast PRNG (xorshift64*), one per lcore. */
static inline uint64_t
sfg_rand(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/*
 * Write one SYN into m (whose data must be empty and have room for the
 * frame): source host bits host (masked to the prefix's host part),
 * source port sport (host order), sequence number seq, TSval tsval (when
 * the template has timestamps).
 */
void sfg_syn_make(const struct sfg_tmpl *t, struct rte_mbuf *m,
		uint32_t host, uint16_t sport, uint32_t seq, uint32_t tsval);

/*
 * A random source port of the template's range from 32 random bits:
 * multiply-shift, no division.
 */
static inline uint16_t
sfg_sport(const struct sfg_tmpl *t, uint32_t r)
{
	return (uint16_t)(t->sport_lo + (((uint64_t)r * t->sport_span) >> 32));
}

/*
 * Answer a frame received from the server, in place when one answer is
 * enough: a SYN-ACK becomes the third ACK (a second mbuf from pool, put
 * in *extra, carries the FIN or RST of c->after), a FIN becomes the last
 * ACK (or FIN-ACK when we have not closed). Returns the number of frames
 * to send in m (rewritten) and *extra: 0 (m must be freed), 1 or 2.
 * *tsecr is set to the SYN-ACK's TSecr when one was echoed (else left),
 * and so it is for a segment that brings the server's first data (a
 * response: *is_resp, when is_resp is not NULL), which echoes the TSval
 * of the third ACK that carried the request.
 */
unsigned int sfg_answer(const struct sfg_cfg *c, struct rte_mbuf *m,
		struct rte_mempool *pool, uint32_t tsval, struct rte_mbuf **extra,
		uint32_t *tsecr, bool *is_synack, struct sfg_rx_stats *st,
		bool *is_resp);

/*
 * Send the npend frames at pend on (port, queue); those the queue refused
 * move to the front of pend (back-pressure: they go first next time).
 * Returns how many left; *npend is what is still pending.
 */
unsigned int sfg_tx_pending(uint16_t port, uint16_t queue,
		struct rte_mbuf **pend, unsigned int *npend);

#endif /* SFG_PKT_H */
