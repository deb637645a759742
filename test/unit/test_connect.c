/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * lib/tcp/sf_connect.c and lib/engine/sf_connect_api.c: the active open
 * (SYN-SENT), IPv4 and IPv6. The SYN as Linux's tcp_connect() builds it
 * (flags, options and their order, MSS, window, local port, ISN); the
 * SYN-ACK as tcp_rcv_synsent_state_process() takes it (the options both
 * sides sent, on_connected, our ACK, data both ways), and what it refuses
 * (a bad ACK, a RST, PAWS, segments without SYN or ACK); the SYN
 * retransmitted and given up; a next hop that never answers, and one
 * that answers late; no route; bad parameters; the application giving
 * up in SYN-SENT; the connect ring and opening from a callback; a fixed
 * local port. The peer is sf_test_peer_v4 / sf_test_peer_v6 on port 0's
 * subnets; its segments are built here and run through worker 0, ours
 * are caught by the tx hook; time moves with sf_worker_clock(). Every
 * case gives back every mbuf it took.
 */

#include <errno.h>
#include <netinet/in.h>

#include <rte_arp.h>

#include "sf_neigh.h"
#include "sf_test.h"

#define RPORT 8080             /* the server's port */
#define T0 1000                /* ms: the clock when a case starts */
#define PEER_ISN 7000000u
#define PEER_TSVAL 777u
#define PEER_MSS 1400
#define PEER_WS 5

#define F_SYN RTE_TCP_SYN_FLAG
#define F_ACK RTE_TCP_ACK_FLAG
#define F_RST RTE_TCP_RST_FLAG
#define F_PSH RTE_TCP_PSH_FLAG
#define F_ECE RTE_TCP_ECE_FLAG
#define F_CWR RTE_TCP_CWR_FLAG

#define TOF_ALL (SF_TOF_MSS | SF_TOF_SACKPERM | SF_TOF_TS | SF_TOF_WSCALE)

/* What the callbacks saw, and what they do. */
static struct {
	unsigned int connected;
	struct sf_conn *c;
	struct sf_conn_info ci;
	unsigned int closes[SF_CLOSE_MAX];
	unsigned int nclosed;        /* on_close calls, all reasons */
	unsigned int null_closes;    /* ... with c NULL */
	struct sf_conn *closed;
	uint8_t data[64];
	uint32_t data_len;
	const char *send;            /* on_connected sends it */
	int send_ret;
	/* on_close opens this one (from inside the worker's clock) */
	struct sf_engine *reopen_eng;
	const struct sf_connect_params *reopen;
	int reopen_ret;
	struct sf_conn *reopen_c;
} cb;

static void
on_connected(struct sf_conn *c, const struct sf_conn_info *ci, void *arg)
{
	SF_CHECK(arg == &cb);
	cb.connected++;
	cb.c = c;
	cb.ci = *ci;
	if (cb.send != NULL)
		cb.send_ret = sf_conn_send(c, cb.send,
			(uint32_t)strlen(cb.send));
}

static void
on_close(struct sf_conn *c, enum sf_close_reason why, void *arg)
{
	SF_CHECK(arg == &cb);
	SF_CHECK((unsigned int)why < SF_CLOSE_MAX);
	if ((unsigned int)why < SF_CLOSE_MAX)
		cb.closes[why]++;
	cb.nclosed++;
	if (c == NULL)
		cb.null_closes++;
	cb.closed = c;
	if (cb.reopen != NULL) {
		const struct sf_connect_params *p = cb.reopen;

		cb.reopen = NULL;
		cb.reopen_ret = sf_engine_connect(cb.reopen_eng, p,
			&cb.reopen_c);
	}
}

static void
on_data(struct sf_conn *c, const struct sf_conn_data *d, void *arg)
{
	RTE_SET_USED(c);
	SF_CHECK(arg == &cb);
	if (cb.data_len + d->len <= sizeof(cb.data)) {
		memcpy(cb.data + cb.data_len, d->data, d->len);
		cb.data_len += d->len;
	}
}

static struct sf_worker *
wk(struct sf_engine *eng)
{
	return sf_engine_worker(eng, 0);
}

static struct sf_wtcp *
wtcp(struct sf_engine *eng)
{
	return &wk(eng)->wk_tcp;
}

/* Connections in worker 0's table. */
static uint32_t
nconns(struct sf_engine *eng)
{
	return wtcp(eng)->wt_conntab.ft_used;
}

static unsigned int
pool_avail(void)
{
	return rte_mempool_avail_count(sf_test_pool);
}

/*
 * At the end of a helper whose checks print their own lines: when any
 * failed since failures, say which line of the case called it (once, if
 * a helper it called has said so already).
 */
static void
called_from(int failures, int line)
{
	static int told;        /* sf_test_failures when last said */

	if (sf_test_failures == failures || sf_test_failures == told)
		return;
	fprintf(stderr, "     (in a helper called at %s:%d)\n", __FILE__,
		line);
	told = sf_test_failures;
}

/* An engine (params: NULL for the test default), the clock at T0. */
static struct sf_engine *
setup(const struct sf_engine_params *ep)
{
	struct sf_engine *eng;

	memset(&cb, 0, sizeof(cb));
	eng = sf_test_engine_tcp(ep);
	sf_worker_clock(wk(eng), T0);
	return eng;
}

/* Free it all, and check that the pool is back to avail. */
static void
teardown(struct sf_engine *eng, unsigned int avail)
{
	sf_test_teardown(eng);
	SF_CHECK_EQ(pool_avail(), avail);
}

/* The peer is at sf_test_peer, confirmed: SYNs leave at once. */
static void
learn_peer(struct sf_engine *eng, bool v6)
{
	sf_neigh_learn(&wtcp(eng)->wt_net, SF_TEST_PORT,
		v6 ? AF_INET6 : AF_INET, v6 ? sf_test_peer_v6 : sf_test_peer_v4,
		&sf_test_peer, SF_NUD_REACHABLE,
		SF_NEIGH_F_CREATE | SF_NEIGH_F_OVERRIDE);
}

/* Linux's defaults, to the peer's port RPORT, with our callbacks. */
static void
params(struct sf_connect_params *p, bool v6)
{
	sf_connect_params_init(p);
	if (v6) {
		p->remote.family = AF_INET6;
		memcpy(p->remote.v6, sf_test_peer_v6, 16);
	} else {
		p->remote.family = AF_INET;
		memcpy(&p->remote.v4, sf_test_peer_v4, 4);
	}
	p->remote_port = RPORT;
	p->on_connected = on_connected;
	p->on_close = on_close;
	p->on_data = on_data;
	p->arg = &cb;
}

/* setup(ep) with the peer known (learn_peer()), and p params() for it. */
static struct sf_engine *
setup_peer(const struct sf_engine_params *ep, struct sf_connect_params *p,
		bool v6)
{
	struct sf_engine *eng = setup(ep);

	learn_peer(eng, v6);
	params(p, v6);
	return eng;
}

/* One active open as the tests follow it. */
struct act {
	bool v6;
	struct sf_conn *c;
	uint16_t lport;
	uint32_t iss;
	uint32_t tsval;        /* our SYN's (0: none) */
	struct sf_test_seg syn;
};

/*
 * Open p on worker 0 at once (sf_tcp_connect(), as on the worker lcore):
 * check that exactly one SYN left, parse it into a. False when not.
 */
static bool
start(struct sf_engine *eng, const struct sf_connect_params *p,
		struct act *a)
{
	int ret;

	memset(a, 0, sizeof(*a));
	a->v6 = p->remote.family == AF_INET6;
	sf_test_tx_flush();
	ret = sf_tcp_connect(wtcp(eng), p, &a->c);
	SF_CHECK_EQ(ret, 0);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (ret != 0 || sf_test_tx_n != 1 || a->c == NULL)
		return false;
	if (!SF_TEST_TCP_PARSE(sf_test_tx[0], &a->syn))
		return false;
	SF_CHECK_EQ(a->syn.v6, a->v6);
	SF_CHECK_EQ(a->syn.flags & (F_SYN | F_ACK | F_RST), F_SYN);
	a->lport = a->syn.sport;
	a->iss = a->syn.seq;
	if (a->syn.opts.to_flags & SF_TOF_TS)
		a->tsval = a->syn.opts.to_tsval;
	SF_CHECK_EQ(a->c->cn_state, SF_CS_SYN_SENT);
	sf_test_tx_flush();
	return true;
}

/*
 * A segment from the peer for a. A SYN carries the options in which
 * (MSS PEER_MSS, window scale PEER_WS, TSval PEER_TSVAL and tsecr);
 * any other segment carries <nop, nop, TS> when which has SF_TOF_TS.
 */
