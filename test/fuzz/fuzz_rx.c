/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * libFuzzer harness: arbitrary bytes as a received frame, through the
 * whole receive path of one engine instance (sf_input_one: parse,
 * validate, responders, the TCP engine with its listeners, requests and
 * connections, which persist from one input to the next). The last input
 * byte is a control byte, so the fuzzer also explores multi-segment
 * mbufs, the checksum-offload paths and the timers:
 *   bit 0: split the frame into two segments (exercises linearisation)
 *   bit 1: use the engine whose port has IPv4 and TCP checksum offloads
 *   bits 2-3: rx IP checksum flag (none, unknown, bad, good)
 *   bits 4-5: rx L4 checksum flag (none, unknown, bad, good); on the
 *             offload engine "good" lets mutated segments past the TCP
 *             checksum into the state machines
 *   bits 6-7: advance the engine clock by 0, 1, 5 or 70 s first (SYN-ACK
 *             and FIN retransmissions, expiry, TIME-WAIT, cookie periods)
 * On the offload engine the cookie MAC is not compared at all (its mask
 * is 0), so every ACK to a cookie listener validates and the fuzzer
 * reaches what follows a valid cookie with any fields decoded; the other
 * engine checks MACs as in production. The wall clock of cookie periods
 * follows the engine clock, so runs reproduce.
 * Every mbuf must come back to the pool, except those the engine holds
 * as third-ACK data of queued connections and in out-of-order queues: a
 * leak aborts the run.
 */

#include <limits.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>

#include "sf_engine_pvt.h"
#include "sf_test.h"

static struct rte_mempool *pool;
static struct sf_engine *eng[2];
static uint32_t now_ms[2];
/* The fake wall clock of cookie periods (et_wall_ms). */
static uint64_t fuzz_wall;
#define FUZZ_WALL0 1700000000000ull

static uint64_t
fuzz_wall_ms(void)
{
	return fuzz_wall;
}

/* Frames the engine originates (retransmissions, FINs, RSTs): dropped. */
static void
fuzz_tx_hook(struct sf_net *nt, uint16_t port_id, struct rte_mbuf *m)
{
	RTE_SET_USED(nt);
	RTE_SET_USED(port_id);
	rte_pktmbuf_free(m);
}

static void
fuzz_accept_close(struct sf_conn *c, const struct sf_conn_info *ci,
		void *arg)
{
	RTE_SET_USED(ci);
	RTE_SET_USED(arg);
	sf_conn_close(c);
}

static void
fuzz_accept_rst(struct sf_conn *c, const struct sf_conn_info *ci, void *arg)
{
	RTE_SET_USED(ci);
	RTE_SET_USED(arg);
	sf_conn_reset(c);
}

static void
fuzz_accept_hold(struct sf_conn *c, const struct sf_conn_info *ci,
		void *arg)
{
	RTE_SET_USED(c);
	RTE_SET_USED(ci);
	RTE_SET_USED(arg);
}

/* An on_close that answers the peer's FIN by resetting. */
static void
fuzz_on_close(struct sf_conn *c, enum sf_close_reason why, void *arg)
{
	RTE_SET_USED(arg);
	if (why == SF_CLOSE_PEER_FIN)
		sf_conn_reset(c);
}

/*
 * mbufs the engine holds: third-ACK data of queued connections, and
 * bytes beyond a gap in the connections' out-of-order queues (counted
 * here from the queues themselves, not from the worker's tally).
 */
static unsigned int
fuzz_held(struct sf_engine *e)
{
	const struct sf_wtcp *wt = &sf_engine_worker(e, 0)->wk_tcp;
	unsigned int i, n = 0, ofo = 0;

	for (i = 0; i < wt->wt_conntab.ft_cap; i++) {
		n += wt->wt_conn[i].cn_state != SF_CS_FREE &&
			wt->wt_tcb[i].tb_data != NULL;
		ofo += wt->wt_tcb[i].tb_ofo_n;
	}
	if (ofo != wt->wt_ofo_mbufs) {
		fprintf(stderr, "out-of-order tally %u, queues hold %u\n",
			wt->wt_ofo_mbufs, ofo);
		abort();
	}
	return n + ofo;
}

