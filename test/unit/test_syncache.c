/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * lib/tcp/sf_syncache.c, the SYN queue, and the LISTEN rules of
 * lib/tcp/sf_tcp_in.c: real frames from the peer to a listener on port 80,
 * the replies parsed back, the counters each step moves.
 */

#include <netinet/in.h>

#include "sf_test.h"

#define LPORT 80

/* What the callbacks saw. */
static struct {
	unsigned int accepts;
	unsigned int closes[SF_CLOSE_MAX];
	struct sf_conn *c;
	struct sf_conn_info ci;
	uint8_t data[256];
	bool had_data;
} cb;

static void
on_accept(struct sf_conn *c, const struct sf_conn_info *ci, void *arg)
{
	RTE_SET_USED(arg);
	cb.accepts++;
	cb.c = c;
	cb.ci = *ci;
	cb.had_data = ci->data != NULL;
	if (ci->data != NULL && ci->data_len <= sizeof(cb.data))
		memcpy(cb.data, ci->data, ci->data_len);
	cb.ci.data = NULL;
}

static void
on_close(struct sf_conn *c, enum sf_close_reason why, void *arg)
{
	RTE_SET_USED(c);
	RTE_SET_USED(arg);
	cb.closes[why]++;
}

static void
lp_default(struct sf_listener_params *lp)
{
	sf_listener_params_init(lp);
	lp->port = LPORT;
	lp->on_accept = on_accept;
	lp->on_close = on_close;
}

/*
 * A test engine made from ep (NULL: sf_test_engine_tcp()'s defaults) with
 * one listener (id 0) made from lp.
 */
static struct sf_engine *
setup_params(const struct sf_engine_params *ep,
		const struct sf_listener_params *lp)
{
	memset(&cb, 0, sizeof(cb));
	return sf_test_listen_engine(ep, lp);
}

/* A test engine with one listener (id 0) made from lp. */
static struct sf_engine *
setup(const struct sf_listener_params *lp)
{
	return setup_params(NULL, lp);
}

static void
teardown(struct sf_engine *eng)
{
	sf_test_teardown(eng);
}

static struct sf_worker *
wk(struct sf_engine *eng)
{
	return sf_engine_worker(eng, 0);
}

static uint32_t
synq(struct sf_engine *eng)
{
	struct sf_listener_state st;

	sf_engine_listener_state(eng, 0, &st);
	return st.synq;
}

static uint64_t
lcnt(struct sf_engine *eng, enum sf_lcounter c)
{
	struct sf_listener_state st;

	sf_engine_listener_state(eng, 0, &st);
	return st.cnt[c];
}

/* SYN-ACK options for each combination the peer offers. */
static void
test_synack_options(bool v6)
{
	static const uint8_t ws[] = { SF_TCPOPT_NOP, SF_TCPOPT_WSCALE, 3, 7 };
	struct sf_listener_params lp;
	struct sf_engine *eng;
	struct sf_test_seg r;
	struct rte_mbuf *m;
	struct sf_test_client p;
	uint16_t mss = v6 ? 1440 : 1460;
	uint8_t o[40];

	lp_default(&lp);
	eng = setup(&lp);
	sf_worker_clock(wk(eng), 10);

	/* Everything offered: <mss, sackOK, TS, nop, wscale>. */
	sf_test_client_init(&p, v6, 1001, LPORT);
	m = SF_CHECK_INPUTV(eng, sf_test_syn_frame(&p,
		SF_TOF_MSS | SF_TOF_SACKPERM | SF_TOF_TS | SF_TOF_WSCALE),
		SF_VERDICT_TX, SF_CNT_tcp_segments, SF_CNT_tcp_replied,
		SF_CNT_syn_recv, SF_CNT_synack_sent);
	if (m != NULL && SF_TEST_TCP_PARSE(m, &r)) {
		SF_CHECK_EQ(r.v6, v6);
		SF_CHECK_MEM(r.dst, p.t.src, v6 ? 16 : 4);
		SF_CHECK_EQ(r.flags, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG);
		SF_CHECK_EQ(r.ack, p.isn + 1);
		SF_CHECK_EQ(r.win, 65535);
		SF_CHECK_EQ(r.sport, LPORT);
		SF_CHECK_EQ(r.dport, 1001);
		SF_CHECK_EQ(r.data_len, 0);
		SF_CHECK_EQ(r.optlen, 20);
		o[0] = SF_TCPOPT_MSS; o[1] = 4; o[2] = mss >> 8; o[3] = mss & 0xff;
		o[4] = SF_TCPOPT_SACK_PERM; o[5] = 2;
		o[6] = SF_TCPOPT_TS; o[7] = 10;
		memcpy(o + 8, r.opt + 8, 4);  /* our TSval: clock + offset */
		o[12] = 0; o[13] = 0; o[14] = 5000 >> 8; o[15] = 5000 & 0xff;
		memcpy(o + 16, ws, 4);
		SF_CHECK_MEM(r.opt, o, 20);
		SF_CHECK_EQ(r.opts.to_tsecr, 5000);
	}
	rte_pktmbuf_free(m);
	SF_CHECK_EQ(synq(eng), 1);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_syn_recv), 1);

	/* No SACK: <mss, nop, nop, TS, nop, wscale>. */
	sf_test_client_init(&p, v6, 1002, LPORT);
	m = SF_CHECK_INPUTV(eng, sf_test_syn_frame(&p, SF_TOF_MSS | SF_TOF_TS |
		SF_TOF_WSCALE), SF_VERDICT_TX, SF_CNT_tcp_segments,
		SF_CNT_tcp_replied, SF_CNT_syn_recv, SF_CNT_synack_sent);
	if (m != NULL && SF_TEST_TCP_PARSE(m, &r)) {
		SF_CHECK_EQ(r.optlen, 20);
		o[4] = SF_TCPOPT_NOP; o[5] = SF_TCPOPT_NOP;
		memcpy(o + 8, r.opt + 8, 4);
		SF_CHECK_MEM(r.opt, o, 20);
	}
	rte_pktmbuf_free(m);

	/* No TS: <mss, nop, nop, sackOK, nop, wscale>. */
	sf_test_client_init(&p, v6, 1003, LPORT);
	m = SF_CHECK_INPUTV(eng, sf_test_syn_frame(&p,
		SF_TOF_MSS | SF_TOF_SACKPERM | SF_TOF_WSCALE), SF_VERDICT_TX,
		SF_CNT_tcp_segments, SF_CNT_tcp_replied, SF_CNT_syn_recv,
		SF_CNT_synack_sent);
	if (m != NULL && SF_TEST_TCP_PARSE(m, &r)) {
		static const uint8_t want[] = { SF_TCPOPT_NOP, SF_TCPOPT_NOP,
			SF_TCPOPT_SACK_PERM, 2, SF_TCPOPT_NOP,
			SF_TCPOPT_WSCALE, 3, 7 };

		SF_CHECK_EQ(r.optlen, 12);
		SF_CHECK_MEM(r.opt, o, 4);
		SF_CHECK_MEM(r.opt + 4, want, 8);
	}
	rte_pktmbuf_free(m);

	/* Nothing offered: <mss> alone, ours all the same. */
	sf_test_client_init(&p, v6, 1004, LPORT);
	m = SF_CHECK_INPUTV(eng, sf_test_syn_frame(&p, 0), SF_VERDICT_TX,
		SF_CNT_tcp_segments, SF_CNT_tcp_replied, SF_CNT_syn_recv,
		SF_CNT_synack_sent);
	if (m != NULL && SF_TEST_TCP_PARSE(m, &r)) {
		SF_CHECK_EQ(r.optlen, 4);
		SF_CHECK_MEM(r.opt, o, 4);
		SF_CHECK_EQ(r.flags, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG);
	}
	rte_pktmbuf_free(m);

	/* ECN setup (ECE+CWR) is answered with ECE alone; ECE alone not. */
	sf_test_client_init(&p, v6, 1005, LPORT);
	p.t.flags = 0;
	{
		struct sf_test_tcp t = p.t;

		t.seq = p.isn;
		t.flags = RTE_TCP_SYN_FLAG | RTE_TCP_ECE_FLAG |
			RTE_TCP_CWR_FLAG;
		m = SF_CHECK_INPUTV(eng, sf_test_tcp_frame(&t), SF_VERDICT_TX,
			SF_CNT_tcp_segments, SF_CNT_tcp_replied,
			SF_CNT_syn_recv, SF_CNT_synack_sent);
		if (m != NULL && SF_TEST_TCP_PARSE(m, &r))
			SF_CHECK_EQ(r.flags, RTE_TCP_SYN_FLAG |
				RTE_TCP_ACK_FLAG | RTE_TCP_ECE_FLAG);
		rte_pktmbuf_free(m);
		t.sport = 1006;
		t.flags = RTE_TCP_SYN_FLAG | RTE_TCP_ECE_FLAG;
		m = SF_CHECK_INPUTV(eng, sf_test_tcp_frame(&t), SF_VERDICT_TX,
			SF_CNT_tcp_segments, SF_CNT_tcp_replied,
			SF_CNT_syn_recv, SF_CNT_synack_sent);
		if (m != NULL && SF_TEST_TCP_PARSE(m, &r))
			SF_CHECK_EQ(r.flags, RTE_TCP_SYN_FLAG |
				RTE_TCP_ACK_FLAG);
		rte_pktmbuf_free(m);
	}
	SF_CHECK_EQ(synq(eng), 6);
	teardown(eng);
	SF_CHECK_EQ(rte_mempool_avail_count(sf_test_pool), sf_test_pool->size);

	/* The listener's MSS clamp, and its settings switched off. */
	lp_default(&lp);
	lp.mss = 1000;
	lp.sack = false;
	lp.timestamps = false;
	lp.ecn = false;
	lp.wscale = 9;
	lp.window = 5000;
	eng = setup(&lp);
	sf_test_client_init(&p, v6, 1010, LPORT);
	{
		struct sf_test_tcp t = p.t;

		t.seq = p.isn;
		t.flags = RTE_TCP_SYN_FLAG | RTE_TCP_ECE_FLAG |
			RTE_TCP_CWR_FLAG;
		t.optlen = sf_test_tcp_synopts(t.opt, SF_TOF_MSS |
			SF_TOF_SACKPERM | SF_TOF_TS | SF_TOF_WSCALE, 9000, 2,
			1, 0);
		m = SF_CHECK_INPUTV(eng, sf_test_tcp_frame(&t), SF_VERDICT_TX,
			SF_CNT_tcp_segments, SF_CNT_tcp_replied,
			SF_CNT_syn_recv, SF_CNT_synack_sent);
	}
	if (m != NULL && SF_TEST_TCP_PARSE(m, &r)) {
		static const uint8_t want[] = { SF_TCPOPT_MSS, 4, 1000 >> 8,
			1000 & 0xff, SF_TCPOPT_NOP, SF_TCPOPT_WSCALE, 3, 9 };

		SF_CHECK_EQ(r.flags, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG);
		SF_CHECK_EQ(r.win, 5000);
		SF_CHECK_EQ(r.optlen, 8);
		SF_CHECK_MEM(r.opt, want, 8);
	}
	rte_pktmbuf_free(m);
	teardown(eng);
}

/*
 * t through the engine, which must answer with a RST carrying flags and
 * count nothing else; true with the RST parsed into r, for the caller to
 * check the rest of it.
 */
static bool
rst_reply(struct sf_engine *eng, const struct sf_test_tcp *t, uint8_t flags,
		struct sf_test_seg *r)
{
	struct rte_mbuf *m;
	bool ok;

	m = SF_CHECK_INPUTV(eng, sf_test_tcp_frame(t), SF_VERDICT_TX,
		SF_CNT_tcp_segments, SF_CNT_tcp_replied, SF_CNT_out_rsts);
	ok = m != NULL && SF_TEST_TCP_PARSE(m, r);
	if (ok)
		SF_CHECK_EQ(r->flags, flags);
	rte_pktmbuf_free(m);
	return ok;
}