static struct rte_mbuf *
peer_seg(const struct act *a, uint8_t flags, uint32_t seq, uint32_t ack,
		unsigned int which, uint32_t tsecr, const void *data,
		uint16_t len)
{
	struct sf_test_tcp t;

	sf_test_tcp_init(&t, a->v6, RPORT, a->lport);
	t.seq = seq;
	t.ack = ack;
	t.flags = flags;
	if (flags & F_SYN) {
		t.optlen = sf_test_tcp_synopts(t.opt, which, PEER_MSS,
			PEER_WS, PEER_TSVAL, tsecr);
	} else if (which & SF_TOF_TS) {
		t.opt[0] = SF_TCPOPT_NOP;
		t.opt[1] = SF_TCPOPT_NOP;
		sf_test_tcp_synopts(t.opt + 2, SF_TOF_TS, 0, 0,
			PEER_TSVAL + 1, tsecr);
		t.optlen = 12;
	}
	t.data = data;
	t.data_len = len;
	return sf_test_tcp_frame(&t);
}

/* The peer's SYN-ACK for a, all options, echoing our SYN's TSval. */
static struct rte_mbuf *
synack(const struct act *a)
{
	return peer_seg(a, F_SYN | F_ACK, PEER_ISN, a->iss + 1, TOF_ALL,
		a->tsval, NULL, 0);
}

/*
 * The peer's SYN-ACK for a with the flags more (ECE, CWR) besides, the
 * options in which and TSecr tsecr, taken: it completes the open
 * (connect_established) and a reply goes back in its place. Returns the
 * reply (our ACK) for the caller to check and free.
 */
static struct rte_mbuf *
check_synack_taken(struct sf_engine *eng, const struct act *a, uint8_t more,
		unsigned int which, uint32_t tsecr, int line)
{
	static const enum sf_counter cs[] = { SF_CNT_tcp_segments,
		SF_CNT_tcp_replied, SF_CNT_connect_established, SF_CNT_MAX };

	return sf_test_check_input_v(eng, peer_seg(a, F_SYN | F_ACK | more,
		PEER_ISN, a->iss + 1, which, tsecr, NULL, 0), SF_VERDICT_TX, cs,
		__FILE__, line);
}

/* Complete a with synack(): our ACK answers it, on_connected ran. */
static void
complete(struct sf_engine *eng, const struct act *a)
{
	unsigned int before = cb.connected;
	struct rte_mbuf *m;
	struct sf_test_seg r;

	m = check_synack_taken(eng, a, 0, TOF_ALL, a->tsval, __LINE__);
	if (m != NULL && SF_TEST_TCP_PARSE(m, &r)) {
		SF_CHECK_EQ(r.flags, F_ACK);
		SF_CHECK_EQ(r.seq, a->iss + 1);
		SF_CHECK_EQ(r.ack, PEER_ISN + 1);
	}
	rte_pktmbuf_free(m);
	SF_CHECK_EQ(cb.connected, before + 1);
	SF_CHECK(cb.c == a->c);
	SF_CHECK_EQ(a->c->cn_state, SF_CS_ESTABLISHED);
}

/* Check s is a RST (no ACK) with sequence number seq, for a. */
static void
check_rst(const struct act *a, struct rte_mbuf *m, uint32_t seq)
{
	struct sf_test_seg r;

	SF_CHECK(m != NULL);
	if (m == NULL || !SF_TEST_TCP_PARSE(m, &r))
		return;
	SF_CHECK_EQ(r.flags, F_RST);
	SF_CHECK_EQ(r.seq, seq);
	SF_CHECK_EQ(r.sport, a->lport);
	SF_CHECK_EQ(r.dport, RPORT);
}

/*
 * The peer's SYN-ACK for a, all options, acknowledging ack and echoing
 * tsecr, refused: check_rst() of the RST at ack in its place, counted in
 * c as well as out_rsts (c SF_CNT_MAX: in no other).
 */
static void
check_synack_rst(struct sf_engine *eng, const struct act *a, uint32_t ack,
		uint32_t tsecr, enum sf_counter c, int line)
{
	const enum sf_counter cs[] = { SF_CNT_tcp_segments,
		SF_CNT_tcp_replied, SF_CNT_out_rsts, c, SF_CNT_MAX };
	int failures = sf_test_failures;
	struct rte_mbuf *m;

	m = sf_test_check_input_v(eng, peer_seg(a, F_SYN | F_ACK, PEER_ISN,
		ack, TOF_ALL, tsecr, NULL, 0), SF_VERDICT_TX, cs, __FILE__,
		line);
	check_rst(a, m, ack);
	rte_pktmbuf_free(m);
	called_from(failures, line);
}

/*
 * a's 4-tuple is nobody's now: a late synack() meets CLOSED's rule (a
 * RST at its ACK, check_synack_rst()) and nothing connects.
 */
static void
check_late_synack(struct sf_engine *eng, const struct act *a, int line)
{
	int failures = sf_test_failures;

	check_synack_rst(eng, a, a->iss + 1, a->tsval, SF_CNT_MAX, line);
	SF_CHECK_EQ(cb.connected, 0);
	called_from(failures, line);
}

/*
 * Run m (the peer's) through worker 0, which may answer with an ACK in
 * its place (TX) or with nothing yet (DONE). True when it did, with that
 * ACK parsed into r; m is given back either way.
 */
static bool
input_acked(struct sf_engine *eng, struct rte_mbuf *m, struct sf_test_seg *r,
		int line)
{
	int failures = sf_test_failures;
	enum sf_verdict v = sf_test_input(eng, m);
	bool acked = false;

	SF_CHECK(v == SF_VERDICT_TX || v == SF_VERDICT_DONE);
	if (v == SF_VERDICT_TX && sf_test_tcp_parse(m, r, __FILE__, line)) {
		SF_CHECK_EQ(r->flags, F_ACK);
		acked = true;
	}
	if (v != SF_VERDICT_KEPT)
		rte_pktmbuf_free(m);
	called_from(failures, line);
	return acked;
}

/*
 * The first frame the tx hook holds is a SYN to the server's port dport:
 * take it as the SYN of c, a (its port, ISN and TSval). False, a
 * cleared, when there is none or it does not parse.
 */
static bool
take_syn(struct act *a, bool v6, struct sf_conn *c, uint16_t dport,
		int line)
{
	int failures = sf_test_failures;
	struct sf_test_seg r;

	memset(a, 0, sizeof(*a));
	if (sf_test_tx_n < 1 ||
	    !sf_test_tcp_parse(sf_test_tx[0], &r, __FILE__, line))
		return false;
	SF_CHECK_EQ(r.flags, F_SYN);
	SF_CHECK_EQ(r.dport, dport);
	a->v6 = v6;
	a->c = c;
	a->lport = r.sport;
	a->iss = r.seq;
	a->tsval = r.opts.to_tsval;
	called_from(failures, line);
	return true;
}

/* Move the clock to t: nothing leaves, on_close has run nclosed times. */
static void
check_quiet_at(struct sf_engine *eng, uint32_t t, unsigned int nclosed,
		int line)
{
	int failures = sf_test_failures;

	sf_worker_clock(wk(eng), t);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	SF_CHECK_EQ(cb.nclosed, nclosed);
	sf_test_tx_flush();
	called_from(failures, line);
}

/*
 * The open c has ended: on_close(c, why) once and no other call, never
 * on_connected, its slot free.
 */
static void
check_closed_once(struct sf_engine *eng, const struct sf_conn *c,
		enum sf_close_reason why, int line)
{
	int failures = sf_test_failures;

	SF_CHECK_EQ(cb.closes[why], 1);
	SF_CHECK_EQ(cb.nclosed, 1);
	SF_CHECK(cb.closed == c);
	SF_CHECK_EQ(cb.connected, 0);
	SF_CHECK_EQ(nconns(eng), 0);
	called_from(failures, line);
}

/*
 * 1. The SYN. Linux's defaults: SYN alone, window 65535, <MSS, SACK-
 * permitted, TS, NOP, WS 7> (20 bytes, TSecr 0), MSS the port's MTU
 * (1500) less 40 or 60, a local port of the default range, to the
 * neighbour's MAC and the server's address; another connection has
 * another port and ISN. Then the other offers: no TS (<MSS, NOP, NOP,
 * SACK-permitted, NOP, WS>), no SACK, neither, ECN (ECE|CWR), a
 * smaller MSS clamp and window, a larger clamp (no effect).
 */
