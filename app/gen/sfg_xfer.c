/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * synfront-gen --mode transfer: C connections, each a small TCP sender
 * of a known pattern (and with --echo a receiver of it coming back).
 *
 * Per connection (struct xflow, indexed by source port - sport_lo):
 * byte k of the stream (k from 0) has sequence number ISS + 1 + k and
 * the value ((k + flow) * 7) & 0xff, so that it can be built again for a
 * retransmission and checked when echoed, with no buffer. State is kept
 * in 64-bit byte offsets (una, nxt, max, end; the FIN at offset end),
 * turned into 32-bit sequence numbers on the wire.
 *
 * Sender: segments of the MSS the SYN-ACK gave (capped by our --mss,
 * the timestamp option off it), within the server's window (scaled by
 * the shift of its SYN-ACK) and --inflight bytes; cumulative ACKs move
 * una; the window's right edge never moves back. No congestion control:
 * this is for lossless links (memif), where the window and the cap are
 * the flow control. Retransmission: one timer per connection, --rto-ms,
 * doubling while nothing moves (at most 64 times); when it fires, nxt
 * goes back to una and everything after is sent again (go-back-N),
 * counted in retrans_segs. A shut window with nothing in flight is
 * probed at the same timeout (an ACK one below SND.UNA).
 *
 * Receiver (echo, or anything the server sends): in-order bytes only
 * (anything else is counted and acknowledged again), checked against the
 * pattern; one ACK per connection per received burst, carried on data
 * when there is some to send.
 *
 * Close: after the last byte our FIN; a connection is done once our FIN
 * is acknowledged and the server's FIN received and acknowledged.
 */

#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "sf_cksum.h"
#include "sfg_xfer.h"

#define X_FIN 0x01
#define X_SYN 0x02
#define X_RST 0x04
#define X_PSH 0x08
#define X_ACK 0x10

#define X_TS_SHIFT 4         /* as the SYNs: TSval = TSC >> 4 */
#define X_PAT_LEN (256 + 16384)
#define X_PER_POP 16         /* segments of one connection at a time */
#define X_MAX_BACKOFF 6
#define X_NO_END UINT64_MAX

enum { XF_SYN_SENT = 1, XF_ESTAB, XF_DONE, XF_RESET };

struct xflow {
	uint8_t state;
	bool syn_due, need_ack, probe_due, peer_fin, in_dirty, ts;
	uint8_t shift;           /* the server's window shift */
	uint8_t backoff;
	uint16_t seg;            /* payload bytes per full segment */
	uint16_t sport_be;
	uint32_t iss, irs, ts_recent;
	uint64_t una, nxt, max, end, edge; /* byte offsets; FIN at end */
	uint64_t roff;           /* next byte expected from the server */
	uint64_t t_rto;          /* TSC when the timer fires; 0: off */
};

struct xstate {
	const struct sfg_xfer_opts *o;
	struct sfg_xfer_res *r;
	struct xflow *f;
	uint32_t *ring;          /* connections with something to send */
	uint32_t head, count;
	uint32_t finished;       /* done or reset */
	uint8_t hdr[64];         /* Ethernet + IP of every segment */
	uint16_t l4_off;
	uint32_t pseudo;         /* pseudo-header sum, less the length */
	uint8_t us[16], them[16];
	uint16_t dport_be;
	uint16_t room;           /* payload room of an mbuf, TCP options off */
	uint64_t rto;            /* TSC cycles */
	uint64_t hz, now;
	uint16_t tab_len;        /* full segments' payload sums, by phase */
	uint16_t tab[256];
	uint8_t pat[X_PAT_LEN];
	uint8_t scratch[16384];
	uint64_t last_ack, last_echo;
};

static void
x_dirty(struct xstate *x, uint32_t fi)
{
	struct xflow *f = &x->f[fi];

	if (f->in_dirty)
		return;
	f->in_dirty = true;
	x->ring[(x->head + x->count) % x->o->conns] = fi;
	x->count++;
}

static inline uint32_t
x_ack(const struct xflow *f)
{
	return f->irs + 1 + (uint32_t)f->roff + (f->peer_fin ? 1 : 0);
}

/* One segment of connection fi: flags, sequence seq, len bytes of the
 * stream from offset doff. NULL when the pool is empty. */