/* LISTEN: what is not a plain SYN, and ports nobody listens on. */
static void
test_listen_rules(bool v6)
{
	struct sf_listener_params lp;
	struct sf_engine *eng;
	struct sf_test_seg r;
	struct sf_test_tcp t;

	lp_default(&lp);
	eng = setup(&lp);
	sf_test_tcp_init(&t, v6, 2000, LPORT);
	t.seq = 777;
	t.ack = 123456;

	/* ACK -> <SEQ=SEG.ACK><CTL=RST>. */
	t.flags = RTE_TCP_ACK_FLAG;
	if (rst_reply(eng, &t, RTE_TCP_RST_FLAG, &r)) {
		SF_CHECK_EQ(r.seq, 123456);
		SF_CHECK_EQ(r.ack, 0);
		SF_CHECK_EQ(r.win, 0);
		SF_CHECK_EQ(r.optlen, 0);
		SF_CHECK_EQ(r.sport, LPORT);
		SF_CHECK_EQ(r.dport, 2000);
	}
	/* ACK with data and PSH: the same. */
	t.flags = RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG;
	t.data = "abc";
	t.data_len = 3;
	if (rst_reply(eng, &t, RTE_TCP_RST_FLAG, &r))
		SF_CHECK_EQ(r.seq, 123456);
	t.data = NULL;
	t.data_len = 0;

	t.flags = RTE_TCP_RST_FLAG;
	SF_CHECK_INPUTV(eng, sf_test_tcp_frame(&t), SF_VERDICT_DROP,
		SF_CNT_tcp_segments, SF_CNT_drop_tcp_listen_rst);
	t.flags = RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG;
	SF_CHECK_INPUTV(eng, sf_test_tcp_frame(&t), SF_VERDICT_DROP,
		SF_CNT_tcp_segments, SF_CNT_drop_tcp_listen_rst);
	t.flags = RTE_TCP_SYN_FLAG | RTE_TCP_RST_FLAG;
	SF_CHECK_INPUTV(eng, sf_test_tcp_frame(&t), SF_VERDICT_DROP,
		SF_CNT_tcp_segments, SF_CNT_drop_tcp_listen_rst);
	t.flags = RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG;
	SF_CHECK_INPUTV(eng, sf_test_tcp_frame(&t), SF_VERDICT_DROP,
		SF_CNT_tcp_segments, SF_CNT_drop_tcp_syn_fin);
	t.flags = 0;
	SF_CHECK_INPUTV(eng, sf_test_tcp_frame(&t), SF_VERDICT_DROP,
		SF_CNT_tcp_segments, SF_CNT_drop_tcp_listen_noflags);
	t.flags = RTE_TCP_FIN_FLAG | RTE_TCP_PSH_FLAG;
	SF_CHECK_INPUTV(eng, sf_test_tcp_frame(&t), SF_VERDICT_DROP,
		SF_CNT_tcp_segments, SF_CNT_drop_tcp_listen_noflags);

	/* Port 0, either side. */
	t.flags = RTE_TCP_SYN_FLAG;
	t.sport = 0;
	SF_CHECK_INPUTV(eng, sf_test_tcp_frame(&t), SF_VERDICT_DROP,
		SF_CNT_tcp_segments, SF_CNT_drop_tcp_port0);
	t.sport = 2000;
	t.dport = 0;
	SF_CHECK_INPUTV(eng, sf_test_tcp_frame(&t), SF_VERDICT_DROP,
		SF_CNT_tcp_segments, SF_CNT_drop_tcp_port0);

	/* Bad checksum: counted as Linux counts it. */
	t.dport = LPORT;
	t.bad_csum = true;
	SF_CHECK_INPUTV(eng, sf_test_tcp_frame(&t), SF_VERDICT_DROP,
		SF_CNT_tcp_segments, SF_CNT_in_csum_errors, SF_CNT_in_errs,
		SF_CNT_drop_tcp_bad_csum);
	t.bad_csum = false;
	SF_CHECK_EQ(synq(eng), 0);

	/* No listener: RST|ACK, ACK = SEG.SEQ + SEG.LEN, SEQ 0. */
	t.dport = 81;
	t.flags = RTE_TCP_SYN_FLAG;
	if (rst_reply(eng, &t, RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG, &r)) {
		SF_CHECK_EQ(r.seq, 0);
		SF_CHECK_EQ(r.ack, 778);
		SF_CHECK_EQ(r.sport, 81);
	}
	t.flags = RTE_TCP_FIN_FLAG;
	t.data = "hello";
	t.data_len = 5;
	if (rst_reply(eng, &t, RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG, &r))
		SF_CHECK_EQ(r.ack, 777 + 5 + 1);
	t.data = NULL;
	t.data_len = 0;
	t.flags = RTE_TCP_ACK_FLAG;
	if (rst_reply(eng, &t, RTE_TCP_RST_FLAG, &r))
		SF_CHECK_EQ(r.seq, 123456);
	t.flags = RTE_TCP_RST_FLAG;
	SF_CHECK_INPUTV(eng, sf_test_tcp_frame(&t), SF_VERDICT_DROP,
		SF_CNT_tcp_segments, SF_CNT_drop_tcp_no_listener);
	eng->en_tcp.et_no_listener_drop = true;
	t.flags = RTE_TCP_SYN_FLAG;
	SF_CHECK_INPUTV(eng, sf_test_tcp_frame(&t), SF_VERDICT_DROP,
		SF_CNT_tcp_segments, SF_CNT_drop_tcp_no_listener);
	teardown(eng);
}

/* syn_backlog and the accept queue bound what a listener takes. */
static void
test_queues_full(bool v6)
{
	struct sf_listener_params lp;
	struct sf_engine *eng;
	struct sf_test_client p[4];
	unsigned int i;

	lp_default(&lp);
	lp.syn_backlog = 2;
	lp.syncookies = 0;   /* a full SYN queue drops (cookies: test_cookie) */
	eng = setup(&lp);
	for (i = 0; i < 2; i++) {
		sf_test_client_init(&p[i], v6, (uint16_t)(3000 + i), LPORT);
		sf_test_do_syn(eng, &p[i], SF_TOF_MSS);
	}
	SF_CHECK_EQ(synq(eng), 2);
	sf_test_client_init(&p[2], v6, 3002, LPORT);
	SF_CHECK_INPUTV(eng, sf_test_syn_frame(&p[2], SF_TOF_MSS),
		SF_VERDICT_DROP, SF_CNT_tcp_segments, SF_CNT_reqq_full_drop,
		SF_CNT_listen_drops, SF_CNT_drop_tcp_reqq_full);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_reqq_full_drop), 1);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_listen_drops), 1);
	/* A completed handshake gives its place back. */
	sf_test_do_ack(eng, &p[0]);
	SF_CHECK_EQ(synq(eng), 1);
	sf_test_do_syn(eng, &p[2], SF_TOF_MSS);
	SF_CHECK_EQ(synq(eng), 2);
	teardown(eng);

	/* Nobody accepts: backlog 1 holds 2 connections, then SYNs drop. */
	lp_default(&lp);
	lp.on_accept = NULL;
	lp.backlog = 1;
	eng = setup(&lp);
	for (i = 0; i < 2; i++) {
		sf_test_client_init(&p[i], v6, (uint16_t)(3100 + i), LPORT);
		sf_test_do_syn(eng, &p[i], SF_TOF_MSS);
		SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p[i], RTE_TCP_ACK_FLAG,
			p[i].isn + 1, p[i].iss + 1, NULL, 0), SF_VERDICT_DONE,
			SF_CNT_tcp_segments, SF_CNT_tcp_absorbed,
			SF_CNT_passive_opens);
	}
	{
		struct sf_listener_state st;

		sf_engine_listener_state(eng, 0, &st);
		SF_CHECK_EQ(st.acceptq, 2);
		SF_CHECK_EQ(st.synq, 0);
		SF_CHECK_EQ(st.cnt[SF_LCNT_passive_opens], 2);
		SF_CHECK_EQ(st.cnt[SF_LCNT_accepted], 0);
	}
	sf_test_client_init(&p[2], v6, 3102, LPORT);
	SF_CHECK_INPUTV(eng, sf_test_syn_frame(&p[2], SF_TOF_MSS),
		SF_VERDICT_DROP, SF_CNT_tcp_segments, SF_CNT_listen_overflows,
		SF_CNT_listen_drops, SF_CNT_drop_tcp_syn_overflow);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_listen_overflows), 1);
	SF_CHECK_EQ(synq(eng), 0);
	teardown(eng);
}

/* tcp_check_req(): retransmitted SYNs, bad ACKs, the window, PAWS. */
static void
test_check_req(bool v6)
{
	struct sf_listener_params lp;
	struct sf_engine *eng;
	struct sf_test_seg r;
	struct rte_mbuf *m;
	struct sf_test_client p;
	uint32_t iss;

	lp_default(&lp);
	eng = setup(&lp);
	sf_worker_clock(wk(eng), 100);
	sf_test_client_init(&p, v6, 4000, LPORT);
	sf_test_do_syn(eng, &p, SF_TOF_MSS | SF_TOF_TS | SF_TOF_SACKPERM |
		SF_TOF_WSCALE);
	iss = p.iss;

	/* Same ISN again: the SYN-ACK at once, then one per 500 ms. */
	m = SF_CHECK_INPUTV(eng, sf_test_syn_frame(&p, SF_TOF_MSS | SF_TOF_TS |
		SF_TOF_SACKPERM | SF_TOF_WSCALE), SF_VERDICT_TX,
		SF_CNT_tcp_segments, SF_CNT_tcp_replied, SF_CNT_synack_sent,
		SF_CNT_synack_retrans);
	if (m != NULL && SF_TEST_TCP_PARSE(m, &r)) {
		SF_CHECK_EQ(r.flags, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG);
		SF_CHECK_EQ(r.seq, iss);
		SF_CHECK_EQ(r.ack, p.isn + 1);
		SF_CHECK_EQ(r.optlen, 20);
	}
	rte_pktmbuf_free(m);
	sf_worker_clock(wk(eng), 599);
	SF_CHECK_INPUTV(eng, sf_test_syn_frame(&p, SF_TOF_MSS | SF_TOF_TS),
		SF_VERDICT_DROP, SF_CNT_tcp_segments,
		SF_CNT_drop_tcp_dup_syn_limited);
	sf_worker_clock(wk(eng), 600);
	m = SF_CHECK_INPUTV(eng, sf_test_syn_frame(&p, SF_TOF_MSS | SF_TOF_TS),
		SF_VERDICT_TX, SF_CNT_tcp_segments, SF_CNT_tcp_replied,
		SF_CNT_synack_sent, SF_CNT_synack_retrans);
	if (m != NULL && SF_TEST_TCP_PARSE(m, &r))
		SF_CHECK_EQ(r.seq, iss);
	rte_pktmbuf_free(m);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	SF_CHECK_EQ(synq(eng), 1);

	/* A wrong ACK number: <SEQ=SEG.ACK><CTL=RST>, the request stays. */
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, RTE_TCP_ACK_FLAG,
		p.isn + 1, iss + 2, NULL, 0), SF_VERDICT_TX,
		SF_CNT_tcp_segments, SF_CNT_tcp_replied, SF_CNT_out_rsts);
	if (m != NULL && SF_TEST_TCP_PARSE(m, &r)) {
		SF_CHECK_EQ(r.flags, RTE_TCP_RST_FLAG);
		SF_CHECK_EQ(r.seq, iss + 2);
	}
	rte_pktmbuf_free(m);
	/* ... but never answers a RST. */
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p,
		RTE_TCP_ACK_FLAG | RTE_TCP_RST_FLAG, p.isn + 1, iss + 7,
		NULL, 0), SF_VERDICT_DROP, SF_CNT_tcp_segments,
		SF_CNT_drop_tcp_req_bad_ack);
	SF_CHECK_EQ(synq(eng), 1);

	/* Out of the window: an ACK, then nothing for 500 ms. */
	sf_worker_clock(wk(eng), 1200);
	sf_test_tx_flush();   /* the SYN-ACK retransmitted at 1100 */
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, RTE_TCP_ACK_FLAG,
		p.isn + 1 + 70000, iss + 1, "x", 1), SF_VERDICT_TX,
		SF_CNT_tcp_segments, SF_CNT_tcp_replied);
	if (m != NULL && SF_TEST_TCP_PARSE(m, &r)) {
		SF_CHECK_EQ(r.flags, RTE_TCP_ACK_FLAG);
		SF_CHECK_EQ(r.seq, iss + 1);
		SF_CHECK_EQ(r.ack, p.isn + 1);
		SF_CHECK_EQ(r.win, 65535 >> 7);
		SF_CHECK_EQ(r.optlen, 12);
		SF_CHECK_EQ(r.opts.to_tsecr, p.tsval);
	}
	rte_pktmbuf_free(m);
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, RTE_TCP_ACK_FLAG,
		p.isn - 1000, iss + 1, NULL, 0), SF_VERDICT_DROP,
		SF_CNT_tcp_segments, SF_CNT_drop_tcp_req_oow);
	/* A RST out of the window: dropped, never answered. */
	sf_worker_clock(wk(eng), 1800);
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, RTE_TCP_RST_FLAG,
		p.isn + 1 + 70000, 0, NULL, 0), SF_VERDICT_DROP,
		SF_CNT_tcp_segments, SF_CNT_drop_tcp_req_oow);

	/* PAWS: an older TSval is from an earlier life: ACK and drop. */
	p.tsval = 4999;
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, RTE_TCP_ACK_FLAG,
		p.isn + 1, iss + 1, NULL, 0), SF_VERDICT_TX,
		SF_CNT_tcp_segments, SF_CNT_tcp_replied, SF_CNT_paws_rejected);
	if (m != NULL && SF_TEST_TCP_PARSE(m, &r)) {
		SF_CHECK_EQ(r.flags, RTE_TCP_ACK_FLAG);
		SF_CHECK_EQ(r.ack, p.isn + 1);
	}
	rte_pktmbuf_free(m);
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, RTE_TCP_ACK_FLAG, p.isn + 1,
		iss + 1, NULL, 0), SF_VERDICT_DROP, SF_CNT_tcp_segments,
		SF_CNT_paws_rejected, SF_CNT_drop_tcp_req_oow);
	SF_CHECK_EQ(cb.accepts, 0);

	/* No ACK: dropped, the request stays. */
	p.tsval = 5001;
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, RTE_TCP_PSH_FLAG, p.isn + 1,
		0, "abc", 3), SF_VERDICT_DROP, SF_CNT_tcp_segments,
		SF_CNT_drop_tcp_req_noack);
	SF_CHECK_EQ(synq(eng), 1);

	/*
	 * A RST in the window ends the request, whatever its timestamp:
	 * RFC 7323 5.2 wants RSTs acceptable regardless of TSval, and
	 * Linux's tcp_check_req() never PAWS-rejects one.
	 */
	p.tsval = 10;
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, RTE_TCP_RST_FLAG, p.isn + 1,
		0, NULL, 0), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed, SF_CNT_embryonic_rsts);
	SF_CHECK_EQ(synq(eng), 0);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_embryonic_rsts), 1);
	/* Gone: an ACK now meets the listener. */
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, RTE_TCP_ACK_FLAG,
		p.isn + 1, iss + 1, NULL, 0), SF_VERDICT_TX,
		SF_CNT_tcp_segments, SF_CNT_tcp_replied, SF_CNT_out_rsts);
	rte_pktmbuf_free(m);

	/* RST|ACK with the right ACK: an embryonic reset too. */
	sf_test_client_init(&p, v6, 4001, LPORT);
	sf_test_do_syn(eng, &p, SF_TOF_MSS);
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p,
		RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG, p.isn + 1 + 100, p.iss + 1,
		NULL, 0), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed, SF_CNT_embryonic_rsts);
	SF_CHECK_EQ(synq(eng), 0);

	/* A SYN with another ISN inside the window: RST, request gone. */
	sf_test_client_init(&p, v6, 4002, LPORT);
	sf_test_do_syn(eng, &p, SF_TOF_MSS);
	{
		struct sf_test_tcp t = p.t;

		t.seq = p.isn + 10;
		t.flags = RTE_TCP_SYN_FLAG;
		m = SF_CHECK_INPUTV(eng, sf_test_tcp_frame(&t), SF_VERDICT_TX,
			SF_CNT_tcp_segments, SF_CNT_tcp_replied,
			SF_CNT_embryonic_rsts, SF_CNT_out_rsts);
		if (m != NULL && SF_TEST_TCP_PARSE(m, &r)) {
			SF_CHECK_EQ(r.flags, RTE_TCP_RST_FLAG |
				RTE_TCP_ACK_FLAG);
			SF_CHECK_EQ(r.ack, p.isn + 11);
		}
		rte_pktmbuf_free(m);
	}
	SF_CHECK_EQ(synq(eng), 0);
	/* ... while one below the window only draws an ACK. */
	sf_test_client_init(&p, v6, 4003, LPORT);
	sf_test_do_syn(eng, &p, SF_TOF_MSS);
	{
		struct sf_test_tcp t = p.t;

		t.seq = p.isn - 5;
		t.flags = RTE_TCP_SYN_FLAG;
		m = SF_CHECK_INPUTV(eng, sf_test_tcp_frame(&t), SF_VERDICT_TX,
			SF_CNT_tcp_segments, SF_CNT_tcp_replied);
		if (m != NULL && SF_TEST_TCP_PARSE(m, &r)) {
			SF_CHECK_EQ(r.flags, RTE_TCP_ACK_FLAG);
			SF_CHECK_EQ(r.seq, p.iss + 1);
			SF_CHECK_EQ(r.ack, p.isn + 1);
			SF_CHECK_EQ(r.optlen, 0);
		}
		rte_pktmbuf_free(m);
	}
	SF_CHECK_EQ(synq(eng), 1);
	SF_CHECK_EQ(cb.accepts, 0);
	teardown(eng);
}