static void
test_syn_format(bool v6)
{
	const uint16_t mtu_mss = v6 ? 1440 : 1460;
	unsigned int avail = pool_avail();
	struct sf_connect_params p;
	struct sf_test_snap snap;
	struct sf_engine *eng;
	struct act a, b;
	uint8_t want[40];
	uint8_t n;

	eng = setup_peer(NULL, &p, v6);
	sf_test_snap(eng, &snap);
	if (!start(eng, &p, &a))
		goto out;
	SF_CHECK_MOVED(eng, &snap, SF_CNT_active_opens,
		SF_CNT_connect_port_probes);
	SF_CHECK_EQ(a.syn.flags, F_SYN);
	SF_CHECK_EQ(a.syn.ack, 0);
	SF_CHECK_EQ(a.syn.win, 65535);
	SF_CHECK_EQ(a.syn.data_len, 0);
	SF_CHECK_EQ(a.syn.dport, RPORT);
	SF_CHECK(a.syn.sport >= 32768 && a.syn.sport <= 60999);
	SF_CHECK_MEM(a.syn.dst, v6 ? sf_test_peer_v6 : sf_test_peer_v4,
		v6 ? 16 : 4);
	/* Linux's order: MSS, SACK-permitted in TS's padding, NOP WS. */
	n = 0;
	want[n++] = SF_TCPOPT_MSS;
	want[n++] = 4;
	want[n++] = mtu_mss >> 8;
	want[n++] = mtu_mss & 0xff;
	want[n++] = SF_TCPOPT_SACK_PERM;
	want[n++] = 2;
	want[n++] = SF_TCPOPT_TS;
	want[n++] = 10;
	want[n++] = a.tsval >> 24;
	want[n++] = (a.tsval >> 16) & 0xff;
	want[n++] = (a.tsval >> 8) & 0xff;
	want[n++] = a.tsval & 0xff;
	memset(want + n, 0, 4);         /* TSecr */
	n += 4;
	want[n++] = SF_TCPOPT_NOP;
	want[n++] = SF_TCPOPT_WSCALE;
	want[n++] = 3;
	want[n++] = 7;
	SF_CHECK_EQ(a.syn.optlen, n);
	SF_CHECK_MEM(a.syn.opt, want, n);
	SF_CHECK_EQ(a.syn.opts.to_mss, mtu_mss);

	/* Another open to the same server: another port, another ISN. */
	if (!start(eng, &p, &b))
		goto out;
	SF_CHECK(b.lport != a.lport);
	SF_CHECK(b.lport >= 32768 && b.lport <= 60999);
	SF_CHECK(b.iss != a.iss);
	SF_CHECK_EQ(nconns(eng), 2);

	/* No timestamps: SACK-permitted after two NOPs; ECN; clamps. */
	params(&p, v6);
	p.timestamps = false;
	p.ecn = true;
	p.mss = 1000;
	p.window = 12345;
	p.wscale = 3;
	if (!start(eng, &p, &b))
		goto out;
	SF_CHECK_EQ(b.syn.flags, F_SYN | F_ECE | F_CWR);
	SF_CHECK_EQ(b.syn.win, 12345);
	{
		static const uint8_t w[12] = { SF_TCPOPT_MSS, 4, 1000 >> 8,
			1000 & 0xff, SF_TCPOPT_NOP, SF_TCPOPT_NOP,
			SF_TCPOPT_SACK_PERM, 2, SF_TCPOPT_NOP,
			SF_TCPOPT_WSCALE, 3, 3 };

		SF_CHECK_EQ(b.syn.optlen, sizeof(w));
		SF_CHECK_MEM(b.syn.opt, w, sizeof(w));
	}

	/* No SACK: two NOPs before TS; wscale 0 is still offered. */
	params(&p, v6);
	p.sack = false;
	p.wscale = 0;
	p.mss = 9000;                   /* above the MTU's: no effect */
	if (!start(eng, &p, &b))
		goto out;
	SF_CHECK_EQ(b.syn.flags, F_SYN);
	SF_CHECK_EQ(b.syn.optlen, 20);
	SF_CHECK_EQ(b.syn.opt[4], SF_TCPOPT_NOP);
	SF_CHECK_EQ(b.syn.opt[5], SF_TCPOPT_NOP);
	SF_CHECK_EQ(b.syn.opt[6], SF_TCPOPT_TS);
	SF_CHECK_EQ(b.syn.opts.to_flags & TOF_ALL,
		SF_TOF_MSS | SF_TOF_TS | SF_TOF_WSCALE);
	SF_CHECK_EQ(b.syn.opts.to_mss, mtu_mss);
	SF_CHECK_EQ(b.syn.opts.to_wscale, 0);

	/* Neither: <MSS, NOP, WS>. */
	params(&p, v6);
	p.sack = false;
	p.timestamps = false;
	if (!start(eng, &p, &b))
		goto out;
	{
		static const uint8_t w[8] = { SF_TCPOPT_MSS, 4, 0, 0,
			SF_TCPOPT_NOP, SF_TCPOPT_WSCALE, 3, 7 };

		SF_CHECK_EQ(b.syn.optlen, sizeof(w));
		SF_CHECK_MEM(b.syn.opt + 4, w + 4, sizeof(w) - 4);
		SF_CHECK_EQ(b.syn.opts.to_mss, mtu_mss);
	}
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_active_opens), 5);
	SF_CHECK_EQ(nconns(eng), 5);
out:
	teardown(eng, avail);
}

/* The options a SYN-ACK carries, and what the open ends up with. */
struct neg_case {
	unsigned int which;   /* the SYN-ACK's options */
	bool our_ts;          /* p.timestamps */
	bool our_sack;        /* p.sack */
};

/*
 * 2. The SYN-ACK: ESTABLISHED, on_connected once with what both sides
 * sent (each option on only when both did; the MSS the smaller one,
 * less 12 with timestamps; the peer's default MSS without the option),
 * our ACK (ISS + 1, their ISN + 1, their TSval echoed); the peer's data
 * reaches on_data. Then data sent from inside on_connected leaves
 * behind the handshake.
 */
