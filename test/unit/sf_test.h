/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_TEST_H
#define SF_TEST_H

/*
 * Minimal unit-test support: EAL without hugepages, PCI, shared files or
 * telemetry; one mbuf pool; an engine with port 0 (no ethdev behind it:
 * the tests call the per-frame entry points and read the verdict); and
 * checks that print both values when they differ. Each test binary is a
 * main() that runs its cases and returns the failure count.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_tcp.h>

#include "sf_engine_pvt.h"

extern int sf_test_failures;

#define SF_CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, \
			#cond); \
		sf_test_failures++; \
	} \
} while (0)

#define SF_CHECK_EQ(a, b) do { \
	uint64_t _a = (uint64_t)(a), _b = (uint64_t)(b); \
	if (_a != _b) { \
		fprintf(stderr, "FAIL %s:%d: %s == %s: got %" PRIu64 \
			" (0x%" PRIx64 "), expected %" PRIu64 " (0x%" PRIx64 \
			")\n", __FILE__, __LINE__, #a, #b, _a, _a, _b, _b); \
		sf_test_failures++; \
	} \
} while (0)

#define SF_CHECK_MEM(a, b, n) do { \
	if (memcmp((a), (b), (n)) != 0) { \
		fprintf(stderr, "FAIL %s:%d: %s == %s (%zu bytes)\n", \
			__FILE__, __LINE__, #a, #b, (size_t)(n)); \
		sf_test_failures++; \
	} \
} while (0)

/* Port 0's identity in every test engine. */
#define SF_TEST_PORT 0
extern const struct rte_ether_addr sf_test_mac;   /* 02:00:00:00:00:01 */
extern const struct rte_ether_addr sf_test_peer;  /* 02:00:00:00:00:02 */
/* Addresses of port 0: 10.10.0.1/24 and fd00:10:10::1/64. */
extern const uint8_t sf_test_v4[4];
extern const uint8_t sf_test_v6[16];

extern struct rte_mempool *sf_test_pool;

/* EAL + pool; exits the process with a message when that fails. */
void sf_test_init(int argc, char **argv);

/*
 * For the fuzz harnesses: a quiet EAL (prefix "<tag>_<pid>") whose
 * runtime directory goes at exit (libFuzzer leaves by exit()), and a pool
 * of n mbufs named tag. Aborts when either cannot be made.
 */
struct rte_mempool *sf_test_fuzz_init(const char *argv0, const char *tag,
		unsigned int n);

/*
 * An engine with one worker and port 0 (MAC sf_test_mac, addresses
 * above). tx_ip4_cksum selects the offload path for IPv4 replies.
 */
struct sf_engine *sf_test_engine(bool tx_ip4_cksum);

/*
 * The same engine with nb_workers workers and port 0 set up from pc (its
 * MAC and offloads), for tests of the offload paths and of the counters
 * summed over workers.
 */
struct sf_engine *sf_test_engine_conf(const struct sf_port_conf *pc,
		unsigned int nb_workers);

/* A one-segment mbuf holding a copy of len bytes. */
struct rte_mbuf *sf_test_mbuf(const void *data, uint16_t len);

/* Value of one counter of worker 0. */
uint64_t sf_test_counter(struct sf_engine *eng, enum sf_counter c);

/*
 * Run one frame through sf_input_one() on worker 0; returns the verdict.
 * The mbuf is left to the caller (a reply to inspect, or to free).
 */
enum sf_verdict sf_test_input(struct sf_engine *eng, struct rte_mbuf *m);

/*
 * Run m through sf_test_input() and check the verdict, and that counter c
 * (and c2 for SF_CHECK_INPUT2) of worker 0 went up by one and no other
 * counter moved. Returns m when the verdict is SF_VERDICT_TX (the reply,
 * for the caller to inspect and free); otherwise frees m and returns NULL.
 */
#define SF_CHECK_INPUT(eng, m, verdict, c) \
	sf_test_check_input((eng), (m), (verdict), (c), SF_CNT_MAX, \
		__FILE__, __LINE__)
#define SF_CHECK_INPUT2(eng, m, verdict, c, c2) \
	sf_test_check_input((eng), (m), (verdict), (c), (c2), \
		__FILE__, __LINE__)
