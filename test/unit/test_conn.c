/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * lib/tcp/sf_conn.c: established connections, the application's handle,
 * closing (ours and the peer's), TIME-WAIT, RFC 5961 challenge ACKs.
 * Every connection is made by a real handshake through the SYN queue.
 */

#include <netinet/in.h>

#include "sf_test.h"

#define LPORT 80

enum { ACT_NONE, ACT_CLOSE, ACT_RESET };

/* What the callbacks saw, and what they do. */
static struct {
	unsigned int accepts;
	unsigned int closes[SF_CLOSE_MAX];
	struct sf_conn *c;
	struct sf_conn *closed;
	struct sf_conn_info ci;
	int on_accept;     /* ACT_* */
	int on_peer_fin;   /* ACT_* */
	int ret;           /* of the last sf_conn_close/reset in a callback */
} cb;

static void
on_accept(struct sf_conn *c, const struct sf_conn_info *ci, void *arg)
{
	SF_CHECK(arg == &cb);
	cb.accepts++;
	cb.c = c;
	cb.ci = *ci;
	sf_conn_set_user(c, &cb.accepts);
	if (cb.on_accept == ACT_CLOSE)
		cb.ret = sf_conn_close(c);
	else if (cb.on_accept == ACT_RESET)
		cb.ret = sf_conn_reset(c);
}

static void
on_close(struct sf_conn *c, enum sf_close_reason why, void *arg)
{
	SF_CHECK(arg == &cb);
	SF_CHECK(sf_conn_get_user(c) == &cb.accepts);
	cb.closes[why]++;
	cb.closed = c;
	if (why == SF_CLOSE_PEER_FIN && cb.on_peer_fin == ACT_CLOSE)
		cb.ret = sf_conn_close(c);
	else if (why == SF_CLOSE_PEER_FIN && cb.on_peer_fin == ACT_RESET)
		cb.ret = sf_conn_reset(c);
	else if (why != SF_CLOSE_PEER_FIN)
		/* The handle is going: neither may act on it any more. */
		SF_CHECK_EQ(sf_conn_close(c), -EALREADY);
}

static void
lp_default(struct sf_listener_params *lp)
{
	sf_listener_params_init(lp);
	lp->port = LPORT;
	lp->on_accept = on_accept;
	lp->on_close = on_close;
	lp->arg = &cb;
}

static struct sf_engine *
setup(const struct sf_listener_params *lp)
{
	memset(&cb, 0, sizeof(cb));
	return sf_test_listen_engine(NULL, lp);
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

#define CHECK_SEG(m, fl, sq, ak) do { \
	struct sf_test_seg _r; \
	SF_CHECK((m) != NULL); \
	if ((m) != NULL && SF_TEST_TCP_PARSE((m), &_r)) { \
		SF_CHECK_EQ(_r.flags, (fl)); \
		SF_CHECK_EQ(_r.seq, (sq)); \
		SF_CHECK_EQ(_r.ack, (ak)); \
	} \
} while (0)

/* The SACK blocks of a segment's options (kind 5), at most max. */
static unsigned int
sack_blocks(const struct sf_test_seg *r, uint32_t (*blk)[2],
		unsigned int max)
{
	unsigned int i = 0, n = 0, k;

	while (i < r->optlen) {
		if (r->opt[i] == 0)
			break;
		if (r->opt[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= r->optlen || r->opt[i + 1] < 2)
			break;
		if (r->opt[i] == 5) {
			for (k = 0; k + 8 <= r->opt[i + 1] - 2u && n < max;
			     k += 8, n++) {
				memcpy(&blk[n][0], &r->opt[i + 2 + k], 4);
				memcpy(&blk[n][1], &r->opt[i + 6 + k], 4);
				blk[n][0] = rte_be_to_cpu_32(blk[n][0]);
				blk[n][1] = rte_be_to_cpu_32(blk[n][1]);
			}
		}
		i += r->opt[i + 1];
	}
	return n;
}

#define F_ACK RTE_TCP_ACK_FLAG
#define F_FIN RTE_TCP_FIN_FLAG
#define F_RST RTE_TCP_RST_FLAG
#define F_SYN RTE_TCP_SYN_FLAG
#define F_PSH RTE_TCP_PSH_FLAG

/* A connection from p through a real handshake; returns its handle. */
static struct sf_conn *
open_conn(struct sf_engine *eng, struct sf_test_client *p, unsigned int which)
{
	unsigned int n = cb.accepts;

	sf_test_do_syn(eng, p, which);
	sf_test_do_ack(eng, p);
	SF_CHECK_EQ(cb.accepts, n + 1);
	return cb.accepts == n + 1 ? cb.c : NULL;
}

static uint32_t
nconns(struct sf_engine *eng)
{
	return wk(eng)->wk_tcp.wt_conntab.ft_used;
}

/*
 * A connection from a fresh client on sport that we close at once: our
 * FIN is out (and flushed from sf_test_tx), not yet acknowledged.
 */
static struct sf_conn *
open_closed(struct sf_engine *eng, struct sf_test_client *p, bool v6,
		uint16_t sport)
{
	struct sf_conn *c;

	sf_test_client_init(p, v6, sport, LPORT);
	c = open_conn(eng, p, SF_TOF_MSS);
	if (c == NULL)
		return NULL;
	SF_CHECK_EQ(sf_conn_close(c), 0);
	sf_test_tx_flush();
	return c;
}

/*
 * The peer's FIN at RCV.NXT (rcv) acknowledging ack, after our FIN went
 * out: answered with an ACK of it sent after our FIN.
 */
static void
peer_fin(struct sf_engine *eng, const struct sf_test_client *p, uint32_t rcv,
		uint32_t ack)
{
	struct rte_mbuf *m;

	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(p, F_ACK | F_FIN, rcv, ack,
		NULL, 0), SF_VERDICT_TX, SF_CNT_tcp_segments,
		SF_CNT_tcp_replied);
	CHECK_SEG(m, F_ACK, p->iss + 2, rcv + 1);
	rte_pktmbuf_free(m);
}

/* Data in and out of order, out of the window, without ACK. */
static void
test_data(bool v6)
{
	struct sf_listener_params lp;
	struct sf_engine *eng;
	struct sf_test_seg r;
	struct rte_mbuf *m;
	struct sf_conn *c;
	struct sf_test_client p;
	uint32_t rcv;

	lp_default(&lp);
	eng = setup(&lp);
	sf_worker_clock(wk(eng), 20);
	sf_test_client_init(&p, v6, 1000, LPORT);
	c = open_conn(eng, &p, SF_TOF_MSS | SF_TOF_TS | SF_TOF_SACKPERM |
		SF_TOF_WSCALE);
	if (c == NULL)
		goto out;
	SF_CHECK_EQ(c->cn_state, SF_CS_ESTABLISHED);
	rcv = p.isn + 1;

	/* In order: ACKed, RCV.NXT advanced. */
	sf_worker_clock(wk(eng), 70);
	p.tsval = 5100;
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK | F_PSH, rcv,
		p.iss + 1, "abcd", 4), SF_VERDICT_TX, SF_CNT_tcp_segments,
		SF_CNT_tcp_replied);
	if (m != NULL && SF_TEST_TCP_PARSE(m, &r)) {
		SF_CHECK_EQ(r.flags, F_ACK);
		SF_CHECK_EQ(r.seq, p.iss + 1);
		SF_CHECK_EQ(r.ack, rcv + 4);
		SF_CHECK_EQ(r.win, 65535 >> 7);
		SF_CHECK_EQ(r.optlen, 12);
		SF_CHECK_EQ(r.opts.to_tsecr, 5100);
		SF_CHECK_EQ(r.opts.to_tsval - p.tsecr, 50);
		SF_CHECK_EQ(r.data_len, 0);
	}
	rte_pktmbuf_free(m);
	rcv += 4;
	/*
	 * Beyond a gap: queued (the gap never fills here), and a duplicate
	 * ACK for where we are, with a SACK block of the queued bytes.
	 */
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv + 100,
		p.iss + 1, "zz", 2), SF_VERDICT_KEPT, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed, SF_CNT_ofo_queue);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1 && SF_TEST_TCP_PARSE(sf_test_tx[0], &r)) {
		uint32_t blk[4][2];

		SF_CHECK_EQ(r.flags, F_ACK);
		SF_CHECK_EQ(r.ack, rcv);
		SF_CHECK_EQ(r.optlen, 12 + 12);
		SF_CHECK_EQ(sack_blocks(&r, blk, 4), 1);
		SF_CHECK_EQ(blk[0][0], rcv + 100);
		SF_CHECK_EQ(blk[0][1], rcv + 102);
	}
	sf_test_tx_flush();
	/* Old data again: the same. */
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv - 4,
		p.iss + 1, "abcd", 4), SF_VERDICT_TX, SF_CNT_tcp_segments,
		SF_CNT_tcp_replied, SF_CNT_data_dup);
	CHECK_SEG(m, F_ACK, p.iss + 1, rcv);
	rte_pktmbuf_free(m);
	/* Overlapping: only the new bytes count. */
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv - 2,
		p.iss + 1, "cdef", 4), SF_VERDICT_TX, SF_CNT_tcp_segments,
		SF_CNT_tcp_replied);
	CHECK_SEG(m, F_ACK, p.iss + 1, rcv + 2);
	rte_pktmbuf_free(m);
	rcv += 2;
	/* A bare ACK needs no answer. */
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv, p.iss + 1,
		NULL, 0), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed);
	/* No ACK bit: dropped. */
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_PSH, rcv, 0, "q", 1),
		SF_VERDICT_DROP, SF_CNT_tcp_segments,
		SF_CNT_drop_tcp_conn_noack);
	/*
	 * Out of the window with data: always answered, as Linux's
	 * tcp_oow_rate_limited() exempts data without SYN.
	 */
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv + 70000,
		p.iss + 1, "q", 1), SF_VERDICT_TX, SF_CNT_tcp_segments,
		SF_CNT_tcp_replied);
	CHECK_SEG(m, F_ACK, p.iss + 1, rcv);
	rte_pktmbuf_free(m);
	/* A bare ACK out of the window: rate limited (the last ACK: 70). */
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv + 70000,
		p.iss + 1, NULL, 0), SF_VERDICT_DROP, SF_CNT_tcp_segments,
		SF_CNT_drop_tcp_conn_oow);
	sf_worker_clock(wk(eng), 570);
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv + 70000,
		p.iss + 1, NULL, 0), SF_VERDICT_TX, SF_CNT_tcp_segments,
		SF_CNT_tcp_replied);
	CHECK_SEG(m, F_ACK, p.iss + 1, rcv);
	rte_pktmbuf_free(m);
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv + 70000,
		p.iss + 1, NULL, 0), SF_VERDICT_DROP, SF_CNT_tcp_segments,
		SF_CNT_drop_tcp_conn_oow);
	/* Acknowledging what we never sent: the same. */
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv, p.iss + 50,
		NULL, 0), SF_VERDICT_DROP, SF_CNT_tcp_segments,
		SF_CNT_drop_tcp_conn_oow);
	sf_worker_clock(wk(eng), 1070);
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv, p.iss + 50,
		NULL, 0), SF_VERDICT_TX, SF_CNT_tcp_segments,
		SF_CNT_tcp_replied);
	CHECK_SEG(m, F_ACK, p.iss + 1, rcv);
	rte_pktmbuf_free(m);
	SF_CHECK_EQ(c->cn_rcv_nxt, rcv);
	SF_CHECK_EQ(c->cn_state, SF_CS_ESTABLISHED);
	SF_CHECK_EQ(sf_test_tx_n, 0);
out:
	teardown(eng);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_ABORT], 1);
}

/*
 * RFC 9293 3.10.7.4 step 1 as Linux's tcp_sequence() and
 * tcp_validate_incoming() decide it, edge by edge (docs/handshake.md
 * has the table): RCV.WUP <= SEG.SEQ + SEG.LEN and SEG.SEQ <= RCV.WUP +
 * RCV.WND, the window as last advertised; segments with none of ACK,
 * SYN, RST dropped unanswered before any check.
 */
static void
test_window_edges(bool v6)
{
	struct sf_listener_params lp;
	struct sf_engine *eng;
	struct rte_mbuf *m;
	struct sf_conn *c;
	struct sf_test_client p;
	uint32_t rcv, now = 20, edge;

	lp_default(&lp);
	eng = setup(&lp);
	sf_worker_clock(wk(eng), now);
	sf_test_client_init(&p, v6, 1010, LPORT);
	c = open_conn(eng, &p, SF_TOF_MSS | SF_TOF_WSCALE);
	if (c == NULL)
		goto out;
	rcv = p.isn + 1;
	/* The SYN-ACK advertised 65535 bytes, unscaled (RFC 7323 2.2). */
	edge = rcv + 65535;

#define NEXT_TICK() sf_worker_clock(wk(eng), now += SF_OOW_RATELIMIT_MS)
	/* Zero length exactly at the right edge: acceptable, unanswered. */
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, edge, p.iss + 1,
		NULL, 0), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed);
	/* One past it: a duplicate ACK (the RFC's test at the edge too). */
	NEXT_TICK();
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, edge + 1,
		p.iss + 1, NULL, 0), SF_VERDICT_TX, SF_CNT_tcp_segments,
		SF_CNT_tcp_replied);
	CHECK_SEG(m, F_ACK, p.iss + 1, rcv);
	rte_pktmbuf_free(m);
	/*
	 * That ACK advertised 65535 >> 7 << 7 = 65408 bytes from RCV.NXT:
	 * the edge moved in to where the peer was told it is.
	 */
	edge = rcv + (65535 >> 7 << 7);
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, edge, p.iss + 1,
		NULL, 0), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed);
	NEXT_TICK();
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, edge + 1,
		p.iss + 1, NULL, 0), SF_VERDICT_TX, SF_CNT_tcp_segments,
		SF_CNT_tcp_replied);
	CHECK_SEG(m, F_ACK, p.iss + 1, rcv);
	rte_pktmbuf_free(m);
	/* At RCV.NXT and inside: acceptable. */
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv, p.iss + 1,
		NULL, 0), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed);
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv + 1000,
		p.iss + 1, NULL, 0), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed);
	/* Just left of RCV.NXT (a keepalive probe): a duplicate ACK. */
	NEXT_TICK();
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv - 1,
		p.iss + 1, NULL, 0), SF_VERDICT_TX, SF_CNT_tcp_segments,
		SF_CNT_tcp_replied);
	CHECK_SEG(m, F_ACK, p.iss + 1, rcv);
	rte_pktmbuf_free(m);
	/*
	 * RSTs show which side of the test a sequence number falls on: in
	 * the window but not at RCV.NXT a challenge ACK, outside dropped.
	 */
	NEXT_TICK();
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_RST, edge, 0, NULL,
		0), SF_VERDICT_TX, SF_CNT_tcp_segments, SF_CNT_tcp_replied,
		SF_CNT_challenge_acks);
	CHECK_SEG(m, F_ACK, p.iss + 1, rcv);
	rte_pktmbuf_free(m);
	NEXT_TICK();
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_RST, edge + 1, 0, NULL,
		0), SF_VERDICT_DROP, SF_CNT_tcp_segments,
		SF_CNT_drop_tcp_conn_oow);
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_RST, rcv - 1, 0, NULL,
		0), SF_VERDICT_DROP, SF_CNT_tcp_segments,
		SF_CNT_drop_tcp_conn_oow);
	/* A SYN outside the window is challenged too (RFC 5961 4.2). */
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_SYN, edge + 5000, 0,
		NULL, 0), SF_VERDICT_TX, SF_CNT_tcp_segments, SF_CNT_tcp_replied,
		SF_CNT_challenge_acks);
	CHECK_SEG(m, F_ACK, p.iss + 1, rcv);
	rte_pktmbuf_free(m);
	/* None of ACK, SYN, RST: silent, in the window or not. */
	NEXT_TICK();
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_PSH, rcv, 0, "q", 1),
		SF_VERDICT_DROP, SF_CNT_tcp_segments,
		SF_CNT_drop_tcp_conn_noack);
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_FIN, edge + 100, 0,
		NULL, 0), SF_VERDICT_DROP, SF_CNT_tcp_segments,
		SF_CNT_drop_tcp_conn_noack);
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, 0, rcv - 100, 0, NULL, 0),
		SF_VERDICT_DROP, SF_CNT_tcp_segments,
		SF_CNT_drop_tcp_conn_noack);
	/*
	 * Data starting at the edge, ending beyond: acceptable, but no byte
	 * of it in the window: answered, nothing queued.
	 */
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, edge, p.iss + 1,
		"ab", 2), SF_VERDICT_TX, SF_CNT_tcp_segments,
		SF_CNT_tcp_replied);
	CHECK_SEG(m, F_ACK, p.iss + 1, rcv);
	rte_pktmbuf_free(m);
