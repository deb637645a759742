/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * Connections: the established table of one worker lcore, the accept
 * queue, the application's handle, the states after ESTABLISHED (RFC
 * 9293 3.3.2) and the receive side: what arrives is validated, handed up
 * in order (or queued beyond a gap) and acknowledged, the peer's FIN
 * answered. What the connection sends, its own FIN included, is
 * sf_snd.c's.
 *
 * Entry points: sf_conn_establish() (the third ACK, from the SYN queue),
 * sf_conn_input() (a segment for a connection), sf_conn_timer(), and the
 * closes and resets of the layers above. A connection lives in an array
 * indexed by its established-table key position; what it keeps beside
 * it (struct sf_tcb: timers, one deadline per kind, the out-of-order
 * queue, ...) in another at the same index, and its wheel slot is that
 * position after the request slots.
 */

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#include "sf_tcp_pvt.h"

/* tcp_fin_timeout: how long FIN-WAIT-2 waits for the peer's FIN. */
#define SF_FIN_WAIT2_MS 60000


static int sf_conn_fin(struct sf_wtcp *wt, struct sf_conn *c);
static void sf_conn_keep_start(struct sf_wtcp *wt, struct sf_conn *c,
		const struct sf_listener_params *lp);

static inline struct sf_conn *
sf_conn(struct sf_wtcp *wt, uint32_t id)
{
	return &wt->wt_conn[id];
}

int sf_seqm_off = -1;

/*
 * A slot's side state as a new connection finds it: set when the slot
 * is freed (and made), not when a connection is born, so that no
 * handshake touches it.
 */
static inline void
sf_tcb_reset(struct sf_tcb *tb)
{
	tb->tb_timers = 0;
	tb->tb_keep = 0;
	tb->tb_quick = SF_QUICKACKS;
	tb->tb_rcv_mss = 536;              /* TCP_MSS_DEFAULT, until seen */
}

/* Free a connection's out-of-order queue. */
static void
sf_conn_ofo_purge(struct sf_wtcp *wt, struct sf_tcb *tb)
{
	struct rte_mbuf *m;

	while ((m = tb->tb_ofo) != NULL) {
		tb->tb_ofo = sf_seqm(m)->sm_next;
		rte_pktmbuf_free(m);
		wt->wt_ofo_mbufs--;
	}
	tb->tb_ofo_n = 0;
}

/*
 * The connection's way up: its worker's, fixed when the engine is made,
 * so the connection need not keep a pointer of its own (it stays at two
 * cache lines).
 */
static inline const struct sf_conn_ops *
sf_conn_ops(const struct sf_conn *c)
{
	/* An active open's callbacks run on its worker (sf_connect.c). */
	if (unlikely(c->cn_listener == SF_LISTENER_NONE))
		return &sf_conn_ops_inline;
	return c->cn_wt->wt_conn_ops;
}

static inline uint32_t
sf_conn_tid(const struct sf_wtcp *wt, uint32_t id)
{
	return wt->wt_reqtab.ft_cap + id;
}


/*
 * The out-of-order queues of a worker may hold an eighth of the pool
 * shared out over the workers (at least 64 mbufs): bytes beyond gaps
 * must not starve the receive path of mbufs.
 */
static uint32_t
sf_conn_ofo_max(const struct sf_wtcp *wt)
{
	const struct rte_mempool *mp = wt->wt_net.nt_pool;
	uint32_t n = mp != NULL ? mp->size / 8 /
		RTE_MAX(wt->wt_et->et_nb_workers, 1u) : 1024;

	return RTE_MAX(n, 64u);
}

int
sf_conn_init(struct sf_wtcp *wt)
{
	static const struct rte_mbuf_dynfield seqm = {
		.name = "synfront_seq",
		.size = sizeof(struct sf_seqm),
		.align = __alignof__(struct sf_seqm),
	};
	struct sf_etcp *et = wt->wt_et;
	unsigned int i;
	int ret;

	if (sf_seqm_off < 0) {
		sf_seqm_off = rte_mbuf_dynfield_register(&seqm);
		if (sf_seqm_off < 0)
			return -rte_errno;
	}
	wt->wt_ofo_max = sf_conn_ofo_max(wt);
	wt->wt_ofo_mbufs = 0;
	wt->wt_snd_max = sf_snd_max_mbufs(wt);
	wt->wt_snd_mbufs = 0;

	ret = sf_ftab_init(&wt->wt_conntab, et->et_max_conns,
			wt->wt_net.nt_socket);
	if (ret != 0)
		return ret;
	wt->wt_conn = rte_zmalloc_socket("sf_conn",
			sizeof(struct sf_conn) * wt->wt_conntab.ft_cap,
			RTE_CACHE_LINE_SIZE, wt->wt_net.nt_socket);
	wt->wt_tcb = rte_zmalloc_socket("sf_tcb",
			sizeof(struct sf_tcb) * wt->wt_conntab.ft_cap,
			RTE_CACHE_LINE_SIZE, wt->wt_net.nt_socket);
	if (wt->wt_conn == NULL || wt->wt_tcb == NULL) {
		rte_free(wt->wt_conn);
		rte_free(wt->wt_tcb);
		wt->wt_conn = NULL;
		wt->wt_tcb = NULL;
		sf_ftab_fini(&wt->wt_conntab);
		return -ENOMEM;
	}
	for (i = 0; i < SF_MAX_LISTENERS; i++)
		wt->wt_aq[i].aq_head = wt->wt_aq[i].aq_tail = SF_TW_NONE;
	for (i = 0; i < wt->wt_conntab.ft_cap; i++)
		sf_tcb_reset(&wt->wt_tcb[i]);
	return 0;
}

/* Take a connection off its listener's accept queue. */
static void
sf_conn_unqueue(struct sf_wtcp *wt, struct sf_conn *c)
{
	struct sf_acceptq *aq = &wt->wt_aq[c->cn_listener];
	struct sf_listener *ls =
		&wt->wt_et->et_listeners[c->cn_listener];
	struct sf_tcb *tb = &wt->wt_tcb[c->cn_id];

	if (tb->tb_aq_prev == SF_TW_NONE)
		aq->aq_head = tb->tb_aq_next;
	else
		wt->wt_tcb[tb->tb_aq_prev].tb_aq_next = tb->tb_aq_next;
	if (tb->tb_aq_next == SF_TW_NONE)
		aq->aq_tail = tb->tb_aq_prev;
	else
		wt->wt_tcb[tb->tb_aq_next].tb_aq_prev = tb->tb_aq_prev;
	c->cn_flags &= (uint8_t)~SF_CNF_QUEUED;
	__atomic_fetch_sub(&ls->ls_acceptq, 1, __ATOMIC_RELAXED);
}

static void
sf_conn_enqueue(struct sf_wtcp *wt, struct sf_conn *c)
{
	struct sf_acceptq *aq = &wt->wt_aq[c->cn_listener];
	struct sf_tcb *tb = &wt->wt_tcb[c->cn_id];

	tb->tb_aq_next = SF_TW_NONE;
	tb->tb_aq_prev = aq->aq_tail;
	if (aq->aq_tail == SF_TW_NONE)
		aq->aq_head = c->cn_id;
	else
		wt->wt_tcb[aq->aq_tail].tb_aq_next = c->cn_id;
	aq->aq_tail = c->cn_id;
	c->cn_flags |= SF_CNF_QUEUED;
	/* Its place in ls_acceptq was taken by sf_listen_overflow(). */
}

/* Release a slot: no callback, no segment. */
void
sf_conn_release(struct sf_wtcp *wt, struct sf_conn *c)
{

	if (c->cn_state == SF_CS_TIME_WAIT)
		wt->wt_nb_tw--;
	sf_twheel_cancel(&wt->wt_tw, sf_conn_tid(wt, c->cn_id));
	sf_conn_ofo_purge(wt, &wt->wt_tcb[c->cn_id]);
	if (c->cn_flags & SF_CNF_SND)
		sf_snd_purge(wt, &wt->wt_tcb[c->cn_id]);
	sf_tcb_reset(&wt->wt_tcb[c->cn_id]);
	if (c->cn_flags & SF_CNF_QUEUED)
		sf_conn_unqueue(wt, c);
	if (wt->wt_tcb[c->cn_id].tb_data != NULL)
		rte_pktmbuf_free(wt->wt_tcb[c->cn_id].tb_data);
	sf_ftab_del(&wt->wt_conntab, c->cn_id);
	wt->wt_tcb[c->cn_id].tb_data = NULL;
	c->cn_state = SF_CS_FREE;
	c->cn_flags = 0;
	if (c->cn_listener != SF_LISTENER_NONE)
		__atomic_store_n(&wt->wt_lconns[c->cn_listener],
			wt->wt_lconns[c->cn_listener] - 1, __ATOMIC_RELEASE);
}

__rte_always_inline struct sf_conn *
sf_conn_new(struct sf_wtcp *wt, const struct sf_flow_key *k, uint32_t h)
{
	int32_t pos = sf_ftab_add(&wt->wt_conntab, k, h);
	struct sf_conn *c;
	uint32_t gen;

	if (pos < 0)
		return NULL;
	c = sf_conn(wt, (uint32_t)pos);
	gen = c->cn_gen + 1;
	memset(c, 0, sizeof(*c));
	/* Read by application contexts' commands' checks: atomic. */
	__atomic_store_n(&c->cn_gen, gen != 0 ? gen : 1, __ATOMIC_RELAXED);
	c->cn_wt = wt;
	c->cn_id = (uint32_t)pos;
	return c;
}