static struct rte_mbuf *
x_seg(struct xstate *x, uint32_t fi, uint8_t flags, uint32_t seq,
		uint64_t doff, uint16_t len)
{
	struct xflow *f = &x->f[fi];
	struct rte_mbuf *m = rte_pktmbuf_alloc(x->o->pool);
	struct rte_tcp_hdr *th;
	uint32_t thl = sizeof(*th) + (f->ts ? 12 : 0), l4 = thl + len, sum;
	uint8_t *p, *o, *pay;
	uint16_t psum;
	uint32_t v;
	unsigned int ph = (unsigned int)((doff + fi) & 255);

	if (m == NULL) {
		x->r->nombuf++;
		return NULL;
	}
	p = rte_pktmbuf_mtod(m, uint8_t *);
	memcpy(p, x->hdr, x->l4_off);
	th = (struct rte_tcp_hdr *)(p + x->l4_off);
	th->src_port = f->sport_be;
	th->dst_port = x->dport_be;
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(x_ack(f));
	th->data_off = (uint8_t)((thl / 4) << 4);
	th->tcp_flags = flags;
	/* Ours is shifted by --wscale when both scale: we read at once. */
	th->rx_win = rte_cpu_to_be_16(65535);
	th->cksum = 0;
	th->tcp_urp = 0;
	if (f->ts) {
		o = (uint8_t *)(th + 1);
		o[0] = 1;
		o[1] = 1;
		o[2] = 8;
		o[3] = 10;
		v = rte_cpu_to_be_32((uint32_t)(x->now >> X_TS_SHIFT));
		memcpy(o + 4, &v, 4);
		v = rte_cpu_to_be_32(f->ts_recent);
		memcpy(o + 8, &v, 4);
	}
	pay = (uint8_t *)th + thl;
	if (len != 0)
		memcpy(pay, x->pat + ph, len);
	if (x->o->pkt->family == AF_INET) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)
			(p + sizeof(struct rte_ether_hdr));

		ip->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) +
			l4));
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	} else {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)
			(p + sizeof(struct rte_ether_hdr));

		ip6->payload_len = rte_cpu_to_be_16((uint16_t)l4);
	}
	/* The payload starts at an even offset of the segment: its sum
	 * adds as it is (a full segment's from the table, by phase). */
	if (len == 0)
		psum = 0;
	else if (len == x->tab_len)
		psum = x->tab[ph];
	else
		psum = rte_raw_cksum(pay, len);
	sum = x->pseudo + rte_cpu_to_be_16((uint16_t)l4) +
		rte_raw_cksum(th, thl) + psum;
	th->cksum = (uint16_t)~sf_cksum_fold(sum);
	m->data_len = (uint16_t)(x->l4_off + l4);
	m->pkt_len = m->data_len;
	return m;
}

static void
x_check_done(struct xstate *x, struct xflow *f)
{
	if (f->state == XF_ESTAB && f->peer_fin && !f->need_ack &&
	    f->end != X_NO_END && f->una == f->end + 1) {
		f->state = XF_DONE;
		f->t_rto = 0;
		x->r->closed++;
		x->finished++;
	}
}