/* The valid third ACK, with what it may carry. */
static void
test_third_ack(bool v6)
{
	struct sf_listener_params lp;
	struct sf_engine *eng;
	struct sf_test_seg r;
	struct rte_mbuf *m;
	struct sf_test_client p;

	lp_default(&lp);
	eng = setup(&lp);
	sf_worker_clock(wk(eng), 50);
	sf_test_client_init(&p, v6, 5000, LPORT);
	sf_test_do_syn(eng, &p, SF_TOF_MSS | SF_TOF_TS | SF_TOF_SACKPERM |
		SF_TOF_WSCALE);
	sf_test_do_ack(eng, &p);
	SF_CHECK_EQ(cb.accepts, 1);
	SF_CHECK_EQ(synq(eng), 0);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_passive_opens), 1);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_accepted), 1);
	SF_CHECK_EQ(cb.ci.local.family, v6 ? AF_INET6 : AF_INET);
	SF_CHECK_EQ(cb.ci.remote.family, v6 ? AF_INET6 : AF_INET);
	if (v6) {
		SF_CHECK_MEM(cb.ci.local.v6, sf_test_v6, 16);
		SF_CHECK_MEM(cb.ci.remote.v6, sf_test_peer_v6, 16);
		SF_CHECK_EQ(cb.ci.local.prefix_len, 128);
	} else {
		SF_CHECK_MEM(&cb.ci.local.v4, sf_test_v4, 4);
		SF_CHECK_MEM(&cb.ci.remote.v4, sf_test_peer_v4, 4);
		SF_CHECK_EQ(cb.ci.local.prefix_len, 32);
	}
	SF_CHECK_EQ(cb.ci.local_port, LPORT);
	SF_CHECK_EQ(cb.ci.remote_port, 5000);
	SF_CHECK_EQ(cb.ci.port_id, SF_TEST_PORT);
	SF_CHECK_EQ(cb.ci.listener, 0);
	SF_CHECK_EQ(cb.ci.iss, p.iss);
	SF_CHECK_EQ(cb.ci.irs, p.isn);
	/* min(1460, our 1460 / 1440) less the 12 bytes of timestamps. */
	SF_CHECK_EQ(cb.ci.mss, (v6 ? 1440 : 1460) - 12);
	SF_CHECK_EQ(cb.ci.snd_wscale, 7);
	SF_CHECK_EQ(cb.ci.rcv_wscale, 7);
	SF_CHECK_EQ(cb.ci.flags, SF_CONN_F_WSCALE | SF_CONN_F_SACK |
		SF_CONN_F_TS);
	SF_CHECK_EQ(cb.ci.worker, 0);
	SF_CHECK(!cb.had_data);
	SF_CHECK_EQ(cb.ci.data_len, 0);

	/* Data and FIN on the third ACK: handed over, both acknowledged. */
	sf_test_client_init(&p, v6, 5001, LPORT);
	sf_test_do_syn(eng, &p, SF_TOF_MSS);
	sf_worker_clock(wk(eng), 60);
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, RTE_TCP_ACK_FLAG |
		RTE_TCP_PSH_FLAG, p.isn + 1, p.iss + 1, "hello", 5),
		SF_VERDICT_TX, SF_CNT_tcp_segments, SF_CNT_tcp_replied,
		SF_CNT_passive_opens, SF_CNT_accepted, SF_CNT_third_ack_data,
		SF_CNT_third_ack_data_bytes, SF_CNT_third_ack_data_bytes,
		SF_CNT_third_ack_data_bytes, SF_CNT_third_ack_data_bytes,
		SF_CNT_third_ack_data_bytes);
	if (m != NULL && SF_TEST_TCP_PARSE(m, &r)) {
		SF_CHECK_EQ(r.flags, RTE_TCP_ACK_FLAG);
		SF_CHECK_EQ(r.seq, p.iss + 1);
		SF_CHECK_EQ(r.ack, p.isn + 6);
		SF_CHECK_EQ(r.win, 65535 >> 0);
	}
	rte_pktmbuf_free(m);
	SF_CHECK_EQ(cb.accepts, 2);
	SF_CHECK(cb.had_data);
	SF_CHECK_EQ(cb.ci.data_len, 5);
	SF_CHECK_MEM(cb.data, "hello", 5);
	SF_CHECK_EQ(cb.ci.mss, v6 ? 1440 : 1460);
	SF_CHECK_EQ(cb.ci.flags, 0);

	/*
	 * FIN with the third ACK (on_close set): the application hears of
	 * it and closes nothing yet; our ACK covers data and FIN.
	 */
	sf_test_client_init(&p, v6, 5002, LPORT);
	sf_test_do_syn(eng, &p, 0);
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, RTE_TCP_ACK_FLAG |
		RTE_TCP_FIN_FLAG, p.isn + 1, p.iss + 1, "ab", 2),
		SF_VERDICT_TX, SF_CNT_tcp_segments, SF_CNT_tcp_replied,
		SF_CNT_passive_opens, SF_CNT_accepted, SF_CNT_third_ack_data,
		SF_CNT_third_ack_data_bytes, SF_CNT_third_ack_data_bytes,
		SF_CNT_third_ack_fin);
	if (m != NULL && SF_TEST_TCP_PARSE(m, &r)) {
		SF_CHECK_EQ(r.flags, RTE_TCP_ACK_FLAG);
		SF_CHECK_EQ(r.ack, p.isn + 4);
	}
	rte_pktmbuf_free(m);
	SF_CHECK_EQ(cb.ci.flags, SF_CONN_F_FIN);
	SF_CHECK_EQ(cb.ci.mss, v6 ? 1220 : 536);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_PEER_FIN], 1);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	teardown(eng);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_ABORT], 3);
}

/*
 * An MSS option of 0 is no MSS (Linux's tcp_parse_options() ignores it),
 * and no MSS falls below Linux's tcp_min_snd_mss (48) before the
 * timestamps' 12 bytes come off, so they cannot wrap it around.
 */
static void
test_tiny_mss(bool v6)
{
	struct sf_listener_params lp;
	struct sf_engine *eng;
	struct sf_test_client p;
	struct sf_test_tcp t;
	struct rte_mbuf *m;
	uint16_t mss[] = { 0, 1, 20, 60 };
	/* Linux: max(mss, 48), then less the 12 bytes of timestamps. */
	uint16_t want[] = { v6 ? 1220 - 12 : 536 - 12, 36, 36, 48 };
	unsigned int i;

	lp_default(&lp);
	eng = setup(&lp);
	for (i = 0; i < RTE_DIM(mss); i++) {
		sf_test_client_init(&p, v6, (uint16_t)(5100 + i), LPORT);
		t = p.t;
		t.seq = p.isn;
		t.flags = RTE_TCP_SYN_FLAG;
		t.optlen = sf_test_tcp_synopts(t.opt, SF_TOF_MSS | SF_TOF_TS,
			mss[i], 0, 7, 0);
		p.ts = true;
		p.tsval = 7;
		m = SF_CHECK_INPUTV(eng, sf_test_tcp_frame(&t), SF_VERDICT_TX,
			SF_CNT_tcp_segments, SF_CNT_tcp_replied,
			SF_CNT_syn_recv, SF_CNT_synack_sent);
		if (m != NULL) {
			struct sf_test_seg r;

			if (SF_TEST_TCP_PARSE(m, &r)) {
				p.iss = r.seq;
				p.tsecr = r.opts.to_tsval;
			}
			rte_pktmbuf_free(m);
		}
		sf_test_do_ack(eng, &p);
		SF_CHECK_EQ(cb.ci.mss, want[i]);
	}
	teardown(eng);
}

/* TCP_DEFER_ACCEPT: bare ACKs wait, data completes the handshake. */
static void
test_defer_accept(bool v6)
{
	struct sf_listener_params lp;
	struct sf_engine *eng;
	struct rte_mbuf *m;
	struct sf_test_client p;

	lp_default(&lp);
	lp.defer_accept = 5;
	eng = setup(&lp);
	sf_test_client_init(&p, v6, 6000, LPORT);
	sf_test_do_syn(eng, &p, SF_TOF_MSS);
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, RTE_TCP_ACK_FLAG, p.isn + 1,
		p.iss + 1, NULL, 0), SF_VERDICT_DROP, SF_CNT_tcp_segments,
		SF_CNT_defer_accept_drops, SF_CNT_drop_tcp_deferred);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_defer_accept_drops), 1);
	SF_CHECK_EQ(synq(eng), 1);
	SF_CHECK_EQ(cb.accepts, 0);
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, RTE_TCP_ACK_FLAG |
		RTE_TCP_PSH_FLAG, p.isn + 1, p.iss + 1, "GET", 3),
		SF_VERDICT_TX, SF_CNT_tcp_segments, SF_CNT_tcp_replied,
		SF_CNT_passive_opens, SF_CNT_accepted, SF_CNT_third_ack_data,
		SF_CNT_third_ack_data_bytes, SF_CNT_third_ack_data_bytes,
		SF_CNT_third_ack_data_bytes);
	rte_pktmbuf_free(m);
	SF_CHECK_EQ(cb.accepts, 1);
	SF_CHECK_EQ(cb.ci.data_len, 3);
	SF_CHECK_MEM(cb.data, "GET", 3);
	SF_CHECK_EQ(synq(eng), 0);

	/*
	 * A deferred request is not sent SYN-ACKs while the defer time
	 * runs; after it a bare ACK completes the handshake.
	 */
	sf_test_client_init(&p, v6, 6001, LPORT);
	sf_test_do_syn(eng, &p, SF_TOF_MSS);
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, RTE_TCP_ACK_FLAG, p.isn + 1,
		p.iss + 1, NULL, 0), SF_VERDICT_DROP, SF_CNT_tcp_segments,
		SF_CNT_defer_accept_drops, SF_CNT_drop_tcp_deferred);
	sf_worker_clock(wk(eng), 3000);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	sf_worker_clock(wk(eng), 5000);
	sf_test_do_ack(eng, &p);
	SF_CHECK_EQ(cb.accepts, 2);
	teardown(eng);
}

/* A full accept queue at the third ACK: keep the request, or reset. */
static void
test_ack_overflow(bool v6)
{
	struct sf_listener_params lp;
	struct sf_engine *eng;
	struct sf_test_seg r;
	struct rte_mbuf *m;
	struct sf_test_client p[2];
	unsigned int abort;

	for (abort = 0; abort < 2; abort++) {
		lp_default(&lp);
		lp.on_accept = NULL;
		lp.backlog = 0;
		lp.abort_on_overflow = abort != 0;
		eng = setup(&lp);
		sf_test_client_init(&p[0], v6, 7000, LPORT);
		sf_test_client_init(&p[1], v6, 7001, LPORT);
		sf_test_do_syn(eng, &p[0], SF_TOF_MSS);
		sf_test_do_syn(eng, &p[1], SF_TOF_MSS);
		SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p[0], RTE_TCP_ACK_FLAG,
			p[0].isn + 1, p[0].iss + 1, NULL, 0), SF_VERDICT_DONE,
			SF_CNT_tcp_segments, SF_CNT_tcp_absorbed,
			SF_CNT_passive_opens);
		m = sf_test_seg_frame(&p[1], RTE_TCP_ACK_FLAG, p[1].isn + 1,
			p[1].iss + 1, NULL, 0);
		if (!abort) {
			SF_CHECK_INPUTV(eng, m, SF_VERDICT_DROP,
				SF_CNT_tcp_segments, SF_CNT_listen_overflows,
				SF_CNT_listen_drops,
				SF_CNT_drop_tcp_ack_overflow);
			SF_CHECK_EQ(synq(eng), 1);
		} else {
			m = SF_CHECK_INPUTV(eng, m, SF_VERDICT_TX,
				SF_CNT_tcp_segments, SF_CNT_tcp_replied,
				SF_CNT_listen_overflows, SF_CNT_listen_drops,
				SF_CNT_embryonic_rsts, SF_CNT_out_rsts);
			if (m != NULL && SF_TEST_TCP_PARSE(m, &r)) {
				SF_CHECK_EQ(r.flags, RTE_TCP_RST_FLAG);
				SF_CHECK_EQ(r.seq, p[1].iss + 1);
			}
			rte_pktmbuf_free(m);
			SF_CHECK_EQ(synq(eng), 0);
		}
		SF_CHECK_EQ(lcnt(eng, SF_LCNT_listen_overflows), 1);
		teardown(eng);
	}

	/* Nobody accepts: third-ACK data is kept and ACKed by a new mbuf. */
	lp_default(&lp);
	lp.on_accept = NULL;
	eng = setup(&lp);
	sf_test_client_init(&p[0], v6, 7100, LPORT);
	sf_test_do_syn(eng, &p[0], SF_TOF_MSS);
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p[0], RTE_TCP_ACK_FLAG,
		p[0].isn + 1, p[0].iss + 1, "data", 4), SF_VERDICT_KEPT,
		SF_CNT_tcp_segments, SF_CNT_tcp_absorbed, SF_CNT_passive_opens,
		SF_CNT_third_ack_data, SF_CNT_third_ack_data_bytes,
		SF_CNT_third_ack_data_bytes, SF_CNT_third_ack_data_bytes,
		SF_CNT_third_ack_data_bytes);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1 && SF_TEST_TCP_PARSE(sf_test_tx[0], &r)) {
		SF_CHECK_EQ(r.flags, RTE_TCP_ACK_FLAG);
		SF_CHECK_EQ(r.ack, p[0].isn + 5);
		SF_CHECK_EQ(r.seq, p[0].iss + 1);
	}
	teardown(eng);   /* frees the kept data */
}

