/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * The send side of a connection (docs/datapath.md): the send queue, what
 * leaves when, and what brings it back.
 *
 * The queue holds the application's bytes in mbufs, from the oldest
 * unacknowledged byte on, each mbuf once: a segment is a fresh header
 * mbuf with the queued bytes chained behind it by reference (the whole
 * mbuf with its reference count raised, or a clone of part of it), so
 * neither a first transmission nor a retransmission copies a byte, on
 * a port that sends chained mbufs (RTE_ETH_TX_OFFLOAD_MULTI_SEGS); on
 * another the bytes are copied behind the header.
 *
 * What leaves, and when, as RFC 5681 and Linux's tcp_write_xmit() and
 * tcp_ack(): within the peer's window (its scale applied) and the
 * congestion window, which starts at ten segments (RFC 6928), grows by
 * the bytes acknowledged in slow start and by a segment per window in
 * congestion avoidance (NewReno); segments of at most the connection's
 * MSS (lowered by path MTU discovery), and Nagle's algorithm off: what
 * the application queues leaves at once when the windows let it.
 *
 * Loss: the retransmission timer (RFC 6298: SRTT and RTTVAR from
 * timestamps when both sides use them, else from one segment timed at a
 * time under Karn's rule; 200 ms at least as Linux's TCP_RTO_MIN,
 * doubling on each timeout up to 120 s, given up after tcp_retries2)
 * sends the oldest unacknowledged segment and then, as ACKs come, the
 * rest of what was in flight (go-back-N in slow start, skipping what the
 * peer SACKed). Three duplicate ACKs start fast retransmit and fast
 * recovery: NewReno (RFC 6582) without SACK, one hole per partial ACK;
 * with SACK, the conservative loss recovery of RFC 6675, every hole below
 * the highest SACKed byte retransmitted as the pipe estimate allows. A
 * peer's zero window with nothing in flight is probed (RFC 9293
 * 3.8.6.1) as Linux's tcp_probe_timer() does, with a bare ACK below
 * SND.UNA that makes the peer state its window.
 */

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <rte_mbuf.h>

#include "sf_tcp_pvt.h"

/* Linux's TCP_RTO_MIN. */
#define SF_RTO_MIN_MS 200
/* Duplicate ACKs that mean a segment was lost (RFC 5681 DupThresh). */
#define SF_DUPTHRESH 3
/*
 * Timeouts in a row a connection survives once its FIN is due: what
 * sf_conn_close()'s FIN always had (Linux's tcp_orphan_retries of 0
 * means 8; a front end gives up sooner).
 */
#define SF_ORPHAN_RETRIES 5

/* Mbufs of one segment sent by reference, its header's included. */
#define SF_TX_SEGS_MAX 8

static inline struct sf_tcb *
sf_tcb(struct sf_wtcp *wt, const struct sf_conn *c)
{
	return &wt->wt_tcb[c->cn_id];
}

/* The peer's window in bytes, its scale applied (RFC 7323 2.3). */
static inline uint32_t
sf_snd_wnd(const struct sf_conn *c)
{
	return (uint32_t)c->cn_snd_wnd << c->cn_neg.ng_snd_wscale;
}

/* Room left in the send budget (sndbuf less the queue's charge). */
static inline uint32_t
sf_snd_room(const struct sf_wtcp *wt, const struct sf_tcb *tb)
{
	uint32_t b = wt->wt_et->et_sndbuf;

	return tb->tb_snd_charge < b ? b - tb->tb_snd_charge : 0;
}

/*
 * The send queues of a worker may hold half of the pool shared out over
 * the workers: with the out-of-order queues' eighth, three eighths stay
 * for the receive rings and the segments being built.
 */
uint32_t
sf_snd_max_mbufs(const struct sf_wtcp *wt)
{
	const struct rte_mempool *mp = wt->wt_net.nt_pool;
	uint32_t n = mp != NULL ? mp->size / 2 /
		RTE_MAX(wt->wt_et->et_nb_workers, 1u) : 0;

	return n;
}

void
sf_snd_setup(struct sf_wtcp *wt, struct sf_conn *c)
{
	struct sf_tcb *tb = sf_tcb(wt, c);
	uint32_t mss = c->cn_neg.ng_mss;

	if (c->cn_flags & SF_CNF_SND)
		return;
	tb->tb_snd = tb->tb_snd_tail = tb->tb_snd_hint = NULL;
	tb->tb_snd_end = c->cn_snd_nxt;
	tb->tb_snd_charge = 0;
	tb->tb_snd_wl1 = c->cn_rcv_nxt;
	tb->tb_snd_wl2 = c->cn_snd_una;
	/* RFC 6928: min(10 MSS, max(2 MSS, 14600)). */
	tb->tb_cwnd = RTE_MIN(10 * mss, RTE_MAX(2 * mss, 14600u));
	tb->tb_ssthresh = UINT32_MAX;
	tb->tb_srtt = 0;
	tb->tb_rttvar = 0;
	/* RFC 6298 2.1: 1 s, the listener's first SYN-ACK timeout. */
	tb->tb_rto = c->cn_rto_base;
	tb->tb_rtt_on = 0;
	tb->tb_recover = c->cn_snd_una;
	tb->tb_rtx_nxt = tb->tb_lost_end = c->cn_snd_una;
	tb->tb_sacked = 0;
	tb->tb_retrans = 0;
	tb->tb_dupacks = 0;
	tb->tb_probes = 0;
	tb->tb_ca = SF_CA_OPEN;
	tb->tb_backoff = 0;
	tb->tb_want_wr = 0;
	tb->tb_half = 0;
	tb->tb_acked_big = 0;
	tb->tb_max_wnd = sf_snd_wnd(c);
	tb->tb_rcv_right = sf_conn_rcv_right(wt, c);
	c->cn_flags |= SF_CNF_SND;
}

