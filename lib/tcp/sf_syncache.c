/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * The SYN queue: half-open requests in SYN-RECEIVED, one table per worker
 * lcore, shaped after FreeBSD's tcp_syncache.c and behaving as Linux's
 * request sockets do. Entry points, one per event:
 *
 *   sf_syncache_add()    a SYN reached a listener   (tcp_conn_request)
 *   sf_syncache_input()  a segment for a request    (tcp_check_req)
 *   sf_syncache_timer()  a request's timer fired    (reqsk_timer_handler)
 *   sf_syncache_cookie_ack()  an ACK reached a listener (cookie_v4_check)
 *
 * SYN cookies (sf_cookie.c) stand in for a request when the listener's
 * SYN queue or the lcore's request table is full (mode 1) or always
 * (mode 2): the SYN-ACK carries what the request would have held, and
 * the third ACK that returns it is checked and goes the way of a
 * request's third ACK (sf_third_ack()).
 *
 * Requests live in an array indexed by the request table's key position
 * and carry no pointers; their timer is the worker's timer wheel, id =
 * slot. The listener's SYN queue length (syn_backlog) counts requests of
 * all lcores, as Linux counts them per listener.
 */

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_malloc.h>

#include "sf_tcp_pvt.h"

/* Constants, with the reasoning behind each. */

/*
 * ACKs whose cookie failed draw a RST (RFC 9293 3.10.7.2), at most a
 * burst of this many and then one per ms per lcore: an ACK flood at a
 * listener is not turned into a RST flood of the same rate.
 */
#define SF_COOKIE_RST_BURST 64

static inline struct sf_req *
sf_req(struct sf_wtcp *wt, uint32_t id)
{
	return &wt->wt_req[id];
}

int
sf_syncache_init(struct sf_wtcp *wt)
{
	struct sf_etcp *et = wt->wt_et;
	int ret;

	ret = sf_ftab_init(&wt->wt_reqtab, et->et_max_requests,
			wt->wt_net.nt_socket);
	if (ret != 0)
		return ret;
	wt->wt_req = rte_zmalloc_socket("sf_req",
			sizeof(struct sf_req) * wt->wt_reqtab.ft_cap,
			RTE_CACHE_LINE_SIZE, wt->wt_net.nt_socket);
	wt->wt_proven = rte_zmalloc_socket("sf_proven",
			sizeof(uint32_t) * SF_PROVEN_SLOTS,
			RTE_CACHE_LINE_SIZE, wt->wt_net.nt_socket);
	if (wt->wt_req == NULL || wt->wt_proven == NULL) {
		rte_free(wt->wt_req);
		rte_free(wt->wt_proven);
		wt->wt_req = NULL;
		wt->wt_proven = NULL;
		sf_ftab_fini(&wt->wt_reqtab);
		return -ENOMEM;
	}
	sf_cookie_keys_init(&wt->wt_ck, &et->et_cookie, et->et_wall_ms());
	sf_syncache_clock(wt);
	wt->wt_ck_rst_tokens = SF_COOKIE_RST_BURST;
	wt->wt_ck_rst_tick = wt->wt_net.nt_now;
	return 0;
}

/*
 * The worker's clock reached wt_ck_next: move the cookie keys to the
 * current period of the wall clock (or into the skew window before the
 * next one). Runs at least once a second.
 */
void
sf_syncache_clock(struct sf_wtcp *wt)
{

	wt->wt_ck_next = wt->wt_net.nt_now + sf_cookie_keys_update(&wt->wt_ck,
		wt->wt_et->et_wall_ms());
}

/*
 * Proven peers (mode 0): addresses that completed a handshake on this
 * lcore, as keyed 32-bit tags in a direct-mapped table. A collision only
 * forgets a peer; a spoofed address passes for proven with probability
 * 2^-31 per try, since the tags are keyed.
 */
static uint64_t
sf_peer_hash(const struct sf_wtcp *wt, const struct sf_flow_key *k)
{
	return sf_siphash(&wt->wt_et->et_peer_key, k->fk_raddr,
		k->fk_family == AF_INET ? 4 : 16);
}

static void
sf_peer_prove(struct sf_wtcp *wt, const struct sf_flow_key *k)
{
	uint64_t h = sf_peer_hash(wt, k);

	wt->wt_proven[h & (SF_PROVEN_SLOTS - 1)] =
		(uint32_t)(h >> 32) | 1;
}

static bool
sf_peer_proven(struct sf_wtcp *wt, const struct sf_flow_key *k)
{
	uint64_t h = sf_peer_hash(wt, k);

	return wt->wt_proven[h & (SF_PROVEN_SLOTS - 1)] ==
		((uint32_t)(h >> 32) | 1);
}

void
sf_syncache_fini(struct sf_wtcp *wt)
{
	struct sf_etcp *et = wt->wt_et;
	uint32_t i;

	if (wt->wt_req == NULL)
		return;
	/* Give the listeners their SYN queue places back. */
	for (i = 0; i < wt->wt_reqtab.ft_cap; i++)
		if (wt->wt_req[i].rq_used)
			__atomic_fetch_sub(&et->et_listeners[
				wt->wt_req[i].rq_listener].ls_synq, 1,
				__ATOMIC_RELAXED);
	rte_free(wt->wt_req);
	rte_free(wt->wt_proven);
	wt->wt_req = NULL;
	wt->wt_proven = NULL;
	sf_ftab_fini(&wt->wt_reqtab);
}