/* Segments of connection fi into v (at most room); returns how many. */
static unsigned int
x_emit(struct xstate *x, uint32_t fi, struct rte_mbuf **v,
		unsigned int room)
{
	const struct sfg_xfer_opts *o = x->o;
	struct xflow *f = &x->f[fi];
	struct sfg_xfer_res *r = x->r;
	struct rte_mbuf *m;
	unsigned int n = 0;
	uint64_t avail, lim, cap;
	uint16_t len;

	if (room == 0)
		return 0;
	if (f->state == XF_SYN_SENT) {
		if (!f->syn_due)
			return 0;
		m = rte_pktmbuf_alloc(o->pool);
		if (m == NULL) {
			r->nombuf++;
			return 0;
		}
		sfg_syn_make(o->tmpl, m, 1, rte_be_to_cpu_16(f->sport_be),
			f->iss, (uint32_t)(x->now >> X_TS_SHIFT));
		f->syn_due = false;
		f->t_rto = x->now + (x->rto << f->backoff);
		r->tx_syn++;
		v[0] = m;
		return 1;
	}
	if (f->state == XF_RESET)
		return 0;
	if (f->state == XF_ESTAB && f->probe_due) {
		m = x_seg(x, fi, X_ACK, f->iss + (uint32_t)f->una, 0, 0);
		if (m == NULL)
			return 0;
		f->probe_due = false;
		f->need_ack = false;
		r->probes++;
		v[n++] = m;
	}
	while (f->state == XF_ESTAB && n < room) {
		if (f->nxt < f->end) {
			avail = f->end - f->nxt;
			len = avail < f->seg ? (uint16_t)avail : f->seg;
			lim = f->edge > f->nxt ? f->edge - f->nxt : 0;
			cap = o->inflight > f->nxt - f->una ?
				o->inflight - (f->nxt - f->una) : 0;
			if (cap < lim)
				lim = cap;
			if (lim < len) {
				/* Less than a segment of room: only when
				 * nothing is in flight (sender-side SWS). */
				if (lim == 0 || f->nxt != f->una) {
					if (f->una == f->max && f->t_rto == 0)
						f->t_rto = x->now + (x->rto <<
							f->backoff);
					break;
				}
				len = (uint16_t)lim;
			}
			m = x_seg(x, fi, X_ACK | (len == avail ? X_PSH : 0),
				f->iss + 1 + (uint32_t)f->nxt, f->nxt, len);
			if (m == NULL)
				break;
			if (f->nxt < f->max)
				r->retrans_segs++;
			r->segs++;
			r->bytes_tx += len;
			if (f->una == f->nxt)
				f->t_rto = x->now + (x->rto << f->backoff);
			f->nxt += len;
			if (f->nxt > f->max)
				f->max = f->nxt;
		} else if (f->nxt == f->end) {
			m = x_seg(x, fi, X_FIN | X_ACK,
				f->iss + 1 + (uint32_t)f->end, 0, 0);
			if (m == NULL)
				break;
			if (f->nxt < f->max)
				r->retrans_segs++;
			r->tx_fin++;
			if (f->una == f->nxt)
				f->t_rto = x->now + (x->rto << f->backoff);
			f->nxt = f->end + 1;
			if (f->nxt > f->max)
				f->max = f->nxt;
		} else {
			break;
		}
		v[n++] = m;
		f->need_ack = false;
	}
	if (f->need_ack && n < room) {
		m = x_seg(x, fi, X_ACK, f->iss + 1 + (uint32_t)f->nxt, 0, 0);
		if (m != NULL) {
			f->need_ack = false;
			r->tx_acks++;
			v[n++] = m;
		}
	}
	x_check_done(x, f);
	return n;
}

