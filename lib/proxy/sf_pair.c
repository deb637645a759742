/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * The SYN proxy's pairs (docs/synproxy.md): a client connection of a
 * proxy listener and the connection synfront opens to a backend for it,
 * spliced at packet level on the worker that owns both.
 *
 *   client --SYN/cookie--> synfront          (the listener validates)
 *   client --third ACK---> synfront -SYN---> backend  (FULLNAT: from our
 *                                                      backend-side address)
 *   client --data--------> held              <-SYN-ACK- backend
 *                          synfront -ACK---> backend  (TCP's own ACK)
 *                          [PROXY header] -> backend
 *                          held data ------> backend
 *   then every segment of either leg is rewritten for the other and
 *   sent on: addresses and ports, sequence and ACK deltas, SACK edges,
 *   timestamps, window scale, TTL; nothing is buffered or acknowledged
 *   by synfront, the two end hosts keep their own retransmission and
 *   flow control.
 *
 * Before the backend answers nothing is acknowledged to the client: its
 * segments with data or FIN are held (SF_PX_HOLD_SEGS per pair, in its
 * out-of-order queue, so TCP's per-worker bound and purges count them)
 * and sent on once the backend is up; more are dropped and counted, the
 * client sends them again. No backend state exists before a valid third
 * ACK.
 *
 * The pair keeps per direction where its sender is (highest sequence,
 * ACK, window, FIN, timestamps), which gives the in-window test of a RST
 * (RFC 9293 3.10.7.4, as the receiver would apply it), the end of the
 * pair when both FINs are acknowledged, and TIME-WAIT on the leg where
 * synfront is the side that closed first (the backend leg when the
 * client closed first, else the client leg), with sequence numbers and
 * a timestamp offset that continue what the peer saw.
 */

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "sf_cksum.h"
#include "sf_proxy_pvt.h"
#include "sf_tcp_pvt.h"

enum { SF_PX_C2B = 0, SF_PX_B2C = 1 };

static inline struct sf_pxw *
sf_pxw(const struct sf_wtcp *wt)
{
	return wt->wt_splice_arg;
}

static inline const struct sf_flow_key *
sf_px_key(const struct sf_wtcp *wt, const struct sf_conn *c)
{
	return sf_ftab_key(&wt->wt_conntab, c->cn_id);
}

/* The pair's timer: the sooner of the idle limit and a header resend. */
static void
sf_px_arm(struct sf_wtcp *wt, struct sf_pair *pr)
{
	const struct sf_proxy *px = sf_pxw(wt)->pw_px;
	uint32_t now = wt->wt_net.nt_now;
	uint32_t lim = (pr->pr_flags & (SF_PRF_CFIN | SF_PRF_BFIN)) ?
		px->px_fin_idle_ms : px->px_idle_ms;
	uint32_t at = pr->pr_last + lim, ms;

	if ((pr->pr_flags & SF_PRF_HDR) && SF_SEQ_LT(pr->pr_hdr_at, at))
		at = pr->pr_hdr_at;
	ms = SF_SEQ_GT(at, now) ? at - now : 1;
	sf_conn_timer_set(wt, pr->pr_c, SF_CT_KEEP, ms);
}

/* Free both legs (each sent what it had to send before). */
static void
sf_px_free(struct sf_wtcp *wt, struct sf_pair *pr)
{
	if (pr->pr_b != NULL) {
		pr->pr_b->cn_user = NULL;
		sf_conn_release(wt, pr->pr_b);
		pr->pr_b = NULL;
	}
	if (pr->pr_c != NULL) {
		pr->pr_c->cn_user = NULL;
		sf_conn_release(wt, pr->pr_c);
		pr->pr_c = NULL;
	}
	pr->pr_state = SF_PR_FREE;
}

/*
 * Reset both legs (idle timeout, no backend, a leg that cannot go on):
 * each RST at the sequence number its peer expects from us (out_rsts
 * counts them, in sf_tcp_send()).
 */
static void
sf_px_abort(struct sf_wtcp *wt, struct sf_pair *pr)
{
	struct sf_conn *c = pr->pr_c, *b = pr->pr_b;

	if (pr->pr_state == SF_PR_UP) {
		const struct sf_pdir *cb = &pr->pr_d[SF_PX_C2B];
		const struct sf_pdir *bc = &pr->pr_d[SF_PX_B2C];

		/*
		 * Each RST at what its receiver acknowledged last (its
		 * RCV.NXT as far as we saw): exact, so an RFC 5961 receiver
		 * takes it rather than answering with a challenge ACK.
		 */
		c->cn_snd_nxt = cb->pd_ack;
		c->cn_rcv_nxt = cb->pd_nxt;
		b->cn_snd_nxt = bc->pd_ack;
		b->cn_rcv_nxt = bc->pd_nxt;
		sf_conn_ctl(wt, b, b->cn_snd_nxt, SF_TH_RST | SF_TH_ACK);
	}
	/* A backend in SYN-SENT is given up silently (tcp_need_reset). */
	sf_conn_ctl(wt, c, c->cn_snd_nxt, SF_TH_RST | SF_TH_ACK);
	sf_px_free(wt, pr);
}

/* What the rewrite needs of a frame, read from its headers. */
struct sf_pxseg {
	struct rte_tcp_hdr *th;
	uint16_t l2_len;
	uint16_t l3_len;
	uint32_t len;           /* payload */
	uint32_t seq;
	uint32_t ack;
	uint16_t win;
	uint8_t flags;
	bool v4;
};

static void
sf_pxseg_read(struct rte_mbuf *m, uint16_t l2_len, uint16_t l3_len,
		struct sf_pxseg *g)
{
	const uint8_t *l3 = rte_pktmbuf_mtod_offset(m, const uint8_t *, l2_len);
	uint32_t l4;

	g->v4 = (l3[0] >> 4) == 4;
	if (g->v4)
		l4 = rte_be_to_cpu_16(((const struct rte_ipv4_hdr *)l3)->
			total_length) - l3_len;
	else
		l4 = rte_be_to_cpu_16(((const struct rte_ipv6_hdr *)l3)->
			payload_len) + sizeof(struct rte_ipv6_hdr) - l3_len;
	g->l2_len = l2_len;
	g->l3_len = l3_len;
	g->th = (struct rte_tcp_hdr *)(uintptr_t)(l3 + l3_len);
	g->len = l4 - (uint32_t)(g->th->data_off >> 4) * 4;
	g->seq = rte_be_to_cpu_32(g->th->sent_seq);
	g->ack = rte_be_to_cpu_32(g->th->recv_ack);
	g->win = rte_be_to_cpu_16(g->th->rx_win);
	g->flags = g->th->tcp_flags;
}

/* The 16-bit word of th at off (even) becomes w: the checksum follows. */
static void
sf_px_word(struct rte_tcp_hdr *th, unsigned int off, uint16_t w)
{
	uint16_t old;

	memcpy(&old, (uint8_t *)th + off, 2);
	th->cksum = sf_cksum_adjust(th->cksum, old, w);
	memcpy((uint8_t *)th + off, &w, 2);
}

/*
 * The client has timestamps and the backend refused them: a backend
 * segment gets <NOP, NOP, TS> inserted after its options, TSval our own
 * clock to the client (from the SYN-ACK's TSval the client echoed, on by
 * the ms), TSecr the client's newest TSval; RFC 7323 lets a receiver
 * drop segments without the option once it was negotiated (FreeBSD and
 * macOS do). The headers move 12 bytes forward; the checksum takes the
 * new words, the data offset and the pseudo-header's length
 * incrementally. Left out when it does not fit (a 60-byte header, or
 * the client port's MTU: the client then gets the segment as it is).
 */
static void
sf_px_ts_insert(struct sf_wtcp *wt, struct sf_pair *pr, struct rte_mbuf *m,
		struct sf_pxseg *g, uint16_t mtu)
{
	unsigned int doff = (unsigned int)(g->th->data_off >> 4) * 4, i;
	uint32_t l4 = doff + g->len;
	struct sf_pdir *bc = &pr->pr_d[SF_PX_B2C];
	uint8_t *old = rte_pktmbuf_mtod(m, uint8_t *), *p, opt[12];
	struct rte_tcp_hdr *th;
	uint32_t tsval, v;
	uint16_t w;

	if (doff + 12 > 60 || g->l3_len + l4 + 12 > mtu ||
	    rte_pktmbuf_prepend(m, 12) == NULL)
		return;
	p = rte_pktmbuf_mtod(m, uint8_t *);
	memmove(p, old, (size_t)g->l2_len + g->l3_len + doff);
	th = (struct rte_tcp_hdr *)(p + g->l2_len + g->l3_len);
	tsval = pr->pr_c_tsecr0 + (wt->wt_net.nt_now - pr->pr_t0);
	if (SF_SEQ_LT(tsval, bc->pd_tsval))
		tsval = bc->pd_tsval;
	bc->pd_tsval = tsval;
	opt[0] = SF_TCPOPT_NOP;
	opt[1] = SF_TCPOPT_NOP;
	opt[2] = SF_TCPOPT_TS;
	opt[3] = 10;
	v = rte_cpu_to_be_32(tsval);
	memcpy(opt + 4, &v, 4);
	v = rte_cpu_to_be_32(pr->pr_d[SF_PX_C2B].pd_tsraw);
	memcpy(opt + 8, &v, 4);
	memcpy((uint8_t *)th + doff, opt, 12);
	for (i = 0; i < 12; i += 2) {
		memcpy(&w, opt + i, 2);
		th->cksum = sf_cksum_adjust(th->cksum, 0, w);
	}
	th->cksum = sf_cksum_adjust(th->cksum, rte_cpu_to_be_16((uint16_t)l4),
		rte_cpu_to_be_16((uint16_t)(l4 + 12)));
	memcpy(&w, (uint8_t *)th + 12, 2);
	((uint8_t *)&w)[0] = (uint8_t)((doff + 12) / 4 << 4 |
		(th->data_off & 0x0f));
	sf_px_word(th, 12, w);
	if (g->v4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(p + g->l2_len);

		ip->total_length = rte_cpu_to_be_16(
			rte_be_to_cpu_16(ip->total_length) + 12);
	} else {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(p +
			g->l2_len);

		ip6->payload_len = rte_cpu_to_be_16(
			rte_be_to_cpu_16(ip6->payload_len) + 12);
	}
	g->th = th;
	sf_count(&wt->wt_net, SF_CNT_proxy_ts_inserted);
}

/*
 * The client negotiated ECN and the backend did not: a client segment
 * loses ECT (no router on the backend's side marks what the backend
 * would not echo) and ECE/CWR.
 */
static void
sf_px_ecn_clear(struct sf_pxseg *g)
{
	uint8_t *l3 = (uint8_t *)g->th - g->l3_len;
	uint16_t w;

	if (g->v4) {
		((struct rte_ipv4_hdr *)l3)->type_of_service &= (uint8_t)~3;
	} else {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)l3;

		ip6->vtc_flow &= rte_cpu_to_be_32(~(3u << 20));
	}
	if (g->th->tcp_flags & (SF_TH_ECE | SF_TH_CWR)) {
		memcpy(&w, (uint8_t *)g->th + 12, 2);
		((uint8_t *)&w)[1] &= (uint8_t)~(SF_TH_ECE | SF_TH_CWR);
		sf_px_word(g->th, 12, w);
	}
}

/*
 * Rewrite frame m of direction d for the other leg and send it there:
 * L2 to the other leg's next hop, addresses and ports (FULLNAT), TTL or
 * hop limit less one (a router's), then the TCP rewrite of sf_splice.c;
 * both checksums follow incrementally but the IPv4 header's, summed
 * again (20 bytes); a timestamp option added or ECN taken off where
 * only the client negotiated them. Returns false when m was not sent (the caller frees
 * it; counted).
 */
static bool
sf_px_send(struct sf_wtcp *wt, struct sf_pair *pr, unsigned int d,
		struct rte_mbuf *m, struct sf_pxseg *g,
		const struct sf_tcp_opts *to)
{
	struct sf_net *nt = &wt->wt_net;
	const struct sf_conn *o = d == SF_PX_C2B ? pr->pr_b : pr->pr_c;
	const struct sf_flow_key *k = sf_px_key(wt, o);
	const struct sf_port *pt = sf_net_port(nt, o->cn_port);
	uint16_t l2 = (uint16_t)(sizeof(struct rte_ether_hdr) +
		o->cn_l2.lp_nb_vlan * sizeof(struct rte_vlan_hdr));
	struct rte_tcp_hdr *th;
	uint8_t *l3;
	uint16_t ports[2] = { k->fk_lport, k->fk_rport };
	unsigned int n;

	if (d == SF_PX_B2C && (pr->pr_flags & SF_PRF_TSADD) &&
	    !(to->to_flags & SF_TOF_TS))
		sf_px_ts_insert(wt, pr, m, g, pt->pt_mtu);
	else if (d == SF_PX_C2B && (pr->pr_flags & SF_PRF_NOECN))
		sf_px_ecn_clear(g);
	th = g->th;
	l3 = (uint8_t *)th - g->l3_len;
	if (g->v4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)l3;
		uint32_t a[2] = { k->fk_laddr[0], k->fk_raddr[0] };

		if (ip->time_to_live <= 1)
			return sf_drop(nt, SF_CNT_drop_tcp_proxy_ttl), false;
		th->cksum = sf_xlate_adjust(th->cksum, &ip->src_addr, a, 8);
		ip->src_addr = a[0];
		ip->dst_addr = a[1];
		ip->time_to_live--;
		ip->hdr_checksum = 0;
		ip->hdr_checksum = sf_ip4_hdr_cksum(ip);
	} else {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)l3;

		if (ip6->hop_limits <= 1)
			return sf_drop(nt, SF_CNT_drop_tcp_proxy_ttl), false;
		th->cksum = sf_xlate_adjust(th->cksum, ip6->src_addr,
			k->fk_laddr, 16);
		th->cksum = sf_xlate_adjust(th->cksum, ip6->dst_addr,
			k->fk_raddr, 16);
		memcpy(ip6->src_addr, k->fk_laddr, 16);
		memcpy(ip6->dst_addr, k->fk_raddr, 16);
		ip6->hop_limits--;
	}
	th->cksum = sf_xlate_adjust(th->cksum, &th->src_port, ports, 4);
	th->src_port = ports[0];
	th->dst_port = ports[1];
	n = sf_xlate_tcp(th, &pr->pr_d[d].pd_x);
	if (n != 0)
		sf_count_n(nt, SF_CNT_proxy_sack_blocks, n);

	if (l2 > g->l2_len) {
		if (rte_pktmbuf_prepend(m, l2 - g->l2_len) == NULL)
			return sf_drop(nt, SF_CNT_drop_tcp_proxy_no_room), false;
	} else if (l2 < g->l2_len) {
		rte_pktmbuf_adj(m, g->l2_len - l2);
	}
	sf_l2_write(rte_pktmbuf_mtod(m, uint8_t *), pt, &o->cn_l2,
		g->v4 ? RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6);
	m->ol_flags = 0;
	m->l2_len = l2;
	m->l3_len = g->l3_len;
	sf_count(nt, d == SF_PX_C2B ? SF_CNT_proxy_fwd_c2b :
		SF_CNT_proxy_fwd_b2c);
	sf_net_tx(nt, o->cn_port, m);
	return true;
}