#undef NEXT_TICK
	SF_CHECK_EQ(c->cn_state, SF_CS_ESTABLISHED);
	SF_CHECK_EQ(sf_test_tx_n, 0);
out:
	teardown(eng);
}

static unsigned int other_closes;

static void
on_close_other(struct sf_conn *c, enum sf_close_reason why, void *arg)
{
	RTE_SET_USED(c);
	RTE_SET_USED(why);
	RTE_SET_USED(arg);
	other_closes++;
}

/*
 * A connection owns what it took from its listener when it was born
 * (window, retransmission timeout, callbacks and their argument): a
 * listener changed or removed afterwards changes nothing for it.
 */
static void
test_owns_settings(bool v6)
{
	struct sf_listener_params lp, up;
	struct sf_engine *eng;
	struct rte_mbuf *m;
	struct sf_test_seg r;
	struct sf_conn *c;
	struct sf_test_client p;
	uint32_t rcv;

	lp_default(&lp);
	eng = setup(&lp);
	other_closes = 0;
	sf_worker_clock(wk(eng), 20);
	sf_test_client_init(&p, v6, 1050, LPORT);
	c = open_conn(eng, &p, SF_TOF_MSS | SF_TOF_WSCALE);
	if (c == NULL)
		goto out;
	rcv = p.isn + 1;
	up = lp;
	up.window = 4096;
	up.synack_timeout_ms = 3000;
	up.on_close = on_close_other;
	up.arg = NULL;
	SF_CHECK_EQ(sf_engine_listen_update(eng, 0, &up), 0);
	/* Our ACK still advertises the window the connection was born with. */
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK | F_PSH, rcv,
		p.iss + 1, "abcd", 4), SF_VERDICT_TX, SF_CNT_tcp_segments,
		SF_CNT_tcp_replied);
	if (m != NULL && SF_TEST_TCP_PARSE(m, &r))
		SF_CHECK_EQ(r.win, 65535 >> 7);
	rte_pktmbuf_free(m);
	rcv += 4;
	/* Removed, the listener is gone for new SYNs only. */
	SF_CHECK_EQ(sf_engine_unlisten(eng, 0), 0);
	sf_worker_poll(wk(eng));
	/* The peer's FIN reaches the callback the connection was born with. */
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK | F_FIN, rcv,
		p.iss + 1, NULL, 0), SF_VERDICT_TX, SF_CNT_tcp_segments,
		SF_CNT_tcp_replied);
	CHECK_SEG(m, F_ACK, p.iss + 1, rcv + 1);
	rte_pktmbuf_free(m);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_PEER_FIN], 1);
	SF_CHECK_EQ(other_closes, 0);
	/* Our FIN is retransmitted after the old timeout (1 s), not 3 s. */
	SF_CHECK_EQ(sf_conn_close(c), 0);
	sf_test_tx_flush();
	sf_worker_clock(wk(eng), 20 + 1000);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1)
		CHECK_SEG(sf_test_tx[0], F_FIN | F_ACK, p.iss + 1, rcv + 1);
	sf_test_tx_flush();
	/* The end, too, is told to the original callback. */
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv + 1, p.iss + 2,
		NULL, 0), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed, SF_CNT_conn_closed);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_DONE], 1);
	SF_CHECK_EQ(other_closes, 0);
out:
	teardown(eng);
}

/* RFC 5961: RSTs and SYNs on a connection. */
static void
test_rst_syn(bool v6)
{
	struct sf_listener_params lp;
	struct sf_engine *eng;
	struct rte_mbuf *m;
	struct sf_test_client p;
	uint32_t rcv;

	lp_default(&lp);
	eng = setup(&lp);
	sf_test_client_init(&p, v6, 1100, LPORT);
	if (open_conn(eng, &p, SF_TOF_MSS) == NULL)
		goto out;
	rcv = p.isn + 1;

	/* In the window but not at RCV.NXT: a challenge ACK. */
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_RST, rcv + 10, 0,
		NULL, 0), SF_VERDICT_TX, SF_CNT_tcp_segments,
		SF_CNT_tcp_replied, SF_CNT_challenge_acks);
	CHECK_SEG(m, F_ACK, p.iss + 1, rcv);
	rte_pktmbuf_free(m);
	/* ... at most one per 500 ms. */
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_RST | F_ACK, rcv + 10,
		p.iss + 1, NULL, 0), SF_VERDICT_DROP, SF_CNT_tcp_segments,
		SF_CNT_drop_tcp_challenge_limited);
	/* Out of the window: dropped without a word. */
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_RST, rcv + 70000, 0,
		NULL, 0), SF_VERDICT_DROP, SF_CNT_tcp_segments,
		SF_CNT_drop_tcp_conn_oow);
	/* A SYN, old or new: challenged. */
	sf_worker_clock(wk(eng), 500);
	{
		struct sf_test_tcp t = p.t;

		t.seq = rcv + 5;
		t.flags = F_SYN;
		m = SF_CHECK_INPUTV(eng, sf_test_tcp_frame(&t), SF_VERDICT_TX,
			SF_CNT_tcp_segments, SF_CNT_tcp_replied,
			SF_CNT_challenge_acks);
		CHECK_SEG(m, F_ACK, p.iss + 1, rcv);
		rte_pktmbuf_free(m);
	}
	SF_CHECK_EQ(nconns(eng), 1);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_RESET], 0);
	/* At RCV.NXT exactly: the connection is reset. */
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_RST, rcv, 0, NULL, 0),
		SF_VERDICT_DONE, SF_CNT_tcp_segments, SF_CNT_tcp_absorbed,
		SF_CNT_conn_resets);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_RESET], 1);
	SF_CHECK(cb.closed == cb.c);
	SF_CHECK_EQ(nconns(eng), 0);
	/* Gone: the listener answers its ACK with a RST. */
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv, p.iss + 1,
		NULL, 0), SF_VERDICT_TX, SF_CNT_tcp_segments,
		SF_CNT_tcp_replied, SF_CNT_out_rsts);
	CHECK_SEG(m, F_RST, p.iss + 1, 0);
	rte_pktmbuf_free(m);
	SF_CHECK_EQ(sf_test_tx_n, 0);
out:
	teardown(eng);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_ABORT], 0);
}

/* The peer closes first; without on_close the engine closes for it. */
static void
test_peer_close(bool v6)
{
	struct sf_listener_params lp;
	uint32_t t;
	struct sf_engine *eng;
	struct sf_test_snap sn;
	struct rte_mbuf *m;
	struct sf_conn *c;
	struct sf_test_client p;
	uint32_t rcv;

	lp_default(&lp);
	lp.on_close = NULL;
	eng = setup(&lp);
	sf_test_client_init(&p, v6, 1200, LPORT);
	c = open_conn(eng, &p, SF_TOF_MSS);
	if (c == NULL)
		goto out;
	rcv = p.isn + 1;
	/* Data and FIN: our FIN|ACK acknowledges both. */
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK | F_FIN, rcv,
		p.iss + 1, "bye", 3), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed, SF_CNT_auto_closes);
	rcv += 4;
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1)
		CHECK_SEG(sf_test_tx[0], F_FIN | F_ACK, p.iss + 1, rcv);
	sf_test_tx_flush();
	SF_CHECK_EQ(c->cn_state, SF_CS_LAST_ACK);
	/* The FIN again (our ACK lost): answered. */
	sf_worker_clock(wk(eng), 600);
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK | F_FIN, rcv - 4,
		p.iss + 1, "bye", 3), SF_VERDICT_TX, SF_CNT_tcp_segments,
		SF_CNT_tcp_replied);
	CHECK_SEG(m, F_ACK, p.iss + 2, rcv);
	rte_pktmbuf_free(m);
	/* The ACK of our FIN frees it. */
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv, p.iss + 2,
		NULL, 0), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed, SF_CNT_conn_closed);
	SF_CHECK_EQ(nconns(eng), 0);
	SF_CHECK_EQ(c->cn_state, SF_CS_FREE);

	/* Our FIN unacknowledged in LAST-ACK: retransmitted, then given up. */
	sf_test_client_init(&p, v6, 1201, LPORT);
	c = open_conn(eng, &p, SF_TOF_MSS);
	if (c == NULL)
		goto out;
	rcv = p.isn + 1;
	sf_worker_clock(wk(eng), 1000);
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK | F_FIN, rcv,
		p.iss + 1, NULL, 0), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed, SF_CNT_auto_closes);
	sf_test_tx_flush();
	sf_test_snap(eng, &sn);
	sf_worker_clock(wk(eng), 2000);
	SF_CHECK_MOVED(eng, &sn, SF_CNT_fin_retrans, SF_CNT_retrans_segs,
		SF_CNT_tcp_timeouts);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1)
		CHECK_SEG(sf_test_tx[0], F_FIN | F_ACK, p.iss + 1, rcv + 1);
	sf_test_tx_flush();
	/*
	 * Retransmitted at 2, 4, 8, 16 and 32 s (1 s doubling), given up
	 * at 64 s.
	 */
	for (t = 4000; t <= 32000; t *= 2) {
		sf_worker_clock(wk(eng), t - 1);
		SF_CHECK_EQ(sf_test_tx_n, 0);
		sf_worker_clock(wk(eng), t);
		SF_CHECK_EQ(sf_test_tx_n, 1);
		if (sf_test_tx_n == 1)
			CHECK_SEG(sf_test_tx[0], F_FIN | F_ACK, p.iss + 1,
				rcv + 1);
		sf_test_tx_flush();
	}
	SF_CHECK_EQ(nconns(eng), 1);
	sf_test_snap(eng, &sn);
	sf_worker_clock(wk(eng), 63999);
	SF_CHECK_MOVED(eng, &sn, SF_CNT_MAX);
	sf_worker_clock(wk(eng), 64000);
	SF_CHECK_MOVED(eng, &sn, SF_CNT_conn_timeouts, SF_CNT_conn_closed,
		SF_CNT_abort_on_timeout);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	SF_CHECK_EQ(nconns(eng), 0);
out:
	teardown(eng);
}

/* We close first: FIN-WAIT-1, FIN-WAIT-2, TIME-WAIT. */
static void
test_our_close(bool v6)
{
	struct sf_listener_params lp;
	struct sf_engine *eng;
	struct sf_test_snap sn;
	struct rte_mbuf *m;
	struct sf_conn *c;
	struct sf_test_client p;
	uint32_t rcv;

	lp_default(&lp);
	eng = setup(&lp);
	sf_test_client_init(&p, v6, 1300, LPORT);
	c = open_conn(eng, &p, SF_TOF_MSS | SF_TOF_TS);
	if (c == NULL)
		goto out;
	rcv = p.isn + 1;
	sf_test_snap(eng, &sn);
	SF_CHECK_EQ(sf_conn_close(c), 0);
	SF_CHECK_EQ(sf_conn_close(c), -EALREADY);
	SF_CHECK_MOVED(eng, &sn, SF_CNT_app_closes);
	SF_CHECK_EQ(c->cn_state, SF_CS_FIN_WAIT_1);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1) {
		struct sf_test_seg r;

		CHECK_SEG(sf_test_tx[0], F_FIN | F_ACK, p.iss + 1, rcv);
		if (SF_TEST_TCP_PARSE(sf_test_tx[0], &r)) {
			SF_CHECK_EQ(r.optlen, 12);
			SF_CHECK_EQ(r.opts.to_tsecr, p.tsval);
		}
	}
	sf_test_tx_flush();
	/* Unacknowledged: retransmitted after 1 s. */
	sf_test_snap(eng, &sn);
	sf_worker_clock(wk(eng), 1000);
	SF_CHECK_MOVED(eng, &sn, SF_CNT_fin_retrans, SF_CNT_retrans_segs,
		SF_CNT_tcp_timeouts);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1)
		CHECK_SEG(sf_test_tx[0], F_FIN | F_ACK, p.iss + 1, rcv);
	sf_test_tx_flush();
	/* Acknowledged: FIN-WAIT-2, no more retransmissions. */
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv, p.iss + 2,
		NULL, 0), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed);
	SF_CHECK_EQ(c->cn_state, SF_CS_FIN_WAIT_2);
	sf_worker_clock(wk(eng), 5000);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	/* Data still arrives and is acknowledged in FIN-WAIT-2. */
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv, p.iss + 2,
		"xy", 2), SF_VERDICT_TX, SF_CNT_tcp_segments,
		SF_CNT_tcp_replied);
	CHECK_SEG(m, F_ACK, p.iss + 2, rcv + 2);
	rte_pktmbuf_free(m);
	rcv += 2;
	/* The peer's FIN: ACK, TIME-WAIT. */
	peer_fin(eng, &p, rcv, p.iss + 2);
	SF_CHECK_EQ(c->cn_state, SF_CS_TIME_WAIT);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_DONE], 0);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_PEER_FIN], 0);
	/* Its retransmission is answered and restarts TIME-WAIT. */
	sf_worker_clock(wk(eng), 6000);
	peer_fin(eng, &p, rcv, p.iss + 2);
	/* A bare ACK at RCV.NXT: TIME-WAIT restarted (the same instant). */
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv + 1, p.iss + 2,
		NULL, 0), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed);
	/*
	 * One beyond it would be answered, but not so soon after the last
	 * answer (rate limited as out of window).
	 */
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv + 2, p.iss + 2,
		NULL, 0), SF_VERDICT_DROP, SF_CNT_tcp_segments,
		SF_CNT_drop_tcp_conn_oow);
	sf_test_snap(eng, &sn);
	sf_worker_clock(wk(eng), 7999);
	SF_CHECK_MOVED(eng, &sn, SF_CNT_MAX);
	SF_CHECK_EQ(nconns(eng), 1);
	sf_worker_clock(wk(eng), 8000);
	SF_CHECK_MOVED(eng, &sn, SF_CNT_conn_closed);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_DONE], 1);
	SF_CHECK_EQ(nconns(eng), 0);
	SF_CHECK_EQ(sf_test_tx_n, 0);

	/* FIN and the ACK of ours in one segment: straight to TIME-WAIT. */
	c = open_closed(eng, &p, v6, 1301);
	if (c == NULL)
		goto out;
	rcv = p.isn + 1;
	peer_fin(eng, &p, rcv, p.iss + 2);
	SF_CHECK_EQ(c->cn_state, SF_CS_TIME_WAIT);

	/* Simultaneous close: CLOSING, then TIME-WAIT on the ACK. */
	c = open_closed(eng, &p, v6, 1302);
	if (c == NULL)
		goto out;
	rcv = p.isn + 1;
	peer_fin(eng, &p, rcv, p.iss + 1);
	SF_CHECK_EQ(c->cn_state, SF_CS_CLOSING);
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv + 1, p.iss + 2,
		NULL, 0), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed);
	SF_CHECK_EQ(c->cn_state, SF_CS_TIME_WAIT);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_PEER_FIN], 0);