/* The end of a connection: tell the application (once), then free it. */
void
sf_conn_end(struct sf_wtcp *wt, struct sf_conn *c, enum sf_close_reason why)
{
	/* A failed active open is counted by its own counters. */
	if (c->cn_state != SF_CS_SYN_SENT)
		sf_count(&wt->wt_net, why == SF_CLOSE_RESET ?
			SF_CNT_conn_resets : SF_CNT_conn_closed);
	c->cn_flags |= SF_CNF_DYING;
	/*
	 * An application context hears of the end even without on_close:
	 * it holds the handle (its sends and closes must fail from now on,
	 * not vanish on the worker as stale).
	 */
	if ((c->cn_flags & SF_CNF_ACCEPTED) &&
	    (c->cn_on_close != NULL || (c->cn_flags & SF_CNF_APP)))
		sf_conn_ops(c)->co_close(c, why);
	sf_conn_release(wt, c);
}

/* The ports stopped: third-ACK data held for accept goes back home. */
void
sf_conn_drain(struct sf_wtcp *wt)
{
	uint32_t k;

	for (k = 0; wt->wt_conn != NULL && k < wt->wt_conntab.ft_cap; k++) {
		if (wt->wt_tcb[k].tb_data != NULL) {
			rte_pktmbuf_free(wt->wt_tcb[k].tb_data);
			wt->wt_tcb[k].tb_data = NULL;
		}
		sf_conn_ofo_purge(wt, &wt->wt_tcb[k]);
		sf_snd_purge(wt, &wt->wt_tcb[k]);
	}
}

void
sf_conn_fini(struct sf_wtcp *wt)
{
	uint32_t i;

	if (wt->wt_conn == NULL)
		return;
	for (i = 0; i < wt->wt_conntab.ft_cap; i++) {
		struct sf_conn *c = &wt->wt_conn[i];

		if (c->cn_state == SF_CS_FREE)
			continue;
		c->cn_flags |= SF_CNF_DYING;
		/* Application contexts have stopped: they hear nothing. */
		if ((c->cn_flags & (SF_CNF_ACCEPTED | SF_CNF_APP)) ==
		    SF_CNF_ACCEPTED && c->cn_on_close != NULL)
			c->cn_on_close(c, SF_CLOSE_ABORT, c->cn_arg);
		if (c->cn_flags & SF_CNF_QUEUED)
			sf_conn_unqueue(wt, c);
		if (wt->wt_tcb[c->cn_id].tb_data != NULL)
			rte_pktmbuf_free(wt->wt_tcb[c->cn_id].tb_data);
		wt->wt_tcb[c->cn_id].tb_data = NULL;
		sf_conn_ofo_purge(wt, &wt->wt_tcb[i]);
		sf_snd_purge(wt, &wt->wt_tcb[i]);
		c->cn_state = SF_CS_FREE;
	}
	rte_free(wt->wt_conn);
	rte_free(wt->wt_tcb);
	wt->wt_conn = NULL;
	wt->wt_tcb = NULL;
	sf_ftab_fini(&wt->wt_conntab);
}

/*
 * The window we may offer now, in bytes: the listener's, and once the
 * connection sends, no more than the room left in its send queue (what
 * a front end receives it mostly answers: echo sends every byte back,
 * so a peer that stops reading stops us taking more, instead of our
 * queue growing or bytes being lost), rounded down to the scale. It
 * never moves the right edge back (RFC 9293 3.8.6: the window must not
 * shrink), as Linux's tcp_select_window().
 */
static uint32_t
sf_conn_wnd_bytes(struct sf_wtcp *wt, const struct sf_conn *c)
{
	const struct sf_tcb *tb = &wt->wt_tcb[c->cn_id];
	uint8_t sc = c->cn_neg.ng_rcv_wscale;
	uint32_t w = c->cn_window, q, room;

	if (!(c->cn_flags & SF_CNF_SND))
		return (w >> sc) << sc;
	/* What the send queue costs its budget (none once emptied). */
	q = tb->tb_snd_charge;
	room = wt->wt_et->et_sndbuf > q ? wt->wt_et->et_sndbuf - q : 0;
	w = (RTE_MIN(w, room) >> sc) << sc;
	if (SF_SEQ_LT(c->cn_rcv_nxt + w, tb->tb_rcv_right))
		w = tb->tb_rcv_right - c->cn_rcv_nxt;
	return w;
}

/* The window field we advertise. */
static inline uint16_t
sf_conn_win(struct sf_wtcp *wt, const struct sf_conn *c)
{
	return (uint16_t)RTE_MIN(sf_conn_wnd_bytes(wt, c) >>
		c->cn_neg.ng_rcv_wscale, (uint32_t)UINT16_MAX);
}

/*
 * The SACK option of an ACK (RFC 2018 4): the blocks of bytes queued
 * beyond gaps, at most max, the one that changed last first, then the
 * others from the lowest. Returns the option's length.
 */
static uint8_t
sf_conn_sack(struct sf_wtcp *wt, const struct sf_conn *c, uint8_t *buf,
		unsigned int max)
{
	const struct sf_tcb *tb = &wt->wt_tcb[c->cn_id];
	uint32_t all[SF_OFO_MAX_SEGS][2], blk[4][2];
	unsigned int n = 0, k, nb = 0, first = 0;
	struct rte_mbuf *m;

	for (m = tb->tb_ofo; m != NULL; m = sf_seqm(m)->sm_next) {
		if (n != 0 && all[n - 1][1] == sf_seqm(m)->sm_seq) {
			all[n - 1][1] = sf_seqm_end(m);
			continue;
		}
		all[n][0] = sf_seqm(m)->sm_seq;
		all[n][1] = sf_seqm_end(m);
		n++;
	}
	for (k = 0; k < n; k++)
		if (SF_SEQ_GEQ(tb->tb_sack_last, all[k][0]) &&
		    SF_SEQ_LT(tb->tb_sack_last, all[k][1]))
			first = k;
	blk[nb][0] = all[first][0];
	blk[nb][1] = all[first][1];
	nb++;
	for (k = 0; k < n && nb < max; k++) {
		if (k == first)
			continue;
		blk[nb][0] = all[k][0];
		blk[nb][1] = all[k][1];
		nb++;
	}
	return sf_tcp_sack_opt(buf, (const uint32_t (*)[2])blk, nb);
}

void
sf_conn_out(struct sf_wtcp *wt, struct sf_conn *c, uint32_t seq,
		uint8_t flags, struct sf_tcp_out *o)
{
	sf_tcp_out_clear(o);
	o->seq = seq;
	o->ack = c->cn_rcv_nxt;
	o->flags = flags;
	o->win = sf_conn_win(wt, c);
	if (c->cn_flags & SF_CNF_SND)
		wt->wt_tcb[c->cn_id].tb_rcv_right = c->cn_rcv_nxt +
			((uint32_t)o->win << c->cn_neg.ng_rcv_wscale);
	if ((c->cn_neg.ng_flags & SF_CONN_F_TS) && !(flags & SF_TH_RST))
		o->optlen = sf_tcp_ts_opt(o->opt, wt->wt_net.nt_now +
				c->cn_tsoff, c->cn_ts_recent);
	if ((c->cn_neg.ng_flags & SF_CONN_F_SACK) && (flags & SF_TH_ACK) &&
	    !(flags & SF_TH_RST) && wt->wt_tcb[c->cn_id].tb_ofo != NULL)
		o->optlen = (uint8_t)(o->optlen + sf_conn_sack(wt, c,
			o->opt + o->optlen, o->optlen == 0 ? 4 : 3));
	if (flags & SF_TH_ACK) {
		c->cn_rcv_adv = c->cn_rcv_nxt;
		c->cn_flags |= SF_CNF_WNDUP;
		/* This ACK is the one a delayed ACK would have been. */
		wt->wt_tcb[c->cn_id].tb_timers &=
			(uint8_t)~(1u << SF_CT_DELACK);
	}
}

/*
 * RCV.WND as the peer knows it, in bytes, from RCV.WUP (cn_rcv_adv):
 * the SYN-ACK's window (never scaled, RFC 7323 2.2) until an ACK of ours
 * advertised the scaled one.
 */
static inline uint32_t
sf_conn_rcv_wnd(const struct sf_conn *c)
{
	uint8_t sc = c->cn_neg.ng_rcv_wscale;

	if (!(c->cn_flags & SF_CNF_WNDUP))
		return c->cn_window;
	return (uint32_t)(c->cn_window >> sc) << sc;
}

/*
 * The right edge of the window the peer was told: once the connection
 * sends (and the window follows its send queue), as the last ACK set it.
 */
uint32_t
sf_conn_rcv_right(const struct sf_wtcp *wt, const struct sf_conn *c)
{
	if (c->cn_flags & SF_CNF_SND)
		return wt->wt_tcb[c->cn_id].tb_rcv_right;
	return c->cn_rcv_adv + sf_conn_rcv_wnd(c);
}

/* Send a segment of c in a fresh mbuf (timers, application actions). */
void
sf_conn_ctl(struct sf_wtcp *wt, struct sf_conn *c, uint32_t seq,
		uint8_t flags)
{
	const struct sf_flow_key *k;
	struct sf_tcp_out o;

	k = sf_ftab_key(&wt->wt_conntab, c->cn_id);
	if (k == NULL)
		return;
	sf_conn_out(wt, c, seq, flags, &o);
	sf_tcp_send(wt, c->cn_port, &c->cn_l2, k, &o);
}

/* Answer s in place with a segment of c. */
enum sf_verdict
sf_conn_reply(struct sf_wtcp *wt, const struct sf_port *pt,
		struct sf_conn *c, struct sf_seg *s, uint32_t seq, uint8_t flags)
{
	struct sf_tcp_out o;

	sf_conn_out(wt, c, seq, flags, &o);
	return sf_tcp_reply(wt, pt, s, &o);
}

/*
 * An ACK that only re-states where we are, for an unacceptable segment
 * or as an RFC 5961 challenge: at most one per SF_OOW_RATELIMIT_MS,
 * except for an unacceptable segment with data or FIN (no SYN), which
 * Linux always answers (tcp_oow_rate_limited()).
 */