/* The server's SYN-ACK options: MSS, window shift, timestamps. */
static void
x_opts(const uint8_t *o, uint32_t olen, int *mss, int *ws, bool *ts,
		uint32_t *tsval)
{
	uint32_t i = 0, v;

	while (i < olen) {
		if (o[i] == 0)
			break;
		if (o[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= olen || o[i + 1] < 2 || i + o[i + 1] > olen)
			break;
		if (o[i] == 2 && o[i + 1] == 4)
			*mss = (o[i + 2] << 8) | o[i + 3];
		else if (o[i] == 3 && o[i + 1] == 3)
			*ws = o[i + 2] > 14 ? 14 : o[i + 2];
		else if (o[i] == 8 && o[i + 1] == 10) {
			memcpy(&v, o + i + 2, 4);
			*tsval = rte_be_to_cpu_32(v);
			*ts = true;
		}
		i += o[i + 1];
	}
}

static void
x_established(struct xstate *x, uint32_t fi, const struct rte_tcp_hdr *th,
		uint32_t thl)
{
	const struct sfg_cfg *c = x->o->pkt;
	struct xflow *f = &x->f[fi];
	struct sfg_xfer_res *r = x->r;
	int mss = 536, ws = -1, seg;
	bool ts = false;
	uint32_t tsval = 0;
	unsigned int p;

	x_opts((const uint8_t *)(th + 1), thl - sizeof(*th), &mss, &ws, &ts,
		&tsval);
	f->irs = rte_be_to_cpu_32(th->sent_seq);
	f->ts = ts && c->ts;
	f->ts_recent = tsval;
	/* Scaling only when both offered it (RFC 7323 2.2). */
	f->shift = (uint8_t)(ws >= 0 && c->wscale >= 0 ? ws : 0);
	seg = mss;
	if (c->mss != 0 && c->mss < seg)
		seg = c->mss;
	seg -= f->ts ? 12 : 0;
	if (seg > (int)x->room - (f->ts ? 12 : 0))
		seg = x->room - (f->ts ? 12 : 0);
	if (seg < 1)
		seg = 1;
	f->seg = (uint16_t)seg;
	/* The SYN-ACK's window is never scaled. */
	f->edge = rte_be_to_cpu_16(th->rx_win);
	f->state = XF_ESTAB;
	f->need_ack = true;
	f->t_rto = 0;
	f->backoff = 0;
	r->established++;
	if (r->peer_mss == 0) {
		r->peer_mss = (uint32_t)mss;
		r->seg_bytes = f->seg;
		r->peer_wscale = ws >= 0 && c->wscale >= 0 ? ws : -1;
		r->ts = f->ts;
	}
	if (x->tab_len != f->seg) {
		x->tab_len = f->seg;
		for (p = 0; p < 256; p++)
			x->tab[p] = rte_raw_cksum(x->pat + p, f->seg);
	}
	x_dirty(x, fi);
}

/* One frame from the server. */
static void
x_rx(struct xstate *x, struct rte_mbuf *m)
{
	const struct sfg_xfer_opts *o = x->o;
	struct sfg_xfer_res *r = x->r;
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct rte_ether_hdr *eh = (const struct rte_ether_hdr *)p;
	const struct rte_tcp_hdr *th;
	uint32_t dlen = rte_pktmbuf_data_len(m), l4, tot, thl, plen, fi;
	uint32_t seq, ack, d, cur, exp;
	uint64_t nu, acked, edge;
	const uint8_t *pay;
	struct xflow *f;
	uint8_t fl;
	int mss = 0, ws = -1;
	bool ts = false;
	uint32_t tsval = 0;

	if (o->pkt->family == AF_INET) {
		const struct rte_ipv4_hdr *ip = (const void *)(eh + 1);

		if (dlen < sizeof(*eh) + sizeof(*ip) ||
		    eh->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
		    ip->version_ihl != RTE_IPV4_VHL_DEF ||
		    ip->next_proto_id != IPPROTO_TCP ||
		    memcmp(&ip->src_addr, x->them, 4) != 0)
			goto other;
		l4 = sizeof(*eh) + sizeof(*ip);
		tot = sizeof(*eh) + rte_be_to_cpu_16(ip->total_length);
	} else {
		const struct rte_ipv6_hdr *ip6 = (const void *)(eh + 1);

		if (dlen < sizeof(*eh) + sizeof(*ip6) ||
		    eh->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6) ||
		    ip6->proto != IPPROTO_TCP ||
		    memcmp(ip6->src_addr, x->them, 16) != 0)
			goto other;
		l4 = sizeof(*eh) + sizeof(*ip6);
		tot = l4 + rte_be_to_cpu_16(ip6->payload_len);
	}
	if (tot > rte_pktmbuf_pkt_len(m) || l4 + sizeof(*th) > dlen)
		goto other;
	th = (const struct rte_tcp_hdr *)(p + l4);
	thl = (uint32_t)(th->data_off >> 4) * 4;
	if (thl < sizeof(*th) || l4 + thl > dlen || l4 + thl > tot ||
	    th->src_port != x->dport_be)
		goto other;
	fi = (uint32_t)(rte_be_to_cpu_16(th->dst_port) - o->pkt->sport_lo);
	if (fi >= o->conns)
		goto other;
	f = &x->f[fi];
	r->rx_segs++;
	fl = th->tcp_flags;
	seq = rte_be_to_cpu_32(th->sent_seq);
	ack = rte_be_to_cpu_32(th->recv_ack);
	plen = tot - l4 - thl;

	if (fl & X_RST) {
		if (f->state == XF_SYN_SENT || f->state == XF_ESTAB) {
			f->state = XF_RESET;
			f->t_rto = 0;
			r->rx_rst++;
			x->finished++;
		}
		return;
	}
	if ((fl & (X_SYN | X_ACK)) == (X_SYN | X_ACK)) {
		r->rx_synack++;
		if (f->state == XF_SYN_SENT && ack == f->iss + 1)
			x_established(x, fi, th, thl);
		else if (f->state == XF_ESTAB || f->state == XF_DONE) {
			/* Our third ACK was lost: again. */
			f->need_ack = true;
			x_dirty(x, fi);
		}
		return;
	}
	if ((fl & X_SYN) || (fl & X_ACK) == 0 ||
	    (f->state != XF_ESTAB && f->state != XF_DONE))
		return;
	if (f->ts) {
		x_opts((const uint8_t *)(th + 1), thl - sizeof(*th), &mss, &ws,
			&ts, &tsval);
		if (ts)
			f->ts_recent = tsval;
	}
	if (f->state == XF_ESTAB) {
		cur = f->iss + 1 + (uint32_t)f->una;
		d = ack - cur;
		if (d <= f->max - f->una) {
			if (d > 0) {
				nu = f->una + d;
				/* Data bytes only: the FIN is at end. */
				acked = (nu < f->end ? nu : f->end) -
					(f->una < f->end ? f->una : f->end);
				if (acked != 0) {
					r->bytes += acked;
					x->last_ack = x->now;
				}
				f->una = nu;
				if (f->nxt < nu)
					f->nxt = nu;
				f->backoff = 0;
				f->t_rto = nu < f->max ? x->now + x->rto : 0;
				x_dirty(x, fi);
			}
			edge = f->una + ((uint64_t)rte_be_to_cpu_16(th->rx_win)
				<< f->shift);
			if (edge > f->edge) {
				f->edge = edge;
				if (f->una == f->max)
					f->t_rto = 0;
				x_dirty(x, fi);
			}
		}
	}
	if (plen != 0) {
		r->rx_data_segs++;
		exp = f->irs + 1 + (uint32_t)f->roff;
		if (seq == exp && !f->peer_fin) {
			if (o->echo) {
				pay = p + l4 + thl;
				if (m->nb_segs != 1) {
					if (plen > sizeof(x->scratch))
						plen = sizeof(x->scratch);
					pay = rte_pktmbuf_read(m, l4 + thl,
						plen, x->scratch);
				}
				if (plen > X_PAT_LEN - 256 || pay == NULL ||
				    memcmp(pay, x->pat +
					    ((f->roff + fi) & 255), plen) != 0)
					r->echo_bad++;
			}
			f->roff += plen;
			r->echo_bytes += plen;
			x->last_echo = x->now;
		} else {
			r->rx_dup_segs++;
		}
		f->need_ack = true;
	}
	if (fl & X_FIN) {
		if (!f->peer_fin && seq + plen == f->irs + 1 + (uint32_t)f->roff)
			f->peer_fin = true;
		f->need_ack = true;
	}
	if (f->need_ack)
		x_dirty(x, fi);
	return;
other:
	r->rx_other++;
}