static struct sf_engine *
fuzz_engine(bool offload)
{
	/* Small tables: they fill up, and fuzz_held() scans them. */
	struct sf_engine_params ep = { .nb_workers = 1,
		.socket_id = SOCKET_ID_ANY, .pool = pool,
		.max_requests = 32, .max_conns = 32 };
	struct sf_listener_params lp;
	struct sf_port_conf pc = {
		.mac = {{ 0x02, 0, 0, 0, 0, 0x01 }},
	};
	static const char *const addrs[] = { "10.10.0.1/24",
		"fd00:10:10::1/64", "192.0.2.1/32" };
	struct sf_engine *e;
	struct sf_worker *w;
	struct sf_addr a;
	unsigned int i;

	if (offload) {
		pc.rx_offloads = RTE_ETH_RX_OFFLOAD_IPV4_CKSUM |
			RTE_ETH_RX_OFFLOAD_TCP_CKSUM;
		pc.tx_offloads = RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
	}
	e = sf_engine_create(&ep);
	if (e == NULL || sf_engine_port_add(e, 0, &pc) != 0)
		abort();
	for (i = 0; i < RTE_DIM(addrs); i++)
		if (sf_addr_parse(addrs[i], &a) != 0 ||
		    sf_engine_addr_add(e, 0, &a) != 0)
			abort();
	sf_engine_tx_hook(e, fuzz_tx_hook);
	/*
	 * Listeners of every kind: 80 holds (any address), 81 never
	 * accepts (backlog 1: overflows), 82 resets, 83 closes, 84 defers
	 * and resets on the peer's FIN, 85 on one IPv4 address with small
	 * queues and no options (cookies when full), 86 always cookies and
	 * defers, 87 never cookies with a small SYN queue (proven peers).
	 */
	for (i = 0; i < 8; i++) {
		sf_listener_params_init(&lp);
		lp.port = (uint16_t)(80 + i);
		lp.synack_retries = 2;
		switch (i) {
		case 0: lp.on_accept = fuzz_accept_hold; break;
		case 1: lp.backlog = 1; break;
		case 2: lp.on_accept = fuzz_accept_rst; break;
		case 3: lp.on_accept = fuzz_accept_close; break;
		case 4:
			lp.on_accept = fuzz_accept_hold;
			lp.on_close = fuzz_on_close;
			lp.defer_accept = 2;
			break;
		case 6:
			lp.on_accept = fuzz_accept_hold;
			lp.syncookies = 2;
			lp.defer_accept = 1;
			break;
		case 7:
			lp.on_accept = fuzz_accept_close;
			lp.syncookies = 0;
			lp.syn_backlog = 8;
			break;
		default:
			sf_addr_parse("10.10.0.1", &lp.addr);
			lp.on_accept = fuzz_accept_hold;
			lp.syn_backlog = 2;
			lp.timestamps = lp.sack = lp.ecn = false;
			lp.abort_on_overflow = true;
			break;
		}
		if (sf_engine_listen(e, &lp) < 0)
			abort();
	}
	w = sf_engine_worker(e, 0);
	if (offload)
		w->wk_tcp.wt_ck.ck_mask_ts = w->wk_tcp.wt_ck.ck_mask_nots = 0;
	fuzz_wall = FUZZ_WALL0;
	e->en_tcp.et_wall_ms = fuzz_wall_ms;
	w->wk_tcp.wt_ck_next = w->wk_tcp.wt_net.nt_now;
	sf_worker_clock(w, w->wk_tcp.wt_net.nt_now);
	return e;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	RTE_SET_USED(argc);
	pool = sf_test_fuzz_init((*argv)[0], "sf_fuzz", 255);
	eng[0] = fuzz_engine(false);
	/* Engines are made after the pool: their params name it. */
	eng[1] = fuzz_engine(true);
	return 0;
}

static const uint64_t fuzz_l4_flags[4] = {
	RTE_MBUF_F_RX_L4_CKSUM_NONE,
	RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN,
	RTE_MBUF_F_RX_L4_CKSUM_BAD,
	RTE_MBUF_F_RX_L4_CKSUM_GOOD,
};

static const uint32_t fuzz_advance_ms[4] = { 0, 1000, 5000, 70000 };

static const uint64_t fuzz_rx_flags[4] = {
	RTE_MBUF_F_RX_IP_CKSUM_NONE,
	RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN,
	RTE_MBUF_F_RX_IP_CKSUM_BAD,
	RTE_MBUF_F_RX_IP_CKSUM_GOOD,
};

static struct rte_mbuf *
fuzz_mbuf(const uint8_t *data, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	char *p;

	if (m == NULL || (p = rte_pktmbuf_append(m, len)) == NULL)
		abort();
	memcpy(p, data, len);
	return m;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rte_mbuf *m, *tail;
	struct sf_engine *e;
	struct sf_worker *w;
	unsigned int held;
	uint16_t len, split;
	uint8_t ctl;

	if (size < 2)
		return 0;
	ctl = data[size - 1];
	len = (uint16_t)RTE_MIN(size - 1, (size_t)RTE_ETHER_MAX_LEN);
	split = (ctl & 1) && len > 16 ? len / 2 : len;

	m = fuzz_mbuf(data, split);
	if (split < len) {
		tail = fuzz_mbuf(data + split, len - split);
		if (rte_pktmbuf_chain(m, tail) != 0)
			abort();
	}
	m->ol_flags = fuzz_rx_flags[(ctl >> 2) & 3] |
		fuzz_l4_flags[(ctl >> 4) & 3];
	e = eng[(ctl >> 1) & 1];
	w = sf_engine_worker(e, 0);
	now_ms[(ctl >> 1) & 1] += fuzz_advance_ms[ctl >> 6];
	fuzz_wall = FUZZ_WALL0 + now_ms[(ctl >> 1) & 1];
	sf_worker_clock(w, now_ms[(ctl >> 1) & 1]);
	/* TX or DROP/DONE: the mbuf is ours again; KEPT: the engine's. */
	if (sf_input_one(w, 0, m) != SF_VERDICT_KEPT)
		rte_pktmbuf_free(m);
	held = fuzz_held(eng[0]) + fuzz_held(eng[1]);
	if (rte_mempool_avail_count(pool) + held != pool->size) {
		fprintf(stderr, "mbuf leak: %u in use, %u held\n",
			pool->size - rte_mempool_avail_count(pool), held);
		abort();
	}
	return 0;
}