static enum sf_verdict
sf_conn_oow_ack(struct sf_wtcp *wt, const struct sf_port *pt,
		struct sf_conn *c, struct sf_seg *s, bool challenge)
{
	if ((challenge || !sf_seg_oow_exempt(s)) &&
	    wt->wt_net.nt_now - c->cn_last_tx < SF_OOW_RATELIMIT_MS)
		return sf_drop(&wt->wt_net, challenge ?
			SF_CNT_drop_tcp_challenge_limited :
			SF_CNT_drop_tcp_conn_oow);
	c->cn_last_tx = wt->wt_net.nt_now;
	if (challenge)
		sf_count(&wt->wt_net, SF_CNT_challenge_acks);
	return sf_conn_reply(wt, pt, c, s, c->cn_snd_nxt, SF_TH_ACK);
}

/* The wheel slot at the earliest deadline on, or off when none is. */
static void
sf_conn_timers_arm(struct sf_wtcp *wt, struct sf_conn *c)
{
	const struct sf_tcb *tb = &wt->wt_tcb[c->cn_id];
	uint32_t at = 0;
	bool any = false;
	unsigned int k;

	for (k = 0; k < SF_CT_MAX; k++) {
		if (!(tb->tb_timers & 1u << k))
			continue;
		if (!any || SF_SEQ_LT(tb->tb_at[k], at))
			at = tb->tb_at[k];
		any = true;
	}
	if (any)
		sf_twheel_arm(&wt->wt_tw, sf_conn_tid(wt, c->cn_id), at);
	else
		sf_twheel_cancel(&wt->wt_tw, sf_conn_tid(wt, c->cn_id));
}

/* Timer kind k of c due in ms (again, when it was set). */
void
sf_conn_timer_set(struct sf_wtcp *wt, struct sf_conn *c, enum sf_ctimer k,
		uint32_t ms)
{
	struct sf_tcb *tb = &wt->wt_tcb[c->cn_id];

	tb->tb_at[k] = wt->wt_net.nt_now + ms;
	tb->tb_timers |= (uint8_t)(1u << k);
	sf_conn_timers_arm(wt, c);
}

/* Timer kind k of c off. */
void
sf_conn_timer_stop(struct sf_wtcp *wt, struct sf_conn *c, enum sf_ctimer k)
{
	struct sf_tcb *tb = &wt->wt_tcb[c->cn_id];

	if (!(tb->tb_timers & 1u << k))
		return;
	tb->tb_timers &= (uint8_t)~(1u << k);
	sf_conn_timers_arm(wt, c);
}

/* FIN-WAIT-2 or TIME-WAIT for ms: nothing of ours needs sending again. */
static void
sf_conn_2msl(struct sf_wtcp *wt, struct sf_conn *c, uint32_t ms)
{
	wt->wt_tcb[c->cn_id].tb_timers &= (uint8_t)~(1u << SF_CT_REXMT |
		1u << SF_CT_PERSIST);
	sf_conn_timer_set(wt, c, SF_CT_2MSL, ms);
}

/*
 * TIME-WAIT (tcp_time_wait()) for time_wait_ms, or, when the worker holds
 * max_time_wait already, not at all: the connection ends at once, as
 * Linux does without a free timewait bucket. The peer's FIN that brought
 * it here (fin) is acknowledged first either way.
 */
static void
sf_conn_time_wait(struct sf_wtcp *wt, struct sf_conn *c, bool fin)
{
	if (wt->wt_nb_tw >= wt->wt_et->et_max_tw) {
		sf_count(&wt->wt_net, SF_CNT_tw_overflow);
		if (fin)
			sf_conn_ctl(wt, c, c->cn_snd_nxt, SF_TH_ACK);
		sf_conn_end(wt, c, SF_CLOSE_DONE);
		return;
	}
	c->cn_state = SF_CS_TIME_WAIT;
	wt->wt_nb_tw++;
	sf_conn_2msl(wt, c, wt->wt_et->et_time_wait_ms);
}

void
sf_conn_splice_tw(struct sf_wtcp *wt, struct sf_conn *c)
{
	c->cn_flags &= (uint8_t)~SF_CNF_ACCEPTED;
	wt->wt_tcb[c->cn_id].tb_timers = 0;
	sf_conn_time_wait(wt, c, false);
}

/*
 * The peer closed: the application answers, or we close for it. After
 * the application's half-close the peer's FIN is only its end of file,
 * told as such (read() returning 0 after shutdown(SHUT_WR)).
 */
static void
sf_conn_peer_fin(struct sf_wtcp *wt, struct sf_conn *c)
{
	/* One test on the way of every third ACK (most bring no FIN). */
	if ((c->cn_flags & (SF_CNF_ACCEPTED | SF_CNF_PEERFIN)) !=
	    (SF_CNF_ACCEPTED | SF_CNF_PEERFIN))
		return;
	if (c->cn_state != SF_CS_CLOSE_WAIT) {
		if (c->cn_state != SF_CS_FREE && (c->cn_flags & SF_CNF_SND) &&
		    wt->wt_tcb[c->cn_id].tb_half && c->cn_on_close != NULL)
			sf_conn_ops(c)->co_close(c, SF_CLOSE_PEER_FIN);
		return;
	}
	/*
	 * An application that cannot be told (an application context's
	 * ring full) would leave the connection in CLOSE-WAIT: the engine
	 * closes it, as it does for one without on_close.
	 */
	if (c->cn_on_close != NULL &&
	    sf_conn_ops(c)->co_close(c, SF_CLOSE_PEER_FIN) == 0)
		return;
	/* The engine's close, not the application's. */
	if (sf_conn_fin(wt, c) == 0)
		sf_count(&wt->wt_net, SF_CNT_auto_closes);
}

/*
 * The third ACK's data, kept: its frame becomes an mbuf of just the data
 * (the headers cut off in front, the Ethernet padding behind), which the
 * connection or its application context then owns.
 */
static struct rte_mbuf *
sf_conn_keep_data(struct sf_seg *s)
{
	struct rte_mbuf *m = s->sg_m;

	rte_pktmbuf_adj(m, (uint16_t)(s->sg_data -
		rte_pktmbuf_mtod(m, const uint8_t *)));
	rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - s->sg_len));
	return m;
}

/* Inline: the callbacks run now, on the worker, which always can. */
static int
sf_conn_inline_accept(struct sf_conn *c, uint32_t hash,
		sf_on_accept_t on_accept, struct rte_mbuf *data,
		const struct sf_conn_info *ci)
{
	RTE_SET_USED(hash);
	RTE_SET_USED(data);
	on_accept(c, ci, c->cn_arg);
	return 0;
}

/*
 * The bytes in the frame, as they are. When the application took a
 * reference to the frame, ours goes: the frame is its now.
 */
static int
sf_conn_inline_data(struct sf_conn *c, struct rte_mbuf *m,
		const uint8_t *data, uint32_t len)
{
	const struct sf_conn_data d = { .data = data, .len = len, .m = m };

	c->cn_on_data(c, &d, c->cn_arg);
	if (rte_mbuf_refcnt_read(m) == 1)
		return 0;
	rte_pktmbuf_free(m);
	return 1;
}

static int
sf_conn_inline_close(struct sf_conn *c, enum sf_close_reason why)
{
	c->cn_on_close(c, why, c->cn_arg);
	return 0;
}

static int
sf_conn_inline_writable(struct sf_conn *c)
{
	c->cn_on_writable(c, c->cn_arg);
	return 0;
}

const struct sf_conn_ops sf_conn_ops_inline = {
	.co_deferred = false,
	.co_room = NULL,
	.co_accept = sf_conn_inline_accept,
	.co_data = sf_conn_inline_data,
	.co_close = sf_conn_inline_close,
	.co_writable = sf_conn_inline_writable,
};

/*
 * An application context accepts the connection: it goes over the accept
 * ring with its first data (the mbuf travels with it), and the ACK for
 * that data leaves from here. The listener's accept-queue place, taken
 * by the third ACK, is given back by the application context.
 */
static enum sf_verdict
sf_conn_handoff(struct sf_wtcp *wt, const struct sf_port *pt,
		struct sf_conn *c, sf_on_accept_t on_accept, struct sf_seg *s)
{
	struct rte_mbuf *data = NULL;
	struct sf_conn_info ci;

	sf_conn_get_info(c, &ci);
	if (s->sg_len != 0) {
		data = sf_conn_keep_data(s);
		ci.data = rte_pktmbuf_mtod(data, const uint8_t *);
		ci.data_len = s->sg_len;
	}
	if (sf_conn_ops(c)->co_accept(c, s->sg_hash, on_accept, data, &ci) != 0) {
		/* As an overflow: the request stays, the peer retries. */
		sf_conn_release(wt, c);
		return sf_drop(&wt->wt_net, SF_CNT_drop_tcp_accept_ring_full);
	}
	c->cn_flags |= SF_CNF_ACCEPTED | SF_CNF_APP;
	sf_conn_peer_fin(wt, c);
	if (data != NULL) {
		if (c->cn_rcv_adv != c->cn_rcv_nxt)
			sf_conn_ctl(wt, c, c->cn_snd_nxt, SF_TH_ACK);
		return SF_VERDICT_KEPT;
	}
	if (c->cn_rcv_adv != c->cn_rcv_nxt)
		return sf_conn_reply(wt, pt, c, s, c->cn_snd_nxt, SF_TH_ACK);
	return SF_VERDICT_DONE;
}

/*
 * Fill slot c with the connection the request rq and its third ACK s
 * make (tcp_create_openreq_child()): both ISNs, the negotiated options,
 * the third ACK's data and FIN as its first bytes (RFC 9293 3.10.7.4),
 * and what it keeps of its listener.
 */