/*
 * The same with any number of counters, each expected to move by one per
 * mention: SF_CHECK_INPUTV(eng, m, SF_VERDICT_TX, SF_CNT_a, SF_CNT_b).
 * A KEPT frame belongs to the engine and is not freed.
 */
#define SF_CHECK_INPUTV(eng, m, verdict, ...) \
	sf_test_check_input_v((eng), (m), (verdict), \
		(const enum sf_counter[]){ __VA_ARGS__, SF_CNT_MAX }, \
		__FILE__, __LINE__)
struct rte_mbuf *sf_test_check_input_v(struct sf_engine *eng,
		struct rte_mbuf *m, enum sf_verdict verdict,
		const enum sf_counter *cs, const char *file, int line);
struct rte_mbuf *sf_test_check_input(struct sf_engine *eng,
		struct rte_mbuf *m, enum sf_verdict verdict, enum sf_counter c,
		enum sf_counter c2, const char *file, int line);

/*
 * Frame building. Each writes one header at buf and returns its length.
 * Frames come from sf_test_peer. VLAN tags: the first is 802.1ad (VID
 * 100) when there are two or more, 802.1Q otherwise; the others are
 * 802.1Q with VIDs 200, 300.
 */
uint16_t sf_test_put_eth(void *buf, const struct rte_ether_addr *dst,
		unsigned int nb_vlan, uint16_t ethertype);
/* IPv4 without options, TTL 64, header checksum filled in. */
uint16_t sf_test_put_ip4(void *buf, const uint8_t *src, const uint8_t *dst,
		uint8_t proto, uint16_t l4_len);
uint16_t sf_test_put_ip6(void *buf, const uint8_t *src, const uint8_t *dst,
		uint8_t proto, uint16_t payload_len, uint8_t hop_limit);

/*
 * Reference Internet checksum, written here rather than taken from DPDK
 * so the library's use of rte_raw_cksum is checked against something
 * else: the one's complement sum of len bytes read as big-endian words,
 * added to sum and folded. A region holding a valid checksum sums to
 * 0xffff.
 */
uint16_t sf_test_sum(const void *data, size_t len, uint32_t sum);
/* The same over the IPv6 pseudo-header (RFC 8200 8.1) and len bytes. */
uint16_t sf_test_ip6_sum(const struct rte_ipv6_hdr *ip6, const void *l4,
		uint32_t len, uint8_t proto);
/* Store ~sum big-endian at field: the checksum that makes the sum 0xffff. */
void sf_test_put_cksum(void *field, uint16_t sum);

/*
 * TCP. The peer's addresses: 10.10.0.2 and fd00:10:10::2 (on port 0's
 * subnets).
 */
extern const uint8_t sf_test_peer_v4[4];
extern const uint8_t sf_test_peer_v6[16];

/*
 * Frames the engine originates (the tx hook sf_test_engine_tcp() sets),
 * in the order sent; sf_test_tx_flush() frees them.
 */
#define SF_TEST_TX_MAX 64
extern struct rte_mbuf *sf_test_tx[SF_TEST_TX_MAX];
extern unsigned int sf_test_tx_n;
void sf_test_tx_hook(struct sf_net *nt, uint16_t port_id,
		struct rte_mbuf *m);
void sf_test_tx_flush(void);

/* What a peer received of one connection, in order (sf_test_stream_take). */
struct sf_test_stream {
	uint32_t rcv;             /* the next sequence number due */
	uint8_t *buf;             /* the bytes, n of cap used */
	uint32_t n, cap;
	bool fin;                 /* the engine's FIN came, in order */
	bool rst;                 /* a RST came */
};

/*
 * Take the frames in sf_test_tx, and extra unless NULL, as the peer of
 * st: bytes at st->rcv appended to st->buf (out-of-order ones and what
 * does not fit are left out), a FIN after them moves rcv past it. Every
 * frame is freed and sf_test_tx emptied.
 */
void sf_test_stream_take(struct sf_test_stream *st, struct rte_mbuf *extra);

/*
 * An engine as sf_test_engine(false) but made from params (NULL: one
 * worker, 64 requests, 64 connections; TIME-WAIT 2 s unless params
 * say), with sf_test_pool for the
 * segments it originates (unless params names a pool) and the tx hook
 * capturing them into sf_test_tx.
 */