/*
 * A SYN-ACK of listener ls: our ISN iss, the peer's irs, what the SYN
 * negotiated (ng) and, with timestamps, our TSval and TSecr: its header
 * fields in o, its options in *tp (built where the segment is written:
 * sf_tcp_reply_synack(), or sf_req_synack_opts() into o). A request's
 * (sf_req_synack()) or a cookie's, which keeps no request.
 */
static __rte_always_inline void
sf_synack_out(const struct sf_port *pt, const struct sf_listener *ls,
		uint32_t iss, uint32_t irs, const struct sf_tcp_neg *ng,
		uint32_t tsval, uint32_t tsecr, uint8_t family,
		struct sf_tcp_out *o, struct sf_tcp_opts *tp)
{
	struct sf_tcp_opts to = { 0 };

	sf_tcp_out_clear(o);
	o->seq = iss;
	o->ack = irs + 1;
	o->flags = SF_TH_SYN | SF_TH_ACK;
	/* RFC 3168 6.1.1: a SYN-ACK answers ECN setup with ECE alone. */
	if (ng->ng_flags & SF_CONN_F_ECN)
		o->flags |= SF_TH_ECE;
	/* RFC 7323 2.2: the window of a SYN-ACK is never scaled. */
	o->win = ls->ls_p.window;
	/*
	 * Linux always sends its MSS, offered or not; the others as
	 * negotiated (option flags are the negotiated flags' values).
	 */
	to.to_flags = SF_TOF_MSS | (ng->ng_flags &
		(SF_TOF_WSCALE | SF_TOF_SACKPERM | SF_TOF_TS));
	to.to_mss = sf_tcp_our_mss(pt, ls, family);
	to.to_wscale = ng->ng_rcv_wscale;
	if (to.to_flags & SF_TOF_TS) {
		to.to_tsval = tsval;
		to.to_tsecr = tsecr;
	}
	*tp = to;
}

/* The SYN-ACK of a request, first or retransmitted (sf_synack_out()). */
static __rte_always_inline void
sf_req_synack(struct sf_wtcp *wt, const struct sf_port *pt,
		const struct sf_req *rq, uint8_t family, struct sf_tcp_out *o,
		struct sf_tcp_opts *tp)
{
	sf_synack_out(pt, &wt->wt_et->et_listeners[rq->rq_listener],
		rq->rq_iss, rq->rq_irs, &rq->rq_neg,
		wt->wt_net.nt_now + rq->rq_tsoff, rq->rq_ts_recent, family, o,
		tp);
}

/* The SYN-ACK of a request, its options built into o (a new segment). */
static void
sf_req_synack_opts(struct sf_wtcp *wt, const struct sf_port *pt,
		const struct sf_req *rq, uint8_t family, struct sf_tcp_out *o)
{
	struct sf_tcp_opts to;

	sf_req_synack(wt, pt, rq, family, o, &to);
	o->optlen = (uint8_t)sf_tcp_opts_build_synack(o->opt, &to);
}

/* The bare ACK tcp_v4_reqsk_send_ack() sends for an out-of-window segment. */
static void
sf_req_ack(struct sf_wtcp *wt, const struct sf_req *rq,
		struct sf_tcp_out *o)
{
	const struct sf_listener *ls =
		&wt->wt_et->et_listeners[rq->rq_listener];

	sf_tcp_out_clear(o);
	o->seq = rq->rq_iss + 1;
	o->ack = rq->rq_irs + 1;
	o->flags = SF_TH_ACK;
	o->win = (uint16_t)(ls->ls_p.window >> rq->rq_neg.ng_rcv_wscale);
	if (rq->rq_neg.ng_flags & SF_CONN_F_TS)
		o->optlen = sf_tcp_ts_opt(o->opt, wt->wt_net.nt_now +
				rq->rq_tsoff, rq->rq_ts_recent);
}

static void
sf_req_free(struct sf_wtcp *wt, uint32_t id)
{
	struct sf_req *rq = sf_req(wt, id);

	sf_twheel_cancel(&wt->wt_tw, id);
	__atomic_fetch_sub(&wt->wt_et->et_listeners[
		rq->rq_listener].ls_synq, 1, __ATOMIC_RELAXED);
	sf_ftab_del(&wt->wt_reqtab, id);
	rq->rq_used = 0;
}

/* The SYN-ACK timeout after n retransmissions: 1 s, 2 s, 4 s ... */
static uint32_t
sf_req_rto(const struct sf_listener *ls, unsigned int n)
{
	return sf_tcp_backoff(ls->ls_p.synack_timeout_ms, n);
}

/*
 * Take one of cap places counted in *q, in one atomic step, so that two
 * lcores cannot both take the last one and no reader (telemetry) ever
 * sees *q above cap. *before is the count found.
 */
static bool
sf_take_place(uint32_t *q, uint32_t cap, uint32_t *before)
{
	uint32_t v = __atomic_load_n(q, __ATOMIC_RELAXED);

	do {
		*before = v;
		if (v >= cap)
			return false;
	} while (!__atomic_compare_exchange_n(q, &v, v + 1, true,
			__ATOMIC_RELAXED, __ATOMIC_RELAXED));
	return true;
}