static void
sf_conn_born(struct sf_wtcp *wt, const struct sf_port *pt,
		struct sf_conn *c, const struct sf_req *rq,
		const struct sf_listener *ls, const struct sf_seg *s)
{
	bool fin = s->sg_flags & SF_TH_FIN;

	c->cn_iss = rq->rq_iss;
	c->cn_irs = rq->rq_irs;
	c->cn_snd_nxt = c->cn_snd_una = rq->rq_iss + 1;
	c->cn_rcv_nxt = rq->rq_irs + 1 + s->sg_len + fin;
	c->cn_rcv_adv = rq->rq_irs + 1;
	c->cn_tsoff = rq->rq_tsoff;
	c->cn_ts_recent = rq->rq_ts_recent;
	c->cn_l2 = rq->rq_l2;
	c->cn_listener = rq->rq_listener;
	/* What the connection needs of its listener, for good. */
	c->cn_on_close = ls->ls_p.on_close;
	c->cn_arg = ls->ls_p.arg;
	c->cn_on_data = ls->ls_p.on_data;
	c->cn_on_writable = ls->ls_p.on_writable;
	c->cn_window = ls->ls_p.window;
	c->cn_rto_base = ls->ls_p.synack_timeout_ms;
	c->cn_port = rq->rq_port;
	/* RFC 7323 2.2: the third ACK's window is scaled already. */
	c->cn_snd_wnd = s->sg_win;
	/* What the handshake negotiated; the MSS capped by ours. */
	c->cn_neg = rq->rq_neg;
	c->cn_neg.ng_mss = RTE_MAX(RTE_MIN(rq->rq_neg.ng_mss,
		sf_tcp_our_mss(pt, ls, s->sg_key.fk_family)),
		SF_MIN_SND_MSS);
	/* RFC 7323 3.2: the MSS counts no options; sends do. */
	if (rq->rq_neg.ng_flags & SF_CONN_F_TS)
		c->cn_neg.ng_mss -= 12;
	if (fin) {
		c->cn_neg.ng_flags |= SF_CONN_F_FIN;
		c->cn_flags |= SF_CNF_PEERFIN;
	}
	c->cn_state = fin ? SF_CS_CLOSE_WAIT : SF_CS_ESTABLISHED;
	c->cn_last_tx = wt->wt_net.nt_now - SF_OOW_RATELIMIT_MS;
	if (unlikely(ls->ls_p.keepalive_ms != 0 ||
		     ls->ls_p.idle_timeout_ms != 0))
		sf_conn_keep_start(wt, c, &ls->ls_p);
}

/*
 * Nobody accepts: the connection waits in the accept queue, as on a
 * server that does not call accept(). Its data waits with it; the ACK
 * goes out in a fresh mbuf.
 */
static enum sf_verdict
sf_conn_unaccepted(struct sf_wtcp *wt, const struct sf_port *pt,
		struct sf_conn *c, struct sf_seg *s)
{
	sf_conn_enqueue(wt, c);
	if (s->sg_len == 0) {
		if (!(s->sg_flags & SF_TH_FIN))
			return SF_VERDICT_DONE;
		return sf_conn_reply(wt, pt, c, s, c->cn_snd_nxt, SF_TH_ACK);
	}
	wt->wt_tcb[c->cn_id].tb_data = sf_conn_keep_data(s);
	sf_conn_ctl(wt, c, c->cn_snd_nxt, SF_TH_ACK);
	return SF_VERDICT_KEPT;
}

/*
 * The third ACK of request rq (tcp_v4_syn_recv_sock(), then
 * inet_csk_complete_hashdance()): a connection, counted, then accepted
 * inline, handed to an application context, or queued.
 */
__rte_always_inline enum sf_verdict
sf_conn_establish(struct sf_wtcp *wt, const struct sf_port *pt,
		const struct sf_req *rq, struct sf_seg *s)
{
	const struct sf_listener *ls =
		&wt->wt_et->et_listeners[rq->rq_listener];
	struct sf_conn_info ci;
	struct sf_conn *c;

	/*
	 * An application context's accept ring is full: nothing is
	 * established (or counted), the request stays, as on an accept-queue
	 * overflow.
	 */
	if (ls->ls_p.on_accept != NULL && wt->wt_conn_ops->co_room != NULL &&
	    !wt->wt_conn_ops->co_room(wt, s->sg_hash))
		return sf_drop(&wt->wt_net, SF_CNT_drop_tcp_accept_ring_full);
	c = sf_conn_new(wt, &s->sg_key, s->sg_hash);
	if (c == NULL)
		return sf_drop(&wt->wt_net, SF_CNT_drop_tcp_conn_table_full);
	sf_conn_born(wt, pt, c, rq, ls, s);
	__atomic_store_n(&wt->wt_lconns[c->cn_listener],
		wt->wt_lconns[c->cn_listener] + 1, __ATOMIC_RELAXED);
	sf_count(&wt->wt_net, SF_CNT_passive_opens);
	sf_lcount(wt, ls->ls_id, SF_LCNT_passive_opens);
	if (s->sg_len != 0) {
		sf_count(&wt->wt_net, SF_CNT_third_ack_data);
		sf_count_n(&wt->wt_net, SF_CNT_third_ack_data_bytes, s->sg_len);
	}
	if (s->sg_flags & SF_TH_FIN)
		sf_count(&wt->wt_net, SF_CNT_third_ack_fin);

	if (ls->ls_p.on_accept == NULL) {
		/* A SYN proxy's listener: the splice takes the connection. */
		if (ls->ls_p.proxy)
			return wt->wt_splice->sp_accept(wt, pt, c, s);
		return sf_conn_unaccepted(wt, pt, c, s);
	}
	if (sf_conn_ops(c)->co_deferred)
		return sf_conn_handoff(wt, pt, c, ls->ls_p.on_accept, s);

	c->cn_flags |= SF_CNF_ACCEPTED;
	sf_count(&wt->wt_net, SF_CNT_accepted);
	sf_lcount(wt, ls->ls_id, SF_LCNT_accepted);
	sf_conn_get_info(c, &ci);
	ci.data = s->sg_len != 0 ? s->sg_data : NULL;
	ci.data_len = s->sg_len;
	sf_conn_ops(c)->co_accept(c, s->sg_hash, ls->ls_p.on_accept, NULL, &ci);
	if (c->cn_state == SF_CS_FREE)
		return SF_VERDICT_DONE;   /* reset by the application */
	sf_conn_peer_fin(wt, c);
	if (c->cn_state == SF_CS_FREE)
		return SF_VERDICT_DONE;
	if (c->cn_rcv_adv != c->cn_rcv_nxt)
		return sf_conn_reply(wt, pt, c, s, c->cn_snd_nxt, SF_TH_ACK);
	return SF_VERDICT_DONE;
}

/*
 * TIME-WAIT, as tcp_timewait_state_process() decides it:
 *
 * - PAWS first (RFC 7323 5.3, RSTs included, as Linux in TIME-WAIT): a
 *   segment with a timestamp older than TS.Recent is an old duplicate
 *   (paws_estab), which reopens nothing and ends nothing;
 * - in window means exactly at RCV.NXT with no length (or a RST there):
 *   a RST ends TIME-WAIT (tcp_rfc1337 = 0), anything else (a bare ACK)
 *   restarts it, answered by nothing, and brings its timestamp;
 * - a new SYN (no ACK) reopens the 4-tuple when it cannot be an old
 *   duplicate: a higher sequence number, or a newer timestamp when the
 *   connection used them;
 * - every other segment but a RST is acknowledged (a retransmitted FIN,
 *   data, an old SYN: an ACK that says where we are, rate limited
 *   unless it carries data or FIN, tcp_oow_rate_limited()), and one with
 *   ACK, or failing PAWS, restarts TIME-WAIT (an ACK-less SYN may be a
 *   new one with a random lower sequence number: it does not);
 * - any other RST is dropped, so a blind attacker cannot end TIME-WAIT
 *   with a guess in the window.
 *
 * When the connection goes early the application still hears
 * SF_CLOSE_DONE, as sf_conn_close() promises.
 */
static enum sf_verdict
sf_conn_timewait(struct sf_wtcp *wt, const struct sf_port *pt,
		struct sf_conn *c, struct sf_seg *s)
{
	const struct sf_tcp_opts *to = &s->sg_opts;
	uint8_t f = s->sg_flags;
	bool ts = (c->cn_neg.ng_flags & SF_CONN_F_TS) &&
		(to->to_flags & SF_TOF_TS);
	bool paws_reject = ts && c->cn_ts_recent != 0 &&
		(int32_t)(c->cn_ts_recent - to->to_tsval) > 1;

	if (!paws_reject && s->sg_seq == c->cn_rcv_nxt &&
	    (s->sg_seglen == 0 || (f & SF_TH_RST))) {
		if (f & SF_TH_RST) {
			sf_conn_end(wt, c, SF_CLOSE_DONE);
			return SF_VERDICT_DONE;
		}
		sf_conn_2msl(wt, c, wt->wt_et->et_time_wait_ms);
		if (ts)
			c->cn_ts_recent = to->to_tsval;
		return SF_VERDICT_DONE;
	}
	if ((f & (SF_TH_SYN | SF_TH_ACK | SF_TH_RST)) == SF_TH_SYN &&
	    !paws_reject &&
	    (SF_SEQ_GT(s->sg_seq, c->cn_rcv_nxt) ||
	     (ts && (int32_t)(c->cn_ts_recent - to->to_tsval) < 0))) {
		sf_count(&wt->wt_net, SF_CNT_tw_recycled);
		sf_conn_end(wt, c, SF_CLOSE_DONE);
		s->sg_relisten = true;
		return SF_VERDICT_DONE;
	}
	if (paws_reject)
		sf_count(&wt->wt_net, SF_CNT_paws_estab);
	if (f & SF_TH_RST)
		return sf_drop(&wt->wt_net, SF_CNT_drop_tcp_timewait);
	if (paws_reject || (f & SF_TH_ACK))
		sf_conn_2msl(wt, c, wt->wt_et->et_time_wait_ms);
	return sf_conn_oow_ack(wt, pt, c, s, false);
}