out:
	teardown(eng);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_ABORT], 2);
}

/*
 * A connection's timer kinds on its one wheel slot: the retransmission
 * of our FIN goes on in CLOSING and stops in TIME-WAIT; TIME-WAIT and
 * FIN-WAIT-2 end on their own deadline.
 */
static void
test_conn_timers(bool v6)
{
	struct sf_listener_params lp;
	struct sf_engine *eng;
	struct sf_test_snap sn;
	struct sf_conn *c;
	struct sf_test_client p;
	uint32_t rcv;

	lp_default(&lp);
	eng = setup(&lp);
	/* Simultaneous close at 1 s: our FIN is due again at 2 s. */
	sf_worker_clock(wk(eng), 1000);
	c = open_closed(eng, &p, v6, 1400);
	if (c == NULL)
		goto out;
	rcv = p.isn + 1;
	peer_fin(eng, &p, rcv, p.iss + 1);
	SF_CHECK_EQ(c->cn_state, SF_CS_CLOSING);
	sf_test_snap(eng, &sn);
	sf_worker_clock(wk(eng), 1999);
	SF_CHECK_MOVED(eng, &sn, SF_CNT_MAX);
	sf_worker_clock(wk(eng), 2000);
	SF_CHECK_MOVED(eng, &sn, SF_CNT_fin_retrans, SF_CNT_retrans_segs,
		SF_CNT_tcp_timeouts);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1)
		CHECK_SEG(sf_test_tx[0], F_FIN | F_ACK, p.iss + 1, rcv + 1);
	sf_test_tx_flush();
	/* Acknowledged at 3 s: TIME-WAIT, no FIN at 4 s, the end at 5 s. */
	sf_worker_clock(wk(eng), 3000);
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv + 1, p.iss + 2,
		NULL, 0), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed);
	SF_CHECK_EQ(c->cn_state, SF_CS_TIME_WAIT);
	sf_test_snap(eng, &sn);
	sf_worker_clock(wk(eng), 4999);
	SF_CHECK_MOVED(eng, &sn, SF_CNT_MAX);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	sf_worker_clock(wk(eng), 5000);
	SF_CHECK_MOVED(eng, &sn, SF_CNT_conn_closed);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	SF_CHECK_EQ(nconns(eng), 0);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_DONE], 1);

	/* FIN-WAIT-2 with no FIN from the peer: the end 60 s after. */
	c = open_closed(eng, &p, v6, 1401);
	if (c == NULL)
		goto out;
	rcv = p.isn + 1;
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv, p.iss + 2,
		NULL, 0), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed);
	SF_CHECK_EQ(c->cn_state, SF_CS_FIN_WAIT_2);
	sf_test_snap(eng, &sn);
	sf_worker_clock(wk(eng), 5000 + 59999);
	SF_CHECK_MOVED(eng, &sn, SF_CNT_MAX);
	SF_CHECK_EQ(nconns(eng), 1);
	sf_worker_clock(wk(eng), 5000 + 60000);
	SF_CHECK_MOVED(eng, &sn, SF_CNT_conn_timeouts, SF_CNT_conn_closed);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	SF_CHECK_EQ(nconns(eng), 0);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_DONE], 2);
out:
	teardown(eng);
}

/* What on_data was handed, and what it does (ACT_* and DATA_KEEP). */
#define DATA_KEEP 100
static struct {
	unsigned int calls;
	char got[64];            /* every byte, in order */
	uint32_t len;
	int act;
	struct rte_mbuf *kept;
	const uint8_t *kept_data;
	uint32_t kept_len;
} dt;

static void
on_data(struct sf_conn *c, const struct sf_conn_data *d, void *arg)
{
	SF_CHECK(arg == &cb);
	SF_CHECK(c == cb.c);
	SF_CHECK(d->m != NULL && d->len != 0);
	/* The bytes lie in the frame's first segment. */
	SF_CHECK(d->data >= rte_pktmbuf_mtod(d->m, const uint8_t *) &&
		d->data + d->len <= rte_pktmbuf_mtod(d->m, const uint8_t *) +
		rte_pktmbuf_data_len(d->m));
	dt.calls++;
	if (dt.len + d->len <= sizeof(dt.got)) {
		memcpy(dt.got + dt.len, d->data, d->len);
		dt.len += d->len;
	}
	if (dt.act == DATA_KEEP) {
		rte_mbuf_refcnt_update(d->m, 1);
		dt.kept = d->m;
		dt.kept_data = d->data;
		dt.kept_len = d->len;
	} else if (dt.act == ACT_RESET) {
		cb.ret = sf_conn_reset(c);
	} else if (dt.act == ACT_CLOSE) {
		cb.ret = sf_conn_close(c);
	}
}

/*
 * on_data: the bytes past RCV.NXT, each once and in order; repeated and
 * overlapping bytes cut off, bytes out of order not handed up; a frame
 * the application keeps is left alone (the ACK goes in its own mbuf);
 * a reset or close from inside on_data.
 */
static void
test_on_data(bool v6)
{
	struct sf_listener_params lp;
	struct sf_engine *eng;
	struct sf_test_client p;
	struct rte_mbuf *m;
	struct sf_conn *c;
	uint32_t rcv;

	lp_default(&lp);
	lp.on_data = on_data;
	eng = setup(&lp);
	memset(&dt, 0, sizeof(dt));
	sf_test_client_init(&p, v6, 1500, LPORT);
	/* The third ACK's bytes come with on_accept, not on_data. */
	sf_test_do_syn(eng, &p, SF_TOF_MSS);
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, p.isn + 1,
		p.iss + 1, "hi", 2), SF_VERDICT_TX, SF_CNT_tcp_segments,
		SF_CNT_tcp_replied, SF_CNT_passive_opens, SF_CNT_accepted,
		SF_CNT_third_ack_data, SF_CNT_third_ack_data_bytes,
		SF_CNT_third_ack_data_bytes);
	rte_pktmbuf_free(m);
	SF_CHECK_EQ(cb.accepts, 1);
	SF_CHECK_EQ(cb.ci.data_len, 2);
	SF_CHECK_EQ(dt.calls, 0);
	c = cb.c;
	rcv = p.isn + 3;

	/* In order: handed up, then ACKed in place. */
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK | F_PSH, rcv,
		p.iss + 1, "abc", 3), SF_VERDICT_TX, SF_CNT_tcp_segments,
		SF_CNT_tcp_replied, SF_CNT_data_delivered,
		SF_CNT_data_delivered_bytes, SF_CNT_data_delivered_bytes,
		SF_CNT_data_delivered_bytes);
	CHECK_SEG(m, F_ACK, p.iss + 1, rcv + 3);
	rte_pktmbuf_free(m);
	rcv += 3;
	/* Repeated: not again; a duplicate ACK. */
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv - 3,
		p.iss + 1, "abc", 3), SF_VERDICT_TX, SF_CNT_tcp_segments,
		SF_CNT_tcp_replied, SF_CNT_data_dup);
	CHECK_SEG(m, F_ACK, p.iss + 1, rcv);
	rte_pktmbuf_free(m);
	/* Beyond a gap: queued, a duplicate ACK (in a new mbuf: kept). */
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv + 2,
		p.iss + 1, "fg", 2), SF_VERDICT_KEPT, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed, SF_CNT_ofo_queue);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1)
		CHECK_SEG(sf_test_tx[0], F_ACK, p.iss + 1, rcv);
	sf_test_tx_flush();
	SF_CHECK_EQ(dt.calls, 1);
	/*
	 * Overlapping, and filling the gap: only what is new, "de" of
	 * "cde", then the queued "fg"; one ACK for all of it.
	 */
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv - 1,
		p.iss + 1, "cde", 3), SF_VERDICT_TX, SF_CNT_tcp_segments,
		SF_CNT_tcp_replied, SF_CNT_data_delivered,
		SF_CNT_data_delivered, SF_CNT_data_delivered_bytes,
		SF_CNT_data_delivered_bytes, SF_CNT_data_delivered_bytes,
		SF_CNT_data_delivered_bytes);
	CHECK_SEG(m, F_ACK, p.iss + 1, rcv + 4);
	rte_pktmbuf_free(m);
	rcv += 4;
	SF_CHECK_EQ(dt.calls, 3);
	SF_CHECK_EQ(dt.len, 7);
	SF_CHECK_MEM(dt.got, "abcdefg", 7);
	SF_CHECK_EQ(wk(eng)->wk_tcp.wt_ofo_mbufs, 0);

	/* Kept: the frame is the application's; the ACK is a new mbuf. */
	dt.act = DATA_KEEP;
	sf_test_tx_flush();
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv, p.iss + 1,
		"hij", 3), SF_VERDICT_KEPT, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed, SF_CNT_data_delivered,
		SF_CNT_data_delivered_bytes, SF_CNT_data_delivered_bytes,
		SF_CNT_data_delivered_bytes);
	rcv += 3;
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1)
		CHECK_SEG(sf_test_tx[0], F_ACK, p.iss + 1, rcv);
	sf_test_tx_flush();
	SF_CHECK(dt.kept != NULL);
	if (dt.kept != NULL) {
		/* Ours alone now, the bytes as they came. */
		SF_CHECK_EQ(rte_mbuf_refcnt_read(dt.kept), 1);
		SF_CHECK_EQ(dt.kept_len, 3);
		SF_CHECK_MEM(dt.kept_data, "hij", 3);
		rte_pktmbuf_free(dt.kept);
		dt.kept = NULL;
	}

	/* A close from inside on_data: the FIN acknowledges the bytes. */
	dt.act = ACT_CLOSE;
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv, p.iss + 1,
		"kl", 2), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed, SF_CNT_data_delivered,
		SF_CNT_data_delivered_bytes, SF_CNT_data_delivered_bytes,
		SF_CNT_app_closes);
	rcv += 2;
	SF_CHECK_EQ(cb.ret, 0);
	SF_CHECK_EQ(c->cn_state, SF_CS_FIN_WAIT_1);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1)
		CHECK_SEG(sf_test_tx[0], F_FIN | F_ACK, p.iss + 1, rcv);
	sf_test_tx_flush();
	SF_CHECK_EQ(dt.len, 12);
	SF_CHECK_MEM(dt.got, "abcdefghijkl", 12);

	/* A reset from inside on_data: the frame is just done with. */
	memset(&dt, 0, sizeof(dt));
	dt.act = ACT_RESET;
	sf_test_client_init(&p, v6, 1501, LPORT);
	c = open_conn(eng, &p, SF_TOF_MSS);
	if (c == NULL)
		goto out;
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, p.isn + 1,
		p.iss + 1, "x", 1), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed, SF_CNT_data_delivered,
		SF_CNT_data_delivered_bytes, SF_CNT_app_resets, SF_CNT_out_rsts);
	SF_CHECK_EQ(cb.ret, 0);
	SF_CHECK_EQ(c->cn_state, SF_CS_FREE);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1)
		CHECK_SEG(sf_test_tx[0], F_RST | F_ACK, p.iss + 1, p.isn + 2);
	sf_test_tx_flush();
	SF_CHECK_EQ(dt.calls, 1);
out:
	teardown(eng);
}

/* len bytes from p at seq, beyond a gap: queued (the frame kept). */
static void
ofo_seg(struct sf_engine *eng, const struct sf_test_client *p, uint32_t seq,
		const char *data, uint16_t len)
{
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(p, F_ACK, seq, p->iss + 1,
		data, len), SF_VERDICT_KEPT, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed, SF_CNT_ofo_queue);
}

/* The SACK blocks of the one segment the engine sent, or of m. */
static unsigned int
sent_sack(struct rte_mbuf *m, uint32_t ack, uint32_t (*blk)[2])
{
	struct sf_test_seg r;
	unsigned int n = 0;

	if (m == NULL && sf_test_tx_n == 1)
		m = sf_test_tx[0];
	SF_CHECK(m != NULL);
	if (m != NULL && SF_TEST_TCP_PARSE(m, &r)) {
		SF_CHECK_EQ(r.flags, F_ACK);
		SF_CHECK_EQ(r.ack, ack);
		n = sack_blocks(&r, blk, 4);
	}
	return n;
}

/*
 * Bytes beyond a gap wait in the connection's out-of-order queue: each
 * once (what is queued already is cut off), reported in SACK blocks (the
 * one that changed last first), handed up in order when the gap fills;
 * a full queue drops (counted); a reset frees what is queued.
 */