/* No new data from now: each connection ends after what it sent. */
static void
x_stop_data(struct xstate *x)
{
	uint32_t i;

	for (i = 0; i < x->o->conns; i++) {
		struct xflow *f = &x->f[i];

		if (f->end == X_NO_END || f->max <= f->end) {
			if (f->max < f->end)
				f->end = f->max;
			x_dirty(x, i);
		}
	}
}

/* Every millisecond: the timers. */
static void
x_timers(struct xstate *x)
{
	uint32_t i;

	for (i = 0; i < x->o->conns; i++) {
		struct xflow *f = &x->f[i];

		if (f->t_rto == 0 || x->now < f->t_rto)
			continue;
		if (f->backoff < X_MAX_BACKOFF)
			f->backoff++;
		if (f->state == XF_SYN_SENT) {
			f->syn_due = true;
			f->t_rto = 0;
			x->r->syn_retrans++;
		} else if (f->state == XF_ESTAB && f->una < f->max) {
			f->nxt = f->una;
			x->r->timeouts++;
			f->t_rto = x->now + (x->rto << f->backoff);
		} else if (f->state == XF_ESTAB) {
			f->probe_due = true;
			f->t_rto = x->now + (x->rto << f->backoff);
		} else {
			f->t_rto = 0;
			continue;
		}
		x_dirty(x, i);
	}
}