/* The SYN-ACK timer: 1 s, then 2 s, then the request expires. */
static void
test_synack_timer(bool v6)
{
	struct sf_listener_params lp;
	struct sf_engine *eng;
	struct sf_test_snap sn;
	struct sf_test_seg r;
	struct sf_test_client p;
	unsigned int i;
	static const uint32_t at[] = { 1000, 3000 };

	lp_default(&lp);
	lp.synack_retries = 2;
	lp.synack_timeout_ms = 1000;
	eng = setup(&lp);
	sf_test_client_init(&p, v6, 8000, LPORT);
	sf_test_do_syn(eng, &p, SF_TOF_MSS | SF_TOF_TS | SF_TOF_SACKPERM |
		SF_TOF_WSCALE);
	for (i = 0; i < RTE_DIM(at); i++) {
		sf_test_snap(eng, &sn);
		sf_worker_clock(wk(eng), at[i] - 1);
		SF_CHECK_EQ(sf_test_tx_n, 0);
		SF_CHECK_MOVED(eng, &sn, SF_CNT_MAX);
		sf_worker_clock(wk(eng), at[i]);
		SF_CHECK_MOVED(eng, &sn, SF_CNT_synack_sent,
			SF_CNT_synack_retrans);
		SF_CHECK_EQ(sf_test_tx_n, 1);
		if (sf_test_tx_n == 1 && SF_TEST_TCP_PARSE(sf_test_tx[0], &r)) {
			SF_CHECK_EQ(r.flags, RTE_TCP_SYN_FLAG |
				RTE_TCP_ACK_FLAG);
			SF_CHECK_EQ(r.seq, p.iss);
			SF_CHECK_EQ(r.ack, p.isn + 1);
			SF_CHECK_EQ(r.optlen, 20);
			SF_CHECK_EQ(r.opts.to_tsecr, p.tsval);
			SF_CHECK_EQ(r.opts.to_tsval - p.tsecr, at[i]);
		}
		sf_test_tx_flush();
	}
	sf_test_snap(eng, &sn);
	sf_worker_clock(wk(eng), 6999);
	SF_CHECK_MOVED(eng, &sn, SF_CNT_MAX);
	SF_CHECK_EQ(synq(eng), 1);
	sf_worker_clock(wk(eng), 7000);
	SF_CHECK_MOVED(eng, &sn, SF_CNT_req_timeouts);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	SF_CHECK_EQ(synq(eng), 0);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_req_timeouts), 1);
	/* Gone: its third ACK now meets the listener. */
	rte_pktmbuf_free(SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p,
		RTE_TCP_ACK_FLAG, p.isn + 1, p.iss + 1, NULL, 0), SF_VERDICT_TX,
		SF_CNT_tcp_segments, SF_CNT_tcp_replied, SF_CNT_out_rsts));

	/* A duplicate SYN restarts the timer at the current backoff. */
	sf_test_client_init(&p, v6, 8001, LPORT);
	sf_test_do_syn(eng, &p, SF_TOF_MSS);          /* at 7000: timer 8000 */
	sf_worker_clock(wk(eng), 7600);
	rte_pktmbuf_free(SF_CHECK_INPUTV(eng, sf_test_syn_frame(&p, SF_TOF_MSS),
		SF_VERDICT_TX, SF_CNT_tcp_segments, SF_CNT_tcp_replied,
		SF_CNT_synack_sent, SF_CNT_synack_retrans));
	sf_worker_clock(wk(eng), 8599);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	sf_worker_clock(wk(eng), 8600);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	teardown(eng);
}

/*
 * A SYN-ACK is written over its SYN where the PMD put it: the frame keeps
 * its offset in the buffer (its L2 header turned round), and one placed
 * too close to the buffer's end for the longer reply is answered from the
 * headroom instead, through the same checks (MACs, checksums).
 */
static void
test_reply_in_place(bool v6)
{
	struct sf_listener_params lp;
	struct sf_engine *eng;
	struct sf_test_seg r;
	struct rte_mbuf *m, *syn;
	struct sf_test_client p;
	unsigned int i, cookies;
	uint16_t off, len;

	for (cookies = 0; cookies <= 2; cookies += 2)
		for (i = 0; i < 2; i++) {
			lp_default(&lp);
			lp.syncookies = cookies;
			eng = setup(&lp);
			sf_worker_clock(wk(eng), 10);
			sf_test_client_init(&p, v6, 1100 + i, LPORT);
			/* No options: the SYN-ACK's <mss> makes it longer. */
			syn = sf_test_syn_frame(&p, 0);
			len = rte_pktmbuf_data_len(syn);
			off = i == 0 ? RTE_PKTMBUF_HEADROOM + 64 :
				syn->buf_len - len;
			memmove((uint8_t *)syn->buf_addr + off,
				rte_pktmbuf_mtod(syn, uint8_t *), len);
			syn->data_off = off;
			m = SF_CHECK_INPUTV(eng, syn, SF_VERDICT_TX,
				SF_CNT_tcp_segments, SF_CNT_tcp_replied,
				cookies ? SF_CNT_syncookies_sent :
				SF_CNT_syn_recv, SF_CNT_synack_sent);
			if (m != NULL && SF_TEST_TCP_PARSE(m, &r)) {
				SF_CHECK_EQ(r.flags,
					RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG);
				SF_CHECK_EQ(r.ack, p.isn + 1);
				SF_CHECK_EQ(r.dport, 1100 + i);
				SF_CHECK_EQ(r.optlen, 4);
				SF_CHECK_EQ(m->data_off, i == 0 ? off :
					RTE_PKTMBUF_HEADROOM);
				SF_CHECK_EQ(m->pkt_len, m->data_len);
			}
			rte_pktmbuf_free(m);
			teardown(eng);
		}
}

/* VLAN tags of the SYN come back on the SYN-ACK and its retransmission. */
static void
test_vlan(void)
{
	struct sf_listener_params lp;
	struct sf_engine *eng;
	struct sf_test_seg r;
	struct rte_mbuf *m;
	struct sf_test_client p;

	lp_default(&lp);
	eng = setup(&lp);
	sf_test_client_init(&p, false, 9000, LPORT);
	p.t.nb_vlan = 2;
	m = SF_CHECK_INPUTV(eng, sf_test_syn_frame(&p, SF_TOF_MSS),
		SF_VERDICT_TX, SF_CNT_tcp_segments, SF_CNT_tcp_replied,
		SF_CNT_syn_recv, SF_CNT_synack_sent);
	if (m != NULL && SF_TEST_TCP_PARSE(m, &r)) {
		SF_CHECK_EQ(r.nb_vlan, 2);
		SF_CHECK_EQ(r.vlan_tci[0], 100);
		SF_CHECK_EQ(r.vlan_tci[1], 200);
	}
	rte_pktmbuf_free(m);
	sf_worker_clock(wk(eng), 1000);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1 && SF_TEST_TCP_PARSE(sf_test_tx[0], &r)) {
		SF_CHECK_EQ(r.nb_vlan, 2);
		SF_CHECK_EQ(r.vlan_tci[1], 200);
	}
	teardown(eng);

	/*
	 * A cookie keeps no L2 state: the SYN-ACK answers in place and the
	 * connection takes the peer's MAC and tags from the third ACK, so
	 * what it sends later (our FIN) leaves on the same VLANs.
	 */
	lp_default(&lp);
	lp.syncookies = 2;
	eng = setup(&lp);
	sf_worker_clock(wk(eng), 100);
	sf_test_client_init(&p, false, 9001, LPORT);
	p.t.nb_vlan = 2;
	m = SF_CHECK_INPUTV(eng, sf_test_syn_frame(&p, SF_TOF_MSS | SF_TOF_TS),
		SF_VERDICT_TX, SF_CNT_tcp_segments, SF_CNT_tcp_replied,
		SF_CNT_syncookies_sent, SF_CNT_synack_sent);
	if (m != NULL && SF_TEST_TCP_PARSE(m, &r)) {
		SF_CHECK_EQ(r.nb_vlan, 2);
		SF_CHECK_EQ(r.vlan_tci[0], 100);
		SF_CHECK_EQ(r.vlan_tci[1], 200);
		p.iss = r.seq;
		p.tsecr = r.opts.to_tsval;
	}
	rte_pktmbuf_free(m);
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, RTE_TCP_ACK_FLAG, p.isn + 1,
		p.iss + 1, NULL, 0), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed, SF_CNT_syncookies_recv,
		SF_CNT_passive_opens, SF_CNT_accepted);
	SF_CHECK_EQ(cb.accepts, 1);
	sf_worker_clock(wk(eng), 300);
	if (cb.accepts == 1)
		SF_CHECK_EQ(sf_conn_close(cb.c), 0);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1 && SF_TEST_TCP_PARSE(sf_test_tx[0], &r)) {
		SF_CHECK_EQ(r.flags, RTE_TCP_FIN_FLAG | RTE_TCP_ACK_FLAG);
		SF_CHECK_EQ(r.seq, p.iss + 1);
		SF_CHECK_EQ(r.ack, p.isn + 1);
		SF_CHECK_EQ(r.nb_vlan, 2);
		SF_CHECK_EQ(r.vlan_tci[0], 100);
		SF_CHECK_EQ(r.vlan_tci[1], 200);
		SF_CHECK_EQ(r.opts.to_tsecr, p.tsval);
		SF_CHECK(SF_SEQ_GEQ(r.opts.to_tsval, p.tsecr));
	}
	teardown(eng);
}

/*
 * SYN cookies (lib/tcp/sf_cookie.h): the SYN-ACKs that stand in for a
 * request, the third ACKs that return them, and the worker's keys and
 * clocks. The cookie periods count in a wall clock the tests set
 * (et_wall_ms); the cookie layouts themselves are test_cookie.c's.
 */

/* Period number CK_PERIOD (a minute of 2023), 10 s into it. */
#define CK_PERIOD 28000000ull
#define CK_PMS(t) ((uint64_t)(t) * SF_COOKIE_PERIOD_MS)
#define CK_W0 (CK_PMS(CK_PERIOD) + 10000)

static uint64_t ck_wall;

static uint64_t
ck_wall_ms(void)
{
	return ck_wall;
}

/*
 * Set the wall clock to wall and the worker's ms clock to now (never
 * backwards), and move the cookie keys to that wall clock at once.
 */
static void
ck_clock(struct sf_engine *eng, uint64_t wall, uint32_t now)
{
	struct sf_worker *w = wk(eng);

	ck_wall = wall;
	eng->en_tcp.et_wall_ms = ck_wall_ms;
	w->wk_tcp.wt_ck_next = w->wk_tcp.wt_net.nt_now;
	sf_worker_clock(w, now);
}

/* setup_params() with the wall clock at CK_W0 and the worker at 1000. */
static struct sf_engine *
ck_setup(const struct sf_engine_params *ep,
		const struct sf_listener_params *lp)
{
	struct sf_engine *eng = setup_params(ep, lp);

	ck_clock(eng, CK_W0, 1000);
	return eng;
}

/* The flow key of p's segments, as the engine keys them. */
static void
ck_key(const struct sf_test_client *p, struct sf_flow_key *k)
{
	unsigned int alen = p->t.v6 ? 16 : 4;

	memset(k, 0, sizeof(*k));
	k->fk_family = p->t.v6 ? AF_INET6 : AF_INET;
	memcpy(k->fk_raddr, p->t.src, alen);
	memcpy(k->fk_laddr, p->t.dst, alen);
	k->fk_rport = rte_cpu_to_be_16(p->t.sport);
	k->fk_lport = rte_cpu_to_be_16(p->t.dport);
}

/*
 * p's SYN offering the options in which, with MSS mss, window scale 7
 * and the extra flags (ECE | CWR: ECN setup).
 */
static struct rte_mbuf *
ck_syn_frame(struct sf_test_client *p, unsigned int which, uint16_t mss,
		uint8_t flags)
{
	struct sf_test_tcp t = p->t;

	t.seq = p->isn;
	t.flags = RTE_TCP_SYN_FLAG | flags;
	t.optlen = sf_test_tcp_synopts(t.opt, which, mss, 7, p->tsval, 0);
	p->ts = (which & SF_TOF_TS) != 0;
	return sf_test_tcp_frame(&t);
}

/*
 * The SYN syn of p, answered with a cookie SYN-ACK and no request (full:
 * in mode 1, for want of room for one): check it, keep our ISS and TSval
 * in p and the SYN-ACK in r.
 */
static void
ck_syn(struct sf_engine *eng, struct sf_test_client *p, struct rte_mbuf *syn,
		bool full, struct sf_test_seg *r)
{
	struct sf_wtcp *wt = &wk(eng)->wk_tcp;
	uint32_t used = wt->wt_reqtab.ft_used, q = synq(eng);
	struct rte_mbuf *m;

	if (full)
		m = SF_CHECK_INPUTV(eng, syn, SF_VERDICT_TX,
			SF_CNT_tcp_segments, SF_CNT_tcp_replied,
			SF_CNT_reqq_full_do_cookies, SF_CNT_syncookies_sent,
			SF_CNT_synack_sent);
	else
		m = SF_CHECK_INPUTV(eng, syn, SF_VERDICT_TX,
			SF_CNT_tcp_segments, SF_CNT_tcp_replied,
			SF_CNT_syncookies_sent, SF_CNT_synack_sent);
	memset(r, 0, sizeof(*r));
	if (m != NULL && SF_TEST_TCP_PARSE(m, r)) {
		SF_CHECK_EQ(r->flags & ~RTE_TCP_ECE_FLAG,
			RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG);
		SF_CHECK_EQ(r->ack, p->isn + 1);
		SF_CHECK_EQ(r->sport, p->t.dport);
		SF_CHECK_EQ(r->dport, p->t.sport);
		SF_CHECK_EQ(r->data_len, 0);
		p->iss = r->seq;
		p->tsecr = (r->opts.to_flags & SF_TOF_TS) ?
			r->opts.to_tsval : 0;
	}
	rte_pktmbuf_free(m);
	/* Nothing kept: no request, no SYN-queue place, no timer. */
	SF_CHECK_EQ(wt->wt_reqtab.ft_used, used);
	SF_CHECK_EQ(synq(eng), q);
}

/* The cookie's third ACK: it validates and completes the handshake. */
static void
ck_ack(struct sf_engine *eng, const struct sf_test_client *p)
{
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(p, RTE_TCP_ACK_FLAG,
		p->isn + 1, p->iss + 1, NULL, 0), SF_VERDICT_DONE,
		SF_CNT_tcp_segments, SF_CNT_tcp_absorbed,
		SF_CNT_syncookies_recv, SF_CNT_passive_opens,
		SF_CNT_accepted);
}