static void
test_ofo(bool v6)
{
	struct sf_listener_params lp;
	struct sf_engine *eng;
	struct sf_test_client p;
	uint32_t rcv, blk[4][2], i;
	struct rte_mbuf *m;
	struct sf_conn *c;
	unsigned int avail;

	lp_default(&lp);
	lp.on_data = on_data;
	eng = setup(&lp);
	memset(&dt, 0, sizeof(dt));
	avail = rte_mempool_avail_count(sf_test_pool);
	sf_test_client_init(&p, v6, 1600, LPORT);
	c = open_conn(eng, &p, SF_TOF_MSS | SF_TOF_TS | SF_TOF_SACKPERM);
	if (c == NULL)
		goto out;
	rcv = p.isn + 1;

	/* "cd" beyond a gap of 2: queued, one block. */
	ofo_seg(eng, &p, rcv + 2, "cd", 2);
	SF_CHECK_EQ(sent_sack(NULL, rcv, blk), 1);
	SF_CHECK_EQ(blk[0][0], rcv + 2);
	SF_CHECK_EQ(blk[0][1], rcv + 4);
	sf_test_tx_flush();
	/* "gh" beyond another gap: its block first (RFC 2018 4). */
	ofo_seg(eng, &p, rcv + 6, "gh", 2);
	SF_CHECK_EQ(sent_sack(NULL, rcv, blk), 2);
	SF_CHECK_EQ(blk[0][0], rcv + 6);
	SF_CHECK_EQ(blk[0][1], rcv + 8);
	SF_CHECK_EQ(blk[1][0], rcv + 2);
	SF_CHECK_EQ(blk[1][1], rcv + 4);
	sf_test_tx_flush();
	/* "ef" joins them: one block. */
	ofo_seg(eng, &p, rcv + 4, "ef", 2);
	SF_CHECK_EQ(sent_sack(NULL, rcv, blk), 1);
	SF_CHECK_EQ(blk[0][0], rcv + 2);
	SF_CHECK_EQ(blk[0][1], rcv + 8);
	sf_test_tx_flush();
	/* "de", queued whole already: dropped, answered in place. */
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv + 3,
		p.iss + 1, "de", 2), SF_VERDICT_TX, SF_CNT_tcp_segments,
		SF_CNT_tcp_replied, SF_CNT_ofo_merge);
	SF_CHECK_EQ(sent_sack(m, rcv, blk), 1);
	rte_pktmbuf_free(m);
	/* "hij" overlaps the end: only "ij" is queued. */
	ofo_seg(eng, &p, rcv + 7, "hij", 3);
	SF_CHECK_EQ(sent_sack(NULL, rcv, blk), 1);
	SF_CHECK_EQ(blk[0][0], rcv + 2);
	SF_CHECK_EQ(blk[0][1], rcv + 10);
	sf_test_tx_flush();
	SF_CHECK_EQ(wk(eng)->wk_tcp.wt_ofo_mbufs, 4);
	SF_CHECK_EQ(dt.calls, 0);
	/* "ab" fills the gap: all of it goes up, in order, once. */
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv, p.iss + 1,
		"ab", 2), SF_VERDICT_TX, SF_CNT_tcp_segments,
		SF_CNT_tcp_replied, SF_CNT_data_delivered,
		SF_CNT_data_delivered, SF_CNT_data_delivered,
		SF_CNT_data_delivered, SF_CNT_data_delivered,
		SF_CNT_data_delivered_bytes, SF_CNT_data_delivered_bytes,
		SF_CNT_data_delivered_bytes, SF_CNT_data_delivered_bytes,
		SF_CNT_data_delivered_bytes, SF_CNT_data_delivered_bytes,
		SF_CNT_data_delivered_bytes, SF_CNT_data_delivered_bytes,
		SF_CNT_data_delivered_bytes, SF_CNT_data_delivered_bytes);
	/* The queue is empty: no SACK option any more. */
	SF_CHECK_EQ(sent_sack(m, rcv + 10, blk), 0);
	rte_pktmbuf_free(m);
	rcv += 10;
	SF_CHECK_EQ(dt.calls, 5);
	SF_CHECK_EQ(dt.len, 10);
	SF_CHECK_MEM(dt.got, "abcdefghij", 10);
	SF_CHECK_EQ(wk(eng)->wk_tcp.wt_ofo_mbufs, 0);

	/* The connection's queue holds SF_OFO_MAX_SEGS; the next drops. */
	for (i = 0; i < SF_OFO_MAX_SEGS; i++)
		ofo_seg(eng, &p, rcv + 2 * i + 1, "x", 1);
	sf_test_tx_flush();
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK,
		rcv + 2 * SF_OFO_MAX_SEGS + 1, p.iss + 1, "y", 1),
		SF_VERDICT_TX, SF_CNT_tcp_segments, SF_CNT_tcp_replied,
		SF_CNT_ofo_drop);
	/* With timestamps, room for three blocks. */
	SF_CHECK_EQ(sent_sack(m, rcv, blk), 3);
	rte_pktmbuf_free(m);
	SF_CHECK_EQ(wk(eng)->wk_tcp.wt_ofo_mbufs, SF_OFO_MAX_SEGS);
	/* A reset frees what is queued. */
	SF_CHECK_EQ(sf_conn_reset(c), 0);
	SF_CHECK_EQ(wk(eng)->wk_tcp.wt_ofo_mbufs, 0);
	sf_test_tx_flush();
	SF_CHECK_EQ(rte_mempool_avail_count(sf_test_pool), avail);
	SF_CHECK_EQ(dt.calls, 5);
out:
	teardown(eng);
}

/*
 * PAWS on an established connection (RFC 7323 5.3, as Linux's
 * tcp_validate_incoming()); a SYN with a newer timestamp reopens a
 * 4-tuple in TIME-WAIT; max_time_wait bounds TIME-WAIT.
 */
static void
test_paws_tw(bool v6)
{
	struct sf_engine_params ep = { .nb_workers = 1,
		.socket_id = SOCKET_ID_ANY, .max_requests = 64,
		.max_conns = 64, .max_time_wait = 1 };
	struct sf_listener_params lp;
	struct sf_engine *eng;
	struct sf_test_client p, q;
	struct rte_mbuf *m;
	struct sf_conn *c;
	uint32_t rcv, ts;

	lp_default(&lp);
	memset(&cb, 0, sizeof(cb));
	eng = sf_test_listen_engine(&ep, &lp);
	sf_test_client_init(&p, v6, 1700, LPORT);
	c = open_conn(eng, &p, SF_TOF_MSS | SF_TOF_TS);
	if (c == NULL)
		goto out;
	rcv = p.isn + 1;
	ts = p.tsval + 1000;
	p.tsval = ts;
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv, p.iss + 1,
		"ab", 2), SF_VERDICT_TX, SF_CNT_tcp_segments,
		SF_CNT_tcp_replied);
	rte_pktmbuf_free(m);
	rcv += 2;
	SF_CHECK_EQ(c->cn_ts_recent, ts);
	/* Two behind TS.Recent: an old duplicate, answered, not taken. */
	p.tsval = ts - 2;
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv, p.iss + 1,
		"cd", 2), SF_VERDICT_TX, SF_CNT_tcp_segments,
		SF_CNT_tcp_replied, SF_CNT_paws_estab);
	CHECK_SEG(m, F_ACK, p.iss + 1, rcv);
	rte_pktmbuf_free(m);
	SF_CHECK_EQ(c->cn_rcv_nxt, rcv);
	/* One behind is within TCP_PAWS_WINDOW: taken. */
	p.tsval = ts - 1;
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv, p.iss + 1,
		"cd", 2), SF_VERDICT_TX, SF_CNT_tcp_segments,
		SF_CNT_tcp_replied);
	CHECK_SEG(m, F_ACK, p.iss + 1, rcv + 2);
	rte_pktmbuf_free(m);
	rcv += 2;
	/* A duplicate pure ACK behind it may have been overtaken: taken. */
	p.tsval = ts - 10;
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv, p.iss + 1,
		NULL, 0), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed);
	/* A RST at RCV.NXT is taken even with an old timestamp. */
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_RST | F_ACK, rcv,
		p.iss + 1, NULL, 0), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed, SF_CNT_conn_resets);
	SF_CHECK_EQ(nconns(eng), 0);

	/* TIME-WAIT with timestamps (we close first). */
	sf_test_client_init(&p, v6, 1701, LPORT);
	c = open_conn(eng, &p, SF_TOF_MSS | SF_TOF_TS);
	if (c == NULL)
		goto out;
	rcv = p.isn + 1;
	SF_CHECK_EQ(sf_conn_close(c), 0);
	sf_test_tx_flush();
	peer_fin(eng, &p, rcv, p.iss + 2);
	SF_CHECK_EQ(c->cn_state, SF_CS_TIME_WAIT);
	ts = c->cn_ts_recent;
	/*
	 * A SYN below RCV.NXT with an older timestamp: an old duplicate
	 * (PAWS), answered with an ACK of where we are.
	 */
	q = p;
	q.isn = rcv - 1000;
	q.tsval = ts - 5;
	m = SF_CHECK_INPUTV(eng, sf_test_syn_frame(&q, SF_TOF_MSS | SF_TOF_TS),
		SF_VERDICT_TX, SF_CNT_tcp_segments, SF_CNT_tcp_replied,
		SF_CNT_paws_estab);
	CHECK_SEG(m, F_ACK, p.iss + 2, rcv + 1);
	rte_pktmbuf_free(m);
	SF_CHECK_EQ(c->cn_state, SF_CS_TIME_WAIT);
	/* The same with a newer timestamp: a new incarnation. */
	q.tsval = ts + 5;
	m = SF_CHECK_INPUTV(eng, sf_test_syn_frame(&q, SF_TOF_MSS | SF_TOF_TS),
		SF_VERDICT_TX, SF_CNT_tcp_segments, SF_CNT_tcp_replied,
		SF_CNT_syn_recv, SF_CNT_synack_sent, SF_CNT_conn_closed,
		SF_CNT_tw_recycled);
	rte_pktmbuf_free(m);
	SF_CHECK_EQ(nconns(eng), 0);

	/* max_time_wait 1: the second connection skips TIME-WAIT. */
	c = open_closed(eng, &p, v6, 1702);
	if (c == NULL)
		goto out;
	rcv = p.isn + 1;
	peer_fin(eng, &p, rcv, p.iss + 2);
	SF_CHECK_EQ(c->cn_state, SF_CS_TIME_WAIT);
	c = open_closed(eng, &q, v6, 1703);
	if (c == NULL)
		goto out;
	rcv = q.isn + 1;
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&q, F_ACK | F_FIN, rcv,
		q.iss + 2, NULL, 0), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed, SF_CNT_tw_overflow, SF_CNT_conn_closed);
	SF_CHECK_EQ(c->cn_state, SF_CS_FREE);
	/* Its FIN acknowledged all the same. */
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1)
		CHECK_SEG(sf_test_tx[0], F_ACK, q.iss + 2, rcv + 1);
	sf_test_tx_flush();
	SF_CHECK_EQ(nconns(eng), 1);
	SF_CHECK_EQ(wk(eng)->wk_tcp.wt_nb_tw, 1);
out:
	teardown(eng);
}

/*
 * len in-order bytes at *rcv from p, moving *rcv: acknowledged at once in
 * place (now), or not answered (the ACK waits).
 */
static void
delack_seg(struct sf_engine *eng, struct sf_test_client *p, uint32_t *rcv,
		const char *buf, uint16_t len, bool now)
{
	struct rte_mbuf *m;

	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(p, F_ACK, *rcv, p->iss + 1,
		buf, len), now ? SF_VERDICT_TX : SF_VERDICT_DONE,
		SF_CNT_tcp_segments, now ? SF_CNT_tcp_replied :
		SF_CNT_tcp_absorbed);
	*rcv += len;
	if (now)
		CHECK_SEG(m, F_ACK, p->iss + 1, *rcv);
	rte_pktmbuf_free(m);
}

/*
 * Delayed ACK (Linux's __tcp_ack_snd_check()): quick ACKs for the first
 * SF_QUICKACKS data segments, then an ACK for every second full-sized
 * segment, or after SF_DELACK_MS; data out of order brings the quick
 * ACKs back.
 */
static void
test_delack(bool v6)
{
	struct sf_listener_params lp;
	struct sf_engine *eng;
	struct sf_test_snap sn;
	struct sf_test_client p;
	char buf[600];          /* above TCP_MSS_DEFAULT: "full-sized" */
	struct sf_conn *c;
	uint32_t rcv, i;

	lp_default(&lp);
	eng = setup(&lp);
	memset(buf, 'd', sizeof(buf));
	sf_worker_clock(wk(eng), 100);
	sf_test_client_init(&p, v6, 1800, LPORT);
	c = open_conn(eng, &p, SF_TOF_MSS);
	if (c == NULL)
		goto out;
	rcv = p.isn + 1;
	/* Quick ACKs: each segment answered at once, in place. */
	for (i = 0; i < SF_QUICKACKS; i++)
		delack_seg(eng, &p, &rcv, buf, sizeof(buf), true);
	/* Then one full-sized segment waits... */
	delack_seg(eng, &p, &rcv, buf, sizeof(buf), false);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	/* ... and the second is acknowledged with it. */
	delack_seg(eng, &p, &rcv, buf, sizeof(buf), true);
	/* One alone waits SF_DELACK_MS for its ACK. */
	delack_seg(eng, &p, &rcv, buf, sizeof(buf), false);
	sf_test_snap(eng, &sn);
	sf_worker_clock(wk(eng), 100 + SF_DELACK_MS - 1);
	SF_CHECK_MOVED(eng, &sn, SF_CNT_MAX);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	sf_worker_clock(wk(eng), 100 + SF_DELACK_MS);
	SF_CHECK_MOVED(eng, &sn, SF_CNT_delayed_acks);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1)
		CHECK_SEG(sf_test_tx[0], F_ACK, p.iss + 1, rcv);
	sf_test_tx_flush();
	/* Nothing more to acknowledge: the timer stays off. */
	sf_worker_clock(wk(eng), 100 + 2 * SF_DELACK_MS);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	/* A segment beyond a gap is answered at once, and quick ACKs are back. */
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv + 1000,
		p.iss + 1, buf, sizeof(buf)), SF_VERDICT_KEPT,
		SF_CNT_tcp_segments, SF_CNT_tcp_absorbed, SF_CNT_ofo_queue);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	sf_test_tx_flush();
	delack_seg(eng, &p, &rcv, buf, sizeof(buf), true);
out:
	teardown(eng);
}

/* The application's reset, and actions from inside the callbacks. */
static void
test_app_actions(bool v6)
{
	struct sf_listener_params lp;
	struct sf_engine *eng;
	struct sf_test_snap sn;
	struct rte_mbuf *m;
	struct sf_conn *c;
	struct sf_conn_info ci;
	struct sf_test_client p;
	uint32_t rcv;

	lp_default(&lp);
	eng = setup(&lp);
	sf_test_client_init(&p, v6, 1400, LPORT);
	c = open_conn(eng, &p, SF_TOF_MSS | SF_TOF_TS);
	if (c == NULL)
		goto out;
	rcv = p.isn + 1;
	sf_conn_get_info(c, &ci);
	SF_CHECK_EQ(ci.remote_port, 1400);
	SF_CHECK_EQ(ci.iss, p.iss);
	SF_CHECK(ci.data == NULL);
	SF_CHECK(sf_conn_get_user(c) == &cb.accepts);
	/* Data moves RCV.NXT, which the RST acknowledges. */
	rte_pktmbuf_free(SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv,
		p.iss + 1, "12345", 5), SF_VERDICT_TX, SF_CNT_tcp_segments,
		SF_CNT_tcp_replied));
	rcv += 5;
	sf_test_snap(eng, &sn);
	SF_CHECK_EQ(sf_conn_reset(c), 0);
	SF_CHECK_MOVED(eng, &sn, SF_CNT_app_resets, SF_CNT_out_rsts);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1) {
		struct sf_test_seg r;

		CHECK_SEG(sf_test_tx[0], F_RST | F_ACK, p.iss + 1, rcv);
		if (SF_TEST_TCP_PARSE(sf_test_tx[0], &r))
			SF_CHECK_EQ(r.data_len, 0);
	}
	sf_test_tx_flush();
	SF_CHECK_EQ(nconns(eng), 0);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_RESET] + cb.closes[SF_CLOSE_DONE], 0);

	/* Reset from inside on_accept. */
	cb.on_accept = ACT_RESET;
	sf_test_client_init(&p, v6, 1401, LPORT);
	sf_test_do_syn(eng, &p, SF_TOF_MSS);
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, p.isn + 1, p.iss + 1,
		NULL, 0), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed, SF_CNT_passive_opens, SF_CNT_accepted,
		SF_CNT_app_resets, SF_CNT_out_rsts);
	SF_CHECK_EQ(cb.ret, 0);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1)
		CHECK_SEG(sf_test_tx[0], F_RST | F_ACK, p.iss + 1, p.isn + 1);
	sf_test_tx_flush();
	SF_CHECK_EQ(nconns(eng), 0);

	/* Close from inside on_accept, with data on the third ACK. */
	cb.on_accept = ACT_CLOSE;
	sf_test_client_init(&p, v6, 1402, LPORT);
	sf_test_do_syn(eng, &p, SF_TOF_MSS);
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, p.isn + 1, p.iss + 1,
		"hi", 2), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed, SF_CNT_passive_opens, SF_CNT_accepted,
		SF_CNT_third_ack_data, SF_CNT_third_ack_data_bytes,
		SF_CNT_third_ack_data_bytes, SF_CNT_app_closes);
	SF_CHECK_EQ(cb.ret, 0);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1)
		CHECK_SEG(sf_test_tx[0], F_FIN | F_ACK, p.iss + 1, p.isn + 3);
	sf_test_tx_flush();
	SF_CHECK_EQ(cb.c->cn_state, SF_CS_FIN_WAIT_1);
	cb.on_accept = ACT_NONE;

	/* on_close(PEER_FIN) answers with a close: LAST-ACK. */
	cb.on_peer_fin = ACT_CLOSE;
	sf_test_client_init(&p, v6, 1403, LPORT);
	c = open_conn(eng, &p, SF_TOF_MSS);
	if (c == NULL)
		goto out;
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK | F_FIN, p.isn + 1,
		p.iss + 1, NULL, 0), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed, SF_CNT_app_closes);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_PEER_FIN], 1);
	SF_CHECK_EQ(c->cn_state, SF_CS_LAST_ACK);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1)
		CHECK_SEG(sf_test_tx[0], F_FIN | F_ACK, p.iss + 1, p.isn + 2);
	sf_test_tx_flush();
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, p.isn + 2, p.iss + 2,
		NULL, 0), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed, SF_CNT_conn_closed);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_DONE], 1);

	/* ... or with a reset. */
	cb.on_peer_fin = ACT_RESET;
	sf_test_client_init(&p, v6, 1404, LPORT);
	c = open_conn(eng, &p, SF_TOF_MSS);
	if (c == NULL)
		goto out;
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK | F_FIN, p.isn + 1,
		p.iss + 1, NULL, 0), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed, SF_CNT_app_resets, SF_CNT_out_rsts);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1)
		CHECK_SEG(sf_test_tx[0], F_RST | F_ACK, p.iss + 1, p.isn + 2);
	sf_test_tx_flush();
	SF_CHECK_EQ(c->cn_state, SF_CS_FREE);
	m = NULL;
	RTE_SET_USED(m);