static void
test_established(bool v6)
{
	static const struct neg_case cases[] = {
		{ TOF_ALL, true, true },
		{ SF_TOF_MSS | SF_TOF_SACKPERM | SF_TOF_WSCALE, true, true },
		{ SF_TOF_MSS | SF_TOF_TS, true, true },
		{ SF_TOF_TS | SF_TOF_WSCALE, true, true },
		{ 0, true, true },
		{ TOF_ALL, false, true },
		{ TOF_ALL, true, false },
	};
	const uint16_t ours = v6 ? 1440 : 1460;
	unsigned int avail = pool_avail(), i, nr = 0;
	struct sf_connect_params p;
	struct sf_engine *eng;
	struct rte_mbuf *m;
	struct sf_test_seg r;
	struct act a;

	eng = setup_peer(NULL, &p, v6);
	for (i = 0; i < RTE_DIM(cases); i++) {
		const struct neg_case *nc = &cases[i];
		bool ts = (nc->which & SF_TOF_TS) && nc->our_ts;
		bool sack = (nc->which & SF_TOF_SACKPERM) && nc->our_sack;
		bool ws = (nc->which & SF_TOF_WSCALE) != 0;
		uint16_t peer = (nc->which & SF_TOF_MSS) ? PEER_MSS :
			v6 ? 1220 : 536;
		uint32_t our_tsval = 0;

		params(&p, v6);
		p.timestamps = nc->our_ts;
		p.sack = nc->our_sack;
		if (!start(eng, &p, &a))
			break;
		cb.connected = 0;
		cb.data_len = 0;
		m = check_synack_taken(eng, &a, 0, nc->which, a.tsval,
			__LINE__);
		nr++;
		if (m != NULL && SF_TEST_TCP_PARSE(m, &r)) {
			SF_CHECK_EQ(r.flags, F_ACK);
			SF_CHECK_EQ(r.seq, a.iss + 1);
			SF_CHECK_EQ(r.ack, PEER_ISN + 1);
			SF_CHECK_EQ(r.sport, a.lport);
			SF_CHECK_EQ(r.dport, RPORT);
			SF_CHECK_EQ(r.data_len, 0);
			SF_CHECK_EQ(!!(r.opts.to_flags & SF_TOF_TS), ts);
			if (ts) {
				SF_CHECK_EQ(r.opts.to_tsecr, PEER_TSVAL);
				our_tsval = r.opts.to_tsval;
			}
		}
		rte_pktmbuf_free(m);
		SF_CHECK_EQ(cb.connected, 1);
		SF_CHECK(cb.c == a.c);
		SF_CHECK_EQ(cb.ci.listener, SF_LISTENER_NONE);
		SF_CHECK_EQ(cb.ci.iss, a.iss);
		SF_CHECK_EQ(cb.ci.irs, PEER_ISN);
		SF_CHECK_EQ(cb.ci.local_port, a.lport);
		SF_CHECK_EQ(cb.ci.remote_port, RPORT);
		SF_CHECK_EQ(cb.ci.remote.family, v6 ? AF_INET6 : AF_INET);
		SF_CHECK_MEM(v6 ? (const void *)cb.ci.remote.v6 :
			(const void *)&cb.ci.remote.v4,
			v6 ? sf_test_peer_v6 : sf_test_peer_v4, v6 ? 16 : 4);
		SF_CHECK_MEM(v6 ? (const void *)cb.ci.local.v6 :
			(const void *)&cb.ci.local.v4,
			v6 ? sf_test_v6 : sf_test_v4, v6 ? 16 : 4);
		SF_CHECK_EQ(cb.ci.port_id, SF_TEST_PORT);
		SF_CHECK_EQ(cb.ci.worker, 0);
		SF_CHECK(cb.ci.data == NULL);
		SF_CHECK_EQ(cb.ci.data_len, 0);
		SF_CHECK_EQ(cb.ci.mss, RTE_MIN(peer, ours) - (ts ? 12 : 0));
		SF_CHECK_EQ(cb.ci.flags, (ws ? SF_CONN_F_WSCALE : 0) |
			(sack ? SF_CONN_F_SACK : 0) | (ts ? SF_CONN_F_TS : 0));
		SF_CHECK_EQ(cb.ci.snd_wscale, ws ? PEER_WS : 0);
		SF_CHECK_EQ(cb.ci.rcv_wscale, ws ? 7 : 0);
		SF_CHECK_EQ(cb.nclosed, 0);

		/* The peer's first bytes reach on_data. */
		if (input_acked(eng, peer_seg(&a, F_ACK | F_PSH, PEER_ISN + 1,
		    a.iss + 1, ts ? SF_TOF_TS : 0, our_tsval, "hello", 5), &r,
		    __LINE__))
			SF_CHECK_EQ(r.ack, PEER_ISN + 6);
		SF_CHECK_EQ(cb.data_len, 5);
		SF_CHECK_MEM(cb.data, "hello", 5);
		sf_test_tx_flush();
	}
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_connect_established), nr);
	SF_CHECK_EQ(nr, RTE_DIM(cases));

	/*
	 * ECN (RFC 3168 6.1.1): on when our ECN-setup SYN is answered with
	 * ECE and no CWR; not with both, nor without ECE, nor unasked.
	 */
	for (i = 0; i < 4; i++) {
		static const uint8_t fl[4] = { F_ECE, F_ECE | F_CWR, 0, F_ECE };

		params(&p, v6);
		p.ecn = i < 3;
		if (!start(eng, &p, &a))
			break;
		cb.connected = 0;
		rte_pktmbuf_free(check_synack_taken(eng, &a, fl[i], TOF_ALL,
			a.tsval, __LINE__));
		SF_CHECK_EQ(cb.connected, 1);
		SF_CHECK_EQ(cb.ci.flags & SF_CONN_F_ECN,
			i == 0 ? SF_CONN_F_ECN : 0);
		SF_CHECK_EQ(cb.ci.flags & ~SF_CONN_F_ECN, SF_CONN_F_WSCALE |
			SF_CONN_F_SACK | SF_CONN_F_TS);
	}

	/* Bytes sent from on_connected follow our ACK's sequence number. */
	params(&p, v6);
	if (!start(eng, &p, &a))
		goto out;
	cb.send = "GET / HTTP/1.0\r\n\r\n";
	cb.connected = 0;
	/* A bare ACK in place, if any: the data carries it too. */
	if (input_acked(eng, synack(&a), &r, __LINE__)) {
		SF_CHECK_EQ(r.seq, a.iss + 1);
		SF_CHECK_EQ(r.data_len, 0);
	}
	SF_CHECK_EQ(cb.connected, 1);
	SF_CHECK_EQ(cb.send_ret, (int)strlen(cb.send));
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n >= 1 && SF_TEST_TCP_PARSE(sf_test_tx[0], &r)) {
		SF_CHECK_EQ(r.flags & ~F_PSH, F_ACK);
		SF_CHECK_EQ(r.seq, a.iss + 1);
		SF_CHECK_EQ(r.ack, PEER_ISN + 1);
		SF_CHECK_EQ(r.data_len, strlen(cb.send));
		SF_CHECK_EQ(r.sport, a.lport);
		SF_CHECK_EQ(!!(r.opts.to_flags & SF_TOF_TS), 1);
		SF_CHECK_EQ(r.opts.to_tsecr, PEER_TSVAL);
	}
	cb.send = NULL;
	sf_test_tx_flush();
out:
	teardown(eng, avail);
}

/*
 * 3. A SYN-ACK whose ACK is not for our SYN (ISS, ISS + 2): a RST at
 * SEG.ACK, the open stays in SYN-SENT and its SYN goes again soon (2 ms,
 * Linux's TCP_TIMEOUT_MIN) the first time; a RST with a bad ACK is
 * dropped, unanswered. The right SYN-ACK still completes it.
 */
static void
test_bad_ack(bool v6)
{
	unsigned int avail = pool_avail();
	struct sf_connect_params p;
	struct sf_engine *eng;
	struct sf_test_seg r;
	struct act a;

	eng = setup_peer(NULL, &p, v6);
	if (!start(eng, &p, &a))
		goto out;
	check_synack_rst(eng, &a, a.iss, a.tsval, SF_CNT_connect_bad_ack,
		__LINE__);
	SF_CHECK_EQ(a.c->cn_state, SF_CS_SYN_SENT);
	SF_CHECK_EQ(nconns(eng), 1);
	SF_CHECK_EQ(cb.connected, 0);
	SF_CHECK_EQ(cb.nclosed, 0);
	/* Our SYN again 2 ms later: same ISN and port. */
	SF_CHECK_EQ(sf_test_tx_n, 0);
	sf_worker_clock(wk(eng), T0 + 1);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	sf_worker_clock(wk(eng), T0 + 2);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1 && SF_TEST_TCP_PARSE(sf_test_tx[0], &r)) {
		SF_CHECK_EQ(r.flags, F_SYN);
		SF_CHECK_EQ(r.seq, a.iss);
		SF_CHECK_EQ(r.sport, a.lport);
	}
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_connect_syn_retrans), 1);
	sf_test_tx_flush();

	check_synack_rst(eng, &a, a.iss + 2, a.tsval, SF_CNT_connect_bad_ack,
		__LINE__);
	SF_CHECK_EQ(a.c->cn_state, SF_CS_SYN_SENT);

	/* RST|ACK with a bad ACK: dropped, nothing sent, still open. */
	SF_CHECK_INPUTV(eng, peer_seg(&a, F_RST | F_ACK, 0, a.iss + 2, 0, 0,
		NULL, 0), SF_VERDICT_DROP, SF_CNT_tcp_segments,
		SF_CNT_drop_tcp_synsent_bad_ack);
	SF_CHECK_INPUTV(eng, peer_seg(&a, F_RST | F_ACK, 0, a.iss, 0, 0,
		NULL, 0), SF_VERDICT_DROP, SF_CNT_tcp_segments,
		SF_CNT_drop_tcp_synsent_bad_ack);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	SF_CHECK_EQ(a.c->cn_state, SF_CS_SYN_SENT);
	SF_CHECK_EQ(cb.nclosed, 0);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_connect_bad_ack), 2);

	complete(eng, &a);
	SF_CHECK_EQ(cb.nclosed, 0);
out:
	teardown(eng, avail);
}

/*
 * 4. RST|ACK acknowledging our SYN: refused, on_close(REFUSED) once, the
 * slot and its 4-tuple free (the next segment meets no connection and no
 * listener: a RST), the SYN timer gone with it.
 */
static void
test_refused(bool v6)
{
	unsigned int avail = pool_avail();
	struct sf_connect_params p;
	struct sf_engine *eng;
	struct act a;

	eng = setup_peer(NULL, &p, v6);
	if (!start(eng, &p, &a))
		goto out;
	SF_CHECK_INPUTV(eng, peer_seg(&a, F_RST | F_ACK, 0, a.iss + 1, 0, 0,
		NULL, 0), SF_VERDICT_DONE, SF_CNT_tcp_segments,
		SF_CNT_tcp_absorbed, SF_CNT_connect_refused);
	check_closed_once(eng, a.c, SF_CLOSE_REFUSED, __LINE__);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	/* The tuple is nobody's: a late SYN-ACK is reset by CLOSED's rule. */
	check_late_synack(eng, &a, __LINE__);
	/* No SYN timer left behind. */
	check_quiet_at(eng, T0 + 10000, 1, __LINE__);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_connect_refused), 1);
out:
	teardown(eng, avail);
}

/*
 * 5. What SYN-SENT drops: a RST without ACK, a SYN without ACK
 * (simultaneous open is not taken), a segment with a good ACK but no
 * SYN, one with no flags; each counted, nothing sent, the open still
 * waiting, and the SYN-ACK then completes it.
 */