/* Free the send queue (the connection ends). */
void
sf_snd_purge(struct sf_wtcp *wt, struct sf_tcb *tb)
{
	struct rte_mbuf *m;

	while ((m = tb->tb_snd) != NULL) {
		tb->tb_snd = sf_seqm(m)->sm_next;
		rte_pktmbuf_free(m);
		wt->wt_snd_mbufs--;
	}
	tb->tb_snd_tail = tb->tb_snd_hint = NULL;
	tb->tb_snd_charge = 0;
}

/* The mbuf that holds byte seq, or NULL past the queue's end. */
static struct rte_mbuf *
sf_snd_find(struct sf_tcb *tb, uint32_t seq)
{
	struct rte_mbuf *m = tb->tb_snd_hint;

	if (m == NULL || SF_SEQ_GT(sf_seqm(m)->sm_seq, seq))
		m = tb->tb_snd;
	while (m != NULL && SF_SEQ_LEQ(sf_seqm_end(m), seq))
		m = sf_seqm(m)->sm_next;
	if (m != NULL)
		tb->tb_snd_hint = m;
	return m;
}

/*
 * What an mbuf of len bytes costs the send budget: at least an MSS, so
 * that a connection's queue of small sends, each in an mbuf of its own,
 * holds no more mbufs than one of full-sized ones (Linux charges an
 * skb's truesize to sk_wmem_queued for the same reason).
 */
static inline uint16_t
sf_snd_charge(uint32_t len, uint16_t mss)
{
	return (uint16_t)RTE_MAX(len, (uint32_t)mss);
}

/*
 * m (one segment, its bytes only) joins the end of the queue, costing
 * the budget charge (0: as sf_snd_charge() says).
 */
static void
sf_snd_append(struct sf_wtcp *wt, const struct sf_conn *c,
		struct sf_tcb *tb, struct rte_mbuf *m, uint16_t charge)
{
	if (charge == 0)
		charge = sf_snd_charge(rte_pktmbuf_data_len(m),
			c->cn_neg.ng_mss);
	sf_seqm(m)->sm_next = NULL;
	sf_seqm(m)->sm_seq = tb->tb_snd_end;
	sf_seqm(m)->sm_flags = 0;
	sf_seqm(m)->sm_charge = charge;
	tb->tb_snd_charge += charge;
	if (tb->tb_snd_tail != NULL)
		sf_seqm(tb->tb_snd_tail)->sm_next = m;
	else
		tb->tb_snd = m;
	tb->tb_snd_tail = m;
	tb->tb_snd_end += rte_pktmbuf_data_len(m);
	wt->wt_snd_mbufs++;
}

/*
 * Whether c may queue bytes: not after our FIN, not before accept, not
 * before the handshake of an active open is done.
 */
static int
sf_snd_may(const struct sf_conn *c)
{
	if ((c->cn_flags & SF_CNF_DYING) || c->cn_state == SF_CS_SYN_SENT)
		return -ENOTCONN;
	if ((c->cn_flags & SF_CNF_CLOSING) ||
	    (c->cn_state != SF_CS_ESTABLISHED &&
	     c->cn_state != SF_CS_CLOSE_WAIT))
		return -EPIPE;
	return 0;
}

int
sf_snd_copy(struct sf_conn *c, const void *buf, uint32_t len)
{
	struct sf_wtcp *wt = c->cn_wt;
	struct sf_tcb *tb = sf_tcb(wt, c);
	const uint8_t *p = buf;
	uint32_t done = 0, k;
	struct rte_mbuf *m;
	bool short_of_mbufs = false;
	int ret = sf_snd_may(c);

	if (ret != 0)
		return ret;
	if (len == 0)
		return 0;
	sf_snd_setup(wt, c);
	/*
	 * The last mbuf takes more while none of it left and none shares
	 * it, up to the MSS its charge already counts.
	 */
	m = tb->tb_snd_tail;
	if (m != NULL && RTE_MBUF_DIRECT(m) &&
	    rte_mbuf_refcnt_read(m) == 1 &&
	    SF_SEQ_GEQ(sf_seqm(m)->sm_seq, c->cn_snd_nxt) &&
	    rte_pktmbuf_data_len(m) < sf_seqm(m)->sm_charge) {
		k = RTE_MIN(len, RTE_MIN((uint32_t)rte_pktmbuf_tailroom(m),
			(uint32_t)sf_seqm(m)->sm_charge -
			rte_pktmbuf_data_len(m)));
		if (k != 0) {
			memcpy(rte_pktmbuf_append(m, (uint16_t)k), p, k);
			tb->tb_snd_end += k;
			done = k;
		}
	}
	/* New mbufs while the budget is not spent (the last may pass it). */
	while (done < len && sf_snd_room(wt, tb) != 0) {
		if (wt->wt_snd_mbufs >= wt->wt_snd_max) {
			sf_count(&wt->wt_net, SF_CNT_snd_pool_limit);
			short_of_mbufs = true;
			break;
		}
		m = sf_net_alloc(&wt->wt_net);
		if (m == NULL) {
			short_of_mbufs = true;
			break;
		}
		k = RTE_MIN(len - done, RTE_MIN((uint32_t)c->cn_neg.ng_mss,
			(uint32_t)rte_pktmbuf_tailroom(m)));
		memcpy(rte_pktmbuf_append(m, (uint16_t)k), p + done, k);
		sf_snd_append(wt, c, tb, m, 0);
		done += k;
	}
	if (done < len)
		tb->tb_want_wr = 1;
	if (done == 0)
		return short_of_mbufs ? -ENOBUFS : -EAGAIN;
	sf_count_n(&wt->wt_net, SF_CNT_snd_queued_bytes, done);
	sf_snd_output(wt, c);
	return (int)done;
}

