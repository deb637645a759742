/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * lib/proxy/: the PROXY protocol headers (sf_proxy_hdr.c) against the
 * bytes HAProxy's proxy-protocol.txt specifies, for IPv4, IPv6 and LOCAL,
 * and the room they need; backend pools (sf_backend.c): smooth weighted
 * round robin's order and shares, the client-address hash's shares by
 * weight and its stability when a backend goes down and comes back, no
 * backend when none is up, and the rise/fall health rule; the checks an
 * engine's worker runs (SYN, SYN-ACK -> RST, refused, timed out); the
 * splice's header rewrite (sf_splice.c) and its incremental checksum.
 */

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <rte_byteorder.h>

#include "sf_cksum.h"
#include "sf_proxy_pvt.h"
#include "sf_tcp_opt.h"
#include "sf_test.h"

/* Client 192.0.2.10:56324 to our 198.51.100.1:443 (or the v6 pair). */
static void
client_key(struct sf_flow_key *k, bool v6, uint32_t n)
{
	static const uint8_t c6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 };
	static const uint8_t l6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };

	memset(k, 0, sizeof(*k));
	k->fk_family = v6 ? AF_INET6 : AF_INET;
	if (v6) {
		memcpy(k->fk_raddr, c6, 16);
		memcpy(k->fk_laddr, l6, 16);
		k->fk_raddr[3] ^= rte_cpu_to_be_32(n);
	} else {
		k->fk_raddr[0] = rte_cpu_to_be_32(0xc000020a + n);
		k->fk_laddr[0] = rte_cpu_to_be_32(0xc6336401);
	}
	k->fk_rport = rte_cpu_to_be_16(56324);
	k->fk_lport = rte_cpu_to_be_16(443);
}

static void
test_pp_v1(void)
{
	static const char v4[] =
		"PROXY TCP4 192.0.2.10 198.51.100.1 56324 443\r\n";
	static const char v6[] =
		"PROXY TCP6 2001:db8::10 2001:db8::1 56324 443\r\n";
	static const char unk[] = "PROXY UNKNOWN\r\n";
	struct sf_flow_key k;
	char buf[SF_PP_V1_MAX + 1];

	client_key(&k, false, 0);
	SF_CHECK_EQ(sf_pp_v1(buf, sizeof(buf), &k, false), strlen(v4));
	SF_CHECK_MEM(buf, v4, strlen(v4));
	/* The header is all that is written: no room for it, nothing. */
	SF_CHECK_EQ(sf_pp_v1(buf, strlen(v4), &k, false), -ENOSPC);
	client_key(&k, true, 0);
	SF_CHECK_EQ(sf_pp_v1(buf, sizeof(buf), &k, false), strlen(v6));
	SF_CHECK_MEM(buf, v6, strlen(v6));
	SF_CHECK_EQ(sf_pp_v1(buf, sizeof(buf), &k, true), strlen(unk));
	SF_CHECK_MEM(buf, unk, strlen(unk));
	k.fk_family = 0;
	SF_CHECK_EQ(sf_pp_v1(buf, sizeof(buf), &k, false), -EINVAL);
}

static void
test_pp_v2(void)
{
	static const uint8_t sig[12] = { 0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d,
		0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a };
	static const uint8_t v4tail[16] = {
		0x21, 0x11, 0x00, 0x0c,               /* v2 PROXY, TCP4, 12 */
		192, 0, 2, 10, 198, 51, 100, 1,       /* source, destination */
		0xdc, 0x04, 0x01, 0xbb,               /* 56324, 443 */
	};
	uint8_t buf[SF_PP_V2_MAX];
	struct sf_flow_key k;

	client_key(&k, false, 0);
	SF_CHECK_EQ(sf_pp_v2(buf, sizeof(buf), &k, false), 28);
	SF_CHECK_MEM(buf, sig, 12);
	SF_CHECK_MEM(buf + 12, v4tail, 16);
	SF_CHECK_EQ(sf_pp_v2(buf, 27, &k, false), -ENOSPC);
	client_key(&k, true, 0);
	SF_CHECK_EQ(sf_pp_v2(buf, sizeof(buf), &k, false), 52);
	SF_CHECK_MEM(buf, sig, 12);
	SF_CHECK_EQ(buf[12], 0x21);
	SF_CHECK_EQ(buf[13], 0x21);                   /* TCP over IPv6 */
	SF_CHECK_EQ(buf[14] << 8 | buf[15], 36);
	SF_CHECK_MEM(buf + 16, k.fk_raddr, 16);
	SF_CHECK_MEM(buf + 32, k.fk_laddr, 16);
	SF_CHECK_EQ(buf[48] << 8 | buf[49], 56324);
	SF_CHECK_EQ(buf[50] << 8 | buf[51], 443);
	/* LOCAL (a health check): no addresses at all. */
	SF_CHECK_EQ(sf_pp_v2(buf, sizeof(buf), &k, true), 16);
	SF_CHECK_EQ(buf[12], 0x20);
	SF_CHECK_EQ(buf[13], 0x00);
	SF_CHECK_EQ(buf[14] | buf[15], 0);
}

