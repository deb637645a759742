/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * lib/sf_syncache.c, the SYN queue, and the LISTEN rules of
 * lib/sf_tcp_in.c: real frames from the peer to a listener on port 80,
 * the replies parsed back, the counters each step moves.
 */

#include <netinet/in.h>

#include "sf_test.h"

#define LPORT 80

/* What the callbacks saw. */
static struct {
	unsigned int accepts;
	unsigned int closes[SF_CLOSE_ABORT + 1];
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

/* A test engine with one listener (id 0) made from lp. */
static struct sf_engine *
setup(const struct sf_listener_params *lp)
{
	struct sf_engine *eng = sf_test_engine_tcp(NULL);

	memset(&cb, 0, sizeof(cb));
	if (sf_engine_listen(eng, lp) != 0) {
		fprintf(stderr, "listen failed\n");
		exit(1);
	}
	return eng;
}

static void
teardown(struct sf_engine *eng)
{
	sf_test_tx_flush();
	sf_engine_free(eng);
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
	}
	test_vlan();
	return sf_test_done("test_syncache");
}