int
sf_snd_mbuf(struct sf_conn *c, struct rte_mbuf *m, bool budgeted)
{
	struct sf_wtcp *wt = c->cn_wt;
	struct sf_tcb *tb = sf_tcb(wt, c);
	struct rte_mbuf *seg, *next;
	uint32_t len, cost = 0;
	int ret = sf_snd_may(c);

	if (ret != 0)
		return ret;
	if (m == NULL || rte_pktmbuf_pkt_len(m) == 0)
		return -EINVAL;
	sf_snd_setup(wt, c);
	len = rte_pktmbuf_pkt_len(m);
	for (seg = m; seg != NULL && !budgeted; seg = seg->next)
		if (seg->data_len != 0)
			cost += sf_snd_charge(seg->data_len, c->cn_neg.ng_mss);
	if (cost > wt->wt_et->et_sndbuf)
		return -EMSGSIZE;
	if (!budgeted && cost > sf_snd_room(wt, tb)) {
		tb->tb_want_wr = 1;
		return -EAGAIN;
	}
	if (!budgeted && wt->wt_snd_mbufs + m->nb_segs > wt->wt_snd_max) {
		sf_count(&wt->wt_net, SF_CNT_snd_pool_limit);
		tb->tb_want_wr = 1;
		return -ENOBUFS;
	}
	/* Each segment of the chain becomes a queued mbuf of its own. */
	for (seg = m; seg != NULL; seg = next) {
		next = seg->next;
		seg->next = NULL;
		seg->nb_segs = 1;
		seg->pkt_len = seg->data_len;
		if (seg->data_len == 0)
			rte_pktmbuf_free_seg(seg);
		else
			/* budgeted: the charge the caller counted, kept */
			sf_snd_append(wt, c, tb, seg, budgeted ?
				sf_seqm(seg)->sm_charge : 0);
	}
	sf_count_n(&wt->wt_net, SF_CNT_snd_queued_bytes, len);
	sf_snd_output(wt, c);
	return 0;
}

/*
 * Send bytes [seq, seq + len) of the queue (len 0: none), with flags
 * (ACK, and FIN when it follows them), in a fresh mbuf. The options
 * (timestamps, SACK blocks) come off the MSS. Returns the bytes sent, or
 * -1 when no mbuf could be had (counted).
 */
static int
sf_snd_xmit(struct sf_wtcp *wt, struct sf_conn *c, uint32_t seq,
		uint32_t len, uint8_t flags)
{
	const struct sf_flow_key *k = sf_ftab_key(&wt->wt_conntab, c->cn_id);
	const struct sf_port *pt = sf_net_port(&wt->wt_net, c->cn_port);
	struct sf_tcb *tb = sf_tcb(wt, c);
	struct rte_mbuf *h, *q, *seg, *last;
	uint32_t off, left, piece, room;
	struct sf_tcp_out o;

	if (k == NULL)
		return -1;
	h = sf_net_alloc(&wt->wt_net);
	if (h == NULL)
		return -1;
	sf_conn_out(wt, c, seq, flags, &o);
	/* ng_mss has the timestamps off already; other options come off. */
	room = c->cn_neg.ng_mss;
	if (o.optlen > ((c->cn_neg.ng_flags & SF_CONN_F_TS) ? 12 : 0))
		room -= o.optlen - ((c->cn_neg.ng_flags & SF_CONN_F_TS) ?
			12 : 0);
	/* Copied behind the header, the bytes must fit its mbuf too. */
	if (!pt->pt_tx_multiseg)
		room = RTE_MIN(room, (uint32_t)rte_pktmbuf_tailroom(h) -
			(uint32_t)(sizeof(struct rte_ether_hdr) +
			c->cn_l2.lp_nb_vlan * sizeof(struct rte_vlan_hdr) +
			(k->fk_family == AF_INET ? 20 : 40) +
			sizeof(struct rte_tcp_hdr) + o.optlen));
	if (len > room) {
		len = room;
		o.flags &= (uint8_t)~SF_TH_FIN;
	}
	/*
	 * Chained by reference, a segment takes one mbuf per queued mbuf
	 * it covers: at most SF_TX_SEGS_MAX in all, header included, which
	 * every PMD takes (i40e's limit is 8), whatever the sizes of the
	 * application's sends.
	 */
	q = len != 0 ? sf_snd_find(tb, seq) : NULL;
	if (len != 0 && q == NULL)
		goto fail;
	off = q != NULL ? seq - sf_seqm(q)->sm_seq : 0;
	if (pt->pt_tx_multiseg && q != NULL &&
	    rte_pktmbuf_data_len(q) - off < len) {
		struct rte_mbuf *r = q;
		uint32_t cap = 0, n = 0, o2 = off;

		while (r != NULL && cap < len && n < SF_TX_SEGS_MAX - 1) {
			cap += rte_pktmbuf_data_len(r) - o2;
			o2 = 0;
			n++;
			r = sf_seqm(r)->sm_next;
		}
		if (cap < len) {
			len = cap;
			o.flags &= (uint8_t)~SF_TH_FIN;
		}
	}
	if (len != 0 && seq + len == tb->tb_snd_end)
		o.flags |= SF_TH_PSH;
	if (sf_tcp_build(h, pt, &c->cn_l2, k, &o) != 0)
		goto fail;
	if (len != 0) {
		left = len;
		last = h;
		while (left != 0 && q != NULL) {
			piece = RTE_MIN(left, rte_pktmbuf_data_len(q) - off);
			if (!pt->pt_tx_multiseg) {
				memcpy(rte_pktmbuf_append(h, (uint16_t)piece),
					rte_pktmbuf_mtod_offset(q, uint8_t *,
						off), piece);
			} else {
				/*
				 * The whole mbuf, last in the chain (its own
				 * next stays NULL), by reference; a part of
				 * one through a clone.
				 */
				if (off == 0 && piece == left &&
				    piece == rte_pktmbuf_data_len(q)) {
					rte_mbuf_refcnt_update(q, 1);
					seg = q;
				} else {
					seg = rte_pktmbuf_clone(q,
						wt->wt_net.nt_pool);
					if (seg == NULL) {
						sf_count(&wt->wt_net,
							SF_CNT_tx_nombuf);
						goto fail;
					}
					rte_pktmbuf_adj(seg, (uint16_t)off);
					rte_pktmbuf_trim(seg, (uint16_t)
						(rte_pktmbuf_data_len(seg) -
						 piece));
				}
				last->next = seg;
				last = seg;
				h->nb_segs++;
				h->pkt_len += piece;
			}
			left -= piece;
			off = 0;
			q = sf_seqm(q)->sm_next;
		}
		if (left != 0)
			goto fail;
		sf_tcp_finish(h, pt, &c->cn_l2, k->fk_family == AF_INET,
			(uint16_t)len);
		sf_count(&wt->wt_net, SF_CNT_data_segs_out);
		sf_count_n(&wt->wt_net, SF_CNT_data_bytes_out, len);
	}
	sf_net_tx(&wt->wt_net, c->cn_port, h);
	return (int)len;
fail:
	rte_pktmbuf_free(h);
	return -1;
}