/*
 * sk_acceptq_is_full(): the accept queue holds backlog + 1. When it is
 * full, count an overflow and a drop, as Linux does for SYNs
 * (tcp_conn_request()) and third ACKs (tcp_v4_syn_recv_sock()) alike.
 * With reserve, a place is taken in the same atomic step (the third ACK
 * of a listener whose connections will wait in the queue), so two lcores
 * cannot both take the last one; sf_conn_enqueue() then uses it.
 */
static __rte_always_inline bool
sf_listen_overflow(struct sf_wtcp *wt, struct sf_listener *ls, bool reserve)
{
	uint32_t q;

	if (reserve) {
		if (sf_take_place(&ls->ls_acceptq, ls->ls_p.backlog + 1, &q))
			return false;
	} else {
		q = __atomic_load_n(&ls->ls_acceptq, __ATOMIC_RELAXED);
		if (q <= ls->ls_p.backlog)
			return false;
	}
	sf_count(&wt->wt_net, SF_CNT_listen_overflows);
	sf_count(&wt->wt_net, SF_CNT_listen_drops);
	sf_lcount(wt, ls->ls_id, SF_LCNT_listen_overflows);
	sf_lcount(wt, ls->ls_id, SF_LCNT_listen_drops);
	return true;
}

/*
 * What the SYN s negotiates with listener ls (tcp_openreq_init()): the
 * peer's MSS and options, granted as far as the listener allows.
 */
static __rte_always_inline void
sf_neg_from_syn(const struct sf_listener *ls, const struct sf_seg *s,
		struct sf_tcp_neg *ng)
{
	const struct sf_tcp_opts *to = &s->sg_opts;

	/* An MSS of 0 means none, as tcp_parse_options() reads it. */
	ng->ng_mss = (to->to_flags & SF_TOF_MSS) && to->to_mss != 0 ?
		to->to_mss :
		s->sg_key.fk_family == AF_INET ? SF_MSS_DEFAULT_V4 :
		SF_MSS_DEFAULT_V6;
	/* RFC 7323 2.2: both sides scale only when both sent the option. */
	if (to->to_flags & SF_TOF_WSCALE) {
		ng->ng_snd_wscale = to->to_wscale;
		ng->ng_rcv_wscale = ls->ls_p.wscale;
	} else {
		ng->ng_snd_wscale = 0;
		ng->ng_rcv_wscale = 0;
	}
	/* Option flags are the negotiated flags' values (sf_tcp_opt.h). */
	ng->ng_flags = to->to_flags & (SF_TOF_WSCALE |
		(ls->ls_p.sack ? SF_TOF_SACKPERM : 0) |
		(ls->ls_p.timestamps ? SF_TOF_TS : 0));
	/*
	 * RFC 3168 6.1.1: "an ECN-setup SYN packet" has ECE and CWR set;
	 * Linux's tcp_ecn=2 answers it (never asks itself). A SYN that is
	 * itself ECT-marked breaks "a host MUST NOT set ECT on SYN": some
	 * middlebox rewrote it, so ECN is not negotiated, as in Linux's
	 * tcp_ecn_create_request().
	 */
	if ((s->sg_flags & (SF_TH_ECE | SF_TH_CWR)) ==
	    (SF_TH_ECE | SF_TH_CWR) && ls->ls_p.ecn && !s->sg_ect)
		ng->ng_flags |= SF_CONN_F_ECN;
}

/* A request as the SYN s asks for it: the peer's ISN, sf_neg_from_syn(). */
static __rte_always_inline void
sf_req_from_syn(struct sf_wtcp *wt, const struct sf_listener *ls,
		const struct sf_seg *s, struct sf_req *rq)
{
	memset(rq, 0, sizeof(*rq));
	rq->rq_listener = ls->ls_id;
	rq->rq_port = s->sg_port;
	rq->rq_irs = s->sg_seq;
	rq->rq_start = wt->wt_net.nt_now;
	sf_neg_from_syn(ls, s, &rq->rq_neg);
	if (rq->rq_neg.ng_flags & SF_CONN_F_TS)
		rq->rq_ts_recent = s->sg_opts.to_tsval;
}

/*
 * Did this lcore send a cookie for ls in the last SF_COOKIE_RECENT_MS?
 * Linux's tcp_synq_no_recent_overflow(), asked in every mode: with
 * syncookies = 2 too, a listener that sent no cookie lately has none to
 * validate, and an ACK flood at it must not cost a MAC each.
 */
static inline bool
sf_cookies_recent(const struct sf_wtcp *wt, const struct sf_listener *ls)
{
	return wt->wt_ck_sent[ls->ls_id] &&
		wt->wt_net.nt_now - wt->wt_ck_last[ls->ls_id] < SF_COOKIE_RECENT_MS;
}

/*
 * tcp_conn_request() with want_cookie: the SYN-ACK carries the request
 * in its ISN (and TSval, with timestamps), nothing is kept, and nothing
 * retransmits it: a client whose SYN-ACK is lost sends its SYN again.
 */
static enum sf_verdict
sf_syncache_cookie(struct sf_wtcp *wt, const struct sf_port *pt,
		struct sf_listener *ls, struct sf_seg *s)
{
	struct sf_tcp_opts to;
	struct sf_tcp_out o;
	struct sf_tcp_neg ng;
	enum sf_verdict v;
	uint32_t tsval = wt->wt_net.nt_now, iss;