/*
 * RFC 9293 3.10.7.4, "first, check sequence number", as Linux's
 * tcp_sequence() decides it, which differs from the RFC's four-row table
 * (docs/handshake.md draws both):
 *
 *   acceptable  <=>  SEG.SEQ + SEG.LEN >= RCV.WUP
 *                and SEG.SEQ <= RCV.WUP + RCV.WND
 *
 * SEG.LEN counts SYN and FIN; RCV.WUP is RCV.NXT as of our last ACK and
 * RCV.WND the window that ACK advertised, so the right edge is where the
 * peer was told it is. Against the RFC: a segment that ends exactly at
 * RCV.NXT (a retransmission of the last bytes) and a zero-length one at
 * the right edge are acceptable, and a segment that starts in the window
 * passes whatever its end. A receive window of zero is then no special
 * case (ours never is: this engine does not buffer data).
 */
static bool
sf_conn_acceptable(const struct sf_wtcp *wt, const struct sf_conn *c,
		const struct sf_seg *s)
{
	uint32_t wup = c->cn_rcv_adv, edge = sf_conn_rcv_right(wt, c);

	/* tcp_receive_window() is never below zero: RCV.NXT at least. */
	if (SF_SEQ_LT(edge, c->cn_rcv_nxt))
		edge = c->cn_rcv_nxt;
	return SF_SEQ_GEQ(s->sg_seq + s->sg_seglen, wup) &&
		SF_SEQ_LEQ(s->sg_seq, edge);
}

/*
 * Linux's tcp_reset_check(): after the peer's FIN (CLOSE-WAIT, CLOSING,
 * LAST-ACK) a RST at RCV.NXT - 1 is taken too, since a peer that sent
 * its FIN and then aborted may number its RST before the FIN.
 */
static inline bool
sf_conn_rst_after_fin(const struct sf_conn *c, const struct sf_seg *s)
{
	return s->sg_seq == c->cn_rcv_nxt - 1 &&
		(c->cn_state == SF_CS_CLOSE_WAIT ||
		 c->cn_state == SF_CS_CLOSING ||
		 c->cn_state == SF_CS_LAST_ACK);
}

/*
 * tcp_disordered_ack(): a duplicate pure ACK (no data, at RCV.NXT,
 * acknowledging SND.UNA, the window unchanged) whose timestamp is behind
 * by less than an RTO may have been overtaken; PAWS lets it through.
 */
static inline bool
sf_conn_disordered_ack(const struct sf_conn *c, const struct sf_seg *s)
{
	return (s->sg_flags & SF_TH_ACK) && s->sg_seglen == 0 &&
		s->sg_seq == c->cn_rcv_nxt && s->sg_ack == c->cn_snd_una &&
		s->sg_win == c->cn_snd_wnd &&
		(int32_t)(c->cn_ts_recent - s->sg_opts.to_tsval) <=
		(int32_t)c->cn_rto_base;
}

/*
 * RFC 9293 3.10.7.4 "first" to "fourth", as Linux's
 * tcp_validate_incoming() orders them: the flags, the sequence number,
 * RST, SYN. Returns true when the segment goes on; otherwise *v is its
 * verdict (answered, dropped, or the connection ended).
 */
static bool
sf_conn_validate(struct sf_wtcp *wt, const struct sf_port *pt,
		struct sf_conn *c, struct sf_seg *s, enum sf_verdict *v)
{
	const struct sf_tcp_opts *to = &s->sg_opts;
	uint8_t f = s->sg_flags;

	/*
	 * None of ACK, SYN, RST: discarded before any other check, with no
	 * answer (tcp_rcv_established(), tcp_rcv_state_process()).
	 */
	if (!(f & (SF_TH_ACK | SF_TH_SYN | SF_TH_RST))) {
		*v = sf_drop(&wt->wt_net, SF_CNT_drop_tcp_conn_noack);
		return false;
	}
	/*
	 * PAWS (RFC 7323 5.3), before the sequence check as in Linux's
	 * tcp_validate_incoming(): a timestamp more than one behind
	 * TS.Recent (TCP_PAWS_WINDOW) marks an old duplicate, dropped with a
	 * duplicate ACK (rate limited as an out-of-window one), except a RST
	 * (taken even then, as Linux) and a duplicate pure ACK
	 * (tcp_disordered_ack()). Linux's exemption for a TS.Recent left
	 * alone 24 days is not applied (docs/datapath.md).
	 */
	if ((c->cn_neg.ng_flags & SF_CONN_F_TS) && (to->to_flags & SF_TOF_TS) &&
	    !(f & SF_TH_RST) && c->cn_ts_recent != 0 &&
	    (int32_t)(c->cn_ts_recent - to->to_tsval) > 1 &&
	    !sf_conn_disordered_ack(c, s)) {
		sf_count(&wt->wt_net, SF_CNT_paws_estab);
		*v = sf_conn_oow_ack(wt, pt, c, s, false);
		return false;
	}
	if (!sf_conn_acceptable(wt, c, s)) {
		if (!(f & SF_TH_RST))
			/* A SYN is challenged even here. */
			*v = sf_conn_oow_ack(wt, pt, c, s,
				(f & SF_TH_SYN) != 0);
		else if (!sf_conn_rst_after_fin(c, s))
			*v = sf_drop(&wt->wt_net, SF_CNT_drop_tcp_conn_oow);
		else {
			sf_conn_end(wt, c, SF_CLOSE_RESET);
			*v = SF_VERDICT_DONE;
		}
		return false;
	}
	/* RFC 7323 4.3: TS.Recent from a segment that starts in order. */
	if ((c->cn_neg.ng_flags & SF_CONN_F_TS) && (to->to_flags & SF_TOF_TS) &&
	    SF_SEQ_LEQ(s->sg_seq, c->cn_rcv_nxt))
		c->cn_ts_recent = to->to_tsval;
	/*
	 * "second, check the RST bit", RFC 5961 3.2: only a RST at exactly
	 * RCV.NXT resets; any other in-window RST draws a challenge ACK, so
	 * a blind attacker must hit one sequence number, not one window.
	 */
	if (f & SF_TH_RST) {
		if (s->sg_seq != c->cn_rcv_nxt && !sf_conn_rst_after_fin(c, s)) {
			*v = sf_conn_oow_ack(wt, pt, c, s, true);
		} else {
			sf_conn_end(wt, c, SF_CLOSE_RESET);
			*v = SF_VERDICT_DONE;
		}
		return false;
	}
	/* "fourth, check the SYN bit", RFC 5961 4.2: challenged. */
	if (f & SF_TH_SYN) {
		*v = sf_conn_oow_ack(wt, pt, c, s, true);
		return false;
	}
	/* What is left has ACK: segments with none of the three went first. */
	return true;
}

/*
 * "fifth, check the ACK field": SND.UNA and SND.WND move, and our FIN,
 * once acknowledged, moves the state on (*fin_acked). Returns false when
 * the segment goes no further (*v: answered, or the connection ended).
 */
static bool
sf_conn_ack_in(struct sf_wtcp *wt, const struct sf_port *pt,
		struct sf_conn *c, struct sf_seg *s, bool *fin_acked,
		enum sf_verdict *v)
{
	/* "If the ACK acks something not yet sent ... send an ACK, drop". */
	if (SF_SEQ_GT(s->sg_ack, c->cn_snd_nxt)) {
		*v = sf_conn_oow_ack(wt, pt, c, s, false);
		return false;
	}
	/*
	 * RFC 5961 5.2 (RFC 9293 MAY-12), as Linux's tcp_ack(): an ACK
	 * below SND.UNA - MAX.SND.WND is a blind data injection, answered
	 * with a challenge ACK and dropped. MAX.SND.WND is the peer's
	 * largest window, but no more than the bytes acknowledged so far
	 * (none: every ACK below SND.UNA is too old).
	 */
	if (unlikely(SF_SEQ_LT(s->sg_ack, c->cn_snd_una))) {
		const struct sf_tcb *tb = &wt->wt_tcb[c->cn_id];
		uint32_t maxw = c->cn_snd_una - c->cn_iss - 1;

		/* Linux counts bytes_acked in 64 bits: past 2 GiB, the
		 * window alone. */
		if (!(c->cn_flags & SF_CNF_SND))
			maxw = 0;
		else if (tb->tb_acked_big)
			maxw = tb->tb_max_wnd;
		else
			maxw = RTE_MIN(maxw, tb->tb_max_wnd);
		if (SF_SEQ_LT(s->sg_ack, c->cn_snd_una - maxw)) {
			*v = sf_conn_oow_ack(wt, pt, c, s, true);
			return false;
		}
	}
	if (c->cn_flags & SF_CNF_SND) {
		sf_snd_ack(wt, c, s);
		if (c->cn_state == SF_CS_FREE) {
			*v = SF_VERDICT_DONE;
			return false;
		}
	} else {
		/* Nothing sent yet: only the window moves. */
		c->cn_snd_wnd = s->sg_win;
	}
	*fin_acked = (c->cn_flags & SF_CNF_CLOSING) &&
		sf_snd_fin_sent(wt, c) && c->cn_snd_una == c->cn_snd_nxt;
	if (!*fin_acked)
		return true;
	switch (c->cn_state) {
	case SF_CS_FIN_WAIT_1:
		c->cn_state = SF_CS_FIN_WAIT_2;
		/*
		 * FIN-WAIT-2 is bounded for a connection the application
		 * closed (Linux's tcp_fin_timeout, for orphans only). After
		 * a half-close the application still reads: the peer may
		 * send for as long as it likes, and keepalive or the idle
		 * timeout watch it instead.
		 */
		if (wt->wt_tcb[c->cn_id].tb_half)
			wt->wt_tcb[c->cn_id].tb_timers &= (uint8_t)~(1u <<
				SF_CT_REXMT | 1u << SF_CT_PERSIST);
		else
			sf_conn_2msl(wt, c, SF_FIN_WAIT2_MS);
		break;
	case SF_CS_CLOSING:
		sf_conn_time_wait(wt, c, false);
		break;
	case SF_CS_LAST_ACK:
		sf_conn_end(wt, c, SF_CLOSE_DONE);
		*v = SF_VERDICT_DONE;
		return false;
	default:
		break;
	}
	return true;
}