/*
 * The pipe of RFC 6675 (and plain FlightSize without SACK): bytes sent
 * and not acknowledged, less those SACKed and those deemed lost and not
 * yet retransmitted ([max(tb_rtx_nxt, SND.UNA), tb_lost_end)).
 */
static uint32_t
sf_snd_pipe(struct sf_wtcp *wt, const struct sf_conn *c)
{
	struct sf_tcb *tb = sf_tcb(wt, c);
	uint32_t una = c->cn_snd_una, nxt = c->cn_snd_nxt;
	uint32_t lo = SF_SEQ_GT(tb->tb_rtx_nxt, una) ? tb->tb_rtx_nxt : una;
	uint32_t hi = tb->tb_lost_end, pipe = 0, a, b, x, y;
	struct rte_mbuf *m;

	if (tb->tb_sacked == 0 && !SF_SEQ_LT(lo, hi))
		return nxt - una;
	for (m = tb->tb_snd; m != NULL; m = sf_seqm(m)->sm_next) {
		a = sf_seqm(m)->sm_seq;
		b = sf_seqm_end(m);
		if (SF_SEQ_LT(a, una))
			a = una;
		if (SF_SEQ_GT(b, nxt))
			b = nxt;
		if (!SF_SEQ_LT(a, b))
			continue;
		if (sf_seqm(m)->sm_flags & SF_SQM_SACKED)
			continue;
		pipe += b - a;
		x = SF_SEQ_GT(a, lo) ? a : lo;
		y = SF_SEQ_LT(b, hi) ? b : hi;
		if (SF_SEQ_LT(x, y))
			pipe -= y - x;
	}
	/* Our FIN, sent and unacknowledged, unless deemed lost. */
	if (sf_snd_fin_sent(wt, c) && SF_SEQ_GEQ(tb->tb_snd_end, una) &&
	    !(SF_SEQ_GEQ(tb->tb_snd_end, lo) && SF_SEQ_LT(tb->tb_snd_end, hi)))
		pipe++;
	return pipe;
}

/*
 * The next retransmission while recovering: the first byte from
 * tb_rtx_nxt on that was sent, is not SACKed and lies below
 * tb_lost_end, and how many bytes follow it unSACKed (at most what was
 * sent). *len 0 with true: our FIN.
 */
static bool
sf_snd_rtx_next(struct sf_wtcp *wt, const struct sf_conn *c, uint32_t *seq,
		uint32_t *len)
{
	struct sf_tcb *tb = sf_tcb(wt, c);
	uint32_t s = tb->tb_rtx_nxt, sent_end, e;
	struct rte_mbuf *m;

	if (tb->tb_ca == SF_CA_OPEN)
		return false;
	if (SF_SEQ_LT(s, c->cn_snd_una))
		s = c->cn_snd_una;
	if (!SF_SEQ_LT(s, tb->tb_lost_end))
		return false;
	sent_end = sf_snd_fin_sent(wt, c) ? tb->tb_snd_end : c->cn_snd_nxt;
	m = sf_snd_find(tb, s);
	while (m != NULL && (sf_seqm(m)->sm_flags & SF_SQM_SACKED)) {
		s = sf_seqm_end(m);
		m = sf_seqm(m)->sm_next;
	}
	if (!SF_SEQ_LT(s, tb->tb_lost_end))
		return false;
	if (m == NULL || !SF_SEQ_LT(s, sent_end)) {
		if (sf_snd_fin_sent(wt, c) && s == tb->tb_snd_end) {
			*seq = s;
			*len = 0;
			return true;
		}
		return false;
	}
	*seq = s;
	e = s;
	while (m != NULL && !(sf_seqm(m)->sm_flags & SF_SQM_SACKED) &&
	       SF_SEQ_LT(e, sent_end) && e - s < c->cn_neg.ng_mss) {
		e = sf_seqm_end(m);
		m = sf_seqm(m)->sm_next;
	}
	if (SF_SEQ_GT(e, sent_end))
		e = sent_end;
	*len = RTE_MIN(e - s, (uint32_t)c->cn_neg.ng_mss);
	return true;
}

static void
sf_snd_rexmt_arm(struct sf_wtcp *wt, struct sf_conn *c)
{
	struct sf_tcb *tb = sf_tcb(wt, c);

	sf_conn_timer_set(wt, c, SF_CT_REXMT,
		sf_tcp_backoff(tb->tb_rto, tb->tb_backoff));
}