out:
	teardown(eng);
	/* The connection closed from on_accept was still in FIN-WAIT-1. */
	SF_CHECK_EQ(cb.closes[SF_CLOSE_ABORT], 1);
}

/*
 * TIME-WAIT ends early only as tcp_timewait_state_process() lets it: a
 * new SYN above RCV.NXT reopens the 4-tuple, a RST at RCV.NXT kills it;
 * either way the application hears SF_CLOSE_DONE, as sf_conn_close()
 * promises.
 */
static void
test_time_wait(bool v6)
{
	struct sf_listener_params lp;
	struct sf_engine *eng;
	struct rte_mbuf *m;
	struct sf_conn *c;
	struct sf_test_client p;
	uint32_t rcv;

	lp_default(&lp);
	eng = setup(&lp);
	c = open_closed(eng, &p, v6, 1500);
	if (c == NULL)
		goto out;
	rcv = p.isn + 1;
	peer_fin(eng, &p, rcv, p.iss + 2);
	SF_CHECK_EQ(c->cn_state, SF_CS_TIME_WAIT);
	/*
	 * A SYN at or below RCV.NXT may be an old duplicate: it reopens
	 * nothing, and learns where we are from an ACK.
	 */
	{
		struct sf_test_tcp t = p.t;

		t.seq = rcv;
		t.flags = F_SYN;
		m = SF_CHECK_INPUTV(eng, sf_test_tcp_frame(&t), SF_VERDICT_TX,
			SF_CNT_tcp_segments, SF_CNT_tcp_replied);
		CHECK_SEG(m, F_ACK, p.iss + 2, rcv + 1);
		rte_pktmbuf_free(m);
	}
	/* A blind RST off RCV.NXT does not end TIME-WAIT. */
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_RST, rcv + 1000, 0,
		NULL, 0), SF_VERDICT_DROP, SF_CNT_tcp_segments,
		SF_CNT_drop_tcp_timewait);
	SF_CHECK_EQ(c->cn_state, SF_CS_TIME_WAIT);
	/* A new SYN above RCV.NXT: a new request; the old one is done. */
	p.isn = rcv + 100000;
	m = SF_CHECK_INPUTV(eng, sf_test_syn_frame(&p, SF_TOF_MSS),
		SF_VERDICT_TX, SF_CNT_tcp_segments, SF_CNT_tcp_replied,
		SF_CNT_syn_recv, SF_CNT_synack_sent, SF_CNT_conn_closed,
		SF_CNT_tw_recycled);
	CHECK_SEG(m, F_SYN | F_ACK, m != NULL ? rte_be_to_cpu_32(
		rte_pktmbuf_mtod_offset(m, struct rte_tcp_hdr *,
		m->pkt_len - 24)->sent_seq) : 0, p.isn + 1);
	rte_pktmbuf_free(m);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_DONE], 1);
	SF_CHECK_EQ(nconns(eng), 0);

	/* A RST at RCV.NXT kills it (tcp_rfc1337 = 0). */
	c = open_closed(eng, &p, v6, 1501);
	if (c == NULL)
		goto out;
	rcv = p.isn + 1;
	peer_fin(eng, &p, rcv, p.iss + 2);
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_RST, rcv + 1, 0, NULL, 0),
		SF_VERDICT_DONE, SF_CNT_tcp_segments, SF_CNT_tcp_absorbed,
		SF_CNT_conn_closed);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_DONE], 2);
	SF_CHECK_EQ(nconns(eng), 0);
out:
	teardown(eng);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_ABORT], 0);
}

/*
 * Keepalive and the idle timeout (the listener's keepalive_ms,
 * keepalive_intvl_ms, keepalive_probes, idle_timeout_ms): probes after
 * the silence, at the interval, answered ones start the silence over,
 * unanswered ones reset the connection; the idle timeout resets after
 * its time without an acceptable segment, an acceptable one moving it.
 */
static void
test_keepalive(bool v6)
{
	struct sf_listener_params lp;
	struct sf_test_client p;
	struct sf_engine *eng;
	struct rte_mbuf *m;
	struct sf_conn *c;
	uint32_t una, rcv;
	unsigned int i;

	lp_default(&lp);
	/* Settings out of range are refused. */
	eng = setup(&lp);
	lp.keepalive_intvl_ms = 0;
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), -EINVAL);
	lp.keepalive_intvl_ms = 2000;
	lp.keepalive_probes = 0;
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), -EINVAL);
	lp.keepalive_probes = 3;
	lp.idle_timeout_ms = 999;
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), -EINVAL);
	lp.idle_timeout_ms = 0;
	lp.keepalive_ms = SF_KEEPALIVE_MAX_MS + 1;
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), -EINVAL);
	teardown(eng);

	lp.keepalive_ms = 10000;
	eng = setup(&lp);
	sf_worker_clock(wk(eng), 0);
	sf_test_client_init(&p, v6, 1940, LPORT);
	c = open_conn(eng, &p, SF_TOF_MSS);
	if (c == NULL)
		goto out;
	una = p.iss + 1;
	rcv = p.isn + 1;
	sf_test_tx_flush();
	sf_worker_clock(wk(eng), 9999);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	/* 10 s of silence: a probe, SEQ = SND.UNA - 1. */
	sf_worker_clock(wk(eng), 10000);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1)
		CHECK_SEG(sf_test_tx[0], F_ACK, una - 1, rcv);
	sf_test_tx_flush();
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_keepalive_probes), 1);
	/* The peer answers at 10.5 s: the silence starts over. */
	sf_worker_clock(wk(eng), 10500);
	m = sf_test_seg_frame(&p, F_ACK, rcv, una, NULL, 0);
	SF_CHECK_EQ(sf_test_input(eng, m), SF_VERDICT_DONE);
	rte_pktmbuf_free(m);
	sf_worker_clock(wk(eng), 20499);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	/* Then three probes, 2 s apart, unanswered, and a reset. */
	for (i = 0; i < 3; i++) {
		sf_worker_clock(wk(eng), 20500 + i * 2000);
		SF_CHECK_EQ(sf_test_tx_n, 1);
		if (sf_test_tx_n == 1)
			CHECK_SEG(sf_test_tx[0], F_ACK, una - 1, rcv);
		sf_test_tx_flush();
	}
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_keepalive_probes), 4);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_TIMEOUT], 0);
	sf_worker_clock(wk(eng), 26500);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1)
		CHECK_SEG(sf_test_tx[0], F_RST | F_ACK, una, rcv);
	sf_test_tx_flush();
	SF_CHECK_EQ(cb.closes[SF_CLOSE_TIMEOUT], 1);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_keepalive_aborts), 1);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_conn_timeouts), 1);
	SF_CHECK_EQ(nconns(eng), 0);
	teardown(eng);

	/* The idle timeout: 5 s without an acceptable segment. */
	lp.keepalive_ms = 0;
	lp.idle_timeout_ms = 5000;
	eng = setup(&lp);
	sf_worker_clock(wk(eng), 0);
	sf_test_client_init(&p, v6, 1941, LPORT);
	c = open_conn(eng, &p, SF_TOF_MSS);
	if (c == NULL)
		goto out;
	una = p.iss + 1;
	rcv = p.isn + 1;
	sf_test_tx_flush();
	/* Data at 3 s moves it; an unacceptable segment does not. */
	sf_worker_clock(wk(eng), 3000);
	m = sf_test_seg_frame(&p, F_ACK | F_PSH, rcv, una, "hi", 2);
	if (sf_test_input(eng, m) != SF_VERDICT_KEPT)
		rte_pktmbuf_free(m);
	rcv += 2;
	sf_worker_clock(wk(eng), 4000);
	m = sf_test_seg_frame(&p, F_ACK, rcv + 1000000, una, NULL, 0);
	if (sf_test_input(eng, m) != SF_VERDICT_KEPT)
		rte_pktmbuf_free(m);
	sf_test_tx_flush();
	sf_worker_clock(wk(eng), 7999);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	SF_CHECK_EQ(nconns(eng), 1);
	sf_worker_clock(wk(eng), 8000);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1)
		CHECK_SEG(sf_test_tx[0], F_RST | F_ACK, una, rcv);
	sf_test_tx_flush();
	SF_CHECK_EQ(cb.closes[SF_CLOSE_TIMEOUT], 1);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_idle_timeouts), 1);
	SF_CHECK_EQ(nconns(eng), 0);
out:
	teardown(eng);
}

/*
 * A half-close (sf_conn_shutdown()): our FIN, its ACK, FIN-WAIT-2 with no
 * 60 s bound (the application still reads, as after shutdown(SHUT_WR) in
 * Linux, whose tcp_fin_timeout is for orphans only): bytes two minutes
 * later still arrive; the peer's FIN reaches on_close as its end of
 * file (SF_CLOSE_PEER_FIN), then TIME-WAIT. A close instead of the
 * half-close keeps the 60 s bound (test_conn_timers).
 */
static void
test_half_close(bool v6)
{
	struct sf_listener_params lp;
	struct sf_test_client p;
	struct sf_engine *eng;
	struct rte_mbuf *m;
	struct sf_conn *c;
	uint32_t rcv;

	lp_default(&lp);
	eng = setup(&lp);
	sf_worker_clock(wk(eng), 0);
	sf_test_client_init(&p, v6, 1960, LPORT);
	c = open_conn(eng, &p, SF_TOF_MSS);
	if (c == NULL)
		goto out;
	rcv = p.isn + 1;
	sf_test_tx_flush();
	SF_CHECK_EQ(sf_conn_shutdown(c), 0);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1)
		CHECK_SEG(sf_test_tx[0], F_FIN | F_ACK, p.iss + 1, rcv);
	sf_test_tx_flush();
	sf_test_peer_ack(eng, &p, p.iss + 2, 29200);
	SF_CHECK_EQ(c->cn_state, SF_CS_FIN_WAIT_2);
	/* Two minutes on: still there, still reading. */
	sf_worker_clock(wk(eng), 120000);
	SF_CHECK_EQ(c->cn_state, SF_CS_FIN_WAIT_2);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_DONE], 0);
	m = sf_test_seg_frame(&p, F_ACK, rcv, p.iss + 2, "late", 4);
	if (sf_test_input(eng, m) != SF_VERDICT_KEPT)
		rte_pktmbuf_free(m);
	SF_CHECK_EQ(c->cn_rcv_nxt, rcv + 4);
	rcv += 4;
	sf_test_tx_flush();
	/* The peer's FIN: its end of file, then TIME-WAIT. */
	peer_fin(eng, &p, rcv, p.iss + 2);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_PEER_FIN], 1);
	SF_CHECK_EQ(c->cn_state, SF_CS_TIME_WAIT);
out:
	teardown(eng);
}

/* Connections nobody accepts wait in the accept queue. */
static void
test_accept_queue(bool v6)
{
	struct sf_listener_params lp;
	struct sf_listener_state st;
	struct sf_engine *eng;
	struct sf_test_client p[3];
	unsigned int i;

	lp_default(&lp);
	lp.on_accept = NULL;
	eng = setup(&lp);
	for (i = 0; i < 3; i++) {
		sf_test_client_init(&p[i], v6, (uint16_t)(1600 + i), LPORT);
		sf_test_do_syn(eng, &p[i], SF_TOF_MSS);
		SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p[i], F_ACK,
			p[i].isn + 1, p[i].iss + 1, NULL, 0), SF_VERDICT_DONE,
			SF_CNT_tcp_segments, SF_CNT_tcp_absorbed,
			SF_CNT_passive_opens);
	}
	sf_engine_listener_state(eng, 0, &st);
	SF_CHECK_EQ(st.acceptq, 3);
	/* The middle one is reset by its peer: off the queue. */
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p[1], F_RST, p[1].isn + 1, 0,
		NULL, 0), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed, SF_CNT_conn_resets);
	sf_engine_listener_state(eng, 0, &st);
	SF_CHECK_EQ(st.acceptq, 2);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_RESET], 0);
	/* A FIN is acknowledged; nobody is told. */
	rte_pktmbuf_free(SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p[2],
		F_ACK | F_FIN, p[2].isn + 1, p[2].iss + 1, NULL, 0),
		SF_VERDICT_TX, SF_CNT_tcp_segments, SF_CNT_tcp_replied));
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p[0], F_RST, p[0].isn + 1, 0,
		NULL, 0), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed, SF_CNT_conn_resets);
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p[2], F_RST, p[2].isn + 2, 0,
		NULL, 0), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed, SF_CNT_conn_resets);
	sf_engine_listener_state(eng, 0, &st);
	SF_CHECK_EQ(st.acceptq, 0);
	SF_CHECK_EQ(nconns(eng), 0);
	teardown(eng);
}

/* Segment k of a sequence of sends: data segment checks. */
static void
check_data(struct rte_mbuf *m, uint32_t seq, uint16_t len, bool psh)
{
	struct sf_test_seg r;

	SF_CHECK(m != NULL);
	if (m == NULL || !SF_TEST_TCP_PARSE(m, &r))
		return;
	SF_CHECK_EQ(r.seq, seq);
	SF_CHECK_EQ(r.data_len, len);
	SF_CHECK_EQ(r.flags, F_ACK | (psh ? F_PSH : 0));
}


/*
 * The sender (lib/tcp/sf_snd.c): the initial window of 10 segments,
 * slow start, the retransmission timeout from a Karn sample and its
 * go-back-N in slow start, NewReno fast retransmit on three duplicate
 * ACKs, and the zero-window probe.
 */