/*
 * Bytes [from, from + len) of c, RCV.NXT moving past them, up to on_data
 * when the application gave one and accepted the connection (else they
 * are acknowledged and dropped, RFC 863 discard). RCV.NXT moves first, so
 * a close from inside on_data acknowledges them. Returns what co_data
 * does: 0 (m is still the worker's), 1 (m left with the bytes), or
 * -ENOBUFS (nothing handed up, RCV.NXT back where it was).
 */
static int
sf_conn_deliver(struct sf_wtcp *wt, struct sf_conn *c, struct rte_mbuf *m,
		const uint8_t *data, uint32_t from, uint32_t len)
{
	int ret;

	c->cn_rcv_nxt = from + len;
	if (c->cn_on_data == NULL || !(c->cn_flags & SF_CNF_ACCEPTED))
		return 0;
	ret = sf_conn_ops(c)->co_data(c, m, data, len);
	if (ret < 0) {
		c->cn_rcv_nxt = from;
		return ret;
	}
	sf_count(&wt->wt_net, SF_CNT_data_delivered);
	sf_count_n(&wt->wt_net, SF_CNT_data_delivered_bytes, len);
	return ret;
}

/*
 * Bytes beyond a gap (tcp_data_queue_ofo()): the frame, cut down to the
 * bytes in the window that are not queued already, joins the queue in
 * order, and waits for the gap to fill. Returns 1 when it was queued
 * (the worker's queue holds it now), 0 when not (all queued already, or
 * the queue full: counted).
 */
static int
sf_conn_ofo_add(struct sf_wtcp *wt, struct sf_conn *c, const struct sf_seg *s)
{
	struct sf_tcb *tb = &wt->wt_tcb[c->cn_id];
	uint32_t seq = s->sg_seq, end = s->sg_seq + s->sg_len;
	uint32_t right = (c->cn_flags & SF_CNF_SND) ?
		wt->wt_tcb[c->cn_id].tb_rcv_right :
		c->cn_rcv_nxt + sf_conn_rcv_wnd(c);
	const uint8_t *data = s->sg_data;
	struct rte_mbuf *m = s->sg_m, **pp, *q;

	if (tb->tb_ofo_n >= SF_OFO_MAX_SEGS ||
	    wt->wt_ofo_mbufs >= wt->wt_ofo_max) {
		sf_count(&wt->wt_net, SF_CNT_ofo_drop);
		return 0;
	}
	if (SF_SEQ_GT(end, right))
		end = right;
	/*
	 * It begins at the window's right edge (acceptable: RFC 9293's rule
	 * as Linux reads it), with no byte inside: answered, nothing kept,
	 * as Linux's tcp_data_queue() drops it out of window.
	 */
	if (!SF_SEQ_GT(end, seq))
		return 0;
	/* Past the queued segments that end before it begins. */
	for (pp = &tb->tb_ofo; *pp != NULL && SF_SEQ_LEQ(sf_seqm_end(*pp), seq);
	     pp = &sf_seqm(*pp)->sm_next)
		;
	/* One that begins at or before it: its front is queued already. */
	if (*pp != NULL && SF_SEQ_LEQ(sf_seqm(*pp)->sm_seq, seq)) {
		if (SF_SEQ_GEQ(sf_seqm_end(*pp), end)) {
			sf_count(&wt->wt_net, SF_CNT_ofo_merge);
			return 0;
		}
		data += sf_seqm_end(*pp) - seq;
		seq = sf_seqm_end(*pp);
		pp = &sf_seqm(*pp)->sm_next;
	}
	/* Queued segments inside it go; one it runs into cuts its end. */
	while ((q = *pp) != NULL && SF_SEQ_LT(sf_seqm(q)->sm_seq, end)) {
		if (SF_SEQ_GT(sf_seqm_end(q), end)) {
			end = sf_seqm(q)->sm_seq;
			break;
		}
		*pp = sf_seqm(q)->sm_next;
		rte_pktmbuf_free(q);
		wt->wt_ofo_mbufs--;
		tb->tb_ofo_n--;
	}
	/* Every byte of it is queued already (in two or more pieces). */
	if (!SF_SEQ_GT(end, seq)) {
		sf_count(&wt->wt_net, SF_CNT_ofo_merge);
		return 0;
	}
	rte_pktmbuf_adj(m, (uint16_t)(data - rte_pktmbuf_mtod(m,
		const uint8_t *)));
	rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_pkt_len(m) - (end - seq)));
	sf_seqm(m)->sm_seq = seq;
	sf_seqm(m)->sm_next = *pp;
	*pp = m;
	tb->tb_ofo_n++;
	tb->tb_sack_last = seq;
	wt->wt_ofo_mbufs++;
	sf_count(&wt->wt_net, SF_CNT_ofo_queue);
	return 1;
}

/*
 * The gap before the queue's head filled: the bytes now in order leave
 * the queue, RCV.NXT moving past them (tcp_ofo_queue()). One an
 * application context cannot take yet (-ENOBUFS) stays at the head; the
 * next segment of the connection tries again.
 */
static void
sf_conn_ofo_drain(struct sf_wtcp *wt, struct sf_conn *c)
{
	struct sf_tcb *tb = &wt->wt_tcb[c->cn_id];
	struct rte_mbuf *m;
	uint32_t from, end;
	int ret;

	while ((m = tb->tb_ofo) != NULL &&
	       SF_SEQ_LEQ(sf_seqm(m)->sm_seq, c->cn_rcv_nxt)) {
		from = c->cn_rcv_nxt;
		end = sf_seqm_end(m);
		/* Off the queue first: handed up, m may be gone at once. */
		tb->tb_ofo = sf_seqm(m)->sm_next;
		tb->tb_ofo_n--;
		wt->wt_ofo_mbufs--;
		ret = 0;
		if (SF_SEQ_GT(end, from))
			ret = sf_conn_deliver(wt, c, m,
				rte_pktmbuf_mtod(m, const uint8_t *) +
				(from - sf_seqm(m)->sm_seq), from, end - from);
		if (ret < 0) {
			tb->tb_ofo = m;
			tb->tb_ofo_n++;
			wt->wt_ofo_mbufs++;
			return;
		}
		if (ret == 0)
			rte_pktmbuf_free(m);
		/* on_data reset it: its queue went with it. */
		if (c->cn_state == SF_CS_FREE)
			return;
	}
}

/*
 * "seventh, process the segment text": taken while we may still
 * receive. New in-order bytes (what lies past RCV.NXT, repeated bytes cut
 * off) go up (sf_conn_deliver()), then whatever of the out-of-order queue
 * they bring in order; bytes beyond a gap are queued. Sets *dup when
 * nothing came in order (a duplicate, or beyond a gap: a duplicate ACK,
 * with SACK blocks when SACK is on, tells the peer where we are).
 * Returns 0, 1 when the frame left the worker (handed up with its bytes,
 * or queued), or -ENOBUFS when its bytes could not be handed up: RCV.NXT
 * stays, and the segment is dropped unanswered.
 */
static int
sf_conn_data_in(struct sf_wtcp *wt, struct sf_conn *c, const struct sf_seg *s,
		bool *dup)
{
	uint32_t end = s->sg_seq + s->sg_len, from = c->cn_rcv_nxt;
	struct sf_tcb *tb = &wt->wt_tcb[c->cn_id];
	int ret = 0;

	*dup = false;
	if (s->sg_len == 0 || (c->cn_state != SF_CS_ESTABLISHED &&
			       c->cn_state != SF_CS_FIN_WAIT_1 &&
			       c->cn_state != SF_CS_FIN_WAIT_2))
		return 0;
	if (SF_SEQ_GT(s->sg_seq, from)) {
		*dup = true;
		return sf_conn_ofo_add(wt, c, s);
	}
	if (!SF_SEQ_GT(end, from)) {
		/* Every byte came before: a duplicate, answered at once. */
		sf_count(&wt->wt_net, SF_CNT_data_dup);
		*dup = true;
	} else {
		ret = sf_conn_deliver(wt, c, s->sg_m, s->sg_data +
			(from - s->sg_seq), from, end - from);
		if (ret < 0)
			return ret;
	}
	if (tb->tb_ofo != NULL && c->cn_state != SF_CS_FREE)
		sf_conn_ofo_drain(wt, c);
	return ret;
}

/*
 * "eighth, check the FIN bit": only a FIN in sequence counts; the state
 * moves on. Returns true for a new FIN; *dup for a retransmitted one
 * (our ACK was lost).
 */
static bool
sf_conn_fin_in(struct sf_wtcp *wt, struct sf_conn *c,
		const struct sf_seg *s, bool fin_acked, bool *dup)
{
	if (!(s->sg_flags & SF_TH_FIN))
		return false;
	if (c->cn_flags & SF_CNF_PEERFIN) {
		*dup = true;
		return false;
	}
	if (s->sg_seq + s->sg_len != c->cn_rcv_nxt)
		return false;
	c->cn_rcv_nxt++;
	c->cn_flags |= SF_CNF_PEERFIN;
	switch (c->cn_state) {
	case SF_CS_ESTABLISHED:
		c->cn_state = SF_CS_CLOSE_WAIT;
		break;
	case SF_CS_FIN_WAIT_1:
		if (fin_acked)
			sf_conn_time_wait(wt, c, true);
		else
			c->cn_state = SF_CS_CLOSING;
		break;
	case SF_CS_FIN_WAIT_2:
		sf_conn_time_wait(wt, c, true);
		break;
	default:
		break;
	}
	return true;
}

/*
 * Acknowledge now, or let the ACK wait (Linux's __tcp_ack_snd_check()):
 * now for a duplicate or out-of-order segment and a FIN (must, given),
 * while quick ACKs are owed (the first SF_QUICKACKS data segments, and
 * again after data out of order), and when more than one full-sized
 * segment (the largest the peer sent) went unacknowledged: every second
 * one. Otherwise the delayed-ACK timer sends it within SF_DELACK_MS,
 * unless an ACK goes out before.
 */