/* One retransmission: counted, and never timed (Karn). */
static bool
sf_snd_retransmit(struct sf_wtcp *wt, struct sf_conn *c, uint32_t seq,
		uint32_t len)
{
	struct sf_tcb *tb = sf_tcb(wt, c);
	uint8_t flags = SF_TH_ACK;
	int sent;

	if (len == 0)
		flags |= SF_TH_FIN;
	sent = sf_snd_xmit(wt, c, seq, len, flags);
	if (sent < 0)
		return false;
	tb->tb_rtx_nxt = seq + (uint32_t)sent + (len == 0);
	tb->tb_rtt_on = 0;
	tb->tb_retrans++;
	sf_count(&wt->wt_net, SF_CNT_retrans_segs);
	if (len == 0)
		sf_count(&wt->wt_net, SF_CNT_fin_retrans);
	if (tb->tb_ca == SF_CA_RECOVERY)
		sf_count(&wt->wt_net, SF_CNT_fast_retrans);
	return true;
}

/*
 * The first hole now, whatever the windows say: on entering fast
 * recovery (RFC 5681 3.2 step 4) and on a NewReno partial ACK (RFC 6582
 * 3.2 step 5).
 */
static void
sf_snd_rtx_now(struct sf_wtcp *wt, struct sf_conn *c)
{
	uint32_t seq, len;

	if (sf_snd_rtx_next(wt, c, &seq, &len))
		sf_snd_retransmit(wt, c, seq, len);
}

void
sf_snd_output(struct sf_wtcp *wt, struct sf_conn *c)
{
	struct sf_tcb *tb = sf_tcb(wt, c);
	uint32_t mss = c->cn_neg.ng_mss, pipe, room, seq, len, avail, wnd;
	uint8_t flags;
	int sent;

	if (!(c->cn_flags & SF_CNF_SND) || c->cn_state == SF_CS_FREE ||
	    c->cn_state == SF_CS_TIME_WAIT || c->cn_state == SF_CS_FIN_WAIT_2)
		return;
	for (;;) {
		pipe = sf_snd_pipe(wt, c);
		room = pipe < tb->tb_cwnd ? tb->tb_cwnd - pipe : 0;
		if (room == 0)
			break;
		if (sf_snd_rtx_next(wt, c, &seq, &len)) {
			if (!sf_snd_retransmit(wt, c, seq, len))
				break;
			continue;
		}
		if (!SF_SEQ_LT(c->cn_snd_nxt, tb->tb_snd_end))
			break;
		avail = tb->tb_snd_end - c->cn_snd_nxt;
		wnd = c->cn_snd_una + sf_snd_wnd(c) - c->cn_snd_nxt;
		if ((int32_t)wnd < 0)
			wnd = 0;
		len = RTE_MIN(RTE_MIN(avail, mss), RTE_MIN(wnd, room));
		/*
		 * Sender-side silly window avoidance (RFC 9293 3.8.6.2.1,
		 * Nagle off): a full segment, or all that is queued, or
		 * anything when nothing is in flight.
		 */
		if (len == 0 || (len < mss && len < avail &&
				 c->cn_snd_nxt != c->cn_snd_una))
			break;
		flags = SF_TH_ACK;
		if ((c->cn_flags & SF_CNF_CLOSING) && len == avail)
			flags |= SF_TH_FIN;
		sent = sf_snd_xmit(wt, c, c->cn_snd_nxt, len, flags);
		if (sent <= 0)
			break;
		if (!tb->tb_rtt_on && !(c->cn_neg.ng_flags & SF_CONN_F_TS)) {
			tb->tb_rtt_on = 1;
			tb->tb_rtt_seq = c->cn_snd_nxt;
			tb->tb_rtt_at = wt->wt_net.nt_now;
		}
		c->cn_snd_nxt += (uint32_t)sent;
		if ((flags & SF_TH_FIN) && (uint32_t)sent == len)
			c->cn_snd_nxt++;
		if (!(tb->tb_timers & 1u << SF_CT_REXMT))
			sf_snd_rexmt_arm(wt, c);
	}
	/* Our FIN, alone, once every byte before it left. */
	if ((c->cn_flags & SF_CNF_CLOSING) && c->cn_snd_nxt == tb->tb_snd_end) {
		if (sf_snd_xmit(wt, c, c->cn_snd_nxt, 0,
				SF_TH_FIN | SF_TH_ACK) >= 0) {
			c->cn_snd_nxt++;
			if (!(tb->tb_timers & 1u << SF_CT_REXMT))
				sf_snd_rexmt_arm(wt, c);
		}
	}
	/* A shut window with nothing in flight: probe it. */
	if (c->cn_snd_nxt == c->cn_snd_una &&
	    SF_SEQ_LT(c->cn_snd_nxt, tb->tb_snd_end) && sf_snd_wnd(c) == 0 &&
	    !(tb->tb_timers & 1u << SF_CT_PERSIST)) {
		sf_conn_timer_stop(wt, c, SF_CT_REXMT);
		sf_conn_timer_set(wt, c, SF_CT_PERSIST,
			sf_tcp_backoff(tb->tb_rto, tb->tb_backoff));
	}
}

/* RFC 6298 2.2, 2.3: a round-trip sample r (ms). */
static void
sf_snd_rtt(struct sf_tcb *tb, uint32_t r)
{
	int32_t delta;

	if (tb->tb_srtt == 0) {
		tb->tb_srtt = RTE_MAX(r << 3, 1u);
		tb->tb_rttvar = r << 1;
	} else {
		delta = (int32_t)r - (int32_t)(tb->tb_srtt >> 3);
		tb->tb_srtt = (uint32_t)RTE_MAX((int32_t)tb->tb_srtt + delta,
			1);
		if (delta < 0)
			delta = -delta;
		tb->tb_rttvar = (uint32_t)((int32_t)tb->tb_rttvar + delta -
			(int32_t)(tb->tb_rttvar >> 2));
	}
	/* RTO = SRTT + max(4 RTTVAR, TCP_RTO_MIN), as Linux's tcp_set_rto(). */
	tb->tb_rto = RTE_MIN((tb->tb_srtt >> 3) +
		RTE_MAX(tb->tb_rttvar, (uint32_t)SF_RTO_MIN_MS),
		(uint32_t)SF_RTO_MAX_MS);
}