struct sf_engine *sf_test_engine_tcp(const struct sf_engine_params *params);
/* The same with port 0 set up from pc (offloads). */
struct sf_engine *sf_test_engine_tcp_port(const struct sf_engine_params *params,
		const struct sf_port_conf *pc);

/*
 * The fixture of the TCP tests: sf_test_engine_tcp(params) with one
 * listener (id 0) made from lp; exits the test when it cannot listen.
 * sf_test_teardown() frees what the engine sent and the engine.
 */
struct sf_engine *sf_test_listen_engine(const struct sf_engine_params *params,
		const struct sf_listener_params *lp);
void sf_test_teardown(struct sf_engine *eng);

/* A broadcast ARP request from the peer for our IPv4 address. */
struct rte_mbuf *sf_test_arp_request(void);
/*
 * An ARP frame from the peer about our IPv4 address: a broadcast request
 * (RTE_ARP_OP_REQUEST), or a reply to us (RTE_ARP_OP_REPLY).
 */
struct rte_mbuf *sf_test_arp_frame(uint16_t op);

/* A TCP segment from the peer to port 0 (sf_test_tcp_frame()). */
struct sf_test_tcp {
	bool v6;
	const uint8_t *src;       /* 4 or 16 bytes */
	const uint8_t *dst;
	uint16_t sport, dport;    /* host order */
	uint32_t seq, ack;
	uint8_t flags;            /* RTE_TCP_*_FLAG */
	uint16_t win;
	uint8_t optlen;           /* a multiple of 4 */
	uint8_t opt[40];
	const void *data;
	uint16_t data_len;
	unsigned int nb_vlan;
	bool bad_csum;            /* spoil the TCP checksum */
};

/* Peer to our address of the family, window 29200, no options. */
void sf_test_tcp_init(struct sf_test_tcp *t, bool v6, uint16_t sport,
		uint16_t dport);

/*
 * SYN options in Linux's order <mss, sackOK, TS, nop, wscale>, those
 * whose SF_TOF_* bit is in which, padded with NOPs; returns the length.
 */
uint8_t sf_test_tcp_synopts(uint8_t *opt, unsigned int which, uint16_t mss,
		uint8_t wscale, uint32_t tsval, uint32_t tsecr);

/* The frame of t, with valid IP and TCP checksums (unless bad_csum). */
struct rte_mbuf *sf_test_tcp_frame(const struct sf_test_tcp *t);

/* A TCP segment the engine sent, parsed back. */
struct sf_test_seg {
	bool v6;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win;
	uint8_t optlen;
	uint8_t opt[40];
	uint16_t data_len;
	unsigned int nb_vlan;
	uint16_t vlan_tci[2];
	struct sf_tcp_opts opts;  /* the options parsed */
};

/*
 * Parse a segment the engine built and check what every one must be:
 * peer MAC from the port's, our address as source, TTL/hop limit 64,
 * DF and a valid header checksum (IPv4), a valid TCP checksum. Checksums
 * left to the NIC (TX offload flags) are checked against DPDK's contract
 * and filled in on a copy first, as the NIC would. Failures are counted
 * at the caller's line; returns false when unparseable.
 */
#define SF_TEST_TCP_PARSE(m, s) sf_test_tcp_parse((m), (s), __FILE__, __LINE__)
bool sf_test_tcp_parse(const struct rte_mbuf *m, struct sf_test_seg *s,
		const char *file, int line);

/*
 * One client connection of the peer, for the tests that open
 * connections through a real handshake with a listener.
 */
struct sf_test_client {
	struct sf_test_tcp t;  /* addresses and ports */
	uint32_t isn;          /* the client's ISN */
	uint32_t iss;          /* ours, from the SYN-ACK */
	bool ts;               /* send <nop,nop,TS> on every segment */
	uint32_t tsval;
	uint32_t tsecr;
};

/* A client from sport to dport: ISN 1000000 * sport, TSval 5000. */
void sf_test_client_init(struct sf_test_client *p, bool v6, uint16_t sport,
		uint16_t dport);

/*
 * A SYN offering the options in which (SF_TOF_*), MSS 1460 and window
 * scale 7; later segments carry timestamps if this one did.
 */