static void
x_progress(struct xstate *x, uint64_t start, uint64_t *pbytes,
		uint64_t *plast)
{
	const struct sfg_xfer_res *r = x->r;
	double dt = (double)(x->now - *plast) / (double)x->hz;

	printf("gen: %6.1fs  xfer %8.3f Gbit/s  acked %" PRIu64 " B  "
		"echoed %" PRIu64 " B  | open %" PRIu64 "/%u done %" PRIu64
		" reset %" PRIu64 "  retrans %" PRIu64 " nombuf %" PRIu64 "\n",
		(double)(x->now - start) / (double)x->hz,
		dt > 0 ? (double)(r->bytes - *pbytes) * 8 / dt / 1e9 : 0.0,
		r->bytes, r->echo_bytes, r->established, x->o->conns,
		r->closed, r->rx_rst, r->retrans_segs, r->nombuf);
	fflush(stdout);
	*pbytes = r->bytes;
	*plast = x->now;
}

int
sfg_xfer_run(const struct sfg_xfer_opts *o, struct sfg_xfer_res *r)
{
	const struct sfg_cfg *c = o->pkt;
	struct rte_mbuf *rx[SFG_XFER_MAX_BURST], *pend[SFG_XFER_MAX_BURST];
	struct xstate *x;
	struct rte_ether_hdr *eh;
	uint64_t start, data_end, hard_end, next_ctl, next_stat = 0, rnd;
	uint64_t pbytes = 0, plast;
	unsigned int i, n, npend = 0, room, k, burst;
	uint32_t fi, todo, w, mask, host;
	bool stopped = false;

	memset(r, 0, sizeof(*r));
	r->peer_wscale = -1;
	if (o->conns == 0 || o->conns > (uint32_t)c->sport_hi -
	    c->sport_lo + 1)
		return -EINVAL;
	burst = o->burst < SFG_XFER_MAX_BURST ? o->burst :
		SFG_XFER_MAX_BURST;
	x = rte_zmalloc("sfg_xfer", sizeof(*x), RTE_CACHE_LINE_SIZE);
	if (x == NULL)
		return -ENOMEM;
	x->f = rte_zmalloc("sfg_xflows", sizeof(*x->f) * o->conns,
		RTE_CACHE_LINE_SIZE);
	x->ring = rte_zmalloc("sfg_xring", sizeof(*x->ring) * o->conns, 0);
	if (x->f == NULL || x->ring == NULL) {
		rte_free(x->f);
		rte_free(x->ring);
		rte_free(x);
		return -ENOMEM;
	}
	x->o = o;
	x->r = r;
	x->hz = rte_get_tsc_hz();
	x->rto = x->hz * o->rto_ms / 1000;
	for (i = 0; i < X_PAT_LEN; i++)
		x->pat[i] = (uint8_t)(i * 7);

	/* Our address: the source prefix, host part 1 (as sfg_syn_make). */
	eh = (struct rte_ether_hdr *)x->hdr;
	rte_ether_addr_copy(&c->dst_mac, &eh->dst_addr);
	rte_ether_addr_copy(&c->src_mac, &eh->src_addr);
	mask = o->tmpl->src_mask;
	host = rte_cpu_to_be_32(1 & mask);
	x->dport_be = rte_cpu_to_be_16(c->dport);
	if (c->family == AF_INET) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eh + 1);

		eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
		memcpy(&w, c->src, 4);
		w = (w & ~rte_cpu_to_be_32(mask)) | host;
		memcpy(x->us, &w, 4);
		memcpy(x->them, c->dst, 4);
		ip->version_ihl = RTE_IPV4_VHL_DEF;
		ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
		ip->time_to_live = 64;
		ip->next_proto_id = IPPROTO_TCP;
		memcpy(&ip->src_addr, x->us, 4);
		memcpy(&ip->dst_addr, x->them, 4);
		x->l4_off = sizeof(*eh) + sizeof(*ip);
		x->pseudo = rte_raw_cksum(x->us, 4) +
			rte_raw_cksum(x->them, 4);
	} else {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(eh + 1);

		eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
		memcpy(x->us, c->src, 16);
		memcpy(&w, x->us + 12, 4);
		w = (w & ~rte_cpu_to_be_32(mask)) | host;
		memcpy(x->us + 12, &w, 4);
		memcpy(x->them, c->dst, 16);
		ip6->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip6->proto = IPPROTO_TCP;
		ip6->hop_limits = 64;
		memcpy(ip6->src_addr, x->us, 16);
		memcpy(ip6->dst_addr, x->them, 16);
		x->l4_off = sizeof(*eh) + sizeof(*ip6);
		x->pseudo = rte_raw_cksum(x->us, 16) +
			rte_raw_cksum(x->them, 16);
	}
	x->pseudo += rte_cpu_to_be_16(IPPROTO_TCP);
	k = rte_pktmbuf_data_room_size(o->pool) - RTE_PKTMBUF_HEADROOM;
	x->room = (uint16_t)(k - x->l4_off - sizeof(struct rte_tcp_hdr));
	if (x->room > X_PAT_LEN - 256)
		x->room = X_PAT_LEN - 256;

	rnd = o->seed * 0x9e3779b97f4a7c15ULL + 1;
	for (fi = 0; fi < o->conns; fi++) {
		struct xflow *f = &x->f[fi];

		f->state = XF_SYN_SENT;
		f->syn_due = true;
		f->sport_be = rte_cpu_to_be_16((uint16_t)(c->sport_lo + fi));
		f->iss = (uint32_t)sfg_rand(&rnd);
		f->end = o->bytes != 0 ? o->bytes : X_NO_END;
		x_dirty(x, fi);
	}

	start = plast = x->now = rte_rdtsc();
	data_end = start + (uint64_t)(o->duration * (double)x->hz);
	hard_end = data_end + (uint64_t)(o->drain * (double)x->hz);
	next_ctl = start + x->hz / 1000;
	if (o->stats_interval > 0)
		next_stat = start + (uint64_t)(o->stats_interval *
			(double)x->hz);
	while (x->finished < o->conns || npend != 0) {
		x->now = rte_rdtsc();
		if (x->now >= next_ctl) {
			next_ctl = x->now + x->hz / 1000;
			if (!stopped && (x->now >= data_end || *o->quit)) {
				stopped = true;
				if (*o->quit && x->now + (uint64_t)(o->drain *
					    (double)x->hz) < hard_end)
					hard_end = x->now + (uint64_t)(o->drain
						* (double)x->hz);
				x_stop_data(x);
			}
			if (x->now >= hard_end)
				break;
			x_timers(x);
			if (next_stat != 0 && x->now >= next_stat) {
				x_progress(x, start, &pbytes, &plast);
				next_stat = x->now + (uint64_t)
					(o->stats_interval * (double)x->hz);
			}
		}
		n = rte_eth_rx_burst(o->port, o->queue, rx, SFG_XFER_MAX_BURST);
		for (i = 0; i < n; i++)
			x_rx(x, rx[i]);
		if (n != 0)
			rte_pktmbuf_free_bulk(rx, n);

		/* What the tx queue refused goes first (back-pressure). */
		if (npend != 0) {
			sfg_tx_pending(o->port, o->queue, pend, &npend);
			r->tx_busy += npend;
			if (npend != 0)
				continue;
		}
		room = burst;
		todo = x->count;
		while (room != 0 && todo-- != 0) {
			unsigned int lim = room < X_PER_POP ? room : X_PER_POP;

			fi = x->ring[x->head];
			x->head = (x->head + 1) % o->conns;
			x->count--;
			x->f[fi].in_dirty = false;
			k = x_emit(x, fi, pend + npend, lim);
			npend += k;
			room -= k;
			/* Stopped by the room: more to send later. */
			if (k == lim)
				x_dirty(x, fi);
		}
		if (npend != 0) {
			sfg_tx_pending(o->port, o->queue, pend, &npend);
			r->tx_busy += npend;
		}
	}
	if (npend != 0)
		rte_pktmbuf_free_bulk(pend, npend);
	x->now = rte_rdtsc();
	if (o->stats_interval > 0)
		x_progress(x, start, &pbytes, &plast);
	r->total_seconds = (double)(x->now - start) / (double)x->hz;
	r->seconds = x->last_ack > start ?
		(double)(x->last_ack - start) / (double)x->hz : 0;
	r->echo_seconds = x->last_echo > start ?
		(double)(x->last_echo - start) / (double)x->hz : 0;
	rte_free(x->ring);
	rte_free(x->f);
	rte_free(x);
	return 0;
}