/*
 * The handshake's round trip as the first sample (Linux's
 * tcp_synack_rtt_meas() for an active open: the SYN was not
 * retransmitted, so Karn's rule allows it): the send side set up now,
 * its SRTT, RTTVAR and RTO from r.
 */
void
sf_snd_rtt_seed(struct sf_wtcp *wt, struct sf_conn *c, uint32_t r)
{
	sf_snd_setup(wt, c);
	sf_snd_rtt(sf_tcb(wt, c), r);
}

/*
 * SACK blocks (RFC 2018) of an ACK: queued mbufs they cover whole are
 * marked. Blocks below the ACK (D-SACK) or beyond SND.NXT are ignored.
 * Returns the bytes newly SACKed.
 */
static uint32_t
sf_snd_sack_in(struct sf_wtcp *wt, struct sf_conn *c, const struct sf_seg *s)
{
	struct sf_tcb *tb = sf_tcb(wt, c);
	const struct rte_tcp_hdr *th;
	uint32_t l, r, v, newly = 0, doff;
	const uint8_t *blk = NULL;
	unsigned int i, n;
	struct rte_mbuf *m;

	if (!(c->cn_neg.ng_flags & SF_CONN_F_SACK))
		return 0;
	th = rte_pktmbuf_mtod_offset(s->sg_m, const struct rte_tcp_hdr *,
		s->sg_p->l2_len + s->sg_p->l3_len);
	doff = (th->data_off >> 4) * 4u;
	/* Nothing beyond <nop, nop, TS>: no SACK option, no walk. */
	if (doff <= sizeof(*th) + ((c->cn_neg.ng_flags & SF_CONN_F_TS) ?
			12u : 0u))
		return 0;
	n = sf_tcp_opts_sack((const uint8_t *)(th + 1),
		(uint16_t)(doff - sizeof(*th)), &blk);
	for (i = 0; i < n; i++) {
		memcpy(&v, blk + 8 * i, 4);
		l = rte_be_to_cpu_32(v);
		memcpy(&v, blk + 8 * i + 4, 4);
		r = rte_be_to_cpu_32(v);
		if (!SF_SEQ_LT(l, r) || SF_SEQ_LT(l, s->sg_ack) ||
		    SF_SEQ_GT(r, c->cn_snd_nxt))
			continue;
		for (m = sf_snd_find(tb, l); m != NULL &&
		     SF_SEQ_LT(sf_seqm(m)->sm_seq, r); m = sf_seqm(m)->sm_next) {
			if ((sf_seqm(m)->sm_flags & SF_SQM_SACKED) ||
			    SF_SEQ_LT(sf_seqm(m)->sm_seq, l) ||
			    SF_SEQ_GT(sf_seqm_end(m), r))
				continue;
			sf_seqm(m)->sm_flags |= SF_SQM_SACKED;
			newly += rte_pktmbuf_data_len(m);
		}
	}
	tb->tb_sacked += newly;
	return newly;
}

/*
 * Acknowledged mbufs leave the queue; their bytes are added to the
 * connection's count in wt_snd_freed, when a layer above reads it.
 */
static void
sf_snd_free_acked(struct sf_wtcp *wt, struct sf_tcb *tb, uint32_t ack)
{
	struct rte_mbuf *m;
	uint32_t n, freed = 0;

	while ((m = tb->tb_snd) != NULL && SF_SEQ_LEQ(sf_seqm_end(m), ack)) {
		n = rte_pktmbuf_data_len(m);
		freed += sf_seqm(m)->sm_charge;
		tb->tb_snd_charge -= sf_seqm(m)->sm_charge;
		tb->tb_snd = sf_seqm(m)->sm_next;
		if (sf_seqm(m)->sm_flags & SF_SQM_SACKED)
			tb->tb_sacked -= RTE_MIN(tb->tb_sacked, n);
		if (tb->tb_snd_hint == m)
			tb->tb_snd_hint = NULL;
		rte_pktmbuf_free(m);
		wt->wt_snd_mbufs--;
	}
	if (tb->tb_snd == NULL) {
		tb->tb_snd_tail = NULL;
		tb->tb_sacked = 0;
	}
	if (wt->wt_snd_freed != NULL && freed != 0) {
		uint32_t *f = &wt->wt_snd_freed[tb - wt->wt_tcb];

		__atomic_store_n(f, *f + freed, __ATOMIC_RELEASE);
	}
}

/*
 * RFC 6675 IsLost(), for the whole queue at once: the unSACKed bytes
 * below the last point with more than (DupThresh - 1) segments' worth of
 * bytes SACKed above it are lost (three full segments SACKed above a
 * hole, as Linux's tcp_time_to_recover() counts them). Returns that
 * point (SND.UNA when none is).
 */
static uint32_t
sf_snd_lost_end(struct sf_wtcp *wt, const struct sf_conn *c)
{
	struct sf_tcb *tb = sf_tcb(wt, c);
	uint32_t above = tb->tb_sacked, need = (SF_DUPTHRESH - 1) *
		(uint32_t)c->cn_neg.ng_mss, end = c->cn_snd_una;
	struct rte_mbuf *m;

	for (m = tb->tb_snd; m != NULL && above > need;
	     m = sf_seqm(m)->sm_next) {
		if (sf_seqm(m)->sm_flags & SF_SQM_SACKED)
			above -= RTE_MIN(above,
				(uint32_t)rte_pktmbuf_data_len(m));
		else if (SF_SEQ_GT(sf_seqm_end(m), c->cn_snd_una))
			end = sf_seqm_end(m);
	}
	return end;
}

/* The lost mark moves up, never down, within a recovery. */
static void
sf_snd_lost_update(struct sf_wtcp *wt, struct sf_conn *c)
{
	struct sf_tcb *tb = sf_tcb(wt, c);
	uint32_t e = sf_snd_lost_end(wt, c);

	if (SF_SEQ_GT(e, tb->tb_lost_end))
		tb->tb_lost_end = e;
}