static void
test_send(bool v6)
{
	static uint8_t buf[20000];
	struct sf_listener_params lp;
	struct sf_test_client p;
	struct sf_engine *eng;
	struct sf_test_snap sn;
	struct sf_conn *c;
	uint32_t una, i, mss = v6 ? 1440 : 1460;
	uint64_t rtx;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7);
	lp_default(&lp);
	eng = setup(&lp);
	sf_worker_clock(wk(eng), 0);
	sf_test_client_init(&p, v6, 1700, LPORT);
	c = open_conn(eng, &p, SF_TOF_MSS);
	if (c == NULL)
		goto out;
	sf_test_tx_flush();
	/* RFC 6928: ten segments (the peer's window is 29200). */
	SF_CHECK_EQ(sf_conn_send(c, buf, sizeof(buf)), (int)sizeof(buf));
	SF_CHECK_EQ(sf_test_tx_n, 10);
	for (i = 0; i < sf_test_tx_n && i < 10; i++)
		check_data(sf_test_tx[i], p.iss + 1 + mss * i, mss, false);
	sf_test_tx_flush();
	/* Two acknowledged at 10 ms: cwnd 12 segments, the rest leaves. */
	sf_worker_clock(wk(eng), 10);
	una = p.iss + 1 + 2 * mss;
	sf_test_peer_ack(eng, &p, una, 29200);
	SF_CHECK_EQ(sf_test_tx_n, 4);
	for (i = 0; i < sf_test_tx_n && i < 4; i++)
		check_data(sf_test_tx[i], p.iss + 1 + mss * (10 + i),
			i < 3 ? mss : sizeof(buf) - 13 * mss, i == 3);
	sf_test_tx_flush();
	/*
	 * The 10 ms sample: RTO = 10 + max(4 x 5, 200) = 210 ms from the
	 * ACK. Then one segment (cwnd 1 MSS), the oldest.
	 */
	sf_worker_clock(wk(eng), 219);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	rtx = sf_test_counter(eng, SF_CNT_retrans_segs);
	sf_worker_clock(wk(eng), 220);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_tcp_timeouts), 1);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_retrans_segs), rtx + 1);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1)
		check_data(sf_test_tx[0], una, mss, false);
	sf_test_tx_flush();
	/* Its ACK: cwnd 2 MSS, the next two holes go (go-back-N). */
	una += mss;
	sf_test_peer_ack(eng, &p, una, 29200);
	SF_CHECK_EQ(sf_test_tx_n, 2);
	for (i = 0; i < sf_test_tx_n && i < 2; i++)
		check_data(sf_test_tx[i], una + mss * i, mss, false);
	sf_test_tx_flush();
	/* Everything acknowledged: the queue is empty, no timer is due. */
	sf_test_peer_ack(eng, &p, p.iss + 1 + sizeof(buf), 29200);
	sf_test_tx_flush();
	SF_CHECK_EQ(wk(eng)->wk_tcp.wt_snd_mbufs, 0);
	sf_worker_clock(wk(eng), 100000);
	SF_CHECK_EQ(sf_test_tx_n, 0);

	/* NewReno: three duplicate ACKs resend the first segment at once. */
	sf_test_client_init(&p, v6, 1701, LPORT);
	c = open_conn(eng, &p, SF_TOF_MSS);
	if (c == NULL)
		goto out;
	SF_CHECK_EQ(sf_conn_send(c, buf, 10 * mss), (int)(10 * mss));
	SF_CHECK_EQ(sf_test_tx_n, 10);
	sf_test_tx_flush();
	rtx = sf_test_counter(eng, SF_CNT_fast_retrans);
	for (i = 0; i < 3; i++) {
		sf_test_peer_ack(eng, &p, p.iss + 1, 29200);
		SF_CHECK_EQ(sf_test_tx_n, i < 2 ? 0 : 1);
	}
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_reno_recovery), 1);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_fast_retrans), rtx + 1);
	if (sf_test_tx_n == 1)
		check_data(sf_test_tx[0], p.iss + 1, mss, false);
	sf_test_tx_flush();
	/* A partial ACK sends the next hole at once. */
	sf_test_peer_ack(eng, &p, p.iss + 1 + mss, 29200);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1)
		check_data(sf_test_tx[0], p.iss + 1 + mss, mss, false);
	sf_test_tx_flush();
	sf_test_peer_ack(eng, &p, p.iss + 1 + 10 * mss, 29200);
	SF_CHECK_EQ(sf_test_tx_n, 0);

	/* A shut window: nothing leaves; probed after the RTO (1 s). */
	sf_worker_clock(wk(eng), 200000);
	sf_test_client_init(&p, v6, 1702, LPORT);
	p.t.win = 0;
	c = open_conn(eng, &p, SF_TOF_MSS);
	if (c == NULL)
		goto out;
	SF_CHECK_EQ(sf_conn_send(c, buf, 100), 100);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	sf_test_snap(eng, &sn);
	sf_worker_clock(wk(eng), 200999);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	sf_worker_clock(wk(eng), 201000);
	SF_CHECK_MOVED(eng, &sn, SF_CNT_window_probes);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1)
		CHECK_SEG(sf_test_tx[0], F_ACK, p.iss, p.isn + 1);
	sf_test_tx_flush();
	/* The window opens: the bytes go. */
	sf_test_peer_ack(eng, &p, p.iss + 1, 29200);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1)
		check_data(sf_test_tx[0], p.iss + 1, 100, true);
	sf_test_tx_flush();
out:
	teardown(eng);
}

/* What the send side of c keeps beside it. */
static struct sf_tcb *
tcb(struct sf_engine *eng, const struct sf_conn *c)
{
	return &wk(eng)->wk_tcp.wt_tcb[c->cn_id];
}

/*
 * The one segment the engine sent since the last flush: a data segment
 * of len bytes at seq (check_data()); flushed.
 */
static void
sent_one(uint32_t seq, uint16_t len, bool psh)
{
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1)
		check_data(sf_test_tx[0], seq, len, psh);
	sf_test_tx_flush();
}

/*
 * The retransmission timer of c is due at the tick at: nothing leaves
 * one tick before, then one timeout retransmits len bytes at seq
 * (PSH when they end the queue).
 */
static void
rto_fires(struct sf_engine *eng, struct sf_conn *c, uint32_t at,
		uint32_t seq, uint16_t len, bool psh)
{
	uint64_t to = sf_test_counter(eng, SF_CNT_tcp_timeouts);
	uint64_t rtx = sf_test_counter(eng, SF_CNT_retrans_segs);

	SF_CHECK_EQ(tcb(eng, c)->tb_at[SF_CT_REXMT], at);
	sf_worker_clock(wk(eng), at - 1);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_tcp_timeouts), to);
	sf_worker_clock(wk(eng), at);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_tcp_timeouts), to + 1);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_retrans_segs), rtx + 1);
	sent_one(seq, len, psh);
}

/*
 * The retransmission timeout (RFC 6298 with Linux's 200 ms floor, as
 * sf_snd_rtt() keeps it: SRTT << 3, RTTVAR << 2, RTO in ms): 1 s
 * before a sample; SRTT = R, RTTVAR = R / 2 from the first; the 2.3
 * update (alpha 1/8, beta 1/4) from the next; the floor; Karn's rule
 * without timestamps (no sample from an ACK of a retransmitted
 * segment); the timer doubling on each timeout and back to the RTO on
 * a new ACK; the give-up after tcp_retries2 (15) timeouts.
 */
static void
test_rto(bool v6)
{
	static uint8_t buf[2 * 1460];
	struct sf_listener_params lp;
	struct sf_test_client p;
	struct sf_engine *eng;
	struct sf_test_snap sn;
	struct sf_tcb *tb;
	struct sf_conn *c;
	uint32_t mss = v6 ? 1440 : 1460, una, t, iv, k;
	uint64_t to;

	memset(buf, 'r', sizeof(buf));
	lp_default(&lp);
	eng = setup(&lp);
	sf_worker_clock(wk(eng), 0);
	sf_test_client_init(&p, v6, 1900, LPORT);
	c = open_conn(eng, &p, SF_TOF_MSS);
	if (c == NULL)
		goto out;
	tb = tcb(eng, c);
	una = p.iss + 1;
	/* No sample yet: the listener's first SYN-ACK timeout, 1 s. */
	SF_CHECK_EQ(sf_conn_send(c, buf, mss), (int)mss);
	sent_one(una, mss, true);
	SF_CHECK_EQ(tb->tb_srtt, 0);
	SF_CHECK_EQ(tb->tb_rto, 1000);
	SF_CHECK_EQ(tb->tb_at[SF_CT_REXMT], 1000);
	SF_CHECK_EQ(tb->tb_rtt_on, 1);
	SF_CHECK_EQ(tb->tb_rtt_seq, una);
	/*
	 * Acknowledged at 120 ms: SRTT 120, RTTVAR 60, RTO = 120 + 4 x 60
	 * = 360 (4 RTTVAR above the floor).
	 */
	sf_worker_clock(wk(eng), 120);
	una += mss;
	sf_test_peer_ack(eng, &p, una, 29200);
	SF_CHECK_EQ(tb->tb_srtt, 120 << 3);
	SF_CHECK_EQ(tb->tb_rttvar, 60 << 2);
	SF_CHECK_EQ(tb->tb_rto, 360);
	SF_CHECK_EQ(tb->tb_rtt_on, 0);
	SF_CHECK_EQ(tb->tb_timers & (1u << SF_CT_REXMT), 0);
	/*
	 * Sent at 200, acknowledged at 240: R = 40, |SRTT - R| = 80;
	 * SRTT = 7/8 x 120 + 1/8 x 40 = 110, RTTVAR = 3/4 x 60 + 1/4 x 80
	 * = 65, RTO = 110 + 260 = 370.
	 */
	sf_worker_clock(wk(eng), 200);
	SF_CHECK_EQ(sf_conn_send(c, buf, mss), (int)mss);
	sent_one(una, mss, true);
	SF_CHECK_EQ(tb->tb_at[SF_CT_REXMT], 200 + 360);
	sf_worker_clock(wk(eng), 240);
	una += mss;
	sf_test_peer_ack(eng, &p, una, 29200);
	SF_CHECK_EQ(tb->tb_srtt, 110 << 3);
	SF_CHECK_EQ(tb->tb_rttvar, 65 << 2);
	SF_CHECK_EQ(tb->tb_rto, 370);

	/*
	 * Two segments at 1 s, lost: the first goes again at 1370, 2110,
	 * 3590 (370, 740, 1480 ms: the timer doubles), alone (cwnd 1 MSS).
	 */
	sf_worker_clock(wk(eng), 1000);
	SF_CHECK_EQ(sf_conn_send(c, buf, 2 * mss), (int)(2 * mss));
	SF_CHECK_EQ(sf_test_tx_n, 2);
	sf_test_tx_flush();
	for (t = 1000, iv = 370, k = 1; k <= 3; k++, iv *= 2) {
		t += iv;
		rto_fires(eng, c, t, una, mss, false);
		SF_CHECK_EQ(tb->tb_backoff, k);
	}
	/*
	 * The ACK of the first, 10 ms after its third transmission (Karn:
	 * no sample, not 2600 ms from the first nor 10 from the last):
	 * SRTT, RTTVAR and RTO stay; the backoff is reset, so the second
	 * segment (sent again at once, go-back-N) times out after 370 ms.
	 */
	sf_worker_clock(wk(eng), 3600);
	una += mss;
	sf_test_peer_ack(eng, &p, una, 29200);
	SF_CHECK_EQ(tb->tb_srtt, 110 << 3);
	SF_CHECK_EQ(tb->tb_rttvar, 65 << 2);
	SF_CHECK_EQ(tb->tb_rto, 370);
	SF_CHECK_EQ(tb->tb_backoff, 0);
	sent_one(una, mss, true);
	rto_fires(eng, c, 3600 + 370, una, mss, true);
	SF_CHECK_EQ(tb->tb_backoff, 1);
	/* Acknowledged after its retransmission: no sample either. */
	sf_worker_clock(wk(eng), 4000);
	una += mss;
	sf_test_peer_ack(eng, &p, una, 29200);
	SF_CHECK_EQ(tb->tb_srtt, 110 << 3);
	SF_CHECK_EQ(tb->tb_rto, 370);
	SF_CHECK_EQ(tb->tb_timers & (1u << SF_CT_REXMT), 0);
	SF_CHECK_EQ(sf_test_tx_n, 0);

	/*
	 * Nothing acknowledges a segment sent at 10 s: 15 retransmissions
	 * (tcp_retries2), each timeout twice the last, capped at 120 s;
	 * the connection is given up at the 16th, without a RST.
	 */
	sf_worker_clock(wk(eng), 10000);
	SF_CHECK_EQ(sf_conn_send(c, buf, 10), 10);
	sent_one(una, 10, true);
	to = sf_test_counter(eng, SF_CNT_tcp_timeouts);
	for (t = 10000, k = 0; k < 15; k++) {
		t += sf_tcp_backoff(370, k);
		rto_fires(eng, c, t, una, 10, true);
	}
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_tcp_timeouts), to + 15);
	t += SF_RTO_MAX_MS;
	SF_CHECK_EQ(tb->tb_at[SF_CT_REXMT], t);
	sf_test_snap(eng, &sn);
	sf_worker_clock(wk(eng), t - 1);
	SF_CHECK_MOVED(eng, &sn, SF_CNT_MAX);
	SF_CHECK_EQ(nconns(eng), 1);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_TIMEOUT], 0);
	sf_worker_clock(wk(eng), t);
	SF_CHECK_MOVED(eng, &sn, SF_CNT_conn_timeouts, SF_CNT_abort_on_timeout,
		SF_CNT_conn_closed);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_TIMEOUT], 1);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	SF_CHECK_EQ(nconns(eng), 0);
	SF_CHECK_EQ(wk(eng)->wk_tcp.wt_snd_mbufs, 0);

	/* The floor: a 10 ms sample gives 10 + max(4 x 5, 200) = 210. */
	sf_test_client_init(&p, v6, 1901, LPORT);
	c = open_conn(eng, &p, SF_TOF_MSS);
	if (c == NULL)
		goto out;
	tb = tcb(eng, c);
	SF_CHECK_EQ(sf_conn_send(c, buf, 1), 1);
	sf_test_tx_flush();
	sf_worker_clock(wk(eng), t + 10);
	sf_test_peer_ack(eng, &p, p.iss + 2, 29200);
	SF_CHECK_EQ(tb->tb_srtt, 10 << 3);
	SF_CHECK_EQ(tb->tb_rttvar, 5 << 2);
	SF_CHECK_EQ(tb->tb_rto, 210);
	/*
	 * Karn after a fast retransmit: the timed segment goes again on
	 * the third duplicate ACK, and the ACK of all of it 90 ms after it
	 * was first sent is no sample.
	 */
	sf_worker_clock(wk(eng), t + 20);
	SF_CHECK_EQ(sf_conn_send(c, buf, 2 * mss), (int)(2 * mss));
	sf_test_tx_flush();
	SF_CHECK_EQ(tb->tb_rtt_on, 1);
	sf_worker_clock(wk(eng), t + 100);
	for (k = 0; k < 3; k++)
		sf_test_peer_ack(eng, &p, p.iss + 2, 29200);
	sent_one(p.iss + 2, mss, false);
	sf_worker_clock(wk(eng), t + 110);
	sf_test_peer_ack(eng, &p, p.iss + 2 + 2 * mss, 29200);
	SF_CHECK_EQ(tb->tb_srtt, 10 << 3);
	SF_CHECK_EQ(tb->tb_rttvar, 5 << 2);
	SF_CHECK_EQ(tb->tb_rto, 210);
out:
	teardown(eng);
}

/* n full segments sent since the last flush, from seq on; flushed. */
static void
sent_n(uint32_t seq, uint32_t mss, unsigned int n)
{
	unsigned int i;

	SF_CHECK_EQ(sf_test_tx_n, n);
	for (i = 0; i < sf_test_tx_n && i < n; i++)
		check_data(sf_test_tx[i], seq + i * mss, mss, false);
	sf_test_tx_flush();
}