/*
 * The left edge of the window direction d's receiver advertised, in the
 * sender's sequence space: its last ACK with this direction's delta off.
 */
static inline uint32_t
sf_px_rcv_lo(const struct sf_pair *pr, unsigned int d)
{
	return pr->pr_d[d ^ 1].pd_ack - pr->pr_d[d].pd_x.xl_seq_delta;
}

/*
 * Is segment g of direction d one its receiver would take (RFC 9293
 * 3.10.7.4 as Linux's tcp_sequence(): it ends at or after the last ACK
 * the receiver sent and starts within the window it advertised), with
 * an ACK of nothing the other side has not sent? Only such a segment
 * moves the pair's state: a spoofed one is sent on (its receiver judges
 * it) but cannot move where the pair thinks the sender is, which the
 * RST test, the FIN tracking and the resets of an abort rely on.
 */
static bool
sf_px_plausible(const struct sf_pair *pr, unsigned int d,
		const struct sf_pxseg *g)
{
	const struct sf_pdir *od = &pr->pr_d[d ^ 1];
	uint32_t lo = sf_px_rcv_lo(pr, d);
	uint32_t end = g->seq + g->len + !!(g->flags & SF_TH_FIN);

	if (SF_SEQ_LT(end, lo) ||
	    SF_SEQ_GT(g->seq, lo + RTE_MAX(od->pd_wnd, 1u)))
		return false;
	return !(g->flags & SF_TH_ACK) ||
		!SF_SEQ_GT(g->ack, od->pd_nxt + od->pd_x.xl_seq_delta);
}