/* Fast retransmit: into recovery (RFC 6582 3.2, RFC 6675 5). */
static void
sf_snd_enter_recovery(struct sf_wtcp *wt, struct sf_conn *c)
{
	struct sf_tcb *tb = sf_tcb(wt, c);
	uint32_t mss = c->cn_neg.ng_mss;
	uint32_t flight = c->cn_snd_nxt - c->cn_snd_una;

	tb->tb_ssthresh = RTE_MAX(flight / 2, 2 * mss);
	tb->tb_recover = c->cn_snd_nxt;
	tb->tb_rtx_nxt = c->cn_snd_una;
	tb->tb_ca = SF_CA_RECOVERY;
	if (c->cn_neg.ng_flags & SF_CONN_F_SACK) {
		tb->tb_cwnd = tb->tb_ssthresh;
		/* RFC 6675 5 (4.2): the first unSACKed segment is lost. */
		tb->tb_lost_end = c->cn_snd_una + 1;
		sf_snd_lost_update(wt, c);
		sf_count(&wt->wt_net, SF_CNT_sack_recovery);
	} else {
		tb->tb_cwnd = tb->tb_ssthresh + SF_DUPTHRESH * mss;
		tb->tb_lost_end = c->cn_snd_una + 1;
		sf_count(&wt->wt_net, SF_CNT_reno_recovery);
	}
	sf_snd_rtx_now(wt, c);
}

/* Room again: the application hears of it once per refusal. */
static void
sf_snd_writable(struct sf_wtcp *wt, struct sf_conn *c)
{
	struct sf_tcb *tb = sf_tcb(wt, c);

	if (!tb->tb_want_wr ||
	    tb->tb_snd_charge > wt->wt_et->et_sndbuf / 2 ||
	    !(c->cn_flags & SF_CNF_ACCEPTED) || c->cn_on_writable == NULL ||
	    c->cn_wt->wt_conn_ops->co_writable == NULL)
		return;
	/*
	 * Cleared first: a send the callback makes may be cut short again,
	 * and then on_writable is owed once more.
	 */
	tb->tb_want_wr = 0;
	if (c->cn_wt->wt_conn_ops->co_writable(c) != 0)
		tb->tb_want_wr = 1;     /* not delivered: still owed */
}

void
sf_snd_ack(struct sf_wtcp *wt, struct sf_conn *c, const struct sf_seg *s)
{
	struct sf_tcb *tb = sf_tcb(wt, c);
	uint32_t ack = s->sg_ack, mss = c->cn_neg.ng_mss, acked = 0, newly, rtt;
	uint16_t old_wnd = c->cn_snd_wnd;
	bool dup;

	/* RFC 9293 3.10.7.4: the window from the newest segment only. */
	if (SF_SEQ_LT(tb->tb_snd_wl1, s->sg_seq) ||
	    (tb->tb_snd_wl1 == s->sg_seq && SF_SEQ_LEQ(tb->tb_snd_wl2, ack))) {
		c->cn_snd_wnd = s->sg_win;
		tb->tb_snd_wl1 = s->sg_seq;
		tb->tb_snd_wl2 = ack;
		tb->tb_max_wnd = RTE_MAX(tb->tb_max_wnd, sf_snd_wnd(c));
	}
	tb->tb_probes = 0;
	newly = sf_snd_sack_in(wt, c, s);
	if (SF_SEQ_GT(ack, c->cn_snd_una)) {
		acked = ack - c->cn_snd_una;
		if (ack - c->cn_iss - 1 >= 1u << 31)
			tb->tb_acked_big = 1;
		rtt = wt->wt_net.nt_now + c->cn_tsoff - s->sg_opts.to_tsecr;
		/*
		 * A TSecr that is not one of our recent TSvals (ahead of
		 * the clock, or older than the longest RTO) is no sample.
		 */
		if ((c->cn_neg.ng_flags & SF_CONN_F_TS) &&
		    (s->sg_opts.to_flags & SF_TOF_TS) &&
		    s->sg_opts.to_tsecr != 0) {
			if (rtt <= SF_RTO_MAX_MS)
				sf_snd_rtt(tb, rtt);
		} else if (tb->tb_rtt_on && SF_SEQ_GT(ack, tb->tb_rtt_seq)) {
			tb->tb_rtt_on = 0;
			sf_snd_rtt(tb, wt->wt_net.nt_now - tb->tb_rtt_at);
		}
		sf_snd_free_acked(wt, tb, ack);
		c->cn_snd_una = ack;
		tb->tb_backoff = 0;
		if (SF_SEQ_LT(tb->tb_rtx_nxt, ack))
			tb->tb_rtx_nxt = ack;
		switch (tb->tb_ca) {
		case SF_CA_RECOVERY:
			if (SF_SEQ_GEQ(ack, tb->tb_recover)) {
				/* Full ACK: deflate (RFC 6582 3.2 step 3). */
				tb->tb_cwnd = tb->tb_ssthresh;
				tb->tb_ca = SF_CA_OPEN;
				tb->tb_dupacks = 0;
				tb->tb_lost_end = ack;
				break;
			}
			/* Partial ACK: the next hole goes at once. */
			if (!(c->cn_neg.ng_flags & SF_CONN_F_SACK)) {
				tb->tb_lost_end = ack + 1;
				tb->tb_cwnd = tb->tb_cwnd > acked ?
					tb->tb_cwnd - acked + mss : mss;
				sf_snd_rtx_now(wt, c);
			} else {
				sf_snd_lost_update(wt, c);
			}
			break;
		case SF_CA_LOSS:
			if (SF_SEQ_GEQ(ack, tb->tb_recover)) {
				tb->tb_ca = SF_CA_OPEN;
				tb->tb_lost_end = ack;
			}
			tb->tb_cwnd += RTE_MIN(acked, mss);
			break;
		default:
			tb->tb_dupacks = 0;
			if (tb->tb_cwnd < tb->tb_ssthresh)
				tb->tb_cwnd += RTE_MIN(acked, 2 * mss);
			else
				tb->tb_cwnd += RTE_MAX((uint64_t)mss * mss /
					tb->tb_cwnd, 1u);
			break;
		}
		if (c->cn_snd_una == c->cn_snd_nxt)
			sf_conn_timer_stop(wt, c, SF_CT_REXMT);
		else
			sf_snd_rexmt_arm(wt, c);
	} else {
		/* RFC 5681 2: a duplicate ACK, or new SACK information. */
		dup = s->sg_len == 0 && !(s->sg_flags & (SF_TH_SYN | SF_TH_FIN)) &&
			c->cn_snd_wnd == old_wnd &&
			c->cn_snd_una != c->cn_snd_nxt && ack == c->cn_snd_una;
		if ((dup || newly != 0) && tb->tb_ca != SF_CA_LOSS) {
			if (tb->tb_dupacks < UINT8_MAX)
				tb->tb_dupacks++;
			if (tb->tb_ca == SF_CA_OPEN &&
			    (tb->tb_dupacks >= SF_DUPTHRESH ||
			     tb->tb_sacked > (SF_DUPTHRESH - 1) * mss) &&
			    SF_SEQ_GEQ(c->cn_snd_una, tb->tb_recover)) {
				sf_snd_enter_recovery(wt, c);
			} else if (tb->tb_ca == SF_CA_RECOVERY) {
				if (!(c->cn_neg.ng_flags & SF_CONN_F_SACK))
					tb->tb_cwnd += mss;
				else
					sf_snd_lost_update(wt, c);
			}
		}
	}
	if (sf_snd_wnd(c) != 0 && (tb->tb_timers & 1u << SF_CT_PERSIST)) {
		sf_conn_timer_stop(wt, c, SF_CT_PERSIST);
		tb->tb_backoff = 0;
	}
	sf_snd_output(wt, c);
	if (acked != 0) {
		sf_conn_wnd_update(wt, c);
		sf_snd_writable(wt, c);
	}
}