/*
 * m, an ACK to the listener, answered with <SEQ=SEG.ACK><CTL=RST>:
 * checked as a cookie that failed (checked) or not checked at all.
 */
static void
ck_rst(struct sf_engine *eng, struct rte_mbuf *m, uint32_t seg_ack,
		bool checked)
{
	struct sf_test_seg r;

	if (checked)
		m = SF_CHECK_INPUTV(eng, m, SF_VERDICT_TX,
			SF_CNT_tcp_segments, SF_CNT_tcp_replied,
			SF_CNT_syncookies_failed, SF_CNT_out_rsts);
	else
		m = SF_CHECK_INPUTV(eng, m, SF_VERDICT_TX,
			SF_CNT_tcp_segments, SF_CNT_tcp_replied,
			SF_CNT_out_rsts);
	if (m != NULL && SF_TEST_TCP_PARSE(m, &r)) {
		SF_CHECK_EQ(r.flags, RTE_TCP_RST_FLAG);
		SF_CHECK_EQ(r.seq, seg_ack);
		SF_CHECK_EQ(r.ack, 0);
		SF_CHECK_EQ(r.optlen, 0);
	}
	rte_pktmbuf_free(m);
}

/* p's third ACK, failing its cookie check. */
static void
ck_fail(struct sf_engine *eng, const struct sf_test_client *p)
{
	ck_rst(eng, sf_test_seg_frame(p, RTE_TCP_ACK_FLAG, p->isn + 1,
		p->iss + 1, NULL, 0), p->iss + 1, true);
}

/* What on_accept was told of the connection p opened. */
static void
ck_info(const struct sf_test_client *p, uint16_t mss, uint8_t snd_wscale,
		uint8_t rcv_wscale, uint32_t flags)
{
	SF_CHECK_EQ(cb.ci.remote_port, p->t.sport);
	SF_CHECK_EQ(cb.ci.local_port, p->t.dport);
	SF_CHECK_EQ(cb.ci.iss, p->iss);
	SF_CHECK_EQ(cb.ci.irs, p->isn);
	SF_CHECK_EQ(cb.ci.mss, mss);
	SF_CHECK_EQ(cb.ci.snd_wscale, snd_wscale);
	SF_CHECK_EQ(cb.ci.rcv_wscale, rcv_wscale);
	SF_CHECK_EQ(cb.ci.flags, flags);
}

/* Peer address i on port 0's subnets: 10.10.0.10 + i, fd00:10:10::10 + i. */
static const uint8_t *
ck_peer(bool v6, unsigned int i)
{
	static uint8_t a[2][32][16];
	uint8_t *p = a[v6][i];

	if (v6) {
		memcpy(p, sf_test_peer_v6, 16);
		p[15] = (uint8_t)(0x10 + i);
	} else {
		memcpy(p, sf_test_peer_v4, 4);
		p[3] = (uint8_t)(10 + i);
	}
	return p;
}

/*
 * Mode 2: every SYN gets a cookie and no request; the third ACK brings
 * back what the request would have held.
 */
static void
test_cookie_mode2(bool v6)
{
	const unsigned int all = SF_TOF_MSS | SF_TOF_SACKPERM | SF_TOF_TS |
		SF_TOF_WSCALE;
	const uint8_t ecn = RTE_TCP_ECE_FLAG | RTE_TCP_CWR_FLAG;
	uint8_t fam = v6 ? AF_INET6 : AF_INET;
	uint16_t ours = v6 ? 1440 : 1460;
	/* An MSS of 1350 is carried as the table entry below it. */
	uint16_t tab = v6 ? 1340 : 1300;
	uint16_t dflt = v6 ? 1220 : 536;
	struct sf_listener_params lp;
	struct sf_test_ck co;
	struct sf_test_client p;
	struct sf_test_seg r;
	struct sf_flow_key k;
	struct sf_engine *eng;
	struct rte_mbuf *m;
	struct sf_wtcp *wt;
	uint32_t clk, tsv, iss;
	unsigned int ts;

	lp_default(&lp);
	lp.syncookies = 2;
	eng = ck_setup(NULL, &lp);
	wt = &wk(eng)->wk_tcp;

	/* Timestamps: MSS index in the ISN, the options in our TSval. */
	sf_test_client_init(&p, v6, 1100, LPORT);
	ck_syn(eng, &p, ck_syn_frame(&p, all, 1350, 0), false, &r);
	SF_CHECK_EQ(r.flags, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG);
	SF_CHECK_EQ(r.win, 65535);
	SF_CHECK_EQ(r.optlen, 20);
	SF_CHECK_EQ(r.opts.to_flags, all);
	SF_CHECK_EQ(r.opts.to_mss, ours);
	SF_CHECK_EQ(r.opts.to_wscale, 7);
	SF_CHECK_EQ(r.opts.to_tsecr, 5000);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_syncookies_sent), 1);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_syn_recv), 0);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_reqq_full_do_cookies), 0);
	ck_key(&p, &k);
	memset(&co, 0, sizeof(co));
	SF_CHECK_EQ(sf_test_ck_check(&wt->wt_ck, &k, p.isn, p.iss, true,
		p.tsecr, &co), 0);
	SF_CHECK_EQ(co.mss_idx, sf_cookie_mss_index(fam, 1350));
	SF_CHECK_EQ(co.mss, sf_cookie_mss_value(fam, co.mss_idx));
	SF_CHECK_EQ(co.mss, tab);
	SF_CHECK_EQ(co.wscale, 7);
	SF_CHECK(co.sack);
	SF_CHECK(!co.ecn);
	SF_CHECK(co.ts);
	SF_CHECK_EQ(p.iss & SF_CK_T_MASK, CK_PERIOD & SF_CK_T_MASK);
	SF_CHECK_EQ(p.iss >> SF_CK_MSS_SHIFT & SF_CK_MSS_MASK, co.mss_idx);
	SF_CHECK_EQ(p.tsecr & SF_CK_WS_MASK, 7);
	SF_CHECK_EQ(p.tsecr & (SF_CK_TS_SACK | SF_CK_TS_ECN), SF_CK_TS_SACK);
	/*
	 * Our TSval is the cookie's: our clock plus the offset the cookie's
	 * MAC gave (test_cookie.c checks that against the header).
	 */
	clk = wt->wt_net.nt_now;
	SF_CHECK_EQ(sf_test_ck_make(&wt->wt_ck, &k, p.isn, &(struct sf_test_ck){
		.mss = 1350, .wscale = 7, .sack = true, .ts = true }, &clk),
		p.iss);
	SF_CHECK_EQ(clk, p.tsecr);
	tsv = p.tsecr;

	/* The third ACK, 200 ms later: the connection, as negotiated. */
	sf_worker_clock(wk(eng), 1200);
	ck_ack(eng, &p);
	SF_CHECK_EQ(cb.accepts, 1);
	ck_info(&p, tab - 12, 7, 7, SF_CONN_F_WSCALE | SF_CONN_F_SACK |
		SF_CONN_F_TS);
	SF_CHECK(cb.ci.mss + 12 <= 1350);
	SF_CHECK(!cb.had_data);
	SF_CHECK_EQ(synq(eng), 0);
	SF_CHECK_EQ(wt->wt_reqtab.ft_used, 0);
	SF_CHECK_EQ(wt->wt_conntab.ft_used, 1);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_syncookies_recv), 1);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_passive_opens), 1);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_accepted), 1);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_syncookies_failed), 0);
	/* Its replay meets the connection, not the cookie check. */
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, RTE_TCP_ACK_FLAG,
		p.isn + 1, p.iss + 1, NULL, 0), SF_VERDICT_DONE,
		SF_CNT_tcp_segments, SF_CNT_tcp_absorbed);
	/* Our later TSvals continue from the cookie's and grow with time. */
	sf_worker_clock(wk(eng), 1700);
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, RTE_TCP_ACK_FLAG |
		RTE_TCP_PSH_FLAG, p.isn + 1, p.iss + 1, "x", 1),
		SF_VERDICT_TX, SF_CNT_tcp_segments, SF_CNT_tcp_replied);
	if (m != NULL && SF_TEST_TCP_PARSE(m, &r)) {
		SF_CHECK_EQ(r.flags, RTE_TCP_ACK_FLAG);
		SF_CHECK_EQ(r.seq, p.iss + 1);
		SF_CHECK_EQ(r.ack, p.isn + 2);
		SF_CHECK_EQ(r.opts.to_flags, SF_TOF_TS);
		SF_CHECK_EQ(r.opts.to_tsecr, 5000);
		SF_CHECK(SF_SEQ_GEQ(r.opts.to_tsval, tsv));
		tsv = r.opts.to_tsval;
	}
	rte_pktmbuf_free(m);
	sf_worker_clock(wk(eng), 2700);
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, RTE_TCP_ACK_FLAG |
		RTE_TCP_PSH_FLAG, p.isn + 2, p.iss + 1, "y", 1),
		SF_VERDICT_TX, SF_CNT_tcp_segments, SF_CNT_tcp_replied);
	if (m != NULL && SF_TEST_TCP_PARSE(m, &r))
		SF_CHECK_EQ(r.opts.to_tsval - tsv, 1000);
	rte_pktmbuf_free(m);

	/*
	 * No timestamps: the options ride in the ISN, and window scale and
	 * SACK survive all the same. A retransmitted SYN gets the same
	 * cookie within the period, still with nothing kept.
	 */
	sf_test_client_init(&p, v6, 1101, LPORT);
	ck_syn(eng, &p, ck_syn_frame(&p, SF_TOF_MSS | SF_TOF_SACKPERM |
		SF_TOF_WSCALE, 1350, 0), false, &r);
	SF_CHECK_EQ(r.optlen, 12);
	SF_CHECK_EQ(r.opts.to_flags, SF_TOF_MSS | SF_TOF_SACKPERM |
		SF_TOF_WSCALE);
	ck_key(&p, &k);
	memset(&co, 0, sizeof(co));
	SF_CHECK_EQ(sf_test_ck_check(&wt->wt_ck, &k, p.isn, p.iss, false, 0,
		&co), 0);
	SF_CHECK_EQ(co.mss, tab);
	SF_CHECK_EQ(co.wscale, 7);
	SF_CHECK(co.sack);
	SF_CHECK(!co.ecn);
	SF_CHECK(!co.ts);
	SF_CHECK_EQ(p.iss >> SF_CK_WS_SHIFT & SF_CK_WS_MASK, 7);
	SF_CHECK_EQ(p.iss & (SF_CK_SACK | SF_CK_ECN), SF_CK_SACK);
	iss = p.iss;
	sf_worker_clock(wk(eng), 2800);
	ck_syn(eng, &p, ck_syn_frame(&p, SF_TOF_MSS | SF_TOF_SACKPERM |
		SF_TOF_WSCALE, 1350, 0), false, &r);
	SF_CHECK_EQ(r.seq, iss);
	ck_ack(eng, &p);
	ck_info(&p, tab, 7, 7, SF_CONN_F_WSCALE | SF_CONN_F_SACK);

	/* ECN setup survives in both layouts; no window scale neither way. */
	for (ts = 0; ts < 2; ts++) {
		sf_test_client_init(&p, v6, (uint16_t)(1102 + ts), LPORT);
		ck_syn(eng, &p, ck_syn_frame(&p, SF_TOF_MSS |
			(ts ? SF_TOF_TS : 0), 1460, ecn), false, &r);
		SF_CHECK_EQ(r.flags, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG |
			RTE_TCP_ECE_FLAG);
		SF_CHECK_EQ(r.opts.to_flags, SF_TOF_MSS |
			(ts ? SF_TOF_TS : 0));
		ck_key(&p, &k);
		memset(&co, 0, sizeof(co));
		SF_CHECK_EQ(sf_test_ck_check(&wt->wt_ck, &k, p.isn, p.iss,
			ts != 0, p.tsecr, &co), 0);
		SF_CHECK(co.ecn);
		SF_CHECK(!co.sack);
		SF_CHECK_EQ(co.wscale, SF_COOKIE_WS_NONE);
		SF_CHECK_EQ(co.mss, ours);
		if (ts)
			SF_CHECK_EQ(p.tsecr & SF_CK_TS_ECN, SF_CK_TS_ECN);
		else
			SF_CHECK_EQ(p.iss & SF_CK_ECN, SF_CK_ECN);
		ck_ack(eng, &p);
		ck_info(&p, ts ? ours - 12 : ours, 0, 0, SF_CONN_F_ECN |
			(ts ? SF_CONN_F_TS : 0));
	}

	/* No options at all: the default MSS, the table's first entry. */
	sf_test_client_init(&p, v6, 1104, LPORT);
	ck_syn(eng, &p, sf_test_syn_frame(&p, 0), false, &r);
	SF_CHECK_EQ(r.opts.to_flags, SF_TOF_MSS);
	ck_ack(eng, &p);
	ck_info(&p, dflt, 0, 0, 0);
	SF_CHECK_EQ(dflt, sf_cookie_mss_value(fam, 0));
	SF_CHECK_EQ(cb.accepts, 5);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_syncookies_sent), 6);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_syncookies_recv), 5);
	SF_CHECK_EQ(synq(eng), 0);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	teardown(eng);

	/*
	 * A listener that grants nothing: the client's timestamps (still
	 * on its ACK, TSecr 0) leave the cookie in the ISN layout.
	 */
	lp_default(&lp);
	lp.syncookies = 2;
	lp.timestamps = false;
	lp.sack = false;
	lp.ecn = false;
	lp.wscale = 9;
	eng = ck_setup(NULL, &lp);
	sf_test_client_init(&p, v6, 1110, LPORT);
	ck_syn(eng, &p, ck_syn_frame(&p, all, 1460, ecn), false, &r);
	SF_CHECK_EQ(r.flags, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG);
	SF_CHECK_EQ(r.opts.to_flags, SF_TOF_MSS | SF_TOF_WSCALE);
	SF_CHECK_EQ(r.opts.to_wscale, 9);
	SF_CHECK(p.ts);
	SF_CHECK_EQ(p.tsecr, 0);
	ck_ack(eng, &p);
	ck_info(&p, ours, 7, 9, SF_CONN_F_WSCALE);
	teardown(eng);
}