static void
test_drops(bool v6)
{
	unsigned int avail = pool_avail();
	struct sf_connect_params p;
	struct sf_engine *eng;
	struct act a;

	eng = setup_peer(NULL, &p, v6);
	if (!start(eng, &p, &a))
		goto out;
	SF_CHECK_INPUTV(eng, peer_seg(&a, F_RST, a.iss + 1, 0, 0, 0, NULL, 0),
		SF_VERDICT_DROP, SF_CNT_tcp_segments,
		SF_CNT_drop_tcp_synsent_noflags);
	SF_CHECK_INPUTV(eng, peer_seg(&a, F_SYN, PEER_ISN, 0, TOF_ALL, 0,
		NULL, 0), SF_VERDICT_DROP, SF_CNT_tcp_segments,
		SF_CNT_drop_tcp_simultaneous_open);
	SF_CHECK_INPUTV(eng, peer_seg(&a, F_ACK, PEER_ISN + 1, a.iss + 1,
		SF_TOF_TS, a.tsval, NULL, 0), SF_VERDICT_DROP,
		SF_CNT_tcp_segments, SF_CNT_drop_tcp_synsent_noflags);
	SF_CHECK_INPUTV(eng, peer_seg(&a, F_ACK | F_PSH, PEER_ISN + 1,
		a.iss + 1, 0, 0, "x", 1), SF_VERDICT_DROP,
		SF_CNT_tcp_segments, SF_CNT_drop_tcp_synsent_noflags);
	SF_CHECK_INPUTV(eng, peer_seg(&a, 0, PEER_ISN, 0, 0, 0, NULL, 0),
		SF_VERDICT_DROP, SF_CNT_tcp_segments,
		SF_CNT_drop_tcp_synsent_noflags);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	SF_CHECK_EQ(a.c->cn_state, SF_CS_SYN_SENT);
	SF_CHECK_EQ(nconns(eng), 1);
	SF_CHECK_EQ(cb.connected, 0);
	SF_CHECK_EQ(cb.nclosed, 0);
	SF_CHECK_EQ(cb.data_len, 0);
	complete(eng, &a);
out:
	teardown(eng, avail);
}

/*
 * 6. PAWS in SYN-SENT: a SYN-ACK whose TSecr is not the TSval of one of
 * our SYNs (before the first, or after now) is answered with a RST and
 * counted, the open stays; a RST|ACK with such a TSecr is dropped. A
 * TSecr within the range completes it, and a TSecr of 0 is not checked.
 */
static void
test_paws(bool v6)
{
	unsigned int avail = pool_avail();
	struct sf_connect_params p;
	struct sf_engine *eng;
	struct act a;

	eng = setup_peer(NULL, &p, v6);
	if (!start(eng, &p, &a))
		goto out;
	/* Our SYNs' TSvals now span [tsval, tsval + 50]. */
	sf_worker_clock(wk(eng), T0 + 50);
	check_synack_rst(eng, &a, a.iss + 1, a.tsval - 1,
		SF_CNT_paws_active_rejected, __LINE__);
	check_synack_rst(eng, &a, a.iss + 1, a.tsval + 51,
		SF_CNT_paws_active_rejected, __LINE__);
	SF_CHECK_INPUTV(eng, peer_seg(&a, F_RST | F_ACK, 0, a.iss + 1,
		SF_TOF_TS, a.tsval + 1000, NULL, 0), SF_VERDICT_DROP,
		SF_CNT_tcp_segments, SF_CNT_paws_active_rejected,
		SF_CNT_drop_tcp_synsent_bad_ack);
	SF_CHECK_EQ(a.c->cn_state, SF_CS_SYN_SENT);
	SF_CHECK_EQ(cb.connected, 0);
	SF_CHECK_EQ(cb.nclosed, 0);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	/* The last of the range is ours. */
	rte_pktmbuf_free(check_synack_taken(eng, &a, 0, TOF_ALL, a.tsval + 50,
		__LINE__));
	SF_CHECK_EQ(cb.connected, 1);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_paws_active_rejected), 3);

	/* TSecr 0: not checked (Linux tests rcv_tsecr first). */
	if (!start(eng, &p, &a))
		goto out;
	rte_pktmbuf_free(check_synack_taken(eng, &a, 0, TOF_ALL, 0, __LINE__));
	SF_CHECK_EQ(cb.connected, 2);
out:
	teardown(eng, avail);
}

/*
 * Move the clock to t and check that exactly nsyn SYNs of a left, each
 * its own (ISN, port) with the TSval of the time.
 */
static void
check_syns_at(struct sf_engine *eng, const struct act *a, uint32_t t,
		unsigned int nsyn)
{
	struct sf_test_seg r;
	unsigned int i;

	sf_worker_clock(wk(eng), t);
	SF_CHECK_EQ(sf_test_tx_n, nsyn);
	for (i = 0; i < sf_test_tx_n && i < nsyn; i++) {
		if (!SF_TEST_TCP_PARSE(sf_test_tx[i], &r))
			continue;
		SF_CHECK_EQ(r.flags, F_SYN);
		SF_CHECK_EQ(r.seq, a->iss);
		SF_CHECK_EQ(r.sport, a->lport);
		SF_CHECK_EQ(r.dport, RPORT);
		if (a->tsval != 0)
			SF_CHECK_EQ(r.opts.to_tsval, a->tsval + (t - T0));
	}
	sf_test_tx_flush();
}

/*
 * a's SYN timer gives up at t, after nretrans retransmissions: nothing
 * leaves at t - 1 or at t, and at t (not before) a ends with
 * on_close(TIMEOUT) (check_closed_once()), counted in connect_timeouts.
 */
static void
check_given_up(struct sf_engine *eng, const struct act *a, uint32_t t,
		unsigned int nretrans, int line)
{
	int failures = sf_test_failures;

	check_quiet_at(eng, t - 1, 0, line);
	check_syns_at(eng, a, t, 0);
	check_closed_once(eng, a->c, SF_CLOSE_TIMEOUT, line);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_connect_timeouts), 1);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_connect_syn_retrans),
		nretrans);
	called_from(failures, line);
}

/*
 * 7. SYN retransmission: 1 s, then 2 s and 4 s more (Linux's doubling),
 * the same SYN each time; with syn_retries 2 the open ends with
 * on_close(TIMEOUT) 4 s after the second, when the third would be due,
 * and nothing more is sent. The engine's syn_retries and the first
 * timeout (syn_timeout_ms) apply too.
 */
static void
test_syn_rexmt(bool v6)
{
	struct sf_engine_params ep = { .nb_workers = 1,
		.socket_id = SOCKET_ID_ANY, .max_requests = 64,
		.max_conns = 64, .syn_retries = 1 };
	unsigned int avail = pool_avail();
	struct sf_connect_params p;
	struct sf_engine *eng;
	struct act a;

	eng = setup_peer(NULL, &p, v6);
	if (!start(eng, &p, &a))
		goto out;
	check_syns_at(eng, &a, T0 + 999, 0);
	check_syns_at(eng, &a, T0 + 1000, 1);
	check_syns_at(eng, &a, T0 + 2999, 0);
	check_syns_at(eng, &a, T0 + 3000, 1);
	check_syns_at(eng, &a, T0 + 6999, 0);
	check_syns_at(eng, &a, T0 + 7000, 1);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_connect_syn_retrans), 3);
	SF_CHECK_EQ(cb.nclosed, 0);
	/* A late SYN-ACK echoing the first SYN's TSval still completes it. */
	complete(eng, &a);
	teardown(eng, avail);

	/* syn_retries 2: given up when the third would go, 7 s in. */
	eng = setup_peer(NULL, &p, v6);
	p.syn_retries = 2;
	if (!start(eng, &p, &a))
		goto out;
	check_syns_at(eng, &a, T0 + 1000, 1);
	check_syns_at(eng, &a, T0 + 3000, 1);
	check_given_up(eng, &a, T0 + 7000, 2, __LINE__);
	check_quiet_at(eng, T0 + 30000, 1, __LINE__);
	teardown(eng, avail);

	/*
	 * The engine's syn_retries (1) when the open names none; a first
	 * timeout of 300 ms: the SYN again at 300 ms, given up at 900.
	 */
	eng = setup_peer(&ep, &p, v6);
	p.syn_timeout_ms = 300;
	if (!start(eng, &p, &a))
		goto out;
	check_syns_at(eng, &a, T0 + 299, 0);
	check_syns_at(eng, &a, T0 + 300, 1);
	check_given_up(eng, &a, T0 + 900, 1, __LINE__);
out:
	teardown(eng, avail);
}