/*
 * A pool of n backends 10.20.0.1.. (or fd00:20::1.. with v6) :80 with
 * the given weights.
 */
static void
pool_of(struct sf_bpool *bp, unsigned int n, const unsigned int *w, bool v6)
{
	struct sf_addr a = { .family = AF_INET, .prefix_len = 32 };
	unsigned int i;

	if (v6) {
		a.family = AF_INET6;
		a.prefix_len = 128;
		a.v6[0] = 0xfd;
		a.v6[3] = 0x20;
	}
	sf_bpool_init(bp);
	for (i = 0; i < n; i++) {
		if (v6)
			a.v6[15] = (uint8_t)(1 + i);
		else
			a.v4 = rte_cpu_to_be_32(0x0a140001 + i);
		SF_CHECK_EQ(sf_bpool_add(bp, &a, 80, w[i]), i);
	}
}

static void
pool(struct sf_bpool *bp, unsigned int n, const unsigned int *w)
{
	pool_of(bp, n, w, false);
}

static void
test_pool_add(void)
{
	static const unsigned int w1[1] = { 1 };
	struct sf_addr a = { .family = AF_INET, .prefix_len = 32 };
	struct sf_bpool bp;
	unsigned int i;

	pool(&bp, 1, w1);
	a.v4 = rte_cpu_to_be_32(0x0a140001);
	SF_CHECK_EQ(sf_bpool_add(&bp, &a, 80, 1), -EEXIST);
	SF_CHECK_EQ(sf_bpool_add(&bp, &a, 81, 0), -EINVAL);
	SF_CHECK_EQ(sf_bpool_add(&bp, &a, 81, SF_BP_WEIGHT_MAX + 1), -EINVAL);
	SF_CHECK_EQ(sf_bpool_add(&bp, &a, 0, 1), -EINVAL);
	for (i = 1; i < SF_BP_MAX; i++)
		SF_CHECK_EQ(sf_bpool_add(&bp, &a, (uint16_t)(81 + i), 1), i);
	SF_CHECK_EQ(sf_bpool_add(&bp, &a, 9, 1), -ENOSPC);
}

/*
 * Weights 5, 1, 1: nginx's smooth order a a b a c a a, repeating; over
 * 7000 choices exact shares; a backend down gets none, the rest keep
 * their ratio; none up: -ENOENT.
 */