struct rte_mbuf *sf_test_syn_frame(struct sf_test_client *p,
		unsigned int which);

/* A segment after the SYN, with timestamps if the SYN had them. */
struct rte_mbuf *sf_test_seg_frame(const struct sf_test_client *p,
		uint8_t flags, uint32_t seq, uint32_t ack, const void *data,
		uint16_t len);

/*
 * The peer's bare ACK of ack with window win (unscaled), run through
 * worker 0: checks that it was taken in (whatever answered it went out
 * in mbufs of its own) and frees it.
 */
void sf_test_peer_ack(struct sf_engine *eng, struct sf_test_client *p,
		uint32_t ack, uint16_t win);

/*
 * A chain of n mbufs from sf_test_pool, each holding len bytes copied
 * from bytes, or NULL (nothing held) when the pool runs out.
 */
struct rte_mbuf *sf_test_chain(unsigned int n, const void *bytes,
		uint16_t len);

/*
 * A bare ACK after the SYN (timestamps if the SYN had them) carrying a
 * SACK option (RFC 2018 3: <nop, nop, SACK>) of the n blocks blk, left
 * and right edge each, host order; at most 4 blocks, 3 with timestamps
 * (more are cut off).
 */
struct rte_mbuf *sf_test_sack_frame(const struct sf_test_client *p,
		uint32_t seq, uint32_t ack, const uint32_t (*blk)[2],
		unsigned int n);

/*
 * The SYN with the options in which: check that it is answered with a
 * SYN-ACK for it and keep our ISS (and TSval, for the TS echo).
 */
void sf_test_do_syn(struct sf_engine *eng, struct sf_test_client *p,
		unsigned int which);

/* The third ACK, which completes the handshake with no reply. */
void sf_test_do_ack(struct sf_engine *eng, const struct sf_test_client *p);

/*
 * Counters of worker 0 at one moment, and a check that since then exactly
 * the listed counters moved, by one per mention (SF_CNT_MAX alone: none),
 * for what happens outside sf_test_input(): timers, application calls.
 */
struct sf_test_snap {
	uint64_t v[SF_CNT_MAX];
};
void sf_test_snap(struct sf_engine *eng, struct sf_test_snap *s);
#define SF_CHECK_MOVED(eng, snap, ...) \
	sf_test_check_moved((eng), (snap), \
		(const enum sf_counter[]){ __VA_ARGS__, SF_CNT_MAX }, \
		__FILE__, __LINE__)
void sf_test_check_moved(struct sf_engine *eng, const struct sf_test_snap *s,
		const enum sf_counter *cs, const char *file, int line);

/*
 * A SYN cookie as the tests see it: the fields of its layouts (MSS table
 * index, the window-scale field with SF_COOKIE_WS_NONE, SACK and ECN
 * bits, which layout). sf_test_ck_make() and sf_test_ck_check() go
 * through sf_cookie_make() and sf_cookie_check() and their struct
 * sf_tcp_neg; the check also holds what it decoded to the
 * negotiation's rules (no flag outside SF_NEG_FLAGS, no shift without
 * SF_CONN_F_WSCALE, never our own shift).
 */
struct sf_test_ck {
	uint16_t mss;        /* make: the client's MSS; check: table value */
	uint8_t mss_idx;     /* check: the index decoded */
	uint8_t wscale;      /* 0..14, or SF_COOKIE_WS_NONE */
	bool sack;
	bool ecn;
	bool ts;             /* timestamp layout */
};
uint32_t sf_test_ck_make(struct sf_cookie_keys *ck,
		const struct sf_flow_key *k, uint32_t irs,
		const struct sf_test_ck *o, uint32_t *tsval);
int sf_test_ck_check(struct sf_cookie_keys *ck, const struct sf_flow_key *k,
		uint32_t irs, uint32_t iss, bool ts, uint32_t tsecr,
		struct sf_test_ck *out);

/* Remove an EAL runtime directory and the files in it. */
void sf_test_rm_runtime_dir(const char *dir);

/*
 * Print the result line, tear EAL down and remove its runtime directory;
 * returns main()'s exit code.
 */
int sf_test_done(const char *name);

#endif /* SF_TEST_H */