/* Check frame i is our ARP request or neighbour solicitation for the peer. */
static void
check_solicit(unsigned int i, bool v6)
{
	const uint8_t *f;

	SF_CHECK(i < sf_test_tx_n);
	if (i >= sf_test_tx_n)
		return;
	f = rte_pktmbuf_mtod(sf_test_tx[i], const uint8_t *);
	SF_CHECK_MEM(f + 6, &sf_test_mac, 6);
	if (!v6) {
		SF_CHECK_EQ(f[12] << 8 | f[13], RTE_ETHER_TYPE_ARP);
		SF_CHECK_EQ(f[20] << 8 | f[21], RTE_ARP_OP_REQUEST);
		SF_CHECK_MEM(f + 28, sf_test_v4, 4);
		SF_CHECK_MEM(f + 38, sf_test_peer_v4, 4);
	} else {
		SF_CHECK_EQ(f[12] << 8 | f[13], RTE_ETHER_TYPE_IPV6);
		SF_CHECK_EQ(f[14 + 6], IPPROTO_ICMPV6);
		SF_CHECK_EQ(f[54], 135);
		SF_CHECK_MEM(f + 54 + 8, sf_test_peer_v6, 16);
	}
}

/* The peer's answer to our solicitation: an ARP reply or an NA (S, O). */
static struct rte_mbuf *
peer_neigh_answer(bool v6)
{
	struct rte_ipv6_hdr *ip6;
	uint8_t f[128], *nd;
	uint16_t l2;

	if (!v6)
		return sf_test_arp_frame(RTE_ARP_OP_REPLY);
	memset(f, 0, sizeof(f));
	l2 = sf_test_put_eth(f, &sf_test_mac, 0, RTE_ETHER_TYPE_IPV6);
	sf_test_put_ip6(f + l2, sf_test_peer_v6, sf_test_v6, IPPROTO_ICMPV6,
		32, 255);
	ip6 = (struct rte_ipv6_hdr *)(f + l2);
	nd = f + l2 + sizeof(*ip6);
	nd[0] = 136;
	nd[4] = 0x60;                   /* solicited, override */
	memcpy(nd + 8, sf_test_peer_v6, 16);
	nd[24] = 2;                     /* target link-layer address */
	nd[25] = 1;
	memcpy(nd + 26, &sf_test_peer, 6);
	sf_test_put_cksum(nd + 2, sf_test_ip6_sum(ip6, nd, 32,
		IPPROTO_ICMPV6));
	return sf_test_mbuf(f, (uint16_t)(l2 + sizeof(*ip6) + 32));
}

/*
 * 8. No neighbour entry: a solicitation leaves instead of the SYN, which
 * waits in the neighbour queue. Nobody answers: mcast_solicit (3)
 * solicitations a second apart, the entry FAILED 1 s after the last
 * (3 s in), and the open ends with on_close(UNREACH) once, soon after,
 * as Linux's connect() learns EHOSTUNREACH when its ARP gives up: not a
 * whole retrans_time later. No SYN ever left, none counted as
 * retransmitted, and the queued SYN went back to the pool. The clock
 * moves in steps of step ms (the open's looks follow the clock, each up
 * to a step late).
 */
static void
test_unreach(bool v6, uint32_t step)
{
	unsigned int avail = pool_avail(), before, i, nsol = 0, ntcp = 0;
	const uint32_t latest = 3000 + SF_SYN_NWAIT_LOOK_MS +
		3 * (SF_NEIGH_SCAN_MS + step);
	uint32_t t, t_close = 0;
	struct sf_connect_params p;
	struct sf_test_snap snap;
	struct sf_engine *eng;
	struct sf_conn *c = NULL;

	eng = setup(NULL);
	params(&p, v6);
	before = pool_avail();
	sf_test_snap(eng, &snap);
	SF_CHECK_EQ(sf_tcp_connect(wtcp(eng), &p, &c), 0);
	SF_CHECK(c != NULL);
	SF_CHECK_MOVED(eng, &snap, SF_CNT_active_opens,
		SF_CNT_connect_port_probes);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_neigh_queued), 1);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	check_solicit(0, v6);
	sf_test_tx_flush();
	for (t = step; t <= 5000; t += step) {
		unsigned int n0 = sf_test_tx_n;

		sf_worker_clock(wk(eng), T0 + t);
		for (i = n0; i < sf_test_tx_n; i++) {
			const uint8_t *f = rte_pktmbuf_mtod(sf_test_tx[i],
				const uint8_t *);
			uint16_t type = (uint16_t)(f[12] << 8 | f[13]);

			if (type == RTE_ETHER_TYPE_ARP ||
			    (type == RTE_ETHER_TYPE_IPV6 && f[20] ==
			     IPPROTO_ICMPV6)) {
				check_solicit(i, v6);
				nsol++;
			} else {
				ntcp++;
			}
		}
		if (cb.nclosed != 0 && t_close == 0)
			t_close = t;
	}
	/* The two solicitations after the first; never a SYN. */
	SF_CHECK_EQ(nsol, 2);
	SF_CHECK_EQ(ntcp, 0);
	check_closed_once(eng, c, SF_CLOSE_UNREACH, __LINE__);
	SF_CHECK(t_close >= 3000 && t_close <= latest);
	if (t_close < 3000 || t_close > latest)
		fprintf(stderr, "on_close(UNREACH) came %u ms in, not 3000.."
			"%u (steps of %u ms)\n", t_close, latest, step);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_connect_unreach), 1);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_connect_syn_retrans), 0);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_neigh_queue_failed), 1);
	SF_CHECK_EQ(nconns(eng), 0);
	sf_test_tx_flush();
	SF_CHECK_EQ(pool_avail(), before);
	teardown(eng, avail);
}

/*
 * 8b. The answer comes while the SYN waits: the SYN leaves, to the MAC
 * learnt, and the SYN-ACK completes the open.
 */
static void
test_resolved_late(bool v6)
{
	unsigned int avail = pool_avail();
	struct sf_connect_params p;
	struct sf_engine *eng;
	struct rte_mbuf *m;
	struct sf_conn *c = NULL;
	struct act a;

	eng = setup(NULL);
	params(&p, v6);
	SF_CHECK_EQ(sf_tcp_connect(wtcp(eng), &p, &c), 0);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	check_solicit(0, v6);
	sf_test_tx_flush();
	sf_worker_clock(wk(eng), T0 + 300);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	m = peer_neigh_answer(v6);
	SF_CHECK_EQ(sf_test_input(eng, m), SF_VERDICT_DROP);
	rte_pktmbuf_free(m);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_neigh_queue_sent), 1);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	/* Its parse checks the destination is sf_test_peer. */
	if (c != NULL && sf_test_tx_n == 1 &&
	    take_syn(&a, v6, c, RPORT, __LINE__)) {
		SF_CHECK_EQ(a.iss, c->cn_iss);
		sf_test_tx_flush();
		complete(eng, &a);
		SF_CHECK_EQ(cb.nclosed, 0);
	}
	sf_test_tx_flush();
	teardown(eng, avail);
}

/*
 * 9. No route (no connected subnet holds the server, and there is no
 * default route): -ENETUNREACH at once, counted; over the ring, the
 * worker tells on_close(NULL, UNREACH).
 */
static void
test_no_route(bool v6)
{
	static const uint8_t far6[16] = { 0x20, 0x01, 0x0d, 0xb8,
		[15] = 0x05 };
	static const uint8_t far4[4] = { 192, 168, 5, 5 };
	unsigned int avail = pool_avail();
	struct sf_connect_params p;
	struct sf_test_snap snap;
	struct sf_engine *eng;
	struct sf_conn *c = NULL;

	eng = setup(NULL);
	params(&p, v6);
	if (v6)
		memcpy(p.remote.v6, far6, 16);
	else
		memcpy(&p.remote.v4, far4, 4);
	sf_test_snap(eng, &snap);
	SF_CHECK_EQ(sf_tcp_connect(wtcp(eng), &p, &c), -ENETUNREACH);
	SF_CHECK_MOVED(eng, &snap, SF_CNT_connect_no_route);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	SF_CHECK_EQ(nconns(eng), 0);
	SF_CHECK_EQ(cb.nclosed, 0);
	SF_CHECK_EQ(sf_engine_connect(eng, &p, &c), -EINPROGRESS);
	SF_CHECK(c == NULL);
	SF_CHECK_EQ(cb.nclosed, 0);
	sf_worker_poll(wk(eng));
	SF_CHECK_EQ(cb.null_closes, 1);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_UNREACH], 1);
	SF_CHECK_EQ(cb.nclosed, 1);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_connect_ring_in), 1);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_connect_no_route), 2);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	teardown(eng, avail);
}