/*
 * Where the sender of direction d is, from a plausible segment g (its
 * own sequence space; ACKs in its view of the other's), read before the
 * rewrite.
 */
static void
sf_px_track(struct sf_pair *pr, unsigned int d, const struct sf_pxseg *g,
		const struct sf_tcp_opts *to)
{
	struct sf_pdir *pd = &pr->pr_d[d];
	const struct sf_pdir *od = &pr->pr_d[d ^ 1];
	uint32_t end = g->seq + g->len + !!(g->flags & SF_TH_FIN);
	uint8_t fin = d == SF_PX_C2B ? SF_PRF_CFIN : SF_PRF_BFIN;
	uint8_t ofin = d == SF_PX_C2B ? SF_PRF_BFIN : SF_PRF_CFIN;

	if (SF_SEQ_GT(end, pd->pd_nxt))
		pd->pd_nxt = end;
	if (g->flags & SF_TH_ACK) {
		if (SF_SEQ_GT(g->ack, pd->pd_ack))
			pd->pd_ack = g->ack;
		pd->pd_wnd = (uint32_t)g->win << pd->pd_x.xl_wscale_in;
		/* The other's FIN, in this sender's view of its bytes. */
		if ((pr->pr_flags & ofin) &&
		    SF_SEQ_GEQ(g->ack, od->pd_fin + od->pd_x.xl_seq_delta))
			pr->pr_flags |= (uint8_t)(ofin << 2);
	}
	if ((g->flags & SF_TH_FIN) && !(pr->pr_flags & fin)) {
		pd->pd_fin = g->seq + g->len + 1;
		if (!(pr->pr_flags & ofin) && d == SF_PX_C2B)
			pr->pr_flags |= SF_PRF_CFIRST;
		pr->pr_flags |= fin;
	}
	if (to->to_flags & SF_TOF_TS) {
		if (SF_SEQ_GT(to->to_tsval, pd->pd_tsraw))
			pd->pd_tsraw = to->to_tsval;
		if (SF_SEQ_GT(to->to_tsval + pd->pd_x.xl_tsval_delta,
			      pd->pd_tsval))
			pd->pd_tsval = to->to_tsval + pd->pd_x.xl_tsval_delta;
	}
}