	/* One MAC (one AES block, IPv4): the cookie and the TSval offset. */
	sf_neg_from_syn(ls, s, &ng);
	iss = sf_cookie_make(&wt->wt_ck, &s->sg_key, s->sg_seq, &ng, &tsval);
	/* Linux's "Possible SYN flooding on port": once per episode. */
	if (ls->ls_p.syncookies == 1 && !sf_cookies_recent(wt, ls))
		SF_TCP_LOG(NOTICE, "lcore %u: listener %u (port %u): "
			"SYN queue full, sending cookies", rte_lcore_id(),
			ls->ls_id, ls->ls_p.port);
	/* Telemetry reads these (cookie_lcores): relaxed stores. */
	__atomic_store_n(&wt->wt_ck_last[ls->ls_id], wt->wt_net.nt_now,
		__ATOMIC_RELAXED);
	__atomic_store_n(&wt->wt_ck_sent[ls->ls_id], 1, __ATOMIC_RELAXED);
	sf_count(&wt->wt_net, SF_CNT_syncookies_sent);
	sf_lcount(wt, ls->ls_id, SF_LCNT_syncookies_sent);
	sf_synack_out(pt, ls, iss, s->sg_seq, &ng, tsval, s->sg_opts.to_tsval,
		s->sg_key.fk_family, &o, &to);
	v = sf_tcp_reply_synack(wt, pt, s, &o, &to);
	if (v == SF_VERDICT_TX)
		sf_count(&wt->wt_net, SF_CNT_synack_sent);
	return v;
}

/*
 * Where Linux's tcp_conn_request() decides want_cookie: the SYN queue of
 * the listener is full, or this lcore has no request slot left. With
 * cookies the SYN is answered all the same; without, it is dropped.
 */
static enum sf_verdict
sf_syncache_full(struct sf_wtcp *wt, const struct sf_port *pt,
		struct sf_listener *ls, struct sf_seg *s, enum sf_counter why)
{
	if (ls->ls_p.syncookies != 0) {
		sf_count(&wt->wt_net, SF_CNT_reqq_full_do_cookies);
		sf_lcount(wt, ls->ls_id, SF_LCNT_reqq_full_do_cookies);
		return sf_syncache_cookie(wt, pt, ls, s);
	}
	sf_count(&wt->wt_net, SF_CNT_reqq_full_drop);
	sf_count(&wt->wt_net, SF_CNT_listen_drops);
	sf_lcount(wt, ls->ls_id, SF_LCNT_reqq_full_drop);
	sf_lcount(wt, ls->ls_id, SF_LCNT_listen_drops);
	return sf_drop(&wt->wt_net, why);
}