static void
test_rr(void)
{
	static const unsigned int w[3] = { 5, 1, 1 };
	static const int order[7] = { 0, 0, 1, 0, 2, 0, 0 };
	struct sf_bpool bp;
	struct sf_bsel st;
	struct sf_flow_key k;
	unsigned int i, n[3] = { 0 };

	pool(&bp, 3, w);
	memset(&st, 0, sizeof(st));
	client_key(&k, false, 0);
	for (i = 0; i < 7; i++)
		SF_CHECK_EQ(sf_bpool_pick(&bp, &st, &k), order[i]);
	for (i = 0; i < 7000; i++)
		n[sf_bpool_pick(&bp, &st, &k)]++;
	SF_CHECK_EQ(n[0], 5000);
	SF_CHECK_EQ(n[1], 1000);
	SF_CHECK_EQ(n[2], 1000);
	bp.bp_be[0].be_up = 0;
	memset(n, 0, sizeof(n));
	for (i = 0; i < 2000; i++)
		n[sf_bpool_pick(&bp, &st, &k)]++;
	SF_CHECK_EQ(n[0], 0);
	SF_CHECK_EQ(n[1], 1000);
	SF_CHECK_EQ(n[2], 1000);
	bp.bp_be[1].be_up = bp.bp_be[2].be_up = 0;
	SF_CHECK_EQ(sf_bpool_pick(&bp, &st, &k), -ENOENT);
	/*
	 * A client's family only: an IPv6 client of a pool with an IPv6
	 * backend among IPv4 ones always gets it, an IPv4 client never.
	 */
	{
		struct sf_addr a6 = { .family = AF_INET6, .prefix_len = 128,
			.v6 = { 0xfd, [15] = 9 } };

		bp.bp_be[0].be_up = bp.bp_be[1].be_up = bp.bp_be[2].be_up = 1;
		SF_CHECK_EQ(sf_bpool_add(&bp, &a6, 80, 1), 3);
		client_key(&k, true, 0);
		for (i = 0; i < 10; i++)
			SF_CHECK_EQ(sf_bpool_pick(&bp, &st, &k), 3);
		client_key(&k, false, 0);
		for (i = 0; i < 10; i++)
			SF_CHECK(sf_bpool_pick(&bp, &st, &k) != 3);
		bp.bp_be[3].be_up = 0;
		client_key(&k, true, 0);
		SF_CHECK_EQ(sf_bpool_pick(&bp, &st, &k), -ENOENT);
	}
	/*
	 * A retry leaves out the backend that failed: another one when any
	 * is up, none when it was the only one.
	 */
	client_key(&k, false, 0);
	for (i = 0; i < 20; i++)
		SF_CHECK(sf_bpool_pick_other(&bp, &st, &k, 0) != 0);
	bp.bp_be[1].be_up = bp.bp_be[2].be_up = 0;
	SF_CHECK_EQ(sf_bpool_pick_other(&bp, &st, &k, 0), -ENOENT);
	SF_CHECK_EQ(sf_bpool_pick_other(&bp, &st, &k, -1), 0);
	bp.bp_sched = SF_BP_HASH;
	bp.bp_be[1].be_up = 1;
	SF_CHECK_EQ(sf_bpool_pick_other(&bp, &st, &k, 0), 1);
	SF_CHECK_EQ(sf_bpool_pick_other(&bp, &st, &k, 1), 0);
}

/*
 * The client hash: 40,000 clients over weights 1, 2, 1, 4 land within 5 %
 * of their shares; the same client always gets the same backend (and
 * another worker's state does not matter); backend 3 down moves only
 * its own clients, and back up they return to it.
 */
static void
test_hash(bool v6)
{
	static const unsigned int w[4] = { 1, 2, 1, 4 };
	static int8_t first[40000];
	struct sf_bpool bp;
	struct sf_bsel st, other;
	struct sf_flow_key k;
	unsigned int i, n[4] = { 0 }, moved = 0, back = 0;
	int b;

	pool_of(&bp, 4, w, v6);
	bp.bp_sched = SF_BP_HASH;
	memset(&st, 0, sizeof(st));
	memset(&other, 0, sizeof(other));
	for (i = 0; i < RTE_DIM(first); i++) {
		client_key(&k, v6, i);
		b = sf_bpool_pick(&bp, &st, &k);
		SF_CHECK(b >= 0 && b < 4);
		if (b < 0)
			return;
		first[i] = (int8_t)b;
		n[b]++;
		SF_CHECK_EQ(sf_bpool_pick(&bp, &other, &k), b);
	}
	for (i = 0; i < 4; i++) {
		double want = 40000.0 * w[i] / 8;

		SF_CHECK(n[i] > want * 0.95 && n[i] < want * 1.05);
		if (!(n[i] > want * 0.95 && n[i] < want * 1.05))
			fprintf(stderr, "backend %u: %u clients, %.0f expected\n",
				i, n[i], want);
	}
	bp.bp_be[3].be_up = 0;
	for (i = 0; i < RTE_DIM(first); i++) {
		client_key(&k, v6, i);
		b = sf_bpool_pick(&bp, &st, &k);
		SF_CHECK(b != 3);
		if (b != first[i]) {
			moved++;
			SF_CHECK_EQ(first[i], 3);
		}
	}
	SF_CHECK_EQ(moved, n[3]);
	bp.bp_be[3].be_up = 1;
	for (i = 0; i < RTE_DIM(first); i++) {
		client_key(&k, v6, i);
		back += sf_bpool_pick(&bp, &st, &k) == first[i];
	}
	SF_CHECK_EQ(back, RTE_DIM(first));
}

/*
 * Rise 2, fall 3 (HAProxy's): an up backend stays up through 2 failures
 * in a row, goes down at the third; a success between resets the count;
 * down, it comes up at the second success in a row; transitions counted.
 */