/*
 * The congestion window (sf_snd_ack(), sf_snd_rexmt()): 10 segments at
 * first; slow start adds the bytes acknowledged, at most 2 MSS an ACK
 * (RFC 3465, L = 2); three duplicate ACKs set ssthresh = max(FlightSize
 * / 2, 2 MSS) and cwnd = ssthresh + 3 MSS (NewReno), each further one
 * adds an MSS, the full ACK sets cwnd = ssthresh; in congestion
 * avoidance each ACK adds MSS x MSS / cwnd (RFC 5681 (3)); a timeout
 * sets ssthresh from the flight and cwnd to one MSS (the loss window),
 * and after it each ACK adds at most one MSS (RFC 3465, L = 1).
 */
static void
test_cwnd(bool v6)
{
	static uint8_t buf[40 * 1460];
	struct sf_listener_params lp;
	struct sf_test_client p;
	struct sf_engine *eng;
	struct sf_tcb *tb;
	struct sf_conn *c;
	uint32_t mss = v6 ? 1440 : 1460, s0, ssthresh, cw, una, nxt, flight;
	uint32_t room;
	unsigned int i;
	uint64_t rtx;

	memset(buf, 'w', sizeof(buf));
	lp_default(&lp);
	eng = setup(&lp);
	sf_worker_clock(wk(eng), 0);
	/* Window scaling: the peer's window (29200 << 7) never limits. */
	sf_test_client_init(&p, v6, 1910, LPORT);
	c = open_conn(eng, &p, SF_TOF_MSS | SF_TOF_WSCALE);
	if (c == NULL)
		goto out;
	tb = tcb(eng, c);
	s0 = p.iss + 1;
#define S(i) (s0 + (uint32_t)(i) * mss)
	SF_CHECK_EQ(sf_conn_send(c, buf, 40 * mss), (int)(40 * mss));
	/* RFC 6928: min(10 MSS, max(2 MSS, 14600)) = 10 MSS here. */
	SF_CHECK_EQ(tb->tb_cwnd, 10 * mss);
	SF_CHECK_EQ(tb->tb_ssthresh, UINT32_MAX);
	sent_n(S(0), mss, 10);
	/* One segment acknowledged: +1 MSS, two leave. */
	sf_test_peer_ack(eng, &p, S(1), 29200);
	SF_CHECK_EQ(tb->tb_cwnd, 11 * mss);
	sent_n(S(10), mss, 2);
	/* Three at once: +2 MSS, not 3; five leave (8 in flight of 13). */
	sf_test_peer_ack(eng, &p, S(4), 29200);
	SF_CHECK_EQ(tb->tb_cwnd, 13 * mss);
	sent_n(S(12), mss, 5);

	/* Three duplicate ACKs: the third resends S(4) at once. */
	for (i = 0; i < 3; i++) {
		sf_test_peer_ack(eng, &p, S(4), 29200);
		SF_CHECK_EQ(sf_test_tx_n, i < 2 ? 0 : 1);
	}
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_reno_recovery), 1);
	sent_one(S(4), mss, false);
	ssthresh = 13 * mss / 2;
	SF_CHECK_EQ(tb->tb_ca, SF_CA_RECOVERY);
	SF_CHECK_EQ(tb->tb_ssthresh, ssthresh);
	SF_CHECK_EQ(tb->tb_cwnd, ssthresh + 3 * mss);
	SF_CHECK_EQ(tb->tb_recover, S(17));
	/* A fourth: +1 MSS; still under the 13 in flight, nothing leaves. */
	sf_test_peer_ack(eng, &p, S(4), 29200);
	SF_CHECK_EQ(tb->tb_cwnd, ssthresh + 4 * mss);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	/* The full ACK: cwnd = ssthresh (6.5 MSS), six full segments go. */
	sf_test_peer_ack(eng, &p, S(17), 29200);
	SF_CHECK_EQ(tb->tb_ca, SF_CA_OPEN);
	SF_CHECK_EQ(tb->tb_cwnd, ssthresh);
	sent_n(S(17), mss, 6);

	/*
	 * Congestion avoidance (cwnd >= ssthresh): MSS x MSS / cwnd an ACK,
	 * and what leaves is what the grown window holds in full segments.
	 */
	una = S(17);
	for (i = 0; i < 8; i++) {
		cw = tb->tb_cwnd;
		nxt = c->cn_snd_nxt;
		una += mss;
		sf_test_peer_ack(eng, &p, una, 29200);
		SF_CHECK_EQ(tb->tb_cwnd, cw + mss * mss / cw);
		room = tb->tb_cwnd - (nxt - una);
		sent_n(nxt, mss, room / mss);
	}
	SF_CHECK(tb->tb_cwnd > ssthresh + mss / 2);
	SF_CHECK(tb->tb_cwnd < ssthresh + 2 * mss);

	/*
	 * A timeout: ssthresh = FlightSize / 2, cwnd = 1 MSS; S(25), the
	 * oldest, goes again alone.
	 */
	flight = c->cn_snd_nxt - c->cn_snd_una;
	rto_fires(eng, c, tb->tb_at[SF_CT_REXMT], una, mss, false);
	SF_CHECK_EQ(tb->tb_ca, SF_CA_LOSS);
	SF_CHECK_EQ(tb->tb_ssthresh, RTE_MAX(flight / 2, 2 * mss));
	SF_CHECK_EQ(tb->tb_cwnd, mss);
	/* Its ACK: +1 MSS; the next two go again (go-back-N). */
	rtx = sf_test_counter(eng, SF_CNT_retrans_segs);
	una += mss;
	sf_test_peer_ack(eng, &p, una, 29200);
	SF_CHECK_EQ(tb->tb_cwnd, 2 * mss);
	sent_n(una, mss, 2);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_retrans_segs), rtx + 2);
	/* Two acknowledged at once after the timeout: +1 MSS only. */
	una += 2 * mss;
	sf_test_peer_ack(eng, &p, una, 29200);
	SF_CHECK_EQ(tb->tb_cwnd, 3 * mss);
	sent_n(una, mss, 3);
#undef S

	/*
	 * A small flight: three segments, three duplicate ACKs: ssthresh
	 * is 2 MSS (not 1.5), cwnd 5 MSS.
	 */
	sf_test_client_init(&p, v6, 1911, LPORT);
	c = open_conn(eng, &p, SF_TOF_MSS | SF_TOF_WSCALE);
	if (c == NULL)
		goto out;
	tb = tcb(eng, c);
	SF_CHECK_EQ(sf_conn_send(c, buf, 3 * mss), (int)(3 * mss));
	sf_test_tx_flush();
	for (i = 0; i < 3; i++)
		sf_test_peer_ack(eng, &p, p.iss + 1, 29200);
	sent_one(p.iss + 1, mss, false);
	SF_CHECK_EQ(tb->tb_ssthresh, 2 * mss);
	SF_CHECK_EQ(tb->tb_cwnd, 5 * mss);
out:
	teardown(eng);
}

/*
 * The peer's duplicate ACK of ack (at its ISN + 1, window 29200) with n
 * SACK blocks: taken in, nothing answered in place.
 */
static void
peer_sack(struct sf_engine *eng, const struct sf_test_client *p, uint32_t ack,
		const uint32_t (*blk)[2], unsigned int n)
{
	struct rte_mbuf *m;
	enum sf_verdict v;

	m = sf_test_sack_frame(p, p->isn + 1, ack, blk, n);
	v = sf_test_input(eng, m);
	SF_CHECK_EQ(v, SF_VERDICT_DONE);
	if (v != SF_VERDICT_KEPT)
		rte_pktmbuf_free(m);
}

/*
 * The scoreboard: bit i for the queued segment at s0 + i x mss when it
 * is marked SACKed (each sf_conn_send() mbuf holds one segment).
 */
static uint32_t
sack_mask(struct sf_engine *eng, const struct sf_conn *c, uint32_t s0,
		uint32_t mss)
{
	struct rte_mbuf *m;
	uint32_t mask = 0;

	for (m = tcb(eng, c)->tb_snd; m != NULL; m = sf_seqm(m)->sm_next) {
		SF_CHECK_EQ((sf_seqm(m)->sm_seq - s0) % mss, 0);
		if (sf_seqm(m)->sm_flags & SF_SQM_SACKED)
			mask |= 1u << ((sf_seqm(m)->sm_seq - s0) / mss);
	}
	return mask;
}

/* A data segment sent since the last flush: the k-th, at seq, full. */
#define SENT_K(k, seq, mss, psh) do { \
	if (sf_test_tx_n > (k)) \
		check_data(sf_test_tx[(k)], (seq), (mss), (psh)); \
} while (0)

/*
 * SACK recovery (RFC 6675 as sf_snd.c has it): SACK blocks mark the
 * queued segments they cover; more than three segments' worth SACKed
 * above the first hole starts recovery (ssthresh = cwnd = FlightSize /
 * 2); exactly the holes are retransmitted, each once it has three
 * segments' worth SACKed above it, never a SACKed segment; the pipe
 * (in flight, less SACKed, less lost and not yet resent) keeps what
 * leaves within cwnd; blocks outside [SND.UNA, SND.NXT] are ignored; a
 * cumulative ACK frees the SACKed segments it covers and their count;
 * the ACK past the recovery point ends it with cwnd = ssthresh.
 */
static void
test_sack(bool v6)
{
	static uint8_t buf[16 * 1460];
	struct sf_listener_params lp;
	struct sf_test_client p;
	struct sf_engine *eng;
	struct sf_tcb *tb;
	struct sf_conn *c;
	uint32_t mss = v6 ? 1440 : 1460, s0, blk[4][2], mbufs;
	uint64_t rtx, fast;

	memset(buf, 's', sizeof(buf));
	lp_default(&lp);
	eng = setup(&lp);
	sf_worker_clock(wk(eng), 0);
	sf_test_client_init(&p, v6, 1920, LPORT);
	c = open_conn(eng, &p, SF_TOF_MSS | SF_TOF_SACKPERM | SF_TOF_WSCALE);
	if (c == NULL)
		goto out;
	SF_CHECK(c->cn_neg.ng_flags & SF_CONN_F_SACK);
	tb = tcb(eng, c);
	s0 = p.iss + 1;
	rtx = sf_test_counter(eng, SF_CNT_retrans_segs);
	fast = sf_test_counter(eng, SF_CNT_fast_retrans);
#define S(i) (s0 + (uint32_t)(i) * mss)
#define BLK(k, a, b) (blk[(k)][0] = (a), blk[(k)][1] = (b))
	SF_CHECK_EQ(sf_conn_send(c, buf, 16 * mss), (int)(16 * mss));
	sent_n(S(0), mss, 10);
	mbufs = wk(eng)->wk_tcp.wt_snd_mbufs;

	/*
	 * S(0) and S(5) lost: one ACK SACKs S(1)..S(4) and S(6), S(7). Six
	 * segments above S(0): recovery at once (one duplicate ACK), S(0)
	 * resent, not S(5) (two segments above it only). cwnd 5 MSS; the
	 * pipe: S(0), S(5), S(8), S(9) = 4, so one new segment, S(10).
	 */
	BLK(0, S(1), S(5));
	BLK(1, S(6), S(8));
	peer_sack(eng, &p, S(0), blk, 2);
	SF_CHECK_EQ(tb->tb_sacked, 6 * mss);
	SF_CHECK_EQ(sack_mask(eng, c, s0, mss), 0xde);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_sack_recovery), 1);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_reno_recovery), 0);
	SF_CHECK_EQ(tb->tb_ca, SF_CA_RECOVERY);
	SF_CHECK_EQ(tb->tb_ssthresh, 5 * mss);
	SF_CHECK_EQ(tb->tb_cwnd, 5 * mss);
	SF_CHECK_EQ(tb->tb_recover, S(10));
	SF_CHECK_EQ(sf_test_tx_n, 2);
	SENT_K(0, S(0), mss, false);
	SENT_K(1, S(10), mss, false);
	sf_test_tx_flush();
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_retrans_segs), rtx + 1);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_fast_retrans), fast + 1);

	/*
	 * S(8) SACKed too: three segments above S(5), which is lost now
	 * and resent; the pipe (S(0), S(9), S(10)) leaves room for one more
	 * after it: S(11).
	 */
	BLK(0, S(6), S(9));
	BLK(1, S(1), S(5));
	peer_sack(eng, &p, S(0), blk, 2);
	SF_CHECK_EQ(tb->tb_sacked, 7 * mss);
	SF_CHECK_EQ(sack_mask(eng, c, s0, mss), 0x1de);
	SF_CHECK_EQ(sf_test_tx_n, 2);
	SENT_K(0, S(5), mss, false);
	SENT_K(1, S(11), mss, false);
	sf_test_tx_flush();
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_retrans_segs), rtx + 2);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_fast_retrans), fast + 2);

	/*
	 * Blocks outside [SND.UNA, SND.NXT]: one across SND.NXT (though
	 * S(9) is in it), one beyond, one below SND.UNA (a D-SACK): none
	 * marks anything, and the pipe is full: nothing leaves.
	 */
	BLK(0, S(9), S(12) + 100);
	BLK(1, S(12), S(13));
	BLK(2, S(0) - 500, S(0));
	peer_sack(eng, &p, S(0), blk, 3);
	SF_CHECK_EQ(tb->tb_sacked, 7 * mss);
	SF_CHECK_EQ(sack_mask(eng, c, s0, mss), 0x1de);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	SF_CHECK_EQ(tb->tb_cwnd, 5 * mss);

	/*
	 * S(0) arrived: the cumulative ACK reaches S(5) and frees S(0)..S(4)
	 * (four of them SACKed); a partial ACK, so recovery goes on, and
	 * one new segment fits the pipe: S(12).
	 */
	sf_test_peer_ack(eng, &p, S(5), 29200);
	SF_CHECK_EQ(tb->tb_sacked, 3 * mss);
	SF_CHECK_EQ(sack_mask(eng, c, s0, mss), 0x1c0);
	SF_CHECK_EQ(wk(eng)->wk_tcp.wt_snd_mbufs, mbufs - 5);
	SF_CHECK_EQ(tb->tb_ca, SF_CA_RECOVERY);
	SF_CHECK_EQ(tb->tb_cwnd, 5 * mss);
	sent_one(S(12), mss, false);
	/* S(5) arrived: up to S(9); no SACKed byte is left. */
	sf_test_peer_ack(eng, &p, S(9), 29200);
	SF_CHECK_EQ(tb->tb_sacked, 0);
	SF_CHECK_EQ(sack_mask(eng, c, s0, mss), 0);
	SF_CHECK_EQ(wk(eng)->wk_tcp.wt_snd_mbufs, mbufs - 9);
	sent_one(S(13), mss, false);
	/* Past the recovery point: cwnd = ssthresh, the last two go. */
	sf_test_peer_ack(eng, &p, S(13), 29200);
	SF_CHECK_EQ(tb->tb_ca, SF_CA_OPEN);
	SF_CHECK_EQ(tb->tb_cwnd, 5 * mss);
	SF_CHECK_EQ(sf_test_tx_n, 2);
	SENT_K(0, S(14), mss, false);
	SENT_K(1, S(15), mss, true);
	sf_test_tx_flush();
	sf_test_peer_ack(eng, &p, S(16), 29200);
	SF_CHECK_EQ(wk(eng)->wk_tcp.wt_snd_mbufs, 0);
	SF_CHECK_EQ(tb->tb_timers & (1u << SF_CT_REXMT), 0);
	/* Never a SACKed segment, nor a timeout. */
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_retrans_segs), rtx + 2);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_sack_recovery), 1);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_tcp_timeouts), 0);
	SF_CHECK_EQ(sf_test_tx_n, 0);
#undef BLK
#undef S
out:
	teardown(eng);
}