/* Data and FIN on a cookie's third ACK, as on a request's. */
static void
test_cookie_data(bool v6)
{
	struct sf_listener_params lp;
	struct sf_test_client p;
	struct sf_engine *eng;
	struct sf_test_seg r;
	struct rte_mbuf *m;

	lp_default(&lp);
	lp.syncookies = 2;
	eng = ck_setup(NULL, &lp);
	sf_test_client_init(&p, v6, 1200, LPORT);
	ck_syn(eng, &p, sf_test_syn_frame(&p, SF_TOF_MSS | SF_TOF_TS |
		SF_TOF_SACKPERM | SF_TOF_WSCALE), false, &r);
	sf_worker_clock(wk(eng), 1100);
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, RTE_TCP_ACK_FLAG |
		RTE_TCP_PSH_FLAG, p.isn + 1, p.iss + 1, "hello", 5),
		SF_VERDICT_TX, SF_CNT_tcp_segments, SF_CNT_tcp_replied,
		SF_CNT_syncookies_recv, SF_CNT_passive_opens, SF_CNT_accepted,
		SF_CNT_third_ack_data, SF_CNT_third_ack_data_bytes,
		SF_CNT_third_ack_data_bytes, SF_CNT_third_ack_data_bytes,
		SF_CNT_third_ack_data_bytes, SF_CNT_third_ack_data_bytes);
	if (m != NULL && SF_TEST_TCP_PARSE(m, &r)) {
		SF_CHECK_EQ(r.flags, RTE_TCP_ACK_FLAG);
		SF_CHECK_EQ(r.seq, p.iss + 1);
		SF_CHECK_EQ(r.ack, p.isn + 6);
		SF_CHECK_EQ(r.win, 65535 >> 7);
		SF_CHECK_EQ(r.opts.to_flags, SF_TOF_TS);
		SF_CHECK_EQ(r.opts.to_tsecr, p.tsval);
		SF_CHECK(SF_SEQ_GEQ(r.opts.to_tsval, p.tsecr));
	}
	rte_pktmbuf_free(m);
	SF_CHECK_EQ(cb.accepts, 1);
	SF_CHECK(cb.had_data);
	SF_CHECK_EQ(cb.ci.data_len, 5);
	SF_CHECK_MEM(cb.data, "hello", 5);
	ck_info(&p, (v6 ? 1440 : 1460) - 12, 7, 7, SF_CONN_F_WSCALE |
		SF_CONN_F_SACK | SF_CONN_F_TS);

	/* FIN (and data): on_close hears of it, our ACK covers both. */
	sf_test_client_init(&p, v6, 1201, LPORT);
	ck_syn(eng, &p, sf_test_syn_frame(&p, 0), false, &r);
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, RTE_TCP_ACK_FLAG |
		RTE_TCP_FIN_FLAG, p.isn + 1, p.iss + 1, "ab", 2),
		SF_VERDICT_TX, SF_CNT_tcp_segments, SF_CNT_tcp_replied,
		SF_CNT_syncookies_recv, SF_CNT_passive_opens, SF_CNT_accepted,
		SF_CNT_third_ack_data, SF_CNT_third_ack_data_bytes,
		SF_CNT_third_ack_data_bytes, SF_CNT_third_ack_fin);
	if (m != NULL && SF_TEST_TCP_PARSE(m, &r)) {
		SF_CHECK_EQ(r.flags, RTE_TCP_ACK_FLAG);
		SF_CHECK_EQ(r.seq, p.iss + 1);
		SF_CHECK_EQ(r.ack, p.isn + 4);
	}
	rte_pktmbuf_free(m);
	SF_CHECK_EQ(cb.accepts, 2);
	SF_CHECK_EQ(cb.ci.data_len, 2);
	SF_CHECK_MEM(cb.data, "ab", 2);
	ck_info(&p, v6 ? 1220 : 536, 0, 0, SF_CONN_F_FIN);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_PEER_FIN], 1);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_syncookies_recv), 2);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	teardown(eng);
}

/*
 * defer_accept: a cookie has no SYN-ACK retransmission to draw a later
 * ACK, so its bare ACK is dropped (at any time) and the first data,
 * which carries the same cookie, completes the handshake.
 */
static void
test_cookie_defer(bool v6)
{
	struct sf_listener_params lp;
	struct sf_test_client p;
	struct sf_engine *eng;
	struct sf_test_seg r;
	struct rte_mbuf *m;

	lp_default(&lp);
	lp.syncookies = 2;
	lp.defer_accept = 5;
	eng = ck_setup(NULL, &lp);
	sf_test_client_init(&p, v6, 1300, LPORT);
	ck_syn(eng, &p, sf_test_syn_frame(&p, SF_TOF_MSS | SF_TOF_TS),
		false, &r);
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, RTE_TCP_ACK_FLAG, p.isn + 1,
		p.iss + 1, NULL, 0), SF_VERDICT_DROP, SF_CNT_tcp_segments,
		SF_CNT_syncookies_recv, SF_CNT_defer_accept_drops,
		SF_CNT_drop_tcp_deferred);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_defer_accept_drops), 1);
	SF_CHECK_EQ(cb.accepts, 0);
	SF_CHECK_EQ(synq(eng), 0);
	SF_CHECK_EQ(wk(eng)->wk_tcp.wt_reqtab.ft_used, 0);
	SF_CHECK_EQ(wk(eng)->wk_tcp.wt_conntab.ft_used, 0);
	sf_worker_clock(wk(eng), 7000);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, RTE_TCP_ACK_FLAG, p.isn + 1,
		p.iss + 1, NULL, 0), SF_VERDICT_DROP, SF_CNT_tcp_segments,
		SF_CNT_syncookies_recv, SF_CNT_defer_accept_drops,
		SF_CNT_drop_tcp_deferred);
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, RTE_TCP_ACK_FLAG |
		RTE_TCP_PSH_FLAG, p.isn + 1, p.iss + 1, "GET", 3),
		SF_VERDICT_TX, SF_CNT_tcp_segments, SF_CNT_tcp_replied,
		SF_CNT_syncookies_recv, SF_CNT_passive_opens, SF_CNT_accepted,
		SF_CNT_third_ack_data, SF_CNT_third_ack_data_bytes,
		SF_CNT_third_ack_data_bytes, SF_CNT_third_ack_data_bytes);
	if (m != NULL && SF_TEST_TCP_PARSE(m, &r)) {
		SF_CHECK_EQ(r.flags, RTE_TCP_ACK_FLAG);
		SF_CHECK_EQ(r.ack, p.isn + 4);
	}
	rte_pktmbuf_free(m);
	SF_CHECK_EQ(cb.accepts, 1);
	SF_CHECK_EQ(cb.ci.data_len, 3);
	SF_CHECK_MEM(cb.data, "GET", 3);
	ck_info(&p, (v6 ? 1440 : 1460) - 12, 0, 0, SF_CONN_F_TS);
	teardown(eng);
}

/* A full accept queue at a cookie's third ACK: drop it, or reset. */
static void
test_cookie_overflow(bool v6)
{
	struct sf_listener_params lp;
	struct sf_listener_state st;
	struct sf_test_client p[3];
	struct sf_engine *eng;
	struct sf_test_seg r;
	struct rte_mbuf *m;
	unsigned int abort, i;

	for (abort = 0; abort < 2; abort++) {
		lp_default(&lp);
		lp.syncookies = 2;
		lp.on_accept = NULL;
		lp.backlog = 0;
		lp.abort_on_overflow = abort != 0;
		eng = ck_setup(NULL, &lp);
		for (i = 0; i < 2; i++) {
			sf_test_client_init(&p[i], v6, (uint16_t)(1400 + i),
				LPORT);
			ck_syn(eng, &p[i], sf_test_syn_frame(&p[i],
				SF_TOF_MSS), false, &r);
		}
		/* The first takes the one place (backlog 0 holds 1). */
		SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p[0], RTE_TCP_ACK_FLAG,
			p[0].isn + 1, p[0].iss + 1, NULL, 0), SF_VERDICT_DONE,
			SF_CNT_tcp_segments, SF_CNT_tcp_absorbed,
			SF_CNT_syncookies_recv, SF_CNT_passive_opens);
		m = sf_test_seg_frame(&p[1], RTE_TCP_ACK_FLAG, p[1].isn + 1,
			p[1].iss + 1, NULL, 0);
		if (!abort) {
			SF_CHECK_INPUTV(eng, m, SF_VERDICT_DROP,
				SF_CNT_tcp_segments, SF_CNT_syncookies_recv,
				SF_CNT_listen_overflows, SF_CNT_listen_drops,
				SF_CNT_drop_tcp_ack_overflow);
		} else {
			m = SF_CHECK_INPUTV(eng, m, SF_VERDICT_TX,
				SF_CNT_tcp_segments, SF_CNT_tcp_replied,
				SF_CNT_syncookies_recv,
				SF_CNT_listen_overflows, SF_CNT_listen_drops,
				SF_CNT_out_rsts);
			if (m != NULL && SF_TEST_TCP_PARSE(m, &r)) {
				SF_CHECK_EQ(r.flags, RTE_TCP_RST_FLAG);
				SF_CHECK_EQ(r.seq, p[1].iss + 1);
			}
			rte_pktmbuf_free(m);
		}
		sf_engine_listener_state(eng, 0, &st);
		SF_CHECK_EQ(st.acceptq, 1);
		SF_CHECK_EQ(st.synq, 0);
		SF_CHECK_EQ(st.cnt[SF_LCNT_listen_overflows], 1);
		SF_CHECK_EQ(st.cnt[SF_LCNT_listen_drops], 1);
		SF_CHECK_EQ(st.cnt[SF_LCNT_syncookies_recv], 2);
		SF_CHECK_EQ(st.cnt[SF_LCNT_passive_opens], 1);
		SF_CHECK_EQ(wk(eng)->wk_tcp.wt_conntab.ft_used, 1);
		/* No cookie helps a SYN the queue could not take either. */
		sf_test_client_init(&p[2], v6, 1402, LPORT);
		SF_CHECK_INPUTV(eng, sf_test_syn_frame(&p[2], SF_TOF_MSS),
			SF_VERDICT_DROP, SF_CNT_tcp_segments,
			SF_CNT_listen_overflows, SF_CNT_listen_drops,
			SF_CNT_drop_tcp_syn_overflow);
		SF_CHECK_EQ(lcnt(eng, SF_LCNT_syncookies_sent), 2);
		teardown(eng);
	}
}

/*
 * Mode 1: cookies only once the SYN queue (syn_backlog) or the lcore's
 * request table is full; stateful requests go on beside them.
 */
static void
test_cookie_mode1(bool v6)
{
	struct sf_engine_params ep = {
		.nb_workers = 1, .socket_id = SOCKET_ID_ANY,
		.max_requests = 8, .max_conns = 64,
	};
	struct sf_listener_params lp;
	struct sf_test_client p[10];
	struct sf_engine *eng;
	struct sf_test_seg r;
	unsigned int i;

	lp_default(&lp);
	lp.syn_backlog = 2;
	eng = ck_setup(NULL, &lp);
	for (i = 0; i < 2; i++) {
		sf_test_client_init(&p[i], v6, (uint16_t)(1500 + i), LPORT);
		sf_test_do_syn(eng, &p[i], SF_TOF_MSS | SF_TOF_TS);
	}
	SF_CHECK_EQ(synq(eng), 2);
	sf_test_client_init(&p[2], v6, 1502, LPORT);
	ck_syn(eng, &p[2], sf_test_syn_frame(&p[2], SF_TOF_MSS | SF_TOF_TS |
		SF_TOF_WSCALE), true, &r);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_reqq_full_do_cookies), 1);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_syncookies_sent), 1);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_reqq_full_drop), 0);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_listen_drops), 0);
	SF_CHECK_EQ(synq(eng), 2);
	ck_ack(eng, &p[2]);
	ck_info(&p[2], (v6 ? 1440 : 1460) - 12, 7, 7, SF_CONN_F_WSCALE |
		SF_CONN_F_TS);
	SF_CHECK_EQ(synq(eng), 2);
	for (i = 0; i < 2; i++)
		sf_test_do_ack(eng, &p[i]);
	SF_CHECK_EQ(cb.accepts, 3);
	SF_CHECK_EQ(synq(eng), 0);
	/* Room again: the next SYN makes a request. */
	sf_test_client_init(&p[3], v6, 1503, LPORT);
	sf_test_do_syn(eng, &p[3], SF_TOF_MSS);
	SF_CHECK_EQ(synq(eng), 1);
	sf_test_do_ack(eng, &p[3]);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_syn_recv), 3);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_syncookies_recv), 1);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_passive_opens), 4);
	teardown(eng);

	/* The lcore's request table (8 slots) full: cookies too. */
	lp_default(&lp);
	eng = ck_setup(&ep, &lp);
	SF_CHECK_EQ(wk(eng)->wk_tcp.wt_reqtab.ft_cap, 8);
	for (i = 0; i < 8; i++) {
		sf_test_client_init(&p[i], v6, (uint16_t)(1510 + i), LPORT);
		sf_test_do_syn(eng, &p[i], SF_TOF_MSS);
	}
	SF_CHECK_EQ(synq(eng), 8);
	sf_test_client_init(&p[8], v6, 1518, LPORT);
	ck_syn(eng, &p[8], sf_test_syn_frame(&p[8], SF_TOF_MSS), true, &r);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_reqq_full_do_cookies), 1);
	ck_ack(eng, &p[8]);
	sf_test_do_ack(eng, &p[0]);
	sf_test_client_init(&p[9], v6, 1519, LPORT);
	sf_test_do_syn(eng, &p[9], SF_TOF_MSS);
	SF_CHECK_EQ(synq(eng), 8);
	teardown(eng);
}

/*
 * Mode 0: no cookies. A full SYN queue drops, and the last quarter of
 * syn_backlog is kept for peers that completed a handshake before on
 * this lcore. Linux's test, max - qlen < max / 4 with qlen before this
 * SYN, lets unproven peers take one place more than three quarters.
 */