static void
test_health(void)
{
	static const unsigned int w[1] = { 1 };
	static const struct {
		bool ok;
		bool changed;
		uint8_t up;
	} steps[] = {
		{ false, false, 1 }, { false, false, 1 }, { true, false, 1 },
		{ false, false, 1 }, { false, false, 1 }, { false, true, 0 },
		{ false, false, 0 }, { true, false, 0 }, { false, false, 0 },
		{ true, false, 0 }, { true, true, 1 }, { true, false, 1 },
	};
	struct sf_bpool bp;
	unsigned int i, fails = 0;

	pool(&bp, 1, w);
	SF_CHECK_EQ(bp.bp_rise, 2);
	SF_CHECK_EQ(bp.bp_fall, 3);
	for (i = 0; i < RTE_DIM(steps); i++) {
		SF_CHECK_EQ(sf_bpool_check(&bp, 0, steps[i].ok),
			steps[i].changed);
		SF_CHECK_EQ(bp.bp_be[0].be_up, steps[i].up);
		fails += !steps[i].ok;
	}
	SF_CHECK_EQ(bp.bp_be[0].be_checks, RTE_DIM(steps));
	SF_CHECK_EQ(bp.bp_be[0].be_check_fails, fails);
	SF_CHECK_EQ(bp.bp_be[0].be_changes, 2);
}

/*
 * The check driver on an engine (sf_hcheck.c): one backend, the test
 * peer's port 80, checked every 100 ms within 30 ms. A check is a SYN
 * (found in the tx hook); a SYN-ACK makes it a success, answered by a
 * RST (no TIME-WAIT); a RST from the peer, or silence until the timeout
 * (the SYN again at 10 ms, given up at 30), a failure. Up stays up
 * through 2 failures, goes down at the third (backend_downs), comes back
 * after 2 successes (backend_ups). Every check's connection is gone
 * afterwards and every mbuf is home.
 */
static struct sf_engine *hc_eng;

/* Move to tick t and answer the check's SYN (if one left) with flags. */
static void
hc_step(uint32_t t, int answer, bool want_syn)
{
	struct sf_test_seg syn;
	struct sf_test_tcp r;
	struct rte_mbuf *m;

	sf_test_tx_flush();
	sf_worker_clock(sf_engine_worker(hc_eng, 0), t);
	SF_CHECK_EQ(sf_test_tx_n, want_syn ? 1 : 0);
	if (sf_test_tx_n != 1 || !SF_TEST_TCP_PARSE(sf_test_tx[0], &syn))
		return;
	SF_CHECK_EQ(syn.flags, RTE_TCP_SYN_FLAG);
	SF_CHECK_EQ(syn.dport, 80);
	if (answer == 0)
		return;
	sf_test_tcp_init(&r, false, 80, syn.sport);
	r.seq = 4242;
	r.ack = syn.seq + 1;
	r.flags = answer > 0 ? RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG :
		RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG;
	sf_test_tx_flush();
	m = sf_test_tcp_frame(&r);
	if (answer > 0) {
		struct sf_test_seg rst;

		/* Our RST leaves in an mbuf of its own; the SYN-ACK is done. */
		SF_CHECK_EQ(sf_test_input(hc_eng, m), SF_VERDICT_DONE);
		rte_pktmbuf_free(m);
		SF_CHECK_EQ(sf_test_tx_n, 1);
		if (sf_test_tx_n == 1 &&
		    SF_TEST_TCP_PARSE(sf_test_tx[0], &rst)) {
			SF_CHECK(rst.flags & RTE_TCP_RST_FLAG);
			SF_CHECK_EQ(rst.seq, syn.seq + 1);
		}
	} else {
		SF_CHECK_EQ(sf_test_input(hc_eng, m), SF_VERDICT_DONE);
		rte_pktmbuf_free(m);
	}
	sf_test_tx_flush();
}