static bool
sf_conn_ack_now(struct sf_wtcp *wt, struct sf_conn *c, const struct sf_seg *s,
		bool must)
{
	struct sf_tcb *tb = &wt->wt_tcb[c->cn_id];

	if (s->sg_len > tb->tb_rcv_mss)
		tb->tb_rcv_mss = (uint16_t)RTE_MIN(s->sg_len, (uint32_t)UINT16_MAX);
	if (must || tb->tb_ofo != NULL) {
		tb->tb_quick = SF_QUICKACKS;
		return true;
	}
	if (tb->tb_quick != 0) {
		tb->tb_quick--;
		return true;
	}
	if (c->cn_rcv_nxt - c->cn_rcv_adv > tb->tb_rcv_mss)
		return true;
	if (!(tb->tb_timers & 1u << SF_CT_DELACK))
		sf_conn_timer_set(wt, c, SF_CT_DELACK, SF_DELACK_MS);
	return false;
}

/* A segment for a connection: RFC 9293 3.10.7.4, step by step. */
enum sf_verdict
sf_conn_input(struct sf_wtcp *wt, const struct sf_port *pt, uint32_t id,
		struct sf_seg *s)
{
	struct sf_conn *c = sf_conn(wt, id);
	bool fin_acked = false, dup, fin;
	enum sf_verdict v;
	int gone;

	if (c->cn_state == SF_CS_TIME_WAIT)
		return sf_conn_timewait(wt, pt, c, s);
	if (unlikely(c->cn_state == SF_CS_SYN_SENT))
		return sf_connect_input(wt, pt, c, s);
	if (unlikely(c->cn_state == SF_CS_SPLICED))
		return wt->wt_splice->sp_input(wt, pt, c, s);
	if (!sf_conn_validate(wt, pt, c, s, &v) ||
	    !sf_conn_ack_in(wt, pt, c, s, &fin_acked, &v))
		return v;
	if (unlikely(wt->wt_tcb[c->cn_id].tb_keep != 0)) {
		/* The peer is there: silence counts from now. */
		wt->wt_tcb[c->cn_id].tb_last_rx = wt->wt_net.nt_now;
		wt->wt_tcb[c->cn_id].tb_kprobes = 0;
	}
	gone = sf_conn_data_in(wt, c, s, &dup);
	if (gone < 0)
		return sf_drop(&wt->wt_net, SF_CNT_drop_tcp_data_ring_full);
	/* on_data may have reset it: the frame is then just done with. */
	if (c->cn_state == SF_CS_FREE)
		return gone ? SF_VERDICT_KEPT : SF_VERDICT_DONE;
	fin = sf_conn_fin_in(wt, c, s, fin_acked, &dup);
	if (fin)
		sf_conn_peer_fin(wt, c);
	if (c->cn_state != SF_CS_FREE &&
	    (dup || c->cn_rcv_adv != c->cn_rcv_nxt) &&
	    sf_conn_ack_now(wt, c, s, dup || fin)) {
		if (!gone)
			return sf_conn_reply(wt, pt, c, s, c->cn_snd_nxt,
				SF_TH_ACK);
		/* The frame left with its bytes: the ACK in an mbuf of its own. */
		sf_conn_ctl(wt, c, c->cn_snd_nxt, SF_TH_ACK);
	}
	return gone ? SF_VERDICT_KEPT : SF_VERDICT_DONE;
}

/*
 * Path MTU discovery (RFC 1191, RFC 8201) as Linux's tcp_v4_err() /
 * tcp_v6_err() and tcp_v4_mtu_reduced(): a "fragmentation needed" or
 * "packet too big" quoting a segment between SND.UNA and SND.NXT lowers
 * the MSS to what fits the reported MTU (never below 552 bytes for IPv4,
 * Linux's ip_rt_min_pmtu, nor 1280 for IPv6, RFC 8201 4), options of
 * every segment included; one that would not lower it, or any other
 * error, is only counted. Nothing answers an ICMP error.
 */
enum sf_verdict
sf_conn_icmp_err(struct sf_wtcp *wt, uint32_t id, uint32_t seq,
		uint32_t mtu)
{
	struct sf_conn *c = sf_conn(wt, id);
	const struct sf_flow_key *k = sf_ftab_key(&wt->wt_conntab, id);
	bool v4 = k != NULL && k->fk_family == AF_INET;
	uint32_t mss;

	/*
	 * tcp_v4_err() / tcp_v6_err() in SYN-SENT: any error quoting our
	 * SYN but a "fragmentation needed" or "packet too big" ends the
	 * open at once, soft or hard (Linux's EHOSTUNREACH, ECONNREFUSED).
	 */
	if (c->cn_state == SF_CS_SYN_SENT) {
		if (mtu != 0 || seq != c->cn_iss)
			return sf_drop(&wt->wt_net, SF_CNT_drop_icmp_err_conn);
		sf_count(&wt->wt_net, SF_CNT_connect_unreach);
		sf_conn_end(wt, c, SF_CLOSE_UNREACH);
		return SF_VERDICT_DONE;
	}

	if (mtu == 0 || k == NULL || c->cn_state == SF_CS_TIME_WAIT)
		return sf_drop(&wt->wt_net, SF_CNT_drop_icmp_err_conn);
	if (SF_SEQ_LT(seq, c->cn_snd_una) || SF_SEQ_GT(seq, c->cn_snd_nxt))
		return sf_drop(&wt->wt_net, SF_CNT_drop_icmp_err_oow);
	mtu = RTE_MAX(mtu, v4 ? 552u : 1280u);
	mss = mtu - (v4 ? 40u : 60u);
	if (c->cn_neg.ng_flags & SF_CONN_F_TS)
		mss -= 12;
	mss = RTE_MAX(mss, (uint32_t)SF_MIN_SND_MSS);
	if (mss >= c->cn_neg.ng_mss)
		return sf_drop(&wt->wt_net, SF_CNT_drop_icmp_err_conn);
	c->cn_neg.ng_mss = (uint16_t)mss;
	sf_count(&wt->wt_net, SF_CNT_icmp_err_pmtu);
	return SF_VERDICT_DONE;
}

/* FIN-WAIT-2 waited long enough for the peer's FIN, or TIME-WAIT ended. */
static void
sf_conn_2msl_end(struct sf_wtcp *wt, struct sf_conn *c)
{
	if (c->cn_state == SF_CS_FIN_WAIT_2)
		sf_count(&wt->wt_net, SF_CNT_conn_timeouts);
	sf_conn_end(wt, c, SF_CLOSE_DONE);
}

/*
 * Room came back in the send queue, and with it window: when the
 * window we could offer is at least twice what the peer was told and a
 * segment more, an ACK tells it (Linux's __tcp_cleanup_rbuf() rule).
 */
void
sf_conn_wnd_update(struct sf_wtcp *wt, struct sf_conn *c)
{
	const struct sf_tcb *tb = &wt->wt_tcb[c->cn_id];
	uint32_t cur = tb->tb_rcv_right - c->cn_rcv_nxt;
	uint32_t now = sf_conn_wnd_bytes(wt, c);

	if ((int32_t)cur < 0)
		cur = 0;
	if (c->cn_state != SF_CS_ESTABLISHED && c->cn_state != SF_CS_FIN_WAIT_1 &&
	    c->cn_state != SF_CS_FIN_WAIT_2)
		return;
	if (now >= 2 * cur && now - cur >= tb->tb_rcv_mss)
		sf_conn_ctl(wt, c, c->cn_snd_nxt, SF_TH_ACK);
}

/*
 * The connection's silence is watched (its listener's keepalive_ms or
 * idle_timeout_ms, read at birth): from now, and whenever an acceptable
 * segment comes (sf_conn_input()).
 */
static void
sf_conn_keep_start(struct sf_wtcp *wt, struct sf_conn *c,
		const struct sf_listener_params *lp)
{
	struct sf_tcb *tb = &wt->wt_tcb[c->cn_id];
	uint32_t first = UINT32_MAX;

	tb->tb_keep = 0;
	if (lp->keepalive_ms != 0) {
		tb->tb_keep |= SF_TBK_KEEPALIVE;
		first = lp->keepalive_ms;
	}
	if (lp->idle_timeout_ms != 0) {
		tb->tb_keep |= SF_TBK_IDLE;
		first = RTE_MIN(first, lp->idle_timeout_ms);
	}
	tb->tb_kprobes = 0;
	tb->tb_last_rx = wt->wt_net.nt_now;
	sf_conn_timer_set(wt, c, SF_CT_KEEP, first);
}

/* A peer that went silent: RST, and on_close(SF_CLOSE_TIMEOUT). */
static void
sf_conn_silent_end(struct sf_wtcp *wt, struct sf_conn *c,
		enum sf_counter why)
{
	sf_count(&wt->wt_net, why);
	sf_count(&wt->wt_net, SF_CNT_conn_timeouts);
	sf_conn_ctl(wt, c, c->cn_snd_nxt, SF_TH_RST | SF_TH_ACK);
	sf_conn_end(wt, c, SF_CLOSE_TIMEOUT);
}

/*
 * The keepalive timer (Linux's tcp_keepalive_timer(), the idle timeout
 * beside it), lazily: a segment only moves tb_last_rx, and the timer,
 * when it fires, works out from it what is due. The settings are the
 * listener's now (a listener update applies to its connections from the
 * next look; one that turns a watch off ends it). Only ESTABLISHED,
 * CLOSE-WAIT and FIN-WAIT-2 after a half-close are watched: the other
 * closing states end by their own timers.
 * Keepalive probes wait while data or our FIN is unacknowledged (the
 * retransmission timer watches the peer then), and are ACKs with
 * SEQ = SND.UNA - 1, which any live peer answers.
 */