static void
test_cookie_mode0(bool v6)
{
	struct sf_engine_params ep = {
		.nb_workers = 1, .socket_id = SOCKET_ID_ANY,
		.max_requests = 8, .max_conns = 64,
	};
	struct sf_listener_params lp;
	struct sf_listener_state st;
	struct sf_test_client p[10], pp;
	struct sf_engine *eng;
	struct sf_test_tcp t;
	unsigned int i;

	lp_default(&lp);
	lp.syncookies = 0;
	lp.syn_backlog = 8;
	eng = ck_setup(NULL, &lp);
	/* An ACK is never a cookie here: a plain RST. */
	sf_test_tcp_init(&t, v6, 1600, LPORT);
	t.flags = RTE_TCP_ACK_FLAG;
	t.seq = 1;
	t.ack = 0x12345678;
	ck_rst(eng, sf_test_tcp_frame(&t), 0x12345678, false);
	/* The peer proves itself with a handshake. */
	sf_test_client_init(&pp, v6, 1601, LPORT);
	sf_test_do_syn(eng, &pp, SF_TOF_MSS);
	sf_test_do_ack(eng, &pp);
	/* Unproven peers, one address each, up to the last quarter. */
	for (i = 0; i < 8; i++) {
		sf_test_client_init(&p[i], v6, (uint16_t)(1610 + i), LPORT);
		p[i].t.src = ck_peer(v6, i);
		if (i < 7) {
			sf_test_do_syn(eng, &p[i], SF_TOF_MSS);
			continue;
		}
		SF_CHECK_INPUTV(eng, sf_test_syn_frame(&p[i], SF_TOF_MSS),
			SF_VERDICT_DROP, SF_CNT_tcp_segments,
			SF_CNT_listen_drops, SF_CNT_drop_tcp_syn_unproven);
	}
	SF_CHECK_EQ(synq(eng), 7);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_listen_drops), 1);
	/* The proven peer, from another port, still gets a request. */
	pp.t.sport = 1602;
	pp.isn += 1000;
	sf_test_do_syn(eng, &pp, SF_TOF_MSS);
	SF_CHECK_EQ(synq(eng), 8);
	/* Full: dropped, proven or not, and no cookie. */
	pp.t.sport = 1603;
	SF_CHECK_INPUTV(eng, sf_test_syn_frame(&pp, SF_TOF_MSS),
		SF_VERDICT_DROP, SF_CNT_tcp_segments, SF_CNT_reqq_full_drop,
		SF_CNT_listen_drops, SF_CNT_drop_tcp_reqq_full);
	/* An ACK for no request: a plain RST, even with the queue full. */
	t.ack = 0x23456789;
	ck_rst(eng, sf_test_tcp_frame(&t), 0x23456789, false);
	sf_engine_listener_state(eng, 0, &st);
	SF_CHECK_EQ(st.synq_max, 8);
	SF_CHECK_EQ(st.cookie_lcores, 0);
	SF_CHECK_EQ(st.cnt[SF_LCNT_reqq_full_drop], 1);
	SF_CHECK_EQ(st.cnt[SF_LCNT_listen_drops], 2);
	SF_CHECK_EQ(st.cnt[SF_LCNT_syncookies_sent], 0);
	SF_CHECK_EQ(st.cnt[SF_LCNT_syncookies_failed], 0);
	/* An unproven peer completes its handshake: proven from now on. */
	sf_test_do_ack(eng, &p[0]);
	sf_test_do_ack(eng, &p[1]);
	SF_CHECK_EQ(synq(eng), 6);
	p[0].t.sport = 1620;
	p[0].isn += 1000;
	sf_test_do_syn(eng, &p[0], SF_TOF_MSS);
	SF_CHECK_INPUTV(eng, sf_test_syn_frame(&p[7], SF_TOF_MSS),
		SF_VERDICT_DROP, SF_CNT_tcp_segments,
		SF_CNT_listen_drops, SF_CNT_drop_tcp_syn_unproven);
	p[0].t.sport = 1621;
	sf_test_do_syn(eng, &p[0], SF_TOF_MSS);
	SF_CHECK_EQ(synq(eng), 8);
	teardown(eng);

	/* The lcore's request table full: dropped as well. */
	lp_default(&lp);
	lp.syncookies = 0;
	eng = ck_setup(&ep, &lp);
	for (i = 0; i < 8; i++) {
		sf_test_client_init(&p[i], v6, (uint16_t)(1630 + i), LPORT);
		sf_test_do_syn(eng, &p[i], SF_TOF_MSS);
	}
	sf_test_client_init(&p[8], v6, 1638, LPORT);
	SF_CHECK_INPUTV(eng, sf_test_syn_frame(&p[8], SF_TOF_MSS),
		SF_VERDICT_DROP, SF_CNT_tcp_segments, SF_CNT_reqq_full_drop,
		SF_CNT_listen_drops, SF_CNT_drop_tcp_req_pool_full);
	SF_CHECK_EQ(synq(eng), 8);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_reqq_full_drop), 1);
	teardown(eng);
}

/*
 * ACKs whose cookie fails: <SEQ=SEG.ACK><CTL=RST>, at most a burst of 64
 * and then one per ms.
 */
static void
test_cookie_failed(bool v6)
{
	struct sf_listener_params lp;
	struct sf_test_client p, q;
	struct sf_engine *eng;
	struct sf_test_seg r;
	struct sf_test_tcp t;
	unsigned int i;

	lp_default(&lp);
	lp.syncookies = 2;
	eng = ck_setup(NULL, &lp);
	sf_test_client_init(&p, v6, 1700, LPORT);
	ck_syn(eng, &p, sf_test_syn_frame(&p, SF_TOF_MSS | SF_TOF_TS |
		SF_TOF_SACKPERM | SF_TOF_WSCALE), false, &r);
	/* Another ACK number, another sequence number. */
	ck_rst(eng, sf_test_seg_frame(&p, RTE_TCP_ACK_FLAG, p.isn + 1,
		p.iss + 2, NULL, 0), p.iss + 2, true);
	ck_rst(eng, sf_test_seg_frame(&p, RTE_TCP_ACK_FLAG, p.isn + 2,
		p.iss + 1, NULL, 0), p.iss + 1, true);
	/*
	 * The TSecr changed in the option bits (its clock bits are not MAC
	 * input: test_cookie.c).
	 */
	q = p;
	q.tsecr ^= SF_CK_TS_SACK;
	ck_fail(eng, &q);
	q = p;
	q.tsecr = (q.tsecr & ~SF_CK_WS_MASK) | 14;
	ck_fail(eng, &q);
	/* No timestamps on the ACK of a timestamp cookie. */
	q = p;
	q.ts = false;
	ck_fail(eng, &q);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_syncookies_failed), 5);
	/* The cookie itself is not spent by the failures. */
	ck_ack(eng, &p);
	SF_CHECK_EQ(cb.accepts, 1);

	/* The ISN layout: an option bit flipped in the ISN. */
	sf_test_client_init(&p, v6, 1701, LPORT);
	ck_syn(eng, &p, sf_test_syn_frame(&p, SF_TOF_MSS | SF_TOF_SACKPERM |
		SF_TOF_WSCALE), false, &r);
	q = p;
	q.iss ^= SF_CK_SACK;
	ck_fail(eng, &q);
	q = p;
	q.iss ^= 1u << SF_CK_MSS_SHIFT;
	ck_fail(eng, &q);
	q = p;
	q.iss ^= 1u << 31;
	ck_fail(eng, &q);
	/* Timestamps where the cookie had none. */
	q = p;
	q.ts = true;
	q.tsecr = p.iss;
	ck_fail(eng, &q);
	ck_ack(eng, &p);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_syncookies_failed), 9);

	/* A flood of ACKs: 64 RSTs in one ms, then none. */
	sf_test_client_init(&q, v6, 1702, LPORT);
	ck_syn(eng, &q, sf_test_syn_frame(&q, SF_TOF_MSS), false, &r);
	sf_worker_clock(wk(eng), 2000);
	sf_test_tcp_init(&t, v6, 1703, LPORT);
	t.flags = RTE_TCP_ACK_FLAG;
	t.seq = 1;
	for (i = 0; i < 64; i++) {
		t.ack = 1000 + i;
		ck_rst(eng, sf_test_tcp_frame(&t), 1000 + i, true);
	}
	t.ack = 2000;
	SF_CHECK_INPUTV(eng, sf_test_tcp_frame(&t), SF_VERDICT_DROP,
		SF_CNT_tcp_segments, SF_CNT_syncookies_failed,
		SF_CNT_drop_tcp_cookie_rst_limited);
	/* A valid cookie still goes through. */
	ck_ack(eng, &q);
	/* 3 ms: 3 RSTs. */
	sf_worker_clock(wk(eng), 2003);
	for (i = 0; i < 3; i++) {
		t.ack = 3000 + i;
		ck_rst(eng, sf_test_tcp_frame(&t), 3000 + i, true);
	}
	SF_CHECK_INPUTV(eng, sf_test_tcp_frame(&t), SF_VERDICT_DROP,
		SF_CNT_tcp_segments, SF_CNT_syncookies_failed,
		SF_CNT_drop_tcp_cookie_rst_limited);
	/* A second: the burst again, no more. */
	sf_worker_clock(wk(eng), 3003);
	for (i = 0; i < 64; i++) {
		t.ack = 4000 + i;
		ck_rst(eng, sf_test_tcp_frame(&t), 4000 + i, true);
	}
	SF_CHECK_INPUTV(eng, sf_test_tcp_frame(&t), SF_VERDICT_DROP,
		SF_CNT_tcp_segments, SF_CNT_syncookies_failed,
		SF_CNT_drop_tcp_cookie_rst_limited);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_syncookies_failed), 9 + 65 + 4 + 65);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	teardown(eng);
}

/*
 * Mode 1 checks an ACK as a cookie only within 120 s of the lcore's last
 * cookie for the listener; otherwise it is the plain LISTEN case.
 */
static void
test_cookie_recent(bool v6)
{
	struct sf_listener_params lp;
	struct sf_listener_state st;
	struct sf_test_client p[3];
	struct sf_engine *eng;
	struct sf_test_seg r;
	struct sf_test_tcp t;
	unsigned int i;
	uint32_t now;

	lp_default(&lp);
	lp.syn_backlog = 1;
	eng = ck_setup(NULL, &lp);
	sf_test_tcp_init(&t, v6, 1800, LPORT);
	t.flags = RTE_TCP_ACK_FLAG;
	t.seq = 1;
	t.ack = 777;
	ck_rst(eng, sf_test_tcp_frame(&t), 777, false);
	sf_engine_listener_state(eng, 0, &st);
	SF_CHECK_EQ(st.cookie_lcores, 0);
	SF_CHECK_EQ(st.cnt[SF_LCNT_syncookies_failed], 0);

	sf_test_client_init(&p[0], v6, 1801, LPORT);
	sf_test_do_syn(eng, &p[0], SF_TOF_MSS);
	for (i = 1; i < 3; i++) {
		sf_test_client_init(&p[i], v6, (uint16_t)(1801 + i), LPORT);
		ck_syn(eng, &p[i], sf_test_syn_frame(&p[i], SF_TOF_MSS), true,
			&r);
	}
	sf_engine_listener_state(eng, 0, &st);
	SF_CHECK_EQ(st.cookie_lcores, 1);
	ck_rst(eng, sf_test_tcp_frame(&t), 777, true);

	/*
	 * 120 s less 1 ms after the last cookie, the worker's clock running
	 * a second at a time: the request beside the cookies retransmitted
	 * its SYN-ACK and expired, and ACKs are still checked.
	 */
	for (now = 2000; now < 1000 + SF_COOKIE_RECENT_MS; now += 1000)
		sf_worker_clock(wk(eng), now);
	sf_worker_clock(wk(eng), 1000 + SF_COOKIE_RECENT_MS - 1);
	SF_CHECK_EQ(sf_test_tx_n, 5);
	sf_test_tx_flush();
	SF_CHECK_EQ(synq(eng), 0);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_req_timeouts), 1);
	ck_ack(eng, &p[1]);
	sf_engine_listener_state(eng, 0, &st);
	SF_CHECK_EQ(st.cookie_lcores, 1);
	/* 120 s: plain RSTs again, for the valid cookie too. */
	sf_worker_clock(wk(eng), 1000 + SF_COOKIE_RECENT_MS);
	sf_engine_listener_state(eng, 0, &st);
	SF_CHECK_EQ(st.cookie_lcores, 0);
	ck_rst(eng, sf_test_tcp_frame(&t), 777, false);
	ck_rst(eng, sf_test_seg_frame(&p[2], RTE_TCP_ACK_FLAG, p[2].isn + 1,
		p[2].iss + 1, NULL, 0), p[2].iss + 1, false);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_syncookies_failed), 1);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_syncookies_recv), 1);
	SF_CHECK_EQ(cb.accepts, 1);
	teardown(eng);
}

/*
 * Mode 2 asks the same question (Linux's tcp_synq_no_recent_overflow()
 * in every mode): an ACK flood at a listener that sent no cookie lately
 * costs no MAC, a plain RST each; after a cookie, ACKs are checked for
 * 120 s, and then no longer.
 */
static void
test_cookie_recent_mode2(bool v6)
{
	struct sf_listener_params lp;
	struct sf_listener_state st;
	struct sf_test_client p[2];
	struct sf_engine *eng;
	struct sf_test_seg r;
	struct sf_test_tcp t;
	unsigned int i;

	lp_default(&lp);
	lp.syncookies = 2;
	eng = ck_setup(NULL, &lp);
	sf_test_tcp_init(&t, v6, 1850, LPORT);
	t.flags = RTE_TCP_ACK_FLAG;
	t.seq = 1;
	t.ack = 777;
	for (i = 0; i < 3; i++)
		ck_rst(eng, sf_test_tcp_frame(&t), 777, false);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_syncookies_failed), 0);
	sf_engine_listener_state(eng, 0, &st);
	SF_CHECK_EQ(st.cookie_lcores, 0);

	for (i = 0; i < 2; i++) {
		sf_test_client_init(&p[i], v6, (uint16_t)(1851 + i), LPORT);
		ck_syn(eng, &p[i], sf_test_syn_frame(&p[i], SF_TOF_MSS), false,
			&r);
	}
	ck_rst(eng, sf_test_tcp_frame(&t), 777, true);
	sf_worker_clock(wk(eng), 1000 + SF_COOKIE_RECENT_MS - 1);
	ck_ack(eng, &p[0]);
	sf_worker_clock(wk(eng), 1000 + SF_COOKIE_RECENT_MS);
	ck_rst(eng, sf_test_tcp_frame(&t), 777, false);
	/* A valid cookie too is no longer checked. */
	ck_rst(eng, sf_test_seg_frame(&p[1], RTE_TCP_ACK_FLAG, p[1].isn + 1,
		p[1].iss + 1, NULL, 0), p[1].iss + 1, false);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_syncookies_failed), 1);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_syncookies_recv), 1);
	SF_CHECK_EQ(cb.accepts, 1);
	teardown(eng);
}

/*
 * The period keys follow the wall clock through the worker's clock: a
 * cookie of period t validates to the end of period t + 1, not after.
 */