static void
test_checks(void)
{
	unsigned int avail = rte_mempool_avail_count(sf_test_pool);
	struct sf_pool_params pp;
	struct sf_backend_info bi;
	struct sf_addr a = { .family = AF_INET, .prefix_len = 32 };
	uint32_t t = 1000;
	unsigned int i;

	hc_eng = sf_test_engine_tcp(NULL);
	sf_worker_clock(sf_engine_worker(hc_eng, 0), t);
	sf_neigh_learn(&sf_engine_worker(hc_eng, 0)->wk_tcp.wt_net,
		SF_TEST_PORT, AF_INET, sf_test_peer_v4, &sf_test_peer,
		SF_NUD_REACHABLE, SF_NEIGH_F_CREATE | SF_NEIGH_F_OVERRIDE);
	sf_pool_params_init(&pp);
	pp.check_ms = 100;
	pp.check_timeout_ms = 30;
	SF_CHECK_EQ(sf_engine_pool_add(hc_eng, &pp), 0);
	memcpy(&a.v4, sf_test_peer_v4, 4);
	SF_CHECK_EQ(sf_engine_backend_add(hc_eng, 0, &a, 80, 2), 0);
	SF_CHECK_EQ(sf_engine_backend_add(hc_eng, 1, &a, 80, 2), -ENOENT);
	pp.check_timeout_ms = 200;
	SF_CHECK_EQ(sf_engine_pool_add(hc_eng, &pp), -EINVAL);
	/* success, refused, refused, refused: down at the third */
	hc_step(t += SF_HC_SCAN_MS, 1, true);
	for (i = 0; i < 3; i++) {
		SF_CHECK_EQ(sf_engine_backend_get(hc_eng, 0, 0, &bi), 0);
		SF_CHECK(bi.up);
		hc_step(t += 100, -1, true);
	}
	SF_CHECK_EQ(sf_engine_backend_get(hc_eng, 0, 0, &bi), 0);
	SF_CHECK(!bi.up);
	SF_CHECK_EQ(sf_test_counter(hc_eng, SF_CNT_backend_downs), 1);
	/* a timeout: the SYN, again at 10 ms, given up at 30 */
	hc_step(t += 100, 0, true);
	hc_step(t += 10, 0, true);
	hc_step(t += 20, 0, false);
	SF_CHECK_EQ(sf_test_counter(hc_eng, SF_CNT_backend_check_fails), 4);
	/* two successes: up again; nothing checks before check_ms */
	hc_step(t += 50, 0, false);
	hc_step(t += 50, 1, true);
	SF_CHECK_EQ(sf_engine_backend_get(hc_eng, 0, 0, &bi), 0);
	SF_CHECK(!bi.up);
	hc_step(t += 100, 1, true);
	SF_CHECK_EQ(sf_engine_backend_get(hc_eng, 0, 0, &bi), 0);
	SF_CHECK(bi.up);
	SF_CHECK_EQ(bi.weight, 2);
	SF_CHECK_EQ(bi.checks, 7);
	SF_CHECK_EQ(bi.check_fails, 4);
	SF_CHECK_EQ(bi.changes, 2);
	SF_CHECK_EQ(sf_test_counter(hc_eng, SF_CNT_backend_checks), 7);
	SF_CHECK_EQ(sf_test_counter(hc_eng, SF_CNT_backend_ups), 1);
	SF_CHECK_EQ(sf_engine_worker(hc_eng, 0)->wk_tcp.wt_conntab.ft_used, 0);
	sf_test_teardown(hc_eng);
	SF_CHECK_EQ(rte_mempool_avail_count(sf_test_pool), avail);
}

/*
 * The splice's rewrite (sf_splice.c): a segment with a NOP, timestamps
 * at an odd offset (the checksum words they straddle) and two SACK
 * blocks, rewritten with deltas near the 2^32 wrap: every field moved by
 * its delta, the window rescaled (5 << 7 bytes to shift 2: 160), and the
 * checksum updated incrementally still verifies (IPv4 and IPv6). The
 * window rule on its own: an open window never rounds to 0, the field is
 * capped at 65535. A SYN keeps its unscaled window and gets its MSS
 * clamped.
 */