/*
 * Both FINs acknowledged: TIME-WAIT where synfront closed first, the
 * other leg freed. The TIME-WAIT leg's numbers continue what its peer
 * saw: RCV.NXT past the peer's FIN, SND.NXT past ours (the other side's
 * FIN, translated), TS.Recent the peer's last TSval, and our TSval
 * offset so that its ACKs are no older than what the peer had from us.
 */
static void
sf_px_closed(struct sf_wtcp *wt, struct sf_pair *pr)
{
	uint32_t now = wt->wt_net.nt_now;
	unsigned int in = (pr->pr_flags & SF_PRF_CFIRST) ? SF_PX_B2C :
		SF_PX_C2B;
	struct sf_conn *tw = in == SF_PX_B2C ? pr->pr_b : pr->pr_c;
	const struct sf_pdir *pi = &pr->pr_d[in], *po = &pr->pr_d[in ^ 1];

	tw->cn_rcv_nxt = pi->pd_fin;
	tw->cn_snd_nxt = po->pd_fin + po->pd_x.xl_seq_delta;
	tw->cn_snd_una = tw->cn_snd_nxt;
	tw->cn_ts_recent = pi->pd_tsraw;
	tw->cn_tsoff = po->pd_tsval - now;
	tw->cn_user = NULL;
	if (tw == pr->pr_b)
		pr->pr_b = NULL;
	else
		pr->pr_c = NULL;
	sf_count(&wt->wt_net, SF_CNT_proxy_closed);
	sf_px_free(wt, pr);
	sf_conn_splice_tw(wt, tw);
}

/*
 * Is a RST from direction d's sender in the window its receiver
 * advertised (RFC 9293 3.10.7.4, as the receiver would test it)?
 */
static bool
sf_px_rst_ok(const struct sf_pair *pr, unsigned int d, uint32_t seq)
{
	return seq == pr->pr_d[d].pd_nxt || seq - sf_px_rcv_lo(pr, d) <
		RTE_MAX(pr->pr_d[d ^ 1].pd_wnd, 1u);
}

/*
 * A segment of a spliced pair from direction d: tracked, rewritten,
 * sent on. The verdict for its frame.
 */
static enum sf_verdict
sf_px_forward(struct sf_wtcp *wt, struct sf_pair *pr, unsigned int d,
		struct rte_mbuf *m, uint16_t l2_len, uint16_t l3_len,
		const struct sf_tcp_opts *to)
{
	struct sf_net *nt = &wt->wt_net;
	struct sf_pxseg g;
	bool ok;

	sf_pxseg_read(m, l2_len, l3_len, &g);
	if (g.flags & SF_TH_SYN) {
		/* A SYN-ACK again: our ACK was lost; the backend has it again. */
		if (d == SF_PX_B2C && (g.flags & SF_TH_ACK) &&
		    g.seq == pr->pr_b->cn_irs) {
			sf_conn_ctl(wt, pr->pr_b, pr->pr_b->cn_iss + 1,
				SF_TH_ACK);
			return SF_VERDICT_DONE;
		}
		return sf_drop(nt, SF_CNT_drop_tcp_proxy_syn);
	}
	if (g.flags & SF_TH_RST) {
		if (!sf_px_rst_ok(pr, d, g.seq))
			return sf_drop(nt, SF_CNT_drop_tcp_proxy_bad_rst);
		sf_count(nt, d == SF_PX_C2B ? SF_CNT_proxy_client_resets :
			SF_CNT_proxy_backend_resets);
		if (!sf_px_send(wt, pr, d, m, &g, to))
			rte_pktmbuf_free(m);
		sf_px_free(wt, pr);
		return SF_VERDICT_KEPT;
	}
	/*
	 * The backend's ACKs below the end of the PROXY header acknowledge
	 * nothing of the client's: they say the client's first byte.
	 */
	if (d == SF_PX_B2C && (pr->pr_flags & SF_PRF_HDR) &&
	    (g.flags & SF_TH_ACK)) {
		if (SF_SEQ_LT(g.ack, pr->pr_hdr_end)) {
			uint32_t a = rte_cpu_to_be_32(pr->pr_hdr_end);

			g.th->cksum = sf_xlate_adjust(g.th->cksum,
				&g.th->recv_ack, &a, 4);
			g.th->recv_ack = a;
			g.ack = pr->pr_hdr_end;
		}
	}
	ok = sf_px_plausible(pr, d, &g);
	/* A plausible ACK past the header: no more resends. */
	if (ok && d == SF_PX_B2C && (pr->pr_flags & SF_PRF_HDR) &&
	    (g.flags & SF_TH_ACK) && SF_SEQ_GT(g.ack, pr->pr_hdr_end - 1))
		pr->pr_flags &= (uint8_t)~SF_PRF_HDR;
	if (!sf_px_send(wt, pr, d, m, &g, to))
		return SF_VERDICT_DROP;
	if (!ok) {
		sf_count(nt, SF_CNT_proxy_implausible);
		return SF_VERDICT_KEPT;
	}
	sf_px_track(pr, d, &g, to);
	pr->pr_last = wt->wt_net.nt_now;
	if ((pr->pr_flags & SF_PRF_DONE) == SF_PRF_DONE)
		sf_px_closed(wt, pr);
	return SF_VERDICT_KEPT;
}