static void
test_cookie_expiry(bool v6)
{
	struct sf_listener_params lp;
	struct sf_test_client a[2], b[2], c[2];
	struct sf_engine *eng;
	struct sf_test_seg r;
	unsigned int ts, opt;
	uint64_t wall;

	lp_default(&lp);
	lp.syncookies = 2;
	eng = ck_setup(NULL, &lp);
	opt = SF_TOF_MSS | SF_TOF_WSCALE | SF_TOF_SACKPERM;
	for (ts = 0; ts < 2; ts++) {
		sf_test_client_init(&a[ts], v6, (uint16_t)(1900 + ts), LPORT);
		sf_test_client_init(&b[ts], v6, (uint16_t)(1910 + ts), LPORT);
		sf_test_client_init(&c[ts], v6, (uint16_t)(1920 + ts), LPORT);
		ck_syn(eng, &a[ts], sf_test_syn_frame(&a[ts], opt |
			(ts ? SF_TOF_TS : 0)), false, &r);
		ck_syn(eng, &b[ts], sf_test_syn_frame(&b[ts], opt |
			(ts ? SF_TOF_TS : 0)), false, &r);
		SF_CHECK_EQ(a[ts].iss & SF_CK_T_MASK,
			CK_PERIOD & SF_CK_T_MASK);
	}
	/* The last ms of period t + 1 (in the skew window of t + 2). */
	wall = CK_PMS(CK_PERIOD + 2) - 1;
	ck_clock(eng, wall, (uint32_t)(1000 + wall - CK_W0));
	SF_CHECK_EQ(wk(eng)->wk_tcp.wt_ck.ck_t, CK_PERIOD + 1);
	for (ts = 0; ts < 2; ts++) {
		ck_ack(eng, &a[ts]);
		ck_syn(eng, &c[ts], sf_test_syn_frame(&c[ts], opt |
			(ts ? SF_TOF_TS : 0)), false, &r);
		SF_CHECK_EQ(c[ts].iss & SF_CK_T_MASK,
			(CK_PERIOD + 1) & SF_CK_T_MASK);
	}
	/* Period t + 2: t's cookies fail, t + 1's validate. */
	wall = CK_PMS(CK_PERIOD + 2);
	ck_clock(eng, wall, (uint32_t)(1000 + wall - CK_W0));
	SF_CHECK_EQ(wk(eng)->wk_tcp.wt_ck.ck_t, CK_PERIOD + 2);
	for (ts = 0; ts < 2; ts++) {
		ck_fail(eng, &b[ts]);
		ck_ack(eng, &c[ts]);
	}
	SF_CHECK_EQ(cb.accepts, 4);
	SF_CHECK_EQ(lcnt(eng, SF_LCNT_syncookies_failed), 2);
	/* Nothing else ran on the clock. */
	SF_CHECK_EQ(sf_test_tx_n, 0);
	teardown(eng);
}

/* A cookie SYN-ACK is never retransmitted; a request's beside it is. */
static void
test_cookie_no_retrans(bool v6)
{
	static const uint32_t at[] = { 2000, 4000, 8000, 16000, 64000,
		130000, 300000 };
	struct sf_listener_params lp;
	struct sf_test_client p[2];
	struct sf_engine *eng;
	struct sf_test_snap sn;
	struct sf_test_seg r;
	unsigned int i;

	lp_default(&lp);
	lp.syncookies = 2;
	eng = ck_setup(NULL, &lp);
	sf_test_client_init(&p[0], v6, 2000, LPORT);
	ck_syn(eng, &p[0], sf_test_syn_frame(&p[0], SF_TOF_MSS | SF_TOF_TS),
		false, &r);
	sf_test_snap(eng, &sn);
	for (i = 0; i < RTE_DIM(at); i++) {
		sf_worker_clock(wk(eng), at[i]);
		SF_CHECK_EQ(sf_test_tx_n, 0);
		SF_CHECK_MOVED(eng, &sn, SF_CNT_MAX);
	}
	teardown(eng);

	lp_default(&lp);
	lp.syn_backlog = 1;
	eng = ck_setup(NULL, &lp);
	sf_test_client_init(&p[0], v6, 2001, LPORT);
	sf_test_do_syn(eng, &p[0], SF_TOF_MSS);
	sf_test_client_init(&p[1], v6, 2002, LPORT);
	ck_syn(eng, &p[1], sf_test_syn_frame(&p[1], SF_TOF_MSS), true, &r);
	sf_test_snap(eng, &sn);
	sf_worker_clock(wk(eng), 2000);
	SF_CHECK_MOVED(eng, &sn, SF_CNT_synack_sent, SF_CNT_synack_retrans);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1 && SF_TEST_TCP_PARSE(sf_test_tx[0], &r)) {
		SF_CHECK_EQ(r.seq, p[0].iss);
		SF_CHECK_EQ(r.dport, 2001);
	}
	teardown(eng);
}

/*
 * The master secret: a new one signs new cookies while the old one
 * validates for one more period; engines that share one validate each
 * other's cookies.
 */
static void
test_cookie_secret(bool v6)
{
	static const uint8_t k1[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
		12, 13, 14, 15, 16 };
	static const uint8_t k2[16] = { 16, 15, 14, 13, 12, 11, 10, 9, 8, 7,
		6, 5, 4, 3, 2, 1 };
	struct sf_engine_params ep = {
		.nb_workers = 1, .socket_id = SOCKET_ID_ANY,
		.max_requests = 64, .max_conns = 64,
	};
	struct sf_listener_params lp;
	struct sf_test_client p[6];
	struct sf_engine *eng, *e2, *e3;
	struct sf_test_seg r;
	unsigned int i;

	lp_default(&lp);
	lp.syncookies = 2;
	eng = ck_setup(NULL, &lp);
	for (i = 0; i < 3; i++) {
		sf_test_client_init(&p[i], v6, (uint16_t)(2100 + i), LPORT);
		ck_syn(eng, &p[i], sf_test_syn_frame(&p[i], SF_TOF_MSS |
			(i & 1 ? SF_TOF_TS : 0)), false, &r);
	}
	sf_engine_cookie_secret(eng, k1);
	for (i = 3; i < 5; i++) {
		sf_test_client_init(&p[i], v6, (uint16_t)(2100 + i), LPORT);
		ck_syn(eng, &p[i], sf_test_syn_frame(&p[i], SF_TOF_MSS |
			(i & 1 ? SF_TOF_TS : 0)), false, &r);
	}
	/* Another secret signs the same SYN differently. */
	sf_test_client_init(&p[5], v6, 2100, LPORT);
	ck_syn(eng, &p[5], sf_test_syn_frame(&p[5], SF_TOF_MSS), false, &r);
	SF_CHECK(p[5].iss != p[0].iss);
	/* Old and new cookies validate. */
	ck_ack(eng, &p[0]);
	ck_ack(eng, &p[3]);
	/* The old secret for one period from the change, and no longer. */
	ck_clock(eng, CK_W0 + SF_COOKIE_PERIOD_MS - 1,
		1000 + SF_COOKIE_PERIOD_MS - 1);
	ck_ack(eng, &p[1]);
	ck_clock(eng, CK_W0 + SF_COOKIE_PERIOD_MS, 1000 + SF_COOKIE_PERIOD_MS);
	ck_fail(eng, &p[2]);
	ck_ack(eng, &p[4]);
	teardown(eng);

	/* Engines made with one secret, and one with another. */
	ep.cookie_secret = k1;
	eng = ck_setup(&ep, &lp);
	e2 = ck_setup(&ep, &lp);
	ep.cookie_secret = k2;
	e3 = ck_setup(&ep, &lp);
	for (i = 0; i < 4; i++) {
		sf_test_client_init(&p[i], v6, (uint16_t)(2110 + i), LPORT);
		ck_syn(i == 1 ? e2 : eng, &p[i], sf_test_syn_frame(&p[i],
			SF_TOF_MSS | SF_TOF_WSCALE | (i & 1 ? 0 : SF_TOF_TS)),
			false, &r);
	}
	ck_ack(e2, &p[0]);
	ck_info(&p[0], (v6 ? 1440 : 1460) - 12, 7, 7, SF_CONN_F_WSCALE |
		SF_CONN_F_TS);
	SF_CHECK_EQ(cb.ci.worker, 0);
	ck_ack(eng, &p[1]);
	/*
	 * e3 sent no cookie yet: an ACK is answered with a plain RST, its
	 * cookie not even checked (tcp_synq_no_recent_overflow(), every
	 * mode). Once e3 sends one, cookies of the other secret fail.
	 */
	ck_rst(e3, sf_test_seg_frame(&p[2], RTE_TCP_ACK_FLAG, p[2].isn + 1,
		p[2].iss + 1, NULL, 0), p[2].iss + 1, false);
	sf_test_client_init(&p[4], v6, 2119, LPORT);
	ck_syn(e3, &p[4], sf_test_syn_frame(&p[4], SF_TOF_MSS), false, &r);
	ck_fail(e3, &p[2]);
	ck_fail(e3, &p[3]);
	SF_CHECK_EQ(sf_test_counter(e2, SF_CNT_syncookies_recv), 1);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_syncookies_recv), 1);
	SF_CHECK_EQ(sf_test_counter(e3, SF_CNT_syncookies_failed), 2);

	/*
	 * Clocks a little apart: a cookie from a node already in period
	 * t + 1 validates in the last 2 s of period t, not before.
	 */
	ck_clock(eng, CK_PMS(CK_PERIOD + 1) + 500, 5000);
	for (i = 4; i < 6; i++) {
		sf_test_client_init(&p[i], v6, (uint16_t)(2110 + i), LPORT);
		ck_syn(eng, &p[i], sf_test_syn_frame(&p[i], SF_TOF_MSS |
			SF_TOF_TS), false, &r);
	}
	SF_CHECK_EQ(p[4].iss & SF_CK_T_MASK, (CK_PERIOD + 1) & SF_CK_T_MASK);
	ck_clock(e2, CK_PMS(CK_PERIOD + 1) - SF_COOKIE_SKEW_MS - 1, 2000);
	ck_fail(e2, &p[4]);
	ck_clock(e2, CK_PMS(CK_PERIOD + 1) - SF_COOKIE_SKEW_MS, 3000);
	ck_ack(e2, &p[5]);
	teardown(e3);
	teardown(e2);
	teardown(eng);
}

/*
 * A port with TCP checksum offload, with and without the IPv4 one, the
 * client behind a VLAN tag in the second round: SYN-ACKs and resets
 * leave their sums to the NIC as DPDK's contract asks (the parse checks
 * that and fills them in as the NIC would); the handshake completes.
 */
static void
test_tx_offload(bool v6)
{
	struct sf_port_conf pc = { .mac = sf_test_mac };
	struct sf_listener_params lp;
	struct sf_test_client p;
	struct sf_test_tcp t;
	struct sf_test_seg r;
	struct sf_engine *eng;
	struct rte_mbuf *m;
	unsigned int ipsum;
	uint64_t want;

	for (ipsum = 0; ipsum < 2; ipsum++) {
		pc.tx_offloads = RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
		want = RTE_MBUF_F_TX_TCP_CKSUM | (v6 ? RTE_MBUF_F_TX_IPV6 :
			RTE_MBUF_F_TX_IPV4);
		if (ipsum) {
			pc.tx_offloads |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
			if (!v6)
				want |= RTE_MBUF_F_TX_IP_CKSUM;
		}
		memset(&cb, 0, sizeof(cb));
		lp_default(&lp);
		eng = sf_test_engine_tcp_port(NULL, &pc);
		SF_CHECK_EQ(sf_engine_listen(eng, &lp), 0);
		sf_test_client_init(&p, v6, 1500, LPORT);
		p.t.nb_vlan = ipsum;
		m = SF_CHECK_INPUTV(eng, sf_test_syn_frame(&p, SF_TOF_MSS |
			SF_TOF_SACKPERM | SF_TOF_TS | SF_TOF_WSCALE),
			SF_VERDICT_TX, SF_CNT_tcp_segments, SF_CNT_tcp_replied,
			SF_CNT_syn_recv, SF_CNT_synack_sent);
		if (m != NULL) {
			SF_CHECK_EQ(m->ol_flags, want);
			SF_CHECK_EQ(m->l2_len, 14 + 4 * ipsum);
			if (SF_TEST_TCP_PARSE(m, &r)) {
				SF_CHECK_EQ(r.flags, RTE_TCP_SYN_FLAG |
					RTE_TCP_ACK_FLAG);
				SF_CHECK_EQ(r.nb_vlan, ipsum);
				p.iss = r.seq;
				p.tsecr = r.opts.to_tsval;
			}
			rte_pktmbuf_free(m);
		}
		sf_test_do_ack(eng, &p);
		SF_CHECK_EQ(cb.accepts, 1);

		/* No listener on the port: a reset, its sum the NIC's too. */
		sf_test_tcp_init(&t, v6, 1501, LPORT + 1);
		t.flags = RTE_TCP_SYN_FLAG;
		t.seq = 77;
		m = sf_test_tcp_frame(&t);
		SF_CHECK_EQ(sf_test_input(eng, m), SF_VERDICT_TX);
		SF_CHECK_EQ(m->ol_flags, want);
		if (SF_TEST_TCP_PARSE(m, &r)) {
			SF_CHECK_EQ(r.flags, RTE_TCP_RST_FLAG |
				RTE_TCP_ACK_FLAG);
			SF_CHECK_EQ(r.ack, 78);
		}
		rte_pktmbuf_free(m);
		teardown(eng);
	}
}

int
main(int argc, char **argv)
{
	unsigned int v6;

	sf_test_init(argc, argv);
	printf("sizeof(struct sf_req) = %zu\n", sizeof(struct sf_req));
	SF_CHECK(sizeof(struct sf_req) <= 64);
	for (v6 = 0; v6 < 2; v6++) {
		test_synack_options(v6);
		test_listen_rules(v6);
		test_queues_full(v6);
		test_check_req(v6);
		test_third_ack(v6);
		test_tiny_mss(v6);
		test_defer_accept(v6);
		test_ack_overflow(v6);
		test_synack_timer(v6);
		test_cookie_mode2(v6);
		test_cookie_data(v6);
		test_cookie_defer(v6);
		test_cookie_overflow(v6);
		test_cookie_mode1(v6);
		test_cookie_mode0(v6);
		test_cookie_failed(v6);
		test_cookie_recent(v6);
		test_cookie_recent_mode2(v6);
		test_cookie_expiry(v6);
		test_cookie_no_retrans(v6);
		test_cookie_secret(v6);
		test_tx_offload(v6);
		test_reply_in_place(v6);
	}
	test_vlan();
	return sf_test_done("test_syncache");
}