/*
 * The send budget counts each queued mbuf as at least an MSS (Linux
 * charges an skb's truesize): small zero-copy sends of 10 bytes fill a
 * budget of 8000 after five (7300 charged), where bytes alone would
 * take 800; a chain costing more than the whole budget is -EMSGSIZE;
 * the acknowledgement of one gives its charge back.
 */
static void
test_send_charge(bool v6)
{
	struct sf_engine_params ep = { .nb_workers = 1,
		.socket_id = SOCKET_ID_ANY, .max_requests = 64,
		.max_conns = 64, .sndbuf = 8000 };
	struct sf_listener_params lp;
	struct sf_test_client p;
	struct sf_engine *eng;
	struct rte_mbuf *m;
	struct sf_conn *c;
	uint32_t mss = v6 ? 1440 : 1460, i;
	int ret;

	lp_default(&lp);
	memset(&cb, 0, sizeof(cb));
	eng = sf_test_listen_engine(&ep, &lp);
	sf_worker_clock(wk(eng), 0);
	sf_test_client_init(&p, v6, 1950, LPORT);
	c = open_conn(eng, &p, SF_TOF_MSS);
	if (c == NULL)
		goto out;
	for (i = 0; i < 6; i++) {
		m = sf_test_chain(1, "0123456789", 10);
		SF_CHECK(m != NULL);
		if (m == NULL)
			break;
		ret = sf_conn_send_mbuf(c, m);
		SF_CHECK_EQ(ret, i < 5 ? 0 : -EAGAIN);
		if (ret != 0)
			rte_pktmbuf_free(m);
	}
	SF_CHECK_EQ(tcb(eng, c)->tb_snd_charge, 5 * mss);
	/*
	 * A copy still fits while the budget is not spent (the last mbuf
	 * may pass it: 6 MSS now), then finds it spent.
	 */
	SF_CHECK_EQ(sf_conn_send(c, "x", 1), 1);
	SF_CHECK_EQ(tcb(eng, c)->tb_snd_charge, 6 * mss);
	SF_CHECK_EQ(sf_conn_send(c, "y", 1), -EAGAIN);
	sf_test_tx_flush();
	/* The first 10 bytes acknowledged: one mbuf's charge back. */
	sf_test_peer_ack(eng, &p, p.iss + 11, 29200);
	SF_CHECK_EQ(tcb(eng, c)->tb_snd_charge, 5 * mss);
	/* One chain of six small mbufs costs 6 MSS > 8000: never fits. */
	m = sf_test_chain(6, "abcdefghij", 10);
	SF_CHECK(m != NULL);
	if (m != NULL) {
		SF_CHECK_EQ(sf_conn_send_mbuf(c, m), -EMSGSIZE);
		rte_pktmbuf_free(m);
	}
	sf_test_tx_flush();
out:
	teardown(eng);
}

/*
 * On a port that chains queued bytes by reference (MULTI_SEGS), a
 * segment covers at most 7 queued mbufs behind its header (8 in all,
 * what every PMD takes): twenty sends of 10 bytes, queued while the
 * peer's window is shut, leave as 70, 70 and 60 bytes when it opens.
 */
static void
test_send_chain_cap(bool v6)
{
	struct sf_port_conf pc = { .mac = sf_test_mac,
		.tx_offloads = RTE_ETH_TX_OFFLOAD_MULTI_SEGS };
	struct sf_listener_params lp;
	struct sf_test_client p;
	struct sf_engine *eng;
	struct rte_mbuf *m;
	struct sf_conn *c;
	unsigned int i;
	uint32_t una;

	lp_default(&lp);
	memset(&cb, 0, sizeof(cb));
	eng = sf_test_engine_tcp_port(NULL, &pc);
	SF_CHECK_EQ(sf_engine_listen(eng, &lp), 0);
	sf_worker_clock(wk(eng), 0);
	sf_test_client_init(&p, v6, 1970, LPORT);
	c = open_conn(eng, &p, SF_TOF_MSS);
	if (c == NULL)
		goto out;
	una = p.iss + 1;
	/* The peer's window shuts: the sends wait in the queue. */
	sf_test_peer_ack(eng, &p, una, 0);
	for (i = 0; i < 20; i++) {
		m = sf_test_chain(1, "0123456789", 10);
		SF_CHECK(m != NULL);
		if (m != NULL && sf_conn_send_mbuf(c, m) != 0)
			rte_pktmbuf_free(m);
	}
	sf_test_tx_flush();
	sf_test_peer_ack(eng, &p, una, 29200);
	SF_CHECK_EQ(sf_test_tx_n, 3);
	for (i = 0; i < sf_test_tx_n && i < 3; i++) {
		SF_CHECK(sf_test_tx[i]->nb_segs <= 8);
		SF_CHECK_EQ(rte_pktmbuf_pkt_len(sf_test_tx[i]) -
			rte_pktmbuf_pkt_len(sf_test_tx[0]) + 70, i < 2 ? 70 : 60);
	}
	sf_test_tx_flush();
out:
	teardown(eng);
}

/*
 * RFC 6675 IsLost(): more than DupThresh - 1 segments' worth SACKed
 * above a hole. One ACK SACKing exactly three full segments above S(0)
 * starts recovery and resends S(0) (as Linux, which counts three SACKed
 * segments); two do not.
 */
static void
test_sack_three(bool v6)
{
	static uint8_t buf[10 * 1460];
	struct sf_listener_params lp;
	struct sf_test_client p;
	struct sf_engine *eng;
	struct sf_tcb *tb;
	struct sf_conn *c;
	uint32_t mss = v6 ? 1440 : 1460, s0, blk[4][2];

	memset(buf, 't', sizeof(buf));
	lp_default(&lp);
	eng = setup(&lp);
	sf_worker_clock(wk(eng), 0);
	sf_test_client_init(&p, v6, 1921, LPORT);
	c = open_conn(eng, &p, SF_TOF_MSS | SF_TOF_SACKPERM | SF_TOF_WSCALE);
	if (c == NULL)
		goto out;
	tb = tcb(eng, c);
	s0 = p.iss + 1;
#define S(i) (s0 + (uint32_t)(i) * mss)
#define BLK(k, a, b) (blk[(k)][0] = (a), blk[(k)][1] = (b))
	SF_CHECK_EQ(sf_conn_send(c, buf, 10 * mss), (int)(10 * mss));
	sf_test_tx_flush();
	/* S(1), S(2) SACKed: not yet. */
	BLK(0, S(1), S(3));
	peer_sack(eng, &p, S(0), blk, 1);
	SF_CHECK_EQ(tb->tb_ca, SF_CA_OPEN);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	/* S(3) too: S(0) is lost, and resent at once. */
	BLK(0, S(1), S(4));
	peer_sack(eng, &p, S(0), blk, 1);
	SF_CHECK_EQ(tb->tb_ca, SF_CA_RECOVERY);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_sack_recovery), 1);
	SF_CHECK(sf_test_tx_n >= 1);
	if (sf_test_tx_n >= 1)
		SENT_K(0, S(0), mss, false);
	sf_test_tx_flush();
#undef BLK
#undef S
out:
	teardown(eng);
}


/*
 * TIME-WAIT's other rules (sf_conn_timewait(), sf_conn_time_wait();
 * test_time_wait and test_paws_tw have the SYNs and RSTs): it lasts
 * time_wait_ms on the worker clock (Linux's 60 s here); a retransmitted
 * FIN is acknowledged again and restarts it, even with a timestamp that
 * would fail PAWS (Linux, too, answers and restarts for that); data is
 * answered with an ACK of where we are and restarts it, a bare ACK at
 * RCV.NXT restarts it unanswered and brings its timestamp
 * (docs/handshake.md's TIME-WAIT rows); beyond max_time_wait a
 * connection that would enter it from CLOSING ends at once, with no
 * segment; a TIME-WAIT ended by a RST frees its place for the next.
 */
static void
test_tw_rules(bool v6)
{
	struct sf_engine_params ep = { .nb_workers = 1,
		.socket_id = SOCKET_ID_ANY, .max_requests = 64,
		.max_conns = 64, .time_wait_ms = 60000, .max_time_wait = 1 };
	struct sf_listener_params lp;
	struct sf_engine *eng;
	struct sf_test_snap sn;
	struct sf_test_client p, q;
	struct sf_test_seg r;
	struct rte_mbuf *m;
	struct sf_conn *c, *d;
	uint32_t rcv, ts;

	lp_default(&lp);
	memset(&cb, 0, sizeof(cb));
	eng = sf_test_listen_engine(&ep, &lp);
	sf_worker_clock(wk(eng), 1000);
	sf_test_client_init(&p, v6, 1930, LPORT);
	c = open_conn(eng, &p, SF_TOF_MSS | SF_TOF_TS);
	if (c == NULL)
		goto out;
	rcv = p.isn + 1;
	SF_CHECK_EQ(sf_conn_close(c), 0);
	sf_test_tx_flush();
	p.tsval += 10;
	peer_fin(eng, &p, rcv, p.iss + 2);
	SF_CHECK_EQ(c->cn_state, SF_CS_TIME_WAIT);
	SF_CHECK_EQ(wk(eng)->wk_tcp.wt_nb_tw, 1);
	SF_CHECK_EQ(tcb(eng, c)->tb_at[SF_CT_2MSL], 1000 + 60000);
	ts = c->cn_ts_recent;
	SF_CHECK_EQ(ts, p.tsval);
	/*
	 * Data at RCV.NXT: not taken, answered with an ACK of where we are
	 * (never rate limited: it has data), TIME-WAIT restarted; TS.Recent
	 * stays (the data is not in window).
	 */
	sf_worker_clock(wk(eng), 2000);
	p.tsval += 10;
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK | F_PSH, rcv + 1,
		p.iss + 2, "late", 4), SF_VERDICT_TX, SF_CNT_tcp_segments,
		SF_CNT_tcp_replied);
	CHECK_SEG(m, F_ACK, p.iss + 2, rcv + 1);
	rte_pktmbuf_free(m);
	SF_CHECK_EQ(tcb(eng, c)->tb_at[SF_CT_2MSL], 2000 + 60000);
	SF_CHECK_EQ(c->cn_ts_recent, ts);
	/*
	 * A bare ACK at RCV.NXT is in window: TIME-WAIT restarts, nothing
	 * answers, and its timestamp becomes TS.Recent.
	 */
	sf_worker_clock(wk(eng), 3000);
	p.tsval += 10;
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK, rcv + 1, p.iss + 2,
		NULL, 0), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	SF_CHECK_EQ(tcb(eng, c)->tb_at[SF_CT_2MSL], 3000 + 60000);
	SF_CHECK_EQ(c->cn_ts_recent, p.tsval);
	ts = p.tsval;
	/*
	 * The FIN again at 31 s, with a TSval 100 behind TS.Recent: ACKed
	 * (echoing TS.Recent, not the old value), and TIME-WAIT restarts.
	 */
	sf_worker_clock(wk(eng), 31000);
	p.tsval = ts - 100;
	m = SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_ACK | F_FIN, rcv,
		p.iss + 2, NULL, 0), SF_VERDICT_TX, SF_CNT_tcp_segments,
		SF_CNT_tcp_replied, SF_CNT_paws_estab);
	CHECK_SEG(m, F_ACK, p.iss + 2, rcv + 1);
	if (m != NULL && SF_TEST_TCP_PARSE(m, &r)) {
		SF_CHECK(r.opts.to_flags & SF_TOF_TS);
		SF_CHECK_EQ(r.opts.to_tsecr, ts);
	}
	rte_pktmbuf_free(m);
	SF_CHECK_EQ(tcb(eng, c)->tb_at[SF_CT_2MSL], 31000 + 60000);
	/* Not over at 61 s; over at 91 s, on the worker clock. */
	sf_test_snap(eng, &sn);
	sf_worker_clock(wk(eng), 61000);
	sf_worker_clock(wk(eng), 90999);
	SF_CHECK_MOVED(eng, &sn, SF_CNT_MAX);
	SF_CHECK_EQ(c->cn_state, SF_CS_TIME_WAIT);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_DONE], 0);
	sf_worker_clock(wk(eng), 91000);
	SF_CHECK_MOVED(eng, &sn, SF_CNT_conn_closed);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_DONE], 1);
	SF_CHECK_EQ(wk(eng)->wk_tcp.wt_nb_tw, 0);
	SF_CHECK_EQ(nconns(eng), 0);
	SF_CHECK_EQ(sf_test_tx_n, 0);

	/*
	 * max_time_wait 1, held by c; d closes simultaneously (CLOSING):
	 * the ACK of its FIN would take it to TIME-WAIT, so it ends at
	 * once, and sends nothing (there is no FIN to acknowledge).
	 */
	c = open_closed(eng, &p, v6, 1931);
	if (c == NULL)
		goto out;
	rcv = p.isn + 1;
	peer_fin(eng, &p, rcv, p.iss + 2);
	SF_CHECK_EQ(c->cn_state, SF_CS_TIME_WAIT);
	d = open_closed(eng, &q, v6, 1932);
	if (d == NULL)
		goto out;
	peer_fin(eng, &q, q.isn + 1, q.iss + 1);
	SF_CHECK_EQ(d->cn_state, SF_CS_CLOSING);
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&q, F_ACK, q.isn + 2,
		q.iss + 2, NULL, 0), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed, SF_CNT_tw_overflow, SF_CNT_conn_closed);
	SF_CHECK_EQ(d->cn_state, SF_CS_FREE);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_DONE], 2);
	SF_CHECK_EQ(wk(eng)->wk_tcp.wt_nb_tw, 1);
	/* A RST ends c's TIME-WAIT: the place is free for the next. */
	SF_CHECK_INPUTV(eng, sf_test_seg_frame(&p, F_RST, rcv + 1, 0, NULL, 0),
		SF_VERDICT_DONE, SF_CNT_tcp_segments, SF_CNT_tcp_absorbed,
		SF_CNT_conn_closed);
	SF_CHECK_EQ(wk(eng)->wk_tcp.wt_nb_tw, 0);
	d = open_closed(eng, &q, v6, 1933);
	if (d == NULL)
		goto out;
	peer_fin(eng, &q, q.isn + 1, q.iss + 2);
	SF_CHECK_EQ(d->cn_state, SF_CS_TIME_WAIT);
	SF_CHECK_EQ(wk(eng)->wk_tcp.wt_nb_tw, 1);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_tw_overflow), 1);
out:
	teardown(eng);
	/* Only the last, still in TIME-WAIT when the engine went. */
	SF_CHECK_EQ(cb.closes[SF_CLOSE_ABORT], 1);
}

int
main(int argc, char **argv)
{
	unsigned int v6;

	sf_test_init(argc, argv);
	printf("sizeof(struct sf_conn) = %zu\n", sizeof(struct sf_conn));
	/* Two cache lines, and the array is cache-aligned: no third. */
	SF_CHECK(sizeof(struct sf_conn) <= 128);
	for (v6 = 0; v6 < 2; v6++) {
		test_data(v6);
		test_window_edges(v6);
		test_owns_settings(v6);
		test_rst_syn(v6);
		test_peer_close(v6);
		test_our_close(v6);
		test_conn_timers(v6);
		test_on_data(v6);
		test_ofo(v6);
		test_paws_tw(v6);
		test_delack(v6);
		test_send(v6);
		test_send_charge(v6);
		test_send_chain_cap(v6);
		test_rto(v6);
		test_cwnd(v6);
		test_sack(v6);
		test_sack_three(v6);
		test_app_actions(v6);
		test_time_wait(v6);
		test_tw_rules(v6);
		test_keepalive(v6);
		test_half_close(v6);
		test_accept_queue(v6);
	}
	return sf_test_done("test_conn");
}