/* The pair's PROXY header into hdr (SF_PP_V1_MAX + 1 bytes): its length. */
static uint32_t
sf_px_hdr(const struct sf_wtcp *wt, const struct sf_pair *pr, uint8_t *hdr)
{
	const struct sf_flow_key *kc = sf_px_key(wt, pr->pr_c);
	int n = pr->pr_pp == 1 ?
		sf_pp_v1((char *)hdr, SF_PP_V1_MAX + 1, kc, false) :
		sf_pp_v2(hdr, SF_PP_V1_MAX + 1, kc, false);

	return n > 0 ? (uint32_t)n : 0;
}

/*
 * The PROXY header (sf_proxy_hdr.c) as the backend leg's first bytes,
 * in a segment of its own; sent again (with the newest timestamp the
 * backend has from this leg) until the backend acknowledges it.
 */
static void
sf_px_hdr_send(struct sf_wtcp *wt, struct sf_pair *pr)
{
	struct sf_net *nt = &wt->wt_net;
	struct sf_conn *b = pr->pr_b;
	const struct sf_flow_key *kb = sf_px_key(wt, b);
	const struct sf_port *pt = sf_net_port(nt, b->cn_port);
	const struct sf_pdir *cb = &pr->pr_d[SF_PX_C2B];
	const struct sf_pdir *bc = &pr->pr_d[SF_PX_B2C];
	uint8_t hdr[SF_PP_V1_MAX + 1];
	struct sf_tcp_out o;
	struct rte_mbuf *m;
	uint32_t n = sf_px_hdr(wt, pr, hdr);
	uint8_t *p;

	if (n == 0)
		return;
	sf_tcp_out_clear(&o);
	o.seq = b->cn_iss + 1;
	o.ack = cb->pd_ack + cb->pd_x.xl_ack_delta;
	o.flags = SF_TH_ACK | SF_TH_PSH;
	o.win = sf_xlate_window((uint16_t)RTE_MIN(cb->pd_wnd >>
		cb->pd_x.xl_wscale_in, 65535u), cb->pd_x.xl_wscale_in,
		cb->pd_x.xl_wscale_out);
	if (b->cn_neg.ng_flags & SF_CONN_F_TS)
		o.optlen = sf_tcp_ts_opt(o.opt, cb->pd_tsval, bc->pd_tsraw);
	m = sf_net_alloc(nt);
	if (m == NULL)
		return;
	if (sf_tcp_build(m, pt, &b->cn_l2, kb, &o) != 0 ||
	    (p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)n)) == NULL) {
		rte_pktmbuf_free(m);
		return;
	}
	memcpy(p, hdr, n);
	sf_tcp_finish(m, pt, &b->cn_l2, kb->fk_family == AF_INET, (uint16_t)n);
	sf_count(nt, pr->pr_hdr_tx == 0 ? SF_CNT_proxy_pp_headers :
		SF_CNT_proxy_pp_rexmits);
	sf_net_tx(nt, b->cn_port, m);
	pr->pr_hdr_at = wt->wt_net.nt_now +
		sf_tcp_backoff(SF_PX_HDR_RTO_MS, pr->pr_hdr_tx);
	pr->pr_hdr_tx++;
}

/* Options of a held frame, read again from its header. */
static void
sf_px_opts(const struct rte_mbuf *m, uint16_t l2_len, uint16_t l3_len,
		struct sf_tcp_opts *to)
{
	const struct rte_tcp_hdr *th = rte_pktmbuf_mtod_offset(m,
		const struct rte_tcp_hdr *, l2_len + l3_len);
	unsigned int doff = (unsigned int)(th->data_off >> 4) * 4;

	sf_tcp_opts_parse((const uint8_t *)(th + 1), doff - sizeof(*th),
		false, to);
}

/*
 * The backend answered (its SYN-ACK; TCP sends our ACK right after this
 * call unless we did): the deltas of both directions from the two
 * handshakes, then the leg is spliced, the PROXY header and the held
 * client segments go.
 *
 *   client to backend: SEQ + (b.ISS + L - c.IRS)   (L: PROXY header)
 *                      ACK + (b.IRS - c.ISS)
 *   backend to client: SEQ + (c.ISS - b.IRS)
 *                      ACK + (c.IRS - b.ISS - L)
 *
 * Timestamps: the client's TSval of its third ACK maps to the TSval of
 * our ACK to the backend (the newest it has from us), the backend's
 * SYN-ACK TSval to our SYN-ACK's TSval as the client echoed it (the
 * newest it has from us); each TSecr maps back the other way, so both
 * hosts see their own clocks echoed and the other's clock moving on.
 */