/* 10. Parameters sf_engine_connect() refuses: -EINVAL, nothing queued. */
static void
test_bad_params(void)
{
	unsigned int avail = pool_avail(), i;
	struct sf_connect_params p, bad[20];
	struct sf_engine *eng;
	struct sf_conn *c;
	unsigned int n = 0;

	eng = setup_peer(NULL, &p, false);
	bad[n] = p;
	bad[n++].remote_port = 0;
	bad[n] = p;
	bad[n++].remote.v4 = 0;
	bad[n] = p;
	bad[n++].remote.v4 = RTE_BE32(0xe0000001);      /* 224.0.0.1 */
	bad[n] = p;
	bad[n++].remote.v4 = RTE_BE32(0xffffffff);
	bad[n] = p;
	bad[n].remote.family = AF_INET6;
	memset(bad[n++].remote.v6, 0, 16);             /* :: */
	bad[n] = p;
	bad[n].remote.family = AF_INET6;
	memcpy(bad[n].remote.v6, sf_test_peer_v6, 16);
	bad[n++].remote.v6[0] = 0xff;                  /* multicast */
	bad[n] = p;
	bad[n++].remote.family = 0;
	bad[n] = p;
	bad[n++].on_close = NULL;
	bad[n] = p;
	bad[n++].on_connected = NULL;
	bad[n] = p;
	bad[n++].wscale = 15;
	bad[n] = p;
	bad[n++].worker = 1;                           /* one worker */
	bad[n] = p;
	bad[n++].worker = -2;
	bad[n] = p;
	bad[n++].window = 0;
	bad[n] = p;
	bad[n++].mss = 50;
	bad[n] = p;
	bad[n++].syn_retries = 21;
	bad[n] = p;
	bad[n++].syn_timeout_ms = 0;
	bad[n] = p;
	bad[n++].local.family = AF_INET6;              /* not the remote's */
	for (i = 0; i < n; i++) {
		c = (struct sf_conn *)&cb;
		SF_CHECK_EQ(sf_engine_connect(eng, &bad[i], &c), -EINVAL);
		SF_CHECK(c == NULL);
		if (c != NULL)
			fprintf(stderr, "bad params %u\n", i);
	}
	SF_CHECK_EQ(sf_engine_connect(NULL, &p, &c), -EINVAL);
	SF_CHECK_EQ(sf_engine_connect(eng, NULL, &c), -EINVAL);
	/* Nothing reached the ring. */
	sf_worker_poll(wk(eng));
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_connect_ring_in), 0);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_active_opens), 0);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	SF_CHECK_EQ(cb.nclosed, 0);
	SF_CHECK_EQ(nconns(eng), 0);
	teardown(eng, avail);
}

/*
 * 11. The application gives up in SYN-SENT: sf_conn_close() and
 * sf_conn_reset() send nothing (there is nothing to reset yet), free the
 * slot and its timer at once, count connect_abandoned, and call no
 * on_close; the tuple is free (a late SYN-ACK gets CLOSED's RST).
 */
static void
test_abandon(bool v6)
{
	unsigned int avail = pool_avail(), k;
	struct sf_connect_params p;
	struct sf_test_snap snap;
	struct sf_engine *eng;
	struct act a;

	eng = setup_peer(NULL, &p, v6);
	for (k = 0; k < 2; k++) {
		if (!start(eng, &p, &a))
			break;
		sf_test_snap(eng, &snap);
		SF_CHECK_EQ(k == 0 ? sf_conn_close(a.c) : sf_conn_reset(a.c),
			0);
		SF_CHECK_MOVED(eng, &snap, SF_CNT_connect_abandoned);
		SF_CHECK_EQ(sf_test_tx_n, 0);
		SF_CHECK_EQ(nconns(eng), 0);
		SF_CHECK_EQ(cb.nclosed, 0);
		check_late_synack(eng, &a, __LINE__);
	}
	/* No SYN timer fires for them. */
	check_quiet_at(eng, T0 + 8000, 0, __LINE__);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_connect_abandoned), 2);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_connect_syn_retrans), 0);
	teardown(eng, avail);
}

/*
 * 12. From the test's main code (no worker running here) the open goes
 * over the ring: -EINPROGRESS, no handle, nothing sent until the
 * worker's poll opens it (connect_ring_in); the handshake then completes
 * as usual. And an open asked from inside a callback the worker runs
 * (on_close, from its clock) happens at once: 0, the handle, the SYN.
 */
static void
test_ring(bool v6)
{
	unsigned int avail = pool_avail();
	struct sf_connect_params p, p2;
	struct sf_test_snap snap;
	struct sf_engine *eng;
	struct sf_conn *c;
	struct act a;

	eng = sf_test_engine_tcp(NULL);
	memset(&cb, 0, sizeof(cb));
	learn_peer(eng, v6);
	params(&p, v6);
	c = (struct sf_conn *)&cb;
	sf_test_snap(eng, &snap);
	SF_CHECK_EQ(sf_engine_connect(eng, &p, &c), -EINPROGRESS);
	SF_CHECK(c == NULL);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	SF_CHECK_EQ(nconns(eng), 0);
	SF_CHECK_MOVED(eng, &snap, SF_CNT_MAX);
	/* out may be NULL. */
	SF_CHECK_EQ(sf_engine_connect(eng, &p, NULL), -EINPROGRESS);
	sf_worker_poll(wk(eng));
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_connect_ring_in), 2);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_active_opens), 2);
	SF_CHECK_EQ(sf_test_tx_n, 2);
	SF_CHECK_EQ(nconns(eng), 2);
	take_syn(&a, v6, NULL, RPORT, __LINE__);
	sf_test_tx_flush();
	if (a.lport != 0) {
		rte_pktmbuf_free(check_synack_taken(eng, &a, 0, TOF_ALL,
			a.tsval, __LINE__));
		SF_CHECK_EQ(cb.connected, 1);
		SF_CHECK(cb.c != NULL);
		SF_CHECK_EQ(cb.ci.local_port, a.lport);
		SF_CHECK_EQ(cb.ci.iss, a.iss);
	}
	SF_CHECK_EQ(cb.nclosed, 0);
	teardown(eng, avail);

	/* Inside the worker's clock: on_close opens the next at once. */
	eng = setup_peer(NULL, &p, v6);
	p.syn_retries = 1;
	p.syn_timeout_ms = 100;
	params(&p2, v6);
	p2.remote_port = RPORT + 1;
	if (!start(eng, &p, &a))
		goto out;
	cb.reopen_eng = eng;
	cb.reopen = &p2;
	cb.reopen_ret = 1;
	sf_worker_clock(wk(eng), T0 + 100);
	SF_CHECK_EQ(sf_test_tx_n, 1);       /* the SYN again */
	sf_test_tx_flush();
	sf_worker_clock(wk(eng), T0 + 300);
	SF_CHECK_EQ(cb.closes[SF_CLOSE_TIMEOUT], 1);
	SF_CHECK_EQ(cb.reopen_ret, 0);
	SF_CHECK(cb.reopen_c != NULL);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_connect_ring_in), 0);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_active_opens), 2);
	SF_CHECK_EQ(nconns(eng), 1);
	SF_CHECK_EQ(sf_test_tx_n, 1);
	if (sf_test_tx_n == 1 &&
	    take_syn(&a, v6, cb.reopen_c, RPORT + 1, __LINE__))
		SF_CHECK(cb.reopen_c != NULL && a.iss == cb.reopen_c->cn_iss);
	sf_test_tx_flush();
out:
	teardown(eng, avail);
}

/*
 * 13. A fixed local port is used as given; the same port to the same
 * server again is -EADDRINUSE (counted in connect_failed, nothing sent),
 * to another server port it is free. A local address not ours is
 * -EADDRNOTAVAIL; ours, named, is taken.
 */
static void
test_fixed_port(bool v6)
{
	unsigned int avail = pool_avail();
	struct sf_connect_params p;
	struct sf_engine *eng;
	struct sf_conn *c;
	struct act a;

	eng = setup_peer(NULL, &p, v6);
	p.local_port = 40000;
	if (!start(eng, &p, &a))
		goto out;
	SF_CHECK_EQ(a.lport, 40000);
	c = NULL;
	SF_CHECK_EQ(sf_tcp_connect(wtcp(eng), &p, &c), -EADDRINUSE);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_connect_failed), 1);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	SF_CHECK_EQ(nconns(eng), 1);
	/* Another server port: another 4-tuple. */
	p.remote_port = RPORT + 1;
	if (!start(eng, &p, &a))
		goto out;
	SF_CHECK_EQ(a.lport, 40000);
	SF_CHECK_EQ(a.syn.dport, RPORT + 1);
	/* Our own address named: taken. */
	params(&p, v6);
	p.local.family = v6 ? AF_INET6 : AF_INET;
	if (v6)
		memcpy(p.local.v6, sf_test_v6, 16);
	else
		memcpy(&p.local.v4, sf_test_v4, 4);
	if (!start(eng, &p, &a))
		goto out;
	/* Someone else's: refused. */
	if (v6)
		p.local.v6[15] = 9;
	else
		p.local.v4 = RTE_BE32(0x0a0a0009);
	SF_CHECK_EQ(sf_tcp_connect(wtcp(eng), &p, &c), -EADDRNOTAVAIL);
	SF_CHECK_EQ(sf_test_tx_n, 0);
	SF_CHECK_EQ(nconns(eng), 3);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_active_opens), 3);