/* Raise the listener's SYN-queue high-water mark to q. */
static void
sf_synq_max(struct sf_listener *ls, uint32_t q)
{
	uint32_t m = __atomic_load_n(&ls->ls_synq_max, __ATOMIC_RELAXED);

	while (q > m && !__atomic_compare_exchange_n(&ls->ls_synq_max, &m, q,
			true, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

enum sf_verdict
sf_syncache_add(struct sf_wtcp *wt, const struct sf_port *pt,
		struct sf_listener *ls, struct sf_seg *s)
{
	struct sf_etcp *et = wt->wt_et;
	uint32_t q, room;
	struct sf_tcp_opts to;
	struct sf_tcp_out o;
	uint64_t f;
	struct sf_req *rq;
	int32_t pos;

	/* No cookie helps: the connection could not be queued anyway. */
	if (sf_listen_overflow(wt, ls, false))
		return sf_drop(&wt->wt_net, SF_CNT_drop_tcp_syn_overflow);
	if (ls->ls_p.syncookies == 2)
		return sf_syncache_cookie(wt, pt, ls, s);
	/*
	 * Take a place in the listener's SYN queue first (a load-then-add
	 * would let two lcores both take the last place: a flood test saw
	 * syn_backlog + 1 requests; an add-then-undo let telemetry see it).
	 */
	if (!sf_take_place(&ls->ls_synq, ls->ls_p.syn_backlog, &q))
		return sf_syncache_full(wt, pt, ls, s,
			SF_CNT_drop_tcp_reqq_full);
	/*
	 * Without cookies, Linux keeps the last quarter of the SYN queue for
	 * peers that completed a handshake before ("destinations, proven to
	 * be alive"), so a flood does not lock known clients out. Its test,
	 * free places (before this SYN) < syn_backlog / 4, reserves one place
	 * less than a quarter; kept as is.
	 */
	room = ls->ls_p.syn_backlog - q;
	if (ls->ls_p.syncookies == 0 && room < (ls->ls_p.syn_backlog >> 2) &&
	    !sf_peer_proven(wt, &s->sg_key)) {
		__atomic_fetch_sub(&ls->ls_synq, 1, __ATOMIC_RELAXED);
		sf_count(&wt->wt_net, SF_CNT_listen_drops);
		sf_lcount(wt, ls->ls_id, SF_LCNT_listen_drops);
		return sf_drop(&wt->wt_net, SF_CNT_drop_tcp_syn_unproven);
	}
	pos = sf_ftab_add(&wt->wt_reqtab, &s->sg_key, s->sg_hash);
	if (pos < 0) {
		__atomic_fetch_sub(&ls->ls_synq, 1, __ATOMIC_RELAXED);
		return sf_syncache_full(wt, pt, ls, s,
			SF_CNT_drop_tcp_req_pool_full);
	}
	sf_synq_max(ls, q + 1);

	rq = sf_req(wt, (uint32_t)pos);
	sf_req_from_syn(wt, ls, s, rq);
	rq->rq_used = 1;
	f = sf_flow_prf_mid(&et->et_isn_key, &wt->wt_isn_mid, &s->sg_key);
	rq->rq_iss = sf_isn_clock(wt) + (uint32_t)f;
	/* Linux answers the first duplicate SYN at once. */
	rq->rq_last_tx = wt->wt_net.nt_now - SF_OOW_RATELIMIT_MS;
	if (rq->rq_neg.ng_flags & SF_CONN_F_TS)
		rq->rq_tsoff = sf_ts_offset(f);
	sf_l2peer_from_frame(s->sg_m, s->sg_p, &rq->rq_l2);
	sf_twheel_arm(&wt->wt_tw, (uint32_t)pos,
		wt->wt_net.nt_now + sf_req_rto(ls, 0));

	sf_req_synack(wt, pt, rq, s->sg_key.fk_family, &o, &to);
	sf_count(&wt->wt_net, SF_CNT_syn_recv);
	sf_lcount(wt, ls->ls_id, SF_LCNT_syn_recv);
	/* Back where the SYN came from: rq_l2, kept for the retransmits. */
	if (sf_tcp_reply_synack(wt, pt, s, &o, &to) != SF_VERDICT_TX)
		return SF_VERDICT_DROP;  /* counted; the timer resends */
	sf_count(&wt->wt_net, SF_CNT_synack_sent);
	return SF_VERDICT_TX;
}

/* How a third ACK that passed its checks ended (sf_third_ack()). */
enum sf_third_ack {
	SF_TA_DONE,    /* the connection exists: the request is spent */
	SF_TA_KEEP,    /* deferred or no room: the request stays, acked */
	SF_TA_ABORT,   /* no room and abort_on_overflow: reset */
};

/*
 * The end of a handshake, for a request's third ACK and a cookie's
 * alike (tcp_check_req() from "child = syn_recv_sock()" on): defer
 * accept, the accept queue, then the connection and on_accept.
 */
static __rte_always_inline enum sf_verdict
sf_third_ack(struct sf_wtcp *wt, const struct sf_port *pt,
		struct sf_listener *ls, const struct sf_req *rq,
		struct sf_seg *s, enum sf_third_ack *ta)
{
	enum sf_verdict v;
	bool queued;

	*ta = SF_TA_KEEP;
	/*
	 * TCP_DEFER_ACCEPT: a bare ACK (no data, no FIN) does not complete
	 * the handshake until the defer time has passed; the request waits
	 * for data, and the SYN-ACK retransmitted after the defer time
	 * draws a fresh ACK. A cookie has no retransmission: its bare ACK
	 * is dropped and the client's first data, which carries the same
	 * cookie, completes the handshake.
	 */
	if (ls->ls_p.defer_accept != 0 && s->sg_seglen == 0 &&
	    wt->wt_net.nt_now - rq->rq_start < ls->ls_p.defer_accept * 1000u) {
		sf_count(&wt->wt_net, SF_CNT_defer_accept_drops);
		sf_lcount(wt, ls->ls_id, SF_LCNT_defer_accept_drops);
		return sf_drop(&wt->wt_net, SF_CNT_drop_tcp_deferred);
	}

	/*
	 * The accept queue is full: Linux's tcp_v4_syn_recv_sock() fails
	 * with an overflow and a drop; tcp_check_req() then keeps the
	 * request (marked acked, so the SYN-ACK retransmission draws
	 * another ACK later) or, with tcp_abort_on_overflow, resets it.
	 */
	/*
	 * Connections that wait (no on_accept, no proxy) or travel to an
	 * application context hold a place until accepted; inline accepts
	 * and a proxy's take none.
	 */
	queued = ls->ls_p.on_accept == NULL ? !ls->ls_p.proxy :
		wt->wt_conn_ops->co_deferred;
	if (sf_listen_overflow(wt, ls, queued)) {
		if (ls->ls_p.abort_on_overflow) {
			*ta = SF_TA_ABORT;
			return SF_VERDICT_DROP;
		}
		return sf_drop(&wt->wt_net, SF_CNT_drop_tcp_ack_overflow);
	}

	v = sf_conn_establish(wt, pt, rq, s);
	if (v == SF_VERDICT_DROP) {
		if (queued)
			__atomic_fetch_sub(&ls->ls_acceptq, 1,
				__ATOMIC_RELAXED);
		/* No connection slot on this lcore: like an overflow. */
		sf_count(&wt->wt_net, SF_CNT_listen_drops);
		sf_lcount(wt, ls->ls_id, SF_LCNT_listen_drops);
		return v;
	}
	*ta = SF_TA_DONE;
	if (ls->ls_p.syncookies == 0)
		sf_peer_prove(wt, &s->sg_key);
	return v;
}

/*
 * Failed cookies are answered like any ACK to a listener, with a RST
 * <SEQ=SEG.ACK>, within SF_COOKIE_RST_BURST plus one per ms.
 */
static enum sf_verdict
sf_cookie_rst(struct sf_wtcp *wt, const struct sf_port *pt,
		struct sf_seg *s)
{
	uint32_t el = wt->wt_net.nt_now - wt->wt_ck_rst_tick;

	if (el != 0) {
		wt->wt_ck_rst_tokens = el >= SF_COOKIE_RST_BURST ?
			SF_COOKIE_RST_BURST :
			RTE_MIN(wt->wt_ck_rst_tokens + el,
				(uint32_t)SF_COOKIE_RST_BURST);
		wt->wt_ck_rst_tick = wt->wt_net.nt_now;
	}
	if (wt->wt_ck_rst_tokens == 0)
		return sf_drop(&wt->wt_net, SF_CNT_drop_tcp_cookie_rst_limited);
	wt->wt_ck_rst_tokens--;
	return sf_tcp_reply_rst(wt, pt, s);
}

/*
 * An ACK (no SYN, no RST) reached a listener: no request knows its
 * 4-tuple. While this lcore sent cookies for the listener lately (Linux:
 * tcp_synq_no_recent_overflow(), in every mode), it may be the
 * third ACK of a cookie: SEG.ACK - 1 is the cookie, SEG.SEQ - 1 the
 * client ISN (so SEG.SEQ must be the ISN + 1, or the MAC fails). A
 * valid cookie rebuilds the request and ends as its third ACK would.
 */
enum sf_verdict
sf_syncache_cookie_ack(struct sf_wtcp *wt, const struct sf_port *pt,
		struct sf_listener *ls, struct sf_seg *s)
{
	const struct sf_tcp_opts *to = &s->sg_opts;
	bool ts = (to->to_flags & SF_TOF_TS) && ls->ls_p.timestamps;
	enum sf_third_ack ta;
	struct sf_tcp_neg ng;
	enum sf_verdict v;
	struct sf_req rq;

	if (!sf_cookies_recent(wt, ls))
		return sf_tcp_reply_rst(wt, pt, s);
	if (sf_cookie_check(&wt->wt_ck, &s->sg_key, s->sg_seq - 1,
			s->sg_ack - 1, ts, to->to_tsecr, &ng) != 0) {
		sf_count(&wt->wt_net, SF_CNT_syncookies_failed);
		sf_lcount(wt, ls->ls_id, SF_LCNT_syncookies_failed);
		return sf_cookie_rst(wt, pt, s);
	}
	sf_count(&wt->wt_net, SF_CNT_syncookies_recv);
	sf_lcount(wt, ls->ls_id, SF_LCNT_syncookies_recv);

	memset(&rq, 0, sizeof(rq));
	rq.rq_listener = ls->ls_id;
	rq.rq_port = s->sg_port;
	rq.rq_irs = s->sg_seq - 1;
	rq.rq_iss = s->sg_ack - 1;
	rq.rq_start = wt->wt_net.nt_now;
	rq.rq_neg = ng;
	if (ng.ng_flags & SF_CONN_F_WSCALE)
		rq.rq_neg.ng_rcv_wscale = ls->ls_p.wscale;
	if (ng.ng_flags & SF_CONN_F_TS) {
		rq.rq_ts_recent = to->to_tsval;
		/*
		 * Our TSvals continue from the one the cookie carried (the
		 * TSecr), so they only grow for the peer even when another
		 * node sharing the secret sent the SYN-ACK.
		 */
		rq.rq_tsoff = to->to_tsecr - wt->wt_net.nt_now;
	}
	sf_l2peer_from_frame(s->sg_m, s->sg_p, &rq.rq_l2);
	v = sf_third_ack(wt, pt, ls, &rq, s, &ta);
	if (ta == SF_TA_ABORT)
		return sf_tcp_reply_rst(wt, pt, s);
	return v;
}

/*
 * tcp_req_err() (FreeBSD's syncache_unreach()): an ICMP error quoting our
 * SYN-ACK. Only one that quotes the request's own ISS can be about it
 * (RFC 5927 4.1: the quoted sequence number is the check a blind
 * attacker must pass); a hard error then ends the request, counted as a
 * listen drop as Linux counts it. A soft error leaves it to the SYN-ACK
 * retransmissions, as Linux does.
 */
enum sf_verdict
sf_syncache_unreach(struct sf_wtcp *wt, uint32_t id, uint32_t seq,
		bool hard)
{
	struct sf_req *rq = sf_req(wt, id);
	uint16_t ls = rq->rq_listener;

	if (seq != rq->rq_iss)
		return sf_drop(&wt->wt_net, SF_CNT_drop_icmp_err_oow);
	if (!hard)
		return sf_drop(&wt->wt_net, SF_CNT_drop_icmp_err_soft);
	sf_req_free(wt, id);
	sf_count(&wt->wt_net, SF_CNT_listen_drops);
	sf_lcount(wt, ls, SF_LCNT_listen_drops);
	sf_count(&wt->wt_net, SF_CNT_icmp_err_req_drops);
	return SF_VERDICT_DONE;
}

/* tcp_in_window(): does [seq, end) overlap the window [s, e)? */
static bool
sf_in_window(uint32_t seq, uint32_t end, uint32_t s, uint32_t e)
{
	if (seq == s)
		return true;
	if (SF_SEQ_GT(end, s) && SF_SEQ_LT(seq, e))
		return true;
	return seq == e && seq == end;
}

/* The embryonic reset: a RST (or in-window SYN) ends the request. */
static enum sf_verdict
sf_req_reset(struct sf_wtcp *wt, const struct sf_port *pt, uint32_t id,
		struct sf_seg *s)
{
	struct sf_req *rq = sf_req(wt, id);

	sf_count(&wt->wt_net, SF_CNT_embryonic_rsts);
	sf_lcount(wt, rq->rq_listener, SF_LCNT_embryonic_rsts);
	sf_req_free(wt, id);
	if (s->sg_flags & SF_TH_RST)
		return SF_VERDICT_DONE;
	return sf_tcp_reply_rst(wt, pt, s);
}

/*
 * A retransmitted SYN for request id: its SYN-ACK again, at most once per
 * SF_OOW_RATELIMIT_MS, with the timer restarted at the current backoff
 * (tcp_check_req()'s inet_rtx_syn_ack()).
 */
static enum sf_verdict
sf_req_dup_syn(struct sf_wtcp *wt, const struct sf_port *pt, uint32_t id,
		struct sf_seg *s)
{
	struct sf_req *rq = sf_req(wt, id);
	const struct sf_listener *ls =
		&wt->wt_et->et_listeners[rq->rq_listener];
	struct sf_tcp_opts to;
	struct sf_tcp_out o;
	enum sf_verdict v;

	if (wt->wt_net.nt_now - rq->rq_last_tx < SF_OOW_RATELIMIT_MS)
		return sf_drop(&wt->wt_net, SF_CNT_drop_tcp_dup_syn_limited);
	rq->rq_last_tx = wt->wt_net.nt_now;
	sf_twheel_arm(&wt->wt_tw, id,
		wt->wt_net.nt_now + sf_req_rto(ls, rq->rq_retrans));
	sf_req_synack(wt, pt, rq, s->sg_key.fk_family, &o, &to);
	v = sf_tcp_reply_synack(wt, pt, s, &o, &to);
	if (v == SF_VERDICT_TX) {
		sf_count(&wt->wt_net, SF_CNT_synack_sent);
		sf_count(&wt->wt_net, SF_CNT_synack_retrans);
	}
	return v;
}

/* The third ACK's outcome for its request: kept, reset or freed. */
static enum sf_verdict
sf_req_third_ack(struct sf_wtcp *wt, const struct sf_port *pt,
		struct sf_listener *ls, uint32_t id, struct sf_seg *s)
{
	struct sf_req *rq = sf_req(wt, id);
	enum sf_third_ack ta;
	enum sf_verdict v;

	v = sf_third_ack(wt, pt, ls, rq, s, &ta);
	switch (ta) {
	case SF_TA_KEEP:
		rq->rq_flags |= SF_RQF_ACKED;
		return v;
	case SF_TA_ABORT:
		return sf_req_reset(wt, pt, id, s);
	default:
		sf_req_free(wt, id);
		return v;
	}
}

/*
 * A segment for a request in SYN-RECEIVED: tcp_check_req(), rule by rule.
 */
enum sf_verdict
sf_syncache_input(struct sf_wtcp *wt, const struct sf_port *pt,
		uint32_t id, struct sf_seg *s)
{
	struct sf_req *rq = sf_req(wt, id);
	struct sf_listener *ls =
		&wt->wt_et->et_listeners[rq->rq_listener];
	const struct sf_tcp_opts *to = &s->sg_opts;
	uint8_t flg = s->sg_flags & (SF_TH_URG | SF_TH_ACK | SF_TH_PSH |
			SF_TH_RST | SF_TH_SYN | SF_TH_FIN);
	uint32_t rcv_nxt = rq->rq_irs + 1;
	bool paws_reject = false, ts = false;
	struct sf_tcp_out o;

	/*
	 * PAWS (RFC 7323 5.3) against the TSval of the SYN: an older TSval
	 * is a segment from an earlier life of the 4-tuple. A ts_recent of
	 * zero proves nothing (some stacks start at 0), as in Linux. A RST
	 * is never rejected, as RFC 7323 5.3 R1 says ("... and the RST bit
	 * is not set"). Linux's tcp_paws_reject() lets a RST through only
	 * once TS.Recent is older than TCP_PAWS_MSL, which a young request's
	 * never is; the RFC is better here: a peer can always end its own
	 * half-open request.
	 */
	if ((rq->rq_neg.ng_flags & SF_CONN_F_TS) && (to->to_flags & SF_TOF_TS)) {
		ts = true;
		paws_reject = rq->rq_ts_recent != 0 &&
			!(flg & SF_TH_RST) &&
			(int32_t)(rq->rq_ts_recent - to->to_tsval) > 0;
	}

	/* A retransmitted SYN, same ISN: the SYN-ACK was lost. */
	if (s->sg_seq == rq->rq_irs && flg == SF_TH_SYN && !paws_reject)
		return sf_req_dup_syn(wt, pt, id, s);

	/*
	 * RFC 9293 3.10.7.3: "If SND.UNA < SEG.ACK =< SND.NXT, then enter
	 * ESTABLISHED ... If the segment acknowledgment is not acceptable,
	 * form a reset segment <SEQ=SEG.ACK><CTL=RST>." The request stays.
	 */
	if ((flg & SF_TH_ACK) && s->sg_ack != rq->rq_iss + 1) {
		if (flg & SF_TH_RST)
			return sf_drop(&wt->wt_net, SF_CNT_drop_tcp_req_bad_ack);
		return sf_tcp_reply(wt, pt, s,
			&(struct sf_tcp_out){ .seq = s->sg_ack,
					      .flags = SF_TH_RST });
	}

	/*
	 * Out of the window we offered, or PAWS-rejected: "send an
	 * acknowledgment ... and drop the segment" (RFC 9293 3.10.7.4),
	 * never for a RST, rate limited.
	 */
	if (paws_reject || !sf_in_window(s->sg_seq, s->sg_seq + s->sg_seglen,
			rcv_nxt, rcv_nxt + ls->ls_p.window)) {
		if (paws_reject)
			sf_count(&wt->wt_net, SF_CNT_paws_rejected);
		if ((flg & SF_TH_RST) || (!sf_seg_oow_exempt(s) &&
		    wt->wt_net.nt_now - rq->rq_last_tx < SF_OOW_RATELIMIT_MS))
			return sf_drop(&wt->wt_net, SF_CNT_drop_tcp_req_oow);
		rq->rq_last_tx = wt->wt_net.nt_now;
		sf_req_ack(wt, rq, &o);
		return sf_tcp_reply(wt, pt, s, &o);
	}

	/* RFC 7323 4.3: remember the TSval of an in-sequence segment. */
	if (ts && !SF_SEQ_GT(s->sg_seq, rcv_nxt))
		rq->rq_ts_recent = to->to_tsval;
	/* A SYN at the ISN is the old SYN: only what follows it counts. */
	if (s->sg_seq == rq->rq_irs)
		flg &= (uint8_t)~SF_TH_SYN;
	/*
	 * RST, or a SYN inside the window (RFC 9293 3.10.7.4 "fourth,
	 * check the SYN bit"): the request is over, an embryonic reset.
	 */
	if (flg & (SF_TH_RST | SF_TH_SYN))
		return sf_req_reset(wt, pt, id, s);
	if (!(flg & SF_TH_ACK))
		return sf_drop(&wt->wt_net, SF_CNT_drop_tcp_req_noack);

	return sf_req_third_ack(wt, pt, ls, id, s);
}

/*
 * reqsk_timer_handler(): retransmit the SYN-ACK with exponential backoff
 * until synack_retries, then let the request go. A request whose third
 * ACK was deferred or dropped on overflow is not retransmitted to until
 * the defer time is over (the ACK it draws then is accepted).
 */
void
sf_syncache_timer(struct sf_wtcp *wt, uint32_t id)
{
	struct sf_req *rq = sf_req(wt, id);
	struct sf_listener *ls =
		&wt->wt_et->et_listeners[rq->rq_listener];
	const struct sf_port *pt = sf_net_port(&wt->wt_net, rq->rq_port);
	const struct sf_flow_key *k;
	bool deferring = (rq->rq_flags & SF_RQF_ACKED) &&
		wt->wt_net.nt_now - rq->rq_start < ls->ls_p.defer_accept * 1000u;
	struct sf_tcp_out o;

	if (rq->rq_retrans >= ls->ls_p.synack_retries && !deferring) {
		sf_count(&wt->wt_net, SF_CNT_req_timeouts);
		sf_lcount(wt, ls->ls_id, SF_LCNT_req_timeouts);
		sf_req_free(wt, id);
		return;
	}
	rq->rq_retrans++;
	sf_twheel_arm(&wt->wt_tw, id,
		wt->wt_net.nt_now + sf_req_rto(ls, rq->rq_retrans));
	if (deferring)
		return;
	k = sf_ftab_key(&wt->wt_reqtab, id);
	if (k == NULL)
		return;
	sf_req_synack_opts(wt, pt, rq, k->fk_family, &o);
	if (sf_tcp_send(wt, rq->rq_port, &rq->rq_l2, k, &o) != 0)
		return;
	sf_count(&wt->wt_net, SF_CNT_synack_sent);
	sf_count(&wt->wt_net, SF_CNT_synack_retrans);
}

/*
 * A listener was removed: its requests go, silently (Linux leaves them to
 * meet no listener when their ACK comes, and that ACK is reset then), and
 * the cookie state of its id is forgotten. A scan of the request slots,
 * once per removal.
 */
void
sf_syncache_purge(struct sf_wtcp *wt)
{
	const struct sf_listener *lsa = wt->wt_et->et_listeners;
	bool gone[SF_MAX_LISTENERS];
	unsigned int i, n = 0;

	for (i = 0; i < SF_MAX_LISTENERS; i++) {
		gone[i] = __atomic_load_n(&lsa[i].ls_state,
			__ATOMIC_ACQUIRE) != SF_LS_ACTIVE;
		if (gone[i]) {
			__atomic_store_n(&wt->wt_ck_sent[i], 0,
				__ATOMIC_RELAXED);
			__atomic_store_n(&wt->wt_ck_last[i], 0,
				__ATOMIC_RELAXED);
		}
	}
	for (i = 0; wt->wt_req != NULL && i < wt->wt_reqtab.ft_cap; i++) {
		if (!wt->wt_req[i].rq_used || !gone[wt->wt_req[i].rq_listener])
			continue;
		sf_req_free(wt, i);
		n++;
	}
	sf_count_n(&wt->wt_net, SF_CNT_listener_purged_reqs, n);
}