static void
sf_px_connected(struct sf_conn *b, const struct sf_conn_info *ci, void *arg)
{
	struct sf_wtcp *wt = b->cn_wt;
	struct sf_pair *pr = arg;
	struct sf_conn *c = pr->pr_c;
	struct sf_pdir *cb = &pr->pr_d[SF_PX_C2B], *bc = &pr->pr_d[SF_PX_B2C];
	struct sf_tcb *tb = &wt->wt_tcb[c->cn_id];
	uint32_t now = wt->wt_net.nt_now, l = 0, tsb;
	bool ts = (c->cn_neg.ng_flags & SF_CONN_F_TS) &&
		(b->cn_neg.ng_flags & SF_CONN_F_TS);
	struct rte_mbuf *m;

	RTE_SET_USED(ci);
	sf_count(&wt->wt_net, SF_CNT_proxy_backend_up);
	if (pr->pr_pp != 0) {
		uint8_t hdr[SF_PP_V1_MAX + 1];

		l = sf_px_hdr(wt, pr, hdr);
	}
	/* Our ACK first, so the backend is ESTABLISHED before any data. */
	sf_conn_ctl(wt, b, b->cn_snd_nxt, SF_TH_ACK);
	tsb = now + b->cn_tsoff;

	memset(cb, 0, sizeof(*cb));
	memset(bc, 0, sizeof(*bc));
	cb->pd_x.xl_seq_delta = b->cn_iss + l - c->cn_irs;
	cb->pd_x.xl_ack_delta = b->cn_irs - c->cn_iss;
	bc->pd_x.xl_seq_delta = c->cn_iss - b->cn_irs;
	bc->pd_x.xl_ack_delta = c->cn_irs - b->cn_iss - l;
	if (ts) {
		cb->pd_x.xl_tsval_delta = tsb - pr->pr_c_ts0;
		bc->pd_x.xl_tsecr_delta = pr->pr_c_ts0 - tsb;
		bc->pd_x.xl_tsval_delta = pr->pr_c_tsecr0 - b->cn_ts_recent;
		cb->pd_x.xl_tsecr_delta = b->cn_ts_recent - pr->pr_c_tsecr0;
	}
	if (c->cn_neg.ng_flags & SF_CONN_F_WSCALE) {
		cb->pd_x.xl_wscale_in = c->cn_neg.ng_snd_wscale;
		bc->pd_x.xl_wscale_out = c->cn_neg.ng_rcv_wscale;
	}
	if (b->cn_neg.ng_flags & SF_CONN_F_WSCALE) {
		cb->pd_x.xl_wscale_out = b->cn_neg.ng_rcv_wscale;
		bc->pd_x.xl_wscale_in = b->cn_neg.ng_snd_wscale;
	}
	/* What the client has and the backend refused (sf_px_send()). */
	if ((c->cn_neg.ng_flags & SF_CONN_F_TS) &&
	    !(b->cn_neg.ng_flags & SF_CONN_F_TS))
		pr->pr_flags |= SF_PRF_TSADD;
	if ((c->cn_neg.ng_flags & SF_CONN_F_ECN) &&
	    !(b->cn_neg.ng_flags & SF_CONN_F_ECN))
		pr->pr_flags |= SF_PRF_NOECN;
	pr->pr_t0 = now;
	cb->pd_nxt = c->cn_irs + 1;
	cb->pd_ack = c->cn_iss + 1;
	cb->pd_wnd = (uint32_t)c->cn_snd_wnd << cb->pd_x.xl_wscale_in;
	cb->pd_tsraw = pr->pr_c_ts0;
	cb->pd_tsval = tsb;
	bc->pd_nxt = b->cn_irs + 1;
	bc->pd_ack = b->cn_iss + 1;
	bc->pd_wnd = (uint32_t)b->cn_snd_wnd << bc->pd_x.xl_wscale_in;
	bc->pd_tsraw = b->cn_ts_recent;
	bc->pd_tsval = pr->pr_c_tsecr0;
	pr->pr_hdr_end = b->cn_iss + 1 + l;

	/* TCP is done with the leg: no callback, no timer of its own. */
	b->cn_flags &= (uint8_t)~SF_CNF_ACCEPTED;
	b->cn_state = SF_CS_SPLICED;
	wt->wt_tcb[b->cn_id].tb_timers = (uint8_t)(1u << SF_CT_REXMT);
	sf_conn_timer_stop(wt, b, SF_CT_REXMT);   /* all off, the wheel too */
	pr->pr_state = SF_PR_UP;
	pr->pr_last = now;
	sf_count(&wt->wt_net, SF_CNT_proxy_spliced);
	if (l != 0) {
		pr->pr_flags |= SF_PRF_HDR;
		sf_px_hdr_send(wt, pr);
	}
	/* The held client segments, in the order they came. */
	while ((m = tb->tb_ofo) != NULL && pr->pr_state == SF_PR_UP) {
		struct sf_tcp_opts to;
		uint16_t l2 = m->l2_len, l3 = m->l3_len;

		tb->tb_ofo = sf_seqm(m)->sm_next;
		tb->tb_ofo_n--;
		wt->wt_ofo_mbufs--;
		sf_px_opts(m, l2, l3, &to);
		if (sf_px_forward(wt, pr, SF_PX_C2B, m, l2, l3, &to) !=
		    SF_VERDICT_KEPT)
			rte_pktmbuf_free(m);
	}
	if (pr->pr_state == SF_PR_UP)
		sf_px_arm(wt, pr);
}

static int sf_px_open(struct sf_wtcp *wt, struct sf_pair *pr);

/*
 * The backend open failed (on_close in SYN-SENT): the next backend when
 * the pool allows another try, else the client is reset.
 */
static void
sf_px_bclosed(struct sf_conn *b, enum sf_close_reason why, void *arg)
{
	struct sf_wtcp *wt;
	struct sf_pair *pr = arg;

	if (b == NULL || pr == NULL || b->cn_user != pr)
		return;
	wt = b->cn_wt;
	if (sf_pxw(wt) == NULL)
		return;     /* the engine is going: nothing to tell */
	sf_count(&wt->wt_net, why == SF_CLOSE_REFUSED ?
		SF_CNT_proxy_backend_refused : why == SF_CLOSE_TIMEOUT ?
		SF_CNT_proxy_backend_timeouts : SF_CNT_proxy_backend_errors);
	sf_backend_count_error(sf_pxw(wt)->pw_px, pr->pr_pool, pr->pr_be);
	b->cn_user = NULL;
	pr->pr_b = NULL;        /* TCP frees it after this call */
	if (pr->pr_tries < sf_pxw(wt)->pw_px->px_retries) {
		pr->pr_tries++;
		sf_count(&wt->wt_net, SF_CNT_proxy_backend_retries);
		if (sf_px_open(wt, pr) == 0)
			return;
	}
	sf_px_abort(wt, pr);
}