out:
	teardown(eng, avail);
}

/*
 * 14. After a clean handshake (the SYN sent once, its next hop known) the
 * SYN's round trip seeds the RTT estimator (tcp_synack_rtt_meas()): 30 ms
 * here, so SRTT 30 ms and RTTVAR 15 ms, RTO 30 + max(4 * 15, 200) =
 * 230 ms rather than the 1 s of no sample. Then our close, the peer's
 * ACK and FIN: TIME-WAIT (2 s in the tests). With tw_reuse and a range of
 * one port, a new open to the same server 1.5 s later must take that
 * 4-tuple (tcp_twsk_unique(): timestamps on, the last segment a second
 * old): the old connection ends (on_close DONE), connect_tw_reused counts
 * it, and the new SYN's sequence number is the old SND.NXT + 65535 + 2,
 * past everything the old connection may still have in flight. Without
 * tw_reuse the same open finds no port (EADDRNOTAVAIL).
 */
static void
test_tw_reuse(bool v6)
{
	struct sf_engine_params ep = { .nb_workers = 1,
		.socket_id = SOCKET_ID_ANY, .max_requests = 64,
		.max_conns = 64, .local_port_lo = 40000,
		.local_port_hi = 40000, .tw_reuse = 1 };
	unsigned int avail = pool_avail(), round;
	struct sf_connect_params p;
	struct sf_engine *eng = NULL;
	struct rte_mbuf *m;
	struct sf_tcb *tb;
	struct sf_conn *old;
	uint32_t old_nxt;
	struct act a, b;

	for (round = 0; round < 2; round++) {
		ep.tw_reuse = round == 0;
		eng = setup_peer(&ep, &p, v6);
		if (!start(eng, &p, &a))
			goto out;
		SF_CHECK_EQ(a.lport, 40000);
		sf_worker_clock(wk(eng), T0 + 30);
		complete(eng, &a);
		tb = &wtcp(eng)->wt_tcb[a.c->cn_id];
		SF_CHECK(a.c->cn_flags & SF_CNF_SND);
		SF_CHECK_EQ(tb->tb_srtt, 30u << 3);
		SF_CHECK_EQ(tb->tb_rttvar, 15u << 2);
		SF_CHECK_EQ(tb->tb_rto, 230);
		/* Our FIN, the peer's ACK of it and its own FIN. */
		sf_test_tx_flush();
		SF_CHECK_EQ(sf_conn_close(a.c), 0);
		SF_CHECK_EQ(sf_test_tx_n, 1);
		old = a.c;
		old_nxt = old->cn_snd_nxt;
		SF_CHECK_EQ(old_nxt, a.iss + 2);
		sf_test_tx_flush();
		m = peer_seg(&a, F_ACK | RTE_TCP_FIN_FLAG, PEER_ISN + 1,
			old_nxt, SF_TOF_TS, a.tsval + 30, NULL, 0);
		rte_pktmbuf_free(SF_CHECK_INPUTV(eng, m, SF_VERDICT_TX,
			SF_CNT_tcp_segments, SF_CNT_tcp_replied));
		SF_CHECK_EQ(old->cn_state, SF_CS_TIME_WAIT);
		sf_worker_clock(wk(eng), T0 + 1530);
		sf_test_tx_flush();
		if (round == 1) {
			SF_CHECK_EQ(sf_tcp_connect(wtcp(eng), &p, &b.c),
				-EADDRNOTAVAIL);
			SF_CHECK_EQ(sf_test_counter(eng,
				SF_CNT_connect_no_port), 1);
			SF_CHECK_EQ(old->cn_state, SF_CS_TIME_WAIT);
			teardown(eng, avail);
			eng = NULL;
			continue;
		}
		cb.nclosed = 0;
		if (!start(eng, &p, &b))
			goto out;
		SF_CHECK_EQ(b.lport, 40000);
		SF_CHECK_EQ(b.iss, old_nxt + 65535 + 2);
		SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_connect_tw_reused), 1);
		SF_CHECK_EQ(cb.closes[SF_CLOSE_DONE], 1);
		SF_CHECK_EQ(nconns(eng), 1);
		complete(eng, &b);
		teardown(eng, avail);
		eng = NULL;
	}
out:
	if (eng != NULL)
		teardown(eng, avail);
}

/*
 * 15. Five opens at once to a next hop not yet resolved: the neighbour
 * queue keeps the newest 3 SYNs (the 2 oldest dropped:
 * neigh_queue_overflow). The answer releases those 3, which complete;
 * the 2 dropped ones go again at the open's next look (a tenth of a
 * second), as first transmissions (connect_syn_resolved, not
 * connect_syn_retrans), instead of a whole second later.
 */
static void
test_queue_overflow(bool v6)
{
	unsigned int avail = pool_avail(), i, j, done = 0;
	struct sf_connect_params p;
	struct sf_conn_info ci;
	struct sf_engine *eng;
	struct sf_conn *c[5] = { NULL };
	uint16_t lport[5];
	struct rte_mbuf *m;
	struct act a;

	eng = setup(NULL);
	params(&p, v6);
	for (i = 0; i < 5; i++) {
		SF_CHECK_EQ(sf_tcp_connect(wtcp(eng), &p, &c[i]), 0);
		if (c[i] == NULL)
			goto out;
		sf_conn_get_info(c[i], &ci);
		lport[i] = ci.local_port;
	}
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_neigh_queued), 5);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_neigh_queue_overflow), 2);
	sf_test_tx_flush();
	sf_worker_clock(wk(eng), T0 + 50);
	m = peer_neigh_answer(v6);
	SF_CHECK_EQ(sf_test_input(eng, m), SF_VERDICT_DROP);
	rte_pktmbuf_free(m);
	/* Two rounds: the 3 the queue kept, then the 2 sent at the look. */
	for (j = 0; j < 2; j++) {
		unsigned int n = sf_test_tx_n;
		struct rte_mbuf *syns[SF_TEST_TX_MAX];

		SF_CHECK_EQ(n, j == 0 ? 3 : 2);
		memcpy(syns, sf_test_tx, n * sizeof(syns[0]));
		sf_test_tx_n = 0;
		for (i = 0; i < n; i++) {
			struct sf_test_seg r;
			unsigned int k;

			if (!SF_TEST_TCP_PARSE(syns[i], &r))
				continue;
			for (k = 0; k < 5 && lport[k] != r.sport; k++)
				;
			/* The kept ones are the newest: 2, 3, 4. */
			SF_CHECK(k < 5 && (j == 0 ? k >= 2 : k < 2));
			if (k == 5)
				continue;
			memset(&a, 0, sizeof(a));
			a.v6 = v6;
			a.c = c[k];
			a.lport = r.sport;
			a.iss = r.seq;
			a.tsval = r.opts.to_tsval;
			SF_CHECK_EQ(a.iss, c[k]->cn_iss);
			complete(eng, &a);
			done++;
		}
		for (i = 0; i < n; i++)
			rte_pktmbuf_free(syns[i]);
		if (j == 0) {
			SF_CHECK_EQ(sf_test_counter(eng,
				SF_CNT_connect_syn_resolved), 0);
			sf_worker_clock(wk(eng), T0 + 50 + SF_SYN_NWAIT_LOOK_MS +
				SF_NEIGH_SCAN_MS);
		}
	}
	SF_CHECK_EQ(done, 5);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_connect_syn_resolved), 2);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_connect_syn_retrans), 0);
	SF_CHECK_EQ(sf_test_counter(eng, SF_CNT_connect_established), 5);
out:
	sf_test_tx_flush();
	teardown(eng, avail);
}

int
main(int argc, char **argv)
{
	unsigned int v;

	sf_test_init(argc, argv);
	for (v = 0; v < 2; v++) {
		bool v6 = v == 1;

		test_syn_format(v6);
		test_established(v6);
		test_bad_ack(v6);
		test_refused(v6);
		test_drops(v6);
		test_paws(v6);
		test_syn_rexmt(v6);
		test_unreach(v6, 100);
		test_unreach(v6, 10);
		test_resolved_late(v6);
		test_no_route(v6);
		test_abandon(v6);
		test_ring(v6);
		test_fixed_port(v6);
		test_tw_reuse(v6);
		test_queue_overflow(v6);
	}
	test_bad_params();
	return sf_test_done("test_connect");
}