static void
sf_conn_keepalive(struct sf_wtcp *wt, struct sf_conn *c)
{
	const struct sf_listener_params *lp =
		&wt->wt_et->et_listeners[c->cn_listener].ls_p;
	struct sf_tcb *tb = &wt->wt_tcb[c->cn_id];
	uint32_t now = wt->wt_net.nt_now, idle = now - tb->tb_last_rx;
	uint32_t next = UINT32_MAX, t;

	if (c->cn_state != SF_CS_ESTABLISHED &&
	    c->cn_state != SF_CS_CLOSE_WAIT &&
	    (c->cn_state != SF_CS_FIN_WAIT_2 || !tb->tb_half))
		return;
	t = __atomic_load_n(&lp->idle_timeout_ms, __ATOMIC_RELAXED);
	if ((tb->tb_keep & SF_TBK_IDLE) && t != 0) {
		if (idle >= t) {
			sf_conn_silent_end(wt, c, SF_CNT_idle_timeouts);
			return;
		}
		next = t - idle;
	}
	t = __atomic_load_n(&lp->keepalive_ms, __ATOMIC_RELAXED);
	if ((tb->tb_keep & SF_TBK_KEEPALIVE) && t != 0) {
		if (c->cn_snd_una != c->cn_snd_nxt) {
			next = RTE_MIN(next, t);
		} else if (idle >= t) {
			if (tb->tb_kprobes >= lp->keepalive_probes) {
				sf_conn_silent_end(wt, c,
					SF_CNT_keepalive_aborts);
				return;
			}
			sf_conn_ctl(wt, c, c->cn_snd_una - 1, SF_TH_ACK);
			sf_count(&wt->wt_net, SF_CNT_keepalive_probes);
			tb->tb_kprobes++;
			next = RTE_MIN(next, lp->keepalive_intvl_ms);
		} else {
			next = RTE_MIN(next, t - idle);
		}
	}
	if (next != UINT32_MAX)
		sf_conn_timer_set(wt, c, SF_CT_KEEP, next);
}

/* The delayed ACK is due: the bytes since our last ACK, acknowledged. */
static void
sf_conn_delack(struct sf_wtcp *wt, struct sf_conn *c)
{
	if (c->cn_rcv_adv == c->cn_rcv_nxt)
		return;
	sf_conn_ctl(wt, c, c->cn_snd_nxt, SF_TH_ACK);
	sf_count(&wt->wt_net, SF_CNT_delayed_acks);
}

/* The wheel slot of connection id fired: every kind that is due. */
void
sf_conn_timer(struct sf_wtcp *wt, uint32_t id)
{
	struct sf_conn *c = sf_conn(wt, id);
	struct sf_tcb *tb = &wt->wt_tcb[id];
	uint32_t now = wt->wt_net.nt_now;
	unsigned int k;

	if (unlikely(c->cn_state == SF_CS_SPLICED)) {
		tb->tb_timers = 0;
		wt->wt_splice->sp_timer(wt, c);
		return;
	}
	for (k = 0; k < SF_CT_MAX && c->cn_state != SF_CS_FREE; k++) {
		if (!(tb->tb_timers & 1u << k) || SF_SEQ_GT(tb->tb_at[k], now))
			continue;
		tb->tb_timers &= (uint8_t)~(1u << k);
		if (k == SF_CT_REXMT && c->cn_state == SF_CS_SYN_SENT)
			sf_connect_rexmt(wt, c);
		else if (k == SF_CT_REXMT)
			sf_snd_rexmt(wt, c);
		else if (k == SF_CT_2MSL)
			sf_conn_2msl_end(wt, c);
		else if (k == SF_CT_DELACK)
			sf_conn_delack(wt, c);
		else if (k == SF_CT_PERSIST)
			sf_snd_persist(wt, c);
		else
			sf_conn_keepalive(wt, c);
	}
	/* Kinds still to come (the wheel slot fired and is free). */
	if (c->cn_state != SF_CS_FREE && tb->tb_timers != 0)
		sf_conn_timers_arm(wt, c);
}


int
sf_conn_live(const struct sf_conn *c, uint32_t gen)
{
	if (c->cn_state == SF_CS_FREE ||
	    __atomic_load_n(&c->cn_gen, __ATOMIC_RELAXED) != gen ||
	    (c->cn_flags & SF_CNF_DYING))
		return -ENOTCONN;
	return 0;
}

/*
 * Our FIN: FIN-WAIT-1 or LAST-ACK at once (as Linux's tcp_close()); the
 * FIN itself leaves after the queued bytes (sf_snd_output()).
 */
static int
sf_conn_fin(struct sf_wtcp *wt, struct sf_conn *c)
{
	if (c->cn_flags & (SF_CNF_CLOSING | SF_CNF_DYING))
		return -EALREADY;
	sf_snd_setup(wt, c);
	c->cn_flags |= SF_CNF_CLOSING;
	c->cn_state = c->cn_state == SF_CS_CLOSE_WAIT ? SF_CS_LAST_ACK :
		SF_CS_FIN_WAIT_1;
	sf_snd_output(wt, c);
	return 0;
}

/*
 * The application's FIN: sf_conn_close(), or sf_conn_shutdown() (the
 * same FIN here, counted apart).
 */
int
sf_conn_fin_local(struct sf_conn *c, bool shutdown)
{
	int ret;

	/* Linux's close() in SYN-SENT: the open is given up, nothing sent. */
	if (c->cn_state == SF_CS_SYN_SENT && !(c->cn_flags & SF_CNF_DYING)) {
		sf_count(&c->cn_wt->wt_net, SF_CNT_connect_abandoned);
		sf_conn_release(c->cn_wt, c);
		return 0;
	}
	ret = sf_conn_fin(c->cn_wt, c);

	if (ret == 0 && shutdown)
		c->cn_wt->wt_tcb[c->cn_id].tb_half = 1;
	if (ret == 0)
		sf_count(&c->cn_wt->wt_net, shutdown ? SF_CNT_app_shutdowns :
			SF_CNT_app_closes);
	return ret;
}

int
sf_conn_reset_local(struct sf_conn *c)
{
	struct sf_wtcp *wt = c->cn_wt;

	if (c->cn_flags & SF_CNF_DYING)
		return -EALREADY;
	/* tcp_need_reset(): nothing to reset before the peer answered. */
	if (c->cn_state == SF_CS_SYN_SENT) {
		sf_count(&wt->wt_net, SF_CNT_connect_abandoned);
		sf_conn_release(wt, c);
		return 0;
	}
	/* tcp_send_active_reset(): RST|ACK at SND.NXT. */
	sf_conn_ctl(wt, c, c->cn_snd_nxt, SF_TH_RST | SF_TH_ACK);
	sf_count(&wt->wt_net, SF_CNT_app_resets);
	sf_conn_release(wt, c);
	return 0;
}

void
sf_conn_set_user(struct sf_conn *c, void *user)
{
	c->cn_user = user;
}

void *
sf_conn_get_user(const struct sf_conn *c)
{
	return c->cn_user;
}

__rte_always_inline void
sf_conn_get_info(const struct sf_conn *c, struct sf_conn_info *ci)
{
	const struct sf_flow_key *k =
		sf_ftab_key(&c->cn_wt->wt_conntab, c->cn_id);

	memset(ci, 0, sizeof(*ci));
	if (k != NULL) {
		ci->local.family = ci->remote.family = k->fk_family;
		if (k->fk_family == AF_INET) {
			ci->local.v4 = k->fk_laddr[0];
			ci->remote.v4 = k->fk_raddr[0];
			ci->local.prefix_len = ci->remote.prefix_len = 32;
		} else {
			memcpy(ci->local.v6, k->fk_laddr, 16);
			memcpy(ci->remote.v6, k->fk_raddr, 16);
			ci->local.prefix_len = ci->remote.prefix_len = 128;
		}
		ci->local_port = rte_be_to_cpu_16(k->fk_lport);
		ci->remote_port = rte_be_to_cpu_16(k->fk_rport);
	}
	ci->port_id = c->cn_port;
	ci->listener = c->cn_listener;
	ci->iss = c->cn_iss;
	ci->irs = c->cn_irs;
	ci->mss = c->cn_neg.ng_mss;
	ci->snd_wscale = c->cn_neg.ng_snd_wscale;
	ci->rcv_wscale = c->cn_neg.ng_rcv_wscale;
	ci->flags = c->cn_neg.ng_flags;
	ci->worker = c->cn_wt->wt_net.nt_idx;
}

/*
 * A listener was removed: the connections still in its accept queue are
 * reset, as inet_csk_listen_stop() disconnects the children nobody
 * accepted. Accepted ones (and those in an accept ring, which their
 * application context resets) stay.
 */
void
sf_conn_purge(struct sf_wtcp *wt)
{
	const struct sf_listener *lsa = wt->wt_et->et_listeners;
	unsigned int i;

	for (i = 0; i < SF_MAX_LISTENERS; i++) {
		if (__atomic_load_n(&lsa[i].ls_state, __ATOMIC_ACQUIRE) ==
		    SF_LS_ACTIVE)
			continue;
		while (wt->wt_aq[i].aq_head != SF_TW_NONE) {
			struct sf_conn *c = sf_conn(wt, wt->wt_aq[i].aq_head);

			sf_conn_ctl(wt, c, c->cn_snd_nxt,
				SF_TH_RST | SF_TH_ACK);
			sf_conn_release(wt, c);
			sf_count(&wt->wt_net, SF_CNT_listener_purged_conns);
		}
	}
}

const char *
sf_close_reason_name(enum sf_close_reason why)
{
	static const char *const names[SF_CLOSE_MAX] = {
		[SF_CLOSE_PEER_FIN] = "peer_fin",
		[SF_CLOSE_RESET] = "reset",
		[SF_CLOSE_DONE] = "done",
		[SF_CLOSE_ABORT] = "abort",
		[SF_CLOSE_TIMEOUT] = "timeout",
		[SF_CLOSE_REFUSED] = "refused",
		[SF_CLOSE_UNREACH] = "unreachable",
	};

	return (unsigned int)why < SF_CLOSE_MAX ? names[why] : "?";
}