/*
 * Open the backend leg: a backend of the pool (not the one that just
 * failed when another is up), an active open from our address on the
 * route to it, offering what the client negotiated. 0, or -errno.
 */
static int
sf_px_open(struct sf_wtcp *wt, struct sf_pair *pr)
{
	struct sf_pxw *pw = sf_pxw(wt);
	struct sf_proxy *px = pw->pw_px;
	struct sf_bpool *bp = &px->px_pools[pr->pr_pool];
	const struct sf_conn *c = pr->pr_c;
	const struct sf_flow_key *k = sf_px_key(wt, c);
	struct sf_connect_params p;
	struct sf_conn *b;
	int i, ret;

	i = sf_bpool_pick_other(bp, &pw->pw_bsel[pr->pr_pool], k,
		pr->pr_tries != 0 ? pr->pr_be : -1);
	if (i < 0) {
		sf_count(&wt->wt_net, SF_CNT_proxy_no_backend);
		return -ENOENT;
	}
	sf_connect_params_init(&p);
	p.remote = bp->bp_be[i].be_addr;
	p.remote_port = bp->bp_be[i].be_port;
	p.worker = (int)wt->wt_net.nt_idx;
	/*
	 * The client's MSS less its timestamp option when it has one: a
	 * backend that refuses timestamps then sends segments that still
	 * fit once synfront gives them the option (sf_px_ts_insert());
	 * one that takes them sends 12 bytes less per full segment than
	 * the client could take, the price of never having to choose.
	 */
	p.mss = c->cn_neg.ng_mss;
	p.window = 65535;
	p.wscale = (c->cn_neg.ng_flags & SF_CONN_F_WSCALE) ?
		c->cn_neg.ng_snd_wscale : 0;
	p.timestamps = (c->cn_neg.ng_flags & SF_CONN_F_TS) != 0;
	p.sack = (c->cn_neg.ng_flags & SF_CONN_F_SACK) != 0;
	p.ecn = (c->cn_neg.ng_flags & SF_CONN_F_ECN) != 0;
	p.syn_retries = px->px_syn_retries;
	p.syn_timeout_ms = px->px_syn_timeout_ms;
	p.on_connected = sf_px_connected;
	p.on_close = sf_px_bclosed;
	p.arg = pr;
	ret = sf_tcp_connect(wt, &p, &b);
	if (ret != 0) {
		sf_count(&wt->wt_net, SF_CNT_proxy_backend_errors);
		return ret;
	}
	b->cn_user = pr;
	pr->pr_b = b;
	pr->pr_be = (uint8_t)i;
	sf_count(&wt->wt_net, SF_CNT_proxy_backend_connects);
	sf_backend_count_conn(px, pr->pr_pool, (unsigned int)i);
	return 0;
}

/*
 * A client segment before the backend answered: data or FIN is held
 * (nothing is acknowledged: the client keeps it until the backend
 * does), a bare ACK has nothing to go on with, a RST in window ends the
 * pair (the backend's open is given up).
 */
static enum sf_verdict
sf_px_hold(struct sf_wtcp *wt, struct sf_pair *pr, struct sf_seg *s)
{
	struct sf_tcb *tb = &wt->wt_tcb[pr->pr_c->cn_id];
	struct rte_mbuf *m = s->sg_m, **pp;

	if (s->sg_flags & SF_TH_RST) {
		if (s->sg_seq - (pr->pr_c->cn_irs + 1) >= pr->pr_c->cn_window &&
		    s->sg_seq != pr->pr_c->cn_irs + 1)
			return sf_drop(&wt->wt_net, SF_CNT_drop_tcp_proxy_bad_rst);
		sf_count(&wt->wt_net, SF_CNT_proxy_client_resets);
		sf_px_free(wt, pr);
		return SF_VERDICT_DONE;
	}
	if (s->sg_flags & SF_TH_SYN)
		return sf_drop(&wt->wt_net, SF_CNT_drop_tcp_proxy_syn);
	if (s->sg_len == 0 && !(s->sg_flags & SF_TH_FIN))
		return sf_drop(&wt->wt_net, SF_CNT_drop_tcp_proxy_ack_early);
	if (tb->tb_ofo_n >= SF_PX_HOLD_SEGS ||
	    wt->wt_ofo_mbufs >= wt->wt_ofo_max)
		return sf_drop(&wt->wt_net, SF_CNT_drop_tcp_proxy_hold_full);
	m->l2_len = s->sg_p->l2_len;
	m->l3_len = s->sg_p->l3_len;
	sf_seqm(m)->sm_next = NULL;
	sf_seqm(m)->sm_seq = s->sg_seq;
	for (pp = &tb->tb_ofo; *pp != NULL; pp = &sf_seqm(*pp)->sm_next)
		;
	*pp = m;
	tb->tb_ofo_n++;
	wt->wt_ofo_mbufs++;
	sf_count(&wt->wt_net, SF_CNT_proxy_held_segs);
	return SF_VERDICT_KEPT;
}

/* sp_accept: a proxy listener's client completed the handshake. */
static enum sf_verdict
sf_px_accept(struct sf_wtcp *wt, const struct sf_port *pt, struct sf_conn *c,
		struct sf_seg *s)
{
	struct sf_pxw *pw = sf_pxw(wt);
	const struct sf_listener *ls = &wt->wt_et->et_listeners[c->cn_listener];
	struct sf_pair *pr = &pw->pw_pairs[c->cn_id];
	struct sf_tcb *tb = &wt->wt_tcb[c->cn_id];