/* How many timeouts in a row the connection survives. */
static unsigned int
sf_snd_retries(const struct sf_wtcp *wt, const struct sf_conn *c)
{
	return (c->cn_flags & SF_CNF_CLOSING) ? SF_ORPHAN_RETRIES :
		wt->wt_et->et_retries2;
}

/* Given up: Linux's tcp_write_err(), no RST. */
static void
sf_snd_give_up(struct sf_wtcp *wt, struct sf_conn *c)
{
	sf_count(&wt->wt_net, SF_CNT_conn_timeouts);
	sf_count(&wt->wt_net, SF_CNT_abort_on_timeout);
	sf_conn_end(wt, c, (c->cn_flags & SF_CNF_CLOSING) ? SF_CLOSE_DONE :
		SF_CLOSE_TIMEOUT);
}

/*
 * The retransmission timer ran out (RFC 6298 5.4-5.6, RFC 5681 3.1,
 * Linux's tcp_retransmit_timer()): ssthresh halves the flight (on the
 * first timeout of a run), cwnd drops to one segment, everything in
 * flight not SACKed counts as lost and goes again from SND.UNA as the
 * ACKs let it, and the timeout doubles.
 */
void
sf_snd_rexmt(struct sf_wtcp *wt, struct sf_conn *c)
{
	struct sf_tcb *tb = sf_tcb(wt, c);
	uint32_t mss = c->cn_neg.ng_mss;

	if (c->cn_snd_una == c->cn_snd_nxt)
		return;
	if (tb->tb_backoff >= sf_snd_retries(wt, c)) {
		sf_snd_give_up(wt, c);
		return;
	}
	if (tb->tb_ca != SF_CA_LOSS || tb->tb_backoff == 0)
		tb->tb_ssthresh = RTE_MAX((c->cn_snd_nxt - c->cn_snd_una) / 2,
			2 * mss);
	tb->tb_cwnd = mss;
	tb->tb_ca = SF_CA_LOSS;
	tb->tb_recover = c->cn_snd_nxt;
	tb->tb_rtx_nxt = c->cn_snd_una;
	tb->tb_lost_end = c->cn_snd_nxt;
	tb->tb_dupacks = 0;
	tb->tb_rtt_on = 0;
	tb->tb_backoff++;
	sf_count(&wt->wt_net, SF_CNT_tcp_timeouts);
	sf_snd_output(wt, c);
	if (c->cn_state != SF_CS_FREE)
		sf_snd_rexmt_arm(wt, c);
}

/*
 * The zero-window probe timer (Linux's tcp_probe_timer()): a bare ACK
 * with SEG.SEQ = SND.UNA - 1, which the peer answers with its window;
 * the interval doubles. Given up after tcp_retries2 probes in a row
 * that no ACK answered: a peer that answers may keep its window shut.
 */
void
sf_snd_persist(struct sf_wtcp *wt, struct sf_conn *c)
{
	struct sf_tcb *tb = sf_tcb(wt, c);

	if (sf_snd_wnd(c) != 0 || c->cn_snd_nxt != c->cn_snd_una ||
	    !SF_SEQ_LT(c->cn_snd_nxt, tb->tb_snd_end)) {
		tb->tb_backoff = 0;
		sf_snd_output(wt, c);
		return;
	}
	if (tb->tb_probes >= sf_snd_retries(wt, c)) {
		sf_snd_give_up(wt, c);
		return;
	}
	sf_snd_xmit(wt, c, c->cn_snd_una - 1, 0, SF_TH_ACK);
	sf_count(&wt->wt_net, SF_CNT_window_probes);
	tb->tb_probes++;
	if (tb->tb_backoff < UINT8_MAX)
		tb->tb_backoff++;
	sf_conn_timer_set(wt, c, SF_CT_PERSIST,
		sf_tcp_backoff(tb->tb_rto, tb->tb_backoff));
}