static void
test_xlate(bool v6)
{
	const struct sf_xlate x = { .xl_seq_delta = 0xfffff000u,
		.xl_ack_delta = 0x12345678u, .xl_tsval_delta = 0x80000001u,
		.xl_tsecr_delta = 7, .xl_wscale_in = 7, .xl_wscale_out = 2,
		.xl_mss_clamp = 1360 };
	struct sf_test_tcp t;
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m;
	uint32_t v;
	uint8_t *o, *l3;
	uint16_t l3len = v6 ? 40 : 20;

	sf_test_tcp_init(&t, v6, 40000, 80);
	t.seq = 0x10;
	t.ack = 0xedcba000u;
	t.flags = RTE_TCP_ACK_FLAG;
	t.win = 5;
	/* NOP, TS (at header offset 21), NOP NOP, SACK 2 blocks, NOP NOP NOP */
	o = t.opt;
	o[0] = 1;
	o[1] = 8; o[2] = 10;
	memcpy(o + 3, "\x00\x00\x01\x00\xff\xff\xff\xf0", 8);
	o[11] = 1; o[12] = 1;
	o[13] = 5; o[14] = 18;
	memcpy(o + 15, "\xed\xcb\xb0\x00\xed\xcb\xc0\x00"
		"\xed\xcb\xd0\x00\xed\xcb\xe0\x00", 16);
	o[31] = 1; o[32] = 1; o[33] = 1; o[34] = 1; o[35] = 1;
	t.optlen = 36;
	m = sf_test_tcp_frame(&t);
	l3 = rte_pktmbuf_mtod_offset(m, uint8_t *, 14);
	th = (struct rte_tcp_hdr *)(l3 + l3len);
	sf_xlate_tcp(th, &x);
	SF_CHECK_EQ(rte_be_to_cpu_32(th->sent_seq), 0x10u + 0xfffff000u);
	SF_CHECK_EQ(rte_be_to_cpu_32(th->recv_ack), 0xedcba000u + 0x12345678u);
	SF_CHECK_EQ(rte_be_to_cpu_16(th->rx_win), 160);
	o = (uint8_t *)(th + 1);
	memcpy(&v, o + 3, 4);
	SF_CHECK_EQ(rte_be_to_cpu_32(v), 0x100u + 0x80000001u);
	memcpy(&v, o + 7, 4);
	SF_CHECK_EQ(rte_be_to_cpu_32(v), 0xfffffff0u + 7);
	memcpy(&v, o + 15, 4);
	SF_CHECK_EQ(rte_be_to_cpu_32(v), 0xedcbb000u + 0x12345678u);
	memcpy(&v, o + 27, 4);
	SF_CHECK_EQ(rte_be_to_cpu_32(v), 0xedcbe000u + 0x12345678u);
	SF_CHECK_EQ(o[31], 1);
	if (v6)
		SF_CHECK_EQ(sf_ip6_l4_cksum((const void *)l3, th, sizeof(*th) + 36,
			IPPROTO_TCP), 0);
	else
		SF_CHECK_EQ(sf_ip4_l4_cksum((const void *)l3, th, sizeof(*th) + 36,
			IPPROTO_TCP), 0);
	rte_pktmbuf_free(m);

	/* A SYN: its window as it is, its MSS clamped to 1360. */
	sf_test_tcp_init(&t, v6, 40000, 80);
	t.flags = RTE_TCP_SYN_FLAG;
	t.win = 64240;
	t.optlen = sf_test_tcp_synopts(t.opt, SF_TOF_MSS | SF_TOF_TS, 1460,
		0, 99, 0);
	m = sf_test_tcp_frame(&t);
	l3 = rte_pktmbuf_mtod_offset(m, uint8_t *, 14);
	th = (struct rte_tcp_hdr *)(l3 + l3len);
	sf_xlate_tcp(th, &x);
	SF_CHECK_EQ(rte_be_to_cpu_16(th->rx_win), 64240);
	o = (uint8_t *)(th + 1);
	SF_CHECK_EQ(o[0], SF_TCPOPT_MSS);
	SF_CHECK_EQ(o[2] << 8 | o[3], 1360);
	if (v6)
		SF_CHECK_EQ(sf_ip6_l4_cksum((const void *)l3, th, sizeof(*th) + t.optlen,
			IPPROTO_TCP), 0);
	else
		SF_CHECK_EQ(sf_ip4_l4_cksum((const void *)l3, th, sizeof(*th) + t.optlen,
			IPPROTO_TCP), 0);
	rte_pktmbuf_free(m);

	SF_CHECK_EQ(sf_xlate_window(1, 0, 7), 1);      /* 1 byte: not 0 */
	SF_CHECK_EQ(sf_xlate_window(0, 0, 7), 0);
	SF_CHECK_EQ(sf_xlate_window(65535, 7, 0), 65535);
	SF_CHECK_EQ(sf_xlate_window(1000, 3, 3), 1000);
	SF_CHECK_EQ(sf_xlate_window(1000, 2, 4), 250);
}

int
main(int argc, char **argv)
{
	sf_test_init(argc, argv);
	test_pp_v1();
	test_pp_v2();
	test_pool_add();
	test_rr();
	test_hash(false);
	test_hash(true);
	test_health();
	test_checks();
	test_xlate(false);
	test_xlate(true);
	return sf_test_done("test_proxy");
}