	RTE_SET_USED(pt);
	memset(pr, 0, sizeof(*pr));
	pr->pr_c = c;
	pr->pr_state = SF_PR_CONNECTING;
	pr->pr_pool = ls->ls_p.pool;
	pr->pr_pp = ls->ls_p.proxy_protocol;
	/* The third ACK's timestamps (cn_ts_recent may be the SYN's). */
	pr->pr_c_ts0 = (s->sg_opts.to_flags & SF_TOF_TS) ?
		s->sg_opts.to_tsval : c->cn_ts_recent;
	pr->pr_c_tsecr0 = s->sg_opts.to_tsecr;
	c->cn_user = pr;
	c->cn_state = SF_CS_SPLICED;
	/* Nothing of TCP's watches the client leg: the pair does. */
	tb->tb_keep = 0;
	tb->tb_timers = (uint8_t)(1u << SF_CT_KEEP);   /* off, the wheel too */
	sf_conn_timer_stop(wt, c, SF_CT_KEEP);
	/* The SYN-ACK's numbers: nothing else was sent or acknowledged. */
	c->cn_snd_nxt = c->cn_iss + 1;
	c->cn_rcv_nxt = c->cn_irs + 1;
	sf_count(&wt->wt_net, SF_CNT_proxy_accepts);
	if (pr->pr_pool >= pw->pw_px->px_nb_pools || sf_px_open(wt, pr) != 0) {
		sf_px_abort(wt, pr);
		return SF_VERDICT_DONE;
	}
	if (s->sg_len == 0 && !(s->sg_flags & SF_TH_FIN))
		return SF_VERDICT_DONE;
	/*
	 * The connection exists whatever becomes of its first bytes: a frame
	 * not held (counted) is done with, never a DROP, which would tell
	 * the SYN queue that no connection was made.
	 */
	return sf_px_hold(wt, pr, s) == SF_VERDICT_KEPT ? SF_VERDICT_KEPT :
		SF_VERDICT_DONE;
}

/* sp_input: a segment of either leg of a pair. */
static enum sf_verdict
sf_px_input(struct sf_wtcp *wt, const struct sf_port *pt, struct sf_conn *c,
		struct sf_seg *s)
{
	struct sf_pair *pr = c->cn_user;

	RTE_SET_USED(pt);
	if (pr->pr_state == SF_PR_CONNECTING)
		return sf_px_hold(wt, pr, s);
	return sf_px_forward(wt, pr, c == pr->pr_c ? SF_PX_C2B : SF_PX_B2C,
		s->sg_m, s->sg_p->l2_len, s->sg_p->l3_len, &s->sg_opts);
}

/* sp_timer: the idle limit, or the PROXY header's resend. */
static void
sf_px_timer(struct sf_wtcp *wt, struct sf_conn *c)
{
	struct sf_proxy *px = sf_pxw(wt)->pw_px;
	struct sf_pair *pr = c->cn_user;
	uint32_t now = wt->wt_net.nt_now;
	uint32_t lim;

	if (pr == NULL || pr->pr_state != SF_PR_UP)
		return;
	lim = (pr->pr_flags & (SF_PRF_CFIN | SF_PRF_BFIN)) ?
		px->px_fin_idle_ms : px->px_idle_ms;
	if (now - pr->pr_last >= lim) {
		sf_count(&wt->wt_net, SF_CNT_proxy_idle_timeouts);
		sf_px_abort(wt, pr);
		return;
	}
	if ((pr->pr_flags & SF_PRF_HDR) && SF_SEQ_GEQ(now, pr->pr_hdr_at)) {
		if (pr->pr_hdr_tx > SF_PX_HDR_TRIES) {
			sf_count(&wt->wt_net, SF_CNT_proxy_idle_timeouts);
			sf_px_abort(wt, pr);
			return;
		}
		sf_px_hdr_send(wt, pr);
	}
	sf_px_arm(wt, pr);
}

static const struct sf_splice_ops sf_px_ops = {
	.sp_accept = sf_px_accept,
	.sp_input = sf_px_input,
	.sp_timer = sf_px_timer,
};

int
sf_proxy_workers_init(struct sf_proxy *px, struct sf_wtcp **wts,
		unsigned int nb, int socket)
{
	unsigned int i;

	if (px->px_w != NULL)
		return 0;
	px->px_w = rte_zmalloc_socket("sf_pxw", sizeof(*px->px_w) * nb,
		RTE_CACHE_LINE_SIZE, socket);
	if (px->px_w == NULL)
		return -ENOMEM;
	px->px_nb_w = nb;
	px->px_wt = wts;
	for (i = 0; i < nb; i++) {
		struct sf_pxw *pw = &px->px_w[i];

		pw->pw_px = px;
		pw->pw_pairs = rte_zmalloc_socket("sf_pairs",
			sizeof(*pw->pw_pairs) * wts[i]->wt_conntab.ft_cap,
			RTE_CACHE_LINE_SIZE, socket);
		if (pw->pw_pairs == NULL) {
			sf_proxy_workers_fini(px);
			return -ENOMEM;
		}
	}
	for (i = 0; i < nb; i++) {
		wts[i]->wt_splice_arg = &px->px_w[i];
		wts[i]->wt_splice = &sf_px_ops;
	}
	return 0;
}

void
sf_proxy_workers_fini(struct sf_proxy *px)
{
	unsigned int i;

	if (px->px_w == NULL)
		return;
	for (i = 0; i < px->px_nb_w; i++) {
		/* Late callbacks (connections freed after this) see none. */
		if (px->px_wt != NULL && px->px_wt[i] != NULL)
			px->px_wt[i]->wt_splice_arg = NULL;
		rte_free(px->px_w[i].pw_pairs);
	}
	rte_free(px->px_w);
	px->px_w = NULL;
	px->px_nb_w = 0;
}
